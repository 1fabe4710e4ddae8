"""Revocation records, the CRL the issuing CA publishes, and certificate status at a moment."""

from __future__ import annotations

import pytest
from cryptography import x509

from signatures.errors import (AlreadyRevoked, CaPassphraseInvalid, CertificateUnknown, CrlInvalid,
                               RevocationInvalid)
from signatures.revocation import (CertificateState, Revocation, RevocationReason, build_crl,
                                   certificate_status, read_crl, revoke)
from tests.signatures.conftest import CA_PASSPHRASE, CERT_FROM, CERT_UNTIL, utc

REVOKED_AT = utc(2026, 12, 1, 3, 0)


@pytest.fixture(scope="module")
def revoked(pki, user_key):
    """A fresh certificate of the same user, revoked for key compromise."""
    issued = pki.issue(user_key.public_key())
    revocation = revoke(issued.certificate(), issuer=pki.issuing.certificate(),
                        reason=RevocationReason.KEY_COMPROMISE, revoked_at=REVOKED_AT)
    return issued, revocation


@pytest.fixture(scope="module")
def crl(pki, revoked, user_certificate):
    moved = revoke(user_certificate.certificate(), issuer=pki.issuing.certificate(),
                   reason="affiliation_changed", revoked_at=utc(2027, 2, 1))
    return build_crl(pki.issuing, passphrase=CA_PASSPHRASE, revocations=[revoked[1], moved], crl_number=7,
                     this_update=utc(2027, 2, 1, 1), next_update=utc(2027, 2, 8, 1))


def test_status_at_each_moment_of_a_certificates_life(pki, revoked, other_pki):
    issued, revocation = revoked
    certificate, issuer = issued.certificate(), pki.issuing.certificate()

    def state(at, issuer=issuer):
        return certificate_status(certificate, issuer=issuer, revocations=[revocation], at=at)

    assert state(utc(2025, 12, 31)).state is CertificateState.NOT_YET_VALID
    assert state(utc(2026, 11, 30)).state is CertificateState.GOOD
    assert state(REVOKED_AT) == state(utc(2030, 1, 1))
    assert state(REVOKED_AT).state is CertificateState.REVOKED
    assert (state(REVOKED_AT).revoked_at, state(REVOKED_AT).reason) == (REVOKED_AT, RevocationReason.KEY_COMPROMISE)
    assert state(utc(2026, 6, 1), issuer=other_pki.issuing.certificate()).state is CertificateState.UNKNOWN
    unrevoked = certificate_status(certificate, issuer=issuer, revocations=[], at=utc(2028, 6, 1))
    assert unrevoked.state is CertificateState.EXPIRED


def test_invalidity_date_moves_the_cutoff_back(pki, user_key):
    issued = pki.issue(user_key.public_key())
    revocation = revoke(issued.certificate(), issuer=pki.issuing.certificate(), reason="key_compromise",
                        revoked_at=REVOKED_AT, invalid_since=utc(2026, 11, 20))
    status = certificate_status(issued.certificate(), issuer=pki.issuing.certificate(),
                                revocations=[revocation], at=utc(2026, 11, 25))
    assert status.state is CertificateState.REVOKED and status.invalid_since == utc(2026, 11, 20)


def test_openssl_reads_the_der_crl_and_lists_the_revoked_serial(crl, revoked, openssl):
    issued, _ = revoked
    result = openssl.run("crl", "-inform", "DER", "-text", "-noout", "-nameopt", "utf8",
                         "-in", openssl.write("ca.crl", crl.der))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert f"Serial Number: {issued.serial_hex}" in text
    assert "Key Compromise" in text and "Affiliation Changed" in text
    assert "X509v3 CRL Number: \n                7" in text
    assert "Issuer: C=VN, O=Đảng bộ tỉnh Hưng Yên, CN=Đảng bộ tỉnh Hưng Yên – CA nội bộ" in text


def test_openssl_checks_the_crl_signature_against_the_ca(pki, crl, openssl):
    chain = openssl.write("chain.pem", pki.issuing.certificate_pem + pki.root.certificate_pem)
    result = openssl.run("crl", "-in", openssl.write("ca.crl.pem", crl.pem), "-CAfile", chain, "-noout")
    assert result.returncode == 0, result.stderr
    assert "verify OK" in result.stdout + result.stderr


def test_crl_reads_back_into_the_same_records(pki, crl, revoked):
    records = read_crl(crl.der, issuer=pki.issuing.certificate())
    assert revoked[1] in records
    assert {r.reason for r in records} == {RevocationReason.KEY_COMPROMISE, RevocationReason.AFFILIATION_CHANGED}
    assert read_crl(crl.pem, issuer=pki.issuing.certificate()) == records


def test_a_crl_with_a_changed_byte_or_from_another_ca_is_refused(pki, crl, other_pki):
    damaged = bytearray(crl.der)
    damaged[-10] ^= 0x01
    with pytest.raises(CrlInvalid):
        read_crl(bytes(damaged), issuer=pki.issuing.certificate())
    with pytest.raises(CrlInvalid):
        read_crl(crl.der, issuer=other_pki.issuing.certificate())
    with pytest.raises(CrlInvalid):
        read_crl(b"not a crl", issuer=pki.issuing.certificate())


def test_unspecified_reason_is_left_out_of_the_crl_entry(pki, user_key):
    issued = pki.issue(user_key.public_key())
    revocation = revoke(issued.certificate(), issuer=pki.issuing.certificate(), reason="unspecified",
                        revoked_at=REVOKED_AT)
    crl = build_crl(pki.issuing, passphrase=CA_PASSPHRASE, revocations=[revocation], crl_number=1,
                    this_update=REVOKED_AT, next_update=utc(2026, 12, 8))
    entry = x509.load_der_x509_crl(crl.der).get_revoked_certificate_by_serial_number(issued.serial)
    assert len(entry.extensions) == 0
    assert read_crl(crl.der, issuer=pki.issuing.certificate()) == (revocation,)


def test_crl_needs_the_ca_passphrase(pki):
    with pytest.raises(CaPassphraseInvalid):
        build_crl(pki.issuing, passphrase="sai", revocations=[], crl_number=1,
                  this_update=REVOKED_AT, next_update=utc(2026, 12, 8))


def test_revocation_requests_that_make_no_sense_are_refused(pki, other_pki, revoked, user_key):
    issued, revocation = revoked
    certificate, issuer = issued.certificate(), pki.issuing.certificate()
    with pytest.raises(CertificateUnknown):
        revoke(certificate, issuer=other_pki.issuing.certificate(), reason="superseded", revoked_at=REVOKED_AT)
    with pytest.raises(AlreadyRevoked):
        revoke(certificate, issuer=issuer, reason="superseded", revoked_at=REVOKED_AT, existing=[revocation])
    with pytest.raises(RevocationInvalid) as caught:
        revoke(certificate, issuer=issuer, reason="certificate_hold", revoked_at=REVOKED_AT)
    assert caught.value.params["reason"] == "unknown_reason"
    with pytest.raises(RevocationInvalid) as caught:
        revoke(certificate, issuer=issuer, reason="superseded", revoked_at=CERT_FROM.replace(year=2025))
    assert caught.value.params["reason"] == "before_issue"
    with pytest.raises(RevocationInvalid) as caught:
        revoke(certificate, issuer=issuer, reason="key_compromise", revoked_at=REVOKED_AT,
               invalid_since=CERT_UNTIL)
    assert caught.value.params["reason"] == "invalid_since_out_of_range"


def test_revocation_is_a_plain_record(revoked):
    _, revocation = revoked
    assert revocation == Revocation(serial=revoked[0].serial, revoked_at=REVOKED_AT,
                                    reason=RevocationReason.KEY_COMPROMISE)
    assert revocation.effective_from == REVOKED_AT
