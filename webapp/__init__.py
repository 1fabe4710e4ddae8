"""The Flask web application: app factory, blueprints, templates (Vietnamese first)."""

from webapp.app import create_app

__all__ = ["create_app"]
