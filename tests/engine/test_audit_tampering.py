"""The tampering suite: someone with write access to the database and the file store changes a finished case
in every way we could think of; ``audit.verify_case`` (chain, signed checkpoints, definition, files, replay,
signatures) must find each one and name the first bad event. Prints "N of N tampering cases detected" (also in
test-artifacts/tampering.txt)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, text

from engine.models import Case, CaseEvent, Definition, Document
from engine.services import attachments, audit, checkpoints, definitions
from tests.engine.test_replay import _rewrite_chain
from tests.people import CELL
from tests.procedures import P1_START, run_p1

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _guarded(uow, table, *statements):
    """Lift a table's append-only triggers, run the statements (text, params), put the triggers back."""
    with uow:
        run = uow.session.execute
        sqlite = uow.session.bind.dialect.name == "sqlite"
        if sqlite:
            triggers = run(text("select sql from sqlite_master where type = 'trigger' and tbl_name = :t"),
                           {"t": table}).scalars().all()
            run(text(f"drop trigger {table}_no_update"))
            run(text(f"drop trigger {table}_no_delete"))
        else:
            run(text(f"alter table {table} disable trigger {table}_append_only"))
        for statement, params in statements:
            run(text(statement), params)
        if sqlite:
            for sql in triggers:
                run(text(sql))
        else:
            run(text(f"alter table {table} enable trigger {table}_append_only"))
        uow.commit()


def _event(uow, number, *, element=None, seq=None):
    with uow.reader() as reader:
        case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
        rows = reader.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                      .order_by(CaseEvent.seq)).all()
        for row in rows:
            if (seq is not None and row.seq == seq) or (element is not None and row.type == "task.completed"
                                                        and json.loads(row.body)["data"]["element"] == element):
                return row.id, row.seq, row.body, bytes(row.signature) if row.signature else None, case_id
        return None, len(rows), None, None, case_id


# Each tampering changes the case and returns the event that must be named first -----------------------

def change_one_events_data(uow, number):
    event_id, seq, body, _, _ = _event(uow, number, element="cell_vote")
    _guarded(uow, "case_events", ("update case_events set body = :b where id = :i",
                                  {"b": body.replace('"cell_in_favour":12', '"cell_in_favour":15'), "i": event_id}))
    return seq


def delete_an_event(uow, number):
    event_id, seq, _, _, _ = _event(uow, number, seq=5)
    _guarded(uow, "case_events", ("delete from case_events where id = :i", {"i": event_id}))
    return seq


def reorder_two_events(uow, number):
    first, seq, _, _, case_id = _event(uow, number, seq=4)
    second, _, _, _, _ = _event(uow, number, seq=5)
    _guarded(uow, "case_events", ("update case_events set seq = -1 where id = :i", {"i": first}),
             ("update case_events set seq = 4 where id = :i", {"i": second}),
             ("update case_events set seq = 5 where id = :i", {"i": first}))
    return seq


def swap_a_document(uow, number):
    """The cell's signed resolution in the file store is replaced by another document of the case."""
    _, seq, _, _, case_id = _event(uow, number, element="cell_vote")
    with uow.reader() as reader:
        docs = reader.session.scalars(select(Document).where(Document.case_id == case_id)
                                      .order_by(Document.event_seq)).all()
        (resolution, made_at), other = (docs[0].sha256, docs[0].event_seq), docs[-1].sha256
    assert made_at == seq
    other_bytes = attachments.read_blob(uow.settings.data_dir, other)
    attachments.storage_path(uow.settings.data_dir, resolution).write_bytes(other_bytes)
    return seq


def swap_an_attachment(uow, number):
    """The applicant's uploaded letter is replaced in the file store."""
    with uow.reader() as reader:
        case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
        row = reader.session.execute(select(CaseEvent.seq, CaseEvent.body).where(
            CaseEvent.case_id == case_id, CaseEvent.type == "attachment.added")).first()
    digest = json.loads(row.body)["data"]["sha256"]
    attachments.storage_path(uow.settings.data_dir, digest).write_bytes(PDF.replace(b"Catalog", b"Catalogx"))
    return row.seq


def change_a_signature(uow, number):
    event_id, seq, _, signature, _ = _event(uow, number, element="committee_vote")
    forged = bytearray(signature)
    forged[-20] ^= 0x01
    _guarded(uow, "case_events", ("update case_events set signature = :s where id = :i",
                                  {"s": bytes(forged), "i": event_id}))
    return seq


def rewrite_the_whole_chain(uow, number):
    """Every hash after the change recomputed and the case's head updated: the chain alone holds."""
    _, seq, _, _, _ = _event(uow, number, element="cell_vote")

    def more_votes(body):
        if body["seq"] == seq:
            body["data"]["input"]["cell_in_favour"] = 15
        return body

    _rewrite_chain(uow, number, more_votes)
    return seq


def remove_the_last_event_consistently(uow, number):
    """The final step disappears and the case row's head is set to the event before: the chain holds."""
    event_id, seq, _, _, case_id = _event(uow, number, element="admission_ceremony")
    _guarded(uow, "case_events", ("delete from case_events where id = :i", {"i": event_id}),
             ("update cases set head_hash = (select hash from case_events where case_id = :c and seq = :s), "
              "event_count = :s where id = :c", {"c": case_id, "s": seq - 1}))
    return seq


def drop_the_checkpoint_then_rewrite(uow, number):
    """The signed checkpoint of the case is removed too, before the chain is rewritten consistently."""
    _, _, _, _, case_id = _event(uow, number)
    with uow.reader() as reader:
        checkpoint_id = reader.session.scalar(text("select checkpoint_id from checkpoint_entries where case_id = :c"),
                                              {"c": case_id})
    _guarded(uow, "checkpoint_entries", ("delete from checkpoint_entries where checkpoint_id = :i",
                                         {"i": checkpoint_id}))
    _guarded(uow, "journal_checkpoints", ("delete from journal_checkpoints where id = :i", {"i": checkpoint_id}))
    return rewrite_the_whole_chain(uow, number)


def change_a_definition_file(uow, number):
    """The deployed BPMN is edited in the database (a vote threshold): the case no longer runs on what it ran on."""
    with uow:
        row = uow.session.scalars(select(Definition).where(Definition.key == "admission")).one()
        files = dict(row.files)
        files["admission.bpmn"] = files["admission.bpmn"].replace("cell_in_favour * 3", "cell_in_favour * 4")
        uow.session.execute(text("update definitions set files = :f where id = :i"),
                            {"f": json.dumps(files, ensure_ascii=False), "i": row.id})
        uow.commit()
    definitions.forget_cached()
    return 1


TAMPERINGS = [change_one_events_data, delete_an_event, reorder_two_events, swap_a_document, swap_an_attachment,
              change_a_signature, rewrite_the_whole_chain, remove_the_last_event_consistently,
              drop_the_checkpoint_then_rewrite, change_a_definition_file]   # the definition last: it affects every case


def _finished_case(people, uow):
    from engine.services import attachments as files
    import io
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    files.add_attachment(uow, number=number, actor=people.applicant.actor, filename="Đơn xin vào Đảng.pdf",
                         stream=io.BytesIO(PDF))
    run_p1(people, number)
    return number


def test_every_tampering_is_detected_and_its_first_bad_event_named(uow, people):
    outcomes = []
    for tamper in TAMPERINGS:
        number = _finished_case(people, uow)
        assert audit.verify_case(uow, number).ok, tamper.__name__
        if tamper is drop_the_checkpoint_then_rewrite:
            checkpoints.make_daily(uow)          # the dropped checkpoint is then not the last one
        store = {path: path.read_bytes() for path in Path(uow.settings.data_dir, "attachments").rglob("*")
                 if path.is_file()}
        expected = tamper(uow, number)
        found = audit.verify_case(uow, number)
        for path, content in store.items():       # identical files of other cases share the store's blobs
            path.write_bytes(content)
        named = found.first.event if found.first else None
        outcomes.append((tamper.__name__, not found.ok, named, expected,
                         sorted({f"{f.check}:{f.reason}" for f in found.findings})))
    detected = sum(1 for _name, caught, named, expected, _ in outcomes if caught and named == expected)
    lines = [f"{'✓' if caught and named == expected else '✗'} {name}: first bad event #{named} (expected #{expected})"
             f" — {', '.join(checks)}" for name, caught, named, expected, checks in outcomes]
    figure = f"{detected} of {len(TAMPERINGS)} tampering cases detected"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "tampering.txt").write_text("\n".join(lines + [figure]) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(figure)
    assert detected == len(TAMPERINGS), "\n".join(lines + [figure])
    with uow.reader() as reader:
        assert not checkpoints.verify(reader).ok         # the removed checkpoint broke the checkpoints' own chain
