"""Demo signing material: the CA, and a key and certificate for every demo user who holds a role.

Called by ``engine.demo.load``. Keys are sealed under ``QUYTRINH_DEMO_PIN`` (one PIN for every demo user:
demo data only), certificates are issued and activated directly (a real user goes through P11).
Making the material costs a few seconds of RSA key generation and scrypt; the result is kept in memory
for the process, keyed by passphrase, PIN and time, so reloading the same demo (the PostgreSQL test
fixtures truncate and reload it for every test) only writes rows.

The demo keys are sealed with the lowest scrypt cost the envelope accepts (``DEMO_COST``): their PIN is
published with the demo, so a higher cost would protect nothing and only slow every demo signature.
Keys made through P11 use the default cost (signatures/sealing.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from engine.errors import ConfigurationError
from engine.models import Certificate
from engine.services import certificates, organisation
from engine.uow import UnitOfWork
from signatures import ca, keys, sealing
from signatures import errors as signature_errors


@dataclass(frozen=True)
class _UserMaterial:
    username: str
    unit: str
    position: str | None
    sealed: bytes
    public_pem: str
    issued: ca.IssuedCertificate


DEMO_COST = sealing.ScryptCost(n=2**15)
_CACHE: dict[tuple, tuple[certificates.CaMaterial, tuple[_UserMaterial, ...], tuple | None]] = {}


def load(uow: UnitOfWork, *, people, pin: str) -> int:
    """Create the CA (once) and a certificate for each person of ``people`` (``engine.demo.USERS``) who
    holds a role and has none yet; in the caller's transaction. Returns how many certificates were issued.

    :raises ConfigurationError: no ``QUYTRINH_CA_PASSPHRASE``, or a demo PIN the PIN policy refuses.
    """
    secret = certificates.passphrase(uow)
    holders = [p for p in people if p.roles]
    if certificates.has_authority(uow):
        return _add_missing(uow, holders, pin)
    key = (secret, pin, uow.now, tuple((p.username, p.roles) for p in holders))
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _make(uow, secret, pin, holders)
    material, users, crl = _CACHE[key]
    certificates.store_ca(uow, material)
    issuer = certificates.authority(uow, "issuing")
    for item in users:
        user = organisation.user_by_username(uow, item.username)
        row = certificates.store_software_key(uow, user=user, sealed=item.sealed,
                                              public_key=serialization.load_pem_public_key(item.public_pem.encode()))
        certificates.store_certificate(uow, item.issued, kind="user", user=user, key=row, issuer=issuer,
                                        subject_name=user.full_name, unit=organisation.unit_by_code(uow, item.unit),
                                        position=item.position, issued_by="demo", case_id=None, activated=True)
    if crl is None:
        published = certificates.publish_crl(uow)
        _CACHE[key] = (material, users, (published.crl_number, published.crl_der, published.crl_this_update,
                                         published.crl_next_update))
    else:           # the same empty CRL, already signed for this CA and this time
        issuer.crl_number, issuer.crl_der, issuer.crl_this_update, issuer.crl_next_update = crl
    return len(users)


def _make(uow: UnitOfWork, secret: str, pin: str, holders):
    now, days = uow.now, uow.settings.certificate_days
    material = certificates.make_ca(secret=secret, now=now)
    issuer_key = material.issuing.private_key(secret)
    not_after = min(now + timedelta(days=days), material.issuing.certificate().not_valid_after_utc)
    users = []
    for person in holders:
        _role, unit_code, position = person.roles[0]
        private_key = keys.generate_user_key()
        try:
            sealed = keys.seal_user_key(private_key, pin, cost=DEMO_COST)
        except signature_errors.PinTooWeak:
            raise ConfigurationError("config.invalid", variable="QUYTRINH_DEMO_PIN", value="***") from None
        subject = certificates.subject_for(uow, user=organisation.user_by_username(uow, person.username),
                                           unit=organisation.unit_by_code(uow, unit_code), position=position)
        issued = ca.issue_user_certificate(material.issuing, passphrase=secret, public_key=private_key.public_key(),
                                           subject=subject, not_before=now, not_after=not_after,
                                           issuer_key=issuer_key)
        users.append(_UserMaterial(person.username, unit_code, position, sealed,
                                   certificates.public_pem(private_key.public_key()), issued))
    return material, tuple(users), None


def _add_missing(uow: UnitOfWork, holders, pin: str) -> int:
    issued = 0
    for person in holders:
        user = organisation.user_by_username(uow, person.username)
        if uow.session.scalar(select(Certificate.id).where(Certificate.user_id == user.id).limit(1)) is not None:
            continue
        _role, unit_code, position = person.roles[0]
        key = certificates.create_software_key(uow, user=user, pin=pin)
        certificates.issue_certificate(uow, key=key, user=user, unit=organisation.unit_by_code(uow, unit_code),
                                       position=position, issued_by="demo", activated=True)
        issued += 1
    if issued:
        certificates.publish_crl(uow)
    return issued
