"""The electronic archive (docs/audit.md): a closed case is filed once, with its dossier, a retention period from
its procedure and a file code; the archive lists, retrieves (checked) and exports it; nothing filed changes."""

from __future__ import annotations

import hashlib
import io
import subprocess
import zipfile
from datetime import datetime, timezone

import pytest

from engine.errors import DefinitionInvalid, InvalidInput, NotFound
from engine.retention import parse_retention, retain_until
from engine.services import archive, attachments, cases, definitions
from tests.bpmn_builder import flow, process, props, user_task, write_bundle
from tests.engine.test_audit_dossier import SYSTEM_PYTHON
from tests.people import CELL
from tests.procedures import P1_START, run_p1


@pytest.fixture
def admitted(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)
    return number


def test_a_closed_case_is_filed_with_its_dossier_a_retention_period_and_a_file_code(uow, people, admitted, tmp_path):
    view = archive.file_case(uow, number=admitted)
    assert view.file_code == "HY-TANTIEN-DONG.2026.KN.0001"
    assert (view.retention, view.status, view.filed_by) == ("P10Y", "completed", "system")
    assert view.retain_until == datetime(2036, 12, 31, 17, 0, tzinfo=timezone.utc)     # 1/1/2037 in Hà Nội
    second = people.applicant.opens("admission", unit=CELL, data=P1_START)
    cases.cancel_case(uow, number=second, actor=people.applicant.actor, reason="Rút hồ sơ")
    assert archive.file_case(uow, number=second).file_code == "HY-TANTIEN-DONG.2026.KN.0002"
    got, content = archive.retrieve(uow, actor=people.auditor.actor, file_code=view.file_code)
    assert hashlib.sha256(content).hexdigest() == view.dossier_sha256 == got.dossier_sha256
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        package.extractall(tmp_path / "filed")
    result = subprocess.run([SYSTEM_PYTHON, "-I", "-S", "verify.py"], cwd=tmp_path / "filed", capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout
    _view, check = archive.get_record(uow, actor=people.auditor.actor, file_code=view.file_code)
    assert check.ok and check.seal_ok and check.dossier_ok
    listed = archive.list_records(uow, actor=people.committee_office.actor, text_filter="KN.0001")
    assert [v.file_code for v in listed.items] == [view.file_code]


def test_only_a_closed_case_is_filed_and_only_once(uow, people, admitted):
    running = people.applicant.opens("admission", unit=CELL, data=P1_START)
    with pytest.raises(InvalidInput, match="archive.case_not_closed"):
        archive.file_case(uow, number=running)
    archive.file_case(uow, number=admitted)
    with pytest.raises(InvalidInput, match="archive.already_filed"):
        archive.file_case(uow, number=admitted)
    assert archive.pending(uow) == []


def test_the_archive_is_for_archivists_and_follows_the_cases_visibility(uow, people, admitted):
    from engine.errors import NotAllowed
    view = archive.file_case(uow, number=admitted)
    with pytest.raises(NotAllowed, match="archive.required"):
        archive.list_records(uow, actor=people.cell_secretary.actor)
    with pytest.raises(NotFound):                                  # another commune's office does not see it
        archive.retrieve(uow, actor=people("lamthiyen").actor, file_code=view.file_code)
    assert archive.list_records(uow, actor=people("lamthiyen").actor).total == 0


def test_a_changed_stored_dossier_is_refused_and_reported(uow, people, admitted, cli):
    view = archive.file_case(uow, number=admitted)
    path = attachments.storage_path(uow.settings.data_dir, view.dossier_sha256)
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))
    with pytest.raises(NotFound, match="archive.dossier_changed"):
        archive.retrieve(uow, actor=people.auditor.actor, file_code=view.file_code)
    result = cli("archive", "verify", ok=False)
    assert result.returncode == 1 and view.file_code in result.stderr
    assert cli("archive", "show", view.file_code, ok=False).returncode == 1


def test_the_retention_comes_from_the_procedure_and_a_bad_value_is_refused(uow, people, tmp_path):
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + user_task("note", "Ghi nhận", "f1", "f2")
            + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "note") + flow("f2", "note", "end"))
    xml = process("kept_forever", body, lane_nodes=["start", "note", "end"])
    definitions.deploy_file(uow, write_bundle(tmp_path / "ok", "kept.bpmn", _retention(xml, "permanent")))
    number = people.cell_secretary.opens("kept_forever")
    people.cell_secretary.completes("note", number, {})
    view = archive.file_case(uow, number=number)
    assert (view.retention, view.retain_until) == ("permanent", None)
    with pytest.raises(DefinitionInvalid) as refused:
        definitions.validate_file(uow, write_bundle(tmp_path / "bad", "bad.bpmn", _retention(xml, "mười năm")))
    assert [p.code for p in refused.value.problems] == ["retention.invalid"]


def _retention(xml: str, value: str) -> str:
    """The process of a test bundle with a ``retention`` property."""
    marker = 'isExecutable="true">\n'
    assert xml.count(marker) == 1
    return xml.replace(marker, marker + props(retention=value) + "\n")


def test_retention_values():
    assert parse_retention("P10Y") == "P10Y" and parse_retention("vĩnh viễn") == "permanent"
    assert parse_retention("P0Y") is None and parse_retention("10 năm") is None and parse_retention("P6M") is None
    assert retain_until("permanent", datetime(2026, 11, 26, tzinfo=timezone.utc)) is None


def test_the_worker_files_closed_cases_and_signs_the_days_checkpoint_once(admitted, cli):
    first = cli("worker", "--once").stdout
    assert "Đã ký điểm chốt ngày" in first and "Đã nộp lưu 1 hồ sơ." in first
    second = cli("worker", "--once").stdout
    assert "Đã ký điểm chốt" not in second and "nộp lưu" not in second
    listed = cli("archive", "list", "--json").stdout
    assert admitted in listed and '"retention": "P10Y"' in listed
