"""Run the app under gunicorn from ``quytrinh serve`` (no separate config file to keep in sync)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from engine.settings import Settings


class _Server(BaseApplication):
    def __init__(self, settings: Settings, options: dict) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from webapp import create_app
        return create_app(self.settings)


def run(settings: Settings, *, host: str, port: int, workers: int) -> None:
    options = {"bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread", "threads": 8,
               "timeout": 60, "accesslog": "-", "errorlog": "-", "preload_app": False}
    _Server(settings, options).run()
