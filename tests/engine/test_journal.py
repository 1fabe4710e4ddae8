"""The journal: every state change is an event with actor, time and inputs, hash-chained per case;
the database refuses to change or delete one, and verification names the first broken event."""

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from engine import journal
from engine.services import history
from tests.people import CELL
from tests.procedures import P1_START, run_p1


@pytest.fixture
def admitted(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    people.applicant.claims("submit_application", number)
    run_p1(people, number)
    return number


def test_every_step_is_journaled_with_actor_time_and_inputs(people, admitted, clock):
    events = people.admin.sees(admitted).events
    assert [e.type for e in events[:3]] == ["case.started", "task.claimed", "task.completed"]
    started = events[0].data
    assert started["key"] == "admission" and started["version"] == 1 and len(started["definition"]) == 64
    assert started["input"]["full_name"] == "Nguyễn Văn An" and started["input"]["initiator"] == "nguyenvanan"
    vote = next(e for e in events if e.type == "task.completed" and e.data["element"] == "cell_vote")
    assert vote.actor == "phamthidung" and vote.at == clock.now()
    assert vote.data["input"]["cell_in_favour"] == 12
    assert (vote.data["role"], vote.data["unit"]) == ("cell_secretary", CELL)
    assert [o["element"] for o in vote.data["opened"]] == ["appraise"]


def test_the_chain_links_each_event_to_the_previous_one(uow, admitted):
    with uow.reader() as reader:
        rows = reader.session.execute(text("select body, prev_hash, hash from case_events order by seq")).all()
    previous = journal.GENESIS
    for body, prev_hash, digest in rows:
        assert json.loads(body)["prev"] == prev_hash == previous
        assert digest == journal.sha256_hex(body.encode("utf-8"))
        previous = digest
    assert history.verify_case(uow, admitted).ok


@pytest.mark.parametrize("statement", ["update case_events set actor = 'mallory' where seq = 3",
                                       "delete from case_events where seq = 3"])
def test_the_database_refuses_to_change_or_delete_an_event(uow, admitted, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        with uow:
            uow.session.execute(text(statement))
            uow.commit()


def _tamper(uow, statement, **params):
    """An attacker with database access: lift the guard, rewrite rows, put the guard back."""
    with uow:
        run = uow.session.execute
        if uow.session.bind.dialect.name == "sqlite":
            triggers = run(text("select sql from sqlite_master where type = 'trigger' "
                                "and tbl_name = 'case_events'")).scalars().all()
            run(text("drop trigger case_events_no_update"))
            run(text("drop trigger case_events_no_delete"))
            run(text(statement), params)
            for sql in triggers:
                run(text(sql))
        else:
            run(text("alter table case_events disable trigger case_events_append_only"))
            run(text(statement), params)
            run(text("alter table case_events enable trigger case_events_append_only"))
        uow.commit()


def _body(uow, seq):
    with uow.reader() as reader:
        return reader.session.scalar(text("select body from case_events where seq = :seq"), {"seq": seq})


def _seq_of_element(people, number, element):
    return next(e.seq for e in people.admin.sees(number).events
                if e.type == "task.completed" and e.data["element"] == element)


def test_a_changed_input_is_detected_at_its_event(uow, people, admitted):
    seq = _seq_of_element(people, admitted, "cell_vote")
    forged = _body(uow, seq).replace('"cell_in_favour":12', '"cell_in_favour":15')
    _tamper(uow, "update case_events set body = :body where seq = :seq", body=forged, seq=seq)
    report = history.verify_case(uow, admitted)
    assert (report.ok, report.broken_at, report.reason) == (False, seq, "hash")


def test_a_deleted_event_is_detected(uow, admitted):
    _tamper(uow, "delete from case_events where seq = 5")
    report = history.verify_case(uow, admitted)
    assert (report.broken_at, report.reason) == (5, "sequence")


def test_a_deleted_last_event_is_detected(uow, admitted):
    _tamper(uow, "delete from case_events where seq = (select max(seq) from case_events)")
    assert history.verify_case(uow, admitted).reason == "head"


def test_a_rewritten_and_rehashed_event_breaks_the_next_link(uow, people, admitted):
    seq = _seq_of_element(people, admitted, "cell_vote")
    forged = _body(uow, seq).replace('"cell_in_favour":12', '"cell_in_favour":15')
    _tamper(uow, "update case_events set body = :body, hash = :hash where seq = :seq", body=forged,
            hash=journal.sha256_hex(forged.encode("utf-8")), seq=seq)
    report = history.verify_case(uow, admitted)
    assert (report.broken_at, report.reason) == (seq + 1, "link")
