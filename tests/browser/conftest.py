"""A real server thread on a free port with its own database, and headless system Chromium."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests import tools
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


@pytest.fixture
def server(settings, clock):
    if not (ROOT / "webapp" / "static" / "vendor" / "htmx.min.js").exists():
        pytest.fail("webapp/static/vendor is empty: run `npm ci && python scripts/vendor_assets.py` first")
    app = create_app(settings, clock=clock)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        tools.missing("playwright is not installed: pip install -e .[test]")
    chromium_path = tools.require(CHROMIUM)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots():
    ARTIFACTS.mkdir(exist_ok=True)

    def shot(page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return shot
