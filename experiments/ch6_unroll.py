"""Chapter 6, the note on ``unroll=True``: the same model, and how fast
each builds and trains here.

The chapter's encoder-decoder (5 values in, the first 2 out, LSTM(150)
encoder and decoder, stateless, learning rate 0.003) is built twice from
seed 6, once unrolled and once with a compiled loop, the loop model given
the unrolled one's weights. Recorded: the largest difference between
their predictions on one unseen sequence's 21 windows (seed 7); the
largest difference between their weights after both made the same 50
updates, one fresh sequence of 21 windows each (seed 6); and the
processor seconds (``time.process_time``) of each model's first update
(its step compiled) and of the 49 after it.

Run: make experiments ONLY=ch6_unroll (about 20 seconds on 2 busy CPU
cores, 50 with Python's start-up).
"""

import time

import keras
import numpy as np

from seqecho.data import generate_sequence, one_hot_encode, to_supervised
from seqecho.models import build_repeat_encoder_decoder
from seqecho.results import write_results

SEED, TEST_SEED, UPDATES = 6, 7, 50


def first_two(rng):
    """One sequence's 21 windows of 5 one-hot values, the target the
    first 2 of each."""
    sequence = one_hot_encode(generate_sequence(25, 100, seed=rng))
    return to_supervised(sequence, n_in=5, n_out=2)


def timed_updates(model, batches):
    """Train on each batch in turn; the processor seconds of the first
    update and of the rest."""
    start = time.process_time()
    model.train_on_batch(*batches[0])
    first = time.process_time() - start
    start = time.process_time()
    for X, y in batches[1:]:
        model.train_on_batch(X, y)
    return first, time.process_time() - start


def max_difference(a, b):
    """The largest absolute difference between two lists of arrays."""
    pairs = zip(a, b, strict=True)
    return float(max(np.abs(u - v).max() for u, v in pairs))


if __name__ == "__main__":
    start = time.perf_counter()
    keras.utils.set_random_seed(SEED)
    models = {
        name: build_repeat_encoder_decoder(
            5, 2, 100, 150, learning_rate=0.003, unroll=unroll
        )
        for name, unroll in [("unrolled", True), ("loop", False)]
    }
    models["loop"].set_weights(models["unrolled"].get_weights())
    X_test, _ = first_two(np.random.default_rng(TEST_SEED))
    forward = max_difference(
        *[[m.predict_on_batch(X_test)] for m in models.values()]
    )
    rng = np.random.default_rng(SEED)
    batches = [first_two(rng) for _ in range(UPDATES)]
    seconds = {
        name: timed_updates(m, batches) for name, m in models.items()
    }
    trained = max_difference(*[m.get_weights() for m in models.values()])
    print(f"same weights, predictions differ by at most {forward:.1e}")
    print(f"after {UPDATES} updates, weights differ by {trained:.1e}")
    for name, (first, rest) in seconds.items():
        print(
            f"{name:>8}: first update {first:.2f} CPU s, the next "
            f"{UPDATES - 1} {rest:.2f} CPU s"
        )
    write_results(
        __file__,
        {
            "forward_max_difference": forward,
            "trained_max_difference": trained,
            "cpu_seconds": {
                name: {"first": first, "rest": rest}
                for name, (first, rest) in seconds.items()
            },
        },
        seeds=[SEED, TEST_SEED],
        budgets={"updates": UPDATES, "batch": 21},
        wall_seconds=time.perf_counter() - start,
    )
