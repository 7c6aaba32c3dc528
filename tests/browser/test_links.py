"""Where the built website sends its reader: the book's repository setting
and every external link."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from site_helpers import (
    CONFIG,
    EXTENSIONS,
    LAUNCH_SERVICES,
    ROOT,
    SITE,
    configured_repository,
    external_links,
    html_pages,
    repository_addresses,
)

# Every external address the book may link to, each one reviewed. A new link
# fails the test until it is added here; links into the configured
# repository are allowed on top of these.
REVIEWED_LINKS = {
    # nbval, the notebook checker (setup page)
    "https://pypi.org/project/nbval/",
    # Hochreiter and Schmidhuber 1997, LSTM
    "https://doi.org/10.1162/neco.1997.9.8.1735",
    # Werbos 1990, backpropagation through time
    "https://doi.org/10.1109/5.58337",
    # Williams and Zipser 1989, teacher forcing
    "https://doi.org/10.1162/neco.1989.1.2.270",
    # Williams and Peng 1990, truncated backpropagation through time
    "https://doi.org/10.1162/neco.1990.2.4.490",
    # Cho et al. 2014, encoder-decoder
    "https://doi.org/10.3115/v1/D14-1179",
    # Cho et al. 2014, on the properties of neural machine translation
    "https://doi.org/10.3115/v1/W14-4012",
    # Luong et al. 2015, effective approaches to attention
    "https://doi.org/10.18653/v1/D15-1166",
    # Bengio, Simard and Frasconi 1994, long-term dependencies
    "https://doi.org/10.1109/72.279181",
    # Gers, Schmidhuber and Cummins 2000, learning to forget
    "https://doi.org/10.1162/089976600300015015",
    # Schuster and Paliwal 1997, bidirectional recurrent networks
    "https://doi.org/10.1109/78.650093",
    # Alain and Bengio 2016, linear classifier probes (arXiv)
    "https://arxiv.org/abs/1610.01644",
    # Karpathy, Johnson and Fei-Fei 2015, visualizing recurrent networks
    "https://arxiv.org/abs/1506.02078",
    # Graves 2012, sequence transduction (beam search)
    "https://arxiv.org/abs/1211.3711",
    # Wu et al. 2016, neural machine translation (length normalisation)
    "https://arxiv.org/abs/1609.08144",
}
PLACEHOLDER = re.compile(
    r"example\.(?:com|org|net)|\bOWNER\b|\bUSER(?:NAME)?\b|your[-_]?(?:name|org|user)|"
    r"localhost|127\.0\.0\.1|TODO|XXX",
    re.I,
)
TINY_CHAPTER = {
    "cells": [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "# A tiny chapter\n\nOne cell.",
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 1,
            "outputs": [],
            "source": "1 + 1",
        },
    ],
    "metadata": {
        "kernelspec": {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
OTHER_ADDRESS = "https://github.com/someone/echo-book"


def pages_text(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): p.read_text(encoding="utf-8")
        for p in html_pages(site)
    }


@pytest.fixture(scope="module")
def built():
    if not (SITE / "index.html").exists():
        pytest.fail(
            "the website is not built: run `make book` first (make test "
            "does)"
        )
    return pages_text(SITE)


def allowed(link: str, repository: str) -> bool:
    if link in REVIEWED_LINKS:
        return True
    return bool(repository) and repository_addresses(link) == {repository}


def test_every_page_names_only_the_configured_repository(built):
    repository = configured_repository()
    wrong = {
        page: sorted(found - {repository})
        for page, html in built.items()
        if (found := repository_addresses(html)) - {repository}
    }
    assert wrong == {}, (
        "pages name a repository other than repository.url "
        f"({repository or 'unset'})"
    )


def test_without_a_repository_no_page_offers_repository_or_launch_buttons(
    built,
):
    if configured_repository():
        pytest.fail(
            "repository.url is set in _config.yml: this test checks the "
            "book without one"
        )
    for page, html in built.items():
        assert repository_addresses(html) == set(), page
        assert not any(service in html for service in LAUNCH_SERVICES), page
        assert (
            "source-repository-button" not in html
            and "launch-buttons" not in html
        ), page
    setup = built["book/setup.html"]
    assert (
        "copy of the book" in setup
        and "git clone" not in setup
        and "Binder" not in setup
    )
    chapter = built["notebooks/02_echo_current_value.html"]
    assert (
        'href="../_sources/notebooks/02_echo_current_value.ipynb"'
        in chapter
    ), "the download button stays"


def test_every_external_link_is_reviewed_and_no_placeholder(built):
    repository = configured_repository()
    links = {
        link for html in built.values() for link in external_links(html)
    }
    assert set(REVIEWED_LINKS) <= links, (
        f"reviewed but unused: {sorted(set(REVIEWED_LINKS) - links)}"
    )
    assert [link for link in links if PLACEHOLDER.search(link)] == []
    assert (
        sorted(link for link in links if not allowed(link, repository))
        == []
    )


def test_links_check_rejects_placeholders_and_other_repositories():
    assert repository_addresses(
        'binderOptions: {repo: "thebe/examples",'
    ) == {"https://github.com/thebe/examples"}
    assert PLACEHOLDER.search("https://github.com/OWNER/seqecho")
    assert not allowed("https://github.com/seqecho/seqecho", "")
    assert not allowed(
        f"{OTHER_ADDRESS}/blob/main/setup.md",
        "https://github.com/someone/other",
    )
    assert allowed(
        "https://mybinder.org/v2/gh/someone/echo-book/main?urlpath=lab",
        OTHER_ADDRESS,
    )
    assert repository_addresses(
        "git clone https://github.com/a/b.git; "
        "https://colab.research.google.com/"
        "github/c/d/blob/main/x.ipynb"
    ) == {"https://github.com/a/b", "https://github.com/c/d"}


@pytest.fixture(scope="module")
def with_repository(tmp_path_factory) -> dict[str, str]:
    """A small book (the setup page, a tiny chapter and a stand-in for the
    troubleshooting page, which the setup page links to) built with
    repository.url set."""
    book = tmp_path_factory.mktemp("book")
    config = yaml.safe_load(CONFIG.read_text())
    config["repository"]["url"] = OTHER_ADDRESS
    config["sphinx"]["local_extensions"] = {
        name: str(EXTENSIONS)
        for name in config["sphinx"]["local_extensions"]
    }
    config["html"]["favicon"] = str(ROOT / config["html"]["favicon"])
    config["bibtex_bibfiles"] = [
        str(ROOT / path) for path in config["bibtex_bibfiles"]
    ]
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: setup\nchapters:\n- file: notebooks/tiny\n"
        "- file: troubleshooting\n"
    )
    (book / "setup.md").write_text((ROOT / "book" / "setup.md").read_text())
    (book / "troubleshooting.md").write_text("# Errors and their fixes\n")
    (book / "notebooks").mkdir()
    (book / "notebooks" / "tiny.ipynb").write_text(
        __import__("json").dumps(TINY_CHAPTER)
    )
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(book),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=1800
    )
    assert result.returncode == 0, (
        result.stdout[-3000:] + result.stderr[-3000:]
    )
    return pages_text(book / "_build" / "html")


def test_with_a_repository_every_button_and_instruction_points_at_it(
    with_repository,
):
    chapter, setup = (
        with_repository["notebooks/tiny.html"],
        with_repository["setup.html"],
    )
    assert (
        f'href="{OTHER_ADDRESS}"' in chapter
        and "source-repository-button" in chapter
    )
    assert (
        "https://mybinder.org/v2/gh/someone/echo-book/main?urlpath=lab/tree/notebooks/tiny.ipynb"
        in chapter
    )
    assert (
        "https://colab.research.google.com/github/someone/echo-book/blob/main/notebooks/tiny.ipynb"
        in chapter
    )
    text = re.sub(r"<[^>]+>", "", setup)
    assert (
        f"git clone {OTHER_ADDRESS}.git" in text and "cd echo-book" in text
    )
    assert f"!pip install git+{OTHER_ADDRESS}.git" in text
    assert "Binder" in text and "copy of the book" not in text
    for page, html in with_repository.items():
        assert repository_addresses(html) <= {OTHER_ADDRESS}, page
