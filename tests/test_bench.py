"""A smoke test of the benchmark runner: one seed, tiny budgets (the real
run is `make bench`)."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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
        "2,6,7",
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
    assert report["settings"]["chapters"] == [2, 6, 7]
    assert not report["settings"]["full"] and report["wall_seconds"] > 0
    summary = {row["chapter"]: row for row in report["summary"]}
    runs = {run["chapter"]: run for run in report["runs"]}
    assert list(summary) == [2, 6, 7] == list(runs)
    for chapter, row in summary.items():
        assert (
            row["success"] in ("0/1", "1/1") and row["peak_memory_mib"] > 0
        )
        assert row["holdout_success"] in ("0/1", "1/1")
        assert row["tutorial_extrapolated"] and row["tutorial_seconds"] > 0
        (run,) = runs[chapter]["ours"]
        # the final model is scored on a second, separate set, and the
        # summary reports that score
        protocol = runs[chapter]["protocol"]
        assert protocol["check_seed"] != protocol["holdout_seed"]
        assert 0 <= run["holdout_accuracy"] <= 1
        assert row["holdout_accuracy"]["median"] == run["holdout_accuracy"]
        assert row["holdout_success"] == (
            "1/1" if run["holdout_accuracy"] >= row["target"] else "0/1"
        )
        assert (
            row["tutorial_accuracy"]
            == (runs[chapter]["tutorial"]["holdout_accuracy"])
        )
    (run,) = runs[2]["ours"]
    assert run["sequences"] <= 40  # 2% of the 2,000-sequence budget

    # chapter 6: ours is unrolled, and the unroll effect is timed on the
    # same model both ways, for 2% of its 500 updates
    assert runs[6]["protocol"]["ours"]["unroll"] is True
    assert runs[6]["protocol"]["tutorial"]["unroll"] is False
    unroll = summary[6]["unroll"]
    assert unroll["updates"] == 10 and unroll["seeds"] == 1
    assert unroll["update_ratio"] == (
        unroll["loop"]["update_ms"] / unroll["unrolled"]["update_ms"]
    )
    for name in ("unrolled", "loop"):
        assert unroll[name]["update_ms"] > 0
        assert unroll[name]["first_update_seconds"] > 0

    # chapter 7: the chapter's recipe (2% of its 50,000 examples, 3
    # epochs of batches of 64) next to the run to target
    recipe = summary[7]["recipe"]
    assert (recipe["examples"], recipe["epochs"]) == (1000, 3)
    assert recipe["updates"] == 3 * 16 and recipe["seconds"]["min"] > 0
    assert len(runs[7]["recipe"]) == 1
    # decoding: four ways, per source, and ratios that multiply up
    decoding = summary[7]["decoding"]
    ms, ratios = decoding["ms_per_source"], decoding["ratios"]
    assert list(ms) == [
        "tutorial_predict",
        "tutorial_on_batch",
        "ours_one_source",
        "ours_batched",
    ]
    assert ms["tutorial_predict"] > ms["tutorial_on_batch"]
    assert ms["ours_one_source"] > ms["ours_batched"]
    assert ratios["total"] == pytest.approx(
        ratios["predict_overhead"]
        * ratios["loop_code"]
        * ratios["batching"]
    )
    assert "speed-up" in done.stdout and "held-out" in done.stdout
    assert "decoding, ms per source" in done.stdout


def chapter_assignments(name: str) -> tuple[dict, dict]:
    """A chapter's code cells, read with ``ast``: every ``target =
    function(...)`` as {function: [(target, call)]}, and every name
    assigned a literal (``A, B = 1, 2`` included) as {name: value}."""
    import nbformat

    calls, constants = {}, {}
    notebook = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(
            line
            for line in cell.source.splitlines()
            if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.walk(ast.parse(code)):
            if not isinstance(node, ast.Assign):
                continue
            (target,) = node.targets
            if isinstance(node.value, ast.Call):
                calls.setdefault(ast.unparse(node.value.func), []).append(
                    (ast.unparse(target), node.value)
                )
                continue
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(target, ast.Name):
                constants[target.id] = value
            elif isinstance(target, ast.Tuple):
                names = [ast.unparse(e) for e in target.elts]
                constants.update(zip(names, value, strict=True))
    return calls, constants


def keywords(call: ast.Call) -> dict:
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords}


def test_the_benchmarks_chapter_6_model_is_the_chapters():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from recipes import RECIPES

    calls, _ = chapter_assignments("06_echo_partial_sequence.ipynb")
    (model,) = [
        call
        for target, call in calls["build_repeat_encoder_decoder"]
        if target == "model"
    ]
    (fit,) = [call for _, call in calls["fit_sequences"]]
    assert RECIPES[6].ours == keywords(model)
    assert RECIPES[6].ours["unroll"] is True
    assert RECIPES[6].batch_size == keywords(fit)["batch_size"]


def test_the_benchmarks_chapter_7_recipe_is_the_chapters():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import recipes

    calls, constants = chapter_assignments("07_teacher_forcing.ipynb")
    for name in ("N_IN", "N_OUT", "CARDINALITY", "N_UNITS"):
        assert constants[name] == getattr(recipes, name), name
    (model,) = [
        call
        for target, call in calls["define_models"]
        if target == "(model, infenc, infdec)"
    ]
    (data,) = [
        call
        for target, call in calls["get_dataset"]
        if target == "(X1, X2, y)" and ast.unparse(call.args[3]) != "1"
    ]
    (fit,) = [
        call for target, call in calls["model.fit"] if target == "history"
    ]
    recipe = recipes.CH7["recipe"]
    assert [ast.unparse(a) for a in model.args] == [
        "CARDINALITY",
        "CARDINALITY",
        "N_UNITS",
    ]
    assert keywords(model)["learning_rate"] == recipe["learning_rate"]
    assert ast.literal_eval(data.args[3]) == recipe["examples"]
    options = keywords(fit)
    assert options["batch_size"] == recipe["batch_size"]
    assert options["epochs"] == recipe["epochs"]
    assert "callbacks" not in options  # no early stop


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
