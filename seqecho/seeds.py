"""Several seeds of one model, trained side by side in one compiled step.

A conclusion about a recipe needs several seeds. :func:`build_copies`
builds ``K`` independently initialised copies of a model and joins them
into one Keras model with ``K`` inputs and ``K`` outputs, so one
``train_on_batch`` call trains them all and the Python side of a call
(converting the batch, reading the logs) is paid once per step instead of
once per seed. The compiled step still runs every copy's own layers, so
its cost grows with ``K``; ``benchmarks/seeds.py`` measures what is saved
on the book's models.

The copies stay independent: the joint loss is the plain sum of the
copies' losses, so the gradient for copy ``k``'s weights is the gradient
of its own loss, and Adam scales every weight on its own. Training copy
``k`` side by side gives the weights that training it alone would give,
up to float round-off.

>>> from seqecho.models import build_lstm
>>> multi = build_copies(lambda: build_lstm(1, 10, 4), 3, seed=0)
>>> multi.output_names
['seed_0', 'seed_1', 'seed_2']
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from seqecho._checks import check_int
from seqecho.batches import MakeData, check_batching
from seqecho.data import as_generator
from seqecho.evaluate import Evaluation, evaluate_outputs
from seqecho.models import (
    check_state_is_carried,
    is_stateful,
    reset_states,
)
from seqecho.train import (
    TrainingLog,
    metrics_over_sequence,
    progress_bar,
    progress_every,
)

_COPY_NAME = re.compile(r"seed_(\d+)")


def build_copies(
    build: Callable[[], keras.Model], n_seeds: int, *, seed: int = 0
) -> keras.Model:
    """Build ``n_seeds`` copies of a model, each from its own seed, joined
    into one model.

    ``build()`` is called ``n_seeds`` times, copy ``k`` right after
    ``keras.utils.set_random_seed(seed + k)``, so copy ``k`` starts from
    the very weights a one-seed run seeded with ``seed + k`` starts from.
    Copy ``k`` is renamed ``seed_k`` and gets its own inputs
    (``seed_k_<input name>``) and its own output ``seed_k``.

    The joint model is compiled like the copies: their loss and metrics
    for every output and a fresh optimizer of the same class and settings
    (learning rate included). Keras adds the outputs' losses unweighted, so
    the gradient for copy ``k``'s weights is the gradient of its own loss;
    Adam scales every weight on its own, so the copies train
    independently. An optimizer with ``global_clipnorm`` would couple them
    and is refused.

    Parameters
    ----------
    build : callable
        A function of no arguments returning a new compiled Keras model
        with one output (such as a :mod:`seqecho.models` builder in a
        ``lambda``).
    n_seeds : int
        How many copies (>= 1).
    seed : int
        The first seed (>= 0); copy ``k`` uses ``seed + k``.

    Returns
    -------
    keras.Model
        The compiled joint model, with outputs ``seed_0``, ``seed_1``, ...

    Examples
    --------
    >>> from seqecho.models import build_lstm
    >>> build = lambda: build_lstm(1, 10, 4, batch_size=6, stateful=True)
    >>> multi = build_copies(build, 2)
    >>> [t.name for t in multi.inputs], multi.output_names
    (['seed_0_sequence', 'seed_1_sequence'], ['seed_0', 'seed_1'])
    """
    if not callable(build):
        raise TypeError(
            "build must be a function of no arguments that returns a Keras "
            f"model, got {type(build).__name__} {build!r}"
        )
    n_seeds = check_int("n_seeds", n_seeds, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    copies, config = [], None
    for k in range(n_seeds):
        keras.utils.set_random_seed(seed + k)
        # Unique variable paths per copy: on PyTorch, Keras keys a model's
        # parameters by path, and copies sharing paths would not all have
        # their gradients cleared between steps.
        with keras.name_scope(f"seed_{k}"):
            copy = _checked_copy(build(), copies)
        if config is None:
            config, name = _compile_config(copy), copy.name
        elif _compile_config(copy) != config:
            raise ValueError(
                f"build() compiled copy {k} differently from copy 0 (loss, "
                "metrics or optimizer settings): every copy must be "
                "compiled alike"
            )
        copy.name = f"seed_{k}"
        copies.append(copy)
    inputs, outputs = [], []
    for k, copy in enumerate(copies):
        own = [
            keras.Input(
                batch_shape=t.shape,
                dtype=t.dtype,
                name=f"seed_{k}_{t.name}",
            )
            for t in copy.inputs
        ]
        inputs += own
        outputs.append(copy(own[0] if len(own) == 1 else own))
    multi = keras.Model(inputs, outputs, name=f"{name}_x{n_seeds}")
    return _compile_side_by_side(multi, copies[0])


def _checked_copy(copy: object, earlier: list[keras.Model]) -> keras.Model:
    """Check what ``build()`` returned: a new, compiled, functional model
    with one output."""
    if not isinstance(copy, keras.Model):
        raise TypeError(
            f"build() must return a keras.Model, got {type(copy).__name__}"
        )
    if not copy.compiled or copy.optimizer is None:
        raise ValueError(
            "build() must return a compiled model (the copies are trained "
            "with its loss, metrics and optimizer settings)"
        )
    try:
        n_outputs, n_inputs = len(copy.outputs), len(copy.inputs)
    except (AttributeError, TypeError, ValueError):
        raise ValueError(
            "build() must return a model with defined inputs and outputs "
            "(a functional or Sequential model built on keras.Input)"
        ) from None
    if n_outputs != 1 or n_inputs < 1:
        raise ValueError(
            "build() must return a model with one output and at least one "
            f"input, got {n_outputs} outputs and {n_inputs} inputs"
        )
    shared = {id(v) for model in earlier for v in model.weights} & {
        id(v) for v in copy.weights
    }
    if any(copy is model for model in earlier) or shared:
        raise ValueError(
            "build() returned a model that shares weights with an earlier "
            "copy: it must build a new model on every call (e.g. "
            "lambda: build_lstm(...))"
        )
    return copy


def _compile_config(model: keras.Model) -> dict:
    """A model's compile settings, less its optimizer's automatic name."""
    config = model.get_compile_config()
    optimizer = config["optimizer"]
    if isinstance(optimizer, dict) and isinstance(
        optimizer.get("config"), dict
    ):
        optimizer["config"].pop("name", None)
        if optimizer["config"].get("global_clipnorm") is not None:
            raise ValueError(
                "the copies' optimizer uses global_clipnorm, which clips "
                "all copies together and couples them: use clipnorm (per "
                "weight) instead"
            )
    return config


def _compile_side_by_side(
    multi: keras.Model, copy: keras.Model
) -> keras.Model:
    """Compile ``multi`` with ``copy``'s settings for every output.

    Every output gets ``copy``'s loss, metrics and loss weight (``None``
    for the book's builders, so each copy's loss counts once); Keras sums
    the outputs' losses into the joint loss.
    """
    config = keras.saving.deserialize_keras_object(
        copy.get_compile_config()
    )

    def per_output(value):
        return (
            None
            if value is None
            else {name: value for name in multi.output_names}
        )

    multi.compile(
        # a new optimizer: same class, learning rate and settings
        optimizer=config["optimizer"],
        loss=per_output(config["loss"]),
        loss_weights=per_output(config["loss_weights"]),
        metrics=per_output(config["metrics"]),
        weighted_metrics=per_output(config["weighted_metrics"]),
    )
    return multi


def n_copies(multi: keras.Model) -> int:
    """How many copies a model from :func:`build_copies` holds.

    >>> from seqecho.models import build_lstm
    >>> n_copies(build_copies(lambda: build_lstm(1, 10, 4), 2))
    2
    """
    if not isinstance(multi, keras.Model):
        raise TypeError(
            "multi must be a model from build_copies, got "
            f"{type(multi).__name__}"
        )
    count = sum(
        1
        for layer in multi.layers
        if isinstance(layer, keras.Model)
        and _COPY_NAME.fullmatch(layer.name)
    )
    if count == 0:
        raise ValueError(
            f"multi must be a model from build_copies; {multi.name!r} has "
            "no copy named seed_0"
        )
    return count


def copy_model(multi: keras.Model, index: int) -> keras.Model:
    """Copy ``index`` of ``multi`` as a model of its own, sharing its
    weights and state.

    It is the model ``build()`` returned (renamed ``seed_<index>``, still
    compiled), so every helper that takes a model works on it:
    :func:`seqecho.evaluate.evaluate_sequences`,
    :func:`seqecho.models.inference_models`, ``save``.

    >>> from seqecho.models import build_lstm
    >>> copy_model(build_copies(lambda: build_lstm(1, 10, 4), 2), 1).name
    'seed_1'
    """
    index = check_int(
        "index", index, minimum=0, maximum=n_copies(multi) - 1
    )
    return multi.get_layer(f"seed_{index}")


@dataclass
class SeedLogs:
    """One :class:`~seqecho.train.TrainingLog` per copy, and the wall time
    of the whole run.

    The copies trained together, so a copy's own ``seconds`` is the shared
    wall time too.
    """

    logs: list[TrainingLog]
    seconds: float = 0.0

    def final_accuracy(self, window: int = 20) -> list[float]:
        """Each copy's training accuracy, averaged over its last
        ``window`` sequences."""
        window = check_int("window", window, minimum=1)
        return [float(np.mean(log.accuracy[-window:])) for log in self.logs]

    def as_dict(self) -> dict[str, TrainingLog]:
        """``{"seed_0": log, ...}``, as
        :func:`seqecho.plots.plot_learning_curves` takes them."""
        return {f"seed_{k}": log for k, log in enumerate(self.logs)}


def data_generators(
    seed: int | Sequence[int | np.random.Generator],
    n_seeds: int,
) -> list[np.random.Generator]:
    """One NumPy ``Generator`` per copy: ``seed + k`` for copy ``k``, or
    one given per copy.

    Pass the same list of generators to several :func:`fit_copies` calls
    to continue every copy's data stream instead of starting it again.

    >>> first = data_generators(3, 2)[1].integers(100)
    >>> int(first) == int(np.random.default_rng(4).integers(100))
    True
    """
    n_seeds = check_int("n_seeds", n_seeds, minimum=1)
    if isinstance(seed, (Sequence, np.ndarray)) and not isinstance(
        seed, str
    ):
        if len(seed) != n_seeds:
            raise ValueError(
                "seed must be an integer or one seed or Generator per "
                f"copy ({n_seeds}), got {len(seed)}"
            )
        return [as_generator(one) for one in seed]
    seed = check_int("seed", seed, minimum=0)
    return [np.random.default_rng(seed + k) for k in range(n_seeds)]


def fit_copies(
    multi: keras.Model,
    make_data: MakeData,
    n_sequences: int,
    batch_size: int,
    *,
    seed: int | Sequence[int | np.random.Generator] = 0,
    verbose: int = 1,
) -> SeedLogs:
    """Train every copy of ``multi`` on ``n_sequences`` fresh sequences,
    all in one step per batch.

    Copy ``k`` draws its own sequences from its own generator (``seed + k``
    by default, see :func:`data_generators`), so copies differ in data as
    well as in initial weights: copy ``k`` sees exactly what
    :func:`seqecho.train.fit_sequences` with ``seed=seed + k`` would feed
    it. Batches are cut and fed in order, stateful layers are reset after
    every sequence (each copy keeps its own state), and a sequence's logged
    loss and accuracy are Keras' running metrics over its batches, each
    batch scored before its update; samples of weight 0 do not count.
    Every copy trains on exactly ``n_sequences`` sequences: a matched
    budget, with no early stopping. ``verbose=1``
    shows one ``keras.utils.Progbar`` (mean over copies); ``0`` is silent.

    A stateful copy must carry its state on the current backend (see
    :func:`seqecho.models.check_state_is_carried`); the
    :mod:`seqecho.models` builders' layers do.

    >>> from seqecho.models import build_lstm
    >>> from seqecho.data import generate_sequence, one_hot_encode
    >>> def echo(rng):
    ...     x = one_hot_encode(generate_sequence(6, 10, seed=rng), 10)
    ...     return x[:, None, :], x
    >>> multi = build_copies(lambda: build_lstm(1, 10, 4), 2)
    >>> logs = fit_copies(multi, echo, 3, 6, verbose=0).logs
    >>> [log.sequences for log in logs]
    [3, 3]
    """
    n = n_copies(multi)
    n_sequences = check_int("n_sequences", n_sequences, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    verbose = check_int("verbose", verbose, minimum=0, maximum=1)
    rngs, copies = (
        data_generators(seed, n),
        [copy_model(multi, k) for k in range(n)],
    )
    logs, stateful = [TrainingLog() for _ in range(n)], is_stateful(multi)
    if stateful:
        check_state_is_carried(multi)
    bar, every = None, progress_every(n_sequences)
    if verbose:
        bar = progress_bar(
            n_sequences,
            f"Training {n} seeds side by side on {n_sequences} sequences "
            "each (mean over seeds)",
        )
    start = time.perf_counter()
    for index in range(1, n_sequences + 1):
        examples = [
            _split_example(make_data(rng), copy)
            for rng, copy in zip(rngs, copies, strict=True)
        ]
        _check_alike(examples)
        if index == 1:
            check_batching(copies[0], len(examples[0][1]), batch_size)
        with metrics_over_sequence(multi):
            for lo in range(0, len(examples[0][1]), batch_size):
                part = slice(lo, lo + batch_size)
                step = _train_step(multi, examples, part)
        if stateful:
            reset_states(multi)
        for k, log in enumerate(logs):
            log.loss.append(float(_logged(step, "loss", k, n)))
            log.accuracy.append(float(_logged(step, "accuracy", k, n)))
            log.samples += len(examples[k][1])
        if bar is not None and (index % every == 0 or index == n_sequences):
            bar.update(
                index,
                [
                    ("loss", np.mean([log.loss[-1] for log in logs])),
                    ("accuracy", np.mean([lg.accuracy[-1] for lg in logs])),
                ],
                finalize=index == n_sequences,
            )
    seconds = time.perf_counter() - start
    for log in logs:
        log.seconds = seconds
    return SeedLogs(logs, seconds)


#: One checked sequence: ([X, ...], y, sample_weight or None).
Example = tuple[list[np.ndarray], np.ndarray, np.ndarray | None]


def _split_example(example: tuple, copy: keras.Model) -> Example:
    """Check one ``make_data`` result against ``copy``; return
    ``([X, ...], y, sample_weight or None)``."""
    n_inputs = len(copy.inputs)
    form = "(X, y)" if n_inputs == 1 else f"([X_1, ..., X_{n_inputs}], y)"
    shaped = isinstance(example, tuple) and len(example) in (2, 3)
    if not shaped or (
        n_inputs > 1
        and not (
            isinstance(example[0], (list, tuple))
            and len(example[0]) == n_inputs
        )
    ):
        raise TypeError(
            f"make_data must return {form} or with a sample_weight for a "
            f"model with {n_inputs} input(s)"
        )
    Xs = [
        np.asarray(X)
        for X in (example[0] if n_inputs > 1 else [example[0]])
    ]
    y = np.asarray(example[1])
    weight = (
        None
        if len(example) == 2 or example[2] is None
        else np.asarray(example[2])
    )
    for X, tensor in zip(Xs, copy.inputs, strict=True):
        expected = tuple(tensor.shape[1:])
        fits = X.ndim == len(expected) + 1 and all(
            e in (None, s)
            for e, s in zip(expected, X.shape[1:], strict=True)
        )
        if not fits:
            raise ValueError(
                f"make_data returned X of shape {X.shape}; input "
                f"{tensor.name!r} of the model takes "
                f"(samples, {', '.join(map(str, expected))})"
            )
        if len(X) != len(y) or (
            weight is not None and len(weight) != len(y)
        ):
            raise ValueError(
                f"make_data returned mismatched lengths: X {X.shape}, "
                f"y {y.shape}"
                + (
                    ""
                    if weight is None
                    else f", sample_weight {weight.shape}"
                )
            )
    return Xs, y, weight


def _check_alike(examples: list[Example]) -> None:
    """Raise ``ValueError`` unless every copy's sequence has copy 0's
    shapes."""
    shapes = [
        ([X.shape for X in Xs], y.shape, None if w is None else w.shape)
        for Xs, y, w in examples
    ]
    for k, shape in enumerate(shapes[1:], start=1):
        if shape != shapes[0]:
            raise ValueError(
                f"make_data gave copy {k} arrays of shapes {shape} but "
                f"copy 0 {shapes[0]} (X, y, sample_weight): the copies "
                "train in one step, so every copy's sequences must have "
                "the same shapes"
            )


def _logged(logs: dict[str, float], name: str, k: int, n: int) -> float:
    """Copy ``k``'s ``name`` in ``train_on_batch`` logs (with one output,
    Keras logs it unprefixed)."""
    key = f"seed_{k}_{name}" if n > 1 else name
    return logs.get(key, np.nan)


def _train_step(
    multi: keras.Model, examples: list[Example], part: slice
) -> dict[str, float]:
    """One ``train_on_batch`` call: batch ``part`` of every copy's
    sequence at once."""
    x = [X[part] for Xs, _, _ in examples for X in Xs]
    y = [y[part] for _, y, _ in examples]
    weight = (
        None
        if examples[0][2] is None
        else [w[part] for _, _, w in examples]
    )
    return multi.train_on_batch(x, y, weight, return_dict=True)


def evaluate_copies(
    multi: keras.Model,
    make_data: MakeData,
    n_sequences: int,
    batch_size: int | None = None,
    *,
    seed: int | None = None,
) -> list[Evaluation]:
    """Score every copy on the same ``n_sequences`` unseen sequences, one
    :class:`Evaluation` each.

    The copies are scored side by side, as they train: every batch is fed
    to every copy in one prediction of ``multi``
    (:func:`seqecho.evaluate.evaluate_outputs`), with stateful layers reset
    between sequences, so each copy gets what
    :func:`seqecho.evaluate.evaluate_sequences` with the same ``seed``
    would give it. Stateful copies must carry their state on the current
    backend, as in :func:`fit_copies`. Copies with several inputs need
    their own scoring, e.g.
    ``[score(copy_model(multi, k)) for k in range(n_copies(multi))]``.

    >>> from seqecho.models import build_lstm
    >>> from seqecho.data import generate_sequence, one_hot_encode
    >>> def echo(rng):
    ...     x = one_hot_encode(generate_sequence(6, 10, seed=rng), 10)
    ...     return x[:, None, :], x
    >>> multi = build_copies(lambda: build_lstm(1, 10, 4), 2)
    >>> len(evaluate_copies(multi, echo, 3, seed=0))
    2
    """
    n = n_copies(multi)
    inputs = len(copy_model(multi, 0).inputs)
    if inputs != 1:
        raise ValueError(
            "evaluate_copies scores copies with one input; these have "
            f"{inputs}: score each copy_model(multi, k) instead"
        )
    seed = (
        int(np.random.default_rng().integers(2**31))
        if seed is None
        else seed
    )
    seed = check_int("seed", seed, minimum=0)
    evaluations = evaluate_outputs(
        multi, make_data, n_sequences, batch_size, seed=seed
    )
    if len(evaluations) != n:
        raise ValueError(
            f"multi has {len(evaluations)} outputs for {n} copies: pass a "
            "model from build_copies"
        )
    return evaluations


Scores = Sequence["float | Evaluation"]


def _scores(label: str, values: Scores) -> np.ndarray:
    """Scores as a 1-D float array: numbers, or evaluations (their
    ``accuracy``)."""
    if isinstance(values, (str, bytes)) or not isinstance(
        values, (Sequence, np.ndarray)
    ):
        raise TypeError(
            f"{label} must be a sequence of scores (numbers or "
            f"Evaluations), got {type(values).__name__}"
        )
    array = np.array(
        [v.accuracy if isinstance(v, Evaluation) else v for v in values],
        dtype=float,
    )
    if array.ndim != 1 or array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(
            f"{label} must hold at least one finite score per seed, got "
            f"{values!r}"
        )
    return array


def summarise_seeds(scores: Mapping[str, Scores] | Scores) -> pd.DataFrame:
    """One row per condition: each seed's score, then their mean, min, max
    and count.

    ``scores`` maps a condition to one score per seed (numbers, or the
    evaluations of :func:`evaluate_copies`); a plain sequence is one
    condition named ``"score"``.

    >>> scores = {"stateless": [1.0, 0.98], "stateful": [0.9, 1.0]}
    >>> summarise_seeds(scores)[["mean", "min", "seeds"]]
               mean   min  seeds
    stateless  0.99  0.98      2
    stateful   0.95  0.90      2
    """
    rows = scores if isinstance(scores, Mapping) else {"score": scores}
    if not rows:
        raise ValueError("scores must name at least one condition")
    table = {}
    for label, values in rows.items():
        array = _scores(f"scores[{label!r}]", values)
        table[label] = {
            **{f"seed_{k}": v for k, v in enumerate(array)},
            "mean": array.mean(),
            "min": array.min(),
            "max": array.max(),
            "seeds": array.size,
        }
    frame = pd.DataFrame.from_dict(table, orient="index")
    return frame.astype({"seeds": int})


def format_seeds(
    scores: Scores, *, percent: bool = True, digits: int = 1
) -> str:
    """Mean and range over seeds as a chapter prints it:
    ``"96.2% (95.1-97.0), 5 seeds"``.

    >>> format_seeds([0.951, 0.97, 0.965])
    '96.2% (95.1-97.0), 3 seeds'
    >>> format_seeds([0.5], percent=False, digits=2)
    '0.50, 1 seed'
    """
    array = _scores("scores", scores)
    digits = check_int("digits", digits, minimum=0, maximum=10)
    scale, unit = (100.0, "%") if percent else (1.0, "")

    def number(value: float) -> str:
        return f"{scale * value:.{digits}f}"

    seeds = f"{array.size} seed{'s' if array.size > 1 else ''}"
    if array.size == 1:
        return f"{number(array[0])}{unit}, {seeds}"
    low, high = number(array.min()), number(array.max())
    return f"{number(array.mean())}{unit} ({low}-{high}), {seeds}"


def fit_copies_stacked(
    multi: keras.Model,
    make_data: MakeData,
    n_sequences: int,
    batch_size: int,
    epochs: int = 1,
    *,
    seed: int = 0,
) -> SeedLogs:
    """Train every stateless copy with one shuffled, batched ``fit`` over
    stacked sequences.

    Copy ``k`` gets ``n_sequences`` sequences from ``make_data`` with
    generator ``seed + k`` (those :func:`fit_copies` would feed it),
    stacked into one training set; one ``multi.fit`` then trains all copies
    for ``epochs`` passes in shuffled batches of ``batch_size``, the same
    number of updates for every copy. A stateful model cannot be trained
    this way (shuffling breaks its state) and is refused. Each copy's log
    holds one loss and accuracy per epoch; ``seconds`` is the ``fit``
    call's wall time, compilation included.

    >>> from seqecho.models import build_lstm
    >>> from seqecho.data import generate_sequence, one_hot_encode
    >>> def echo(rng):
    ...     x = one_hot_encode(generate_sequence(6, 10, seed=rng), 10)
    ...     return x[:, None, :], x
    >>> multi = build_copies(lambda: build_lstm(1, 10, 4), 2)
    >>> logs = fit_copies_stacked(multi, echo, 3, 6, 2).logs
    >>> [len(log.loss) for log in logs]
    [2, 2]
    """
    n = n_copies(multi)
    n_sequences = check_int("n_sequences", n_sequences, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    epochs = check_int("epochs", epochs, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if is_stateful(multi):
        raise ValueError(
            "fit_copies_stacked shuffles samples, which a stateful model "
            "cannot take: train stateful copies with fit_copies"
        )
    copies = [copy_model(multi, k) for k in range(n)]
    stacked = []
    for k, rng in enumerate(data_generators(seed, n)):
        examples = [
            _split_example(make_data(rng), copies[k])
            for _ in range(n_sequences)
        ]
        Xs = [
            np.concatenate([ex[0][i] for ex in examples])
            for i in range(len(examples[0][0]))
        ]
        weights = [ex[2] for ex in examples]
        stacked.append(
            (
                Xs,
                np.concatenate([ex[1] for ex in examples]),
                None if weights[0] is None else np.concatenate(weights),
            )
        )
    _check_alike([(Xs, y, w) for Xs, y, w in stacked])
    x = [X for Xs, _, _ in stacked for X in Xs]
    y = [y for _, y, _ in stacked]
    weight = None if stacked[0][2] is None else [w for _, _, w in stacked]
    start = time.perf_counter()
    history = multi.fit(
        x,
        y,
        sample_weight=weight,
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
    ).history
    seconds = time.perf_counter() - start
    logs = []
    for k, (_, y_k, _) in enumerate(stacked):
        prefix = (
            f"seed_{k}_" if n > 1 else ""
        )  # a one-output model logs plain "loss"
        accuracy = history.get(f"{prefix}accuracy", [np.nan] * epochs)
        logs.append(
            TrainingLog(
                [float(v) for v in history[f"{prefix}loss"]],
                [float(v) for v in accuracy],
                len(y_k) * epochs,
                seconds,
            )
        )
    return SeedLogs(logs, seconds)


def fit_and_evaluate_copies(
    build: Callable[[], keras.Model],
    make_data: MakeData,
    n_sequences: int,
    batch_size: int,
    epochs: int = 1,
    *,
    n_seeds: int = 5,
    n_test: int,
    test_seed: int,
    test_batch_size: int | None = None,
) -> tuple[keras.Model, list[float]]:
    """``n_seeds`` stateless copies of ``build()`` (copy ``k`` seeded
    ``k``, weights and data), trained with :func:`fit_copies_stacked` and
    scored with :func:`evaluate_copies` on the same ``n_test`` unseen
    sequences (drawn with ``test_seed``, in batches of
    ``test_batch_size``); returns the copies and each one's accuracy.

    >>> from seqecho.models import build_lstm
    >>> from seqecho.data import generate_sequence, one_hot_encode
    >>> def echo(rng):
    ...     x = one_hot_encode(generate_sequence(6, 10, seed=rng), 10)
    ...     return x[:, None, :], x
    >>> multi, scores = fit_and_evaluate_copies(
    ...     lambda: build_lstm(1, 10, 4), echo, 3, 6, n_seeds=2,
    ...     n_test=2, test_seed=0)
    >>> len(scores), all(0 <= s <= 1 for s in scores)
    (2, True)
    """
    multi = build_copies(build, n_seeds)
    fit_copies_stacked(multi, make_data, n_sequences, batch_size, epochs)
    scores = evaluate_copies(
        multi, make_data, n_test, test_batch_size, seed=test_seed
    )
    return multi, [float(score.accuracy) for score in scores]
