"""The verifier: each rule a signature must meet, judged at the signing time."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from signatures import cms, errors
from signatures.errors import CertificateExpired, CertificateNotYetValid, KeyMismatch
from signatures.keys import generate_user_key
from signatures.revocation import RevocationReason, build_crl, read_crl, revoke
from signatures.signer import SoftwareSigner
from signatures.verify import verify_detached
from tests.signatures.conftest import CA_PASSPHRASE, CERT_FROM, CERT_UNTIL, SIGNED_AT, utc


def raw_signature(data, key, certificate, chain, at) -> bytes:
    """Build the CMS directly, bypassing the signer's own validity check (an attacker would)."""
    return cms.build_detached(data, certificate=certificate, chain=chain, signing_time=at,
                              sign=lambda attrs: key.sign(attrs, padding.PKCS1v15(), hashes.SHA256()))


@pytest.fixture
def signature(software_signer, decision) -> bytes:
    return software_signer.sign_detached(decision, SIGNED_AT)


def test_a_good_signature_reports_who_signed_and_when(signature, decision, pki, user_certificate):
    report = verify_detached(signature, decision, trust_root=pki.root_certificate(), journal_time=SIGNED_AT)
    assert report.ok and report.code is None and report.revocation is None
    assert (report.signer.full_name, report.signer.unit, report.signer.title) == \
        ("Nguyễn Thị Hằng", "Văn phòng Tỉnh ủy", "Chánh Văn phòng")
    assert report.signer.organization == "Đảng bộ tỉnh Hưng Yên"
    assert report.issuer.full_name == "Đảng bộ tỉnh Hưng Yên – CA nội bộ"
    assert report.serial == user_certificate.serial
    assert report.signing_time == SIGNED_AT
    as_json = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert as_json["serial"] == f"{user_certificate.serial:X}"
    assert as_json["signer"]["full_name"] == "Nguyễn Thị Hằng" and as_json["code"] is None
    report.raise_for_failure()


def test_signing_time_is_kept_to_the_second(software_signer, decision, pki):
    report = verify_detached(software_signer.sign_detached(decision, SIGNED_AT + timedelta(microseconds=999)),
                             decision, trust_root=pki.root_certificate())
    assert report.signing_time == SIGNED_AT


def test_signature_before_revocation_stays_valid_and_after_it_fails(pki, user_key, decision):
    issued = pki.issue(user_key.public_key())
    signer = SoftwareSigner(user_key, issued.certificate(), pki.chain())
    revoked_at = SIGNED_AT + timedelta(days=3)
    revocation = revoke(issued.certificate(), issuer=pki.issuing.certificate(),
                        reason=RevocationReason.AFFILIATION_CHANGED, revoked_at=revoked_at)

    before = verify_detached(signer.sign_detached(decision, SIGNED_AT), decision,
                             trust_root=pki.root_certificate(), revocations=[revocation])
    assert before.ok and before.revocation == revocation     # the auditor still sees the later revocation

    after = verify_detached(signer.sign_detached(decision, revoked_at + timedelta(seconds=1)), decision,
                            trust_root=pki.root_certificate(), revocations=[revocation])
    assert (after.ok, after.code) == (False, "signature.certificate_revoked")
    assert after.params["reason"] == "affiliation_changed"
    assert after.params["revoked_at"] == revoked_at.isoformat()
    with pytest.raises(errors.CertificateRevoked):
        after.raise_for_failure()


def test_key_compromise_dated_back_invalidates_signatures_since_then(pki, user_key, decision):
    issued = pki.issue(user_key.public_key())
    signer = SoftwareSigner(user_key, issued.certificate(), pki.chain())
    revocation = revoke(issued.certificate(), issuer=pki.issuing.certificate(), reason="key_compromise",
                        revoked_at=SIGNED_AT + timedelta(days=3), invalid_since=SIGNED_AT - timedelta(hours=1))
    report = verify_detached(signer.sign_detached(decision, SIGNED_AT), decision,
                             trust_root=pki.root_certificate(), revocations=[revocation])
    assert report.code == "signature.certificate_revoked"


def test_revocations_read_from_the_published_crl_work_the_same(pki, user_key, decision):
    issued = pki.issue(user_key.public_key())
    signer = SoftwareSigner(user_key, issued.certificate(), pki.chain())
    revocation = revoke(issued.certificate(), issuer=pki.issuing.certificate(), reason="superseded",
                        revoked_at=SIGNED_AT)
    crl = build_crl(pki.issuing, passphrase=CA_PASSPHRASE, revocations=[revocation], crl_number=2,
                    this_update=SIGNED_AT, next_update=SIGNED_AT + timedelta(days=7))
    revocations = read_crl(crl.der, issuer=pki.issuing.certificate())
    assert verify_detached(signer.sign_detached(decision, SIGNED_AT - timedelta(seconds=1)), decision,
                           trust_root=pki.root_certificate(), revocations=revocations).ok
    assert verify_detached(signer.sign_detached(decision, SIGNED_AT), decision, trust_root=pki.root_certificate(),
                           revocations=revocations).code == "signature.certificate_revoked"


def test_an_expired_certificate_is_refused_by_the_signer_and_the_verifier(software_signer, user_key,
                                                                          user_certificate, pki, decision):
    late = CERT_UNTIL + timedelta(seconds=1)
    with pytest.raises(CertificateExpired) as caught:
        software_signer.sign_detached(decision, late)
    assert caught.value.code == "signature.certificate_expired"
    forged = raw_signature(decision, user_key, user_certificate.certificate(), pki.chain(), late)
    report = verify_detached(forged, decision, trust_root=pki.root_certificate())
    assert (report.ok, report.code) == (False, "signature.certificate_expired")
    assert report.params["certificate"] == "signer"


def test_a_certificate_not_yet_valid_is_refused(software_signer, user_key, user_certificate, pki, decision):
    early = CERT_FROM - timedelta(seconds=1)
    with pytest.raises(CertificateNotYetValid):
        software_signer.sign_detached(decision, early)
    forged = raw_signature(decision, user_key, user_certificate.certificate(), pki.chain(), early)
    assert verify_detached(forged, decision, trust_root=pki.root_certificate()).code == \
        "signature.certificate_not_yet_valid"


def test_a_certificate_from_another_ca_fails_the_chain(other_pki, user_key, decision, pki, openssl):
    # Same organisation names, different keys: names alone must not make a chain.
    stranger = other_pki.issue(user_key.public_key())
    signature = SoftwareSigner(user_key, stranger.certificate(), other_pki.chain()).sign_detached(decision, SIGNED_AT)
    report = verify_detached(signature, decision, trust_root=pki.root_certificate())
    assert (report.ok, report.code) == (False, "signature.chain_invalid")
    assert report.signer.full_name == "Nguyễn Thị Hằng"          # who claims to have signed is still shown
    assert openssl.cms_verify(signature, decision, pki.root.certificate_pem, at=SIGNED_AT).returncode != 0
    assert verify_detached(signature, decision, trust_root=other_pki.root_certificate()).ok


def test_a_signature_without_the_issuing_ca_needs_it_passed_in(pki, user_key, user_certificate, decision):
    bare = SoftwareSigner(user_key, user_certificate.certificate()).sign_detached(decision, SIGNED_AT)
    assert verify_detached(bare, decision, trust_root=pki.root_certificate()).code == "signature.chain_invalid"
    assert verify_detached(bare, decision, trust_root=pki.root_certificate(), intermediates=pki.chain()).ok


def test_a_ca_certificate_may_not_sign_documents(pki, decision):
    issuing_signer = SoftwareSigner(pki.issuing.private_key(CA_PASSPHRASE), pki.issuing.certificate())
    report = verify_detached(issuing_signer.sign_detached(decision, SIGNED_AT), decision,
                             trust_root=pki.root_certificate())
    assert (report.code, report.params) == ("signature.certificate_unsuitable", {"reason": "ca_certificate"})


def test_signing_time_far_from_the_journal_time_is_refused(signature, decision, pki):
    root = pki.root_certificate()
    assert verify_detached(signature, decision, trust_root=root, journal_time=SIGNED_AT + timedelta(minutes=4)).ok
    report = verify_detached(signature, decision, trust_root=root, journal_time=SIGNED_AT + timedelta(hours=2))
    assert report.code == "signature.time_mismatch"
    assert report.params["max_skew_seconds"] == 300


@pytest.mark.parametrize("garbage", [b"", b"not a signature", b"\x30\x03\x02\x01\x01"])
def test_garbage_is_malformed_not_an_exception(garbage, decision, pki):
    report = verify_detached(garbage, decision, trust_root=pki.root_certificate())
    assert (report.ok, report.code, report.signer) == (False, "signature.malformed", None)


def test_every_truncation_is_refused(signature, decision, pki):
    root = pki.root_certificate()
    for length in range(0, len(signature), 97):
        assert not verify_detached(signature[:length], decision, trust_root=root).ok, length


def test_signer_refuses_a_certificate_of_another_key(pki, user_certificate):
    with pytest.raises(KeyMismatch):
        SoftwareSigner(generate_user_key(), user_certificate.certificate(), pki.chain())


def test_naive_signing_time_is_a_programming_error(software_signer, decision):
    with pytest.raises(ValueError, match="timezone-aware"):
        software_signer.sign_detached(decision, SIGNED_AT.replace(tzinfo=None))


def test_years_from_2050_use_generalized_time(pki, decision):
    # RFC 5652 §11.3: UTCTime cannot say 2050; the root is valid until 2045, so only the encoding
    # is checked here (the verifier then refuses the expired chain, as it should).
    key = generate_user_key()
    issued = pki.issue(key.public_key())
    far = raw_signature(decision, key, issued.certificate(), pki.chain(), utc(2051, 1, 1))
    parsed = cms.parse_detached(far)
    assert parsed.signing_time == utc(2051, 1, 1)
    assert verify_detached(far, decision, trust_root=pki.root_certificate()).code == "signature.certificate_expired"


def test_every_single_bit_flip_is_refused_without_an_exception(signature, decision, pki):
    # Not only the signed parts: unsigned fields (versions, algorithm parameters, the signer's
    # issuer name) accept one encoding only, so a signature has exactly one byte form that verifies.
    root = pki.root_certificate()
    accepted = []
    for position in range(len(signature)):
        flipped = bytearray(signature)
        flipped[position] ^= 0x01
        if verify_detached(bytes(flipped), decision, trust_root=root).ok:
            accepted.append(position)
    assert accepted == []
