"""The engine signs through the one ``Signer`` interface with a key that never leaves a PKCS#11 token
(SoftHSM2): the token key is made through P11, certified, activated, and signs P1's committee decision;
the signature verifies with the engine's verifier and with openssl."""

from __future__ import annotations

import uuid

import pytest

from engine.errors import SignatureError
from engine.services import certificates, verification
from tests import tools
from tests.people import CELL
from tests.procedures import P1_START, run_p1, step_data

APPROVE = {"approval_decision": "approve", "approval_note": "Đồng chí đang công tác tại đơn vị."}


def test_a_token_key_made_through_p11_signs_the_committee_decision(uow, people, softhsm, tmp_path, clock):
    label = f"quyet-dinh-{uuid.uuid4().hex[:8]}"
    holder = people.standing_board
    number = holder.opens("certificate", unit="HY-TANTIEN", data={
        "request_type": "renew", "request_reason": "Chuyển sang thiết bị ký số", "key_storage": "pkcs11",
        "token_label": softhsm.token_label, "key_label": label})
    holder.completes("generate_key", number, {"pin_kept_secret": True}, pin=softhsm.pin)   # made on the token
    people.committee_office.completes("unit_approval", number, APPROVE)
    people.cipher_office.completes("issue_certificate", number, {"identity_checked": True})
    holder.completes("activate_certificate", number, {"accepted": True}, pin=softhsm.pin)
    mine = certificates.list_certificates(uow, user_id=holder.actor.user_id)
    assert [(c.state, c.storage) for c in mine] == [("active", "pkcs11"), ("revoked", "software")]

    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, case, until="committee_vote")
    with pytest.raises(SignatureError) as caught:                 # the token refuses a wrong PIN
        holder.completes("committee_vote", case, step_data("committee_vote"), pin="975310")
    assert caught.value.code == "signature.wrong_pin"
    holder.completes("committee_vote", case, step_data("committee_vote"), pin=softhsm.pin)
    report = verification.verify_case_signatures(uow, case)
    assert report.ok and report.steps[-1].serial == mine[0].serial

    tools.write_files(tmp_path, verification.signature_bundle(uow, case))
    for step, content in (("committee_vote.p7s", "committee_vote.json"),
                          (f"documents/quyet-dinh-ket-nap-{case}.docx.p7s", f"documents/quyet-dinh-ket-nap-{case}.docx")):
        result = tools.openssl_cms_verify(tmp_path, step, content, attime=clock.now())
        assert result.returncode == 0, result.stderr
