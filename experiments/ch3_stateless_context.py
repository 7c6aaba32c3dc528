"""Chapter 3, experiment 3's control: the context model without state.

The chapter's context model (each sample a window of two timesteps,
[x(t-1), x(t)], in the tutorial's layout, an LSTM of 50 units, rate 0.01,
batches of 6 in order) with only ``stateful`` changed: a stateless LSTM,
five seeds side by side (copy k seeded 3 + k, as in the chapter), on the
same 600 fresh sequences per copy in the same order, 2,400 updates.
Scored on the chapter's 60 unseen sequences (seed 2024); every pair
counts (a window of two values has no cold start).

Run: make experiments ONLY=ch3_stateless_context (about 10 seconds on 2
CPU cores).
"""

import time

import keras

from seqecho.data import generate_sequence, one_hot_encode, to_lagged
from seqecho.models import build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    evaluate_copies,
    fit_copies,
    format_seeds,
)

N_SEQUENCES, N_SEEDS, SEED, TEST_SEED = 600, 5, 3, 2024
LEARNING_RATE = 0.01


def context_data(rng):
    encoded = one_hot_encode(generate_sequence(25, 100, seed=rng))
    return to_lagged(encoded, n_in=2, lag=1)


def stateless_context_model():
    return build_lstm(2, 100, 50, learning_rate=LEARNING_RATE)


if __name__ == "__main__":
    keras.utils.set_random_seed(SEED)
    start = time.perf_counter()
    multi = build_copies(stateless_context_model, N_SEEDS, seed=SEED)
    fit_copies(multi, context_data, N_SEQUENCES, 6, seed=SEED, verbose=0)
    evaluations = evaluate_copies(
        multi, context_data, 60, 6, seed=TEST_SEED
    )
    accuracy = [float(e.accuracy) for e in evaluations]
    print(f"context in each sample, stateless: {format_seeds(accuracy)}")
    write_results(
        __file__,
        {"accuracy": accuracy},
        seeds=[SEED + k for k in range(N_SEEDS)],
        budgets={"sequences": N_SEQUENCES, "batch": 6, "updates": 2400},
        wall_seconds=time.perf_counter() - start,
    )
