"""Paths and page list shared by the browser tests."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get(
    "CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium"
)
# Flags for a sandboxed, offline machine: no background traffic to Google
# services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def toc_pages() -> list[str]:
    """Every page of the book, in reading order, as site-relative .html
    paths."""
    toc = (ROOT / "_toc.yml").read_text()
    root = re.search(r"^root: (\S+)", toc, re.M).group(1)
    return [f"{p}.html" for p in [root, *re.findall(r"file: (\S+)", toc)]]


CONFIG = ROOT / "_config.yml"
EXTENSIONS = ROOT / "book" / "_ext"
# A repository address as written in a page: https://github.com/OWNER/NAME
# (GitLab, Bitbucket alike).
REPOSITORY = re.compile(
    r"https?://(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org)/([\w.-]+)/([\w-]+(?:\.[\w-]+)*)"
)
# The same address inside a Binder or Colab launch link.
BINDER = re.compile(
    r"https?://mybinder\.org/v2/(gh|gl)/([\w.-]+)(?:/|%2F)([\w.-]+)/"
)
COLAB = re.compile(
    r"https?://colab\.research\.google\.com/github/([\w.-]+)/([\w.-]+)/"
)
# A Binder repository in a page's thebe configuration: repo: "OWNER/NAME".
THEBE = re.compile(r"""\brepo:\s*["']([\w.-]+)/([\w.-]+)["']""")
LAUNCH_SERVICES = ("mybinder.org", "colab.research.google.com")


def load_source_repository():
    """The book's ``source_repository`` Sphinx extension, imported from
    ``book/_ext``."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "source_repository", EXTENSIONS / "source_repository.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def configured_repository(config: Path = CONFIG) -> str:
    """The repository address ``_config.yml`` sets (``""`` when none),
    checked as the book checks it."""
    import yaml

    url = (yaml.safe_load(config.read_text()).get("repository") or {}).get(
        "url"
    )
    return load_source_repository().repository_address(url)


def html_pages(site: Path = SITE) -> list[Path]:
    """Every HTML page of a built site (the theme's template fragments under
    _static left out)."""
    return sorted(
        p
        for p in site.rglob("*.html")
        if "_static" not in p.relative_to(site).parts
    )


def repository_addresses(html: str) -> set[str]:
    """Every repository a page names, in a link or in its text, as
    https://HOST/OWNER/NAME."""
    found = {
        f"https://{host}/{owner}/{name.removesuffix('.git')}"
        for host, owner, name in REPOSITORY.findall(html)
    }
    hosts = {"gh": "github.com", "gl": "gitlab.com"}
    found |= {
        f"https://{hosts[kind]}/{owner}/{name}"
        for kind, owner, name in BINDER.findall(html)
    }
    found |= {
        f"https://github.com/{owner}/{name}"
        for owner, name in COLAB.findall(html)
    }
    found |= {
        f"https://github.com/{owner}/{name}"
        for owner, name in THEBE.findall(html)
    }
    return found


def external_links(html: str) -> set[str]:
    """Every http(s) address a page links to or loads (href and src
    attributes)."""
    return set(
        re.findall(
            r"""\b(?:href|src)\s*=\s*["'](https?://[^"']+)["']""", html
        )
    )


class PageProblems(list):
    """What went wrong on a page: console errors, JavaScript exceptions,
    HTTP errors, failed requests and requests that left ``origin``.

    One kind of failed request is not a problem: a request the browser
    cancelled (``net::ERR_ABORTED``) because the page had already started
    navigating elsewhere, as a slow machine makes likely when a test clicks
    "next" before the old page's favicon arrived. Those are kept apart in
    ``cancelled``, so a test can see that they happened. A request aborted
    with no navigation after it is still a problem.
    """

    def __init__(self, page, origin: str):
        super().__init__()
        self.page, self.origin = page, origin
        self.cancelled: list[str] = []
        self.navigations = 0  # main-frame navigations started so far
        self._started_after: dict = {}  # request -> navigations before it
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.append(f"page error: {e}"))
        page.on("response", self._response)

    def _request(self, request) -> None:
        if request.is_navigation_request() and (
            request.frame == self.page.main_frame
        ):
            self.navigations += 1
        self._started_after[request] = self.navigations
        if not request.url.startswith((self.origin, "data:", "blob:")):
            self.append(f"left the site: {request.url}")

    def _failed(self, request) -> None:
        message = f"failed: {request.url} {request.failure}"
        started = self._started_after.pop(request, self.navigations)
        if "ERR_ABORTED" in (request.failure or "") and (
            self.navigations > started
        ):
            self.cancelled.append(message)
        else:
            self.append(message)

    def _response(self, response) -> None:
        if response.status >= 400:
            self.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message) -> None:
        if message.type == "error":
            self.append(f"console: {message.text}")
