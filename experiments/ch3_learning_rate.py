"""Chapter 3, the learning rate: experiment 2 at the original's 0.001.

The chapter's corrected layout with 4-step windows (six streams side by
side, a stateful LSTM of 50 units returning one prediction per step,
batches of 6 in order), five seeds side by side (copy k seeded 3 + k, as
in the chapter), trained at the original tutorial's learning rate, 0.001,
on the chapter's budget: 600 fresh sequences per copy (100 batches of 6
streams, 600 updates). Scored on the chapter's 60 unseen sequences (seed
2024), the cold start left out.

Run: make experiments ONLY=ch3_learning_rate (about 10 seconds on 2 CPU
cores).
"""

import time

import keras

from seqecho.data import lag_streams
from seqecho.models import build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    evaluate_copies,
    fit_copies,
    format_seeds,
)

N_SEQUENCES, N_SEEDS, SEED, TEST_SEED = 600, 5, 3, 2024
LEARNING_RATE = 0.001
WINDOW = 4


def streams(rng):
    return lag_streams(rng, n_streams=6, length=25, window=WINDOW)


def stream_model():
    return build_lstm(
        WINDOW,
        100,
        50,
        batch_size=6,
        stateful=True,
        return_sequences=True,
        learning_rate=LEARNING_RATE,
    )


if __name__ == "__main__":
    keras.utils.set_random_seed(SEED)
    start = time.perf_counter()
    multi = build_copies(stream_model, N_SEEDS, seed=SEED)
    fit_copies(multi, streams, N_SEQUENCES // 6, 6, seed=SEED, verbose=0)
    evaluations = evaluate_copies(multi, streams, 10, 6, seed=TEST_SEED)
    accuracy = [float(e.accuracy) for e in evaluations]
    print(f"layout fixed, 4 steps, rate 0.001: {format_seeds(accuracy)}")
    write_results(
        __file__,
        {"accuracy": accuracy},
        seeds=[SEED + k for k in range(N_SEEDS)],
        budgets={"sequences": N_SEQUENCES, "batch": 6, "updates": 600},
        wall_seconds=time.perf_counter() - start,
    )
