"""Serve the built website on 127.0.0.1 and drive it with Debian's Chromium
through Playwright."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from site_helpers import CHROMIUM, CHROMIUM_ARGS, SITE, PageProblems


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
    """A fresh page whose ``problems`` records console errors, JavaScript
    exceptions, HTTP errors and failed or non-local requests
    (``PageProblems``)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Waits end when their condition holds; the limit is only there to
    # stop a hung page, so it is generous for a busy machine.
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.problems = PageProblems(page, site_url)
    yield page
    context.close()
