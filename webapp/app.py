"""Application factory (the Flask tutorial's pattern): configuration from quytrinh's settings."""

from __future__ import annotations

from flask import Flask

from engine.settings import Settings


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["QUYTRINH_SETTINGS"] = settings

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
