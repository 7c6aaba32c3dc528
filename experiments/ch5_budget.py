"""Chapter 5 at four times the chapter's budget: the block topologies,
the linear model, and the LSTM on the previous-step target.

Every run trains five stateless copies side by side (copy k seeded k,
weights and data) on 800 sequences each (16,800 windows), batch 21,
3 epochs: 2,400 updates, four times the chapter's 600; learning rate
0.01. Scored on the chapter's unseen sequences (seed 5555), every
element counted.

1. Topologies (ch5-topologies): the one-to-one and many-to-one LSTM(20)
   block models; 50 test sequences, as at the chapter's budget.
2. Linear (ch5-linear): values scaled to [0, 1], one linear output per
   step, squared error; right if the prediction rounds to the true
   integer; 100 test sequences.
3. Memory (the chapter's control target): the stateless LSTM(20)
   many-to-many model on the previous-step target (the first step not
   scored); 100 test sequences.

Run: make experiments ONLY=ch5_budget. The results file records
how long the run took and on how many cores; the chapter prints it.
"""

import time
from functools import partial

import numpy as np

from seqecho.data import (
    previous_step_echo,
    scaled_window_echo,
    stack_sequences,
    window_echo,
)
from seqecho.evaluate import rounded_errors
from seqecho.models import build_block_model, build_linear_echo, build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    copy_model,
    fit_and_evaluate_copies,
    fit_copies_stacked,
    format_seeds,
)

N_SEEDS, TEST_SEED = 5, 5555
N_SEQUENCES, BATCH, EPOCHS = 800, 21, 3  # 2,400 updates per copy


def train_seeds(build, make_data, n_test):
    """Five copies at four times the chapter's budget; each copy's
    element accuracy on n_test unseen sequences."""
    _, scores = fit_and_evaluate_copies(
        build,
        make_data,
        N_SEQUENCES,
        BATCH,
        EPOCHS,
        n_test=n_test,
        test_seed=TEST_SEED,
        test_batch_size=2100,  # one batch
    )
    return scores


def linear_at_4x():
    """Each linear copy's rounded accuracy on 100 unseen sequences."""
    linears = build_copies(build_linear_echo, N_SEEDS)
    fit_copies_stacked(
        linears, scaled_window_echo, N_SEQUENCES, BATCH, epochs=EPOCHS
    )
    X_test, y_test = stack_sequences(scaled_window_echo, 100, TEST_SEED)
    scores = []
    for k in range(N_SEEDS):
        error = rounded_errors(copy_model(linears, k), X_test, y_test)
        scores.append(float(np.mean(error == 0)))
    return scores


if __name__ == "__main__":
    start = time.perf_counter()
    results = {"topologies": {}}
    for name, build, make_data in [
        (
            "one-to-one",
            lambda: build_block_model(1, 500),
            partial(window_echo, flat=True),
        ),
        ("many-to-one", lambda: build_block_model(5, 100), window_echo),
    ]:
        results["topologies"][name] = train_seeds(build, make_data, 50)
    results["linear"] = linear_at_4x()
    results["memory"] = train_seeds(
        lambda: build_lstm(
            5, 100, 20, return_sequences=True, learning_rate=0.01
        ),
        previous_step_echo,
        100,
    )
    for name, scores in [
        *results["topologies"].items(),
        ("linear", results["linear"]),
        ("memory", results["memory"]),
    ]:
        print(f"{name:>12}, 2,400 updates: {format_seeds(scores)}")
    write_results(
        __file__,
        results,
        seeds=list(range(N_SEEDS)),
        budgets={
            "sequences": N_SEQUENCES,
            "batch": BATCH,
            "epochs": EPOCHS,
            "updates": 2400,
        },
        wall_seconds=time.perf_counter() - start,
    )
