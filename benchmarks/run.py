"""Speed and reliability of every chapter's model (`make bench`).

For each chapter: time and training samples to reach the chapter's target
accuracy on unseen sequences, over independent seeds (how often the recipe
converges), peak memory, and, in the same run, a faithful Keras 3 port of
the original tutorial's recipe with the ratio of the two times. Results go
to a JSON file (machine, versions, date) and a table.

    python benchmarks/run.py                 # 10 seeds, the tutorial's full
    recipe python benchmarks/run.py --quick         # 3 seeds, 10% of the
    tutorial's fits, extrapolated python benchmarks/run.py --backend jax   #
    another installed Keras backend

Each chapter runs in its own worker process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHAPTERS = (2, 3, 4, 5, 6, 7)


def worker(
    chapter: int, seeds: list[int], scale: float, fraction: float
) -> dict:
    """Run one chapter in this process and return its measurements."""
    sys.path[:0] = [str(ROOT), str(HERE)]
    import recipes

    if chapter == 7:
        ours = [recipes.ch7_ours(seed, scale) for seed in seeds]
        tutorial = recipes.ch7_tutorial(
            fraction, n_decode=max(2, int(100 * min(1.0, fraction * 10)))
        )
        title, target = recipes.CH7["title"], recipes.CH7["target"]
        note = (
            "tutorial decoding: one source at a time with predict(); "
            "ours: one batched call"
        )
    else:
        recipe = recipes.RECIPES[chapter]
        ours = [recipes.train_ours(recipe, seed, scale) for seed in seeds]
        tutorial = recipes.train_tutorial(recipe, fraction)
        title, target, note = recipe.title, recipe.target, recipe.note
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "chapter": chapter,
        "title": title,
        "target": target,
        "note": note,
        "ours": ours,
        "tutorial": tutorial,
        "peak_memory_mib": round(peak_mib, 1),
    }


def summarise(result: dict) -> dict:
    reached = [run for run in result["ours"] if run["reached"]]

    def median(values: list) -> float | None:
        return float(sorted(values)[len(values) // 2]) if values else None

    ours_seconds = median([run["train_seconds"] for run in reached])
    tutorial = result["tutorial"]
    row = {
        "chapter": result["chapter"],
        "title": result["title"],
        "target": result["target"],
        "success": f"{len(reached)}/{len(result['ours'])}",
        "success_rate": len(reached) / len(result["ours"]),
        "ours_seconds_median": ours_seconds,
        "ours_samples_median": median([run["samples"] for run in reached]),
        "tutorial_seconds": tutorial["full_seconds"],
        "tutorial_extrapolated": tutorial["extrapolated"],
        "tutorial_accuracy": tutorial["accuracy"],
        "tutorial_reached": tutorial["accuracy"] >= result["target"],
        "speedup": tutorial["full_seconds"] / ours_seconds
        if ours_seconds
        else None,
        "peak_memory_mib": result["peak_memory_mib"],
    }
    if result["chapter"] == 7:
        ours_decode = median(
            [run["decode_ms_per_example"] for run in result["ours"]]
        )
        row["decode_ms_ours"] = ours_decode
        row["decode_ms_tutorial"] = tutorial["decode_ms_per_example"]
        row["decode_speedup"] = (
            tutorial["decode_ms_per_example"] / ours_decode
        )
    return row


def machine(backend: str) -> dict:
    import importlib.metadata as md

    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    versions = {
        name: md.version(name)
        for name in ("keras", "numpy", "tensorflow", "jax")
        if _installed(md, name)
    }
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "backend": backend,
        "versions": versions,
        "date": datetime.date.today().isoformat(),
    }


def _installed(md, name: str) -> bool:
    try:
        md.version(name)
        return True
    except md.PackageNotFoundError:
        return False


def table(rows: list[dict]) -> str:
    lines = [
        f"{'ch':>2}  {'success':>7}  {'ours (s)':>8}  {'samples':>8}  "
        f"{'tutorial (s)':>12}  "
        f"{'tut. acc':>8}  {'speed-up':>8}  {'peak MiB':>8}"
    ]
    for row in rows:
        ours = (
            f"{row['ours_seconds_median']:.1f}"
            if row["ours_seconds_median"]
            else "-"
        )
        samples = (
            f"{row['ours_samples_median']:.0f}"
            if row["ours_samples_median"]
            else "-"
        )
        speed = f"{row['speedup']:.1f}x" if row["speedup"] else "-"
        star = "*" if row["tutorial_extrapolated"] else ""
        tutorial = f"{row['tutorial_seconds']:.1f}{star}"
        lines.append(
            f"{row['chapter']:>2}  {row['success']:>7}  {ours:>8}  "
            f"{samples:>8}  {tutorial:>12}  "
            f"{row['tutorial_accuracy']:>8.1%}  {speed:>8}  "
            f"{row['peak_memory_mib']:>8.0f}"
        )
        if "decode_speedup" in row:
            lines.append(
                f"    decoding: {row['decode_ms_ours']:.3f} ms/example "
                "batched vs "
                f"{row['decode_ms_tutorial']:.1f} ms one at a time "
                f"({row['decode_speedup']:.0f}x)"
            )
    if any(row["tutorial_extrapolated"] for row in rows):
        lines.append(
            "* extrapolated from a fraction of the tutorial's fits "
            "(--quick)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 seeds and 10%% of the tutorial's fits",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        help="independent seeds per chapter (default 10, --quick 3)",
    )
    parser.add_argument(
        "--chapters",
        default=",".join(map(str, CHAPTERS)),
        help="e.g. 2,5,7",
    )
    parser.add_argument(
        "--backend",
        default=os.environ.get("KERAS_BACKEND", "tensorflow"),
        help="Keras backend for the workers (tensorflow, jax, ...)",
    )
    parser.add_argument(
        "--budget-scale",
        type=float,
        default=1.0,
        help="scale our training budgets (smoke tests)",
    )
    parser.add_argument(
        "--tutorial-fraction",
        type=float,
        help="fraction of the tutorial's fits to run",
    )
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds or (3 if args.quick else 10)))
    fraction = args.tutorial_fraction or (0.1 if args.quick else 1.0)
    if not seeds or not 0 < fraction <= 1 or args.budget_scale <= 0:
        parser.error(
            "--seeds must be >= 1, --tutorial-fraction in (0, 1], "
            "--budget-scale > 0"
        )
    if args.worker:
        print(
            json.dumps(
                worker(args.worker, seeds, args.budget_scale, fraction)
            )
        )
        return 0
    chapters = [int(c) for c in args.chapters.split(",")]
    if not set(chapters) <= set(CHAPTERS):
        parser.error(f"--chapters must be among {CHAPTERS}")
    env = {
        **os.environ,
        "KERAS_BACKEND": args.backend,
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    results = []
    for chapter in chapters:
        print(f"chapter {chapter}: {len(seeds)} seeds ...", flush=True)
        command = [
            sys.executable,
            __file__,
            "--worker",
            str(chapter),
            "--seeds",
            str(len(seeds)),
            "--budget-scale",
            str(args.budget_scale),
            "--tutorial-fraction",
            str(fraction),
        ]
        done = subprocess.run(
            command, env=env, capture_output=True, text=True
        )
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            return done.returncode
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows = [summarise(result) for result in results]
    report = {
        "machine": machine(args.backend),
        "settings": {
            "seeds": len(seeds),
            "tutorial_fraction": fraction,
            "budget_scale": args.budget_scale,
        },
        "summary": rows,
        "runs": results,
    }
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    print(table(rows))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
