"""Signing with a key that lives on a PKCS#11 token (SoftHSM2 in tests, a USB PKI token in use).

The private key never leaves the token: the token signs the DER of the CMS signed attributes with
CKM_SHA256_RSA_PKCS and :func:`signatures.cms.build_detached` wraps that raw signature into the
same SignedData a :class:`signatures.signer.SoftwareSigner` makes (machine-setup.md: cryptography's
CMS builder cannot use an external key).

The token enforces its own PIN retry counter; a wrong or locked PIN comes back as
:class:`WrongPin` / :class:`PinLocked` without a ``failed_attempts`` parameter, because the engine
has no counter to store for a token.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pkcs11
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pkcs11 import Attribute, KeyType, Mechanism, MechanismFlag, ObjectClass
from pkcs11 import exceptions as p11

from signatures import cms
from signatures.errors import KeyMismatch, KeyUnsupported, PinLocked, TokenUnavailable, WrongPin
from signatures.signer import check_signing_time

#: Debian's softhsm2 package; a real token's vendor module is configured by the engine.
SOFTHSM2_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@dataclass(frozen=True)
class TokenKey:
    """Where a signing key lives: PKCS#11 module, token label, and the key's CKA_LABEL."""

    module_path: str
    token_label: str
    key_label: str


@contextmanager
def _session(key: TokenKey, pin: str, *, rw: bool = False) -> Iterator[pkcs11.Session]:
    try:
        token = pkcs11.lib(key.module_path).get_token(token_label=key.token_label)
        session = token.open(user_pin=pin, rw=rw)
    except p11.PinIncorrect:
        raise WrongPin(source="token", token=key.token_label) from None
    except p11.PinLocked:
        raise PinLocked(source="token", token=key.token_label) from None
    except (p11.PKCS11Error, OSError) as exc:
        # python-pkcs11 reports a missing module file as PKCS11Error("OS exception while loading").
        raise TokenUnavailable(reason=type(exc).__name__, token=key.token_label) from exc
    with session:
        try:
            yield session
        except p11.PKCS11Error as exc:             # e.g. the token was pulled out mid-signature
            raise TokenUnavailable(reason=type(exc).__name__, token=key.token_label) from exc


def _find(session: pkcs11.Session, key: TokenKey, object_class: ObjectClass) -> pkcs11.types.Key:
    try:
        return session.get_key(object_class=object_class, key_type=KeyType.RSA, label=key.key_label)
    except (p11.NoSuchKey, p11.MultipleObjectsReturned) as exc:
        raise TokenUnavailable(reason=type(exc).__name__, token=key.token_label,
                               key=key.key_label) from exc


def generate_token_key(key: TokenKey, pin: str, *, key_size: int = 2048) -> rsa.RSAPublicKey:
    """Generate an RSA key pair on the token (private key sensitive, not extractable).

    Returns the public key, to be certified with :func:`signatures.ca.issue_user_certificate`.
    Private and public objects share CKA_LABEL and a random CKA_ID, as pkcs11-tool expects.

    :raises KeyUnsupported: ``key_size`` is not 2048 or 3072.
    :raises TokenUnavailable: no such module or token, or the label is already used.
    :raises WrongPin: the token refused ``pin``.
    """
    if key_size not in (2048, 3072):
        raise KeyUnsupported(key_size=key_size)
    with _session(key, pin, rw=True) as session:
        if list(session.get_objects({Attribute.LABEL: key.key_label})):
            raise TokenUnavailable(reason="label_in_use", token=key.token_label, key=key.key_label)
        public, _private = session.generate_keypair(
            KeyType.RSA, key_size, id=os.urandom(16), label=key.key_label, store=True,
            capabilities=MechanismFlag.SIGN | MechanismFlag.VERIFY,
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False})
        return _to_cryptography(public)


def token_public_key(key: TokenKey, pin: str) -> rsa.RSAPublicKey:
    """Read the public half of a key pair stored on the token."""
    with _session(key, pin) as session:
        return _to_cryptography(_find(session, key, ObjectClass.PUBLIC_KEY))


def _to_cryptography(public: pkcs11.types.Key) -> rsa.RSAPublicKey:
    modulus = int.from_bytes(public[Attribute.MODULUS], "big")
    exponent = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()


class Pkcs11Signer:
    """Signs on a PKCS#11 token; opens one session per signature and keeps none open."""

    def __init__(self, key: TokenKey, pin: str, certificate: x509.Certificate,
                 chain: Sequence[x509.Certificate] = ()) -> None:
        if not isinstance(certificate.public_key(), rsa.RSAPublicKey):
            raise KeyUnsupported(key_type=type(certificate.public_key()).__name__)
        self._key = key
        self._pin = pin
        self._certificate = certificate
        self._chain = tuple(chain)

    def certificate(self) -> x509.Certificate:
        """The signer's certificate."""
        return self._certificate

    def sign_detached(self, data: bytes, signing_time: datetime) -> bytes:
        """Sign ``data`` on the token as a detached CMS SignedData dated ``signing_time``.

        :raises WrongPin, PinLocked: the token refused the PIN.
        :raises TokenUnavailable: the module, token or key is missing.
        :raises KeyMismatch: the token's key does not match the certificate.
        :raises CertificateExpired, CertificateNotYetValid: see :class:`signatures.signer.Signer`.
        """
        moment = check_signing_time(self._certificate, signing_time)
        with _session(self._key, self._pin) as session:
            private = _find(session, self._key, ObjectClass.PRIVATE_KEY)
            return cms.build_detached(data, certificate=self._certificate, chain=self._chain,
                                      signing_time=moment, sign=lambda attrs: self._sign(private, attrs))

    def _sign(self, private: pkcs11.types.Key, signed_attributes: bytes) -> bytes:
        signature = private.sign(signed_attributes, mechanism=Mechanism.SHA256_RSA_PKCS)
        # The token cannot show us its private key, so check the pair the only way possible: the
        # certificate's public key must verify what the token signed.
        try:
            self._certificate.public_key().verify(signature, signed_attributes, padding.PKCS1v15(),
                                                  hashes.SHA256())
        except InvalidSignature:
            raise KeyMismatch(serial=self._certificate.serial_number, token=self._key.token_label) from None
        return signature
