"""Verify a detached CMS signature against its content, a trusted root and the revocations.

Checks, in this order, and the report names the first that fails: the structure
(``signature.malformed``), the content digest (``signature.content_mismatch``), the signature over
the signed attributes and the ESS certificate binding (``signature.invalid``), the path from the
signer through the embedded issuing CA to the root (``signature.chain_invalid``), the claimed
signing time against the journal's (``signature.time_mismatch``), each certificate's validity at
the signing time (``signature.certificate_expired`` / ``..._not_yet_valid``), the signer's key usage
(``signature.certificate_unsuitable``) and revocation (``signature.certificate_revoked``).

Everything is judged at the signing time (the "chain model" used for signatures): a signature made
while the certificate was valid and not revoked stays valid after the certificate expires or is
revoked. The signing time is the signer's own claim; the engine's journal time is what makes it
trustworthy, so pass ``journal_time`` whenever the journal has one.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.exceptions import UnsupportedAlgorithm as CryptographyUnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from signatures import errors
from signatures._time import as_utc
from signatures.ca import DOCUMENT_SIGNING
from signatures.cms import DIGESTS, ParsedSignature, parse_detached
from signatures.revocation import Revocation, find_revocation, issued_by
from signatures.subject import SubjectInfo

#: Root + issuing CA + signer is 3; the root's pathLenConstraint (1) already forbids more, this
#: bound only stops the search early on a foreign root.
MAX_CHAIN_LENGTH = 4
CERTIFICATE_DECODE_ERRORS = (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType)
SIGNING_EKUS = {ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING, ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE}
HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


@dataclass(frozen=True)
class VerificationReport:
    """The outcome of one verification; the signer fields are filled whenever the CMS was readable."""

    ok: bool
    code: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    signer: SubjectInfo | None = None
    issuer: SubjectInfo | None = None
    serial: int | None = None
    signing_time: datetime | None = None
    certificate_pem: bytes | None = None
    #: The signer certificate's revocation, if any, even one after the signing time (still ok).
    revocation: Revocation | None = None

    def raise_for_failure(self) -> None:
        """Raise the :class:`signatures.errors.SignatureError` matching ``code``; do nothing if ok."""
        if not self.ok:
            raise errors.BY_CODE.get(self.code or "", errors.SignatureError)(self.code, **self.params)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (for ``signature verify --json``)."""
        return {
            "ok": self.ok, "code": self.code, "params": dict(self.params),
            "signer": asdict(self.signer) if self.signer else None,
            "issuer": asdict(self.issuer) if self.issuer else None,
            "serial": None if self.serial is None else f"{self.serial:X}",
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "revocation": None if self.revocation is None else {
                "revoked_at": self.revocation.revoked_at.isoformat(),
                "reason": self.revocation.reason.value,
                "invalid_since": (self.revocation.invalid_since.isoformat()
                                  if self.revocation.invalid_since else None)},
        }


def verify_detached(signature: bytes, content: bytes, *, trust_root: x509.Certificate,
                    revocations: Iterable[Revocation] = (),
                    intermediates: Iterable[x509.Certificate] = (),
                    journal_time: datetime | None = None,
                    max_clock_skew: timedelta = timedelta(minutes=5)) -> VerificationReport:
    """Verify ``signature`` (DER detached CMS) over ``content``; never raises for a bad signature.

    :param trust_root: the root CA certificate (``root.pem``); the only certificate trusted as is.
    :param revocations: the issuing CA's revocation records (from the database or :func:`read_crl`).
    :param intermediates: extra CA certificates, for signatures that do not embed the issuing CA.
    :param journal_time: when the engine recorded the step; the signing time must lie within
        ``max_clock_skew`` of it.
    """
    try:
        parsed = parse_detached(signature)
    except errors.SignatureError as exc:
        return VerificationReport(ok=False, code=exc.code, params=exc.params)
    leaf = parsed.signer_certificate
    revocation = find_revocation(revocations, leaf.serial_number)
    facts: dict[str, Any] = dict(serial=leaf.serial_number, signing_time=parsed.signing_time,
                                 revocation=revocation, certificate_pem=leaf.public_bytes(serialization.Encoding.PEM))
    try:
        facts.update(signer=SubjectInfo.from_certificate(leaf), issuer=SubjectInfo.from_name(leaf.issuer))
        _check_integrity(parsed, content)
        chain = _build_chain(leaf, [*parsed.certificates, *intermediates], trust_root)
        if journal_time is not None:
            _check_journal_time(parsed.signing_time, as_utc(journal_time, "journal_time"), max_clock_skew)
        _check_validity(chain, parsed.signing_time)
        _check_usage(leaf)
        if revocation is not None and parsed.signing_time >= revocation.effective_from:
            raise errors.CertificateRevoked(serial=leaf.serial_number,
                                            revoked_at=revocation.revoked_at.isoformat(),
                                            reason=revocation.reason.value,
                                            effective_from=revocation.effective_from.isoformat())
    except errors.SignatureError as exc:
        return VerificationReport(ok=False, code=exc.code, params=exc.params, **facts)
    except CryptographyUnsupportedAlgorithm as exc:
        return VerificationReport(ok=False, code=errors.UnsupportedAlgorithm.code,
                                  params={"algorithm": str(exc)}, **facts)
    except CERTIFICATE_DECODE_ERRORS as exc:
        # cryptography decodes extensions lazily: a damaged embedded certificate surfaces here.
        return VerificationReport(ok=False, code=errors.SignatureMalformed.code,
                                  params={"reason": "undecodable_certificate", "detail": type(exc).__name__},
                                  **facts)
    return VerificationReport(ok=True, **facts)


def _check_integrity(parsed: ParsedSignature, content: bytes) -> None:
    digest = DIGESTS[parsed.digest_algorithm](content).digest()
    if not hmac.compare_digest(digest, parsed.message_digest):
        raise errors.ContentMismatch()
    public_key = parsed.signer_certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise errors.UnsupportedAlgorithm(algorithm=type(public_key).__name__)
    try:
        public_key.verify(parsed.signature, parsed.signed_attributes_der, padding.PKCS1v15(),
                          HASHES[parsed.digest_algorithm]())
    except InvalidSignature:
        raise errors.SignatureInvalid(reason="bad_signature") from None
    if parsed.signing_certificate_hashes is not None:
        # RFC 5035 §3: the first ESSCertIDv2 identifies the signing certificate.
        algorithm, expected = (parsed.signing_certificate_hashes or (("", b""),))[0]
        leaf_der = parsed.signer_certificate.public_bytes(serialization.Encoding.DER)
        if algorithm not in DIGESTS or not hmac.compare_digest(DIGESTS[algorithm](leaf_der).digest(), expected):
            raise errors.SignatureInvalid(reason="signing_certificate_mismatch")


def _build_chain(leaf: x509.Certificate, candidates: list[x509.Certificate],
                 root: x509.Certificate) -> list[x509.Certificate]:
    """Return [leaf, intermediates..., root], each certificate signed by the next, or raise."""
    if not _is_ca(root):
        raise errors.ChainInvalid(reason="root_not_ca")
    chain = [leaf]
    while len(chain) < MAX_CHAIN_LENGTH:
        current = chain[-1]
        if issued_by(current, root):
            chain.append(root)
            _check_path_lengths(chain)
            return chain
        parent = next((c for c in candidates
                       if c not in chain and _is_ca(c) and issued_by(current, c)), None)
        if parent is None:
            raise errors.ChainInvalid(reason="no_path_to_root", issuer=current.issuer.rfc4514_string())
        chain.append(parent)
    raise errors.ChainInvalid(reason="too_long")


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        if not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return certificate.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        return True


def _check_path_lengths(chain: list[x509.Certificate]) -> None:
    # chain[i] (i >= 1) is a CA with i - 1 intermediate CAs below it (RFC 5280 §4.2.1.9).
    for index, ca in enumerate(chain[1:], start=1):
        limit = ca.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length
        if limit is not None and index - 1 > limit:
            raise errors.ChainInvalid(reason="path_length", ca=ca.subject.rfc4514_string())


def _check_journal_time(signing_time: datetime, journal_time: datetime, skew: timedelta) -> None:
    if abs(signing_time - journal_time) > skew:
        raise errors.SigningTimeMismatch(signing_time=signing_time.isoformat(),
                                         journal_time=journal_time.isoformat(),
                                         max_skew_seconds=int(skew.total_seconds()))


def _check_validity(chain: list[x509.Certificate], moment: datetime) -> None:
    for position, certificate in enumerate(chain):
        role = "signer" if position == 0 else ("root" if position == len(chain) - 1 else "issuing_ca")
        params = dict(certificate=role, serial=certificate.serial_number, signing_time=moment.isoformat())
        if moment > certificate.not_valid_after_utc:
            raise errors.CertificateExpired(not_after=certificate.not_valid_after_utc.isoformat(), **params)
        if moment < certificate.not_valid_before_utc:
            raise errors.CertificateNotYetValid(not_before=certificate.not_valid_before_utc.isoformat(),
                                                **params)


def _check_usage(leaf: x509.Certificate) -> None:
    extensions = leaf.extensions
    try:
        if extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            raise errors.CertificateUnsuitable(reason="ca_certificate")
    except x509.ExtensionNotFound:
        pass
    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            raise errors.CertificateUnsuitable(reason="key_usage")
    except x509.ExtensionNotFound:
        pass
    try:
        purposes = set(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        if not purposes & SIGNING_EKUS:
            raise errors.CertificateUnsuitable(reason="extended_key_usage")
    except x509.ExtensionNotFound:
        pass
