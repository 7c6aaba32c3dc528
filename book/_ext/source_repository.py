"""The book's source repository as one setting: ``repository.url``.

Unset (``url: ""`` in ``_config.yml``), the book shows no repository
button, no Binder or Colab launch button, and no instruction that needs the
address: the setup page leaves out its text inside
``{only} repository`` blocks and shows its
``{only} not repository`` text (install from a copy of the source) instead.
Set (``url: https://github.com/OWNER/NAME``), every one of them appears and
points at that address.

- Jupyter Book copies ``repository.url`` to the theme option
  ``repository_url``. On ``config-inited`` this extension checks it,
  switches the repository button and the launch buttons (whose services are
  configured under ``launch_buttons``) on or off with it, and adds the
  Sphinx tag ``repository`` when it is set.
- ``{repository-code}`` (a directive for a code block, and a role for inline
  code) writes the address into an instruction: ``{url}`` stands for the
  address and ``{name}`` for the repository's name. Without an address they
  produce nothing.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

TAG = "repository"
# Jupyter Book's own address, which it fills in when ``repository.url`` is
# missing.
JUPYTER_BOOK_DEFAULT = "https://github.com/executablebooks/jupyter-book"
ADDRESS = re.compile(
    r"https://(?:github\.com|gitlab\.com|bitbucket\.org)/[\w.-]+/[\w.-]+"
)
# Launch services that open the repository's copy of a page.
LAUNCHERS = (
    "binderhub_url",
    "jupyterhub_url",
    "colab_url",
    "deepnote_url",
    "jupyterlite_url",
)
REPOSITORY_BUTTONS = (
    "use_edit_page_button",
    "use_issues_button",
    "use_source_button",
)


def repository_address(value: object) -> str:
    """The checked repository address, or ``""`` when none is set.

    >>> repository_address("https://github.com/someone/seqecho.git/")
    'https://github.com/someone/seqecho'
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ConfigError(
            f"repository.url must be a string, got {type(value).__name__}"
        )
    address = value.strip().rstrip("/").removesuffix(".git")
    if address in ("", JUPYTER_BOOK_DEFAULT):
        return ""
    if not ADDRESS.fullmatch(address):
        raise ConfigError(
            "repository.url must be empty or look like "
            f"https://github.com/OWNER/NAME, got {value!r}"
        )
    return address


def theme_options_for(options: dict, address: str) -> dict:
    """Theme options with the repository and launch buttons on exactly when
    ``address`` is set."""
    options = dict(options)
    launch = dict(options.get("launch_buttons") or {})
    options["repository_url"] = address
    options["use_repository_button"] = bool(address)
    if not address:
        launch.update({key: "" for key in LAUNCHERS}, thebe=False)
        options.update({key: False for key in REPOSITORY_BUTTONS})
    options["launch_buttons"] = launch
    return options


def configure(app: Sphinx, config: Config) -> None:
    """Read ``repository.url`` and set the buttons, the tag and
    ``repository_address``."""
    options = config.html_theme_options or {}
    address = repository_address(options.get("repository_url"))
    config.html_theme_options = theme_options_for(options, address)
    config.repository_address = address
    if address:
        app.tags.add(TAG)
    elif app.tags.has(TAG):
        app.tags.remove(TAG)


def fill_in(template: str, address: str) -> str:
    """``template`` with ``{url}`` and ``{name}`` replaced by the address
    and the repository name."""
    return template.replace("{url}", address).replace(
        "{name}", address.rsplit("/", 1)[-1]
    )


class RepositoryCode(Directive):
    """A code block that names the repository; nothing when no address is
    set."""

    has_content = True
    optional_arguments = 1
    option_spec = {"language": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        address = self.state.document.settings.env.config.repository_address
        if not address:
            return []
        text = fill_in("\n".join(self.content), address)
        block = nodes.literal_block(text, text)
        block["language"] = self.arguments[0] if self.arguments else "text"
        return [block]


def repository_code_role(
    name, rawtext, text, lineno, inliner, options=None, content=None
):
    """Inline code that names the repository; nothing when no address is
    set."""
    address = inliner.document.settings.env.config.repository_address
    if not address:
        return [], []
    return [nodes.literal(rawtext, fill_in(text, address))], []


def setup(app: Sphinx) -> dict:
    # "env": a new address re-reads every page, so no page keeps the old
    # one.
    app.add_config_value("repository_address", "", "env", types=[str])
    app.connect("config-inited", configure)
    app.add_directive("repository-code", RepositoryCode)
    app.add_role("repository-code", repository_code_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
