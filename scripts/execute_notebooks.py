"""Execute chapter notebooks in place and store their outputs (the authoring
step, `make notebooks`).

Each notebook runs top to bottom in a fresh kernel from the `notebooks/`
folder, as a reader's would. Consecutive pieces of one stream are joined and
TensorFlow's native start-up log is dropped, so the stored outputs (and the
website) show what the chapter printed. Progress bars need no tidying:
outside a terminal `seqecho.train` prints them as plain lines.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

# TensorFlow's C++ start-up log lines (CPU features, no CUDA driver),
# written straight to fd 2.
NATIVE_LOG = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\)"
    r"|To enable the following instructions: "
    r"|[IWE]\d{4} \d\d:\d\d:\d+\.\d+ ).*\n?",
    re.M,
)


def merge_streams(outputs: list) -> list:
    """Join consecutive outputs of the same stream, as a notebook front end
    shows them."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous["name"] == output["name"]
        ):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def clean_streams(nb: nbformat.NotebookNode) -> None:
    """Drop TensorFlow's native log lines, then join each cell's consecutive
    outputs of one stream: a dropped log line no longer splits a bar."""
    for cell in nb.cells:
        if "outputs" not in cell:
            continue
        for output in cell["outputs"]:
            if (
                output.get("output_type") == "stream"
                and output["name"] == "stderr"
            ):
                output["text"] = NATIVE_LOG.sub("", output["text"])
        kept = [
            o
            for o in cell["outputs"]
            if o.get("output_type") != "stream" or o["text"]
        ]
        cell["outputs"] = merge_streams(kept)


def execute(path: Path, allow_errors: bool = False) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=1200,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    clean_streams(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - start


if __name__ == "__main__":
    allow = (
        "--allow-errors" in sys.argv
    )  # for drafting: store the failing cell's error too
    for name in [a for a in sys.argv[1:] if a != "--allow-errors"]:
        print(
            f"{name}: executed in {execute(Path(name), allow):.1f} s",
            flush=True,
        )
