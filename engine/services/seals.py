"""The engine's own seal: the system certificate signing what no person signs (docs/audit.md).

Three things carry it: repair events (an administrator's send-back, retry or data correction; the
administrator acts through the engine and has no signing certificate of their own, so the engine seals
the event it writes, naming the administrator as its actor), the signed journal checkpoints
(``checkpoints.py``) and the archive's records and dossiers.

A repair event's seal is a detached CMS over the event's exact ``body`` (the canonical JSON the journal
hashes), stored in ``case_events.signature``; the body names the certificate in ``data.sealed_by``, so
``openssl cms -verify -content EVENT.json`` checks it without this program.

The system key is sealed under ``QUYTRINH_CA_PASSPHRASE`` with scrypt (about a second to open). The
process that signs already holds the passphrase in its settings, so keeping the opened key in memory
for the process's life adds nothing an attacker of that memory would not have; it is cached here by
certificate, sealed key and passphrase, and a changed passphrase or a new certificate opens it again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.errors import NotFound, SignatureError
from engine.models import Certificate, SigningKey
from engine.services import certificates, signing
from engine.uow import UnitOfWork
from signatures import errors as signature_errors
from signatures.signer import SoftwareSigner
from signatures.verify import verify_detached

#: Events an administrator's repair writes; each is sealed by the engine (docs/audit.md, "Repairs").
REPAIR_EVENTS = ("case.retried", "case.data_corrected", "case.sent_back")
SEAL_FORMAT = "quytrinh-seal/1"

_CACHE: "OrderedDict[tuple[str, str, str], SoftwareSigner]" = OrderedDict()
_CACHE_LOCK = threading.Lock()


def system_signer(uow: UnitOfWork) -> tuple[SoftwareSigner, str]:
    """The engine's signer and its certificate serial, opened once per process (see the module text).

    :raises NotFound: no CA yet. :raises ConfigurationError: no passphrase. :raises SignatureError: wrong one.
    """
    row = uow.session.execute(
        select(Certificate.serial, SigningKey.sealed_key).join(SigningKey, Certificate.key_id == SigningKey.id)
        .where(Certificate.kind == "system", Certificate.revoked_at.is_(None))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound("ca.not_initialised")
    serial, sealed = row
    secret = certificates.passphrase(uow)
    key = (serial, hashlib.sha256((sealed or "").encode("ascii")).hexdigest(),
           hashlib.sha256(secret.encode("utf-8")).hexdigest())
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached, serial
    signer = signing.system_signer(uow)
    with _CACHE_LOCK:
        _CACHE[key] = signer
        while len(_CACHE) > 4:
            _CACHE.popitem(last=False)
    return signer, serial


def sign(uow: UnitOfWork, content: bytes, at: datetime) -> tuple[bytes, str]:
    """A detached CMS over ``content`` by the system certificate, dated ``at``; with the serial."""
    signer, serial = system_signer(uow)
    try:
        return signer.sign_detached(content, at), serial
    except signature_errors.SignatureError as exc:
        raise SignatureError(exc.code, **exc.params) from None


@dataclass(frozen=True)
class Sealer:
    """Seals one repair event: ``stamp`` goes into the event's data, ``sign`` covers its body."""

    uow: UnitOfWork
    serial: str

    @property
    def stamp(self) -> dict:
        return {"format": SEAL_FORMAT, "by": "system", "certificate": self.serial}

    def sign(self, body: bytes, at: datetime) -> bytes:
        return sign(self.uow, body, at)[0]


def sealer_for(uow: UnitOfWork, event_type: str) -> Sealer | None:
    """A sealer for a repair event; None for any other event. A repair is refused when the engine cannot
    seal it (no CA, no passphrase): an unsigned repair would be indistinguishable from a forged one.

    :raises NotFound: no CA. :raises ConfigurationError: no passphrase. :raises SignatureError: wrong one.
    """
    if event_type not in REPAIR_EVENTS:
        return None
    return Sealer(uow, system_signer(uow)[1])


# Checking -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SealCheck:
    ok: bool
    code: str | None
    params: dict
    serial: str | None
    signer_name: str | None
    signing_time: datetime | None


def check_system_signature(reader: UnitOfWork, signature: bytes, content: bytes, *, at: datetime, root, revoked,
                           expected_serial: str | None = None) -> SealCheck:
    """Verify a detached CMS made by the engine: content, chain to the root, validity and revocation at
    ``at``, and a signer that is one of this CA's system certificates (and ``expected_serial`` if given)."""
    report = verify_detached(signature, content, trust_root=root, revocations=revoked, journal_time=at)
    serial = certificates.serial_hex(report.serial) if report.serial is not None else None
    name = report.signer.full_name if report.signer else None
    if not report.ok:
        return SealCheck(False, report.code or "signature.invalid",
                         {k: v if isinstance(v, (str, int, float, bool)) or v is None else str(v)
                          for k, v in report.params.items()}, serial, name, report.signing_time)
    row = reader.session.scalar(select(Certificate).where(Certificate.serial == serial))
    if row is None or row.kind != "system" or (expected_serial is not None and serial != expected_serial) \
            or row.certificate_pem.encode("ascii") != report.certificate_pem:
        return SealCheck(False, "signature.signer_mismatch", {"serial": serial or ""}, serial, name,
                         report.signing_time)
    return SealCheck(True, None, {}, serial, name, report.signing_time)


def check_event_seal(reader: UnitOfWork, event, data: dict, root, revoked):
    """The verdict on a sealed repair event, as a ``verification.StepSignature``."""
    from engine.services.verification import StepSignature
    stamp = data.get("sealed_by") or {}
    element = data.get("element") or event.type
    if root is None:
        return StepSignature(seq=event.seq, element=element, actor=event.actor, at=event.at, ok=False,
                             code="ca.not_initialised")
    if event.signature is None or stamp.get("format") != SEAL_FORMAT:
        return StepSignature(seq=event.seq, element=element, actor=event.actor, at=event.at, ok=False,
                             code="signature.missing")
    check = check_system_signature(reader, bytes(event.signature), event.body.encode("utf-8"), at=event.at,
                                   root=root, revoked=revoked, expected_serial=stamp.get("certificate"))
    return StepSignature(seq=event.seq, element=element, actor=event.actor, at=event.at, ok=check.ok,
                         code=check.code, params=check.params, signer_name=check.signer_name, serial=check.serial,
                         signing_time=check.signing_time)
