"""Chapter 3, experiment 1 at the chapter's budget and at four times it.

The corrected layout with a one-step gradient (six streams side by side,
one timestep per sample, a stateful LSTM of 50 units, batches of 6), five
seeds side by side, as in the chapter. Three variants:

- trained at the chapter's learning rate, 0.01;
- trained at the original tutorial's rate, 0.001;
- the LSTM frozen at its random initial weights, only the softmax trained
  (rate 0.01): the control for "one-step updates teach the LSTM nothing".

Each variant trains on 2,400 fresh sequences (400 batches of 6 streams)
and is scored after 600 (the chapter's budget) and after 2,400 on the
chapter's 60 unseen sequences, overall and by values read since a reset.

Run: make experiments ONLY=ch3_one_step_budget (about 6 minutes on 2 CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import lag_streams
from seqecho.models import build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    data_generators,
    evaluate_copies,
    fit_copies,
)

N_SEEDS, SEED, TEST_SEED = 5, 3, 2024
CHECKPOINTS = [600, 2400]  # sequences; 6 per call of the data function


def streams(rng):
    return lag_streams(rng, n_streams=6, length=25, window=1)


def model(learning_rate, frozen):
    built = build_lstm(
        1,
        100,
        50,
        batch_size=6,
        stateful=True,
        return_sequences=True,
        learning_rate=learning_rate,
    )
    built.get_layer("lstm").trainable = not frozen  # before joining
    return built


def by_step(evaluation):
    """Accuracy at each of the streams' 24 steps (step 0 is the cold
    start), from an evaluation of 6-stream batches."""
    hits = evaluation.expected == evaluation.predicted
    return (
        hits.reshape(-1, 24, 6)
        .transpose(0, 2, 1)
        .reshape(-1, 24)[:, 1:]
        .mean(0)
    )


def run(learning_rate, frozen):
    multi = build_copies(
        lambda: model(learning_rate, frozen), N_SEEDS, seed=SEED
    )
    generators = data_generators(SEED, N_SEEDS)  # one stream per copy
    scores, done = {}, 0
    for checkpoint in CHECKPOINTS:
        fit_copies(
            multi,
            streams,
            (checkpoint - done) // 6,
            6,
            seed=generators,
            verbose=0,
        )
        done = checkpoint
        evaluations = evaluate_copies(multi, streams, 10, 6, seed=TEST_SEED)
        scores[str(checkpoint)] = {
            "accuracy": [float(e.accuracy) for e in evaluations],
            "by_step": [by_step(e).round(4).tolist() for e in evaluations],
        }
    return scores


if __name__ == "__main__":
    keras.utils.set_random_seed(SEED)
    start = time.perf_counter()
    results = {
        "trained, rate 0.01": run(0.01, frozen=False),
        "trained, rate 0.001": run(0.001, frozen=False),
        "LSTM frozen, rate 0.01": run(0.01, frozen=True),
    }
    for name, scores in results.items():
        for checkpoint, score in scores.items():
            accuracy = np.array(score["accuracy"])
            print(
                f"{name}, {checkpoint} sequences: {accuracy.mean():.1%} "
                f"({accuracy.min():.1%}-{accuracy.max():.1%})"
            )
    write_results(
        __file__,
        results,
        seeds=[SEED + k for k in range(N_SEEDS)],
        budgets={"sequences": CHECKPOINTS, "batch": 6},
        wall_seconds=time.perf_counter() - start,
    )
