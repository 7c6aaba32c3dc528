"""Chapter 5, the exercises' runs: a linear output, masked padding, and
the block topologies.

1. Linear representation (ch5-linear): each value scaled to [0, 1] (divided
   by 99), a stateless LSTM(20) with one linear output per step, trained
   with squared error; five copies side by side, copy k seeded k (weights
   and data), 200 sequences each (4,200 windows), batch 21, 3 epochs (600
   updates), learning rate 0.01. Scored on the chapter's 100 unseen
   sequences (seed 5555): a prediction is right if it rounds to the true
   integer; for the misses, how many are off by exactly 1 and the largest.
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

Run: make experiments ONLY=ch5_exercises. The results file records
how long the run took and on how many cores; the chapter prints it.
"""

import time
from functools import partial

import keras
import numpy as np

from seqecho.data import (
    generate_sequence,
    one_hot_encode,
    scaled_window_echo,
    stack_sequences,
    to_supervised,
    window_echo,
)
from seqecho.evaluate import rounded_errors
from seqecho.models import build_block_model, build_linear_echo
from seqecho.results import write_results
from seqecho.seeds import (
    build_copies,
    copy_model,
    fit_and_evaluate_copies,
    fit_copies_stacked,
    format_seeds,
)

N_SEEDS, TEST_SEED, MASK_SEED = 5, 5555, 7
N_SEQUENCES, BATCH, EPOCHS = 200, 21, 3  # 600 updates per copy


# -- 1. a linear representation -------------------------------------


def linear_exercise():
    """Five linear copies at the chapter's budget: their rounded
    accuracy on 100 unseen sequences, how far off their misses are (in
    whole values), and their size."""
    linears = build_copies(build_linear_echo, N_SEEDS)
    fit_copies_stacked(
        linears, scaled_window_echo, N_SEQUENCES, BATCH, epochs=EPOCHS
    )
    X_test, y_test = stack_sequences(scaled_window_echo, 100, TEST_SEED)
    found = {"accuracy": [], "off_by_one": [], "largest_miss": []}
    for k in range(N_SEEDS):
        error = rounded_errors(copy_model(linears, k), X_test, y_test)
        missed = error[error > 0]
        found["accuracy"].append(float(np.mean(error == 0)))
        found["off_by_one"].append(float(np.mean(missed == 1)))
        found["largest_miss"].append(int(missed.max()))
    found["weights"] = copy_model(linears, 0).count_params()
    print(
        f"linear:  {found['weights']:>6,} weights, rounded accuracy "
        f"{format_seeds(found['accuracy'])}; misses off by 1: "
        f"{format_seeds(found['off_by_one'])}; largest miss "
        f"{max(found['largest_miss'])}"
    )
    return found


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


def topology_exercise():
    """Five copies of each block model at the chapter's budget; their
    element accuracy on 50 unseen sequences and their size."""
    flat = partial(window_echo, flat=True)  # one step of 500 features
    found = {}
    for name, build, make_data in [
        ("one-to-one", lambda: build_block_model(1, 500), flat),
        ("many-to-one", lambda: build_block_model(5, 100), window_echo),
    ]:
        multi, scores = fit_and_evaluate_copies(
            build,
            make_data,
            N_SEQUENCES,
            BATCH,
            EPOCHS,
            n_test=50,
            test_seed=TEST_SEED,
            test_batch_size=2100,  # one batch
        )
        weights = copy_model(multi, 0).count_params()
        print(
            f"{name:>12}: {weights:>6,} weights, element accuracy "
            f"{format_seeds(scores)}"
        )
        found[name] = {"accuracy": scores, "weights": weights}
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
