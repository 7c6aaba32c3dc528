"""Chapter 7's dropout exercise over five seeds: how much better the
teacher-forced encoder-decoder does on its training examples than on
unseen sources, without dropout and with it.

The exercise's setup: ``define_models`` with 128 units and a learning
rate of 0.003, five copies side by side (``build_copies``, seeds 11 to
15, as the chapter's teacher-forced copies), trained on the chapter's
10,000 examples (data seed 11) for 2 epochs in batches of 64 (314
updates), once without dropout and once with ``dropout=0.1`` (input and
recurrent dropout in both LSTMs), from the same initial weights. Every
copy is scored by greedy decoding, exact accuracy (all 3 symbols right),
on the first 1,000 of its training examples and on the chapter's 1,000
unseen sources (data seed 2026).

Run: make experiments ONLY=ch7_dropout_gap (about 2 minutes on 2 CPU
cores).
"""

import time

import numpy as np

from seqecho.data import get_dataset
from seqecho.evaluate import predict_sequence, sequence_accuracy
from seqecho.models import define_models, inference_models
from seqecho.results import write_results
from seqecho.seeds import build_copies, copy_model

N_IN, N_OUT, CARDINALITY, N_UNITS = 6, 3, 51, 128
N_SEEDS, FIRST_SEED, DATA_SEED, TEST_SEED = 5, 11, 11, 2026
EXAMPLES, EPOCHS, BATCH, RATE, SCORED = 10_000, 2, 64, 0.003, 1000
DROPOUT = {"without dropout": 0.0, "dropout 0.1": 0.1}


def exact(model, X, y):
    """Exact greedy accuracy of one copy on sources X, targets y."""
    decoded = predict_sequence(
        *inference_models(model), X, N_OUT, CARDINALITY
    )
    return round(sequence_accuracy(y, decoded), 4)


if __name__ == "__main__":
    start = time.perf_counter()
    S1, S2, S_y = get_dataset(
        N_IN, N_OUT, CARDINALITY, EXAMPLES, seed=DATA_SEED
    )
    A1, _, A_y = get_dataset(N_IN, N_OUT, CARDINALITY, 1000, seed=TEST_SEED)
    results, initial = {}, {}
    for name, rate in DROPOUT.items():
        multi = build_copies(
            lambda rate=rate: define_models(
                CARDINALITY,
                CARDINALITY,
                N_UNITS,
                dropout=rate,
                learning_rate=RATE,
            )[0],
            N_SEEDS,
            seed=FIRST_SEED,
        )
        initial[name] = multi.get_weights()
        multi.fit(
            [S1, S2] * N_SEEDS,
            [S_y] * N_SEEDS,
            batch_size=BATCH,
            epochs=EPOCHS,
            verbose=0,
        )
        copies = [copy_model(multi, k) for k in range(N_SEEDS)]
        training = [exact(m, S1[:SCORED], S_y[:SCORED]) for m in copies]
        unseen = [exact(m, A1, A_y) for m in copies]
        results[name] = {
            "training": training,
            "unseen": unseen,
            "gap": [
                round(t - u, 4)
                for t, u in zip(training, unseen, strict=True)
            ],
        }
        print(name, results[name], flush=True)
    same_start = all(
        np.array_equal(a, b) for a, b in zip(*initial.values(), strict=True)
    )
    write_results(
        __file__,
        {"exact accuracy": results, "same initial weights": same_start},
        seeds=list(range(FIRST_SEED, FIRST_SEED + N_SEEDS)),
        budgets={
            "examples": EXAMPLES,
            "epochs": EPOCHS,
            "batch": BATCH,
            "updates": EPOCHS * -(-EXAMPLES // BATCH),
            "learning rate": RATE,
            "dropout": list(DROPOUT.values()),
            "scored": SCORED,
        },
        wall_seconds=time.perf_counter() - start,
    )
