"""Chapter 4, the exercises' worked solutions: an MLP on the window, the
whole sequence so far with masking, and a lag sequence.

Exercise 1 (``ch4-mlp``): an MLP (one hidden layer of 100 ReLU units on
the flattened 5 x 100 window) and the chapter's batched stateless
LSTM(50), five seeds each side by side (copy k seeded k, its data stream
k), each trained with one shuffled ``fit`` on 300 sequences (batch 32, 3
epochs, learning rate 0.01), then both again from their initial weights
on 50 sequences; every run scored on the chapter's 100 unseen sequences
(seed 4242), with the wall time of each 300-sequence ``fit``.

Exercise 2 (``ch4-mask``): one seed (6) of an LSTM(50) behind a
``Masking`` layer, each sample the whole sequence so far padded at the
front to 24 steps, trained on 300 sequences (batch 32, 4 epochs), scored
on 200 unseen sequences (seed 4242).

Exercise 3 (``ch4-seq``): one seed (7) of an LSTM(50) returning a
prediction per step, each step's target the step before it, trained on
500 sequences (batch 32, 3 epochs), scored on 300 unseen sequences
(seed 4242), each window's first step left out.

Run: make experiments ONLY=ch4_exercises (about 90 seconds on 2 CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import (
    generate_sequence,
    one_hot_encode,
    stack_sequences,
    to_lagged,
)
from seqecho.evaluate import evaluate_sequences
from seqecho.models import build_lstm, restart_point
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    evaluate_copies,
    fit_copies_stacked,
    format_seeds,
)

N_SEQUENCES, SMALL, EPOCHS, BATCH, N_SEEDS = 300, 50, 3, 32, 5
MASK_SEED, MASK_EPOCHS, SEQ_SEED, SEQ_SEQUENCES = 6, 4, 7, 500
TEST_SEED = 4242


def lag_data(lag, length=24):
    """The chapter's data: windows of 5 values, target x(t - lag)."""

    def make(rng):
        encoded = one_hot_encode(generate_sequence(length, 100, seed=rng))
        return to_lagged(encoded, n_in=5, lag=lag)

    return make


def scores(multi, lag=1, batch_size=2000):
    """Each copy's accuracy on the chapter's 100 unseen sequences."""
    return [
        float(e.accuracy)
        for e in evaluate_copies(
            multi, lag_data(lag), 100, batch_size, seed=TEST_SEED
        )
    ]


def build_lstm_copy():
    """The chapter's stateless LSTM(50) on 5-step windows."""
    return build_lstm(5, 100, 50, learning_rate=0.01)


def build_mlp():
    """One hidden layer of 100 ReLU units on the flattened window."""
    inputs = keras.Input(shape=(5, 100))
    hidden = keras.layers.Dense(100, activation="relu")(
        keras.layers.Flatten()(inputs)
    )
    mlp = keras.Model(
        inputs, keras.layers.Dense(100, activation="softmax")(hidden)
    )
    mlp.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(0.01),
        weighted_metrics=["accuracy"],
    )
    return mlp


def mlp_against_lstm():
    """Five seeds of each, on 300 sequences, then again on 50."""
    builds = {"LSTM": build_lstm_copy, "MLP": build_mlp}
    copies, restarts, found = {}, {}, {}
    for name, build in builds.items():
        copies[name] = build_copies(build, N_SEEDS)
        restarts[name] = restart_point(copies[name])
        log = fit_copies_stacked(
            copies[name], lag_data(1), N_SEQUENCES, BATCH, epochs=EPOCHS
        )
        found[name] = {"accuracy": scores(copies[name])}
        found[name]["seconds"] = log.seconds
    for name in ("MLP", "LSTM"):
        found[name]["weights"] = builds[name]().count_params()
    # the same copies from their initial weights, already compiled
    for name in ("MLP", "LSTM"):
        restarts[name]()
        fit_copies_stacked(
            copies[name], lag_data(1), SMALL, BATCH, epochs=EPOCHS
        )
        found[name][f"{SMALL} sequences"] = scores(copies[name])
    return found


def so_far(rng, length=24):
    """Each sample the whole sequence so far, zeros in front."""
    encoded = one_hot_encode(generate_sequence(length, 100, seed=rng))
    X = np.zeros((length - 1, length, 100), dtype="float32")
    for t in range(1, length):  # sample t sees x(0) .. x(t)
        X[t - 1, length - t - 1 :] = encoded[: t + 1]
    return X, encoded[: length - 1]  # target x(t-1)


def masked_run():
    """One seed of the masked LSTM on the whole sequence so far."""
    keras.utils.set_random_seed(MASK_SEED)
    inputs = keras.Input(shape=(24, 100))
    hidden = keras.layers.LSTM(50)(
        keras.layers.Masking(mask_value=0.0)(inputs)
    )
    masked = keras.Model(
        inputs, keras.layers.Dense(100, activation="softmax")(hidden)
    )
    masked.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(0.01),
        metrics=["accuracy"],
    )
    X_train, y_train = stack_sequences(so_far, N_SEQUENCES, MASK_SEED)
    masked.fit(
        X_train,
        y_train,
        batch_size=BATCH,
        epochs=MASK_EPOCHS,
        verbose=0,
    )
    accuracy = evaluate_sequences(
        masked, so_far, 200, seed=TEST_SEED
    ).accuracy
    return {"accuracy": float(accuracy), "training samples": len(X_train)}


def lag_sequence(rng):
    """Windows of 5 values, each step's target the step before."""
    encoded = one_hot_encode(generate_sequence(25, 100, seed=rng))
    X = np.lib.stride_tricks.sliding_window_view(
        encoded, 6, axis=0
    ).transpose(0, 2, 1)
    weight = np.ones((len(X), 5))
    weight[:, 0] = 0  # x(t-5) is not in the window
    return (
        X[:, 1:],
        X[:, :-1],
        weight,
    )  # inputs x(t-4..t), targets x(t-5..t-1)


def lag_sequence_run():
    """One seed of an LSTM echoing x(t-1) at every step of a window."""
    keras.utils.set_random_seed(SEQ_SEED)
    seq_model = build_lstm(
        5, 100, 50, return_sequences=True, learning_rate=0.01
    )
    X_train, y_train, w_train = stack_sequences(
        lag_sequence, SEQ_SEQUENCES, SEQ_SEED
    )
    seq_model.fit(
        X_train,
        y_train,
        sample_weight=w_train,
        batch_size=BATCH,
        epochs=EPOCHS,
        verbose=0,
    )
    accuracy = evaluate_sequences(
        seq_model, lag_sequence, 300, seed=TEST_SEED
    ).accuracy
    return {"accuracy": float(accuracy)}


if __name__ == "__main__":
    start = time.perf_counter()
    results = mlp_against_lstm()
    for name, found in results.items():
        print(
            f"{name}: {found['weights']:,} weights, "
            f"{format_seeds(found['accuracy'])}, "
            f"5 copies in {found['seconds']:.1f} s; "
            f"{SMALL} sequences: {format_seeds(found['50 sequences'])}"
        )
    results["masked, whole sequence so far"] = masked_run()
    results["lag sequence"] = lag_sequence_run()
    for name in ("masked, whole sequence so far", "lag sequence"):
        print(f"{name}: {results[name]['accuracy']:.2%} on unseen values")
    write_results(
        __file__,
        results,
        seeds=list(range(N_SEEDS)) + [MASK_SEED, SEQ_SEED],
        budgets={
            "sequences": [N_SEQUENCES, SMALL],
            "epochs": EPOCHS,
            "batch": BATCH,
            "masked: sequences, epochs": [N_SEQUENCES, MASK_EPOCHS],
            "lag sequence: sequences, epochs": [SEQ_SEQUENCES, EPOCHS],
        },
        wall_seconds=time.perf_counter() - start,
    )
