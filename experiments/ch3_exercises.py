"""Chapter 3, the exercises' worked solution: the whole sequence as one
sample (exercise ``ch3-full``).

The chapter's corrected layout (six streams side by side, a stateful
LSTM of 50 units returning one prediction per step, batches of 6 in
order, learning rate 0.01) with a window of 24 steps: each stream is a
single sample, so a batch of 6 streams is one update. Five seeds side by
side (copy k seeded 3 + k, as in the chapter), trained on the chapter's
600 fresh sequences (100 updates) and scored; then trained on the same
600 sequences five more times, in the same order (600 updates in all,
the 4-step windows' count), and scored again. Scored on the chapter's
60 unseen sequences (seed 2024), the cold start left out.

Run: make experiments ONLY=ch3_exercises (about 90 seconds on 2 CPU
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

N_SEQUENCES, LEARNING_RATE, N_SEEDS, SEED, TEST_SEED = 600, 0.01, 5, 3, 2024
WINDOW, REPEATS = 24, 5


def streams(rng):
    """Six streams of 25 values side by side, one 24-step sample each."""
    return lag_streams(rng, n_streams=6, length=25, window=WINDOW)


def stream_model():
    """The chapter's stateful LSTM(50) on 24-step windows."""
    return build_lstm(
        WINDOW,
        100,
        50,
        batch_size=6,
        stateful=True,
        return_sequences=True,
        learning_rate=LEARNING_RATE,
    )


def whole_sequence():
    """Five seeds at 100 updates, then at 600 on the same sequences."""
    whole = build_copies(stream_model, N_SEEDS, seed=SEED)
    fit_copies(whole, streams, N_SEQUENCES // 6, 6, seed=SEED, verbose=0)
    scores = {100: evaluate_copies(whole, streams, 10, 6, seed=TEST_SEED)}
    for _ in range(REPEATS):  # the same 600 sequences again, in order
        fit_copies(
            whole, streams, N_SEQUENCES // 6, 6, seed=SEED, verbose=0
        )
    scores[600] = evaluate_copies(whole, streams, 10, 6, seed=TEST_SEED)
    return scores


if __name__ == "__main__":
    keras.utils.set_random_seed(SEED)
    start = time.perf_counter()
    scores = whole_sequence()
    for updates, evaluations in scores.items():
        print(
            f"whole sequence, {updates} updates: "
            f"{format_seeds(evaluations)}"
        )
    write_results(
        __file__,
        {
            f"{updates} updates": [float(e.accuracy) for e in evaluations]
            for updates, evaluations in scores.items()
        },
        seeds=[SEED + k for k in range(N_SEEDS)],
        budgets={
            "sequences": N_SEQUENCES,
            "batch": 6,
            "updates": list(scores),
        },
        wall_seconds=time.perf_counter() - start,
    )
