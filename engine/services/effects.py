"""Step effects: actions outside the workflow that a completed step performs (a task's ``effect`` property).

An effect runs inside the step's transaction, after SpiffWorkflow completed the task and before the
journal event is written; what it did (a certificate's serial and hash, a revocation time) goes into
the event's ``effects``. Effects use randomness and the CA's keys, so a replay never runs them again: it
re-applies the step's inputs only (engine/services/replay.py), and the effects leave the workflow's
data alone, so the state fingerprint does not depend on them. docs/signatures.md, "Effects and replay".

The certificate lifecycle (P11, ``bpmn/certificate``):

- ``certificate.request`` (the holder, with a PIN they choose): a key pair is made for the holder and
  sealed under the PIN, or generated on their PKCS#11 token; only the public key is journaled;
- ``certificate.issue`` (Cơ yếu office, signed): the issuing CA certifies that key: name, unit, position;
- ``certificate.activate`` (the holder, with the PIN): proves the key opens and matches, the certificate
  may sign from now on; on a renewal the older certificate is revoked as superseded;
- ``certificate.revoke`` (Cơ yếu office, signed): revokes the named (or every) certificate of the holder,
  with the reason and, for a lost or exposed key, the time it was reported; a new CRL is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from engine.errors import InvalidInput, NotAllowed, SignatureError
from engine.models import Case, Certificate, SigningKey, User
from engine.services import certificates, signing
from engine.uow import UnitOfWork
from engine.views import Actor
from signatures import errors as signature_errors

VIETNAM = timezone(timedelta(hours=7))


@dataclass
class EffectContext:
    uow: UnitOfWork
    case: Case
    element: str
    actor: Actor
    data: dict                  # the case data after the step
    pin: str | None
    prepared: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Effect:
    name: str
    apply: Callable[[EffectContext], dict]
    needs_pin: bool = False
    #: Runs before the step's transaction (opening a key counts wrong PINs in a transaction of its own).
    prepare: Callable[[UnitOfWork, int, Actor, str | None], dict] | None = None


def _holder(ctx: EffectContext) -> User:
    user = ctx.uow.session.get(User, ctx.case.started_by_id)
    if user is None:
        raise InvalidInput("certificate.no_holder")
    return user


def request_key(ctx: EffectContext) -> dict:
    holder = _holder(ctx)
    if holder.id != ctx.actor.user_id:
        raise NotAllowed("certificate.not_holder")
    storage = ctx.data.get("key_storage") or "software"
    if storage == "pkcs11":
        token = str(ctx.data.get("token_label") or "").strip()
        if not token:
            raise InvalidInput("certificate.token_required")
        label = str(ctx.data.get("key_label") or "").strip() or f"quytrinh-{holder.username}-{ctx.case.number}"
        key = certificates.register_token_key(ctx.uow, user=holder, token_label=token, key_label=label,
                                              pin=ctx.pin or "", generate=True, case_id=ctx.case.id)
    else:
        key = certificates.create_software_key(ctx.uow, user=holder, pin=ctx.pin or "", case_id=ctx.case.id)
    return {"key": key.id, "storage": key.storage, "public_key_sha256": key.public_key_sha256}


def issue(ctx: EffectContext) -> dict:
    key = _pending_key(ctx.uow, ctx.case)
    holder = ctx.uow.session.get(User, key.user_id)
    position = certificates.position_in(ctx.uow, holder.id, ctx.case.unit_id)
    row = certificates.issue_certificate(ctx.uow, key=key, user=holder, unit=ctx.case.unit, position=position,
                                         issued_by=ctx.actor.username, case_id=ctx.case.id, activated=False)
    return {"serial": row.serial, "sha256": row.sha256, "holder": holder.username, "unit": ctx.case.unit.code,
            "position": position, "not_before": _iso(row.not_before), "not_after": _iso(row.not_after)}


def _pending_key(uow: UnitOfWork, case: Case) -> SigningKey:
    certified = select(Certificate.key_id)
    key = uow.session.scalars(select(SigningKey).where(SigningKey.case_id == case.id, SigningKey.id.not_in(certified))
                              .order_by(SigningKey.id.desc()).limit(1)).first()
    if key is None:
        raise InvalidInput("certificate.no_pending_key", number=case.number)
    return key


def _issued_in(uow: UnitOfWork, case_id: int) -> Certificate:
    row = uow.session.scalars(select(Certificate).where(Certificate.issue_case_id == case_id)
                              .order_by(Certificate.id.desc()).limit(1)).first()
    if row is None:
        raise InvalidInput("certificate.not_issued")
    return row


def prepare_activation(uow: UnitOfWork, case_id: int, actor: Actor, pin: str | None) -> dict:
    with uow.reader() as reader:
        row = _issued_in(reader, case_id)
        if row.user_id != actor.user_id:
            raise NotAllowed("certificate.not_holder")
        key = reader.session.get(SigningKey, row.key_id)
        storage, key_id = key.storage, key.id
    if storage == "software":
        return {"private_key": signing.unlock_key(uow, key_id, pin or "")}
    return {}


def activate(ctx: EffectContext) -> dict:
    row = _issued_in(ctx.uow, ctx.case.id)
    if row.user_id != ctx.actor.user_id:
        raise NotAllowed("certificate.not_holder")
    if row.revoked_at is not None:
        raise SignatureError("signature.certificate_revoked", serial=row.serial, revoked_at=_iso(row.revoked_at),
                             reason=row.revocation_reason or "unspecified")
    certificate = certificates.certificate_of(row)
    key = ctx.uow.session.get(SigningKey, row.key_id)
    private_key: rsa.RSAPrivateKey | None = ctx.prepared.get("private_key")
    if private_key is not None:
        if certificates.spki_sha256(private_key.public_key()) != certificates.spki_sha256(certificate.public_key()):
            raise SignatureError("signature.key_mismatch", serial=row.serial)
    elif key.storage == "pkcs11":
        from signatures.pkcs11_signer import Pkcs11Signer, TokenKey
        token = Pkcs11Signer(TokenKey(ctx.uow.settings.pkcs11_module, key.token_label, key.key_label),
                             ctx.pin or "", certificate, signing.chain_of(ctx.uow, row))
        try:
            token.sign_detached(f"activate {row.serial}".encode("ascii"), ctx.uow.now)
        except signature_errors.SignatureError as exc:
            raise SignatureError(exc.code, **exc.params) from None
    else:
        raise SignatureError("signature.key_store_invalid", reason="no_key")
    row.activated_at = ctx.uow.now
    superseded = []
    if ctx.data.get("request_type") == "renew":
        older = ctx.uow.session.scalars(select(Certificate).where(
            Certificate.user_id == row.user_id, Certificate.kind == "user", Certificate.id != row.id,
            Certificate.unit_id == row.unit_id, Certificate.revoked_at.is_(None))).all()
        for old in older:
            certificates.revoke_certificate(ctx.uow, certificate=old, reason="superseded",
                                            revoked_by=ctx.actor.username, case_id=ctx.case.id)
            superseded.append(old.serial)
    return {"serial": row.serial, "activated_at": _iso(row.activated_at), "superseded": superseded}


def revoke(ctx: EffectContext) -> dict:
    holder = _holder(ctx)
    reason = certificates.reason_or_default(ctx.data.get("revocation_reason"))
    serial = str(ctx.data.get("serial") or "").strip().upper()
    query = select(Certificate).where(Certificate.user_id == holder.id, Certificate.kind == "user",
                                      Certificate.revoked_at.is_(None))
    if serial:
        query = query.where(Certificate.serial == serial)
    targets = ctx.uow.session.scalars(query.order_by(Certificate.id)).all()
    if not targets:
        raise InvalidInput("certificate.none_to_revoke", serial=serial or "—")
    revoked = []
    for row in targets:
        since = _invalid_since(ctx, reason, row)
        certificates.revoke_certificate(ctx.uow, certificate=row, reason=reason, revoked_by=ctx.actor.username,
                                        invalid_since=since, case_id=ctx.case.id)
        revoked.append({"serial": row.serial, "revoked_at": _iso(row.revoked_at),
                        "invalid_since": _iso(row.invalid_since)})
    issuer = certificates.authority(ctx.uow, "issuing")
    return {"revoked": revoked, "reason": reason, "crl_number": issuer.crl_number}


def _invalid_since(ctx: EffectContext, reason: str, row: Certificate) -> datetime | None:
    """For a lost or exposed key: from the day the holder gives (Vietnam midnight), else from the report."""
    if reason != "key_compromise":
        return None
    moment = ctx.case.started_at
    text = ctx.data.get("compromised_since")
    if text:
        moment = datetime.combine(date.fromisoformat(str(text)[:10]), time(0, 0), tzinfo=VIETNAM)
    moment = max(moment.astimezone(timezone.utc), row.not_before)
    return min(moment, ctx.uow.now)


def _iso(moment: datetime | None) -> str | None:
    from engine.views import _iso as iso
    return iso(moment)


EFFECTS: dict[str, Effect] = {effect.name: effect for effect in (
    Effect("certificate.request", request_key, needs_pin=True),
    Effect("certificate.issue", issue),
    Effect("certificate.activate", activate, needs_pin=True, prepare=prepare_activation),
    Effect("certificate.revoke", revoke),
)}


def effect(name: str) -> Effect:
    """:raises InvalidInput: no such effect (a definition names one this engine does not have)."""
    try:
        return EFFECTS[name]
    except KeyError:
        raise InvalidInput("effect.unknown", effect=name) from None
