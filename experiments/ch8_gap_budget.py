"""Chapter 8, every cell at every gap, at the chapter's budget and at four
times it, and the gated cells at a second learning rate.

The chapter's setup: SimpleRNN, GRU and LSTM of about 1,900 parameters
(34, 19 and 16 units), five seeds side by side (the chapter's copies,
built in the chapter's order after ``keras.utils.set_random_seed(8)``),
Adam on batches of 128 fresh sequences (data seed 100, as in the
chapter), each gap from the same initial weights. Every run is scored
after 250 updates (the chapter's budget) and after 1,000 (4x, the same
data stream continued) on the chapter's 1,000 unseen sequences per gap.
The SimpleRNN, GRU and LSTM run at the chapter's rate, 0.01; the GRU and
the LSTM also at 0.003, from the same initial weights.

Run: make experiments ONLY=ch8_gap_budget (about 4 minutes on 2 CPU
cores).
"""

import time

import keras

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
    data_generators,
    fit_copies,
    n_copies,
)

N_UNIQUE, N_SEEDS, BATCH, DATA_SEED = 10, 5, 128, 100
GAPS = [8, 16, 32]
CELLS = ["SimpleRNN", "GRU", "LSTM"]
CHECKPOINTS = [250, 1000]  # Adam updates
RATES = {"SimpleRNN": [0.01], "GRU": [0.01, 0.003], "LSTM": [0.01, 0.003]}


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
    results = {}  # cell -> rate -> gap -> updates -> accuracies
    for cell, multi in copies.items():
        restart = restart_point(multi)
        results[cell] = {}
        for rate in RATES[cell]:
            results[cell][str(rate)] = {}
            for gap in GAPS:
                restart()
                multi.optimizer.learning_rate.assign(rate)
                generators = data_generators(DATA_SEED, N_SEEDS)
                scores, done = {}, 0
                for checkpoint in CHECKPOINTS:
                    fit_copies(
                        multi,
                        echo_data(gap),
                        checkpoint - done,
                        BATCH,
                        seed=generators,
                        verbose=0,
                    )
                    done = checkpoint
                    scores[str(checkpoint)] = seed_accuracies(multi, gap)
                results[cell][str(rate)][str(gap)] = scores
                print(cell, rate, gap, scores, flush=True)
    write_results(
        __file__,
        {"accuracy": results, "units": units},
        seeds=list(range(N_SEEDS)),
        budgets={
            "updates": CHECKPOINTS,
            "batch": BATCH,
            "gaps": GAPS,
            "learning rates": RATES,
        },
        wall_seconds=time.perf_counter() - start,
    )
