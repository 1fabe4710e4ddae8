"""Signature errors: a stable ``code`` plus parameters, never user-facing text.

Same shape as ``engine.errors.QuytrinhError`` (``code``, ``params``) so the engine can map them to
its message table and HTTP status without this package importing the engine (ARCHITECTURE.md:
``engine -> signatures``, never the other way round). Parameter values are plain JSON-friendly
values (str, int, ISO 8601 strings) so they can be logged and stored as they are.
"""

from __future__ import annotations

from typing import Any


class SignatureError(Exception):
    """Base of every error this package raises on purpose."""

    code = "signature.invalid"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(f"{self.code} {params}" if params else self.code)


# --- verifying a signature --------------------------------------------------------------------


class SignatureInvalid(SignatureError):
    """The signature value does not verify over the signed attributes (or they are inconsistent)."""

    code = "signature.invalid"


class SignatureMalformed(SignatureError):
    """The bytes are not a detached CMS SignedData this package can read."""

    code = "signature.malformed"


class UnsupportedAlgorithm(SignatureError):
    code = "signature.unsupported_algorithm"


class ContentMismatch(SignatureError):
    """The content handed in is not the content that was signed (messageDigest differs)."""

    code = "signature.content_mismatch"


class ChainInvalid(SignatureError):
    """The signer's certificate does not lead to the trusted root."""

    code = "signature.chain_invalid"


class CertificateExpired(SignatureError):
    code = "signature.certificate_expired"


class CertificateNotYetValid(SignatureError):
    code = "signature.certificate_not_yet_valid"


class CertificateRevoked(SignatureError):
    code = "signature.certificate_revoked"


class CertificateUnsuitable(SignatureError):
    """The certificate may not sign documents (a CA certificate, or wrong key usage)."""

    code = "signature.certificate_unsuitable"


class SigningTimeMismatch(SignatureError):
    """The signingTime claimed by the signer is too far from the time the journal recorded."""

    code = "signature.time_mismatch"


# --- keys and PINs ----------------------------------------------------------------------------


class WrongPin(SignatureError):
    """The PIN does not open the key. ``params['failed_attempts']`` is the counter to store."""

    code = "signature.wrong_pin"


class PinLocked(WrongPin):
    """Too many wrong PINs: the key stays closed even for the right PIN until an administrator resets it."""

    code = "signature.pin_locked"


class PinTooWeak(SignatureError):
    code = "signature.pin_weak"


class KeyStoreInvalid(SignatureError):
    """A stored (sealed) key is not in the expected format: damaged row or wrong column."""

    code = "signature.key_store_invalid"


class KeyMismatch(SignatureError):
    """The certificate does not belong to the key that signs."""

    code = "signature.key_mismatch"


class KeyUnsupported(SignatureError):
    code = "signature.key_unsupported"


class TokenUnavailable(SignatureError):
    """The PKCS#11 module, token or key on it cannot be found or used."""

    code = "signature.token_unavailable"


# --- the certificate authority ----------------------------------------------------------------


class CaPassphraseInvalid(SignatureError):
    code = "signature.ca_passphrase_invalid"


class ValidityInvalid(SignatureError):
    """A requested validity period is empty or does not fit inside the issuer's."""

    code = "signature.validity_invalid"


class CertificateUnknown(SignatureError):
    """The certificate was not issued by this certificate authority."""

    code = "signature.certificate_unknown"


class RevocationInvalid(SignatureError):
    code = "signature.revocation_invalid"


class AlreadyRevoked(SignatureError):
    code = "signature.already_revoked"


class CrlInvalid(SignatureError):
    code = "signature.crl_invalid"


#: Code -> exception class, so a failed verification report can raise the matching exception.
BY_CODE: dict[str, type[SignatureError]] = {
    cls.code: cls
    for cls in (
        SignatureInvalid, SignatureMalformed, UnsupportedAlgorithm, ContentMismatch, ChainInvalid,
        CertificateExpired, CertificateNotYetValid, CertificateRevoked, CertificateUnsuitable,
        SigningTimeMismatch, WrongPin, PinLocked, PinTooWeak, KeyStoreInvalid, KeyMismatch,
        KeyUnsupported, TokenUnavailable, CaPassphraseInvalid, ValidityInvalid, CertificateUnknown,
        RevocationInvalid, AlreadyRevoked, CrlInvalid,
    )
}
