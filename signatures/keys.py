"""Users' signing keys made in software, kept only encrypted under the user's PIN.

Algorithm: RSA (2048 bits by default, 3072 on request) with PKCS#1 v1.5 and SHA-256. ECDSA P-256
would be smaller and faster, but RSA is the one algorithm every PKCS#11 token and every CMS
verifier supports (machine-setup.md checked RSA-2048 with CKM_SHA256_RSA_PKCS on SoftHSM2), and a
token returns ECDSA signatures as raw r||s that would need re-encoding. With RSA for software keys
too, a software key and a token key take the same signing and verifying path (one CMS builder, one
verifier). 2048 bits gives the 112-bit strength NIST SP 800-57 Part 1 accepts through 2030; 3072
is there for longer-lived keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from signatures import sealing
from signatures.errors import KeyStoreInvalid, KeyUnsupported
from signatures.pin import PinPolicy

USER_KEY_PURPOSE = "user-signing-key"
ALLOWED_KEY_SIZES = (2048, 3072)


def generate_user_key(key_size: int = 2048) -> rsa.RSAPrivateKey:
    """Generate an RSA signing key pair in memory (seal it before it is stored).

    :raises KeyUnsupported: ``key_size`` is not 2048 or 3072.
    """
    if key_size not in ALLOWED_KEY_SIZES:
        raise KeyUnsupported(key_size=key_size)
    return rsa.generate_private_key(public_exponent=65537, key_size=key_size)


def seal_user_key(private_key: rsa.RSAPrivateKey, pin: str, *, policy: PinPolicy = PinPolicy(),
                  cost: sealing.ScryptCost = sealing.DEFAULT_COST) -> bytes:
    """Encrypt ``private_key`` under ``pin``; return bytes to store (never the clear key).

    :raises PinTooWeak: ``pin`` breaks ``policy``.
    """
    policy.check_new_pin(pin)
    der = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    return sealing.seal(der, pin, purpose=USER_KEY_PURPOSE, cost=cost)


@dataclass(frozen=True)
class UnlockedKey:
    """A key opened with the right PIN, and the counter the engine must now store (zero)."""

    private_key: rsa.RSAPrivateKey
    failed_attempts: int


def unlock_user_key(sealed: bytes, pin: str, *, failed_attempts: int,
                    policy: PinPolicy = PinPolicy()) -> UnlockedKey:
    """Open a sealed key with ``pin``, given the stored wrong-PIN counter.

    :raises PinLocked: the counter already reached the limit (nothing is decrypted), or this wrong
        PIN reaches it; ``params['failed_attempts']`` is the counter to store.
    :raises WrongPin: wrong PIN; ``params`` hold the new counter and the tries ``remaining``.
    :raises KeyStoreInvalid: ``sealed`` is not a sealed user key.
    """
    policy.ensure_can_try(failed_attempts)
    der = sealing.unseal(sealed, pin, purpose=USER_KEY_PURPOSE)
    if der is None:
        raise policy.after_failure(failed_attempts)
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyStoreInvalid(reason="not_rsa")
    return UnlockedKey(private_key=key, failed_attempts=policy.after_success())


def change_pin(sealed: bytes, old_pin: str, new_pin: str, *, failed_attempts: int,
               policy: PinPolicy = PinPolicy()) -> bytes:
    """Re-seal a key under ``new_pin`` after proving ``old_pin``; same errors as the two steps."""
    unlocked = unlock_user_key(sealed, old_pin, failed_attempts=failed_attempts, policy=policy)
    return seal_user_key(unlocked.private_key, new_pin, policy=policy)
