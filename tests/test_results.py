"""Experiment results: written with what produced them, refused when
stale; every committed results file matches its script."""

import json
from pathlib import Path

import pytest

from seqecho.results import (
    describe_run,
    read_results,
    script_hash,
    write_results,
)

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "experiments").glob("*.py"))


def _script(tmp_path, text="print('run')\n"):
    script = tmp_path / "budget_run.py"
    script.write_text(text)
    return script


def _write(script, **changes):
    arguments = dict(
        seeds=[3, 4],
        budgets={"sequences": [600, 2400]},
        wall_seconds=12.34,
    )
    arguments.update(changes)
    return write_results(script, {"accuracy": [0.5, 0.6]}, **arguments)


def test_results_round_trip_with_what_produced_them(tmp_path):
    script = _script(tmp_path)
    out = _write(script)
    assert out == tmp_path / "budget_run.json"
    record = read_results(out)
    assert record["results"] == {"accuracy": [0.5, 0.6]}
    assert record["script_sha256"] == script_hash(script)
    assert record["seeds"] == [3, 4] and record["wall_seconds"] == 12.3
    assert record["budgets"] == {"sequences": [600, 2400]}
    assert record["versions"]["keras"] and record["machine"]["cpu_count"]
    assert record["backend"] in ("tensorflow", "jax", "torch")
    cores = record["machine"]["cpu_count"]
    assert describe_run(record) == (
        f"budget_run.py ({record['backend']}): 12 s on {cores} cores"
    )
    with pytest.raises(ValueError, match="wall_seconds"):
        describe_run({"script": "a.py", "backend": "jax"})


def test_a_changed_script_makes_its_results_stale(tmp_path):
    script = _script(tmp_path)
    out = _write(script)
    script.write_text("print('run, longer')\n")
    with pytest.raises(ValueError, match="stale.*ONLY=budget_run"):
        read_results(out)
    script.unlink()
    with pytest.raises(ValueError, match="missing"):
        read_results(out)
    with pytest.raises(ValueError, match="does not exist"):
        read_results(tmp_path / "other.json")


@pytest.mark.parametrize(
    "changes, error, match",
    [
        ({"seeds": []}, ValueError, "seeds"),
        ({"seeds": [-1]}, ValueError, "seeds"),
        ({"budgets": {}}, TypeError, "budgets"),
        ({"wall_seconds": -1}, ValueError, "wall_seconds"),
    ],
)
def test_write_results_checks_its_arguments(
    tmp_path, changes, error, match
):
    with pytest.raises(error, match=match):
        _write(_script(tmp_path), **changes)
    with pytest.raises(TypeError, match="results"):
        write_results(
            _script(tmp_path),
            {},
            seeds=[1],
            budgets={"a": 1},
            wall_seconds=1,
        )
    with pytest.raises(ValueError, match="not a file"):
        script_hash(tmp_path / "nothing.py")


def test_experiments_exist():
    assert SCRIPTS, "experiments/ holds the book's long runs"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_experiment_has_current_results(script):
    results = script.with_suffix(".json")
    assert results.exists(), f"run it: make experiments ONLY={script.stem}"
    record = read_results(results)  # raises if the script has changed
    assert record["results"] and record["seeds"]
    assert json.loads(results.read_text())["script"] == script.name
