"""Chapter 5, the controls at the chapter's budget: a model with memory
on the previous-step target, block models with 100 units, and how far
the linear model's misses are.

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
3. Misses (ch5-linear): the linear model of the exercise, retrained the
   same way; for each copy its rounded accuracy on the 100 test
   sequences, the share of its misses that are off by exactly 1, and
   its largest miss.

Run: make experiments ONLY=ch5_controls (about 2.5 minutes on 2 busy CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import (
    generate_sequence,
    one_hot_encode,
    stack_sequences,
    to_supervised,
)
from seqecho.models import build_lstm
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    copy_model,
    evaluate_copies,
    fit_copies_stacked,
    format_seeds,
)

N_SEEDS, TEST_SEED = 5, 5555
N_SEQUENCES, BATCH, EPOCHS = 200, 21, 3  # 600 updates per copy


def whole_windows(rng):
    """The chapter's data: 21 one-hot windows of 5, each its own
    target."""
    encoded = one_hot_encode(generate_sequence(25, 100, seed=rng))
    return to_supervised(encoded, n_in=5, n_out=5)


def previous_step(rng):
    """The chapter's control target: x one step earlier, the first step
    not scored."""
    X, _ = whole_windows(rng)
    y = np.concatenate([np.zeros_like(X[:, :1]), X[:, :-1]], axis=1)
    weight = np.ones(X.shape[:2])
    weight[:, 0] = 0  # its answer is not in X
    return X, y, weight


def flat_windows(rng):
    """The chapter's windows as one timestep of 500 features."""
    X, y = whole_windows(rng)
    return X.reshape(len(X), 1, 500), y


def block_model(timesteps, features, units=20):
    """A builder: LSTM(units), its last output mapped to a 5 x 100
    softmax block."""

    def build():
        inputs = keras.Input(shape=(timesteps, features))
        flat = keras.layers.Dense(500)(keras.layers.LSTM(units)(inputs))
        block = keras.layers.Reshape((5, 100))(flat)
        built = keras.Model(inputs, keras.layers.Softmax()(block))
        built.compile(
            loss="categorical_crossentropy",
            optimizer=keras.optimizers.Adam(0.01),
            weighted_metrics=["accuracy"],
        )
        return built

    return build


def train_seeds(build, make_data, n_test):
    """Five copies at the chapter's budget; each copy's element accuracy
    on n_test unseen sequences, and the size of one copy."""
    multi = build_copies(build, N_SEEDS)
    fit_copies_stacked(
        multi, make_data, N_SEQUENCES, batch_size=BATCH, epochs=EPOCHS
    )
    scores = evaluate_copies(
        multi, make_data, n_test, batch_size=2100, seed=TEST_SEED
    )
    weights = copy_model(multi, 0).count_params()
    return [float(s.accuracy) for s in scores], weights


def memory_control():
    """The stateless LSTM(20) on the previous-step target."""
    scores, weights = train_seeds(
        lambda: build_lstm(
            5, 100, 20, return_sequences=True, learning_rate=0.01
        ),
        previous_step,
        100,
    )
    print(f"LSTM(20), previous step: {format_seeds(scores)}")
    return {"accuracy": scores, "weights": weights}


def units_control():
    """The two block models with LSTM(100)."""
    found = {}
    for name, build, make_data in [
        ("one-to-one", block_model(1, 500, 100), flat_windows),
        ("many-to-one", block_model(5, 100, 100), whole_windows),
    ]:
        scores, weights = train_seeds(build, make_data, 50)
        print(
            f"{name:>12}, LSTM(100): {weights:>7,} weights, "
            f"{format_seeds(scores)}"
        )
        found[name] = {"accuracy": scores, "weights": weights}
    return found


def scaled_windows(rng):
    """One sequence's 21 windows of 5 values scaled to [0, 1], each its
    own target."""
    values = (
        np.array(generate_sequence(25, 100, seed=rng), dtype="float32")
        / 99.0
    )
    X = np.lib.stride_tricks.sliding_window_view(values, 5)[..., None]
    return X, X


def build_linear():
    """A stateless LSTM(20) with one linear output per step, trained
    with squared error."""
    inputs = keras.Input(shape=(5, 1))
    hidden = keras.layers.LSTM(20, return_sequences=True)(inputs)
    outputs = keras.layers.TimeDistributed(keras.layers.Dense(1))(hidden)
    built = keras.Model(inputs, outputs)
    built.compile(loss="mse", optimizer=keras.optimizers.Adam(0.01))
    return built


def linear_misses():
    """Each linear copy's rounded accuracy, the share of its misses off
    by exactly 1, and its largest miss (in integer steps)."""
    linears = build_copies(build_linear, N_SEEDS)
    fit_copies_stacked(
        linears, scaled_windows, N_SEQUENCES, BATCH, epochs=EPOCHS
    )
    X_test, _ = stack_sequences(scaled_windows, 100, TEST_SEED)
    found = {"accuracy": [], "off_by_one": [], "largest_miss": []}
    for k in range(N_SEEDS):
        predicted = copy_model(linears, k).predict(X_test, verbose=0)
        error = np.abs(np.rint(predicted * 99) - np.rint(X_test * 99))
        missed = error[error > 0]
        found["accuracy"].append(float(np.mean(error == 0)))
        found["off_by_one"].append(float(np.mean(missed == 1)))
        found["largest_miss"].append(int(missed.max()))
    print(
        f"linear: {format_seeds(found['accuracy'])}; misses off by 1: "
        f"{format_seeds(found['off_by_one'])}; largest miss "
        f"{max(found['largest_miss'])}"
    )
    return found


if __name__ == "__main__":
    start = time.perf_counter()
    results = {
        "memory": memory_control(),
        "units": units_control(),
        "linear_misses": linear_misses(),
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
