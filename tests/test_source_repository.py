"""The book's repository setting (book/_ext/source_repository.py), checked
in-process."""

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.errors import ConfigError
from sphinx.util.tags import Tags

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from site_helpers import configured_repository, load_source_repository  # noqa: E402

ext = load_source_repository()
LAUNCH = {
    "notebook_interface": "jupyterlab",
    "binderhub_url": "https://mybinder.org",
    "colab_url": "https://colab.research.google.com",
}


def configure(url):
    app = SimpleNamespace(tags=Tags())
    config = SimpleNamespace(
        html_theme_options={
            "repository_url": url,
            "launch_buttons": dict(LAUNCH),
        },
        repository_address="",
    )
    ext.configure(app, config)
    return app, config


def test_the_book_is_built_without_a_repository_by_default():
    assert configured_repository() == ""


@pytest.mark.parametrize(
    "url",
    ["", None, "  ", "https://github.com/executablebooks/jupyter-book"],
)
def test_unset_address_turns_repository_and_launch_buttons_off(url):
    app, config = configure(url)
    options = config.html_theme_options
    assert config.repository_address == "" and not app.tags.has(
        "repository"
    )
    assert (
        options["use_repository_button"] is False
        and options["repository_url"] == ""
    )
    assert (
        options["launch_buttons"]["binderhub_url"]
        == options["launch_buttons"]["colab_url"]
        == ""
    )
    assert options["launch_buttons"]["notebook_interface"] == "jupyterlab"


def test_set_address_turns_them_on_and_tags_the_build():
    app, config = configure("https://github.com/someone/echo-book.git/")
    options = config.html_theme_options
    assert (
        config.repository_address
        == options["repository_url"]
        == "https://github.com/someone/echo-book"
    )
    assert options["use_repository_button"] is True and app.tags.has(
        "repository"
    )
    assert options["launch_buttons"] == LAUNCH


@pytest.mark.parametrize(
    "url, error",
    [
        ("github.com/someone/echo-book", ConfigError),
        ("https://github.com/someone", ConfigError),
        ("https://example.com/someone/echo-book", ConfigError),
        (42, ConfigError),
    ],
)
def test_bad_address_is_refused_naming_the_setting(url, error):
    with pytest.raises(error, match="repository.url"):
        configure(url)


def test_instructions_fill_in_the_address_and_name():
    assert (
        ext.fill_in(
            "git clone {url}.git && cd {name}", "https://github.com/a/echo"
        )
        == "git clone https://github.com/a/echo.git && cd echo"
    )
