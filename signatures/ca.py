"""The organisation's internal certificate authority: a root CA, an issuing CA, user certificates.

Two levels, as in any PKI that has to survive a compromise: the root key signs only the issuing
CA and can be kept offline; the issuing CA signs users' certificates and CRLs, and can be replaced
without redistributing the root that verifiers trust (``root.pem`` in an exported dossier).

State is plain bytes (:class:`CertificateAuthority`, :class:`IssuedCertificate`) for the engine to
store in rows; CA keys exist in clear only inside a call, opened with the passphrase the caller
passes (``QUYTRINH_CA_PASSPHRASE`` in the engine). Times come from the caller, never the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier

from signatures import sealing
from signatures._time import as_utc, whole_seconds
from signatures.errors import CaPassphraseInvalid, KeyStoreInvalid, KeyUnsupported, ValidityInvalid
from signatures.subject import SubjectInfo

CA_KEY_PURPOSE = "ca-signing-key"
#: id-kp-documentSigning, RFC 9336 (2022): "signing human-readable documents".
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
#: Extended key usages of a user certificate. emailProtection is kept next to documentSigning
#: because OpenSSL's default S/MIME purpose check (``openssl cms -verify`` without ``-purpose``)
#: and most CMS verifiers only know that one.
USER_EXTENDED_KEY_USAGE = (ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING)


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA as stored: its certificate (PEM) and its private key sealed under the CA passphrase."""

    certificate_pem: bytes
    sealed_key: bytes

    def certificate(self) -> x509.Certificate:
        """Parse the CA certificate."""
        return x509.load_pem_x509_certificate(self.certificate_pem)

    def private_key(self, passphrase: str) -> rsa.RSAPrivateKey:
        """Open the CA key for the duration of one operation.

        :raises CaPassphraseInvalid: wrong passphrase.
        """
        der = sealing.unseal(self.sealed_key, passphrase, purpose=CA_KEY_PURPOSE)
        if der is None:
            raise CaPassphraseInvalid(ca=self.certificate().subject.rfc4514_string())
        key = serialization.load_der_private_key(der, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise KeyStoreInvalid(reason="not_rsa")
        return key


@dataclass(frozen=True)
class IssuedCertificate:
    """A user certificate as stored; ``serial`` has up to 159 bits (store it as text, not BIGINT)."""

    certificate_pem: bytes
    serial: int
    not_before: datetime
    not_after: datetime

    @property
    def serial_hex(self) -> str:
        """The serial as openssl prints it (upper-case hex, even length)."""
        text = f"{self.serial:X}"
        return text if len(text) % 2 == 0 else "0" + text

    def certificate(self) -> x509.Certificate:
        """Parse the certificate."""
        return x509.load_pem_x509_certificate(self.certificate_pem)


def create_root_ca(*, subject: SubjectInfo, passphrase: str, now: datetime, not_after: datetime,
                   key_size: int = 3072, cost: sealing.ScryptCost = sealing.DEFAULT_COST
                   ) -> CertificateAuthority:
    """Create a self-signed root CA valid from ``now`` to ``not_after``, its key sealed.

    :raises ValidityInvalid: ``not_after`` is not after ``now``.
    """
    key = _new_ca_key(key_size)
    not_before = whole_seconds(as_utc(now, "now"))
    not_after = whole_seconds(as_utc(not_after, "not_after"))
    _check_validity(not_before, not_after, issuer=None)
    name = subject.to_name()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    builder = (_base(name, name, key.public_key(), not_before, not_after)
               .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
               .add_extension(_ca_key_usage(), critical=True)
               .add_extension(ski, critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                              critical=False))
    return _seal_ca(builder.sign(key, hashes.SHA256()), key, passphrase, cost)


def create_issuing_ca(root: CertificateAuthority, *, root_passphrase: str, subject: SubjectInfo,
                      passphrase: str, now: datetime, not_after: datetime, key_size: int = 3072,
                      crl_url: str | None = None,
                      cost: sealing.ScryptCost = sealing.DEFAULT_COST) -> CertificateAuthority:
    """Create the issuing (intermediate) CA, signed by ``root``, that signs users and CRLs.

    ``path_length=0``: it may sign end-entity certificates only. ``crl_url`` is the root's CRL.

    :raises CaPassphraseInvalid: wrong ``root_passphrase``.
    :raises ValidityInvalid: the period is empty or exceeds the root's.
    """
    root_cert = root.certificate()
    root_key = root.private_key(root_passphrase)
    key = _new_ca_key(key_size)
    not_before = whole_seconds(as_utc(now, "now"))
    not_after = whole_seconds(as_utc(not_after, "not_after"))
    _check_validity(not_before, not_after, issuer=root_cert)
    builder = (_base(subject.to_name(), root_cert.subject, key.public_key(), not_before, not_after)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(_ca_key_usage(), critical=True))
    builder = _add_identifiers(builder, key.public_key(), root_cert, crl_url)
    return _seal_ca(builder.sign(root_key, hashes.SHA256()), key, passphrase, cost)


def issue_user_certificate(issuer: CertificateAuthority, *, passphrase: str,
                           public_key: rsa.RSAPublicKey, subject: SubjectInfo, not_before: datetime,
                           not_after: datetime, crl_url: str | None = None,
                           issuer_key: rsa.RSAPrivateKey | None = None) -> IssuedCertificate:
    """Issue a signing certificate for ``public_key`` (software or token key) to ``subject``.

    ``issuer_key``: the issuing CA's key already opened with :meth:`CertificateAuthority.private_key`,
    to issue many certificates with one unsealing (each unsealing costs a scrypt derivation); it must
    match the issuing CA's certificate.

    Key usage digitalSignature + contentCommitment (non-repudiation), critical; extended key usage
    emailProtection + documentSigning; a random 159-bit serial (RFC 5280 §4.1.2.2: at most 20
    octets; CA/Browser Forum Baseline Requirements: at least 64 bits from a CSPRNG); the e-mail, if
    any, as subjectAltName rfc822Name (RFC 5280 deprecates emailAddress in the subject).

    :raises CaPassphraseInvalid: wrong ``passphrase`` for the issuing CA key.
    :raises KeyUnsupported: not an RSA key of at least 2048 bits.
    :raises ValidityInvalid: the period is empty or exceeds the issuing CA's.
    """
    if not isinstance(public_key, rsa.RSAPublicKey) or public_key.key_size < 2048:
        raise KeyUnsupported(key_type=type(public_key).__name__,
                             key_size=getattr(public_key, "key_size", 0))
    issuer_cert = issuer.certificate()
    if issuer_key is None:
        issuer_key = issuer.private_key(passphrase)
    elif _spki(issuer_key.public_key()) != _spki(issuer_cert.public_key()):
        raise KeyStoreInvalid(reason="issuer_key_mismatch")
    not_before = whole_seconds(as_utc(not_before, "not_before"))
    not_after = whole_seconds(as_utc(not_after, "not_after"))
    _check_validity(not_before, not_after, issuer=issuer_cert)
    builder = (_base(subject.to_name(), issuer_cert.subject, public_key, not_before, not_after)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=False, crl_sign=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(list(USER_EXTENDED_KEY_USAGE)), critical=False))
    if subject.email.strip():
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(subject.email.strip())]), critical=False)
    builder = _add_identifiers(builder, public_key, issuer_cert, crl_url)
    certificate = builder.sign(issuer_key, hashes.SHA256())
    return IssuedCertificate(certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
                             serial=certificate.serial_number, not_before=not_before, not_after=not_after)


def _spki(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _new_ca_key(key_size: int) -> rsa.RSAPrivateKey:
    if key_size not in (3072, 4096):
        raise KeyUnsupported(key_size=key_size)
    return rsa.generate_private_key(public_exponent=65537, key_size=key_size)


def _seal_ca(certificate: x509.Certificate, key: rsa.RSAPrivateKey, passphrase: str,
             cost: sealing.ScryptCost) -> CertificateAuthority:
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return CertificateAuthority(certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
                                sealed_key=sealing.seal(der, passphrase, purpose=CA_KEY_PURPOSE, cost=cost))


def _base(subject: x509.Name, issuer: x509.Name, public_key: rsa.RSAPublicKey, not_before: datetime,
          not_after: datetime) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after))


def _add_identifiers(builder: x509.CertificateBuilder, public_key: rsa.RSAPublicKey,
                     issuer_cert: x509.Certificate, crl_url: str | None) -> x509.CertificateBuilder:
    issuer_ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski),
                              critical=False))
    if crl_url:
        point = x509.DistributionPoint(full_name=[x509.UniformResourceIdentifier(crl_url)],
                                       relative_name=None, reasons=None, crl_issuer=None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                         encipher_only=False, decipher_only=False)


def _check_validity(not_before: datetime, not_after: datetime, *, issuer: x509.Certificate | None) -> None:
    if not_after <= not_before:
        raise ValidityInvalid(reason="empty_period", not_before=not_before.isoformat(),
                              not_after=not_after.isoformat())
    if issuer is not None and (not_before < issuer.not_valid_before_utc or not_after > issuer.not_valid_after_utc):
        raise ValidityInvalid(reason="outside_issuer", not_before=not_before.isoformat(),
                              not_after=not_after.isoformat(),
                              issuer_not_before=issuer.not_valid_before_utc.isoformat(),
                              issuer_not_after=issuer.not_valid_after_utc.isoformat())
