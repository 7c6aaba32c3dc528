"""Chapter 7's exercises that train: without teacher forcing, and integer
inputs with an ``Embedding``.

Exercise ch7-free: a free-running encoder-decoder (its decoder fed its own
softmax output at every step, also in training) against the chapter's
teacher-forced ``define_models`` (128 units, Adam at 0.003), five copies
of each side by side (``build_copies``, seeds 11 to 15), trained on the
same 10,000 examples (data seed 11) for 2 epochs of batches of 64 (314
updates). Every copy is scored on the chapter's 1,000 unseen sources (data
seed 2026): exact accuracy (all 3 symbols right) of its outputs, and for
the teacher-forced copies also per symbol, teacher-forced and greedy.

Exercise ch7-sparse: the same task as integers, an ``Embedding`` in
front of each LSTM and ``sparse_categorical_crossentropy``, one model
(seed 13) trained on the same 10,000 examples for 2 epochs of batches of
64; scored by the teacher-forced training accuracy ``fit`` reports per
epoch.

Run: make experiments ONLY=ch7_exercises. The results file records
how long the run took and on how many cores; the chapter prints it.
"""

import time

import keras
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
EXAMPLES, EPOCHS, BATCH, RATE = 10_000, 2, 64, 0.003
SPARSE_SEED = 13


def scores(training_model, unseen):
    """Teacher-forced and greedy accuracy on the unseen (A1, A2, A_y)."""
    A1, A2, A_y = unseen
    encoder, decoder = inference_models(training_model)
    forced = training_model.predict([A1, A2], verbose=0).argmax(-1)
    decoded = predict_sequence(encoder, decoder, A1, N_OUT, CARDINALITY)
    return {
        "teacher-forced, per symbol": float(
            np.mean(forced == A_y.argmax(-1))
        ),
        "greedy, per symbol": float(
            np.mean(decoded.argmax(-1) == A_y.argmax(-1))
        ),
        "greedy, whole answer": sequence_accuracy(A_y, decoded),
    }


def compare_forcing(S1, S2, S_y, unseen):
    """Five free-running and five teacher-forced copies, trained on the
    same examples and scored on the same unseen sources."""
    A1, _, A_y = unseen
    free = build_copies(
        lambda: define_free_running_model(
            CARDINALITY, CARDINALITY, N_UNITS, N_OUT, learning_rate=RATE
        ),
        N_SEEDS,
        seed=FIRST_SEED,
    )
    free.fit(
        [S1] * N_SEEDS,
        [S_y] * N_SEEDS,
        batch_size=BATCH,
        epochs=EPOCHS,
        verbose=0,
    )
    forced = build_copies(
        lambda: define_models(
            CARDINALITY, CARDINALITY, N_UNITS, learning_rate=RATE
        )[0],
        N_SEEDS,
        seed=FIRST_SEED,
    )
    forced.fit(
        [S1, S2] * N_SEEDS,
        [S_y] * N_SEEDS,
        batch_size=BATCH,
        epochs=EPOCHS,
        verbose=0,
    )
    forced_scores = [
        scores(copy_model(forced, k), unseen) for k in range(N_SEEDS)
    ]
    free_exact = [
        sequence_accuracy(A_y, predicted)
        for predicted in free.predict([A1] * N_SEEDS, verbose=0)
    ]
    return {
        "exact accuracy": {
            "without teacher forcing": free_exact,
            "teacher forcing": [
                s["greedy, whole answer"] for s in forced_scores
            ],
        },
        "teacher forcing, per copy": forced_scores,
    }


def sparse_model(vocabulary=CARDINALITY, n_units=N_UNITS, embed=32):
    """Chapter 7's training model over integers: embeddings in, sparse
    cross-entropy out."""
    source = keras.Input(shape=(None,), dtype="int32")
    embedded = keras.layers.Embedding(vocabulary, embed)(source)
    _, h, c = keras.layers.LSTM(n_units, return_state=True)(embedded)
    shifted = keras.Input(shape=(None,), dtype="int32")
    decoded = keras.layers.LSTM(n_units, return_sequences=True)(
        keras.layers.Embedding(vocabulary, embed)(shifted),
        initial_state=[h, c],
    )
    probs = keras.layers.Dense(vocabulary, activation="softmax")(decoded)
    built = keras.Model([source, shifted], probs)
    built.compile(
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        optimizer=keras.optimizers.Adam(0.003),
    )
    return built


def train_sparse(S1, S2, S_y):
    """The integer model on the one-hot examples turned into integers:
    the arrays' sizes and the accuracy fit reports per epoch."""
    keras.utils.set_random_seed(SPARSE_SEED)
    sparse = sparse_model()
    ints = [a.argmax(-1).astype("int32") for a in (S1, S2, S_y)]
    history = sparse.fit(
        ints[:2], ints[2], batch_size=BATCH, epochs=EPOCHS, verbose=0
    )
    return {
        "integer MiB": sum(a.nbytes for a in ints) / 2**20,
        "one-hot MiB": (S1.nbytes + S2.nbytes + S_y.nbytes) / 2**20,
        "accuracy by epoch": [
            float(a) for a in history.history["accuracy"]
        ],
    }


if __name__ == "__main__":
    start = time.perf_counter()
    S1, S2, S_y = get_dataset(
        N_IN, N_OUT, CARDINALITY, EXAMPLES, seed=DATA_SEED
    )
    unseen = get_dataset(N_IN, N_OUT, CARDINALITY, 1000, seed=TEST_SEED)
    forcing = compare_forcing(S1, S2, S_y, unseen)
    for name, accuracies in forcing["exact accuracy"].items():
        print(f"{name:>23}: {np.round(accuracies, 3)}", flush=True)
    sparse = train_sparse(S1, S2, S_y)
    print("sparse:", sparse)
    write_results(
        __file__,
        {"teacher forcing": forcing, "sparse": sparse},
        seeds=list(range(FIRST_SEED, FIRST_SEED + N_SEEDS)) + [SPARSE_SEED],
        budgets={
            "examples": EXAMPLES,
            "epochs": EPOCHS,
            "batch": BATCH,
            "updates": EPOCHS * -(-EXAMPLES // BATCH),
            "learning rate": RATE,
            "unseen": 1000,
        },
        wall_seconds=time.perf_counter() - start,
    )
