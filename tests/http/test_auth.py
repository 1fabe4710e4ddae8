"""Signing in and out, CSRF, session cookie flags, throttling and the secret key rule."""

import pytest

from engine.errors import ConfigurationError
from tests.conftest import DEMO_PASSWORD
from webapp import create_app


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_pages_redirect_to_the_login_page_in_vietnamese(client):
    response = client.get("/inbox")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vui lòng đăng nhập để tiếp tục." in page and "Đăng nhập" in page and 'lang="vi"' in page


def test_a_wrong_password_is_refused_with_a_vietnamese_message(client):
    response = client.post("/login", data={"username": "phamthidung", "password": "sai"})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page and 'value="phamthidung"' in page


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "phamthidung", "password": DEMO_PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in response.get_data(as_text=True)


def test_login_sets_a_hardened_session_cookie_and_logout_ends_it(app, client):
    response = client.post("/login", data={"username": "phamthidung", "password": DEMO_PASSWORD, "next": "/cases"})
    assert response.status_code == 302 and response.headers["Location"] == "/cases"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) == app.config["SESSION_COOKIE_SECURE"]
    assert client.get("/inbox").status_code == 200
    client.csrf_token = None
    assert client.post("/logout").status_code == 302
    assert client.get("/inbox").status_code == 302


def test_logout_needs_a_post_with_csrf(login):
    clerk = login("cell_secretary")
    assert clerk.get("/logout").status_code == 405
    assert clerk.post("/logout", csrf=False).status_code == 400
    assert clerk.get("/inbox").status_code == 200


def test_an_open_redirect_after_login_is_refused(client):
    response = client.post("/login", data={"username": "phamthidung", "password": DEMO_PASSWORD,
                                           "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_five_failures_lock_the_login_even_with_the_right_password(client):
    for _ in range(5):
        assert client.post("/login", data={"username": "phamthidung", "password": "sai"}).status_code == 403
    response = client.post("/login", data={"username": "phamthidung", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau" in response.get_data(as_text=True)


def test_the_secret_key_is_required_outside_demo_mode(settings):
    from dataclasses import replace
    with pytest.raises(ConfigurationError) as missing:
        create_app(replace(settings, demo=False, secret_key=None))
    assert missing.value.params["variable"] == "QUYTRINH_SECRET_KEY"
    production = create_app(replace(settings, demo=False, secret_key="k" * 40))
    assert production.config["SESSION_COOKIE_SECURE"] is True
    demo = create_app(replace(settings, demo=True, secret_key=None))
    assert len(demo.config["SECRET_KEY"]) == 64 and demo.config["SESSION_COOKIE_SECURE"] is False


def test_the_language_can_be_switched_to_english(login):
    clerk = login("cell_secretary")
    assert "Hộp việc" in clerk.get("/inbox").get_data(as_text=True)
    clerk.post("/locale", data={"locale": "en", "next": "/inbox"})
    page = clerk.get("/inbox").get_data(as_text=True)
    assert "Inbox" in page and 'lang="en"' in page
