"""Chapter 8, the LSTM's starting forget-gate bias at the chapter's budget
and at four times it.

The chapter's LSTM copies (16 units, five seeds, built in the chapter's
order after ``keras.utils.set_random_seed(8)``), each run from the same
initial weights with the forget gate's bias block overwritten: 0 at gaps
8 and 16, 3 at gaps 16 and 32 (Keras' 1 is in ``ch8_gap_budget``). Adam
at 0.01 on batches of 128 fresh sequences (data seed 100), scored after
250 updates (the chapter's budget) and 1,000 (4x, the same stream
continued) on the chapter's 1,000 unseen sequences per gap.

Run: make experiments ONLY=ch8_forget_bias_budget (about 4 minutes on 2
CPU cores).
"""

import time

import keras
import numpy as np

from seqecho.data import gap_echo
from seqecho.evaluate import accuracy
from seqecho.models import (
    build_recurrent,
    count_parameters,
    restart_point,
    units_for_parameters,
)
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    copy_model,
    data_generators,
    fit_copies,
    n_copies,
)

N_UNIQUE, N_SEEDS, BATCH, DATA_SEED = 10, 5, 128, 100
CELLS = ["SimpleRNN", "GRU", "LSTM"]  # built in the chapter's order
CHECKPOINTS = [250, 1000]  # Adam updates
RUNS = {0.0: [8, 16], 3.0: [16, 32]}  # forget bias: gaps


def echo_data(gap):
    return lambda rng: gap_echo(BATCH, gap, N_UNIQUE, seed=rng)


def seed_accuracies(multi, gap, n_samples=1000):
    X, y = gap_echo(n_samples, gap, N_UNIQUE, seed=2026 + gap)
    predictions = multi.predict_on_batch([X] * n_copies(multi))
    return [round(float(accuracy(y, p)), 4) for p in predictions]


if __name__ == "__main__":
    keras.utils.set_random_seed(8)
    start = time.perf_counter()
    budget = count_parameters("LSTM", 16, N_UNIQUE)
    units = {c: units_for_parameters(c, budget, N_UNIQUE) for c in CELLS}
    copies = {
        cell: build_copies(
            lambda cell=cell: build_recurrent(
                cell, None, N_UNIQUE, units[cell], learning_rate=0.01
            ),
            N_SEEDS,
        )
        for cell in CELLS
    }
    lstm = copies["LSTM"]
    restart = restart_point(lstm)
    results = {}  # forget bias -> gap -> updates -> accuracies
    for value, gaps in RUNS.items():
        results[str(value)] = {}
        for gap in gaps:
            restart()
            blocks = [0.0, value, 0.0, 0.0]  # input, forget, cell, output
            bias = np.repeat(blocks, units["LSTM"]).astype("float32")
            for k in range(N_SEEDS):
                copy_model(lstm, k).get_layer("recurrent").cell.bias.assign(
                    bias
                )
            generators = data_generators(DATA_SEED, N_SEEDS)
            scores, done = {}, 0
            for checkpoint in CHECKPOINTS:
                fit_copies(
                    lstm,
                    echo_data(gap),
                    checkpoint - done,
                    BATCH,
                    seed=generators,
                    verbose=0,
                )
                done = checkpoint
                scores[str(checkpoint)] = seed_accuracies(lstm, gap)
            results[str(value)][str(gap)] = scores
            print(value, gap, scores, flush=True)
    write_results(
        __file__,
        {"accuracy": results},
        seeds=list(range(N_SEEDS)),
        budgets={
            "updates": CHECKPOINTS,
            "batch": BATCH,
            "forget bias: gaps": {str(v): g for v, g in RUNS.items()},
        },
        wall_seconds=time.perf_counter() - start,
    )
