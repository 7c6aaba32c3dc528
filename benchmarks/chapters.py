"""How long each chapter takes to run, top to bottom, as a reader runs it
(`make bench-chapters`).

Each notebook executes in a fresh kernel from the `notebooks/` folder, like
`make notebooks`, but nothing is written back: the chapter's stored outputs
stay as they are. The time of every cell comes from the kernel's own
execution timestamps. Results go to `benchmarks/chapters.json` (machine,
versions, date, backend) and a table; the slowest cells of each chapter are
listed so that a budget to trim is easy to find.

    python benchmarks/chapters.py                      # every chapter
    python benchmarks/chapters.py notebooks/03_*.ipynb # some chapters
    KERAS_BACKEND=jax python benchmarks/chapters.py    # another backend
    python benchmarks/chapters.py --stored             # read, don't run

``--stored`` reads the timestamps `make notebooks` stored in each chapter
when it last executed them (first cell's start to last cell's end, so the
kernel's start-up is not counted) instead of running anything.

``--jobs 2`` executes two chapters at a time, each in its own kernel, and
records the wall time of the whole book: much of a small model's step is
one core's Python, so two chapters side by side use two cores better than
one. Each chapter is then slower than alone; its time alone is the one
run with ``--jobs 1`` (the default) or ``--stored``.

    python benchmarks/chapters.py --jobs 2 --output book-2-jobs.json

The book's targets, on 2 CPU cores with TensorFlow: each chapter at most
90 s, the whole book at most 8 minutes.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHAPTER_LIMIT_S = 90.0
BOOK_LIMIT_S = 8 * 60.0


def cell_seconds(cell: nbformat.NotebookNode) -> float:
    """Wall time of one executed code cell, from the kernel's timestamps."""
    timing = cell.get("metadata", {}).get("execution", {})
    start = timing.get("iopub.execute_input")
    end = timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end) - parse(start)).total_seconds()


def stored_seconds(nb: nbformat.NotebookNode) -> float:
    """Wall time of a stored run: first cell's start to last cell's end."""
    stamps = [
        cell.metadata["execution"]
        for cell in nb.cells
        if cell.cell_type == "code" and "execution" in cell.metadata
    ]
    if not stamps:
        raise ValueError("the notebook stores no execution timestamps")
    parse = datetime.datetime.fromisoformat
    return (
        parse(stamps[-1]["shell.execute_reply"])
        - parse(stamps[0]["iopub.execute_input"])
    ).total_seconds()


def run_chapter(path: Path, slowest: int = 3, stored: bool = False) -> dict:
    """Execute one notebook in a fresh kernel (or read its stored run);
    return its total and the slowest cells (index, seconds, first line)."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    if stored:
        total = stored_seconds(nb)
    else:
        NotebookClient(
            nb,
            timeout=1800,
            kernel_name="python3",
            record_timing=True,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        total = time.perf_counter() - start
    cells = [
        (i, cell_seconds(c), c.source.splitlines()[0] if c.source else "")
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
    ]
    cells.sort(key=lambda c: -c[1])
    return {
        "notebook": str(path.relative_to(ROOT))
        if path.is_relative_to(ROOT)
        else str(path),
        "seconds": round(total, 1),
        "slowest_cells": [
            {"cell": i, "seconds": round(s, 1), "first_line": line[:60]}
            for i, s, line in cells[:slowest]
        ],
    }


def versions() -> dict:
    import keras
    import numpy

    return {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "numpy": numpy.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument(
        "--output", type=Path, default=HERE / "chapters.json"
    )
    parser.add_argument(
        "--stored",
        action="store_true",
        help="read the timestamps stored by the last `make notebooks`",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="chapters executed at a time, each in its own kernel",
    )
    args = parser.parse_args()
    if args.jobs < 1 or (args.stored and args.jobs > 1):
        parser.error("--jobs must be at least 1 (and 1 with --stored)")
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(
            pool.map(
                functools.partial(run_chapter, stored=args.stored),
                [path.resolve() for path in paths],
            )
        )
    wall = time.perf_counter() - start
    for result in results:
        flag = "" if result["seconds"] <= CHAPTER_LIMIT_S else "  over 90 s"
        print(f"{result['notebook']:45s} {result['seconds']:7.1f} s{flag}")
        for cell in result["slowest_cells"]:
            print(
                f"    cell {cell['cell']:3d} {cell['seconds']:6.1f} s  "
                f"{cell['first_line']}"
            )
    total = sum(r["seconds"] for r in results)
    print(f"{'total':45s} {total:7.1f} s (target {BOOK_LIMIT_S:.0f} s)")
    if args.jobs > 1:
        print(f"{args.jobs} chapters at a time: the book in {wall:.1f} s")
    record = {
        "date": datetime.date.today().isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
        "versions": versions(),
        "source": "stored run" if args.stored else "executed now",
        "jobs": args.jobs,
        "chapters": results,
        "total_seconds": round(total, 1),
    }
    if args.jobs > 1:
        record["wall_seconds"] = round(wall, 1)
    args.output.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
