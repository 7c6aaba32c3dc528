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

Run: make experiments ONLY=ch5_budget (about 4 minutes on 2 busy CPU
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
N_SEQUENCES, BATCH, EPOCHS = 800, 21, 3  # 2,400 updates per copy


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
    """Five copies at four times the chapter's budget; each copy's
    element accuracy on n_test unseen sequences."""
    multi = build_copies(build, N_SEEDS)
    fit_copies_stacked(
        multi, make_data, N_SEQUENCES, batch_size=BATCH, epochs=EPOCHS
    )
    scores = evaluate_copies(
        multi, make_data, n_test, batch_size=2100, seed=TEST_SEED
    )
    return [float(s.accuracy) for s in scores]


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


def linear_at_4x():
    """Each linear copy's rounded accuracy on 100 unseen sequences."""
    linears = build_copies(build_linear, N_SEEDS)
    fit_copies_stacked(
        linears, scaled_windows, N_SEQUENCES, BATCH, epochs=EPOCHS
    )
    X_test, _ = stack_sequences(scaled_windows, 100, TEST_SEED)
    scores = []
    for k in range(N_SEEDS):
        predicted = copy_model(linears, k).predict(X_test, verbose=0)
        right = np.rint(predicted * 99) == np.rint(X_test * 99)
        scores.append(float(np.mean(right)))
    return scores


if __name__ == "__main__":
    start = time.perf_counter()
    results = {"topologies": {}}
    for name, build, make_data in [
        ("one-to-one", block_model(1, 500), flat_windows),
        ("many-to-one", block_model(5, 100), whole_windows),
    ]:
        results["topologies"][name] = train_seeds(build, make_data, 50)
    results["linear"] = linear_at_4x()
    results["memory"] = train_seeds(
        lambda: build_lstm(
            5, 100, 20, return_sequences=True, learning_rate=0.01
        ),
        previous_step,
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
