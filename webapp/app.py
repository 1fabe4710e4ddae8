"""Application factory (the Flask tutorial's pattern): configuration from quytrinh's settings.

``create_app(settings)`` wires the engine (one database engine and clock per app; one unit of work
per request), the extensions (Flask-Login, CSRFProtect, Flask-Babel), the error handlers and the
blueprints. Outside demo mode it refuses to start without ``QUYTRINH_SECRET_KEY``.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, request
from flask_login import UserMixin
from werkzeug.routing import IntegerConverter
from sqlalchemy.engine import Engine

from engine.clock import Clock, SystemClock
from engine.db import engine_for
from engine.errors import NotAllowed
from engine.settings import Settings
from webapp.context import KEY_MAX

log = logging.getLogger("quytrinh.web")
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class EngineState:
    """What every request needs to build its unit of work."""

    settings: Settings
    clock: Clock
    engine: Engine


class CurrentUser(UserMixin):
    """Flask-Login's user: the engine's :class:`~engine.views.Actor` (roles held now)."""

    def __init__(self, actor, *, via_token: bool = False) -> None:
        self.actor = actor
        self.via_token = via_token

    def get_id(self) -> str:
        return self.actor.username

    @property
    def username(self) -> str:
        return self.actor.username

    @property
    def full_name(self) -> str:
        return self.actor.full_name

    @property
    def is_admin(self) -> bool:
        return self.actor.is_admin


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.url_map.converters["int"] = KeyConverter
    app.config["QUYTRINH_SETTINGS"] = settings
    app.config.from_mapping(_flask_config(settings))
    app.extensions["quytrinh"] = EngineState(settings=settings, clock=clock or SystemClock(),
                                             engine=engine_for(settings.resolved_database_url))
    _init_extensions(app)
    from webapp import errors, templating
    errors.register(app)
    templating.register(app)
    _register_blueprints(app)
    _register_request_hooks(app)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


class KeyConverter(IntegerConverter):
    """``<int:…>`` in a URL: a number larger than any database key (PostgreSQL ``integer``) matches no
    route, so ``/designer/drafts/99999999999999999999`` is "not found" rather than a database error."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", KEY_MAX)
        super().__init__(map, *args, **kwargs)


def _demo_secret(data_dir: Path) -> str:
    """Demo mode without QUYTRINH_SECRET_KEY: a random key kept in the data directory, so every gunicorn
    worker signs sessions with the same key (a per-worker key logs users out at random)."""
    path = data_dir / "demo-secret-key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    log.warning("demo mode: QUYTRINH_SECRET_KEY is not set; a random session key was written to %s", path)
    return path.read_text(encoding="ascii").strip()


def _flask_config(settings: Settings) -> dict:
    secret = settings.secret_key
    if not secret:
        if not settings.demo:
            settings.require_secret("secret_key")  # raises config.missing_secret
        secret = _demo_secret(Path(settings.data_dir))
    secure = settings.secure_cookies if settings.secure_cookies is not None else not settings.demo
    return {
        "SECRET_KEY": secret,
        "SESSION_COOKIE_NAME": "quytrinh_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # A little room above the file limit for the other fields; the engine checks the file itself.
        "MAX_CONTENT_LENGTH": settings.max_upload_bytes + 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "BABEL_TRANSLATION_DIRECTORIES": str(HERE / "translations"),
        # CSRF is checked in a before_request hook: every request except token-authenticated API calls.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "JSON_SORT_KEYS": False,
    }


def _init_extensions(app: Flask) -> None:
    from webapp.extensions import babel, csrf, login_manager
    from webapp.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(username: str):
        from engine.services import organisation
        from engine.errors import NotFound
        from webapp.context import uow
        try:
            with uow().reader() as reader:
                return CurrentUser(organisation.actor_for(reader, username))
        except NotFound:
            return None  # the user was deactivated: the session ends

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for
        from webapp import messages
        from webapp.errors import render_error
        from webapp.context import wants_json
        if wants_json():
            return render_error(messages.VI["api.unauthorized"], 401, "api.unauthorized")
        flash(messages.VI["auth.login_required"], "info")
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def _register_blueprints(app: Flask) -> None:
    from webapp.admin.views import bp as admin_bp
    from webapp.api.views import bp as api_bp
    from webapp.audit.views import bp as audit_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.cases.views import bp as cases_bp
    from webapp.certificates.views import bp as certificates_bp
    from webapp.designer.views import bp as designer_bp
    from webapp.inbox.views import bp as inbox_bp
    from webapp.notifications.views import bp as notifications_bp
    from webapp.repairs.views import bp as repairs_bp
    from webapp.requests.views import bp as requests_bp

    for blueprint in (auth_bp, inbox_bp, cases_bp, requests_bp, notifications_bp, api_bp, admin_bp, certificates_bp,
                      designer_bp, audit_bp, repairs_bp):
        app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    from webapp.extensions import csrf

    @app.before_request
    def authenticate_token_and_check_csrf():
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/") and header:
            from engine.services import tokens
            from webapp import messages
            from webapp.context import uow
            from webapp.errors import render_error
            scheme, _, token = header.partition(" ")
            try:
                if scheme.lower() != "bearer":
                    raise NotAllowed("auth.invalid_token")
                actor = tokens.actor_for_token(uow(), token.strip())
            except NotAllowed:
                return render_error(messages.VI["auth.invalid_token"], 401, "auth.invalid_token")
            g._login_user = CurrentUser(actor, via_token=True)  # for this request only: no session cookie
            g.token_auth = True
            return None  # token requests carry no cookie, so they need no CSRF token
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            csrf.protect()
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "object-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")
        if response.mimetype == "text/html":
            headers.add("Vary", "HX-Request")
            headers.setdefault("Cache-Control", "no-store")
        return response

    @app.teardown_request
    def forget_uow(_exc):
        g.pop("quytrinh_uow", None)
