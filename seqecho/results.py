"""Results of the book's long experiments (``experiments/``), written and
read back with what produced them.

A chapter must run in 90 seconds, so runs too long for that (the same
lesson at four times the budget, say) are scripts in ``experiments/``.
Each writes its numbers with :func:`write_results` to a JSON file beside
it, together with the script's SHA-256, the package versions, the machine,
the seeds, the budgets and the wall time. A chapter reads them with
:func:`read_results`, which refuses a file whose script has changed since
it was written: re-run it (``make experiments ONLY=<name>``).
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
from pathlib import Path

import keras

__all__ = ["describe_run", "read_results", "script_hash", "write_results"]

_PACKAGES = ("keras", "tensorflow", "jax", "torch", "numpy", "seqecho")


def script_hash(script: str | os.PathLike) -> str:
    """The SHA-256 of a script's text, as hex.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".py") as f:
    ...     _ = f.write("x = 1\\n"); f.flush()
    ...     script_hash(f.name)[:12]
    '9e26bf369911'
    """
    path = Path(script)
    if not path.is_file():
        raise ValueError(f"script {str(path)!r} is not a file")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def write_results(
    script: str | os.PathLike,
    results: dict,
    *,
    seeds: list[int],
    budgets: dict,
    wall_seconds: float,
) -> Path:
    """Write ``results`` to ``<script>.json`` beside ``script``, with
    what produced them; return the path.

    Parameters
    ----------
    script : path
        The experiment script (its hash goes into the file).
    results : dict
        The numbers, as JSON-serialisable values.
    seeds : list of int
        The seeds every result was run with.
    budgets : dict
        The training budgets, e.g. ``{"sequences": [600, 2400]}``.
    wall_seconds : float
        How long the experiment took (>= 0).
    """
    path = Path(script)
    digest = script_hash(path)
    if not isinstance(results, dict) or not results:
        raise TypeError("results must be a non-empty dict")
    if not isinstance(budgets, dict) or not budgets:
        raise TypeError("budgets must be a non-empty dict")
    if not seeds or not all(
        isinstance(s, int) and not isinstance(s, bool) and s >= 0
        for s in seeds
    ):
        raise ValueError(f"seeds must be integers >= 0, got {seeds!r}")
    if not isinstance(wall_seconds, (int, float)) or wall_seconds < 0:
        raise ValueError(
            f"wall_seconds must be a number >= 0, got {wall_seconds!r}"
        )
    record = {
        "script": path.name,
        "script_sha256": digest,
        "date": datetime.date.today().isoformat(),
        "backend": keras.backend.backend(),
        "versions": _versions(),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "seeds": list(seeds),
        "budgets": budgets,
        "wall_seconds": round(float(wall_seconds), 1),
        "results": results,
    }
    out = path.with_suffix(".json")
    out.write_text(json.dumps(record, indent=1) + "\n")
    return out


def read_results(results_file: str | os.PathLike) -> dict:
    """Read an experiment's results file, checking that its script (the
    ``.py`` beside it) is the one that wrote it.

    Raises ``ValueError`` naming the file if the script has changed since
    (its hash differs) or is missing: the numbers would no longer be what
    the script computes.
    """
    path = Path(results_file)
    if not path.is_file():
        raise ValueError(
            f"results file {str(path)!r} does not exist: run its script "
            f"(make experiments ONLY={path.stem})"
        )
    record = json.loads(path.read_text())
    script = path.with_name(record.get("script", path.stem + ".py"))
    if not script.is_file():
        raise ValueError(
            f"{str(path)!r} was written by {script.name}, which is missing"
        )
    if script_hash(script) != record.get("script_sha256"):
        raise ValueError(
            f"{str(path)!r} is stale: {script.name} changed since it was "
            f"written; re-run it (make experiments ONLY={script.stem})"
        )
    return record


def describe_run(record: dict) -> str:
    """One line on where a results file's numbers came from: its script,
    the Keras backend and how long the run took (in seconds, from 10
    minutes on in minutes) on how many cores.

    >>> describe_run({"script": "ch2_exercises.py", "backend": "jax",
    ...               "wall_seconds": 61.7, "machine": {"cpu_count": 2}})
    'ch2_exercises.py (jax): 62 s on 2 cores'
    """
    try:
        script, backend = record["script"], record["backend"]
        seconds = float(record["wall_seconds"])
        cores = record["machine"]["cpu_count"]
    except (KeyError, TypeError) as missing:
        raise ValueError(
            "record must be a results file as read_results returns it, "
            f"with script, backend, wall_seconds and machine: {missing!r}"
        ) from None
    took = (
        f"{seconds:.0f} s"
        if seconds < 600
        else f"{seconds / 60:.0f} minutes"
    )
    return f"{script} ({backend}): {took} on {cores} cores"
