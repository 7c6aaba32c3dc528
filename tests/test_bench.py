"""A smoke test of the benchmark runner: one seed, tiny budgets (the real
run is `make bench`)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def run_benchmark(script: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``benchmarks/<script>`` with ``args``; fail with its stderr."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=1800,  # generous: a busy machine is slow
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_benchmark_runner_smoke(tmp_path):
    out = tmp_path / "results.json"
    done = run_benchmark(
        "run.py",
        "--chapters",
        "2,7",
        "--seeds",
        "1",
        "--budget-scale",
        "0.02",
        "--tutorial-fraction",
        "0.004",
        "--out",
        str(out),
    )
    report = json.loads(out.read_text())
    assert (
        report["machine"]["backend"]
        and report["machine"]["versions"]["keras"]
    )
    assert [row["chapter"] for row in report["summary"]] == [2, 7]
    for row in report["summary"]:
        assert (
            row["success"] in ("0/1", "1/1") and row["peak_memory_mib"] > 0
        )
        assert row["tutorial_extrapolated"] and row["tutorial_seconds"] > 0
    assert (
        report["summary"][1]["decode_ms_tutorial"]
        > report["summary"][1]["decode_ms_ours"]
    )
    runs = report["runs"][0]["ours"]
    assert (
        len(runs) == 1 and runs[0]["sequences"] <= 40
    )  # 2% of the 2,000-sequence budget
    assert (
        "speed-up" in done.stdout and "ch" in done.stdout.splitlines()[-6]
    )


def test_benchmark_runner_rejects_bad_arguments():
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--chapters",
            "9",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--chapters" in done.stderr


def test_seeds_benchmark_smoke(tmp_path):
    out = tmp_path / "seeds.json"
    run_benchmark(
        "seeds.py",
        "--chapters",
        "3",
        "--sequences",
        "2",
        "--repeats",
        "1",
        "--seeds",
        "2",
        "--out",
        str(out),
    )
    row = json.loads(out.read_text())["results"][0]
    assert (
        row["chapter"] == 3 and row["seeds"] == 2 and row["sequences"] == 2
    )
    assert set(row["seconds_median"]) == {
        "one",
        "side_by_side_1",
        "side_by_side_2",
        "one_wide",
    }
    seconds = row["seconds_median"]
    assert row["ratio"] == seconds["side_by_side_2"] / seconds["one"]
    assert row["ratio_one_wide"] == seconds["one_wide"] / seconds["one"]


def test_wide_data_interleaves_the_batches_of_several_sequences():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from seeds import wide

    def numbered(rng):
        start = int(rng.integers(1000)) * 100
        X = np.arange(start, start + 4, dtype=float)
        return X, -X

    X, y = wide(numbered, 3, 2)(np.random.default_rng(0))
    rng = np.random.default_rng(0)
    parts = [numbered(rng)[0] for _ in range(3)]
    expected = np.concatenate(
        [p[0:2] for p in parts] + [p[2:4] for p in parts]
    )
    np.testing.assert_array_equal(X, expected)
    np.testing.assert_array_equal(y, -expected)


def test_chapter_timer_runs_a_notebook_and_reports_its_cells(tmp_path):
    import nbformat

    notebook = tmp_path / "tiny.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell("# Tiny"),
                nbformat.v4.new_code_cell("import time\ntime.sleep(1)"),
                nbformat.v4.new_code_cell("x = 1"),
            ]
        ),
        notebook,
    )
    out = tmp_path / "chapters.json"
    run_benchmark(
        "chapters.py",
        str(notebook),
        "--output",
        str(out),
    )
    report = json.loads(out.read_text())
    (chapter,) = report["chapters"]
    assert chapter["seconds"] >= 1 and report["total_seconds"] >= 1
    slowest = chapter["slowest_cells"][0]
    # A lower bound only: a busy machine makes any cell slower, never
    # faster than its sleep.
    assert slowest["cell"] == 1 and slowest["seconds"] >= 1
    assert report["versions"]["keras"]


def test_stored_seconds_reads_first_start_to_last_end():
    import nbformat
    import pytest

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from chapters import stored_seconds

    cells = [nbformat.v4.new_code_cell("x = 1") for _ in range(2)]
    cells[0].metadata["execution"] = {
        "iopub.execute_input": "2026-01-01T00:00:01.000000Z",
        "shell.execute_reply": "2026-01-01T00:00:02.000000Z",
    }
    cells[1].metadata["execution"] = {
        "iopub.execute_input": "2026-01-01T00:00:02.500000Z",
        "shell.execute_reply": "2026-01-01T00:00:04.250000Z",
    }
    notebook = nbformat.v4.new_notebook(cells=cells)
    assert stored_seconds(notebook) == pytest.approx(3.25)
    with pytest.raises(ValueError, match="timestamps"):
        stored_seconds(nbformat.v4.new_notebook(cells=cells[:0]))
