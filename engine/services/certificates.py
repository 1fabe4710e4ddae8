"""The organisation's certificate authority, persisted: root and issuing CA, certificates, revocations, CRL.

The cryptography lives in ``signatures/`` (pure); this module stores what it returns and decides with
the unit of work's clock. CA keys and the engine's own key are sealed under ``QUYTRINH_CA_PASSPHRASE``
and opened only inside one call; users' keys are sealed under their PIN (``engine/services/signing.py``).
Issuing and revoking run inside the step of a P11 case (``engine/services/effects.py``) or at
``demo load``; docs/signatures.md describes the design.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from engine.errors import ConfigurationError, InvalidInput, NotFound, SignatureError
from engine.models import Authority, Certificate, RoleAssignment, SigningKey, Unit, User
from engine.services.organisation import ancestors
from engine.uow import UnitOfWork
from signatures import ca, keys, revocation, sealing
from signatures import errors as signature_errors
from signatures.subject import SubjectInfo

CA_ORGANIZATION = "Đảng Cộng sản Việt Nam"
ROOT_NAME = "CA gốc nội bộ quytrinh"
ISSUING_NAME = "CA cấp phát nội bộ quytrinh"
SYSTEM_NAME = "Hệ thống quytrinh"
ROOT_YEARS, ISSUING_YEARS, SYSTEM_YEARS = 20, 10, 5
SYSTEM_KEY_PURPOSE = "system-signing-key"
CRL_VALIDITY = timedelta(days=7)
#: Reasons a holder or an office may give (RFC 5280 CRLReason, signatures/revocation.py).
REASONS = tuple(r.value for r in revocation.RevocationReason)


# Reading the CA --------------------------------------------------------------------------------

def passphrase(uow: UnitOfWork) -> str:
    """``QUYTRINH_CA_PASSPHRASE``: there is no built-in value, in demo mode either (scripts/run.sh sets one).

    :raises ConfigurationError: not set.
    """
    value = uow.settings.ca_passphrase
    if not value:
        raise ConfigurationError("config.missing_secret", variable="QUYTRINH_CA_PASSPHRASE")
    return value


def authority(uow: UnitOfWork, role: str) -> Authority:
    """The active ``root`` or ``issuing`` CA row.

    :raises NotFound: the CA was never created (``quytrinh demo load`` creates it).
    """
    row = uow.session.scalars(select(Authority).where(Authority.role == role, Authority.active.is_(True))
                              .order_by(Authority.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound("ca.not_initialised")
    return row


def has_authority(uow: UnitOfWork) -> bool:
    return uow.session.scalar(select(Authority.id).where(Authority.active.is_(True)).limit(1)) is not None


def as_signatures_ca(row: Authority) -> ca.CertificateAuthority:
    return ca.CertificateAuthority(certificate_pem=row.certificate_pem.encode("ascii"),
                                   sealed_key=row.sealed_key.encode("ascii"))


def trust_root(uow: UnitOfWork) -> x509.Certificate:
    return x509.load_pem_x509_certificate(authority(uow, "root").certificate_pem.encode("ascii"))


def issuing_certificate(uow: UnitOfWork) -> x509.Certificate:
    return x509.load_pem_x509_certificate(authority(uow, "issuing").certificate_pem.encode("ascii"))


def revocations(uow: UnitOfWork) -> list[revocation.Revocation]:
    """Every revocation the issuing CA recorded (the CRL's content)."""
    rows = uow.session.execute(select(Certificate.serial, Certificate.revoked_at, Certificate.revocation_reason,
                                      Certificate.invalid_since).where(Certificate.revoked_at.is_not(None))).all()
    return [revocation.Revocation(serial=int(serial, 16), revoked_at=revoked_at,
                                  reason=revocation.RevocationReason(reason or "unspecified"),
                                  invalid_since=invalid_since)
            for serial, revoked_at, reason, invalid_since in rows]


def certificate_of(row: Certificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(row.certificate_pem.encode("ascii"))


def serial_hex(serial: int) -> str:
    text = f"{serial:X}"
    return text if len(text) % 2 == 0 else "0" + text


def der_sha256(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def spki_sha256(public_key) -> str:
    return hashlib.sha256(public_key.public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()


def public_pem(public_key) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def load_public_key(row: SigningKey) -> rsa.RSAPublicKey:
    return serialization.load_pem_public_key(row.public_key_pem.encode("ascii"))


# Creating the CA -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaMaterial:
    """What creating the CA produced, as plain values (the demo loader keeps it to reload fast)."""

    root: ca.CertificateAuthority
    issuing: ca.CertificateAuthority
    system_key_sealed: bytes
    system_public_pem: str
    system_certificate: ca.IssuedCertificate


def make_ca(*, secret: str, now: datetime) -> CaMaterial:
    """Create the root CA, the issuing CA and the engine's own certificate (all keys sealed under ``secret``)."""
    root = ca.create_root_ca(subject=SubjectInfo(ROOT_NAME, CA_ORGANIZATION), passphrase=secret, now=now,
                             not_after=_years(now, ROOT_YEARS))
    issuing = ca.create_issuing_ca(root, root_passphrase=secret, subject=SubjectInfo(ISSUING_NAME, CA_ORGANIZATION),
                                   passphrase=secret, now=now, not_after=_years(now, ISSUING_YEARS))
    system_key = keys.generate_user_key(3072)
    der = system_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    certificate = ca.issue_user_certificate(
        issuing, passphrase=secret, public_key=system_key.public_key(),
        subject=SubjectInfo(SYSTEM_NAME, CA_ORGANIZATION, unit="Con dấu số của tổ chức"),
        not_before=now, not_after=_years(now, SYSTEM_YEARS))
    sealed = sealing.seal(der, secret, purpose=SYSTEM_KEY_PURPOSE)
    return CaMaterial(root=root, issuing=issuing, system_key_sealed=sealed,
                      system_public_pem=public_pem(system_key.public_key()), system_certificate=certificate)


def store_ca(uow: UnitOfWork, material: CaMaterial) -> None:
    """Write a created CA (root, issuing, the engine's certificate) and publish an empty CRL."""
    rows = {}
    for role, authority_ in (("root", material.root), ("issuing", material.issuing)):
        certificate = authority_.certificate()
        row = Authority(role=role, subject=certificate.subject.rfc4514_string()[:255],
                        certificate_pem=authority_.certificate_pem.decode("ascii"),
                        sealed_key=authority_.sealed_key.decode("ascii"), sha256=der_sha256(certificate),
                        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc,
                        created_at=uow.now, active=True, crl_number=0)
        uow.session.add(row)
        rows[role] = row
    uow.session.flush()
    public_key = serialization.load_pem_public_key(material.system_public_pem.encode("ascii"))
    key = SigningKey(user_id=None, storage="system", sealed_key=material.system_key_sealed.decode("ascii"),
                     public_key_pem=material.system_public_pem, public_key_sha256=spki_sha256(public_key),
                     created_at=uow.now)
    uow.session.add(key)
    uow.session.flush()
    store_certificate(uow, material.system_certificate, kind="system", user=None, key=key, issuer=rows["issuing"],
                       subject_name=SYSTEM_NAME, unit=None, position=None, issued_by="system", case_id=None,
                       activated=True)


def create_ca(uow: UnitOfWork) -> None:
    """Create the CA once (in the caller's transaction); a second call does nothing."""
    if has_authority(uow):
        return
    store_ca(uow, make_ca(secret=passphrase(uow), now=uow.now))
    publish_crl(uow)


def _years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:                                   # 29 February
        return moment.replace(year=moment.year + years, day=28)


# Keys ------------------------------------------------------------------------------------------

def create_software_key(uow: UnitOfWork, *, user: User, pin: str, case_id: int | None = None) -> SigningKey:
    """Generate a key pair for ``user`` and store it sealed under ``pin`` (never in clear).

    :raises SignatureError: ``signature.pin_weak`` (the PIN breaks the policy).
    """
    private_key = keys.generate_user_key()
    try:
        sealed = keys.seal_user_key(private_key, pin)
    except signature_errors.SignatureError as exc:
        raise SignatureError(exc.code, **exc.params) from None
    return store_software_key(uow, user=user, sealed=sealed, public_key=private_key.public_key(), case_id=case_id)


def store_software_key(uow: UnitOfWork, *, user: User, sealed: bytes, public_key: rsa.RSAPublicKey,
                       case_id: int | None = None) -> SigningKey:
    """Record a key already sealed under its holder's PIN (``signatures.keys.seal_user_key``)."""
    row = SigningKey(user_id=user.id, storage="software", sealed_key=sealed.decode("ascii"),
                     public_key_pem=public_pem(public_key), public_key_sha256=spki_sha256(public_key),
                     case_id=case_id, created_at=uow.now)
    uow.session.add(row)
    uow.session.flush()
    return row


def register_token_key(uow: UnitOfWork, *, user: User, token_label: str, key_label: str, pin: str,
                       generate: bool, case_id: int | None = None) -> SigningKey:
    """Record a key pair held on a PKCS#11 token (``QUYTRINH_PKCS11_MODULE``): generate it there, or read
    the public half of one already on it. Only the labels and the public key are stored.

    :raises SignatureError: the token is missing, refuses the PIN or has no such key.
    """
    from signatures import pkcs11_signer
    token_key = pkcs11_signer.TokenKey(module_path=uow.settings.pkcs11_module, token_label=token_label,
                                       key_label=key_label)
    try:
        public_key = (pkcs11_signer.generate_token_key(token_key, pin) if generate
                      else pkcs11_signer.token_public_key(token_key, pin))
    except signature_errors.SignatureError as exc:
        raise SignatureError(exc.code, **exc.params) from None
    row = SigningKey(user_id=user.id, storage="pkcs11", sealed_key=None, token_label=token_label,
                     key_label=key_label, public_key_pem=public_pem(public_key),
                     public_key_sha256=spki_sha256(public_key), case_id=case_id, created_at=uow.now)
    uow.session.add(row)
    uow.session.flush()
    return row


# Issuing -------------------------------------------------------------------------------------

def subject_for(uow: UnitOfWork, *, user: User, unit: Unit | None, position: str | None) -> SubjectInfo:
    """CN = the person, O = the province-level party organisation above the unit, OU = the unit, title = position."""
    organisation = ""
    if unit is not None:
        chain = ancestors(unit)
        province = next((u for u in chain if u.level == "province"), None)
        organisation = (province or chain[-1]).name
    return SubjectInfo(full_name=user.full_name, organization=organisation or CA_ORGANIZATION,
                       unit=unit.name if unit else "", title=position or "")


def position_in(uow: UnitOfWork, user_id: int, unit_id: int | None, *, at: datetime | None = None,
                role: str | None = None) -> str | None:
    """The position (chức vụ) the user holds in a unit at ``at`` (now by default), from the role assignment."""
    if unit_id is None:
        return None
    at = at or uow.now
    query = select(RoleAssignment.position).where(
        RoleAssignment.user_id == user_id, RoleAssignment.unit_id == unit_id, RoleAssignment.valid_from <= at,
        (RoleAssignment.valid_to.is_(None)) | (RoleAssignment.valid_to > at), RoleAssignment.position.is_not(None))
    if role:
        preferred = uow.session.scalar(query.where(RoleAssignment.role == role).order_by(RoleAssignment.id).limit(1))
        if preferred:
            return preferred
    return uow.session.scalar(query.order_by(RoleAssignment.id).limit(1))


def issue_certificate(uow: UnitOfWork, *, key: SigningKey, user: User, unit: Unit | None, position: str | None,
                      issued_by: str | None, case_id: int | None = None, activated: bool = False,
                      issuer_key: rsa.RSAPrivateKey | None = None) -> Certificate:
    """Issue a user certificate for ``key`` (name, unit and position in the subject), valid from now for
    ``QUYTRINH_CERTIFICATE_DAYS`` (at most until the issuing CA expires). A certificate from a P11 case
    signs only once its holder activated it.

    :raises ConfigurationError: no CA passphrase. :raises NotFound: no CA.
    """
    issuer = authority(uow, "issuing")
    not_after = min(uow.now + timedelta(days=uow.settings.certificate_days), issuer.not_after)
    try:
        issued = ca.issue_user_certificate(
            as_signatures_ca(issuer), passphrase=passphrase(uow), public_key=load_public_key(key),
            subject=subject_for(uow, user=user, unit=unit, position=position), not_before=uow.now,
            not_after=not_after, issuer_key=issuer_key)
    except signature_errors.SignatureError as exc:
        raise SignatureError(exc.code, **exc.params) from None
    return store_certificate(uow, issued, kind="user", user=user, key=key, issuer=issuer, subject_name=user.full_name,
                              unit=unit, position=position, issued_by=issued_by, case_id=case_id, activated=activated)


def store_certificate(uow: UnitOfWork, issued: ca.IssuedCertificate, *, kind: str, user: User | None,
                       key: SigningKey, issuer: Authority, subject_name: str, unit: Unit | None,
                       position: str | None, issued_by: str | None, case_id: int | None,
                       activated: bool) -> Certificate:
    certificate = issued.certificate()
    row = Certificate(serial=issued.serial_hex, kind=kind, user_id=user.id if user else None, key_id=key.id,
                      authority_id=issuer.id, subject_name=subject_name[:255], unit_id=unit.id if unit else None,
                      position=position, certificate_pem=issued.certificate_pem.decode("ascii"),
                      sha256=der_sha256(certificate), not_before=issued.not_before, not_after=issued.not_after,
                      issued_at=uow.now, issued_by=issued_by, issue_case_id=case_id,
                      activated_at=uow.now if activated else None)
    uow.session.add(row)
    uow.session.flush()
    return row


# Revoking and the CRL --------------------------------------------------------------------------

def revoke_certificate(uow: UnitOfWork, *, certificate: Certificate, reason: str, revoked_by: str | None,
                       invalid_since: datetime | None = None, case_id: int | None = None) -> Certificate:
    """Revoke a certificate now (final) and publish a new CRL in the same transaction.

    Signatures dated before ``min(now, invalid_since)`` stay valid; later ones do not
    (signatures/revocation.py). :raises SignatureError: unknown reason, already revoked, bad time.
    """
    issuer = uow.session.get(Authority, certificate.authority_id)
    try:
        record = revocation.revoke(certificate_of(certificate), issuer=as_signatures_ca(issuer).certificate(),
                                   reason=reason, revoked_at=uow.now, invalid_since=invalid_since,
                                   existing=revocations(uow))
    except signature_errors.SignatureError as exc:
        raise SignatureError(exc.code, **exc.params) from None
    certificate.revoked_at = record.revoked_at
    certificate.revocation_reason = record.reason.value
    certificate.invalid_since = record.invalid_since
    certificate.revoked_by = revoked_by
    certificate.revoke_case_id = case_id
    uow.session.flush()
    publish_crl(uow)
    return certificate


def publish_crl(uow: UnitOfWork) -> Authority:
    """Sign a new CRL of every revocation with the issuing CA (the CRL number grows by one)."""
    issuer = authority(uow, "issuing")
    number = (issuer.crl_number or 0) + 1
    try:
        crl = revocation.build_crl(as_signatures_ca(issuer), passphrase=passphrase(uow), revocations=revocations(uow),
                                   crl_number=number, this_update=uow.now, next_update=uow.now + CRL_VALIDITY)
    except signature_errors.SignatureError as exc:
        raise SignatureError(exc.code, **exc.params) from None
    issuer.crl_number, issuer.crl_der = number, crl.der
    issuer.crl_this_update, issuer.crl_next_update = uow.now.replace(microsecond=0), (uow.now + CRL_VALIDITY).replace(
        microsecond=0)
    uow.session.flush()
    return issuer


def current_crl(uow: UnitOfWork) -> bytes:
    """The published CRL (DER); a new one is signed when the last one is past its next update."""
    with uow.reader() as reader:
        issuer = authority(reader, "issuing")
        if issuer.crl_der and issuer.crl_next_update and issuer.crl_next_update > reader.now:
            return issuer.crl_der
    with uow:
        der = publish_crl(uow).crl_der
        uow.commit()
        return der


# Views ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateView:
    serial: str
    kind: str
    holder: str | None
    holder_name: str
    unit: str | None
    unit_name: str | None
    position: str | None
    not_before: datetime
    not_after: datetime
    issued_at: datetime
    issued_by: str | None
    activated_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str | None
    invalid_since: datetime | None
    storage: str
    sha256: str
    state: str            # active | pending | revoked | expired | not_yet_valid
    pin_locked: bool = False

    def as_json(self) -> dict:
        from engine.views import _iso
        return {"serial": self.serial, "kind": self.kind, "holder": self.holder, "name": self.holder_name,
                "unit": self.unit, "position": self.position, "not_before": _iso(self.not_before),
                "not_after": _iso(self.not_after), "state": self.state, "revoked_at": _iso(self.revoked_at),
                "reason": self.revocation_reason, "invalid_since": _iso(self.invalid_since),
                "storage": self.storage, "sha256": self.sha256}


def state_of(row: Certificate, at: datetime) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if at > row.not_after:
        return "expired"
    if at < row.not_before:
        return "not_yet_valid"
    if row.activated_at is None:
        return "pending"
    return "active"


def list_certificates(uow: UnitOfWork, *, user_id: int | None = None, kind: str | None = None) -> list[CertificateView]:
    """Certificates, newest first (one query), optionally of one holder or one kind."""
    from engine.models import PinCounter
    from signatures.pin import PinPolicy
    with uow.reader() as reader:
        query = (select(Certificate, User.username, Unit.code, Unit.name, SigningKey.storage,
                        PinCounter.failed_attempts)
                 .outerjoin(User, Certificate.user_id == User.id).outerjoin(Unit, Certificate.unit_id == Unit.id)
                 .join(SigningKey, Certificate.key_id == SigningKey.id)
                 .outerjoin(PinCounter, PinCounter.key_id == SigningKey.id))
        if user_id is not None:
            query = query.where(Certificate.user_id == user_id)
        if kind is not None:
            query = query.where(Certificate.kind == kind)
        rows = reader.session.execute(query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())).all()
        policy = PinPolicy()
        return [CertificateView(serial=c.serial, kind=c.kind, holder=username, holder_name=c.subject_name, unit=code,
                                unit_name=unit_name, position=c.position, not_before=c.not_before,
                                not_after=c.not_after, issued_at=c.issued_at, issued_by=c.issued_by,
                                activated_at=c.activated_at, revoked_at=c.revoked_at,
                                revocation_reason=c.revocation_reason, invalid_since=c.invalid_since,
                                storage=storage, sha256=c.sha256, state=state_of(c, reader.now),
                                pin_locked=policy.is_locked(failed or 0))
                for c, username, code, unit_name, storage, failed in rows]


def certificate_pem(uow: UnitOfWork, serial: str) -> str:
    """A certificate (public) by serial. :raises NotFound: unknown serial."""
    with uow.reader() as reader:
        pem = reader.session.scalar(select(Certificate.certificate_pem).where(Certificate.serial == serial.upper()))
        if pem is None:
            raise NotFound("certificate.not_found", serial=serial)
        return pem


def certificate_status(uow: UnitOfWork, serial: str) -> dict:
    """What ``/ca/status/<serial>`` publishes (a plain OCSP-like answer): good, revoked, expired, unknown."""
    from engine.views import _iso
    with uow.reader() as reader:
        row = reader.session.scalar(select(Certificate).where(Certificate.serial == serial.strip().upper()))
        if row is None:
            return {"serial": serial, "status": "unknown"}
        state = state_of(row, reader.now)
        status = {"active": "good", "pending": "good"}.get(state, state)
        return {"serial": row.serial, "status": status, "not_before": _iso(row.not_before),
                "not_after": _iso(row.not_after), "revoked_at": _iso(row.revoked_at),
                "reason": row.revocation_reason, "invalid_since": _iso(row.invalid_since),
                "checked_at": _iso(reader.now)}


@dataclass(frozen=True)
class AuthorityView:
    role: str
    subject: str
    sha256: str
    not_before: datetime
    not_after: datetime
    crl_number: int
    crl_this_update: datetime | None
    crl_next_update: datetime | None


def authorities(uow: UnitOfWork) -> list[AuthorityView]:
    with uow.reader() as reader:
        rows = reader.session.scalars(select(Authority).where(Authority.active.is_(True)).order_by(Authority.id)).all()
        return [AuthorityView(role=r.role, subject=r.subject, sha256=r.sha256, not_before=r.not_before,
                              not_after=r.not_after, crl_number=r.crl_number, crl_this_update=r.crl_this_update,
                              crl_next_update=r.crl_next_update) for r in rows]


def authority_pem(uow: UnitOfWork, role: str) -> str:
    with uow.reader() as reader:
        return authority(reader, role).certificate_pem


def find_certificate(uow: UnitOfWork, serial: str) -> Certificate:
    row = uow.session.scalar(select(Certificate).where(Certificate.serial == str(serial).strip().upper()))
    if row is None:
        raise NotFound("certificate.not_found", serial=serial)
    return row


def reason_or_default(value: str | None) -> str:
    if not value:
        return "unspecified"
    if value not in REASONS:
        raise InvalidInput("certificate.invalid_reason", reason=value)
    return value
