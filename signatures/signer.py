"""The one interface the engine signs through, and its software implementation.

The engine holds a :class:`Signer` for the duration of one step and never learns where the key
lives: :class:`SoftwareSigner` (a key opened with the user's PIN, :mod:`signatures.keys`) or
:class:`signatures.pkcs11_signer.Pkcs11Signer` (a key that never leaves a token). Both produce the
same detached CMS (:mod:`signatures.cms`), so one verifier and ``openssl cms -verify`` check both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from signatures import cms
from signatures._time import as_utc, whole_seconds
from signatures.errors import CertificateExpired, CertificateNotYetValid, KeyMismatch, KeyUnsupported


@runtime_checkable
class Signer(Protocol):
    """Something that signs with one certificate's key."""

    def certificate(self) -> x509.Certificate:
        """The signer's certificate."""
        ...

    def sign_detached(self, data: bytes, signing_time: datetime) -> bytes:
        """Return a DER detached CMS SignedData over ``data`` with signingTime ``signing_time``.

        :raises CertificateExpired: ``signing_time`` is after the certificate's validity.
        :raises CertificateNotYetValid: ``signing_time`` is before it.
        """
        ...


def check_signing_time(certificate: x509.Certificate, signing_time: datetime) -> datetime:
    """Refuse to sign outside the certificate's validity; return the time as it will be signed.

    A verifier would reject such a signature anyway; refusing here tells the clerk at once, not
    the auditor years later.
    """
    moment = whole_seconds(as_utc(signing_time, "signing_time"))
    if moment > certificate.not_valid_after_utc:
        raise CertificateExpired(serial=certificate.serial_number,
                                 not_after=certificate.not_valid_after_utc.isoformat())
    if moment < certificate.not_valid_before_utc:
        raise CertificateNotYetValid(serial=certificate.serial_number,
                                     not_before=certificate.not_valid_before_utc.isoformat())
    return moment


class SoftwareSigner:
    """Signs with an RSA key held in memory (opened with the PIN just before, for one step).

    ``chain`` is the issuing CA certificate (and any further intermediates, not the root): it is
    embedded so a verifier that has only ``root.pem`` can build the path.
    """

    def __init__(self, private_key: rsa.RSAPrivateKey, certificate: x509.Certificate,
                 chain: Sequence[x509.Certificate] = ()) -> None:
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise KeyUnsupported(key_type=type(private_key).__name__)
        if _spki(private_key.public_key()) != _spki(certificate.public_key()):
            raise KeyMismatch(serial=certificate.serial_number)
        self._key = private_key
        self._certificate = certificate
        self._chain = tuple(chain)

    def certificate(self) -> x509.Certificate:
        """The signer's certificate."""
        return self._certificate

    def sign_detached(self, data: bytes, signing_time: datetime) -> bytes:
        """Sign ``data`` as a detached CMS SignedData dated ``signing_time`` (see :class:`Signer`)."""
        moment = check_signing_time(self._certificate, signing_time)
        return cms.build_detached(data, certificate=self._certificate, chain=self._chain,
                                  signing_time=moment, sign=self._sign)

    def _sign(self, signed_attributes: bytes) -> bytes:
        return self._key.sign(signed_attributes, padding.PKCS1v15(), hashes.SHA256())


def _spki(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
