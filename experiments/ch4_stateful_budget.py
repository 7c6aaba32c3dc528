"""Chapter 4, the stateful context model at the chapter's budget and
beyond.

The chapter's stateful LSTM(50) on 5-step windows (batch 5 in order, rate
0.01, five seeds side by side, copy k seeded k as in the chapter) is
trained on 1,200 fresh sequences and scored after 300 (the chapter's
budget), 600 and 1,200 on the chapter's 100 unseen sequences. The
stateless model reaches 100% of unseen values on every seed at 300.
The control for "the state lowers the level it settles at": the same
copies then train on 300 more sequences at learning rate 0.001, scored
after 1,500.

Run: make experiments ONLY=ch4_stateful_budget (about 3 minutes on 2 CPU
cores).
"""

import time

import keras

from seqecho.data import generate_sequence, one_hot_encode, to_lagged
from seqecho.models import build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    data_generators,
    evaluate_copies,
    fit_copies,
)

N_SEEDS, TEST_SEED = 5, 4242
CHECKPOINTS = [300, 600, 1200]  # sequences of 24 values, rate 0.01
FINE = 300  # then sequences at rate 0.001


def lag_data(rng):
    encoded = one_hot_encode(generate_sequence(24, 100, seed=rng))
    return to_lagged(encoded, n_in=5, lag=1)


def stateful_model():
    return build_lstm(
        5, 100, 50, batch_size=5, stateful=True, learning_rate=0.01
    )


if __name__ == "__main__":
    keras.utils.set_random_seed(4)
    start = time.perf_counter()
    multi = build_copies(stateful_model, N_SEEDS)
    generators = data_generators(0, N_SEEDS)  # continue each copy's data
    accuracy, curves, done = {}, [[] for _ in range(N_SEEDS)], 0
    for checkpoint in CHECKPOINTS:
        log = fit_copies(
            multi,
            lag_data,
            checkpoint - done,
            5,
            seed=generators,
            verbose=0,
        )
        for k, copy_log in enumerate(log.logs):
            curves[k] += [round(float(a), 4) for a in copy_log.accuracy]
        done = checkpoint
        accuracy[str(checkpoint)] = [
            float(e.accuracy)
            for e in evaluate_copies(
                multi, lag_data, 100, 5, seed=TEST_SEED
            )
        ]
        print(checkpoint, accuracy[str(checkpoint)])
    multi.optimizer.learning_rate.assign(0.001)
    fit_copies(multi, lag_data, FINE, 5, seed=generators, verbose=0)
    fine = [
        float(e.accuracy)
        for e in evaluate_copies(multi, lag_data, 100, 5, seed=TEST_SEED)
    ]
    print("then at 0.001:", fine)
    write_results(
        __file__,
        {
            "stateful accuracy": accuracy,
            "training accuracy": curves,
            "then 300 at rate 0.001": fine,
        },
        seeds=list(range(N_SEEDS)),
        budgets={
            "sequences": CHECKPOINTS,
            "then at rate 0.001": FINE,
            "batch": 5,
        },
        wall_seconds=time.perf_counter() - start,
    )
