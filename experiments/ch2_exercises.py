"""Chapter 2, the exercises' worked solutions: the next value, and how
small the layer can be.

Exercise 1 (``ch2-next``): the chapter's LSTM of 15 units (learning rate
0.01, seed 3) trained to answer x(t+1) from x(t) on 300 fresh sequences
(data seed 3), then scored on 400 unseen sequences (seed 4): accuracy,
cross-entropy against an even spread, and which values it ever answers.

Exercise 2 (``ch2-small``): LSTMs of 4 and of 8 units, five seeds each
side by side (copy k seeded 4 + k, its data stream 5 + k), trained on 500
fresh sequences, scored, then continued on the same streams to 2,000 and
scored again; each time on 200 unseen sequences (seed 6).

Run: make experiments ONLY=ch2_exercises (about 50 seconds on 2 CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import generate_sequence, one_hot_encode, stack_sequences
from seqecho.evaluate import evaluate_sequences
from seqecho.models import build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    data_generators,
    evaluate_copies,
    fit_copies,
    format_seeds,
)
from seqecho.train import fit_sequences

NEXT_SEED, NEXT_SEQUENCES, NEXT_TEST = 3, 300, 400
SMALL_SEED, STREAM_SEED, SMALL_TEST = 4, 5, 6
UNITS, BUDGETS, N_SEEDS = (4, 8), (500, 2000), 5  # sequences


def make_data(rng):
    """One sequence of 25 values to echo: X (25, 1, 100), y (25, 100)."""
    encoded = one_hot_encode(generate_sequence(25, 100, seed=rng), 100)
    return encoded[:, np.newaxis, :], encoded


def make_next(rng):
    """25 values, each paired with the value after it: x(t) -> x(t+1)."""
    encoded = one_hot_encode(generate_sequence(26, 100, seed=rng), 100)
    return encoded[:-1, np.newaxis, :], encoded[1:]


def next_value():
    """Train the LSTM(15) on x(t) -> x(t+1); score it on unseen data."""
    keras.utils.set_random_seed(NEXT_SEED)
    model = build_lstm(1, 100, 15, learning_rate=0.01)
    fit_sequences(
        model, make_next, NEXT_SEQUENCES, 25, seed=NEXT_SEED, verbose=0
    )
    accuracy = evaluate_sequences(
        model, make_next, NEXT_TEST, seed=4
    ).accuracy
    X, y = stack_sequences(make_next, NEXT_TEST, seed=4)  # the same 400
    p = np.asarray(model.predict(X, batch_size=2000, verbose=0))
    loss = -np.mean(np.log(np.sum(p * y, axis=-1)))
    return {
        "accuracy": float(accuracy),
        "cross-entropy": float(loss),
        "values answered": np.unique(p.argmax(-1)).tolist(),
    }


def small_layers():
    """Five seeds of LSTM(4) and LSTM(8), scored at 500 and 2,000."""
    sweep = {}
    for units in UNITS:
        copies = build_copies(
            lambda units=units: build_lstm(
                1, 100, units, learning_rate=0.01
            ),
            N_SEEDS,
            seed=SMALL_SEED,
        )
        # each copy's own data stream, continued between the budgets
        streams = data_generators(STREAM_SEED, N_SEEDS)
        for budget, more in ((500, 500), (2000, 1500)):
            fit_copies(
                copies,
                make_data,
                more,
                25,
                seed=streams,
                verbose=0,
            )
            sweep[units, budget] = evaluate_copies(
                copies, make_data, 200, seed=SMALL_TEST
            )
    return sweep


if __name__ == "__main__":
    start = time.perf_counter()
    nxt = next_value()
    print(
        f"next-value accuracy on unseen sequences: {nxt['accuracy']:.1%}, "
        f"cross-entropy {nxt['cross-entropy']:.3f} nats, "
        f"{len(nxt['values answered'])} values answered"
    )
    sweep = small_layers()
    for (units, budget), scores in sweep.items():
        print(
            f"{units} units, {budget:,} sequences: {format_seeds(scores)}"
        )
    write_results(
        __file__,
        {
            "next value": nxt,
            "small layers": {
                f"{units} units": {
                    str(budget): [
                        float(e.accuracy) for e in sweep[units, budget]
                    ]
                    for budget in BUDGETS
                }
                for units in UNITS
            },
        },
        seeds=[NEXT_SEED] + [SMALL_SEED + k for k in range(N_SEEDS)],
        budgets={
            "next value: sequences": NEXT_SEQUENCES,
            "small layers: sequences": list(BUDGETS),
            "batch": 25,
        },
        wall_seconds=time.perf_counter() - start,
    )
