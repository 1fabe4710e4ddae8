"""The auditor's step-through and search (docs/audit.md): each event with who acted in which role and unit, the
data before and after, what the diagram highlights, the documents and the signature's verdict; the existing
visibility rules; every read in the access log; repairs sealed by the system."""

from __future__ import annotations

from datetime import date

import pytest

from engine.errors import NotAllowed, NotFound
from engine.services import access_log, audit, audit_search, cases, repairs, verification
from tests.people import CELL, OTHER_COMMUNE_CELL
from tests.procedures import P1_START, run_p1, step_data


@pytest.fixture
def admitted(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)
    return number


def test_the_auditor_steps_through_a_finished_case_with_every_signature_valid(uow, people, admitted):
    trail = audit.step_through(uow, actor=people.auditor.actor, number=admitted)
    assert trail.intact and trail.replay.ok and len(trail.steps) == 12
    first, vote = trail.steps[0], next(s for s in trail.steps if s.element == "cell_vote")
    assert first.type == "case.started" and first.highlight == ("start",) and first.data_before == {}
    assert "submit_application" in first.active and first.data_after["full_name"] == "Nguyễn Văn An"
    assert (vote.actor_name, vote.role_name, vote.unit_name) == ("Phạm Thị Dung", "Bí thư chi bộ", "Chi bộ thôn Đông")
    assert vote.signature.ok and vote.signature.signer_name == "Phạm Thị Dung"
    assert ("cell_in_favour", None, 12) in vote.changes and vote.data_before.get("cell_in_favour") is None
    assert [d["key"] for d in vote.documents] == ["cell_resolution"]
    assert vote.highlight == ("cell_vote",) and vote.active == ("appraise",) and vote.replayed == "verified"
    signed = [s for s in trail.steps if s.signature is not None]
    assert [s.element for s in signed] == ["cell_vote", "committee_vote", "issue_decision"]
    assert all(s.signature.ok for s in signed)
    log = access_log.entries(uow, username="buithihoa").items
    assert [(e.action, e.case, e.outcome) for e in log] == [("case.audit", admitted, "ok")]


def test_only_auditors_step_through_and_only_the_cases_they_may_see(uow, people, admitted):
    with pytest.raises(NotAllowed, match="audit.required"):
        audit.step_through(uow, actor=people.cell_secretary.actor, number=admitted)
    with pytest.raises(NotFound):
        audit.step_through(uow, actor=people.auditor.actor, number="KN-2026-999999")
    denied = access_log.entries(uow, username="buithihoa").items[0]
    assert (denied.action, denied.outcome, denied.detail["number"]) == ("case.audit", "denied", "KN-2026-999999")


def test_a_case_of_another_commune_is_not_shown_and_the_refusal_is_logged(uow, people, tmp_path):
    from engine.services import definitions
    from tests.bpmn_builder import script_process, write_bundle
    definitions.deploy_file(uow, write_bundle(tmp_path, "avg.bpmn", script_process("average", "average = 100 / n")))
    number = people("dothilan").opens("average", unit=OTHER_COMMUNE_CELL)
    with pytest.raises(NotFound):
        audit.step_through(uow, actor=people.auditor.actor, number=number)
    [entry] = access_log.entries(uow, username="buithihoa").items
    assert (entry.action, entry.case, entry.outcome) == ("case.audit", number, "denied")


def test_the_auditors_search_filters_and_is_logged(uow, people, admitted, clock):
    from tests.procedures.test_denunciation import START
    running = people.auditor.opens("denunciation", unit=CELL, data=START)     # 90 working days (caseDeadline)
    auditor = people.auditor.actor

    def found(**criteria):
        page = audit_search.search(uow, actor=auditor, criteria=audit_search.Criteria(**criteria))
        return sorted(h.case.number for h in page.items)

    assert found(process="admission") == [admitted]
    assert found(status="completed") == [admitted]
    assert found(unit="HY-TANTIEN") == sorted([admitted, running])          # the commune and its cells
    assert found(unit="HY-TANTIEN-TAY") == []
    assert found(acted_by="vuthiphuong") == [admitted]
    assert found(opened_from=date(2026, 11, 26), opened_to=date(2026, 11, 26)) == sorted([admitted, running])
    assert found(opened_to=date(2026, 11, 25)) == []
    assert found(overdue=True) == []
    clock.advance(days=200)
    assert found(overdue=True) == [running]
    log = access_log.entries(uow, username="buithihoa").items
    assert len(log) == 9 and all(e.action == "search" for e in log)
    assert log[-1].detail["process"] == "admission" and log[0].detail["overdue"] is True
    with pytest.raises(NotAllowed):
        audit_search.search(uow, actor=people.cell_secretary.actor, criteria=audit_search.Criteria())


def test_repairs_are_sealed_by_the_system_and_verified(uow, people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="cell_vote")
    repairs.send_back(uow, number=number, actor=people.admin.actor, element="collect_comments",
                      reason="Thiếu nhận xét của chi bộ nơi cư trú")
    cases.correct_data(uow, number=number, actor=people.admin.actor, changes={"hometown": "Hưng Yên (Tân Tiến)"},
                       reason="Sửa quê quán theo lý lịch")
    people.cell_secretary.completes("collect_comments", number, step_data("collect_comments"))
    checks = verification.verify_case_signatures(uow, number)
    events = {e.seq: e for e in people.admin.sees(number).events}
    sealed = [s for s in checks.steps if events[s.seq].type in ("case.sent_back", "case.data_corrected")]
    assert len(sealed) == 2 and all(s.ok and s.signer_name == "Hệ thống quytrinh" for s in sealed)
    assert all(events[s.seq].data["sealed_by"]["format"] == "quytrinh-seal/1" for s in sealed)
    assert audit.verify_case(uow, number).ok


def test_a_repair_is_refused_when_the_engine_cannot_seal_it(settings, clock, people):
    from dataclasses import replace

    from engine.errors import ConfigurationError
    from engine.uow import UnitOfWork
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    blind = UnitOfWork(replace(settings, ca_passphrase=None), clock=clock)
    with pytest.raises(ConfigurationError):
        cases.correct_data(blind, number=number, actor=people.admin.actor, changes={"hometown": "Hà Nội"},
                           reason="Thử")
    assert [e.type for e in people.admin.sees(number).events] == ["case.started"]
