"""Speed and reliability of every chapter's model (`make bench`).

For each chapter: time and training samples to reach the chapter's target
accuracy on a set of unseen sequences (the check set, which decides when
to stop), over independent seeds (how often the recipe converges), the
final models' accuracy on a separate held-out set, peak memory, and, in
the same run, a faithful Keras 3 port of the original tutorial's recipe
with the ratio of the two times. Chapter 6 also times its model with and
without ``unroll=True``; chapter 7 also trains the chapter's recipe as
written (no early stop) and times four ways of decoding. Results go to a
JSON file (machine, versions, date, settings) and a table.

    python benchmarks/run.py                # 10 seeds, the full recipes
    python benchmarks/run.py --quick        # 3 seeds, 10% of the
                                            # tutorial's fits, extrapolated
    python benchmarks/run.py --backend jax  # another installed backend

Each chapter runs in its own worker process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
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

    start = time.perf_counter()
    extra = {}
    if chapter == 7:
        ours = [recipes.ch7_ours(seed, scale) for seed in seeds]
        extra["recipe"] = [
            recipes.ch7_recipe(seed, scale) for seed in seeds
        ]
        tutorial = recipes.ch7_tutorial(
            fraction,
            n_decode=max(
                2,
                int(
                    recipes.CH7["decode_sources"] * min(1.0, fraction * 10)
                ),
            ),
        )
        title, target = recipes.CH7["title"], recipes.CH7["target"]
        note = (
            "ours trains fresh chunks of examples, one epoch each, until "
            "the check set reaches the target; the chapter's recipe is "
            "reported apart"
        )
        protocol = {
            key: value
            for key, value in recipes.CH7.items()
            if key not in ("title", "target")
        }
    else:
        recipe = recipes.RECIPES[chapter]
        ours = [recipes.train_ours(recipe, seed, scale) for seed in seeds]
        tutorial = recipes.train_tutorial(recipe, fraction)
        title, target, note = recipe.title, recipe.target, recipe.note
        protocol = recipe.protocol()
        if chapter == 6:
            extra["unroll"] = [
                recipes.ch6_unroll(seed, scale) for seed in seeds
            ]
            protocol["unroll_updates"] = extra["unroll"][0]["updates"]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "chapter": chapter,
        "title": title,
        "target": target,
        "note": note,
        "protocol": protocol,
        "ours": ours,
        "tutorial": tutorial,
        **extra,
        "peak_memory_mib": round(peak_mib, 1),
        "wall_seconds": time.perf_counter() - start,
    }


def median(values: list) -> float | None:
    return float(statistics.median(values)) if values else None


def spread(values: list) -> dict:
    """Median, lowest and highest of ``values``."""
    return {
        "median": median(values),
        "min": float(min(values)),
        "max": float(max(values)),
    }


def summarise(result: dict) -> dict:
    runs, target = result["ours"], result["target"]
    reached = [run for run in runs if run["reached"]]
    held = [run for run in runs if run["holdout_reached"]]
    ours_seconds = median([run["train_seconds"] for run in reached])
    tutorial = result["tutorial"]
    row = {
        "chapter": result["chapter"],
        "title": result["title"],
        "target": target,
        "success": f"{len(reached)}/{len(runs)}",
        "success_rate": len(reached) / len(runs),
        "holdout_success": f"{len(held)}/{len(runs)}",
        "holdout_success_rate": len(held) / len(runs),
        "holdout_accuracy": spread(
            [run["holdout_accuracy"] for run in runs]
        ),
        "ours_seconds_median": ours_seconds,
        "ours_samples_median": median([run["samples"] for run in reached]),
        "tutorial_seconds": tutorial["full_seconds"],
        "tutorial_extrapolated": tutorial["extrapolated"],
        "tutorial_check_accuracy": tutorial["check_accuracy"],
        "tutorial_accuracy": tutorial["holdout_accuracy"],
        "tutorial_reached": tutorial["holdout_accuracy"] >= target,
        "speedup": tutorial["full_seconds"] / ours_seconds
        if ours_seconds
        else None,
        "peak_memory_mib": result["peak_memory_mib"],
    }
    if "unroll" in result:
        row["unroll"] = summarise_unroll(result["unroll"])
    if "recipe" in result:
        recipe = result["recipe"]
        seconds = median([run["train_seconds"] for run in recipe])
        done = [run for run in recipe if run["holdout_reached"]]
        row["recipe"] = {
            "examples": recipe[0]["examples"],
            "epochs": recipe[0]["epochs"],
            "updates": recipe[0]["updates"],
            "seconds": spread([run["train_seconds"] for run in recipe]),
            "holdout_accuracy": spread(
                [run["holdout_accuracy"] for run in recipe]
            ),
            "holdout_success": f"{len(done)}/{len(recipe)}",
            "holdout_success_rate": len(done) / len(recipe),
            "speedup": tutorial["full_seconds"] / seconds,
        }
        row["ours_updates_median"] = median(
            [run["updates"] for run in reached]
        )
    if "decoding" in tutorial:
        row["decoding"] = {
            "ms_per_source": tutorial["decoding"]["ms_per_source"],
            "ratios": tutorial["decoding"]["ratios"],
        }
    return row


def summarise_unroll(runs: list[dict]) -> dict:
    """Medians over the seeds of chapter 6's unrolled and looped runs."""
    row = {"updates": runs[0]["updates"], "seeds": len(runs)}
    for name in ("unrolled", "loop"):
        row[name] = {
            key: median([run[name][key] for run in runs])
            for key in runs[0][name]
        }
    row["update_ratio"] = (
        row["loop"]["update_ms"] / (row["unrolled"]["update_ms"])
    )
    row["first_update_ratio"] = (
        row["loop"]["first_update_seconds"]
        / (row["unrolled"]["first_update_seconds"])
    )
    row["unrolled_faster_seeds"] = sum(
        run["unrolled"]["update_ms"] < run["loop"]["update_ms"]
        for run in runs
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
        f"{'ch':>2}  {'success':>7}  {'held-out':>8}  {'ours (s)':>8}  "
        f"{'samples':>8}  {'tutorial (s)':>12}  "
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
            f"{row['chapter']:>2}  {row['success']:>7}  "
            f"{row['holdout_success']:>8}  {ours:>8}  "
            f"{samples:>8}  {tutorial:>12}  "
            f"{row['tutorial_accuracy']:>8.1%}  {speed:>8}  "
            f"{row['peak_memory_mib']:>8.0f}"
        )
        if "unroll" in row:
            unroll = row["unroll"]
            lines.append(
                f"    unroll: {unroll['unrolled']['update_ms']:.2f} ms "
                f"per update unrolled vs {unroll['loop']['update_ms']:.2f} "
                f"with the loop ({unroll['update_ratio']:.2f}x); first "
                f"update {unroll['unrolled']['first_update_seconds']:.1f} "
                f"vs {unroll['loop']['first_update_seconds']:.1f} s"
            )
        if "recipe" in row:
            recipe = row["recipe"]
            lines.append(
                "    chapter's recipe: "
                f"{recipe['seconds']['median']:.1f} s (median), held-out "
                f"{recipe['holdout_success']} at the "
                f"target, {recipe['speedup']:.2f}x the tutorial's speed"
            )
        if "decoding" in row:
            ms, ratios = (
                row["decoding"]["ms_per_source"],
                row["decoding"]["ratios"],
            )
            lines.append(
                "    decoding, ms per source: "
                + ", ".join(f"{k} {v:.3g}" for k, v in ms.items())
            )
            lines.append(
                "    ratios: "
                + ", ".join(f"{k} {v:.3g}x" for k, v in ratios.items())
            )
    lines.append(
        "success: seeds stopped at the target on the check set; "
        "held-out: seeds at the target on the held-out set"
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
    results, start, load_start = [], time.perf_counter(), os.getloadavg()
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
            "chapters": chapters,
            "full": len(seeds) == 10
            and fraction == 1.0
            and args.budget_scale == 1.0
            and chapters == list(CHAPTERS),
        },
        "wall_seconds": time.perf_counter() - start,
        "load_average_1min": {
            "start": load_start[0],
            "end": os.getloadavg()[0],
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
