"""Each chapter's model trained two ways, for the benchmark.

- ``ours``: the chapter's model and training settings (``train_on_batch``,
  or one batched ``fit`` per chunk), trained in chunks until it reaches the
  chapter's target accuracy on a fixed set of unseen sequences, the *check
  set* (the benchmark's stopping rule, not the chapter's). Because the check
  set decides when to stop, every final model is scored again on a
  separate *held-out set* of as many sequences, drawn from another seed.
- ``tutorial``: a faithful Keras 3 port of the original tutorial's recipe:
  one ``model.fit`` call per random sequence with the tutorial's epochs,
  batch sizes and layer sizes (chapter 7: one epoch over 100,000 examples),
  scored on the same check and held-out sets.

Chapter 6 also times its model with and without ``unroll=True``
(:func:`ch6_unroll`). Chapter 7 also trains the chapter's recipe as the
chapter writes it, with no early stop (:func:`ch7_recipe`), and times four
ways of decoding (:func:`ch7_decoding`).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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

# The unseen sequences that decide when training stops (the check set),
# and the separate unseen sequences every final model is scored on (the
# held-out set). Training data comes from the run's seeds 0, 1, 2, ...
CHECK_SEED = 987_654
HOLDOUT_SEED = 246_813


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
    goal. ``ours`` and ``tutorial`` are the keyword arguments of
    ``builder`` for the two models (stored in the results as given)."""

    chapter: int
    title: str
    builder: Callable[..., keras.Model]
    make_data: Callable
    batch_size: int
    target: float
    ours: dict  # our model: the builder's arguments
    chunk: int  # sequences between checks
    max_sequences: int  # our budget
    n_check: int  # unseen sequences per check (and in the held-out set)
    tutorial: dict  # the tutorial's model: the builder's arguments
    tutorial_data: Callable
    tutorial_batch: int
    tutorial_fits: int  # the tutorial's number of model.fit calls
    note: str = ""
    # keyword arguments left at the builder's defaults, for the record
    defaults: dict = field(default_factory=dict)

    def protocol(self) -> dict:
        """What is trained and how, as stored in the results."""
        return {
            "builder": self.builder.__name__,
            "data": self.make_data.__name__,
            "ours": {**self.defaults, **self.ours},
            "ours_batch_size": self.batch_size,
            "chunk_sequences": self.chunk,
            "max_sequences": self.max_sequences,
            "check_sequences": self.n_check,
            "check_seed": CHECK_SEED,
            "holdout_sequences": self.n_check,
            "holdout_seed": HOLDOUT_SEED,
            "tutorial": {**self.defaults, **self.tutorial},
            "tutorial_data": self.tutorial_data.__name__,
            "tutorial_batch_size": self.tutorial_batch,
            "tutorial_fits": self.tutorial_fits,
        }


LSTM_DEFAULTS = {"learning_rate": 1e-3}
RECIPES = {
    2: Recipe(
        2,
        "Echo the current value",
        build_lstm,
        echo_current,
        25,
        1.0,
        {
            "timesteps": 1,
            "n_features": 100,
            "n_units": 15,
            "learning_rate": 0.01,
        },
        25,
        2000,
        100,
        {"timesteps": 1, "n_features": 100, "n_units": 15},
        echo_current,
        1,
        500,
        "the tutorial's listing fits each sequence with batch_size=1",
        LSTM_DEFAULTS,
    ),
    3: Recipe(
        3,
        "Lag echo, state carried (layout fixed, 4-step windows)",
        build_lstm,
        streams4,
        6,
        0.99,
        {
            "timesteps": 4,
            "n_features": 100,
            "n_units": 50,
            "batch_size": 6,
            "stateful": True,
            "return_sequences": True,
            "learning_rate": 0.01,
        },
        25,
        1000,
        30,
        {
            "timesteps": 1,
            "n_features": 100,
            "n_units": 50,
            "batch_size": 6,
            "stateful": True,
        },
        beginner,
        6,
        2000,
        "the tutorial's recipe is the beginner's mistake: it is expected "
        "never to reach the target;"
        " one unit of ours is 6 sequences side by side",
        LSTM_DEFAULTS,
    ),
    4: Recipe(
        4,
        "Lag echo with 5-step context (stateful)",
        build_lstm,
        lag1,
        5,
        1.0,
        {
            "timesteps": 5,
            "n_features": 100,
            "n_units": 50,
            "batch_size": 5,
            "stateful": True,
            "learning_rate": 0.003,
        },
        100,
        5000,
        100,
        {
            "timesteps": 5,
            "n_features": 100,
            "n_units": 50,
            "batch_size": 5,
            "stateful": True,
        },
        lag1,
        5,
        2000,
        defaults=LSTM_DEFAULTS,
    ),
    5: Recipe(
        5,
        "Echo a whole sequence (TimeDistributed)",
        build_lstm,
        whole,
        7,
        1.0,
        {
            "timesteps": 5,
            "n_features": 100,
            "n_units": 20,
            "batch_size": 7,
            "stateful": True,
            "return_sequences": True,
            "learning_rate": 0.01,
        },
        25,
        2000,
        50,
        {
            "timesteps": 5,
            "n_features": 100,
            "n_units": 20,
            "batch_size": 7,
            "stateful": True,
            "return_sequences": True,
        },
        whole,
        7,
        500,
        defaults=LSTM_DEFAULTS,
    ),
    # The chapter's model (notebooks/06_echo_partial_sequence.ipynb):
    # LSTM(150) encoder and decoder, stateful, batch 21, learning rate
    # 0.003, both LSTMs unrolled. tests/test_bench.py checks it against the
    # chapter's own call.
    6: Recipe(
        6,
        "Echo part of a sequence (RepeatVector encoder-decoder)",
        build_repeat_encoder_decoder,
        first2,
        21,
        1.0,
        {
            "n_in": 5,
            "n_out": 2,
            "n_features": 100,
            "n_units": 150,
            "batch_size": 21,
            "stateful": True,
            "learning_rate": 0.003,
            "unroll": True,
        },
        250,
        10000,
        50,
        {
            "n_in": 5,
            "n_out": 2,
            "n_features": 100,
            "n_units": 150,
            "batch_size": 21,
            "stateful": True,
        },
        first2,
        21,
        5000,
        "ours is the chapter's model, both LSTMs unrolled; the tutorial's "
        "runs the loop (unroll=False)",
        {**LSTM_DEFAULTS, "unroll": False},
    ),
}


def build(recipe: Recipe, which: str = "ours", **changes) -> keras.Model:
    """Build ``recipe``'s model ``which`` ("ours" or "tutorial"), with
    ``changes`` to its arguments."""
    return recipe.builder(**{**getattr(recipe, which), **changes})


def evaluate(recipe: Recipe, model: keras.Model, seed: int, data=None):
    """Element accuracy of ``model`` on the recipe's unseen sequences from
    ``seed`` (:data:`CHECK_SEED` or :data:`HOLDOUT_SEED`)."""
    return evaluate_sequences(
        model,
        data or recipe.make_data,
        recipe.n_check,
        recipe.batch_size if data is None else recipe.tutorial_batch,
        seed=seed,
    ).accuracy


def train_ours(recipe: Recipe, seed: int, scale: float = 1.0) -> dict:
    """Train in chunks until the check set reaches the target (or the
    budget ends), then score the model on the held-out set."""
    keras.utils.set_random_seed(seed)
    model, rng = build(recipe), np.random.default_rng(seed)
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
        accuracy = evaluate(recipe, model, CHECK_SEED)
        if accuracy >= recipe.target:
            break
    holdout = evaluate(recipe, model, HOLDOUT_SEED)
    return {
        "seed": seed,
        "reached": accuracy >= recipe.target,
        "check_accuracy": accuracy,
        "holdout_accuracy": holdout,
        "holdout_reached": holdout >= recipe.target,
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
    model, rng = build(recipe, "tutorial"), np.random.default_rng(seed)
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
    check, holdout = (
        evaluate(recipe, model, s, recipe.tutorial_data)
        for s in (CHECK_SEED, HOLDOUT_SEED)
    )
    return {
        "seed": seed,
        "fits": fits,
        "of_fits": recipe.tutorial_fits,
        "seconds": seconds,
        "full_seconds": full_seconds,
        "extrapolated": fits < recipe.tutorial_fits,
        "check_accuracy": check,
        "holdout_accuracy": holdout,
        "samples": samples,
    }


# Chapter 6: the same model with and without unroll=True, from the same
# initial weights, on the same sequences, for the same number of updates.
UNROLL_UPDATES = 500


def ch6_unroll(seed: int, scale: float = 1.0) -> dict:
    """Time chapter 6's model with both LSTMs unrolled and with Keras'
    loop: building it, its first update (tracing and compiling the train
    step) and each later update (one sequence of 21 windows, making the
    sequence included), then score both on the held-out set. Which goes
    first alternates with the seed."""
    recipe = RECIPES[6]
    updates = max(2, int(UNROLL_UPDATES * scale))
    order = (True, False) if seed % 2 == 0 else (False, True)
    result = {"seed": seed, "updates": updates, "first": None}
    for unroll in order:
        name = "unrolled" if unroll else "loop"
        result["first"] = result["first"] or name
        keras.utils.set_random_seed(seed)
        tick = time.perf_counter()
        model = build(recipe, unroll=unroll)
        build_seconds = time.perf_counter() - tick
        rng = np.random.default_rng(seed)
        first = fit_sequences(
            model,
            recipe.make_data,
            1,
            recipe.batch_size,
            seed=rng,
            verbose=0,
        )
        rest = fit_sequences(
            model,
            recipe.make_data,
            updates - 1,
            recipe.batch_size,
            seed=rng,
            verbose=0,
        )
        result[name] = {
            "build_seconds": build_seconds,
            "first_update_seconds": first.seconds,
            "update_ms": 1000 * rest.seconds / rest.sequences,
            "train_seconds": first.seconds + rest.seconds,
            "holdout_accuracy": evaluate(recipe, model, HOLDOUT_SEED),
        }
    return result


# Chapter 7 trains on whole arrays rather than sequence by sequence.
N_IN, N_OUT, CARDINALITY, N_UNITS = 6, 3, 51, 128
CH7 = {
    "title": "Teacher-forced encoder-decoder",
    "target": 0.99,  # exact (whole-answer) greedy accuracy
    "n_units": N_UNITS,
    "check_sources": 1000,
    "check_seed": CHECK_SEED,
    "holdout_sources": 1000,
    "holdout_seed": HOLDOUT_SEED,
    # ours, to target: fresh chunks, one epoch each, until the check set
    # reaches the target
    "to_target": {
        "chunk_examples": 10_000,
        "epochs_per_chunk": 1,
        "max_examples": 200_000,
        "batch_size": 64,
        "learning_rate": 0.003,
    },
    # the chapter's recipe as notebooks/07_teacher_forcing.ipynb writes it:
    # 50,000 examples, 3 epochs, batches of 64, learning rate 0.003, no
    # early stop (tests/test_bench.py checks it against the chapter)
    "recipe": {
        "examples": 50_000,
        "epochs": 3,
        "batch_size": 64,
        "learning_rate": 0.003,
    },
    # the original tutorial: 100,000 examples, one epoch, Keras' default
    # batch size and Adam's default learning rate
    "tutorial": {
        "examples": 100_000,
        "epochs": 1,
        "batch_size": 32,
        "learning_rate": 0.001,
    },
    "decode_sources": 100,  # sources decoded one at a time, per way
    "decode_repeats": 5,  # batched decodings of the held-out set
}


def _ch7_sets() -> tuple[tuple, tuple]:
    """The check and held-out sources and targets."""
    check = get_dataset(
        N_IN, N_OUT, CARDINALITY, CH7["check_sources"], seed=CHECK_SEED
    )
    holdout = get_dataset(
        N_IN, N_OUT, CARDINALITY, CH7["holdout_sources"], seed=HOLDOUT_SEED
    )
    return (check[0], check[2]), (holdout[0], holdout[2])


def _exact(infenc, infdec, sources, targets) -> float:
    return sequence_accuracy(
        targets,
        predict_sequence(infenc, infdec, sources, N_OUT, CARDINALITY),
    )


def ch7_ours(seed: int, scale: float = 1.0) -> dict:
    """Fresh chunks of examples, one epoch each, until the check set's
    exact greedy accuracy reaches the target; then the held-out set."""
    settings = CH7["to_target"]
    keras.utils.set_random_seed(seed)
    model, infenc, infdec = define_models(
        CARDINALITY,
        CARDINALITY,
        N_UNITS,
        learning_rate=settings["learning_rate"],
    )
    check, holdout = _ch7_sets()
    budget = max(1, int(settings["max_examples"] * scale))
    chunk = min(settings["chunk_examples"], budget)
    rng, examples, updates, train_seconds, accuracy, start = (
        np.random.default_rng(seed),
        0,
        0,
        0.0,
        0.0,
        time.perf_counter(),
    )
    while examples < budget:
        X1, X2, y = get_dataset(N_IN, N_OUT, CARDINALITY, chunk, seed=rng)
        tick = time.perf_counter()
        model.fit(
            [X1, X2],
            y,
            batch_size=settings["batch_size"],
            epochs=settings["epochs_per_chunk"],
            verbose=0,
        )
        train_seconds += time.perf_counter() - tick
        examples += chunk
        updates += settings["epochs_per_chunk"] * math.ceil(
            chunk / settings["batch_size"]
        )
        accuracy = _exact(infenc, infdec, *check)
        if accuracy >= CH7["target"]:
            break
    holdout_accuracy = _exact(infenc, infdec, *holdout)
    return {
        "seed": seed,
        "reached": accuracy >= CH7["target"],
        "check_accuracy": accuracy,
        "holdout_accuracy": holdout_accuracy,
        "holdout_reached": holdout_accuracy >= CH7["target"],
        "train_seconds": train_seconds,
        "wall_seconds": time.perf_counter() - start,
        "sequences": examples,
        "samples": examples,
        "updates": updates,
    }


def _ch7_fit(settings: dict, seed: int, n: int, data_seed) -> tuple:
    """Chapter 7's models, seeded ``seed``, fitted on ``n`` examples drawn
    with ``data_seed``, with ``settings``' learning rate, batch size and
    epochs: the inference models and the ``fit`` call's seconds."""
    keras.utils.set_random_seed(seed)
    model, infenc, infdec = define_models(
        CARDINALITY,
        CARDINALITY,
        N_UNITS,
        learning_rate=settings["learning_rate"],
    )
    X1, X2, y = get_dataset(N_IN, N_OUT, CARDINALITY, n, seed=data_seed)
    tick = time.perf_counter()
    model.fit(
        [X1, X2],
        y,
        batch_size=settings["batch_size"],
        epochs=settings["epochs"],
        verbose=0,
    )
    return infenc, infdec, time.perf_counter() - tick


def ch7_recipe(seed: int, scale: float = 1.0) -> dict:
    """The chapter's recipe as written: one ``fit`` over a fixed set of
    examples for a fixed number of epochs, no early stop; then both sets.
    ``scale`` < 1 shrinks the examples (smoke tests only)."""
    settings = CH7["recipe"]
    n = max(settings["batch_size"], int(settings["examples"] * scale))
    infenc, infdec, train_seconds = _ch7_fit(
        settings, seed, n, np.random.default_rng(seed)
    )
    check, holdout = _ch7_sets()
    holdout_accuracy = _exact(infenc, infdec, *holdout)
    return {
        "seed": seed,
        "examples": n,
        "epochs": settings["epochs"],
        "updates": settings["epochs"]
        * math.ceil(n / settings["batch_size"]),
        "train_seconds": train_seconds,
        "check_accuracy": _exact(infenc, infdec, *check),
        "holdout_accuracy": holdout_accuracy,
        "holdout_reached": holdout_accuracy >= CH7["target"],
    }


def tutorial_predict_sequence(
    infenc, infdec, source, n_steps, cardinality, call="predict"
):
    """The tutorial's decoding loop: one source at a time, feeding back the
    predicted distribution, one model call per step. ``call`` is the
    tutorial's ``"predict"`` or ``"predict_on_batch"`` (a direct call of
    the compiled function, without ``predict``'s per-call set-up)."""
    encode, step = getattr(infenc, call), getattr(infdec, call)
    options = {"verbose": 0} if call == "predict" else {}
    state = encode(source, **options)
    target_seq = np.zeros((1, 1, cardinality), dtype="float32")
    output = []
    for _ in range(n_steps):
        yhat, h, c = step([target_seq] + list(state), **options)
        output.append(np.asarray(yhat)[0, 0, :])
        state = [h, c]
        target_seq = np.asarray(yhat)
    return np.array(output)


# The four ways of decoding, in the order they are reported.
DECODING_WAYS = {
    "tutorial_predict": "the tutorial's loop, one source at a time, "
    "model.predict for every call",
    "tutorial_on_batch": "the same loop, one source at a time, "
    "predict_on_batch for every call",
    "ours_one_source": "seqecho's predict_sequence, one source at a time",
    "ours_batched": "seqecho's predict_sequence, all held-out sources in "
    "one batch",
}


def ch7_decoding(infenc, infdec, sources, n_single: int) -> dict:
    """Milliseconds per source of each of :data:`DECODING_WAYS`, after one
    warm-up call of each. The three one-source ways take turns on each of
    the first ``n_single`` sources, each source timed on its own, and keep
    the median; the batched way decodes all ``sources`` in one call,
    ``decode_repeats`` times, and keeps the median over its repeats."""

    def tutorial(call):
        return lambda s: tutorial_predict_sequence(
            infenc, infdec, s, N_OUT, CARDINALITY, call
        )

    def ours(s):
        return predict_sequence(infenc, infdec, s, N_OUT, CARDINALITY)

    single = {
        "tutorial_predict": tutorial("predict"),
        "tutorial_on_batch": tutorial("predict_on_batch"),
        "ours_one_source": ours,
    }
    n_single = max(1, min(n_single, len(sources)))
    for decode in (*single.values(), ours):
        decode(sources[-1:])  # warm-up: traces each function once
    ours(sources)
    times = {name: [] for name in single}
    answers = {name: [] for name in single}
    for i in range(n_single):
        for name, decode in single.items():
            tick = time.perf_counter()
            answer = decode(sources[i : i + 1])
            times[name].append(time.perf_counter() - tick)
            answers[name].append(np.asarray(answer).reshape(N_OUT, -1))
    batched_times = []
    for _ in range(CH7["decode_repeats"]):
        tick = time.perf_counter()
        batched = ours(sources)
        batched_times.append(time.perf_counter() - tick)
    ms = {
        name: 1000 * statistics.median(values)
        for name, values in times.items()
    }
    ms["ours_batched"] = (
        1000 * statistics.median(batched_times) / len(sources)
    )
    same = {
        name: bool(
            np.array_equal(
                np.argmax(answers[name], -1),
                np.argmax(batched[:n_single], -1),
            )
        )
        for name in single
    }
    return {
        "ways": DECODING_WAYS,
        "ms_per_source": ms,
        "sources_one_at_a_time": n_single,
        "sources_batched": len(sources),
        "batched_repeats": CH7["decode_repeats"],
        "same_answers_as_batched": same,
        "ratios": {
            "predict_overhead": ms["tutorial_predict"]
            / ms["tutorial_on_batch"],
            "loop_code": ms["tutorial_on_batch"] / ms["ours_one_source"],
            "batching": ms["ours_one_source"] / ms["ours_batched"],
            "total": ms["tutorial_predict"] / ms["ours_batched"],
        },
    }


def ch7_tutorial(
    fraction: float = 1.0, seed: int = 0, n_decode: int = 100
) -> dict:
    """The tutorial's recipe: one epoch over its examples (a fraction of
    them extrapolated); both sets scored; the four ways of decoding timed
    on its inference models."""
    settings = CH7["tutorial"]
    n = max(settings["batch_size"], int(settings["examples"] * fraction))
    infenc, infdec, seconds = _ch7_fit(settings, seed, n, seed)
    check, holdout = _ch7_sets()
    return {
        "seed": seed,
        "fits": 1,
        "of_fits": 1,
        "examples": n,
        "of_examples": settings["examples"],
        "seconds": seconds,
        "full_seconds": seconds * settings["examples"] / n,
        "extrapolated": n < settings["examples"],
        "check_accuracy": _exact(infenc, infdec, *check),
        "holdout_accuracy": _exact(infenc, infdec, *holdout),
        "samples": n,
        "decoding": ch7_decoding(infenc, infdec, holdout[0], n_decode),
    }
