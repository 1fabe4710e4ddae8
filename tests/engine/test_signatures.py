"""Signed approvals of P1: who may sign with what, what is signed, and how an auditor checks it years later
(openssl with the exported root certificate only, and ``verification.verify_case_signatures``)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from engine import journal
from engine.errors import NotAllowed, SignatureError
from engine.models import Certificate, CaseEvent, Document, PinCounter, RoleAssignment, User
from engine.services import attachments, certificates, documents, history, organisation, replay, signing, verification
from engine.services.tasks import complete_task
from tests.conftest import DEMO_PIN
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data
from tests import tools

WRONG_PIN = "975310"


@pytest.fixture
def at_committee(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="committee_vote")
    return number


@pytest.fixture
def admitted(people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number)
    return number


def _event(uow, number, element):
    with uow.reader() as reader:
        case_id = reader.session.scalar(text("select id from cases where number = :n"), {"n": number})
        rows = reader.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                              CaseEvent.type == "task.completed")
                                      .order_by(CaseEvent.seq)).all()
        row = next(r for r in rows if json.loads(r.body)["data"]["element"] == element)
        return SimpleNamespace(id=row.id, seq=row.seq, body=row.body, signature=row.signature)


def _openssl_verify(directory: Path, step: str, *, attime: datetime | None = None, content: str | None = None):
    return tools.openssl_cms_verify(directory, f"{step}.p7s", content or f"{step}.json", attime=attime)


def _export(uow, number, directory: Path) -> Path:
    return tools.write_files(directory, verification.signature_bundle(uow, number))


# What is signed, and that anyone can check it -------------------------------------------------------

def test_the_committee_decision_is_signed_with_the_canonical_decision_in_the_journal(uow, people, admitted, clock):
    event = _event(uow, admitted, "committee_vote")
    body = json.loads(event.body)
    decision = body["data"]["signed"]
    assert set(decision) == {"format", "case", "step", "task", "instance", "definition", "decision", "data",
                             "documents", "attachments", "effects", "signer", "at", "prev"}
    assert decision["case"] == admitted and decision["step"] == "committee_vote"
    assert decision["data"] == step_data("committee_vote") and decision["prev"] == body["prev"]
    assert decision["signer"]["username"] == "vuthiphuong" and decision["signer"]["role"] == "standing_board"
    assert decision["signer"]["position"] == "Bí thư Đảng ủy xã" and decision["at"] == body["at"]
    started = json.loads(_first_event(uow, admitted))["data"]
    assert decision["definition"] == started["definition"]
    generated = {d["key"]: d for d in decision["documents"]}
    assert set(generated) == {"cell_resolution", "admission_decision"}
    assert body["data"]["documents"][0]["sha256"] == generated["admission_decision"]["sha256"]
    # The signed bytes are recoverable exactly from the event.
    from signatures.cms import parse_detached
    import hashlib
    assert parse_detached(bytes(event.signature)).message_digest == hashlib.sha256(journal.canonical(decision)).digest()
    report = verification.verify_case_signatures(uow, admitted)
    assert report.ok and [s.element for s in report.steps] == ["cell_vote", "committee_vote", "issue_decision"]
    assert history.verify_case(uow, admitted).ok


def _first_event(uow, number):
    with uow.reader() as reader:
        return reader.session.scalar(text("select e.body from case_events e join cases c on c.id = e.case_id "
                                          "where c.number = :n and e.seq = 1"), {"n": number})


def test_openssl_verifies_the_approval_and_the_decision_document_with_the_root_certificate_only(uow, admitted,
                                                                                                  tmp_path, clock):
    folder = _export(uow, admitted, tmp_path / "export")
    assert {"root.pem", "cell_vote.json", "cell_vote.p7s", "committee_vote.json", "committee_vote.p7s"} \
        <= {p.name for p in folder.iterdir()}
    for step in ("cell_vote", "committee_vote"):
        result = _openssl_verify(folder, step, attime=clock.now())
        assert result.returncode == 0 and "Verification successful" in result.stderr, result.stderr
    document = f"documents/quyet-dinh-ket-nap-{admitted}.docx"
    result = _openssl_verify(folder, document, content=document, attime=clock.now())
    assert result.returncode == 0, result.stderr
    # The numbered version is sealed with the engine's certificate, which chains to the same root.
    sealed = f"documents/quyet-dinh-ket-nap-{admitted}-v2.docx"
    assert _openssl_verify(folder, sealed, content=sealed, attime=clock.now()).returncode == 0


def test_the_exported_signature_is_checked_by_openssl_against_a_changed_byte(uow, admitted, tmp_path, clock):
    folder = _export(uow, admitted, tmp_path / "export")
    signed = (folder / "committee_vote.json").read_bytes()
    (folder / "committee_vote.json").write_bytes(signed.replace(b'"committee_in_favour":5', b'"committee_in_favour":4'))
    result = _openssl_verify(folder, "committee_vote", attime=clock.now())
    assert result.returncode != 0 and "content verify error" in result.stderr


# Tampering is detected and the step pinpointed ----------------------------------------------------

def _tamper_event(uow, seq_id, **columns):
    with uow:
        run = uow.session.execute
        if uow.session.bind.dialect.name == "sqlite":
            triggers = run(text("select sql from sqlite_master where type = 'trigger' "
                                "and tbl_name = 'case_events'")).scalars().all()
            run(text("drop trigger case_events_no_update"))
            run(text("drop trigger case_events_no_delete"))
        else:
            run(text("alter table case_events disable trigger case_events_append_only"))
        sets = ", ".join(f"{name} = :{name}" for name in columns)
        run(text(f"update case_events set {sets} where id = :id"), {**columns, "id": seq_id})
        if uow.session.bind.dialect.name == "sqlite":
            for sql in triggers:
                run(text(sql))
        else:
            run(text("alter table case_events enable trigger case_events_append_only"))
        uow.commit()


def test_one_changed_byte_of_the_signed_data_is_detected_at_its_step(uow, admitted):
    event = _event(uow, admitted, "committee_vote")
    forged = event.body.replace('"committee_in_favour":5', '"committee_in_favour":4')
    # Even rehashed (so that only the next link breaks), the signature names the step.
    _tamper_event(uow, event.id, body=forged, hash=journal.sha256_hex(forged.encode("utf-8")))
    report = verification.verify_case_signatures(uow, admitted)
    assert (report.first_failure.seq, report.first_failure.code) == (event.seq, "signature.content_mismatch")
    assert [s.ok for s in report.steps] == [True, False, True]


def test_one_changed_byte_of_the_stored_signature_is_detected_at_its_step(uow, admitted):
    event = _event(uow, admitted, "cell_vote")
    signature = bytearray(event.signature)
    signature[-20] ^= 0x01
    _tamper_event(uow, event.id, signature=bytes(signature))
    report = verification.verify_case_signatures(uow, admitted)
    assert report.first_failure.seq == event.seq
    assert report.first_failure.code in ("signature.invalid", "signature.malformed")


def test_one_changed_byte_of_a_generated_document_is_detected_at_its_step(uow, settings, admitted):
    row = next(d for d in documents.list_documents(uow, number=admitted, actor=None) if d.key == "cell_resolution")
    path = attachments.storage_path(settings.data_dir, row.sha256)
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0x01
    path.write_bytes(bytes(content))
    report = verification.verify_case_signatures(uow, admitted)
    failure = report.first_failure
    assert (failure.element, failure.code, failure.params["name"]) == ("cell_vote", "signature.file_changed",
                                                                       row.filename)


def test_a_signer_who_did_not_hold_the_role_at_that_time_is_found(uow, admitted):
    with uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == "vuthiphuong"))
        for row in uow.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user_id)).all():
            row.valid_from = datetime(2027, 1, 1, tzinfo=timezone.utc)      # "appointed" after she signed
        uow.commit()
    report = verification.verify_case_signatures(uow, admitted)
    assert (report.first_failure.element, report.first_failure.code) == ("committee_vote", "signature.role_not_held")


# Who may sign -----------------------------------------------------------------------------------------

def test_a_signed_step_without_a_pin_is_refused_in_vietnamese(people, at_committee):
    from webapp import messages
    with pytest.raises(SignatureError) as caught:
        people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"), pin=None)
    assert caught.value.code == "signature.pin_required"
    assert "cần chữ ký số" in messages.message(caught.value)
    assert people.standing_board.task("committee_vote", at_committee)          # nothing happened


def test_a_wrong_pin_is_counted_even_though_the_step_rolls_back_and_five_lock_the_key(uow, people, at_committee):
    from webapp import messages
    for attempt in range(1, 5):
        with pytest.raises(SignatureError) as caught:
            people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"),
                                            pin=WRONG_PIN)
        assert caught.value.code == "signature.wrong_pin" and caught.value.params["remaining"] == 5 - attempt
    assert "Mã PIN không đúng. Còn 1 lần thử" in messages.message(caught.value)
    assert _failed_attempts(uow, "vuthiphuong") == 4
    with pytest.raises(SignatureError) as caught:
        people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"), pin=WRONG_PIN)
    assert caught.value.code == "signature.pin_locked"
    with pytest.raises(SignatureError) as caught:      # locked: even the right PIN is refused
        people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"))
    assert caught.value.code == "signature.pin_locked" and "Khóa ký đã bị khóa" in messages.message(caught.value)
    assert people.standing_board.task("committee_vote", at_committee)


def test_wrong_form_data_on_a_signed_step_is_refused_before_any_pin_is_tried(uow, people, at_committee):
    from engine.errors import InvalidFormData
    wrong = {**step_data("committee_vote"), "committee_in_favour": "nhiều"}
    with pytest.raises(InvalidFormData) as caught:
        people.standing_board.completes("committee_vote", at_committee, wrong, pin=WRONG_PIN)
    assert [error.field for error in caught.value.errors] == ["committee_in_favour"]
    assert _failed_attempts(uow, "vuthiphuong") == 0              # the wrong PIN was never tried
    assert people.standing_board.task("committee_vote", at_committee)


def test_a_pin_too_short_to_be_one_is_refused_without_counting_a_wrong_try(uow, people, at_committee):
    from webapp import messages
    for stray in ("1", "24681"):
        with pytest.raises(SignatureError) as caught:
            people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"), pin=stray)
        assert caught.value.code == "signature.pin_malformed"
        assert "lần nhập này không bị tính là sai" in messages.message(caught.value)
    assert _failed_attempts(uow, "vuthiphuong") == 0
    assert people.standing_board.task("committee_vote", at_committee)


def test_the_right_pin_resets_the_counter(uow, people, at_committee):
    with pytest.raises(SignatureError):
        people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"), pin=WRONG_PIN)
    assert _failed_attempts(uow, "vuthiphuong") == 1
    people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"))
    assert _failed_attempts(uow, "vuthiphuong") == 0


def _failed_attempts(uow, username) -> int:
    with uow.reader() as reader:
        user_id = reader.session.scalar(select(User.id).where(User.username == username))
        key_id = reader.session.scalar(select(Certificate.key_id).where(Certificate.user_id == user_id))
        return reader.session.scalar(select(PinCounter.failed_attempts).where(PinCounter.key_id == key_id)) or 0


def test_a_user_without_the_role_cannot_sign(people, at_committee):
    task = people.standing_board.task("committee_vote", at_committee)
    outsider = people.cell_secretary.actor          # has a certificate, not the standing board's role
    with pytest.raises(NotAllowed) as caught:
        complete_task(people.uow, task_id=task.id, actor=outsider, data=step_data("committee_vote"), pin=DEMO_PIN)
    assert caught.value.code == "task.not_entitled"


def test_an_expired_certificate_cannot_sign(people, at_committee, clock):
    clock.set(datetime(2028, 3, 1, 2, 0, tzinfo=timezone.utc))     # demo certificates: 5/1/2026 + 730 days
    with pytest.raises(SignatureError) as caught:
        people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"))
    assert caught.value.code == "signature.certificate_expired"
    from webapp import messages
    assert "đã hết hạn" in messages.message(caught.value)


def test_a_certificate_of_another_unit_cannot_sign(uow, people, at_committee):
    with uow:
        user = organisation.user_by_username(uow, "vuthiphuong")
        for row in uow.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).all():
            certificates.revoke_certificate(uow, certificate=row, reason="affiliation_changed", revoked_by="test")
        key = certificates.create_software_key(uow, user=user, pin=DEMO_PIN)
        certificates.issue_certificate(uow, key=key, user=user, unit=organisation.unit_by_code(uow, "HY-HONGCHAU"),
                                       position="Bí thư Đảng ủy phường", issued_by="test", activated=True)
        uow.commit()
    with pytest.raises(SignatureError) as caught:
        people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"))
    assert caught.value.code == "signature.certificate_other_unit"
    from webapp import messages
    assert "Đảng bộ phường Hồng Châu" in messages.message(caught.value)


# Revocation ------------------------------------------------------------------------------------------

def _revoke(uow, username, *, reason="key_compromise", invalid_since=None):
    with uow:
        user = organisation.user_by_username(uow, username)
        for row in uow.session.scalars(select(Certificate).where(Certificate.user_id == user.id,
                                                                 Certificate.revoked_at.is_(None))).all():
            certificates.revoke_certificate(uow, certificate=row, reason=reason, revoked_by="test",
                                            invalid_since=invalid_since)
        uow.commit()


def test_a_revoked_certificate_cannot_sign(uow, people, at_committee):
    _revoke(uow, "vuthiphuong")
    with pytest.raises(SignatureError) as caught:
        people.standing_board.completes("committee_vote", at_committee, step_data("committee_vote"))
    assert caught.value.code == "signature.certificate_revoked"


def test_a_signature_before_the_revocation_stays_valid_one_dated_after_it_does_not(uow, people, clock):
    early = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, early, until="appraise")                      # cell_vote signed on 26/11
    clock.advance(days=3)
    late = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, late, until="appraise")                       # cell_vote signed on 29/11
    clock.advance(days=1)
    # The secretary reports on 30/11 that her key was exposed since 28/11.
    _revoke(uow, "phamthidung", invalid_since=datetime(2026, 11, 28, tzinfo=timezone.utc))
    assert verification.verify_case_signatures(uow, early).ok
    report = verification.verify_case_signatures(uow, late)
    assert (report.first_failure.element, report.first_failure.code) == ("cell_vote", "signature.certificate_revoked")
    assert certificates.certificate_status(uow, report.first_failure.serial)["status"] == "revoked"


# Documents ---------------------------------------------------------------------------------------------

def test_documents_are_versioned_never_overwritten(uow, people, admitted):
    docs = documents.list_documents(uow, number=admitted, actor=people.cell_secretary.actor)
    decisions = sorted((d for d in docs if d.key == "admission_decision"), key=lambda d: d.version)
    assert [(d.version, d.signature_kind, d.latest) for d in decisions] == [(1, "person", False), (2, "seal", True)]
    assert decisions[0].sha256 != decisions[1].sha256 and decisions[1].signer_name == "Vũ Thị Phương"
    from tests.unit.test_documents import texts
    _view, content = documents.open_document(uow, document_id=decisions[1].id, actor=None)
    assert "Số 01-QĐ/ĐU" in texts(content) and "Đã ký số bởi: Vũ Thị Phương – Bí thư Đảng ủy xã" in texts(content)
    _view, first = documents.open_document(uow, document_id=decisions[0].id, actor=None)
    assert "Số 01-QĐ/ĐU" not in texts(first)


def test_a_document_that_does_not_apply_is_skipped_and_noted(uow, people):
    number = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, number, until="cell_vote")
    people.cell_secretary.completes("cell_vote", number, {**step_data("cell_vote"), "cell_in_favour": 5})
    event = json.loads(_event(uow, number, "cell_vote").body)
    assert event["data"]["documents"][0]["key"] == "cell_resolution"
    assert event["data"]["documents"][0]["skipped"] == "not_applicable"
    assert documents.list_documents(uow, number=number, actor=None) == []
    assert verification.verify_case_signatures(uow, number).ok          # the vote itself is still signed


def test_documents_are_as_visible_as_their_case(uow, people, admitted):
    from engine.errors import NotFound
    docs = documents.list_documents(uow, number=admitted, actor=people.cell_secretary.actor)
    with pytest.raises(NotFound):
        documents.open_document(uow, document_id=docs[0].id, actor=people.other_commune_secretary.actor)
    with pytest.raises(NotFound):
        documents.list_documents(uow, number=admitted, actor=people.other_commune_secretary.actor)


def test_a_generated_decision_opens_in_libreoffice(uow, admitted, tmp_path):
    doc = next(d for d in documents.list_documents(uow, number=admitted, actor=None) if d.key == "admission_decision")
    _view, content = documents.open_document(uow, document_id=doc.id, actor=None)
    source = tmp_path / doc.filename
    source.write_bytes(content)
    [pdf] = tools.to_pdf([source], tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF-")


# Replay does not repeat the outputs ----------------------------------------------------------------------

def test_replay_re_applies_inputs_only_and_makes_no_document_or_signature(uow, admitted):
    with uow.reader() as reader:
        before = reader.session.scalar(select(func.count()).select_from(Document))
    assert replay.replay_case(uow, admitted).ok
    with uow.reader() as reader:
        assert reader.session.scalar(select(func.count()).select_from(Document)) == before


def test_the_system_signer_signs_with_the_engine_certificate(uow, clock):
    from signatures.verify import verify_detached
    with uow.reader() as reader:
        signer = signing.system_signer(reader)
        root = certificates.trust_root(reader)
    signature = signer.sign_detached(b"checkpoint", clock.now())
    report = verify_detached(signature, b"checkpoint", trust_root=root)
    assert report.ok and report.signer.full_name == "Hệ thống quytrinh"
