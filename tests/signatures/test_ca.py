"""The internal CA: two levels, sealed keys, user certificates that carry Vietnamese names."""

from __future__ import annotations

import json
import unicodedata

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from signatures import ca, sealing
from signatures.errors import CaPassphraseInvalid, KeyUnsupported, ValidityInvalid
from signatures.subject import SubjectInfo
from tests.signatures.conftest import CA_PASSPHRASE, CERT_FROM, CERT_UNTIL, HANG, utc


def test_ca_keys_are_stored_only_sealed(pki):
    key = pki.issuing.private_key(CA_PASSPHRASE)
    clear = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    exponent_tail = key.private_numbers().d.to_bytes(384, "big")[-32:]
    assert b"PRIVATE KEY" not in pki.issuing.sealed_key
    assert clear[-64:] not in pki.issuing.sealed_key and exponent_tail not in pki.issuing.sealed_key


def test_ca_keys_are_sealed_with_the_default_scrypt_cost_unless_told_otherwise():
    root = ca.create_root_ca(subject=SubjectInfo("CA thử", "Đảng bộ tỉnh Hưng Yên"), passphrase="mật khẩu dài",
                             now=utc(2026, 1, 1), not_after=utc(2027, 1, 1))
    assert json.loads(root.sealed_key)["n"] == sealing.DEFAULT_COST.n == 2**17
    assert root.private_key("mật khẩu dài").key_size == 3072


def test_wrong_ca_passphrase_is_refused(pki):
    with pytest.raises(CaPassphraseInvalid) as caught:
        pki.issuing.private_key("sai mật khẩu")
    assert caught.value.code == "signature.ca_passphrase_invalid"


def test_ca_passphrase_typed_decomposed_opens_the_key(pki):
    decomposed = unicodedata.normalize("NFD", CA_PASSPHRASE)
    assert decomposed != CA_PASSPHRASE
    assert isinstance(pki.issuing.private_key(decomposed), rsa.RSAPrivateKey)


def test_root_signs_only_the_issuing_ca_which_signs_users(pki, user_certificate):
    root, issuing = pki.root.certificate(), pki.issuing.certificate()
    root_bc = root.extensions.get_extension_for_class(x509.BasicConstraints).value
    issuing_bc = issuing.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert (root_bc.ca, root_bc.path_length) == (True, 1)
    assert (issuing_bc.ca, issuing_bc.path_length) == (True, 0)
    issuing.verify_directly_issued_by(root)
    user_certificate.certificate().verify_directly_issued_by(issuing)
    assert issuing.subject.rfc4514_string().startswith("CN=Đảng bộ tỉnh Hưng Yên – CA nội bộ")


def test_openssl_verifies_the_user_certificate_through_the_issuing_ca(pki, user_certificate, openssl):
    result = openssl.run("verify", "-attime", str(int(utc(2026, 6, 1).timestamp())),
                         "-CAfile", openssl.write("root.pem", pki.root.certificate_pem),
                         "-untrusted", openssl.write("issuing.pem", pki.issuing.certificate_pem),
                         openssl.write("user.pem", user_certificate.certificate_pem))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("OK")


def test_vietnamese_names_survive_in_the_subject(user_certificate, openssl):
    result = openssl.run("x509", "-noout", "-subject", "-nameopt", "utf8",
                         "-in", openssl.write("user.pem", user_certificate.certificate_pem))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("subject=C=VN, O=Đảng bộ tỉnh Hưng Yên, OU=Văn phòng Tỉnh ủy, "
                                     "title=Chánh Văn phòng, CN=Nguyễn Thị Hằng")


def test_subject_attributes_are_utf8_strings(user_certificate):
    certificate = asn1_x509.Certificate.load(user_certificate.certificate().public_bytes(serialization.Encoding.DER))
    encodings = {attribute["type"].native: attribute["value"].name
                 for rdn in certificate.subject.chosen for attribute in rdn}
    assert encodings == {"country_name": "printable_string", "organization_name": "utf8_string",
                         "organizational_unit_name": "utf8_string", "title": "utf8_string",
                         "common_name": "utf8_string"}


def test_decomposed_name_gives_the_precomposed_subject(pki, user_key):
    typed = SubjectInfo(full_name=unicodedata.normalize("NFD", "Nguyễn Thị Hằng"),
                        organization=unicodedata.normalize("NFD", HANG.organization))
    issued = pki.issue(user_key.public_key(), typed)
    assert SubjectInfo.from_certificate(issued.certificate()).full_name == "Nguyễn Thị Hằng"
    assert unicodedata.is_normalized("NFC", issued.certificate().subject.rfc4514_string())


def test_user_certificate_is_for_signing_only_with_the_requested_validity(user_certificate):
    certificate = user_certificate.certificate()
    extensions = certificate.extensions
    usage = extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not (usage.value.key_encipherment or usage.value.key_cert_sign or usage.value.crl_sign)
    assert list(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.EMAIL_PROTECTION, ca.DOCUMENT_SIGNING]
    assert extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
        x509.RFC822Name) == ["hang.nt@hungyen.dcs.vn"]
    assert (certificate.not_valid_before_utc, certificate.not_valid_after_utc) == (CERT_FROM, CERT_UNTIL)
    assert (user_certificate.not_before, user_certificate.not_after) == (CERT_FROM, CERT_UNTIL)
    assert SubjectInfo.from_certificate(certificate) == HANG


def test_serial_numbers_are_random_and_large(pki, user_key, user_certificate):
    again = pki.issue(user_key.public_key())
    assert again.serial != user_certificate.serial
    assert user_certificate.serial.bit_length() > 64 and again.serial.bit_length() > 64
    assert int(user_certificate.serial_hex, 16) == user_certificate.serial
    assert len(user_certificate.serial_hex) % 2 == 0


def test_validity_outside_the_issuing_ca_is_refused(pki, user_key):
    with pytest.raises(ValidityInvalid) as caught:
        pki.issue(user_key.public_key(), not_before=utc(2039, 1, 1), not_after=utc(2041, 1, 1))
    assert caught.value.params["reason"] == "outside_issuer"
    with pytest.raises(ValidityInvalid) as caught:
        pki.issue(user_key.public_key(), not_before=CERT_UNTIL, not_after=CERT_FROM)
    assert caught.value.params["reason"] == "empty_period"


def test_weak_or_non_rsa_keys_are_not_certified(pki):
    with pytest.raises(KeyUnsupported):
        pki.issue(rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key())


def test_naive_times_are_a_programming_error(pki, user_key):
    with pytest.raises(ValueError, match="timezone-aware"):
        pki.issue(user_key.public_key(), not_before=CERT_FROM.replace(tzinfo=None))
