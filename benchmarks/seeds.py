"""Wall time of 5 seeds trained side by side (`seqecho.seeds`) against 1
seed, on the same sequences.

Two models: the chapter 3 model (stateful LSTM, 50 units, batches of 6
one-step samples, 24 samples per sequence) and the chapter 6 model
(RepeatVector encoder-decoder, 150 units, one batch of 21 windows per
sequence). Each is timed three ways on the same number of sequences:

- ``one``: one seed with ``fit_sequences`` (the chapters' loop);
- ``side_by_side_1`` and ``side_by_side_5``: ``build_copies`` +
  ``fit_copies`` with 1 and 5 seeds;
- ``one_wide``: one seed whose every batch holds 5 sequences' batches, so
  its step does the arithmetic of 5 copies with the operations of one. If
  it costs about as much as 5 side by side, arithmetic sets the pace and
  no way of running the copies can reach 2x; if it costs about as much as
  one seed, the operations' fixed cost does.

Compilation is excluded: every model trains on a few warm-up sequences
before the clock starts. Repeats alternate the three and the median is
kept (the machine may be shared). Results go to a JSON file; the ratio to
read is ``side_by_side_5 / one`` (5 seeds one after another would cost
about 5). The defaults, 100 sequences and 3 repeats, take about 3 minutes.

    python benchmarks/seeds.py                 # the defaults
    python benchmarks/seeds.py --sequences 40  # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from recipes import beginner, first2  # noqa: E402
from run import machine  # noqa: E402

from seqecho.models import build_lstm, build_repeat_encoder_decoder  # noqa: E402
from seqecho.seeds import build_copies, fit_copies  # noqa: E402
from seqecho.train import fit_sequences  # noqa: E402

# Sequences trained before timing: they trace and compile the train step.
WARM_UP = 3

MODELS = {
    3: (
        "stateful LSTM(50), batch 6, 1 step x 100 features, "
        "24 samples per sequence",
        beginner,
        6,
        lambda batch_size: build_lstm(
            1,
            100,
            50,
            batch_size=batch_size,
            stateful=True,
            learning_rate=0.01,
        ),
    ),
    6: (
        "RepeatVector encoder-decoder(5, 2, 100, 150), unrolled, batch 21, "
        "21 samples per sequence",
        first2,
        21,
        lambda batch_size: build_repeat_encoder_decoder(
            5, 2, 100, 150, learning_rate=0.003, unroll=True
        ),
    ),
}


def wide(make_data: Callable, n: int, batch_size: int) -> Callable:
    """``make_data`` for one model fed ``n`` sequences at once: batch ``j``
    of the result is batch ``j`` of each of ``n`` sequences, one after
    another (``n * batch_size`` samples)."""

    def make(rng):
        parts = [make_data(rng) for _ in range(n)]
        steps = range(0, len(parts[0][0]), batch_size)
        return tuple(
            np.concatenate(
                [
                    part[i][j : j + batch_size]
                    for j in steps
                    for part in parts
                ]
            )
            for i in range(len(parts[0]))
        )

    return make


def timed_one(
    build: Callable, make_data: Callable, batch_size: int, n_sequences: int
) -> float:
    """Seconds for one seed trained with ``fit_sequences``, after a
    warm-up."""
    keras.utils.set_random_seed(0)
    model = build(batch_size)
    fit_sequences(model, make_data, WARM_UP, batch_size, seed=0, verbose=0)
    return fit_sequences(
        model, make_data, n_sequences, batch_size, seed=1, verbose=0
    ).seconds


def timed_copies(
    build: Callable,
    make_data: Callable,
    batch_size: int,
    n_sequences: int,
    n_seeds: int,
) -> float:
    """Seconds for ``n_seeds`` seeds trained side by side with
    ``fit_copies``, after a warm-up."""
    multi = build_copies(lambda: build(batch_size), n_seeds, seed=0)
    fit_copies(multi, make_data, WARM_UP, batch_size, seed=100, verbose=0)
    return fit_copies(
        multi, make_data, n_sequences, batch_size, seed=0, verbose=0
    ).seconds


def measure(
    chapter: int, n_sequences: int, repeats: int, n_seeds: int
) -> dict:
    title, make_data, batch_size, build = MODELS[chapter]
    runs = {
        "one": [],
        "side_by_side_1": [],
        f"side_by_side_{n_seeds}": [],
        "one_wide": [],
    }
    for _ in range(repeats):
        runs["one"].append(
            timed_one(build, make_data, batch_size, n_sequences)
        )
        runs["one_wide"].append(
            timed_one(
                build,
                wide(make_data, n_seeds, batch_size),
                n_seeds * batch_size,
                n_sequences,
            )
        )
        runs["side_by_side_1"].append(
            timed_copies(build, make_data, batch_size, n_sequences, 1)
        )
        runs[f"side_by_side_{n_seeds}"].append(
            timed_copies(build, make_data, batch_size, n_sequences, n_seeds)
        )
        keras.backend.clear_session()
    seconds = {
        name: float(np.median(values)) for name, values in runs.items()
    }
    many = seconds[f"side_by_side_{n_seeds}"]
    return {
        "chapter": chapter,
        "model": title,
        "batch_size": batch_size,
        "sequences": n_sequences,
        "seeds": n_seeds,
        "seconds_median": seconds,
        "seconds_all": runs,
        "ratio": many / seconds["one"],
        "ratio_to_side_by_side_1": many / seconds["side_by_side_1"],
        "ratio_one_wide": seconds["one_wide"] / seconds["one"],
        "speedup_vs_one_after_another": n_seeds * seconds["one"] / many,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sequences", type=int, default=100, help="timed sequences per run"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs of each kind (median kept)",
    )
    parser.add_argument(
        "--seeds", type=int, default=5, help="seeds side by side"
    )
    parser.add_argument("--chapters", default="3,6", help="among 3,6")
    parser.add_argument("--out", default=str(HERE / "seeds.json"))
    args = parser.parse_args(argv)
    chapters = [int(c) for c in args.chapters.split(",")]
    if min(args.sequences, args.repeats, args.seeds) < 1 or not set(
        chapters
    ) <= set(MODELS):
        parser.error(
            "--sequences, --repeats and --seeds must be >= 1; "
            "--chapters among 3,6"
        )
    start, rows = time.perf_counter(), []
    load = os.getloadavg()[0]  # other work on the machine
    for chapter in chapters:
        print(
            f"chapter {chapter}: {args.repeats} x (1 seed, 1 side by side, "
            f"{args.seeds} side by side) ...",
            flush=True,
        )
        rows.append(
            measure(chapter, args.sequences, args.repeats, args.seeds)
        )
    report = {
        "machine": machine(keras.backend.backend()),
        "settings": {
            "sequences": args.sequences,
            "repeats": args.repeats,
            "seeds": args.seeds,
            "warm_up_sequences": WARM_UP,
        },
        "load_average_1min": {"start": load, "end": os.getloadavg()[0]},
        "results": rows,
        "wall_seconds": time.perf_counter() - start,
    }
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
    for row in rows:
        s, many = row["seconds_median"], f"side_by_side_{row['seeds']}"
        print(
            f"ch{row['chapter']}: 1 seed {s['one']:.2f} s, "
            f"{row['seeds']} side by side {s[many]:.2f} s: "
            f"ratio {row['ratio']:.2f} "
            f"({row['speedup_vs_one_after_another']:.1f}x faster than "
            "one after another); one seed with a "
            f"{row['seeds']}x batch: {s['one_wide']:.2f} s"
        )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
