"""Chapter 6, the exercises at four times their budget: learning curves
by output length to 1,200 updates, each output position scored, and a
batch of 1 against the batch of 21 on up to 6,300 windows.

1. Output length (ch6-longer): the exercise's sweep run to 1,200 updates
   instead of 300. The chapter's encoder-decoder, stateless, unrolled,
   learning rate 0.003, echoing the first 2, 3 or all 5 of 5 values with
   150 units, and all 5 with 50 units; five copies side by side (copy k
   seeded 20 + k, weights and data), one fresh sequence of 21 windows per
   update. Every 100 updates each copy is scored on the same 20 unseen
   sequences (seed 6666, 420 windows), over all elements and at each
   output position. The first 300 updates are the exercise's.
2. Batch size (ch6-state): the "first 2, 150 units" copies, put back to
   their starting weights, trained with a batch of 1 on their first
   6,300 windows (the 300 sequences the sweep drew first), scored after
   1,260 and after 6,300; and with a batch of 21 on the first 1,260
   windows (60 updates). The batch of 21 on 6,300 windows is the sweep's
   check at 300 updates. Times are processor seconds
   (``time.process_time``) of the training steps alone, each batch
   size's step compiled first on a throwaway batch.

Run: make experiments ONLY=ch6_budget (about 9 minutes on 2 busy CPU
cores).
"""

import time

import numpy as np

from seqecho.data import (
    generate_sequence,
    one_hot_encode,
    stack_sequences,
    to_supervised,
)
from seqecho.models import build_repeat_encoder_decoder, restart_point
from seqecho.results import write_results
from seqecho.seeds import build_copies, format_seeds

SEEDS, CHECK_EVERY, N_CHECKS = 5, 100, 12  # 1,200 updates
SEED, TEST_SEED = 20, 6666
CONDITIONS = {
    "first 2, 150 units": (2, 150),
    "first 3, 150 units": (3, 150),
    "all 5, 150 units": (5, 150),
    "all 5, 50 units": (5, 50),
}
BATCH_WINDOWS = (1260, 6300)  # 4 and 20 times the exercise's 315


def partial(n_out):
    """The chapter's data: 21 windows of 5 one-hot values, the target
    the first n_out of each."""

    def make(rng):
        sequence = one_hot_encode(generate_sequence(25, 100, seed=rng))
        return to_supervised(sequence, n_in=5, n_out=n_out)

    return make


def position_accuracy(copies, n_out):
    """Each copy's accuracy at each output position on the same 20
    unseen sequences (seeds x positions)."""
    X_test, y_test = stack_sequences(partial(n_out), 20, seed=TEST_SEED)
    predicted = copies.predict_on_batch([X_test] * SEEDS)
    return np.array(
        [
            np.mean(p.argmax(-1) == y_test.argmax(-1), axis=0)
            for p in predicted
        ]
    )


def warm_up(copies, restart, n_out, batch_size):
    """Compile the copies' training step with one step on a throwaway
    batch, then restart() them, so no timing includes compilation."""
    X, y = partial(n_out)(np.random.default_rng(0))
    copies.fit(
        [X[:batch_size]] * SEEDS,
        [y[:batch_size]] * SEEDS,
        batch_size=batch_size,
        shuffle=False,
        verbose=0,
    )
    restart()


def long_curve(n_out, n_units):
    """Per-position unseen accuracy (checks x seeds x positions), the
    processor seconds of each check's 100 updates, and the copies with
    their restart."""
    copies = build_copies(
        lambda: build_repeat_encoder_decoder(
            5, n_out, 100, n_units, learning_rate=0.003, unroll=True
        ),
        SEEDS,
        seed=SEED,
    )
    restart = restart_point(copies)  # back to the starting weights
    warm_up(copies, restart, n_out, batch_size=21)
    rngs = [np.random.default_rng(SEED + k) for k in range(SEEDS)]
    curve, seconds = [], []
    for _ in range(N_CHECKS):
        data = [
            stack_sequences(partial(n_out), CHECK_EVERY, rng)
            for rng in rngs
        ]
        start = time.process_time()
        copies.fit(
            [X for X, _ in data],
            [y for _, y in data],
            batch_size=21,
            shuffle=False,
            verbose=0,
        )
        seconds.append(time.process_time() - start)
        curve.append(position_accuracy(copies, n_out))
    return np.array(curve), seconds, (copies, restart)


def train(copies, windows, batch_size, part):
    """Train the copies on windows[part]; return the processor seconds
    it took and each copy's unseen accuracy after it."""
    start = time.process_time()
    copies.fit(
        [X[part] for X, _ in windows],
        [y[part] for _, y in windows],
        batch_size=batch_size,
        shuffle=False,
        verbose=0,
    )
    seconds = time.process_time() - start
    return seconds, position_accuracy(copies, 2).mean(axis=1)


def more_windows(copies, restart):
    """Batch 21 on the first 1,260 windows, and batch 1 on the first
    1,260 and 6,300, each from the starting weights."""
    windows = [  # each copy's first 300 sequences, as the sweep drew
        stack_sequences(partial(2), 300, np.random.default_rng(SEED + k))
        for k in range(SEEDS)
    ]
    warm_up(copies, restart, 2, batch_size=21)  # ends at the start
    b21 = train(copies, windows, 21, slice(0, BATCH_WINDOWS[0]))
    warm_up(copies, restart, 2, batch_size=1)
    first = train(copies, windows, 1, slice(0, BATCH_WINDOWS[0]))
    rest = train(copies, windows, 1, slice(*BATCH_WINDOWS))
    return b21, first, (first[0] + rest[0], rest[1])


def as_run(windows, updates, run):
    """A run's record: its windows, updates, CPU seconds and each
    copy's unseen accuracy."""
    seconds, accuracy = run
    return {
        "windows": windows,
        "updates": updates,
        "cpu_seconds": float(seconds),
        "accuracy": [float(a) for a in accuracy],
    }


def main():
    """Run both experiments and write ch6_budget.json."""
    start = time.perf_counter()
    positions, seconds, trained = {}, {}, {}
    # "first 2, 150 units" last, as in ch6_exercises.py: its copies are
    # reused, and a later build_copies would make their step recompile
    for name, (n_out, n_units) in reversed(CONDITIONS.items()):
        positions[name], seconds[name], trained[name] = long_curve(
            n_out, n_units
        )
        overall = positions[name].mean(axis=-1)  # checks x seeds
        for i in (2, N_CHECKS - 1):
            print(
                f"{name}, {CHECK_EVERY * (i + 1)} updates: "
                f"{format_seeds(overall[i])}; by position "
                f"{np.round(positions[name][i].mean(0) * 100, 1)}"
            )
    b21_1260, b1_1260, b1_6300 = more_windows(
        *trained["first 2, 150 units"]
    )
    b21_6300 = (
        sum(seconds["first 2, 150 units"][:3]),
        positions["first 2, 150 units"][2].mean(axis=-1),
    )
    runs = {
        "1260 windows": {
            "batch 21": as_run(1260, 60, b21_1260),
            "batch 1": as_run(1260, 1260, b1_1260),
        },
        "6300 windows": {
            "batch 21": as_run(6300, 300, b21_6300),
            "batch 1": as_run(6300, 6300, b1_6300),
        },
    }
    for same, by_batch in runs.items():
        for batch, run in by_batch.items():
            print(
                f"{same}, {batch}: {run['cpu_seconds']:.1f} CPU s, "
                f"{format_seeds(run['accuracy'])}"
            )
    write_results(
        __file__,
        {
            "updates": [CHECK_EVERY * (i + 1) for i in range(N_CHECKS)],
            "curves": {  # checks x seeds
                name: positions[name].mean(axis=-1).tolist()
                for name in CONDITIONS
            },
            "positions": {  # checks x seeds x positions
                name: positions[name].tolist() for name in CONDITIONS
            },
            "cpu_seconds": {name: seconds[name] for name in CONDITIONS},
            "batch_size": runs,
        },
        seeds=[SEED + k for k in range(SEEDS)],
        budgets={
            "updates": CHECK_EVERY * N_CHECKS,
            "check_every": CHECK_EVERY,
            "batch": 21,
            "test_sequences": 20,
            "batch_size": {"windows": list(BATCH_WINDOWS)},
        },
        wall_seconds=time.perf_counter() - start,
    )


if __name__ == "__main__":
    main()
