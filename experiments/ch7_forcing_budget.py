"""Chapter 7's free-running and dropout exercises at two and four times
their budget.

Fifteen copies on the exercises' data (10,000 examples, data seed 11),
batches of 64, learning rate 0.003, five of each kind side by side
(``build_copies``, seeds 11 to 15, so each kind starts from the very
weights of ``experiments/ch7_exercises.py`` and
``experiments/ch7_dropout_gap.py``): free-running (its decoder fed its
own softmax output, also in training), teacher-forced ``define_models``
without dropout, and the same with ``dropout=0.1``. Each kind trains 2
epochs (314 updates, the exercises' budget), is scored, trains 2 more
(628 updates, 2x), is scored, and 4 more (1,256 updates, 4x), is scored.
Scores, greedy (the free-running model's own outputs), exact accuracy
(all 3 symbols right): on the chapter's 1,000 unseen sources (data seed
2026) and on the first 1,000 training examples; for the teacher-forced
copies also the whole answers teacher-forced.

Run: make experiments ONLY=ch7_forcing_budget. The results file records
how long the run took and on how many cores; the chapter prints it.
"""

import time

import numpy as np

from seqecho.data import get_dataset
from seqecho.evaluate import predict_sequence, sequence_accuracy
from seqecho.models import (
    define_free_running_model,
    define_models,
    inference_models,
)
from seqecho.results import write_results
from seqecho.seeds import build_copies, copy_model

N_IN, N_OUT, CARDINALITY, N_UNITS = 6, 3, 51, 128
N_SEEDS, FIRST_SEED, DATA_SEED, TEST_SEED = 5, 11, 11, 2026
EXAMPLES, BATCH, RATE, SCORED = 10_000, 64, 0.003, 1000
EPOCHS = (2, 4, 8)  # 1x, 2x and 4x the exercises' 2 epochs


def teacher_forced(dropout):
    """Five teacher-forced copies, with the given dropout."""
    return build_copies(
        lambda: define_models(
            CARDINALITY,
            CARDINALITY,
            N_UNITS,
            dropout=dropout,
            learning_rate=RATE,
        )[0],
        N_SEEDS,
        seed=FIRST_SEED,
    )


def forced_exact(model, X1, X2, y):
    """Exact accuracy of one teacher-forced copy: greedy-decoded and
    teacher-forced whole answers."""
    decoded = predict_sequence(
        *inference_models(model), X1, N_OUT, CARDINALITY
    )
    forced = model.predict([X1, X2], verbose=0).argmax(-1)
    return {
        "greedy": round(sequence_accuracy(y, decoded), 4),
        "teacher-forced": round(
            float(np.mean((forced == y.argmax(-1)).all(axis=1))), 4
        ),
    }


def score(kind, multi, data):
    """Exact accuracy of every copy on unseen and training sources."""
    out = {}
    for where, (X1, X2, y) in data.items():
        if kind == "free-running":
            out[where] = [
                round(sequence_accuracy(y, p), 4)
                for p in multi.predict([X1] * N_SEEDS, verbose=0)
            ]
            continue
        runs = [
            forced_exact(copy_model(multi, k), X1, X2, y)
            for k in range(N_SEEDS)
        ]
        out[where] = [r["greedy"] for r in runs]
        out[f"{where}, teacher-forced"] = [
            r["teacher-forced"] for r in runs
        ]
    return out


if __name__ == "__main__":
    start = time.perf_counter()
    S1, S2, S_y = get_dataset(
        N_IN, N_OUT, CARDINALITY, EXAMPLES, seed=DATA_SEED
    )
    data = {
        "unseen": get_dataset(
            N_IN, N_OUT, CARDINALITY, 1000, seed=TEST_SEED
        ),
        "training": (S1[:SCORED], S2[:SCORED], S_y[:SCORED]),
    }
    kinds = {
        "free-running": lambda: build_copies(
            lambda: define_free_running_model(
                CARDINALITY, CARDINALITY, N_UNITS, N_OUT, learning_rate=RATE
            ),
            N_SEEDS,
            seed=FIRST_SEED,
        ),
        "teacher forcing": lambda: teacher_forced(0.0),
        "teacher forcing, dropout 0.1": lambda: teacher_forced(0.1),
    }
    inputs = {
        "free-running": [S1] * N_SEEDS,
        "teacher forcing": [S1, S2] * N_SEEDS,
        "teacher forcing, dropout 0.1": [S1, S2] * N_SEEDS,
    }
    results, models, done = {}, {}, 0
    for epochs in EPOCHS:
        for kind, build in kinds.items():
            if kind not in models:
                models[kind] = build()  # each fit right after its build
            models[kind].fit(
                inputs[kind],
                [S_y] * N_SEEDS,
                batch_size=BATCH,
                epochs=epochs - done,
                verbose=0,
            )
            scores = score(kind, models[kind], data)
            results.setdefault(kind, {})[str(epochs)] = scores
            print(epochs, kind, scores, flush=True)
        done = epochs
    write_results(
        __file__,
        {"exact accuracy by epochs": results},
        seeds=list(range(FIRST_SEED, FIRST_SEED + N_SEEDS)),
        budgets={
            "examples": EXAMPLES,
            "epochs": list(EPOCHS),
            "batch": BATCH,
            "updates": [e * -(-EXAMPLES // BATCH) for e in EPOCHS],
            "learning rate": RATE,
            "dropout": 0.1,
            "unseen": 1000,
            "scored": SCORED,
        },
        wall_seconds=time.perf_counter() - start,
    )
