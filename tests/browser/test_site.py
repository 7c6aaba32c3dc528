"""The built website, checked in a real browser (headless Chromium)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

import pytest

from site_helpers import SCREENSHOTS, SITE, toc_pages

PAGES = toc_pages()


def open_page(page, url):
    page.goto(url, wait_until="networkidle")
    return page


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_with_its_figures_and_math(page, site_url, path):
    open_page(page, f"{site_url}/{path}")
    assert page.title() and page.locator("main h1").count() >= 1
    sizes = page.eval_on_selector_all(
        "main img",
        "imgs => imgs.map(i => [i.src, i.complete, i.naturalWidth])",
    )
    for src, complete, width in sizes:
        assert complete and width > 0, f"figure did not load: {src}"
    if page.locator("main .math").count():
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && "
            "MathJax.startup.document"
        )
        # MathJax typesets the whole page before this promise settles.
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
        assert (
            page.locator("mjx-container").count()
            >= page.locator("main .math").count()
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(
            SCREENSHOTS / (path.replace("/", "__").replace(".html", ".png"))
        ),
        full_page=False,
    )
    assert page.problems == []


def test_chapters_have_figures():
    for path in PAGES:
        if path.startswith("notebooks/"):
            html = (SITE / path).read_text()
            assert "<img" in html, f"{path} shows no figure"


def test_next_and_previous_walk_the_book_in_order(page, site_url):
    open_page(page, f"{site_url}/{PAGES[0]}")
    visited = [PAGES[0]]
    while page.locator("a.right-next").count():
        with page.expect_navigation(wait_until="networkidle"):
            page.locator("a.right-next").first.click()
        visited.append(page.url.removeprefix(site_url + "/").split("#")[0])
    assert visited == PAGES
    for expected in reversed(PAGES[:-1]):
        with page.expect_navigation(wait_until="networkidle"):
            page.locator("a.left-prev").first.click()
        assert (
            page.url.removeprefix(site_url + "/").split("#")[0] == expected
        )
    assert page.problems == []


@pytest.mark.parametrize(
    "query, chapter",
    [
        ("RepeatVector", "notebooks/06_echo_partial_sequence.html"),
        ("teacher forcing", "notebooks/07_teacher_forcing.html"),
        ("vanishing gradient", "notebooks/08_long_gaps.html"),
        ("attention", "notebooks/09_attention.html"),
        ("probe", "notebooks/10_inside_the_lstm.html"),
        ("beam search", "notebooks/11_your_own_sequences.html"),
        ("StringLookup", "notebooks/11_your_own_sequences.html"),
    ],
)
def test_search_finds_the_right_chapter(page, site_url, query, chapter):
    open_page(page, f"{site_url}/search.html?q={query.replace(' ', '+')}")
    # Sphinx shows its results one by one: wait until it says it is done.
    page.locator(
        "#search-results p.search-summary", has_text="Search finished"
    ).wait_for()
    links = page.eval_on_selector_all(
        "#search-results ul.search li a", "as => as.map(a => a.href)"
    )
    assert any(chapter in link for link in links), links
    assert page.problems == []


def test_exercise_solution_is_hidden_until_clicked(page, site_url):
    open_page(page, f"{site_url}/notebooks/01_encoding_and_framing.html")
    solution = page.locator(".solution.dropdown").first
    body = solution.locator(".cell").first
    assert not body.is_visible()
    solution.locator(".admonition-title, summary, button").first.click()
    body.wait_for(state="visible")
    assert body.is_visible()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [
                value for name, value in attrs if name == "href" and value
            ]


def test_no_internal_link_is_broken(page, site_url):
    seen, queue, broken = set(), [f"{site_url}/{p}" for p in PAGES], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = page.request.get(url)
        if response.status != 200:
            broken.append(url)
            continue
        if not url.endswith(".html"):
            continue
        links = Links()
        links.feed(response.text())
        for href in links.hrefs:
            target = urldefrag(urljoin(url, href))[0]
            if target.startswith(site_url) and target not in seen:
                queue.append(target)
    assert broken == []
    assert len(seen) > len(PAGES)
