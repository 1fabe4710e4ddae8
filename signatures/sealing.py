"""Encrypt a private key at rest under a PIN or passphrase: scrypt + AES-256-GCM.

Why not PKCS#8 with ``BestAvailableEncryption``: with cryptography 50 that writes PBES2 with
PBKDF2-HMAC-SHA256 and only 2,048 iterations (checked with ``openssl asn1parse``), and
cryptography offers no way to raise the count for PKCS#8. A six-digit PIN behind 2,048 PBKDF2
rounds falls to a laptop in seconds once the database leaks. scrypt with N=2**17, r=8, p=1
(the OWASP Password Storage Cheat Sheet minimum; 128 MiB and a few tenths of a second per guess)
makes each guess cost memory as well as time, and AES-GCM authenticates, so a wrong secret is
always recognised as such instead of by a CBC padding check and a DER parse happening to fail.

The sealed form is a small JSON document (bytes), self-describing so the cost can be raised later
without breaking old rows: ``{"format", "purpose", "kdf", "n", "r", "p", "salt", "nonce",
"ciphertext"}``. Everything but the ciphertext is bound to it as associated data, so lowering the
cost or switching ``purpose`` (a CA key presented as a user key) breaks authentication. The
plaintext is a standard unencrypted PKCS#8 DER, so a recovered key is usable by any tool.
"""

from __future__ import annotations

import base64
import json
import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from signatures.errors import KeyStoreInvalid

FORMAT = "quytrinh-sealed-key-v1"


@dataclass(frozen=True)
class ScryptCost:
    """scrypt parameters; the default follows OWASP's Password Storage Cheat Sheet (2**17, 8, 1)."""

    n: int = 2**17
    r: int = 8
    p: int = 1

    def check(self) -> None:
        """Refuse costs that are too weak to protect a PIN, or so high that a forged row is a DoS."""
        if not (2**15 <= self.n <= 2**20 and self.n & (self.n - 1) == 0):
            raise KeyStoreInvalid(reason="scrypt_n_out_of_range", n=self.n)
        if not (8 <= self.r <= 16 and 1 <= self.p <= 4):
            raise KeyStoreInvalid(reason="scrypt_rp_out_of_range", r=self.r, p=self.p)


DEFAULT_COST = ScryptCost()


def seal(plaintext: bytes, secret: str, *, purpose: str, cost: ScryptCost = DEFAULT_COST) -> bytes:
    """Encrypt ``plaintext`` under ``secret``; return the JSON envelope as bytes."""
    cost.check()
    salt = os.urandom(16)
    nonce = os.urandom(12)
    header = {"format": FORMAT, "purpose": purpose, "kdf": "scrypt", "n": cost.n, "r": cost.r,
              "p": cost.p, "salt": _b64(salt), "nonce": _b64(nonce)}
    key = _derive(secret, salt, cost)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _aad(header))
    return json.dumps({**header, "ciphertext": _b64(ciphertext)}, sort_keys=True).encode("ascii")


def unseal(sealed: bytes, secret: str, *, purpose: str) -> bytes | None:
    """Decrypt an envelope made by :func:`seal`; return ``None`` when the secret is wrong.

    A damaged ciphertext cannot be told apart from a wrong secret (both fail the GCM tag); only a
    structurally broken envelope raises.

    :raises KeyStoreInvalid: not an envelope of this format and purpose, or an out-of-range cost.
    """
    header, ciphertext = _parse(sealed, purpose)
    cost = ScryptCost(header["n"], header["r"], header["p"])
    cost.check()
    key = _derive(secret, _unb64(header["salt"]), cost)
    try:
        return AESGCM(key).decrypt(_unb64(header["nonce"]), ciphertext, _aad(header))
    except InvalidTag:
        return None


def _parse(sealed: bytes, purpose: str) -> tuple[dict, bytes]:
    try:
        document = json.loads(sealed.decode("ascii"))
        header = {k: document[k] for k in ("format", "purpose", "kdf", "n", "r", "p", "salt", "nonce")}
        ciphertext = _unb64(document["ciphertext"])
        _unb64(header["salt"]), _unb64(header["nonce"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyStoreInvalid(reason="not_an_envelope") from exc
    if header["format"] != FORMAT or header["kdf"] != "scrypt":
        raise KeyStoreInvalid(reason="unknown_format", format=str(header["format"]))
    if header["purpose"] != purpose:
        raise KeyStoreInvalid(reason="wrong_purpose", expected=purpose, found=str(header["purpose"]))
    if not all(isinstance(header[k], int) for k in ("n", "r", "p")):
        raise KeyStoreInvalid(reason="not_an_envelope")
    return header, ciphertext


def _derive(secret: str, salt: bytes, cost: ScryptCost) -> bytes:
    # NFC: the same Vietnamese passphrase typed on two keyboards (precomposed "ễ" or "e" plus
    # combining marks) must open the same key.
    material = unicodedata.normalize("NFC", secret).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=cost.n, r=cost.r, p=cost.p).derive(material)


def _aad(header: dict) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
