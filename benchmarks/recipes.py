"""Each chapter's model trained two ways, for the benchmark.

- ``ours``: the chapter's recipe (``train_on_batch`` or one batched
  ``fit``), trained in chunks until it reaches the chapter's target accuracy
  on a fixed set of unseen sequences.
- ``tutorial``: a faithful Keras 3 port of the original tutorial's recipe:
  one ``model.fit`` call per random sequence with the tutorial's epochs,
  batch sizes and layer sizes (chapter 7: one epoch over 100,000 examples),
  then scored on the same unseen set.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from seqecho.data import (
    generate_sequence,
    get_dataset,
    lag_streams,
    one_hot_encode,
    to_lagged,
    to_supervised,
)
from seqecho.evaluate import (
    evaluate_sequences,
    predict_sequence,
    sequence_accuracy,
)
from seqecho.models import (
    build_lstm,
    build_repeat_encoder_decoder,
    define_models,
    is_stateful,
    reset_states,
)
from seqecho.train import fit_sequences

# The unseen sequences every check and every recipe is scored on.
CHECK_SEED = 987_654


def echo_current(rng):
    encoded = one_hot_encode(generate_sequence(25, 100, seed=rng))
    return encoded[:, None, :], encoded


def beginner(rng):
    X, y = to_lagged(
        one_hot_encode(generate_sequence(25, 100, seed=rng)), n_in=1, lag=1
    )
    weight = np.ones(len(X))
    weight[0] = 0
    return X, y, weight


def streams4(rng):
    return lag_streams(rng, n_streams=6, length=25, window=4)


def lag1(rng):
    return to_lagged(
        one_hot_encode(generate_sequence(24, 100, seed=rng)), n_in=5, lag=1
    )


def whole(rng):
    return to_supervised(
        one_hot_encode(generate_sequence(25, 100, seed=rng)), 5, 5
    )


def first2(rng):
    return to_supervised(
        one_hot_encode(generate_sequence(25, 100, seed=rng)), 5, 2
    )


@dataclass
class Recipe:
    """One chapter: how we train it, how the tutorial trained it, and the
    goal."""

    chapter: int
    title: str
    make_data: Callable
    batch_size: int
    target: float
    ours: Callable[[], keras.Model]  # builds our model
    chunk: int  # sequences between checks
    max_sequences: int  # our budget
    n_check: int  # unseen sequences per check
    tutorial: Callable[[], keras.Model]  # builds the tutorial's model
    tutorial_data: Callable
    tutorial_batch: int
    tutorial_fits: int  # the tutorial's number of model.fit calls
    note: str = ""


RECIPES = {
    2: Recipe(
        2,
        "Echo the current value",
        echo_current,
        25,
        1.0,
        lambda: build_lstm(1, 100, 15, learning_rate=0.01),
        25,
        2000,
        100,
        lambda: build_lstm(1, 100, 15),
        echo_current,
        1,
        500,
        "the tutorial's listing fits each sequence with batch_size=1",
    ),
    3: Recipe(
        3,
        "Lag echo, state carried (layout fixed, 4-step windows)",
        streams4,
        6,
        0.99,
        lambda: build_lstm(
            4,
            100,
            50,
            batch_size=6,
            stateful=True,
            return_sequences=True,
            learning_rate=0.01,
        ),
        25,
        1000,
        30,
        lambda: build_lstm(1, 100, 50, batch_size=6, stateful=True),
        beginner,
        6,
        2000,
        "the tutorial's recipe is the beginner's mistake: it is expected "
        "never to reach the target;"
        " one unit of ours is 6 sequences side by side",
    ),
    4: Recipe(
        4,
        "Lag echo with 5-step context (stateful)",
        lag1,
        5,
        1.0,
        lambda: build_lstm(
            5, 100, 50, batch_size=5, stateful=True, learning_rate=0.003
        ),
        100,
        5000,
        100,
        lambda: build_lstm(5, 100, 50, batch_size=5, stateful=True),
        lag1,
        5,
        2000,
    ),
    5: Recipe(
        5,
        "Echo a whole sequence (TimeDistributed)",
        whole,
        7,
        1.0,
        lambda: build_lstm(
            5,
            100,
            20,
            batch_size=7,
            stateful=True,
            return_sequences=True,
            learning_rate=0.01,
        ),
        25,
        2000,
        50,
        lambda: build_lstm(
            5, 100, 20, batch_size=7, stateful=True, return_sequences=True
        ),
        whole,
        7,
        500,
    ),
    6: Recipe(
        6,
        "Echo part of a sequence (RepeatVector encoder-decoder)",
        first2,
        21,
        1.0,
        lambda: build_repeat_encoder_decoder(
            5,
            2,
            100,
            150,
            batch_size=21,
            stateful=True,
            learning_rate=0.003,
        ),
        250,
        10000,
        50,
        lambda: build_repeat_encoder_decoder(
            5, 2, 100, 150, batch_size=21, stateful=True
        ),
        first2,
        21,
        5000,
    ),
}


def train_ours(recipe: Recipe, seed: int, scale: float = 1.0) -> dict:
    """Train in chunks until the unseen check set reaches the target (or the
    budget ends)."""
    keras.utils.set_random_seed(seed)
    model, rng = recipe.ours(), np.random.default_rng(seed)
    budget = max(1, int(recipe.max_sequences * scale))
    chunk = max(1, min(recipe.chunk, budget))
    train_seconds, sequences, samples, accuracy, start = (
        0.0,
        0,
        0,
        0.0,
        time.perf_counter(),
    )
    while sequences < budget:
        log = fit_sequences(
            model,
            recipe.make_data,
            min(chunk, budget - sequences),
            recipe.batch_size,
            seed=rng,
            verbose=0,
        )
        train_seconds += log.seconds
        sequences += log.sequences
        samples += log.samples
        accuracy = evaluate_sequences(
            model,
            recipe.make_data,
            recipe.n_check,
            recipe.batch_size,
            seed=CHECK_SEED,
        ).accuracy
        if accuracy >= recipe.target:
            break
    return {
        "seed": seed,
        "reached": accuracy >= recipe.target,
        "accuracy": accuracy,
        "train_seconds": train_seconds,
        "wall_seconds": time.perf_counter() - start,
        "sequences": sequences,
        "samples": samples,
    }


def train_tutorial(
    recipe: Recipe, fraction: float = 1.0, seed: int = 0
) -> dict:
    """The tutorial's loop: one ``model.fit`` per random sequence, state
    reset after each."""
    keras.utils.set_random_seed(seed)
    model, rng = recipe.tutorial(), np.random.default_rng(seed)
    fits = max(1, int(round(recipe.tutorial_fits * fraction)))
    stateful = is_stateful(model)
    samples, times = 0, []
    for _ in range(fits):
        X, y, *_ = recipe.tutorial_data(
            rng
        )  # the tutorial trained on every pair, cold start included
        tick = time.perf_counter()
        model.fit(
            X,
            y,
            epochs=1,
            batch_size=recipe.tutorial_batch,
            verbose=0,
            shuffle=False,
        )
        if stateful:
            reset_states(model)
        times.append(time.perf_counter() - tick)
        samples += len(X)
    seconds = sum(times)
    # The first call includes tracing; a shortened run is extrapolated from
    # the calls after it.
    steady = float(np.mean(times[1:])) if len(times) > 1 else times[0]
    full_seconds = (
        seconds
        if fits == recipe.tutorial_fits
        else times[0] + steady * (recipe.tutorial_fits - 1)
    )
    accuracy = evaluate_sequences(
        model,
        recipe.tutorial_data,
        recipe.n_check,
        recipe.tutorial_batch,
        seed=CHECK_SEED,
    ).accuracy
    return {
        "fits": fits,
        "of_fits": recipe.tutorial_fits,
        "seconds": seconds,
        "full_seconds": full_seconds,
        "extrapolated": fits < recipe.tutorial_fits,
        "accuracy": accuracy,
        "samples": samples,
    }


# Chapter 7 trains on whole arrays rather than sequence by sequence.
CH7 = {
    "title": "Teacher-forced encoder-decoder",
    "target": 0.99,
    "chunk": 10_000,
    "max_examples": 200_000,
    "tutorial_examples": 100_000,
    "n_check": 1000,
}


def ch7_ours(seed: int, scale: float = 1.0) -> dict:
    keras.utils.set_random_seed(seed)
    model, infenc, infdec = define_models(51, 51, 128, learning_rate=0.003)
    A1, _, A_y = get_dataset(6, 3, 51, CH7["n_check"], seed=CHECK_SEED)
    budget = max(1, int(CH7["max_examples"] * scale))
    chunk = min(CH7["chunk"], budget)
    rng, examples, train_seconds, accuracy, start = (
        np.random.default_rng(seed),
        0,
        0.0,
        0.0,
        time.perf_counter(),
    )
    while examples < budget:
        X1, X2, y = get_dataset(6, 3, 51, chunk, seed=rng)
        tick = time.perf_counter()
        model.fit([X1, X2], y, batch_size=64, epochs=1, verbose=0)
        train_seconds += time.perf_counter() - tick
        examples += chunk
        accuracy = sequence_accuracy(
            A_y, predict_sequence(infenc, infdec, A1, 3, 51)
        )
        if accuracy >= CH7["target"]:
            break
    tick = time.perf_counter()
    predict_sequence(infenc, infdec, A1, 3, 51)
    decode_ms = 1000 * (time.perf_counter() - tick) / len(A1)
    return {
        "seed": seed,
        "reached": accuracy >= CH7["target"],
        "accuracy": accuracy,
        "train_seconds": train_seconds,
        "wall_seconds": time.perf_counter() - start,
        "sequences": examples,
        "samples": examples,
        "decode_ms_per_example": decode_ms,
    }


def tutorial_predict_sequence(infenc, infdec, source, n_steps, cardinality):
    """The tutorial's decoding loop: one source at a time, ``predict`` for
    every step."""
    state = infenc.predict(source, verbose=0)
    target_seq = np.zeros((1, 1, cardinality), dtype="float32")
    output = []
    for _ in range(n_steps):
        yhat, h, c = infdec.predict([target_seq] + list(state), verbose=0)
        output.append(yhat[0, 0, :])
        state = [h, c]
        target_seq = yhat
    return np.array(output)


def ch7_tutorial(
    fraction: float = 1.0, seed: int = 0, n_decode: int = 100
) -> dict:
    keras.utils.set_random_seed(seed)
    model, infenc, infdec = define_models(51, 51, 128)
    n = max(32, int(CH7["tutorial_examples"] * fraction))
    X1, X2, y = get_dataset(6, 3, 51, n, seed=seed)
    start = time.perf_counter()
    model.fit(
        [X1, X2], y, epochs=1, verbose=0
    )  # the tutorial: one epoch, default batch size 32
    seconds = time.perf_counter() - start
    A1, _, A_y = get_dataset(6, 3, 51, CH7["n_check"], seed=CHECK_SEED)
    accuracy = sequence_accuracy(
        A_y, predict_sequence(infenc, infdec, A1, 3, 51)
    )
    n_decode = max(1, n_decode)
    tutorial_predict_sequence(
        infenc, infdec, A1[-1:], 3, 51
    )  # warm-up: traces predict() once
    tick = time.perf_counter()
    for i in range(n_decode):
        tutorial_predict_sequence(infenc, infdec, A1[i : i + 1], 3, 51)
    decode_ms = 1000 * (time.perf_counter() - tick) / n_decode
    return {
        "fits": 1,
        "of_fits": 1,
        "examples": n,
        "of_examples": CH7["tutorial_examples"],
        "seconds": seconds,
        "full_seconds": seconds * CH7["tutorial_examples"] / n,
        "extrapolated": n < CH7["tutorial_examples"],
        "accuracy": accuracy,
        "samples": n,
        "decode_ms_per_example": decode_ms,
    }
