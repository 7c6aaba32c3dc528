"""Checks of the chapter notebooks as documents (nbval checks their outputs
separately)."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Book pages held to the chapters' checks as documents (not to the chapter
# template). On the troubleshooting page, errors are the content: each one
# is stored by a cell tagged raises-exception.
PAGES = [ROOT / "book" / "troubleshooting.ipynb"]
DOCUMENTS = NOTEBOOKS + PAGES


def ids(path):
    return path.stem


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"])


def test_every_notebook_is_in_the_table_of_contents_and_numbered():
    toc = (ROOT / "_toc.yml").read_text()
    listed = re.findall(r"file: (notebooks/\S+)", toc)
    assert listed == [f"notebooks/{p.stem}" for p in NOTEBOOKS]
    assert [p.name[:2] for p in NOTEBOOKS] == [
        f"{i:02d}" for i in range(1, len(NOTEBOOKS) + 1)
    ]


@pytest.mark.parametrize("path", DOCUMENTS, ids=ids)
def test_notebook_is_committed_executed_in_order_without_errors(path):
    code = [
        c
        for c in load(path)["cells"]
        if c["cell_type"] == "code" and source(c).strip()
    ]
    assert [c["execution_count"] for c in code] == list(
        range(1, len(code) + 1)
    ), "re-run the notebook top to bottom (make notebooks)"
    for cell in code:
        raised = any(o["output_type"] == "error" for o in cell["outputs"])
        expected = "raises-exception" in cell["metadata"].get("tags", [])
        assert raised == expected, (
            "an error stored by a cell not tagged raises-exception"
            if raised
            else "tagged raises-exception, but stored no error"
        ) + f": {source(cell)[:80]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_notebook_follows_the_chapter_template(path):
    cells = load(path)["cells"]
    first = source(cells[0])
    assert first.startswith("# ") and "What you will learn" in first
    text = "\n".join(
        source(c) for c in cells if c["cell_type"] == "markdown"
    )
    assert "## Summary" in text and "## Exercises" in text
    exercises = re.findall(r"```\{exercise\}\n:label: (\S+)", text)
    solutions = re.findall(
        r"```\{solution-start\} (\S+)\n:class: dropdown", text
    )
    assert exercises and exercises == solutions, (
        "every exercise needs a hidden worked solution"
    )
    assert text.count("{solution-start}") == text.count("{solution-end}")
    assert "{cite}" in text or path.name.startswith("01"), (
        "cite the paper where its idea enters"
    )
    assert "{term}" in text, "link glossary terms"


def ignored(cell):
    return "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", DOCUMENTS, ids=ids)
def test_ignored_outputs_are_tagged_and_followed_by_a_checked_assertion(
    path,
):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    for index, cell in enumerate(code):
        assert "NBVAL" not in source(cell), (
            "use nbval cell tags, not comments a reader must read past"
        )
        if ignored(cell):
            following = code[index + 1] if index + 1 < len(code) else None
            assert following is not None and not ignored(following)
            assert "assert" in source(following), (
                f"no checked assertion after: {source(cell)[:80]}"
            )


@pytest.mark.parametrize("path", DOCUMENTS, ids=ids)
def test_outputs_are_short_and_seeds_fixed(path):
    cells = load(path)["cells"]
    for cell in cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream":
                text = "".join(output["text"])
                assert len(text.splitlines()) <= 40, (
                    "training output must stay short"
                )
                assert "\r" not in text and "\b" not in text, (
                    "progress redrawn in place: print plain lines"
                )
    code = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    if "keras" in code:
        assert "keras.utils.set_random_seed" in code


def test_execute_script_tidies_stream_outputs():
    import importlib.util

    import nbformat

    spec = importlib.util.spec_from_file_location(
        "execute_notebooks", ROOT / "scripts" / "execute_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cell = nbformat.v4.new_code_cell("train()")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="Training"),
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text="E0000 00:00:1795414406.07 3224 cuda_platform.cc:52] no\n",
        ),
        nbformat.v4.new_output("stream", name="stdout", text="\n1/3"),
        nbformat.v4.new_output(
            "stream", name="stdout", text="\n3/3\ndone\n"
        ),
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text="I0000 00:00:1795414406.07 3224 port.cc:153] oneDNN\n",
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    module.clean_streams(nb)
    assert [(o.name, o.text) for o in nb.cells[0].outputs] == [
        ("stdout", "Training\n1/3\n3/3\ndone\n")
    ]


def test_every_test_run_gives_each_cell_a_time_limit():
    import tomllib

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    addopts = settings["tool"]["pytest"]["ini_options"]["addopts"]
    (limit,) = re.findall(r"--nbval-cell-timeout=(\d+)", addopts)
    # Well above the slowest cell (52 s on 2 quiet cores), well
    # below CI's 90 minutes.
    assert 300 <= int(limit) <= 900


def test_a_stuck_cell_fails_with_its_name(tmp_path):
    import subprocess
    import sys

    import nbformat

    cells = ["x = 1", "import time\nwhile True:\n    time.sleep(0.1)", "x"]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in cells]
    )
    nbformat.write(notebook, tmp_path / "stuck.ipynb")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "stuck.ipynb"),
            *(
                "--nbval-lax",
                "--nbval-current-env",
                "-p",
                "no:cacheprovider",
            ),
            *("--nbval-cell-timeout=10", "--color=no"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "FAILED stuck.ipynb::Cell 1" in done.stdout
    assert "Timeout of 10 seconds exceeded executing cell" in done.stdout
