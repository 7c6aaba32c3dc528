"""Chapter 5, the exercises' runs: a linear output, masked padding, and
the block topologies.

1. Linear representation (ch5-linear): each value scaled to [0, 1] (divided
   by 99), a stateless LSTM(20) with one linear output per step, trained
   with squared error; five copies side by side, copy k seeded k (weights
   and data), 200 sequences each (4,200 windows), batch 21, 3 epochs (600
   updates), learning rate 0.01. Scored on the chapter's 100 unseen
   sequences (seed 5555): a prediction is right if it rounds to the true
   integer.
2. Masking (ch5-mask): 4 all-zero steps padded in front of each sequence
   (25 windows of 5), the padded steps given random targets, a
   ``Masking`` layer first; one model seeded 7, 300 sequences (seed 7),
   batch 25, 5 epochs (1,500 updates), learning rate 0.01. Scored on the
   real steps of one unseen sequence (seed 5555), and the loss Keras
   reports there set beside the mean cross-entropy over the real steps
   alone and over all steps, with and without the ``Masking`` layer (the
   same layers and weights).
3. Topologies (ch5-topologies): one-to-one (one step of 500 features) and
   many-to-one (the last output of 5 steps) LSTM(20) models mapped to a
   5 x 100 softmax block; five copies each, trained like the first
   exercise (categorical cross-entropy), scored on 50 unseen sequences
   (seed 5555), every element counted.

Run: make experiments ONLY=ch5_exercises (about 60 seconds on 2 CPU
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
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    copy_model,
    evaluate_copies,
    fit_copies_stacked,
    format_seeds,
)

N_SEEDS, TEST_SEED, MASK_SEED = 5, 5555, 7
N_SEQUENCES, BATCH, EPOCHS = 200, 21, 3  # 600 updates per copy


# -- 1. a linear representation -------------------------------------


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


def rounded_accuracy(linear, X_test):
    """The share of values whose prediction rounds to the true
    integer."""
    predicted = np.rint(linear.predict(X_test, verbose=0) * 99)
    return float(np.mean(predicted == np.rint(X_test * 99)))


def linear_exercise():
    """Five linear copies at the chapter's budget; their rounded
    accuracy on 100 unseen sequences and their size."""
    linears = build_copies(build_linear, N_SEEDS)
    fit_copies_stacked(
        linears, scaled_windows, N_SEQUENCES, BATCH, epochs=EPOCHS
    )
    X_test, _ = stack_sequences(scaled_windows, 100, TEST_SEED)
    scores = [
        rounded_accuracy(copy_model(linears, k), X_test)
        for k in range(N_SEEDS)
    ]
    weights = copy_model(linears, 0).count_params()
    print(
        f"linear:  {weights:>6,} weights, rounded accuracy "
        f"{format_seeds(scores)}"
    )
    return {"accuracy": scores, "weights": weights}


# -- 2. padding and masking -----------------------------------------


def padded_windows(rng):
    """25 windows of 5 one-hot values, 4 zero steps padded in front; the
    padded steps get random targets."""
    encoded = one_hot_encode(generate_sequence(25, 100, seed=rng))
    zeros = np.zeros((4, 100), dtype="float32")  # 4 padded steps
    padded = np.concatenate([zeros, encoded])
    X, y = to_supervised(padded, n_in=5, n_out=5)
    pad = ~X.any(axis=-1)  # the padded steps
    y = y.copy()
    y[pad] = np.eye(100)[rng.integers(100, size=pad.sum())]  # random
    return X, y


def build_masked():
    """A stateless LSTM(20) many-to-many model with a ``Masking``
    layer first."""
    inputs = keras.Input(shape=(5, 100))
    lstm = keras.layers.LSTM(20, return_sequences=True)
    per_step = keras.layers.TimeDistributed(
        keras.layers.Dense(100, activation="softmax")
    )
    masked = keras.Model(
        inputs, per_step(lstm(keras.layers.Masking(0.0)(inputs)))
    )
    masked.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(0.01),
    )
    return masked


def without_masking(masked):
    """The same layers and weights as ``masked``, without its
    ``Masking`` layer."""
    inputs = masked.inputs[0]
    lstm, per_step = masked.layers[-2:]
    unmasked = keras.Model(inputs, per_step(lstm(inputs)))
    unmasked.compile(loss="categorical_crossentropy")
    return unmasked


def step_losses(net, X, y, real):
    """The loss Keras reports on (X, y), and the mean cross-entropy
    over the real steps alone and over all steps."""
    predicted = net.predict(X, verbose=0)
    each = keras.ops.convert_to_numpy(  # one loss per window and step
        keras.losses.categorical_crossentropy(y, predicted)
    )
    reported = net.evaluate(X, y, batch_size=len(X), verbose=0)
    return [float(reported), float(each[real].mean()), float(each.mean())]


def mask_exercise():
    """Train the masked model; score its real steps on one unseen
    sequence and compare the losses with and without the mask."""
    keras.utils.set_random_seed(MASK_SEED)
    masked = build_masked()
    X_pad, y_pad = stack_sequences(padded_windows, 300, MASK_SEED)
    masked.fit(X_pad, y_pad, batch_size=25, epochs=5, verbose=0)
    X_eval, y_eval = padded_windows(np.random.default_rng(TEST_SEED))
    real = X_eval.any(axis=-1)  # steps that hold a value
    predicted = masked.predict(X_eval, verbose=0).argmax(-1)
    accuracy = float(np.mean(predicted[real] == y_eval.argmax(-1)[real]))
    print(
        f"{len(X_eval)} windows per sequence; accuracy on the real "
        f"steps: {accuracy:.1%}"
    )
    losses = {
        name: step_losses(net, X_eval, y_eval, real)
        for name, net in {
            "with Masking": masked,
            "without Masking": without_masking(masked),
        }.items()
    }
    for name, (reported, real_only, all_steps) in losses.items():
        print(
            f"{name:>15}: reported {reported:.4f}, real steps only "
            f"{real_only:.4f}, all steps {all_steps:.4f}"
        )
    return {
        "windows": len(X_eval),
        "real_step_accuracy": accuracy,
        "first_window": {
            "padded_predictions": predicted[0, :4].tolist(),
            "real_prediction": int(predicted[0, 4]),
            "real_true": int(y_eval[0, -1].argmax()),
        },
        "losses": losses,
    }


# -- 3. topologies ---------------------------------------------------


def whole_windows(rng):
    """The chapter's data: 21 one-hot windows of 5, each its own
    target."""
    encoded = one_hot_encode(generate_sequence(25, 100, seed=rng))
    return to_supervised(encoded, n_in=5, n_out=5)


def compiled(inputs, outputs):
    """The chapter's compile settings: cross-entropy, Adam at 0.01."""
    built = keras.Model(inputs, outputs)
    built.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(0.01),
        weighted_metrics=["accuracy"],
    )
    return built


def train_seeds(build, make_data=whole_windows, n_test=100):
    """The chapter's budget: 5 copies, 200 sequences each, batch 21, 3
    epochs; each copy's element accuracy on n_test unseen sequences."""
    multi = build_copies(build, N_SEEDS)
    fit_copies_stacked(multi, make_data, 200, batch_size=21, epochs=3)
    scores = evaluate_copies(
        multi,
        make_data,
        n_test,
        batch_size=2100,  # one batch
        seed=TEST_SEED,
    )
    return multi, [score.accuracy for score in scores]


def block_model(timesteps, features, units=20):
    """A builder: LSTM(units), its last output mapped to a 5 x 100
    softmax block."""

    def build():
        inputs = keras.Input(shape=(timesteps, features))
        flat = keras.layers.Dense(500)(keras.layers.LSTM(units)(inputs))
        block = keras.layers.Reshape((5, 100))(flat)
        return compiled(inputs, keras.layers.Softmax()(block))

    return build


def flat_windows(rng):  # one step of 500 features
    """The chapter's windows as one timestep of 500 features."""
    X, y = whole_windows(rng)
    return X.reshape(len(X), 1, 500), y


def topology_exercise():
    """Five copies of each block model at the chapter's budget; their
    element accuracy on 50 unseen sequences and their size."""
    found = {}
    for name, build, make_data in [
        ("one-to-one", block_model(1, 500), flat_windows),
        ("many-to-one", block_model(5, 100), whole_windows),
    ]:
        multi, scores = train_seeds(build, make_data, 50)
        weights = copy_model(multi, 0).count_params()
        print(
            f"{name:>12}: {weights:>6,} weights, element accuracy "
            f"{format_seeds(scores)}"
        )
        found[name] = {"accuracy": [float(s) for s in scores]}
        found[name]["weights"] = weights
    return found


if __name__ == "__main__":
    start = time.perf_counter()
    results = {
        "linear": linear_exercise(),
        "masking": mask_exercise(),
        "topologies": topology_exercise(),
    }
    write_results(
        __file__,
        results,
        seeds=[k for k in range(N_SEEDS)] + [MASK_SEED],
        budgets={
            "sequences": N_SEQUENCES,
            "batch": BATCH,
            "epochs": EPOCHS,
            "updates": 600,
            "masking": {
                "sequences": 300,
                "batch": 25,
                "epochs": 5,
                "updates": 1500,
            },
        },
        wall_seconds=time.perf_counter() - start,
    )
