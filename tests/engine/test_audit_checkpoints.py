"""Signed checkpoints (docs/audit.md): the ended chain of every case and, once a day, every chain that grew are
signed with the system's certificate, so that a chain rewritten consistently is found, at its first changed event;
the checkpoints are append-only and chained themselves; ``quytrinh audit verify`` checks them after the chains."""

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from engine import journal, merkle
from engine.models import Case, Checkpoint, CheckpointEntry
from engine.services import cases, checkpoints, seals
from tests.engine.test_replay import _rewrite_chain
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data


@pytest.fixture
def admitted(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)
    return number


def _checkpoints(uow, kind=None):
    with uow.reader() as reader:
        query = select(Checkpoint).order_by(Checkpoint.seq)
        if kind:
            query = query.where(Checkpoint.kind == kind)
        rows = reader.session.scalars(query).all()
        return [(r.seq, r.kind, json.loads(r.body), bytes(r.signature), r.at) for r in rows]


def test_a_completed_case_gets_a_checkpoint_signed_by_the_system_listing_every_event_hash(uow, people, admitted):
    [(seq, kind, body, signature, at)] = _checkpoints(uow)
    events = people.admin.sees(admitted).events
    assert (seq, kind, body["case"], body["status"]) == (1, "case", admitted, "completed")
    assert body["hashes"] == [e.hash for e in events] and body["head"] == events[-1].hash
    assert body["prev"] == journal.GENESIS and body["format"] == "quytrinh-checkpoint/1"
    with uow.reader() as reader:
        row = reader.session.scalars(select(Checkpoint)).one()
        from engine.services import certificates
        check = seals.check_system_signature(reader, signature, row.body.encode("utf-8"), at=at,
                                             root=certificates.trust_root(reader), revoked=[])
        assert check.ok and check.signer_name == "Hệ thống quytrinh"
        assert checkpoints.verify(reader, admitted).ok


def test_a_cancelled_case_is_checkpointed_too(uow, people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    cases.cancel_case(uow, number=number, actor=people.applicant.actor, reason="Rút hồ sơ")
    [(_seq, kind, body, _sig, _at)] = _checkpoints(uow)
    assert (kind, body["case"], body["status"], body["events"]) == ("case", number, "cancelled", 2)


def test_the_daily_checkpoint_covers_the_chains_that_grew_since_they_were_last_covered(uow, people, clock):
    first = people.applicant.opens("admission", unit=CELL, data=P1_START)
    second = people.applicant.opens("admission", unit=CELL, data=P1_START)
    daily = checkpoints.make_daily(uow)
    assert (daily.kind, daily.entries, daily.day) == ("daily", 2, "2026-11-26")
    assert checkpoints.make_daily(uow, only_if_missing=True) is None          # the worker: once a day
    assert checkpoints.make_daily(uow).entries == 0                           # nothing grew
    people.applicant.completes("submit_application", first, step_data("submit_application"))
    clock.advance(days=1)
    row = checkpoints.make_daily(uow, only_if_missing=True)
    assert (row.entries, row.day) == (1, "2026-11-27")
    with uow.reader() as reader:
        [(number, events, head)] = reader.session.execute(
            select(Case.number, CheckpointEntry.events, CheckpointEntry.head)
            .join(Case, Case.id == CheckpointEntry.case_id).where(CheckpointEntry.checkpoint_id == row.id)).all()
        body = json.loads(reader.session.get(Checkpoint, row.id).body)
        report = checkpoints.verify(reader)
    assert number == first and events == len(people.admin.sees(first).events) == 2 and body["count"] == 1
    assert body["root"] == merkle.root([merkle.leaf_hash(merkle.leaf_bytes(number, events, head))])
    assert report.ok and report.checked == 3
    assert second != first


CHANGES = {"journal_checkpoints": "kind = 'x'", "checkpoint_entries": "events = 0", "access_log": "action = 'x'",
           "archive_records": "title = 'x'"}


@pytest.mark.parametrize("verb", ["update", "delete"])
@pytest.mark.parametrize("table", sorted(CHANGES))
def test_the_audit_tables_refuse_changes_and_deletions(uow, people, admitted, table, verb):
    from engine.services import access_log, archive
    archive.file_case(uow, number=admitted)
    access_log.record(uow, actor=people.auditor.actor, action="search")
    statement = f"update {table} set {CHANGES[table]}" if verb == "update" else f"delete from {table}"
    with pytest.raises(DatabaseError, match="append-only"):
        with uow:
            uow.session.execute(text(statement))
            uow.commit()


def test_audit_verify_names_the_first_event_of_a_consistently_rewritten_chain(uow, people, admitted, cli):
    vote = next(e.seq for e in people.admin.sees(admitted).events
                if e.type == "task.completed" and e.data["element"] == "cell_vote")

    def more_votes(body):
        if body["seq"] == vote:
            body["data"]["input"]["cell_in_favour"] = 15
        return body

    assert "Điểm chốt đã ký hợp lệ: 1." in cli("audit", "verify").stdout
    _rewrite_chain(uow, admitted, more_votes)
    result = cli("audit", "verify", ok=False)
    assert result.returncode == 1
    assert f"Hồ sơ {admitted}: sự kiện #{vote} không toàn vẹn (khác với điểm chốt đã ký #1)." in result.stderr


def _without_guard(uow, table, statement, **params):
    with uow:
        run = uow.session.execute
        if uow.session.bind.dialect.name == "sqlite":
            triggers = run(text("select sql from sqlite_master where type = 'trigger' and tbl_name = :t"),
                           {"t": table}).scalars().all()
            run(text(f"drop trigger {table}_no_update"))
            run(text(f"drop trigger {table}_no_delete"))
            run(text(statement), params)
            for sql in triggers:
                run(text(sql))
        else:
            run(text(f"alter table {table} disable trigger {table}_append_only"))
            run(text(statement), params)
            run(text(f"alter table {table} enable trigger {table}_append_only"))
        uow.commit()


def test_a_removed_checkpoint_breaks_the_checkpoints_own_chain(uow, people, admitted, cli):
    checkpoints.make_daily(uow)
    _without_guard(uow, "checkpoint_entries", "delete from checkpoint_entries where checkpoint_id = "
                                              "(select id from journal_checkpoints where seq = 1)")
    _without_guard(uow, "journal_checkpoints", "delete from journal_checkpoints where seq = 1")
    result = cli("audit", "verify", ok=False)
    assert result.returncode == 1 and "Điểm chốt #2: không toàn vẹn (chuỗi điểm chốt bị đứt" in result.stderr


def test_a_forged_checkpoint_is_refused_by_its_signature(uow, admitted, cli):
    with uow.reader() as reader:
        body = reader.session.scalars(select(Checkpoint.body)).one()
    forged = body.replace('"status":"completed"', '"status":"cancelled"')
    _without_guard(uow, "journal_checkpoints", "update journal_checkpoints set body = :b, sha256 = :h",
                   b=forged, h=journal.sha256_hex(forged.encode()))
    result = cli("audit", "verify", ok=False)
    assert "Điểm chốt #1: không toàn vẹn (chữ ký số của điểm chốt không hợp lệ)." in result.stderr


def test_without_the_ca_passphrase_a_case_still_completes_and_is_covered_later(settings, clock, uow):
    from dataclasses import replace

    from engine.uow import UnitOfWork
    from tests.people import People
    blind = UnitOfWork(replace(settings, ca_passphrase=None), clock=clock)
    people = People(blind)
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    cases.cancel_case(blind, number=number, actor=people.applicant.actor, reason="Rút hồ sơ")
    assert people.applicant.sees(number).status == "cancelled" and _checkpoints(uow) == []
    assert checkpoints.make_daily(uow).entries == 1
    with uow.reader() as reader:
        assert checkpoints.verify(reader, number).ok
