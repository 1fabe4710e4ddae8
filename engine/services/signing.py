"""Signing: which certificate signs a step, opening its key, the decision that is signed, the engine's signer.

A clerk's key is opened *before* the step's transaction: a wrong PIN is counted in a transaction of its
own (``pin_counters``), so the step rolling back cannot reset the counter, and the step never holds the
database while a PIN is checked. The signer returned implements ``signatures.signer.Signer``: a key
sealed under the PIN (:class:`~signatures.signer.SoftwareSigner`) or a PKCS#11 token
(:class:`~signatures.pkcs11_signer.Pkcs11Signer`); the engine signs through that one interface.
docs/signatures.md describes the signed content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.errors import NotFound, SignatureError
from engine.models import Authority, Certificate, PinCounter, SigningKey, Unit
from engine.services import certificates
from engine.uow import UnitOfWork
from engine.views import Actor
from signatures import errors as signature_errors
from signatures import keys, sealing
from signatures.pin import PinPolicy
from signatures.signer import Signer, SoftwareSigner

#: The ``format`` of the signed decision; a verifier refuses any other.
DECISION_FORMAT = "quytrinh-decision/1"


@dataclass(frozen=True)
class SigningSession:
    """A signer opened for one step, with who it is and which certificate it uses."""

    signer: Signer
    certificate_id: int
    serial: str
    username: str
    full_name: str
    position: str | None
    unit: str | None
    storage: str

    def sign(self, content: bytes, at: datetime) -> bytes:
        """A detached CMS signature over ``content`` dated ``at``. :raises SignatureError: refused."""
        try:
            return self.signer.sign_detached(content, at)
        except signature_errors.SignatureError as exc:
            raise SignatureError(exc.code, **exc.params) from None


# Choosing the certificate -------------------------------------------------------------------------

def choose_certificate(uow: UnitOfWork, *, user_id: int, unit_id: int | None, at: datetime) -> Certificate:
    """The user's newest active certificate for ``unit_id`` (any unit when None), usable at ``at``.

    :raises SignatureError: ``signature.no_certificate``, ``signature.certificate_other_unit``,
        ``signature.certificate_revoked``, ``signature.certificate_expired``,
        ``signature.certificate_not_yet_valid`` or ``signature.certificate_not_activated`` for the
        newest certificate of that unit, so the clerk is told why they cannot sign.
    """
    rows = uow.session.scalars(select(Certificate).where(Certificate.user_id == user_id, Certificate.kind == "user")
                               .order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
    same_unit = [r for r in rows if unit_id is None or r.unit_id == unit_id]
    for row in same_unit:
        if certificates.state_of(row, at) == "active":
            return row
    if not rows:
        raise SignatureError("signature.no_certificate")
    elsewhere = [r for r in rows if certificates.state_of(r, at) == "active"]
    if not same_unit or elsewhere:
        # A certificate that works, but for another unit, is the most useful thing to tell.
        other_row = (elsewhere or rows)[0]
        unit = uow.session.get(Unit, unit_id)
        other = uow.session.get(Unit, other_row.unit_id) if other_row.unit_id else None
        raise SignatureError("signature.certificate_other_unit", serial=other_row.serial,
                             certificate_unit=other.name if other else "—", unit=unit.name if unit else "—")
    return _refuse(same_unit[0], at)


def _refuse(row: Certificate, at: datetime):
    state = certificates.state_of(row, at)
    from engine.views import _iso
    if state == "revoked":
        raise SignatureError("signature.certificate_revoked", serial=row.serial, revoked_at=_iso(row.revoked_at),
                             reason=row.revocation_reason or "unspecified")
    if state == "expired":
        raise SignatureError("signature.certificate_expired", serial=row.serial, not_after=_iso(row.not_after))
    if state == "not_yet_valid":
        raise SignatureError("signature.certificate_not_yet_valid", serial=row.serial,
                             not_before=_iso(row.not_before))
    raise SignatureError("signature.certificate_not_activated", serial=row.serial)


def ensure_still_usable(uow: UnitOfWork, session: SigningSession) -> None:
    """Re-read the certificate inside the step's transaction: a revocation committed meanwhile wins."""
    row = uow.session.get(Certificate, session.certificate_id, populate_existing=True)
    if row is None or certificates.state_of(row, uow.now) != "active":
        _refuse(row, uow.now)


def chain_of(uow: UnitOfWork, row: Certificate) -> list[x509.Certificate]:
    issuer = uow.session.get(Authority, row.authority_id)
    return [x509.load_pem_x509_certificate(issuer.certificate_pem.encode("ascii"))]


# Opening keys ------------------------------------------------------------------------------------

def open_signer(uow: UnitOfWork, *, actor: Actor, unit_id: int | None, pin: str, role: str | None = None
                ) -> SigningSession:
    """Choose the actor's certificate for a step in ``unit_id`` and open its key with ``pin``.

    A software key is opened here (a wrong PIN is counted and committed at once); a token's PIN is
    checked by the token when it signs.

    :raises SignatureError: no usable certificate, a PIN of no possible length (``signature.pin_malformed``,
        not counted), wrong PIN (``signature.wrong_pin`` with the tries ``remaining``), key locked
        (``signature.pin_locked``), token unavailable.
    """
    policy = PinPolicy()
    if not policy.could_be_a_pin(pin):
        raise SignatureError("signature.pin_malformed", min_length=policy.min_length, max_length=policy.max_length)
    with uow.reader() as reader:
        row = choose_certificate(reader, user_id=actor.user_id, unit_id=unit_id, at=reader.now)
        key = reader.session.get(SigningKey, row.key_id)
        certificate = certificates.certificate_of(row)
        chain = chain_of(reader, row)
        unit = reader.session.get(Unit, row.unit_id) if row.unit_id else None
        position = certificates.position_in(reader, actor.user_id, unit_id, role=role) or row.position
        facts = dict(certificate_id=row.id, serial=row.serial, username=actor.username, full_name=actor.full_name,
                     position=position, unit=unit.code if unit else None, storage=key.storage)
        storage, key_id, token_label, key_label = key.storage, key.id, key.token_label, key.key_label
    if storage == "software":
        private_key = unlock_key(uow, key_id, pin)
        try:
            signer: Signer = SoftwareSigner(private_key, certificate, chain)
        except signature_errors.SignatureError as exc:
            raise SignatureError(exc.code, **exc.params) from None
    elif storage == "pkcs11":
        from signatures.pkcs11_signer import Pkcs11Signer, TokenKey
        signer = Pkcs11Signer(TokenKey(module_path=uow.settings.pkcs11_module, token_label=token_label,
                                       key_label=key_label), pin, certificate, chain)
    else:
        raise SignatureError("signature.key_store_invalid", reason=storage)
    return SigningSession(signer=signer, **facts)


def unlock_key(uow: UnitOfWork, key_id: int, pin: str) -> rsa.RSAPrivateKey:
    """Open a software key with ``pin`` in a transaction of its own that records the outcome: a wrong PIN
    raises the counter (five lock the key, signatures/pin.py), the right one resets it.

    :raises SignatureError: ``signature.wrong_pin``, ``signature.pin_locked``, ``signature.key_store_invalid``.
    """
    with uow:
        key = uow.session.get(SigningKey, key_id)
        if key is None or key.storage != "software" or not key.sealed_key:
            raise SignatureError("signature.key_store_invalid", reason="not_a_software_key")
        counter = _locked_counter(uow, key_id)
        try:
            unlocked = keys.unlock_user_key(key.sealed_key.encode("ascii"), pin or "",
                                            failed_attempts=counter.failed_attempts)
        except signature_errors.WrongPin as exc:
            counter.failed_attempts = int(exc.params.get("failed_attempts", counter.failed_attempts))
            counter.last_failure_at = counter.updated_at = uow.now
            uow.commit()
            raise SignatureError(exc.code, **exc.params) from None
        except signature_errors.SignatureError as exc:
            raise SignatureError(exc.code, **exc.params) from None
        if counter.failed_attempts:
            counter.failed_attempts = unlocked.failed_attempts
            counter.updated_at = uow.now
            uow.commit()
        return unlocked.private_key


def _locked_counter(uow: UnitOfWork, key_id: int) -> PinCounter:
    insert = pg_insert if uow.is_postgresql else sqlite_insert
    uow.session.execute(insert(PinCounter).values(key_id=key_id, failed_attempts=0, updated_at=uow.now)
                        .on_conflict_do_nothing(index_elements=["key_id"]))
    query = select(PinCounter).where(PinCounter.key_id == key_id)
    if uow.is_postgresql:
        query = query.with_for_update()
    return uow.session.scalars(query.execution_options(populate_existing=True)).one()


def reset_pin_counter(uow: UnitOfWork, *, serial: str) -> None:
    """Unlock a key locked by wrong PINs (an administrator, after checking the holder's identity)."""
    with uow:
        row = certificates.find_certificate(uow, serial)
        counter = uow.session.get(PinCounter, row.key_id)
        if counter is not None:
            counter.failed_attempts = 0
            counter.updated_at = uow.now
        uow.commit()


# The engine's own signer ------------------------------------------------------------------------

def system_signer(uow: UnitOfWork) -> SoftwareSigner:
    """The engine's signer (system certificate, key sealed under ``QUYTRINH_CA_PASSPHRASE``): organisation
    seals on documents, signed journal checkpoints. Reads in the caller's unit of work.

    :raises NotFound: no CA yet. :raises ConfigurationError: no passphrase. :raises SignatureError: wrong one.
    """
    row = uow.session.scalars(select(Certificate).where(Certificate.kind == "system", Certificate.revoked_at.is_(None))
                              .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound("ca.not_initialised")
    key = uow.session.get(SigningKey, row.key_id)
    der = sealing.unseal(key.sealed_key.encode("ascii"), certificates.passphrase(uow),
                         purpose=certificates.SYSTEM_KEY_PURPOSE)
    if der is None:
        raise SignatureError("signature.ca_passphrase_invalid")
    private_key = serialization.load_der_private_key(der, password=None)
    return SoftwareSigner(private_key, certificates.certificate_of(row), chain_of(uow, row))


def system_serial(uow: UnitOfWork) -> str:
    row = uow.session.scalars(select(Certificate.serial).where(Certificate.kind == "system",
                                                               Certificate.revoked_at.is_(None))
                              .order_by(Certificate.issued_at.desc()).limit(1)).first()
    if row is None:
        raise NotFound("ca.not_initialised")
    return row


# What a clerk sees before signing -----------------------------------------------------------------

def signing_certificate(uow: UnitOfWork, *, actor: Actor, unit_id: int | None):
    """The certificate a step would be signed with, or the error that keeps the actor from signing."""
    with uow.reader() as reader:
        try:
            serial = choose_certificate(reader, user_id=actor.user_id, unit_id=unit_id, at=reader.now).serial
        except SignatureError as exc:
            return None, exc
    views = [v for v in certificates.list_certificates(uow, user_id=actor.user_id) if v.serial == serial]
    return (views[0] if views else None), None
