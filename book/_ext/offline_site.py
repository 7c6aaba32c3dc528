"""Make every page of the book read offline.

- MathJax: Sphinx loads it from a CDN by default. We point ``mathjax_path``
  at a copy in ``_static`` and copy MathJax 3 there from the
  ``django-static-mathjax`` package (pinned in requirements.txt), which
  ships MathJax's browser files as package data. Only what the CommonHTML
  TeX renderer can load is copied (about 5 MB of the 24 MB).
- Thebe (live code in the page) loads its kernel client from a CDN and needs
  a remote Jupyter server; the book offers a download button (and, when
  ``repository.url`` is set, Binder and Colab launch buttons) instead, so
  the thebe scripts that Jupyter Book adds to every page are left out,
  and so is the thebe configuration each page carries (it names a Binder
  repository of thebe's own examples).
- Printed output: ``static/seqecho.css`` wraps long printed lines and
  stored errors at the page's edge, as JupyterLab does, instead of a
  sideways scroll.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mathjax  # django-static-mathjax: MathJax's files, no Django needed
from docutils import nodes

SOURCE = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
TARGET = Path("_static") / "mathjax"
PARTS = ("tex-chtml.js", "input", "output", "ui", "a11y")


def _configure(app, config):
    config.mathjax_path = f"{TARGET.name}/tex-chtml.js"


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    destination = Path(app.outdir) / TARGET
    destination.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        source = SOURCE / part
        if source.is_dir():
            shutil.copytree(source, destination / part, dirs_exist_ok=True)
        else:
            shutil.copy2(source, destination / part)


def _drop_thebe(app, pagename, templatename, context, doctree):
    def is_thebe(script):
        body = getattr(script, "attributes", {}).get("body", "") or ""
        return (
            "sphinx-thebe" in str(getattr(script, "filename", script))
            or "THEBE_JS_URL" in body
        )

    if "script_files" in context:
        context["script_files"] = [
            s for s in context["script_files"] if not is_thebe(s)
        ]


def _drop_thebe_config(app, doctree, docname):
    """Remove the thebe configuration sphinx-thebe appends to each page."""
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "x-thebe-config" in text or text.startswith(
            "<script>kernelName"
        ):
            node.parent.remove(node)


def _static(app):
    app.config.html_static_path.append(
        str(Path(__file__).parent / "static")
    )


def setup(app):
    if not (SOURCE / "tex-chtml.js").exists():
        raise RuntimeError(
            f"MathJax files not found under {SOURCE}; install "
            "django-static-mathjax"
        )
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _static)
    app.add_css_file("seqecho.css")
    app.connect("build-finished", _copy)
    app.connect("html-page-context", _drop_thebe)
    # After sphinx-thebe (priority 500) has added the configuration.
    app.connect("doctree-resolved", _drop_thebe_config, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
