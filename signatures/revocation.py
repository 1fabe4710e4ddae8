"""Revoking certificates, the CRL the issuing CA signs, and a certificate's status at a moment.

A :class:`Revocation` is a plain record for the engine to store. The CRL is derived from those
records whenever it is published; :func:`read_crl` turns a CRL back into records after checking
its signature, so a verifier without the database can use the exported CRL.

Timing rule: a certificate counts as revoked from its revocation time, or from the earlier
``invalid_since`` (RFC 5280 §5.3.2 invalidityDate) when the holder reports that the key was exposed
before the request reached the CA. A signature dated before that moment stays valid; one dated at
or after it does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import CRLEntryExtensionOID

from signatures._time import as_utc, whole_seconds
from signatures.ca import CertificateAuthority
from signatures.errors import (AlreadyRevoked, CertificateUnknown, CrlInvalid, RevocationInvalid,
                               ValidityInvalid)


class RevocationReason(str, Enum):
    """RFC 5280 CRLReason values that an administrator may choose (no certificateHold: revocation
    here is final; no cACompromise/aACompromise: those concern CAs, not users)."""

    UNSPECIFIED = "unspecified"
    KEY_COMPROMISE = "key_compromise"
    AFFILIATION_CHANGED = "affiliation_changed"
    SUPERSEDED = "superseded"
    CESSATION_OF_OPERATION = "cessation_of_operation"
    PRIVILEGE_WITHDRAWN = "privilege_withdrawn"

    def to_x509(self) -> x509.ReasonFlags:
        """The matching ``cryptography`` flag."""
        return _TO_X509[self]


_TO_X509 = {
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
    RevocationReason.PRIVILEGE_WITHDRAWN: x509.ReasonFlags.privilege_withdrawn,
}
_FROM_X509 = {flag: reason for reason, flag in _TO_X509.items()}


@dataclass(frozen=True)
class Revocation:
    """One revoked certificate of one issuing CA."""

    serial: int
    revoked_at: datetime
    reason: RevocationReason
    #: RFC 5280 invalidityDate: when the key is known or suspected to have been exposed.
    invalid_since: datetime | None = None

    @property
    def effective_from(self) -> datetime:
        """The first moment at which signatures by this certificate are no longer accepted."""
        return min(self.revoked_at, self.invalid_since or self.revoked_at)


def revoke(certificate: x509.Certificate, *, issuer: x509.Certificate, reason: RevocationReason | str,
           revoked_at: datetime, invalid_since: datetime | None = None,
           existing: Iterable[Revocation] = ()) -> Revocation:
    """Record the revocation of ``certificate`` at ``revoked_at`` (the engine's clock), for ``reason``.

    :raises CertificateUnknown: ``issuer`` did not issue ``certificate``.
    :raises RevocationInvalid: unknown reason, or a time before the certificate's validity or an
        ``invalid_since`` outside [not_before, revoked_at].
    :raises AlreadyRevoked: ``existing`` already holds this serial.
    """
    if not issued_by(certificate, issuer):
        raise CertificateUnknown(serial=certificate.serial_number)
    try:
        reason = RevocationReason(reason)
    except ValueError:
        raise RevocationInvalid(reason="unknown_reason", value=str(reason)) from None
    revoked_at = whole_seconds(as_utc(revoked_at, "revoked_at"))
    if invalid_since is not None:
        invalid_since = whole_seconds(as_utc(invalid_since, "invalid_since"))
    not_before = certificate.not_valid_before_utc
    if revoked_at < not_before:
        raise RevocationInvalid(reason="before_issue", revoked_at=revoked_at.isoformat())
    if invalid_since is not None and not (not_before <= invalid_since <= revoked_at):
        raise RevocationInvalid(reason="invalid_since_out_of_range", invalid_since=invalid_since.isoformat())
    if find_revocation(existing, certificate.serial_number) is not None:
        raise AlreadyRevoked(serial=certificate.serial_number)
    return Revocation(serial=certificate.serial_number, revoked_at=revoked_at, reason=reason,
                      invalid_since=invalid_since)


def find_revocation(revocations: Iterable[Revocation], serial: int) -> Revocation | None:
    """Return the revocation of ``serial``, if any (serials are random 159-bit, unique per CA)."""
    return next((r for r in revocations if r.serial == serial), None)


def issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Say whether ``issuer``'s key signed ``certificate`` (name and signature both checked)."""
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


@dataclass(frozen=True)
class Crl:
    """A certificate revocation list as published: DER (``.crl``) and PEM."""

    der: bytes

    @property
    def pem(self) -> bytes:
        return x509.load_der_x509_crl(self.der).public_bytes(serialization.Encoding.PEM)


def build_crl(issuer: CertificateAuthority, *, passphrase: str, revocations: Iterable[Revocation],
              crl_number: int, this_update: datetime, next_update: datetime) -> Crl:
    """Sign a CRL listing ``revocations`` with the issuing CA's key.

    ``crl_number`` must grow with each CRL the engine publishes (RFC 5280 §5.2.3).

    :raises CaPassphraseInvalid: wrong ``passphrase``.
    :raises ValidityInvalid: ``next_update`` is not after ``this_update``.
    """
    this_update = whole_seconds(as_utc(this_update, "this_update"))
    next_update = whole_seconds(as_utc(next_update, "next_update"))
    if next_update <= this_update:
        raise ValidityInvalid(reason="empty_period", not_before=this_update.isoformat(),
                              not_after=next_update.isoformat())
    issuer_cert = issuer.certificate()
    issuer_ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (x509.CertificateRevocationListBuilder().issuer_name(issuer_cert.subject)
               .last_update(this_update).next_update(next_update)
               .add_extension(x509.CRLNumber(crl_number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski),
                              critical=False))
    for revocation in sorted(revocations, key=lambda r: r.serial):
        builder = builder.add_revoked_certificate(_entry(revocation))
    crl = builder.sign(issuer.private_key(passphrase), hashes.SHA256())
    return Crl(der=crl.public_bytes(serialization.Encoding.DER))


def _entry(revocation: Revocation) -> x509.RevokedCertificate:
    entry = (x509.RevokedCertificateBuilder().serial_number(revocation.serial)
             .revocation_date(revocation.revoked_at))
    # RFC 5280 §5.3.1: "unspecified" SHOULD be expressed by leaving the reasonCode out.
    if revocation.reason is not RevocationReason.UNSPECIFIED:
        entry = entry.add_extension(x509.CRLReason(revocation.reason.to_x509()), critical=False)
    if revocation.invalid_since is not None:
        entry = entry.add_extension(x509.InvalidityDate(revocation.invalid_since), critical=False)
    return entry.build()


def read_crl(data: bytes, *, issuer: x509.Certificate) -> tuple[Revocation, ...]:
    """Parse a CRL (DER or PEM) signed by ``issuer`` into revocation records.

    :raises CrlInvalid: not a CRL, another issuer, or a bad signature.
    """
    try:
        crl = (x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----")
               else x509.load_der_x509_crl(data))
    except ValueError as exc:
        raise CrlInvalid(reason="unreadable") from exc
    if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):
        raise CrlInvalid(reason="bad_signature")
    return tuple(_record(entry) for entry in crl)


def _record(entry: x509.RevokedCertificate) -> Revocation:
    extensions = {ext.oid: ext.value for ext in entry.extensions}
    reason = extensions.get(CRLEntryExtensionOID.CRL_REASON)
    invalidity = extensions.get(CRLEntryExtensionOID.INVALIDITY_DATE)
    return Revocation(
        serial=entry.serial_number, revoked_at=entry.revocation_date_utc,
        reason=_FROM_X509.get(reason.reason, RevocationReason.UNSPECIFIED) if reason else RevocationReason.UNSPECIFIED,
        invalid_since=invalidity.invalidity_date_utc if invalidity else None)


class CertificateState(str, Enum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


@dataclass(frozen=True)
class CertificateStatus:
    """The status of a certificate at one moment; revocation details only when ``REVOKED``."""

    state: CertificateState
    revoked_at: datetime | None = None
    reason: RevocationReason | None = None
    invalid_since: datetime | None = None


def certificate_status(certificate: x509.Certificate, *, issuer: x509.Certificate,
                       revocations: Iterable[Revocation], at: datetime) -> CertificateStatus:
    """Say whether ``certificate`` is good, revoked, unknown (not ``issuer``'s), expired or not yet
    valid at ``at``. Revocation wins over expiry: it is the more telling fact for an auditor."""
    at = as_utc(at, "at")
    if not issued_by(certificate, issuer):
        return CertificateStatus(CertificateState.UNKNOWN)
    revocation = find_revocation(revocations, certificate.serial_number)
    if revocation is not None and at >= revocation.effective_from:
        return CertificateStatus(CertificateState.REVOKED, revoked_at=revocation.revoked_at,
                                 reason=revocation.reason, invalid_since=revocation.invalid_since)
    if at < certificate.not_valid_before_utc:
        return CertificateStatus(CertificateState.NOT_YET_VALID)
    if at > certificate.not_valid_after_utc:
        return CertificateStatus(CertificateState.EXPIRED)
    return CertificateStatus(CertificateState.GOOD)
