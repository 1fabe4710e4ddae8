"""Settings of a quytrinh installation, read once from ``QUYTRINH_*`` environment variables.

The engine never reads ``os.environ`` anywhere else: the CLI and the web app call
:meth:`Settings.from_env` and pass the result down; tests build their own ``Settings``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from engine.errors import ConfigurationError


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL. SQLite by default (zero set-up); ``postgresql+psycopg://...`` for several workers.
    database_url: str = field(default="", metadata={"env": "QUYTRINH_DATABASE_URL"})
    #: Directory for the SQLite file, uploads and generated documents.
    data_dir: str = field(default="instance", metadata={"env": "QUYTRINH_DATA_DIR"})
    #: Demo mode: demo organisation and users may be loaded, secrets may be generated on the fly.
    demo: bool = field(default=True, metadata={"env": "QUYTRINH_DEMO", "type": _bool})
    #: Flask session signing key; required unless demo mode.
    secret_key: str | None = field(default=None, metadata={"env": "QUYTRINH_SECRET_KEY"})
    #: Password given to every demo user by ``quytrinh demo load``; no default outside demo data.
    demo_password: str | None = field(default=None, metadata={"env": "QUYTRINH_DEMO_PASSWORD"})
    #: PIN protecting the demo users' signing keys at ``demo load`` time.
    demo_pin: str | None = field(default=None, metadata={"env": "QUYTRINH_DEMO_PIN"})
    #: Passphrase encrypting the certificate authority's keys at rest.
    ca_passphrase: str | None = field(default=None, metadata={"env": "QUYTRINH_CA_PASSPHRASE"})
    #: PKCS#11 module of the signing tokens (the only library loaded: users name a token, never a module).
    pkcs11_module: str = field(default="/usr/lib/softhsm/libsofthsm2.so", metadata={"env": "QUYTRINH_PKCS11_MODULE"})
    #: Validity of a user certificate issued by the internal CA, in days.
    certificate_days: int = field(default=730, metadata={"env": "QUYTRINH_CERTIFICATE_DAYS", "type": int})
    #: Wall-clock budget of one script or expression evaluation, in milliseconds.
    script_timeout_ms: int = field(default=1000, metadata={"env": "QUYTRINH_SCRIPT_TIMEOUT_MS", "type": int})
    #: Seconds between two polls of the timer worker.
    worker_interval_s: float = field(default=5.0, metadata={"env": "QUYTRINH_WORKER_INTERVAL", "type": float})
    #: Largest accepted upload, in bytes.
    max_upload_bytes: int = field(default=20 * 1024 * 1024, metadata={"env": "QUYTRINH_MAX_UPLOAD_BYTES", "type": int})
    #: Send the session cookie over HTTPS only. Unset: on, except in demo mode (plain http on 127.0.0.1).
    secure_cookies: bool | None = field(default=None, metadata={"env": "QUYTRINH_SECURE_COOKIES", "type": _bool})
    #: Failed logins (per username, and per client address) that lock further attempts for a while.
    login_max_failures: int = field(default=5, metadata={"env": "QUYTRINH_LOGIN_MAX_FAILURES", "type": int})
    #: How long, in seconds, failed logins are counted and a locked login stays locked.
    login_lockout_s: int = field(default=300, metadata={"env": "QUYTRINH_LOGIN_LOCKOUT_S", "type": int})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from ``QUYTRINH_*`` variables; unknown variables are ignored."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            name = f.metadata["env"]
            if name in environ:
                convert = f.metadata.get("type", str)
                try:
                    values[f.name] = convert(environ[name])
                except ValueError as exc:
                    raise ConfigurationError("config.invalid", variable=name, value=environ[name]) from exc
            file_name = name + "_FILE"
            if file_name in environ and f.name not in values:
                values[f.name] = Path(environ[file_name]).read_text(encoding="utf-8").strip()
        values.update(overrides)
        return cls(**values)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        path = Path(self.data_dir).absolute() / "quytrinh.sqlite3"
        return f"sqlite:///{path}"

    def require_secret(self, name: str) -> str:
        """Return a secret setting, refusing to start without it outside demo mode."""
        value = getattr(self, name)
        if value:
            return value
        raise ConfigurationError("config.missing_secret", variable=_env_name(name))


def _env_name(attribute: str) -> str:
    for f in fields(Settings):
        if f.name == attribute:
            return f.metadata["env"]
    raise KeyError(attribute)


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, description) rows for the README, generated from the dataclass."""
    import inspect

    source = inspect.getsource(Settings).splitlines()
    rows = []
    comment: list[str] = []
    for line in source:
        stripped = line.strip()
        if stripped.startswith("#:"):
            comment.append(stripped[2:].strip())
            continue
        for f in fields(Settings):
            if stripped.startswith(f"{f.name}:"):
                rows.append((f.metadata["env"], repr(f.default), " ".join(comment)))
        comment = [] if not stripped.startswith("#:") else comment
    return rows
