"""The browser tests' problem collection (``PageProblems``) itself: a
request cancelled because the page was left is not a problem; a missing
file, a resource that fails to load, a console error and a JavaScript
exception are.

The pages here are served by a small server of the test's own, so each
case happens for certain rather than by chance: the held image is answered
only when the test lets it go, never by a timer.
"""

from __future__ import annotations

import http.server
import threading

import pytest

from site_helpers import PageProblems

PIXEL = bytes.fromhex(  # a 1x1 transparent PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc33000000"
    "0049454e44ae426082"
)
PAGES = {
    "/plain.html": "<title>plain</title><p>A page.</p>",
    "/held.html": '<title>held</title><img src="held.png">',
    "/missing.html": '<title>missing</title><img src="nothing.png">',
    "/dropped.html": '<title>dropped</title><img src="dropped.png">',
    "/console.html": "<script>console.error('no')</script>",
    "/throws.html": "<script>throw new Error('no')</script>",
}


@pytest.fixture(scope="module")
def toy_site():
    """A server of the pages above; ``held.png`` waits for ``release``."""
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/dropped.png":  # close with no answer at all
                self.close_connection = True
                return
            if self.path == "/held.png":
                release.wait(timeout=120)
                body, kind = PIXEL, "image/png"
            elif self.path in PAGES:
                body, kind = PAGES[self.path].encode(), "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:  # the browser gave up on it
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()


@pytest.fixture
def watched(browser, toy_site):
    context = browser.new_context()
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.problems = PageProblems(page, toy_site)
    yield page
    context.close()


def test_leaving_a_page_mid_load_is_not_a_problem(watched, toy_site):
    with watched.expect_request(f"{toy_site}/held.png"):
        watched.goto(f"{toy_site}/held.html", wait_until="commit")
    # The image is still on its way when the page is left: the browser
    # cancels it (net::ERR_ABORTED), as it did the favicon of a page left
    # quickly on a slow machine.
    # (The held page's own document, still loading, is cancelled too.)
    image = f"{toy_site}/held.png"
    with watched.expect_event(
        "requestfailed", lambda r: r.url == image
    ) as failed:
        watched.goto(f"{toy_site}/plain.html")
    assert failed.value.failure == "net::ERR_ABORTED"
    assert watched.problems == []
    assert f"failed: {image} net::ERR_ABORTED" in watched.problems.cancelled


def test_a_request_aborted_without_leaving_the_page_is_a_problem(
    watched, toy_site
):
    with watched.expect_request(f"{toy_site}/held.png"):
        watched.goto(f"{toy_site}/held.html", wait_until="commit")
    with watched.expect_event("requestfailed"):
        watched.evaluate("document.images[0].src = ''")  # page stays
    assert watched.problems.cancelled == []
    assert [p.split()[1] for p in watched.problems] == [
        f"{toy_site}/held.png"
    ]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/missing.html", "HTTP 404: {site}/nothing.png"),
        (
            "/dropped.html",
            "failed: {site}/dropped.png net::ERR_EMPTY_RESPONSE",
        ),
        ("/console.html", "console: no"),
        ("/throws.html", "page error: no"),
    ],
)
def test_a_broken_page_is_a_problem(watched, toy_site, path, expected):
    watched.goto(f"{toy_site}{path}", wait_until="networkidle")
    assert any(
        p.startswith(expected.format(site=toy_site))
        for p in watched.problems
    ), watched.problems
    assert watched.problems.cancelled == []


def test_a_page_that_loads_elsewhere_is_a_problem(watched, toy_site):
    watched.route("http://example.invalid/**", lambda r: r.abort())
    watched.goto(f"{toy_site}/plain.html")
    with watched.expect_event("requestfailed"):
        watched.evaluate(
            "new Image().src = 'http://example.invalid/track.png'"
        )
    assert watched.problems[0] == (
        "left the site: http://example.invalid/track.png"
    )
