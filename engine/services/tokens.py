"""Personal API tokens: created on a page, shown once, stored as their sha256, revocable.

Tokens are 256 random bits, so a fast hash is enough (a slow password hash protects low-entropy
secrets only); looking a token up is one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.models import ApiToken, User
from engine.services import organisation
from engine.uow import UnitOfWork
from engine.views import Actor

PREFIX = "qt_"


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(uow: UnitOfWork, *, actor: Actor, name: str) -> tuple[TokenView, str]:
    """Create a token for the actor; returns its view and the token itself (never stored, shown once)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("token.invalid_name")
    token = PREFIX + secrets.token_urlsafe(32)
    with uow:
        row = ApiToken(user_id=actor.user_id, name=name, token_hash=_digest(token), prefix=token[:10],
                       created_at=uow.now, revoked_at=None)
        uow.session.add(row)
        uow.session.flush()
        view = _view(row)
        uow.commit()
    return view, token


def list_tokens(uow: UnitOfWork, *, actor: Actor) -> list[TokenView]:
    with uow.reader() as reader:
        rows = reader.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id)
                                      .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
        return [_view(r) for r in rows]


def revoke_token(uow: UnitOfWork, *, actor: Actor, token_id: int) -> None:
    """Revoke one of the actor's own tokens (someone else's token is "not found")."""
    with uow:
        row = uow.session.get(ApiToken, token_id)
        if row is None or row.user_id != actor.user_id:
            raise NotFound("token.not_found")
        if row.revoked_at is None:
            row.revoked_at = uow.now
        uow.commit()


def actor_for_token(uow: UnitOfWork, token: str) -> Actor:
    """The active user a token belongs to. :raises NotAllowed: unknown, revoked, or the user is inactive."""
    if not token or not token.startswith(PREFIX) or len(token) > 100:
        raise NotAllowed("auth.invalid_token")
    with uow.reader() as reader:
        row = reader.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if row is None or row.revoked_at is not None:
            raise NotAllowed("auth.invalid_token")
        user = reader.session.get(User, row.user_id)
        if user is None or not user.active:
            raise NotAllowed("auth.invalid_token")
        return organisation.actor_for(reader, user.username)


def _view(row: ApiToken) -> TokenView:
    return TokenView(id=row.id, name=row.name, prefix=row.prefix, created_at=row.created_at,
                     revoked_at=row.revoked_at)
