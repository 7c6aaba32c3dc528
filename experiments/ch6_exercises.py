"""Chapter 6, the exercises' runs at their budget and at four times it:
learning curves by output length to 1,200 updates, each output position
scored, and a batch of 1 against the batch of 21.

1. Output length (ch6-longer): the chapter's encoder-decoder, stateless,
   unrolled, learning rate 0.003, echoing the first 2, 3 or all 5 of 5
   values with 150 units, and all 5 with 50 units. Each condition trains
   five copies side by side (copy k seeded 20 + k, weights and data), one
   fresh sequence of 21 windows per update, 1,200 updates; every 100
   updates each copy is scored on the same 20 unseen sequences (seed
   6666, 420 windows), at each output position, and the processor
   seconds (``time.process_time``) of each round of 100 updates are
   recorded, the training step compiled first on a throwaway batch. The
   exercise's budget is the first 300 updates; the rest is four times it.
2. Batch size (ch6-state): the "first 2, 150 units" copies, put back to
   their starting weights, trained with a batch of 21 on their first 315
   windows (15 updates) and, again from the start, on their first 1,260
   (60 updates); then with a batch of 1 on the windows they saw first,
   scored after 300, 315, 1,260 and 6,300 windows (the 300 sequences the
   sweep drew first). The batch of 21 on 6,300 windows is the sweep's
   check at 300 updates. Scored like the sweep, every element counted.

Run: make experiments ONLY=ch6_exercises. The results file records
how long the run took and on how many cores; the chapter prints it.
"""

import time
from functools import partial

import numpy as np

from seqecho.data import stack_sequences, window_echo
from seqecho.models import build_repeat_encoder_decoder, restart_point
from seqecho.results import write_results
from seqecho.seeds import build_copies, format_seeds

SEEDS, CHECK_EVERY, N_CHECKS = 5, 100, 12  # 1,200 updates
EXERCISE_CHECKS = 3  # the exercise's budget: 300 updates
SEED, TEST_SEED = 20, 6666
CONDITIONS = {
    "first 2, 150 units": (2, 150),
    "first 3, 150 units": (3, 150),
    "all 5, 150 units": (5, 150),
    "all 5, 50 units": (5, 50),
}
BATCH_1_WINDOWS = (300, 315, 1260, 6300)  # scored after each
BATCH_21_WINDOWS = (315, 1260)  # each from the starting weights


def position_accuracy(copies, n_out):
    """Each copy's accuracy at each output position on the same 20
    unseen sequences (seeds x positions)."""
    X_test, y_test = stack_sequences(
        partial(window_echo, n_out=n_out), 20, seed=TEST_SEED
    )
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
    X, y = window_echo(np.random.default_rng(0), n_out)
    copies.fit(
        [X[:batch_size]] * SEEDS,
        [y[:batch_size]] * SEEDS,
        batch_size=batch_size,
        shuffle=False,
        verbose=0,
    )
    restart()


def learning_curve(n_out, n_units):
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
            stack_sequences(partial(window_echo, n_out=n_out), 100, rng)
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
        curve.append(position_accuracy(copies, n_out))
    return np.array(curve), seconds, (copies, restart)


def sweep():
    """Each condition's per-position curve and processor seconds, and
    its copies with their restart."""
    positions, seconds, trained = {}, {}, {}
    # "first 2, 150 units" last: the last exercise reuses its copies,
    # and a later build_copies (it sets the seeds) would make their step
    # compile again
    for name, (n_out, n_units) in reversed(CONDITIONS.items()):
        positions[name], seconds[name], trained[name] = learning_curve(
            n_out, n_units
        )
    return positions, seconds, trained


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


def batch_of_one(copies, restart):
    """The batch of 21 on the copies' first 315 and 1,260 windows, and
    the batch of 1 on their first 300, 315, 1,260 and 6,300, each batch
    size from the starting weights: {(windows, batch): (processor
    seconds, accuracies)}."""
    windows = [  # each copy's first 300 sequences, as the sweep drew
        stack_sequences(
            partial(window_echo, n_out=2),
            300,
            np.random.default_rng(SEED + k),
        )
        for k in range(SEEDS)
    ]
    runs = {}
    for n in BATCH_21_WINDOWS:
        warm_up(copies, restart, 2, batch_size=21)  # ends at the start
        runs[n, 21] = train(copies, windows, 21, slice(0, n))
    warm_up(copies, restart, 2, batch_size=1)
    seconds, done = 0.0, 0
    for n in BATCH_1_WINDOWS:  # on from where the last part stopped
        more, accuracy = train(copies, windows, 1, slice(done, n))
        seconds, done = seconds + more, n
        runs[n, 1] = (seconds, accuracy)
    return runs


def as_run(windows, batch, run):
    """A run's record: its windows, updates, processor seconds and each
    copy's unseen accuracy."""
    seconds, accuracy = run
    return {
        "windows": windows,
        "updates": windows // batch,
        "cpu_seconds": float(seconds),
        "accuracy": [float(a) for a in accuracy],
    }


def main():
    """Run both exercises and write ch6_exercises.json."""
    start = time.perf_counter()
    positions, seconds, trained = sweep()
    for name in CONDITIONS:
        overall = positions[name].mean(axis=-1)  # checks x seeds
        for i in (EXERCISE_CHECKS - 1, N_CHECKS - 1):
            print(
                f"{name}, {CHECK_EVERY * (i + 1)} updates: "
                f"{format_seeds(overall[i])}; by position "
                f"{np.round(positions[name][i].mean(0) * 100, 1)}"
            )
    runs = batch_of_one(*trained["first 2, 150 units"])
    runs[6300, 21] = (  # the sweep's first 300 updates
        sum(seconds["first 2, 150 units"][:EXERCISE_CHECKS]),
        positions["first 2, 150 units"][EXERCISE_CHECKS - 1].mean(-1),
    )
    compared = {  # what each comparison sets side by side
        "300 updates": [(6300, 21), (300, 1)],
        "315 windows": [(315, 21), (315, 1)],
        "1260 windows": [(1260, 21), (1260, 1)],
        "6300 windows": [(6300, 21), (6300, 1)],
    }
    batch_size = {
        same: {f"batch {b}": as_run(n, b, runs[n, b]) for n, b in pair}
        for same, pair in compared.items()
    }
    for same, by_batch in batch_size.items():
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
            "batch_size": batch_size,
        },
        seeds=[SEED + k for k in range(SEEDS)],
        budgets={
            "updates": CHECK_EVERY * N_CHECKS,
            "exercise_updates": CHECK_EVERY * EXERCISE_CHECKS,
            "check_every": CHECK_EVERY,
            "batch": 21,
            "test_sequences": 20,
            "batch_size": {
                "batch_1_windows": list(BATCH_1_WINDOWS),
                "batch_21_windows": list(BATCH_21_WINDOWS),
            },
        },
        wall_seconds=time.perf_counter() - start,
    )


if __name__ == "__main__":
    main()
