"""Per-request access to the engine: a unit of work, the acting user, and small request helpers.

A :class:`~engine.uow.UnitOfWork` is not re-entrant, so each request gets its own (sharing the app's
database engine and clock); views hand it to one engine service per state change.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from engine.uow import UnitOfWork
from engine.views import Actor

#: The largest key a URL may name (PostgreSQL ``integer``); page numbers are capped there too.
KEY_MAX = 2**31 - 1


def uow() -> UnitOfWork:
    if "quytrinh_uow" not in g:
        state = current_app.extensions["quytrinh"]
        g.quytrinh_uow = UnitOfWork(state.settings, clock=state.clock, engine=state.engine)
    return g.quytrinh_uow


def current_actor() -> Actor:
    if not current_user.is_authenticated:
        raise Unauthorized()
    return current_user.actor


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_json() -> bool:
    return request.path.startswith("/api/")


def safe_next(target: str | None, default: str) -> str:
    """A local path to go back to after a POST; anything pointing elsewhere becomes ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def int_arg(name: str, default: int) -> int:
    """A positive whole number from the query string (a page number): anything else is ``default``, and
    a number beyond any database key is brought down to the largest one."""
    try:
        return min(max(int(request.args.get(name, default)), 1), KEY_MAX)
    except (TypeError, ValueError):
        return default
