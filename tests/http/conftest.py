"""The real app on the test database (tests/conftest.py's ``settings`` and frozen ``clock``), with CSRF on.

``client.post`` here sends the page's CSRF token unless ``csrf=False``; ``login("cell_secretary")``
signs a demo person in (nicknames from tests/people.py).
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.conftest import DEMO_PASSWORD
from tests.people import NICKNAMES
from webapp import create_app

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Client(FlaskClient):
    """A test client that fetches and sends the CSRF token like a browser page would."""

    csrf_token: str | None = None

    def refresh_csrf(self) -> str:
        page = self.get("/login")
        self.csrf_token = _TOKEN.search(page.get_data(as_text=True)).group(1)
        return self.csrf_token

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf and "json" not in kwargs:
            data = kwargs.setdefault("data", {})
            if isinstance(data, dict) and "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token or self.refresh_csrf()
        if csrf and "json" in kwargs:
            headers = kwargs.setdefault("headers", {})
            headers.setdefault("X-CSRFToken", self.csrf_token or self.refresh_csrf())
        return super().post(*args, **kwargs)


@pytest.fixture
def app(settings, clock):
    application = create_app(settings, clock=clock)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=True)
    application.test_client_class = Client
    return application


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def login(app):
    """``login("cell_secretary")`` -> a new client signed in as that demo person."""

    def sign_in(who: str) -> Client:
        client = app.test_client()
        username = NICKNAMES.get(who, who)
        response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        client.csrf_token = None  # the session changed at login: fetch a fresh token on the next post
        client.username = username
        return client

    return sign_in
