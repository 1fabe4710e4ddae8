"""P11 runs as a case like any other: a certificate is requested, confirmed (signed), issued (signed) and
activated; revoked the same way; each CA operation happens once, is journaled, and is not repeated by a
replay; a revocation through P11 is refused at the next signing attempt."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.errors import SignatureError
from engine.models import Case, CaseEvent, Certificate, SigningKey
from engine.services import certificates, replay, verification
from signatures.revocation import read_crl
from tests.conftest import DEMO_PIN
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data

NEW_PIN = "864209"
APPROVE = {"approval_decision": "approve", "approval_note": "Đồng chí đang công tác tại đơn vị."}


def _count(uow, model) -> int:
    with uow.reader() as reader:
        return reader.session.scalar(select(func.count()).select_from(model))


def _effects(uow, number) -> dict:
    """Effect name -> its recorded result, over the case's completed steps."""
    with uow.reader() as reader:
        case_id = reader.session.scalar(select(Case.id).where(Case.number == number))
        rows = reader.session.scalars(select(CaseEvent.body).where(CaseEvent.case_id == case_id,
                                                                   CaseEvent.type == "task.completed")).all()
    result = {}
    for body in rows:
        for effect in json.loads(body)["data"].get("effects") or []:
            result[effect["name"]] = effect["result"]
    return result


def request_certificate(people, username: str, unit: str, *, request_type: str = "issue", pin: str = NEW_PIN,
                        **start) -> str:
    holder = people(username)
    number = holder.opens("certificate", unit=unit, data={"request_type": request_type,
                                                         "request_reason": "Được phân công ký văn bản điện tử",
                                                         **start})
    holder.completes("generate_key", number, {"pin_kept_secret": True}, pin=pin)
    people.committee_office.completes("unit_approval", number, APPROVE)                  # signed, demo PIN
    people.cipher_office.completes("issue_certificate", number, {"identity_checked": True})   # signed
    holder.completes("activate_certificate", number, {"accepted": True}, pin=pin)
    return number


def revoke_through_p11(people, username: str, unit: str, serial: str, reason: str = "key_compromise") -> str:
    holder = people(username)
    number = holder.opens("certificate", unit=unit, data={"request_type": "revoke", "serial": serial,
                                                         "request_reason": "Mất thiết bị ký số",
                                                         "revocation_reason": reason})
    people.committee_office.completes("unit_approval", number, APPROVE)
    people.cipher_office.completes("revoke_certificate", number, {"revocation_checked": True})
    return number


def test_a_certificate_is_requested_confirmed_issued_and_activated_as_a_case(uow, people):
    number = request_certificate(people, "nguyenvanan", CELL)
    view = people.admin.sees(number)
    assert view.status == "completed"
    issued = _effects(uow, number)
    assert set(issued) == {"certificate.request", "certificate.issue", "certificate.activate"}
    serial = issued["certificate.issue"]["serial"]
    assert issued["certificate.activate"]["serial"] == serial
    mine = certificates.list_certificates(uow, user_id=people.applicant.actor.user_id)
    assert [(c.serial, c.state, c.unit) for c in mine] == [(serial, "active", CELL)]
    assert mine[0].sha256 == issued["certificate.issue"]["sha256"]
    # The PIN is in no event; only the public key's hash is.
    with uow.reader() as reader:
        bodies = " ".join(reader.session.scalars(select(CaseEvent.body)).all())
    assert NEW_PIN not in bodies and issued["certificate.request"]["public_key_sha256"] in bodies
    # Confirmation and issue are signed steps, and what the Cơ yếu office signed names the certificate.
    report = verification.verify_case_signatures(uow, number)
    assert report.ok and [s.element for s in report.steps] == ["unit_approval", "issue_certificate"]
    assert certificates.certificate_status(uow, serial)["status"] == "good"


def test_the_key_is_sealed_under_the_holders_pin_and_never_stored_in_clear(uow, people):
    number = request_certificate(people, "nguyenvanan", CELL)
    with uow.reader() as reader:
        key = reader.session.scalars(select(SigningKey).where(SigningKey.case_id != None)  # noqa: E711
                                     .order_by(SigningKey.id.desc())).first()
        sealed_text, key_id = key.sealed_key, key.id
    sealed = json.loads(sealed_text)
    assert sealed["kdf"] == "scrypt" and sealed["n"] == 2**17 and "PRIVATE KEY" not in sealed_text
    assert _effects(uow, number)["certificate.request"]["key"] == key_id


def test_a_weak_pin_is_refused_when_the_key_is_made(people):
    holder = people("nguyenvanan")
    number = holder.opens("certificate", unit=CELL, data={"request_type": "issue", "request_reason": "Ký văn bản"})
    with pytest.raises(SignatureError) as caught:
        holder.completes("generate_key", number, {"pin_kept_secret": True}, pin="123456")
    assert caught.value.code == "signature.pin_weak"
    with pytest.raises(SignatureError) as caught:
        holder.completes("generate_key", number, {"pin_kept_secret": True}, pin=None)
    assert caught.value.code == "signature.pin_required"


def test_a_renewal_replaces_the_old_certificate_and_the_new_pin_signs(uow, people):
    old = certificates.list_certificates(uow, user_id=people.cell_secretary.actor.user_id)[0]
    number = request_certificate(people, "phamthidung", CELL, request_type="renew")
    new_serial = _effects(uow, number)["certificate.issue"]["serial"]
    assert _effects(uow, number)["certificate.activate"]["superseded"] == [old.serial]
    states = {c.serial: (c.state, c.revocation_reason)
              for c in certificates.list_certificates(uow, user_id=people.cell_secretary.actor.user_id)}
    assert states == {new_serial: ("active", None), old.serial: ("revoked", "superseded")}
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="cell_vote")
    with pytest.raises(SignatureError) as caught:                     # the demo PIN opened the old key
        people.cell_secretary.completes("cell_vote", case, step_data("cell_vote"), pin=DEMO_PIN)
    assert caught.value.code == "signature.wrong_pin"
    people.cell_secretary.completes("cell_vote", case, step_data("cell_vote"), pin=NEW_PIN)
    report = verification.verify_case_signatures(uow, case)
    assert report.ok and report.steps[0].serial == new_serial


def test_a_revocation_through_p11_is_refused_at_the_next_signature(uow, people, settings):
    serial = certificates.list_certificates(uow, user_id=people.standing_board.actor.user_id)[0].serial
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="committee_vote")
    number = revoke_through_p11(people, "vuthiphuong", "HY-TANTIEN", serial)
    revoked = _effects(uow, number)["certificate.revoke"]
    assert [r["serial"] for r in revoked["revoked"]] == [serial] and revoked["reason"] == "key_compromise"
    assert revoked["revoked"][0]["invalid_since"] is not None       # a lost key: not accepted from the report
    assert certificates.certificate_status(uow, serial)["status"] == "revoked"
    with uow.reader() as reader:
        issuing = certificates.issuing_certificate(reader)
    crl = read_crl(certificates.current_crl(uow), issuer=issuing)
    assert int(serial, 16) in {r.serial for r in crl}
    with pytest.raises(SignatureError) as caught:
        people.standing_board.completes("committee_vote", case, step_data("committee_vote"))
    assert caught.value.code == "signature.certificate_revoked"
    from webapp import messages
    assert f"Chứng thư số {serial} đã bị thu hồi" in messages.message(caught.value)


def test_replay_of_a_p11_case_does_not_issue_again(uow, people):
    number = request_certificate(people, "nguyenvanan", CELL)
    before = (_count(uow, Certificate), _count(uow, SigningKey))
    report = replay.replay_case(uow, number)
    assert report.ok, report
    assert (_count(uow, Certificate), _count(uow, SigningKey)) == before


def test_only_the_holder_activates(people, uow):
    holder = people("nguyenvanan")
    number = holder.opens("certificate", unit=CELL, data={"request_type": "issue", "request_reason": "Ký văn bản"})
    holder.completes("generate_key", number, {"pin_kept_secret": True}, pin=NEW_PIN)
    people.committee_office.completes("unit_approval", number, APPROVE)
    people.cipher_office.completes("issue_certificate", number, {"identity_checked": True})
    with pytest.raises(SignatureError) as caught:
        holder.completes("activate_certificate", number, {"accepted": True}, pin="975310")
    assert caught.value.code == "signature.wrong_pin"
    pending = certificates.list_certificates(uow, user_id=holder.actor.user_id)
    assert [c.state for c in pending] == ["pending"]
