"""Replay: any case, re-run from its journal on its pinned definition, reaches the recorded state at
every step; a changed input or definition is found at the first event it affects."""

import json

import pytest
from sqlalchemy import select, text

from engine import journal
from engine.models import Case, CaseEvent, Definition
from engine.services import cases, definitions, history, replay
from engine.services.steps import CaseFailed
from tests.bpmn_builder import script_process, write_bundle
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data


def _verified(uow, number):
    report = replay.replay_case(uow, number)
    assert report.ok, report
    return report


def test_an_admitted_members_case_replays_step_by_step(people, uow):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.claims("submit_application", number)
    run_p1(people, number)
    report = _verified(uow, number)
    assert [s.element for s in report.steps if s.type == "task.completed"][:3] == \
        ["submit_application", "review_application", "introduce"]
    assert len(report.steps) == 12


def test_a_returned_dossier_and_a_rejection_replay(people, uow):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.completes("submit_application", number, step_data("submit_application"))
    people.cell_secretary.completes("review_application", number, {"review_decision": "return",
                                                                   "review_comment": "Bổ sung lý lịch."})
    people.applicant.completes("submit_application", number, step_data("submit_application"))
    people.cell_secretary.completes("review_application", number, {"review_decision": "reject",
                                                                   "review_comment": "Chưa đủ điều kiện."})
    assert people.applicant.sees(number).status == "completed"
    _verified(uow, number)


def test_timers_and_escalations_replay_at_their_recorded_times(people, uow, clock):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="admission_ceremony")
    clock.advance(days=45)
    cases.run_due_timers(uow)
    people.committee_office.completes("remind_ceremony", number, {"reminder_note": "Đã đôn đốc chi bộ."})
    clock.advance(days=2)
    people.cell_secretary.completes("admission_ceremony", number, step_data("admission_ceremony"))
    assert people.applicant.sees(number).status == "completed"
    assert "timer.fired" in [s.type for s in _verified(uow, number).steps]


def test_a_failed_step_retried_with_corrected_data_replays(people, uow, tmp_path):
    definitions.deploy_file(uow, write_bundle(tmp_path, "avg.bpmn", script_process("average", "average = 100 / n")))
    number = people.cell_secretary.opens("average")
    with pytest.raises(CaseFailed):
        people.cell_secretary.completes("enter", number, {"n": 0})
    cases.retry_case(uow, number=number, actor=people.admin.actor, corrections={"n": 4})
    people.cell_secretary.completes("check", number, {})
    _verified(uow, number)


def test_a_cancelled_case_replays(people, uow):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    cases.cancel_case(uow, number=number, actor=people.applicant.actor, reason="Rút hồ sơ")
    _verified(uow, number)


def _rewrite_chain(uow, number, change):
    """An attacker rewrites an input and recomputes every hash after it, so the chain itself holds."""
    with uow:
        session = uow.session
        if session.bind.dialect.name == "sqlite":
            saved = session.execute(text("select sql from sqlite_master where type='trigger' "
                                         "and tbl_name='case_events'")).scalars().all()
            session.execute(text("drop trigger case_events_no_update"))
            session.execute(text("drop trigger case_events_no_delete"))
        else:
            session.execute(text("alter table case_events disable trigger case_events_append_only"))
        case = session.scalars(select(Case).where(Case.number == number)).unique().one()
        prev = journal.GENESIS
        for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)):
            body = json.loads(event.body)
            body = change(body)
            body["prev"] = prev
            text_body = journal.canonical(body).decode("utf-8")
            session.execute(text("update case_events set body = :b, prev_hash = :p, hash = :h where id = :i"),
                            {"b": text_body, "p": prev, "h": journal.sha256_hex(text_body.encode()), "i": event.id})
            prev = journal.sha256_hex(text_body.encode())
        session.execute(text("update cases set head_hash = :h where id = :i"), {"h": prev, "i": case.id})
        if session.bind.dialect.name == "sqlite":
            for sql in saved:
                session.execute(text(sql))
        else:
            session.execute(text("alter table case_events enable trigger case_events_append_only"))
        uow.commit()


def test_a_consistently_rewritten_input_passes_the_chain_but_not_the_replay(people, uow):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)

    def more_votes(body):
        if body["type"] == "task.completed" and body["data"]["element"] == "cell_vote":
            body["data"]["input"]["cell_in_favour"] = 15
        return body

    _rewrite_chain(uow, number, more_votes)
    assert history.verify_case(uow, number).ok                     # the chain alone cannot tell
    report = replay.replay_case(uow, number)
    vote_seq = next(e.seq for e in people.admin.sees(number).events
                    if e.type == "task.completed" and e.data["element"] == "cell_vote")
    assert (report.diverged_at, report.reason) == (vote_seq, "state")


def test_a_changed_definition_file_is_found_before_anything_is_replayed(people, uow):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    with uow:
        row = uow.session.scalars(select(Definition).where(Definition.key == "admission")).one()
        files = dict(row.files)
        files["admission.bpmn"] = files["admission.bpmn"].replace("cell_in_favour * 3", "cell_in_favour * 4")
        uow.session.execute(text("update definitions set files = :f where id = :i"),
                            {"f": json.dumps(files, ensure_ascii=False), "i": row.id})
        uow.commit()
    definitions.forget_cached()
    report = replay.replay_case(uow, number)
    assert (report.diverged_at, report.reason) == (1, "definition")


def test_an_administrator_sends_a_case_back_to_an_earlier_step_and_replay_follows(people, uow):
    from engine.services import repairs
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="cell_vote")
    repairs.send_back(uow, number=number, actor=people.admin.actor, element="collect_comments",
                      reason="Thiếu nhận xét của chi bộ nơi cư trú")
    assert [t.element for t in people.cell_secretary.inbox()] == ["collect_comments"]
    people.cell_secretary.completes("collect_comments", number, step_data("collect_comments"))
    people.party_building_board.completes("verify_biography", number, step_data("verify_biography"))
    assert people.cell_secretary.task("cell_vote", number)
    assert [e.type for e in people.admin.sees(number).events].count("case.sent_back") == 1
    _verified(uow, number)


def test_a_failed_script_is_skipped_with_a_reason_and_replay_follows(people, uow, tmp_path):
    definitions.deploy_file(uow, write_bundle(tmp_path, "avg.bpmn", script_process("average", "average = 100 / n")))
    number = people.cell_secretary.opens("average")
    with pytest.raises(CaseFailed):
        people.cell_secretary.completes("enter", number, {"n": 0})
    cases.retry_case(uow, number=number, actor=people.admin.actor, skip=True, reason="Bỏ qua tính trung bình")
    view = people.cell_secretary.sees(number)
    assert view.status == "running" and "average" not in view.data
    people.cell_secretary.completes("check", number, {})
    _verified(uow, number)
