"""Serve the built website on 127.0.0.1 and drive it with Debian's Chromium
through Playwright."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from site_helpers import CHROMIUM, CHROMIUM_ARGS, SITE


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.fail(
            "the website is not built: run `make book` first (make test "
            "does)"
        )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=SITE)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium "
            "package (make test does)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, site_url):
    """A fresh page that records console errors and failed or non-local
    requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda m: (
            m.type == "error" and page.problems.append(f"console: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on(
        "requestfailed",
        lambda r: page.problems.append(f"failed: {r.url} {r.failure}"),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and page.problems.append(f"HTTP {r.status}: {r.url}")
        ),
    )
    page.on(
        "request",
        lambda r: (
            not r.url.startswith((site_url, "data:", "blob:"))
            and page.problems.append(f"left the site: {r.url}")
        ),
    )
    yield page
    context.close()
