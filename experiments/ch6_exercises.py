"""Chapter 6, the exercises' runs: learning curves by output length, and
a batch of 1 against the batch of 21.

1. Output length (ch6-longer): the chapter's encoder-decoder, stateless,
   unrolled, learning rate 0.003, echoing the first 2, 3 or all 5 of 5
   values with 150 units, and all 5 with 50 units. Each condition trains
   five copies side by side (copy k seeded 20 + k, weights and data), one
   fresh sequence of 21 windows per update, 300 updates; every 100
   updates each copy is scored on the same 20 unseen sequences (seed
   6666, 420 windows, every element counted), and the processor seconds
   (``time.process_time``) of each round of 100 updates are recorded, the
   training step compiled first on a throwaway batch.
2. Batch size (ch6-state): the "first 2, 150 units" copies, put back to
   their starting weights, trained again with a batch of 1 on the windows
   they saw first: 300 updates (300 windows), then 15 more (all 315
   windows of their first 15 sequences); and with a batch of 21 on the
   same 315 windows (15 updates). Scored like the sweep; the batch-21 run
   at 300 updates is the sweep's.

Run: make experiments ONLY=ch6_exercises (about 1 minute on 2 idle CPU
cores, up to 3 when other jobs share them).
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

SEEDS, CHECK_EVERY, N_CHECKS = 5, 100, 3
SEED, TEST_SEED = 20, 6666


def partial(n_out):
    """The chapter's data: 21 windows of 5 one-hot values, the target
    the first n_out of each."""

    def make(rng):
        sequence = one_hot_encode(generate_sequence(25, 100, seed=rng))
        return to_supervised(sequence, n_in=5, n_out=n_out)

    return make


def unseen_accuracy(copies, n_out):
    """Each copy's element accuracy on the same 20 unseen sequences."""
    X_test, y_test = stack_sequences(partial(n_out), 20, seed=TEST_SEED)
    predicted = copies.predict_on_batch([X_test] * SEEDS)
    return np.array(
        [np.mean(p.argmax(-1) == y_test.argmax(-1)) for p in predicted]
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


def learning_curve(n_out, n_units):
    """Unseen element accuracy (checks x seeds), the processor seconds
    each check's 100 updates took, and the copies with their restart."""
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
        start = time.process_time()  # not the wall clock
        copies.fit(
            [X for X, _ in data],
            [y for _, y in data],
            batch_size=21,
            shuffle=False,
            verbose=0,
        )
        seconds.append(time.process_time() - start)
        curve.append(unseen_accuracy(copies, n_out))
    return np.array(curve), seconds, (copies, restart)


def sweep():
    """Each condition's learning curve and processor seconds, and its
    copies with their restart."""
    conditions = {
        "first 2, 150 units": (2, 150),
        "first 3, 150 units": (3, 150),
        "all 5, 150 units": (5, 150),
        "all 5, 50 units": (5, 50),
    }
    curves, seconds, trained = {}, {}, {}
    # "first 2, 150 units" last: the last exercise reuses its copies,
    # and a later build_copies (it sets the seeds) would make their step
    # compile again
    for name, (n_out, n_units) in reversed(conditions.items()):
        curves[name], seconds[name], trained[name] = learning_curve(
            n_out, n_units
        )
    curves = {name: curves[name] for name in conditions}  # table order
    return curves, seconds, trained


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
    return time.process_time() - start, unseen_accuracy(copies, 2)


def batch_of_one(copies, restart):
    """The batch of 1 and the batch of 21 on the copies' first 315
    windows, each from the starting weights."""
    windows = [  # each copy's first 15 sequences, as the sweep drew them
        stack_sequences(partial(2), 15, np.random.default_rng(SEED + k))
        for k in range(SEEDS)
    ]
    warm_up(copies, restart, 2, batch_size=21)  # each ends at the start
    b21_315 = train(copies, windows, 21, slice(0, 315))  # 15 updates
    warm_up(copies, restart, 2, batch_size=1)
    b1_300 = train(copies, windows, 1, slice(0, 300))  # 300 updates
    b1_more = train(copies, windows, 1, slice(300, 315))  # 315 windows
    b1_315 = (b1_300[0] + b1_more[0], b1_more[1])
    return b21_315, b1_300, b1_315


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


if __name__ == "__main__":
    start = time.perf_counter()
    curves, seconds, trained = sweep()
    for name, curve in curves.items():
        print(f"{name}: {format_seeds(curve[-1])} at 300 updates")
    b21_315, b1_300, b1_315 = batch_of_one(*trained["first 2, 150 units"])
    b21_300 = (
        sum(seconds["first 2, 150 units"]),
        curves["first 2, 150 units"][-1],
    )
    runs = {
        "300 updates": {
            "batch 21": as_run(6300, 300, b21_300),
            "batch 1": as_run(300, 300, b1_300),
        },
        "315 windows": {
            "batch 21": as_run(315, 15, b21_315),
            "batch 1": as_run(315, 315, b1_315),
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
            "curves": {name: c.tolist() for name, c in curves.items()},
            "cpu_seconds": {name: seconds[name] for name in curves},
            "batch_size": runs,
        },
        seeds=[SEED + k for k in range(SEEDS)],
        budgets={
            "updates": CHECK_EVERY * N_CHECKS,
            "check_every": CHECK_EVERY,
            "batch": 21,
            "test_sequences": 20,
            "batch_size": {"windows": 315, "updates_batch_1": 315},
        },
        wall_seconds=time.perf_counter() - start,
    )
