"""Both signers make detached CMS that ``openssl cms -verify`` accepts with ``root.pem`` alone,
and a single changed byte is caught by openssl and by our verifier alike."""

from __future__ import annotations

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, ObjectClass

from signatures.errors import KeyMismatch, PinLocked, TokenUnavailable, WrongPin
from signatures.pkcs11_signer import Pkcs11Signer, TokenKey, generate_token_key, token_public_key
from signatures.signer import Signer
from signatures.verify import verify_detached
from tests.signatures.conftest import SIGNED_AT, utc


@pytest.fixture(scope="module")
def token_signer(pki, softhsm, token_key, token_certificate) -> Pkcs11Signer:
    return Pkcs11Signer(token_key, softhsm.pin, token_certificate.certificate(), pki.chain())


@pytest.fixture(params=["software", "token"])
def signer(request) -> Signer:
    return request.getfixturevalue(f"{request.param}_signer")


def test_both_signers_follow_the_one_protocol(software_signer, token_signer):
    assert isinstance(software_signer, Signer) and isinstance(token_signer, Signer)


def test_openssl_accepts_the_signature_with_the_root_certificate_only(signer, pki, decision, openssl):
    signature = signer.sign_detached(decision, SIGNED_AT)
    result = openssl.cms_verify(signature, decision, pki.root.certificate_pem, at=SIGNED_AT)
    assert result.returncode == 0, result.stderr
    assert "CMS Verification successful" in result.stderr
    report = verify_detached(signature, decision, trust_root=pki.root_certificate())
    assert report.ok, report
    assert report.serial == signer.certificate().serial_number


def test_openssl_default_smime_purpose_accepts_it_too(signer, pki, decision, openssl):
    # Without -purpose any, openssl demands emailProtection and a signing key usage.
    signature = signer.sign_detached(decision, SIGNED_AT)
    result = openssl.cms_verify(signature, decision, pki.root.certificate_pem, at=SIGNED_AT, purpose=None)
    assert result.returncode == 0, result.stderr


def test_one_changed_byte_of_content_is_caught(signer, pki, decision, openssl):
    signature = signer.sign_detached(decision, SIGNED_AT)
    changed = bytearray(decision)
    changed[decision.index(b"approve")] = ord("A")
    result = openssl.cms_verify(signature, bytes(changed), pki.root.certificate_pem, at=SIGNED_AT)
    assert result.returncode != 0 and "content verify error" in result.stderr
    report = verify_detached(signature, bytes(changed), trust_root=pki.root_certificate())
    assert (report.ok, report.code) == (False, "signature.content_mismatch")


def test_one_changed_byte_of_the_signature_value_is_caught(signer, pki, decision, openssl):
    signature = bytearray(signer.sign_detached(decision, SIGNED_AT))
    signature[-20] ^= 0x40                     # inside the RSA signature value, the last field
    result = openssl.cms_verify(bytes(signature), decision, pki.root.certificate_pem, at=SIGNED_AT)
    assert result.returncode != 0 and "CMS_SignerInfo_verify:verification failure" in result.stderr
    report = verify_detached(bytes(signature), decision, trust_root=pki.root_certificate())
    assert (report.ok, report.code) == (False, "signature.invalid")


def test_a_changed_signing_time_is_caught(signer, pki, decision, openssl):
    signature = signer.sign_detached(decision, SIGNED_AT)
    stamp = SIGNED_AT.strftime("%y%m%d%H%M%SZ").encode()
    assert signature.count(stamp) == 1
    moved = signature.replace(stamp, SIGNED_AT.replace(hour=0).strftime("%y%m%d%H%M%SZ").encode())
    assert openssl.cms_verify(moved, decision, pki.root.certificate_pem, at=SIGNED_AT).returncode != 0
    assert verify_detached(moved, decision, trust_root=pki.root_certificate()).code == "signature.invalid"


def test_a_changed_byte_of_the_embedded_certificate_is_caught(signer, pki, decision, openssl):
    signature = signer.sign_detached(decision, SIGNED_AT)
    name = "Hưng Yên".encode()
    assert name in signature
    altered = signature.replace(name, "Hưng Yêm".encode())
    assert openssl.cms_verify(altered, decision, pki.root.certificate_pem, at=SIGNED_AT).returncode != 0
    report = verify_detached(altered, decision, trust_root=pki.root_certificate())
    assert not report.ok and report.code in {"signature.invalid", "signature.chain_invalid",
                                             "signature.malformed"}


def test_the_token_key_never_leaves_the_token(softhsm, token_key, token_certificate):
    with pkcs11.lib(token_key.module_path).get_token(token_label=softhsm.token_label).open(
            user_pin=softhsm.pin) as session:
        private = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=token_key.key_label)
        assert private[Attribute.SENSITIVE] is True and private[Attribute.EXTRACTABLE] is False
        assert private[Attribute.TOKEN] is True


def test_token_public_key_matches_the_certificate(softhsm, token_key, token_certificate):
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    assert token_public_key(token_key, softhsm.pin).public_bytes(serialization.Encoding.DER, spki) == \
        token_certificate.certificate().public_key().public_bytes(serialization.Encoding.DER, spki)


def test_wrong_token_pin_is_refused_with_the_code(pki, token_key, token_certificate, decision):
    signer = Pkcs11Signer(token_key, "000000", token_certificate.certificate(), pki.chain())
    with pytest.raises(WrongPin) as caught:
        signer.sign_detached(decision, SIGNED_AT)
    assert caught.value.code == "signature.wrong_pin" and not isinstance(caught.value, PinLocked)
    assert caught.value.params["source"] == "token"


def test_token_signer_refuses_a_certificate_of_another_key(pki, softhsm, token_key, token_certificate,
                                                           user_certificate, decision):
    # token_certificate: the key pair must be on the token (made by that fixture) whatever the test order.
    signer = Pkcs11Signer(token_key, softhsm.pin, user_certificate.certificate(), pki.chain())
    with pytest.raises(KeyMismatch):
        signer.sign_detached(decision, SIGNED_AT)


def test_missing_token_or_key_is_reported(softhsm, token_key, token_certificate, decision):
    missing_key = TokenKey(token_key.module_path, softhsm.token_label, "khong-co")
    with pytest.raises(TokenUnavailable):
        Pkcs11Signer(missing_key, softhsm.pin, token_certificate.certificate()).sign_detached(decision, SIGNED_AT)
    with pytest.raises(TokenUnavailable):
        token_public_key(TokenKey(token_key.module_path, "khong-co-token", "x"), softhsm.pin)
    with pytest.raises(TokenUnavailable):
        token_public_key(TokenKey("/nonexistent/libpkcs11.so", softhsm.token_label, "x"), softhsm.pin)
    with pytest.raises(TokenUnavailable) as caught:
        generate_token_key(token_key, softhsm.pin)                  # the label is taken
    assert caught.value.params["reason"] == "label_in_use"


def test_our_verifier_accepts_a_signature_made_by_openssl(pki, user_key, user_certificate, decision, openssl):
    # An independent producer: openssl stamps its own signingTime (the wall clock), inside the
    # 2026-2028 validity of the usual test certificate only while the machine's clock is; so give
    # it a certificate valid for the whole lifetime of the test PKI.
    wide = pki.issue(user_key.public_key(), not_before=utc(2020, 1, 1), not_after=utc(2039, 12, 31))
    key_pem = user_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    result = openssl.run("cms", "-sign", "-binary", "-md", "sha256", "-outform", "DER",
                         "-in", openssl.write("step.json", decision),
                         "-signer", openssl.write("signer.pem", wide.certificate_pem),
                         "-inkey", openssl.write("signer.key", key_pem),
                         "-certfile", openssl.write("issuing.pem", pki.issuing.certificate_pem),
                         "-out", "step.p7s")
    assert result.returncode == 0, result.stderr
    signature = (openssl.directory / "step.p7s").read_bytes()
    report = verify_detached(signature, decision, trust_root=pki.root_certificate())
    assert report.ok, report
    assert report.signer.full_name == "Nguyễn Thị Hằng"
    assert verify_detached(signature, decision + b" ", trust_root=pki.root_certificate()).code == \
        "signature.content_mismatch"
