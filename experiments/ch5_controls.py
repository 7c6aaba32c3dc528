"""Chapter 5, the controls at the chapter's budget: a model with memory
on the previous-step target, and block models with 100 units.

Every run trains five stateless copies side by side at the chapter's
budget (copy k seeded k, weights and data; 200 sequences each, 4,200
windows, batch 21, 3 epochs, 600 updates, learning rate 0.01) and scores
them on unseen sequences (seed 5555), every element counted.

1. Memory (the chapter's control target): a stateless LSTM(20)
   many-to-many model learning, at every step, the value of the step
   before (the first step not scored); 100 test sequences.
2. Units (ch5-topologies): the one-to-one and many-to-one block models
   with LSTM(100) instead of LSTM(20); 50 test sequences, as for the
   20-unit block models.

Run: make experiments ONLY=ch5_controls. The results file records
how long the run took and on how many cores; the chapter prints it.
"""

import time
from functools import partial

from seqecho.data import (
    previous_step_echo,
    window_echo,
)
from seqecho.models import build_block_model, build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    copy_model,
    fit_and_evaluate_copies,
    format_seeds,
)

N_SEEDS, TEST_SEED = 5, 5555
N_SEQUENCES, BATCH, EPOCHS = 200, 21, 3  # 600 updates per copy


def train_seeds(build, make_data, n_test):
    """Five copies at the chapter's budget; each copy's element accuracy
    on n_test unseen sequences, and the size of one copy."""
    multi, scores = fit_and_evaluate_copies(
        build,
        make_data,
        N_SEQUENCES,
        BATCH,
        EPOCHS,
        n_test=n_test,
        test_seed=TEST_SEED,
        test_batch_size=2100,  # one batch
    )
    return scores, copy_model(multi, 0).count_params()


def memory_control():
    """The stateless LSTM(20) on the previous-step target."""
    scores, weights = train_seeds(
        lambda: build_lstm(
            5, 100, 20, return_sequences=True, learning_rate=0.01
        ),
        previous_step_echo,
        100,
    )
    print(f"LSTM(20), previous step: {format_seeds(scores)}")
    return {"accuracy": scores, "weights": weights}


def units_control():
    """The two block models with LSTM(100)."""
    found = {}
    for name, build, make_data in [
        (
            "one-to-one",
            lambda: build_block_model(1, 500, 100),
            partial(window_echo, flat=True),
        ),
        (
            "many-to-one",
            lambda: build_block_model(5, 100, 100),
            window_echo,
        ),
    ]:
        scores, weights = train_seeds(build, make_data, 50)
        print(
            f"{name:>12}, LSTM(100): {weights:>7,} weights, "
            f"{format_seeds(scores)}"
        )
        found[name] = {"accuracy": scores, "weights": weights}
    return found


if __name__ == "__main__":
    start = time.perf_counter()
    results = {
        "memory": memory_control(),
        "units": units_control(),
    }
    write_results(
        __file__,
        results,
        seeds=list(range(N_SEEDS)),
        budgets={
            "sequences": N_SEQUENCES,
            "batch": BATCH,
            "epochs": EPOCHS,
            "updates": 600,
        },
        wall_seconds=time.perf_counter() - start,
    )
