"""``quytrinh task complete --pin``, ``quytrinh signature verify`` and ``quytrinh signature export``, run as real
processes; the export is checked by openssl alone."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from tests import tools
from tests.conftest import DEMO_PIN
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data

ROOT = Path(__file__).resolve().parents[2]




def test_the_committee_signs_from_the_command_line_and_anyone_can_check_it(cli, people, tmp_path, clock):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="committee_vote")
    task = people.standing_board.task("committee_vote", number)
    data = json.dumps(step_data("committee_vote"))
    refused = cli("task", "complete", task.id, "--as", "vuthiphuong", "--data", data, ok=False)
    assert refused.returncode == 1
    assert "Bước «Ban thường vụ xét, quyết định kết nạp» cần chữ ký số" in refused.stderr and "--pin" in refused.stderr
    wrong = cli("task", "complete", task.id, "--as", "vuthiphuong", "--data", data, "--pin", "975310", ok=False)
    assert wrong.returncode == 1 and "Mã PIN không đúng" in wrong.stderr
    cli("task", "complete", task.id, "--as", "vuthiphuong", "--data", data, "--pin", DEMO_PIN)

    verified = cli("signature", "verify", number)
    assert "2 chữ ký số hợp lệ" in verified.stdout and "Vũ Thị Phương" in verified.stdout
    report = json.loads(cli("signature", "verify", number, "--json").stdout)
    assert report["ok"] and [s["element"] for s in report["steps"]] == ["cell_vote", "committee_vote"]

    folder = tmp_path / "export"
    cli("signature", "export", number, str(folder))
    assert {"root.pem", "cell_vote.json", "cell_vote.p7s", "committee_vote.json", "committee_vote.p7s"} \
        <= {p.name for p in folder.iterdir()}
    result = tools.openssl_cms_verify(folder, "committee_vote.p7s", "committee_vote.json")
    assert result.returncode == 0 and "Verification successful" in result.stderr, result.stderr


def test_verify_exits_1_naming_the_first_signature_that_does_not_hold(cli, people, uow):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="appraise")
    with uow:
        if uow.session.bind.dialect.name == "sqlite":
            uow.session.execute(text("drop trigger case_events_no_update"))
        else:
            uow.session.execute(text("alter table case_events disable trigger case_events_append_only"))
        uow.session.execute(text("update case_events set signature = :s where signature is not null"),
                            {"s": b"\x30\x03\x02\x01\x00"})
        if uow.session.bind.dialect.name != "sqlite":     # the PostgreSQL test database is reused: guard back on
            uow.session.execute(text("alter table case_events enable trigger case_events_append_only"))
        uow.commit()
    result = cli("signature", "verify", number, ok=False)
    assert result.returncode == 1
    assert "chữ ký của bước «cell_vote»" in result.stderr and "phamthidung" in result.stderr
    assert "Dữ liệu chữ ký số bị hỏng" in result.stderr
