"""Password logins throttled in the database, so every web worker sees the same failures.

A login is refused for ``settings.login_lockout_s`` seconds once ``settings.login_max_failures``
failures were counted in that window for the username, or for the client address (guessing many
usernames from one address). A success clears the username's failures, not the address's.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from engine.errors import NotAllowed
from engine.models import LoginAttempt
from engine.services import organisation
from engine.uow import UnitOfWork
from engine.views import Actor

#: Failures older than this many lockout windows are deleted while recording new ones.
_KEEP_WINDOWS = 4


class LoginThrottled(NotAllowed):
    """Too many failed logins for this username or from this address; ``seconds`` until retrying."""

    code = "auth.rate_limited"


def login(uow: UnitOfWork, *, username: str, password: str, address: str) -> Actor:
    """Check a password unless the username or the address is locked; record a failure in one transaction.

    :raises LoginThrottled: too many recent failures (the password is not even checked).
    :raises NotAllowed: ``auth.invalid_credentials``, the same for an unknown user and a wrong password.
    """
    username = (username or "").strip()[:64]
    address = (address or "unknown")[:64]
    settings = uow.settings
    window = timedelta(seconds=settings.login_lockout_s)
    with uow:
        since = uow.now - window
        for column, value in ((LoginAttempt.username, username), (LoginAttempt.address, address)):
            count, newest = uow.session.execute(
                select(func.count(), func.max(LoginAttempt.at)).where(column == value, LoginAttempt.at > since)).one()
            if count >= settings.login_max_failures:
                newest = newest if newest.tzinfo else newest.replace(tzinfo=uow.now.tzinfo)
                wait = int((newest + window - uow.now).total_seconds()) + 1
                raise LoginThrottled(seconds=max(wait, 1))
        try:
            actor = organisation.authenticate(uow, username, password)
        except NotAllowed:
            uow.session.add(LoginAttempt(username=username, address=address, at=uow.now))
            uow.session.execute(delete(LoginAttempt).where(LoginAttempt.at < uow.now - window * _KEEP_WINDOWS))
            uow.commit()
            raise
        uow.session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
        uow.commit()
        return actor
