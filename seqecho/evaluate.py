"""Measure what a model learned: accuracy on fresh sequences, decoded
tables, greedy decoding."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from seqecho._checks import check_array, check_int
from seqecho.batches import (
    MakeData,
    batch_slices,
    check_batching,
    split_example,
)
from seqecho.data import END, PAD, START, as_generator
from seqecho.models import (
    check_state_is_carried,
    fixed_batch_size,
    is_stateful,
    reset_states,
)


def accuracy(
    y: np.ndarray, yhat: np.ndarray, sample_weight: np.ndarray | None = None
) -> float:
    """Fraction of elements whose predicted class (argmax) equals the
    expected one.

    ``y`` and ``yhat`` are one-hot/probability arrays of the same shape; an
    element is one output vector. ``sample_weight`` (one weight per sample,
    or per sample and step) leaves out elements with weight 0, such as an
    unanswerable cold-start step.

    >>> accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.4, 0.6]])
    0.5
    """
    y, yhat = np.asarray(y), np.asarray(yhat)
    if y.shape != yhat.shape:
        raise ValueError(
            f"y and yhat must have the same shape, got {y.shape} and "
            f"{yhat.shape}"
        )
    if y.ndim < 2:
        raise ValueError(
            "y must be at least 2-D (samples, ..., features), got shape "
            f"{y.shape}"
        )
    hits = (np.argmax(y, axis=-1) == np.argmax(yhat, axis=-1)).astype(float)
    weight = (
        np.ones_like(hits)
        if sample_weight is None
        else np.asarray(sample_weight, dtype=float)
    )
    weight = np.broadcast_to(
        weight.reshape(weight.shape + (1,) * (hits.ndim - weight.ndim)),
        hits.shape,
    )
    if weight.sum() == 0:
        raise ValueError("sample_weight leaves no element to score")
    return float((hits * weight).sum() / weight.sum())


@dataclass
class Evaluation:
    """Expected and predicted integers over many sequences, and the accuracy
    they give."""

    expected: np.ndarray
    predicted: np.ndarray
    weight: np.ndarray
    accuracy: float

    def table(self, n_rows: int = 10) -> pd.DataFrame:
        """The first ``n_rows`` samples as the tutorials print them:
        expected vs predicted."""
        rows = slice(0, check_int("n_rows", n_rows, minimum=1))

        def as_list(values: np.ndarray) -> list:
            return [
                v.tolist() if np.ndim(v) else int(v) for v in values[rows]
            ]

        frame = pd.DataFrame(
            {
                "expected": as_list(self.expected),
                "predicted": as_list(self.predicted),
            }
        )
        frame["correct"] = [
            np.array_equal(e, p)
            for e, p in zip(frame.expected, frame.predicted, strict=True)
        ]
        return frame


def evaluate_sequences(
    model: keras.Model,
    make_data: MakeData,
    n_sequences: int,
    batch_size: int | None = None,
    *,
    seed: int | np.random.Generator | None = None,
) -> Evaluation:
    """Accuracy of ``model`` on ``n_sequences`` fresh sequences it never
    saw.

    Sequences are fed in order, batch by batch, with the state of stateful
    layers reset between sequences, exactly as in training. Stateless models
    predict all sequences at once. Elements with sample weight 0 are left
    out of the accuracy.
    """
    if _count(model, "outputs") > 1:
        raise ValueError(
            f"model has {_count(model, 'outputs')} outputs; "
            "evaluate_sequences scores one (evaluate_outputs scores each "
            "of several)"
        )
    return evaluate_outputs(
        model, make_data, n_sequences, batch_size, seed=seed
    )[0]


def evaluate_outputs(
    model: keras.Model,
    make_data: MakeData,
    n_sequences: int,
    batch_size: int | None = None,
    *,
    seed: int | np.random.Generator | None = None,
) -> list[Evaluation]:
    """:func:`evaluate_sequences` for a model with several inputs and
    outputs, one :class:`Evaluation` per output.

    Every input is fed the same sequences (such as the side-by-side copies
    of :func:`seqecho.seeds.build_copies`), so all outputs are scored on
    identical data by one prediction per batch.

    >>> from seqecho.models import build_lstm
    >>> from seqecho.data import generate_sequence, one_hot_encode
    >>> def echo(rng):
    ...     x = one_hot_encode(generate_sequence(6, 10, seed=rng), 10)
    ...     return x[:, None, :], x
    >>> len(evaluate_outputs(build_lstm(1, 10, 4), echo, 2, seed=0))
    1
    """
    n_sequences = check_int("n_sequences", n_sequences, minimum=1)
    rng = as_generator(seed)
    batch_size = check_int(
        "batch_size",
        batch_size or fixed_batch_size(model) or 256,
        minimum=1,
    )
    stateful, Xs, ys, ws, preds = is_stateful(model), [], [], [], []
    if stateful:
        check_state_is_carried(model)
    for index in range(n_sequences):
        X, y, weight = split_example(make_data(rng))
        if index == 0:
            check_batching(model, len(X), batch_size)
        Xs.append(X), ys.append(y)
        ws.append(np.ones(len(X)) if weight is None else weight)
        if stateful:
            preds.append(_predict_outputs(model, X, batch_size))
            reset_states(model)
    X, y, weight = (
        np.concatenate(Xs),
        np.concatenate(ys),
        np.concatenate(ws),
    )
    outputs = (
        [np.concatenate(parts) for parts in zip(*preds, strict=True)]
        if stateful
        else _predict_outputs(model, X, batch_size)
    )
    return [
        Evaluation(
            np.argmax(y, -1),
            np.argmax(yhat, -1),
            weight,
            accuracy(y, yhat, weight),
        )
        for yhat in outputs
    ]


def _count(model: keras.Model, what: str) -> int:
    """How many inputs or outputs a model declares (1 for a subclassed
    model that declares none)."""
    try:
        return len(getattr(model, what))
    except (AttributeError, TypeError, ValueError):
        return 1


def _predict_outputs(
    model: keras.Model, X: np.ndarray, batch_size: int
) -> list[np.ndarray]:
    """Every output's predictions for ``X`` fed to every input, batch by
    batch in order."""
    n_inputs, parts = _count(model, "inputs"), []
    for part in batch_slices(len(X), batch_size):
        out = model.predict_on_batch(
            X[part] if n_inputs == 1 else [X[part]] * n_inputs
        )
        parts.append(out if isinstance(out, (list, tuple)) else [out])
    return [
        np.concatenate([np.asarray(p[k]) for p in parts])
        for k in range(len(parts[0]))
    ]


def _decoding_batch(
    infenc: keras.Model,
    infdec: keras.Model,
    source: np.ndarray,
    n_steps: int,
    cardinality: int,
) -> tuple[np.ndarray, bool, int, int]:
    """Check the arguments of greedy decoding; return ``(batch, single,
    n_steps, cardinality)``, a single source given a samples axis."""
    source = np.asarray(source, dtype="float32")
    if source.ndim not in (2, 3):
        raise ValueError(
            "source must be 2-D (steps, features) or 3-D (samples, "
            "steps, features), "
            f"got shape {source.shape}"
        )
    single = source.ndim == 2
    batch = source[None] if single else source
    n_steps = check_int("n_steps", n_steps, minimum=1)
    cardinality = check_int("cardinality", cardinality, minimum=2)
    width, out_width = (
        infenc.inputs[0].shape[-1],
        infdec.outputs[0].shape[-1],
    )
    if batch.shape[-1] != width:
        raise ValueError(
            f"source has {batch.shape[-1]} features; the encoder expects "
            f"{width}"
        )
    if batch.shape[1] < 1:
        raise ValueError("source must have at least one step")
    if cardinality != out_width:
        raise ValueError(
            f"cardinality={cardinality} but the decoder outputs "
            f"{out_width} classes"
        )
    return batch, single, n_steps, cardinality


def predict_sequence(
    infenc: keras.Model,
    infdec: keras.Model,
    source: np.ndarray,
    n_steps: int,
    cardinality: int,
) -> np.ndarray:
    """Greedy decoding with the inference models of
    :func:`seqecho.models.define_models`.

    Encodes ``source`` once, then runs the decoder ``n_steps`` times, each
    time feeding back the one-hot of its own previous prediction (starting
    from the start symbol 0). ``source`` is one sequence (steps, features)
    or a batch (samples, steps, features); a batch is decoded in one encoder
    call and ``n_steps`` decoder calls. Returns the predicted distributions,
    shape (n_steps, cardinality) or (samples, n_steps, cardinality).
    """
    batch, single, n_steps, cardinality = _decoding_batch(
        infenc, infdec, source, n_steps, cardinality
    )
    h, c = infenc.predict_on_batch(batch)
    previous = np.zeros((len(batch), 1, cardinality), dtype="float32")
    previous[:, 0, 0] = 1.0
    outputs = []
    for _ in range(n_steps):
        probs, h, c = infdec.predict_on_batch([previous, h, c])
        outputs.append(np.asarray(probs)[:, 0, :])
        previous = np.eye(cardinality, dtype="float32")[
            np.argmax(outputs[-1], axis=-1)
        ][:, None, :]
    result = np.stack(outputs, axis=1)
    return result[0] if single else result


def sequence_accuracy(y: np.ndarray, yhat: np.ndarray) -> float:
    """Fraction of samples whose *whole* output sequence is right (every
    step's argmax).

    >>> y = np.eye(3)[[[0, 1], [2, 2]]]
    >>> sequence_accuracy(y, np.eye(3)[[[0, 1], [2, 1]]])
    0.5
    """
    y = check_array("y", y, ndim=3)
    yhat = np.asarray(yhat)
    if y.shape != yhat.shape:
        raise ValueError(
            f"y and yhat must have the same shape, got {y.shape} and "
            f"{yhat.shape}"
        )
    return float(
        np.mean(np.all(np.argmax(y, -1) == np.argmax(yhat, -1), axis=1))
    )


def rounded_errors(
    model: keras.Model, X: np.ndarray, y: np.ndarray, scale: float = 99.0
) -> np.ndarray:
    """How far each of a linear model's answers is from the truth, in
    whole values: predictions and targets are multiplied by ``scale`` (the
    largest value, for values scaled to [0, 1]) and rounded to the
    nearest integer. 0 is a right answer; ``mean(errors == 0)`` is the
    accuracy.

    >>> from seqecho.models import build_linear_echo
    >>> X = np.full((2, 5, 1), 0.5, dtype="float32")
    >>> rounded_errors(build_linear_echo(), X, X).shape
    (2, 5, 1)
    """
    if (
        isinstance(scale, bool)
        or not isinstance(scale, numbers.Real)
        or not scale > 0
    ):
        message = f"scale must be a positive number, got {scale!r}"
        raise ValueError(message)
    predicted = np.rint(np.asarray(model.predict(X, verbose=0)) * scale)
    y = np.asarray(y)
    if predicted.shape != y.shape:
        raise ValueError(
            f"y has shape {y.shape}; the model's answers have shape "
            f"{predicted.shape}"
        )
    return np.abs(predicted - np.rint(y * scale))


def _gradient_of(loss_of, X: np.ndarray):
    """The gradient of the scalar ``loss_of(x)`` with respect to ``x`` at
    ``X``, on this backend."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        # GradientTape: the one backend-specific line for TensorFlow
        import tensorflow as tf

        x = tf.convert_to_tensor(X)
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = loss_of(x)
        return tape.gradient(loss, x)
    if backend == "jax":
        import jax

        return jax.grad(loss_of)(jax.numpy.asarray(X))
    if backend == "torch":
        import torch

        x = keras.ops.convert_to_tensor(X).detach().requires_grad_(True)
        return torch.autograd.grad(loss_of(x), x)[0]
    raise NotImplementedError(
        f"input_gradient_norms supports tensorflow, jax and torch, "
        f"not the {backend!r} backend"
    )


def input_gradient_norms(
    model: keras.Model, X: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """How much the loss at the end depends on each input step:
    ``mean_i ||dL_i / dx_i(t)||``.

    ``L_i`` is the categorical cross-entropy of sample ``i`` (model in
    inference mode), and the norm is taken over the features of step ``t``.
    Returns one value per step, shape (timesteps,); the last step is 0 steps
    back from the output. Works on the TensorFlow, JAX and PyTorch backends,
    for a stateless model with one input and one softmax output of shape
    (samples, classes).

    >>> from seqecho.data import gap_echo
    >>> from seqecho.models import build_recurrent
    >>> X, y = gap_echo(8, gap=5, seed=0)
    >>> model = build_recurrent("LSTM", None, 10, 4)
    >>> input_gradient_norms(model, X, y).shape
    (6,)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be a keras.Model, got {type(model).__name__}"
        )
    if is_stateful(model):
        raise ValueError(
            "input_gradient_norms needs a stateless model (stateful=False)"
        )
    X = check_array("X", X, ndim=3).astype("float32")
    y = check_array("y", y, ndim=2).astype("float32")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(
            f"X and y must hold the same number (>= 1) of samples, "
            f"got {len(X)} and {len(y)}"
        )
    if (
        len(model.outputs) != 1
        or tuple(model.outputs[0].shape[1:]) != y.shape[1:]
    ):
        raise ValueError(
            f"y has shape {y.shape}; the model's output is "
            f"{[tuple(t.shape) for t in model.outputs]}"
        )
    target = keras.ops.convert_to_tensor(y)

    def loss_of(x):
        return keras.ops.sum(
            keras.losses.categorical_crossentropy(
                target, model(x, training=False)
            )
        )

    gradient = keras.ops.convert_to_numpy(_gradient_of(loss_of, X))
    return np.linalg.norm(gradient, axis=-1).mean(axis=0)


def predict_attention_sequence(
    infenc: keras.Model,
    infdec: keras.Model,
    source: np.ndarray,
    n_steps: int,
    cardinality: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding with the inference models of
    :func:`seqecho.models.define_attention_models`.

    As :func:`predict_sequence`: one encoder call, then ``n_steps`` decoder
    calls, each fed the one-hot of the previous prediction (starting from
    the start symbol 0), and now the encoder's outputs too. Returns the
    predicted distributions, shape (samples, n_steps, cardinality), and
    the attention weights, shape (samples, n_steps, source steps): row
    ``t`` says how much output step ``t`` drew on each source position.
    A single source (steps, features) gives both without the samples axis.

    >>> from seqecho.models import define_attention_models
    >>> _, infenc, infdec = define_attention_models(5, 5, 4)
    >>> probs, weights = predict_attention_sequence(
    ...     infenc, infdec, np.eye(5)[[1, 2, 3]], 2, 5)
    >>> probs.shape, weights.shape
    ((2, 5), (2, 3))
    """
    if len(infenc.outputs) != 3 or len(infdec.outputs) != 4:
        raise ValueError(
            "infenc and infdec must be the inference models of "
            "define_attention_models (encoder outputs and state in, "
            "distribution, state and weights out)"
        )
    batch, single, n_steps, cardinality = _decoding_batch(
        infenc, infdec, source, n_steps, cardinality
    )
    encoded, h, c = infenc.predict_on_batch(batch)
    previous = np.zeros((len(batch), 1, cardinality), dtype="float32")
    previous[:, 0, 0] = 1.0
    eye, outputs, weights = np.eye(cardinality, dtype="float32"), [], []
    for _ in range(n_steps):
        probs, h, c, attention = infdec.predict_on_batch(
            [previous, encoded, h, c]
        )
        outputs.append(np.asarray(probs)[:, 0, :])
        weights.append(np.asarray(attention)[:, 0, :])
        previous = eye[np.argmax(outputs[-1], axis=-1)][:, None, :]
    probs, weights = np.stack(outputs, axis=1), np.stack(weights, axis=1)
    return (probs[0], weights[0]) if single else (probs, weights)


# Decoding integer tokens of any length ----------------------------------


def _token_source(
    infenc: keras.Model, infdec: keras.Model, source, max_length: int
) -> tuple[np.ndarray, int, int]:
    """Check the arguments of token decoding; return the source as a 2-D
    ``int32`` array, ``max_length`` and the decoder's vocabulary size."""
    if len(infdec.inputs) != 1 + len(infenc.outputs):
        raise ValueError(
            "infdec must take the previous token and the states infenc "
            f"returns: infenc returns {len(infenc.outputs)} states, infdec "
            f"takes {len(infdec.inputs)} inputs"
        )
    try:
        source = np.asarray(source)
    except ValueError:
        raise ValueError(
            "source must be a 2-D array of integer tokens (samples, "
            "steps): pad its rows to one length first"
        ) from None
    if source.ndim != 2 or not np.issubdtype(source.dtype, np.integer):
        raise ValueError(
            "source must be a 2-D array of integer tokens (samples, "
            f"steps), got shape {source.shape} and dtype {source.dtype}"
        )
    if source.shape[0] < 1 or source.shape[1] < 1:
        raise ValueError(f"source must not be empty, got {source.shape}")
    n_tokens = int(infdec.outputs[0].shape[-1])
    if source.min() < 0 or source.max() >= n_tokens:
        raise ValueError(
            f"source tokens must be in [0, {n_tokens - 1}] (the decoder's "
            f"vocabulary), got {source.min()}..{source.max()}"
        )
    max_length = check_int("max_length", max_length, minimum=1)
    return source.astype("int32"), max_length, n_tokens


def _states(out) -> list[np.ndarray]:
    return [
        np.asarray(s) for s in (out if isinstance(out, list) else [out])
    ]


def greedy_decode(
    infenc: keras.Model, infdec: keras.Model, source, max_length: int
) -> np.ndarray:
    """Greedy decoding of integer tokens that stops each sequence at its
    own end token.

    For the inference models of
    :func:`seqecho.models.define_token_models`, or any pair where
    ``infenc`` maps sources to states and ``infdec`` maps ``[previous
    token, *states]`` to ``[distribution, *states]``. The whole batch is
    decoded together, one decoder call per step, starting from ``START``;
    a sequence that has produced ``END`` gets ``PAD`` from then on, and
    decoding stops when every sequence has ended or after ``max_length``
    steps. Returns tokens (samples, max_length), ``END`` included.

    >>> from seqecho.models import define_token_models
    >>> _, infenc, infdec = define_token_models(8, 4)
    >>> greedy_decode(infenc, infdec, [[3, 4, 5]], 6).shape
    (1, 6)
    """
    source, max_length, _ = _token_source(
        infenc, infdec, source, max_length
    )
    states = _states(infenc.predict_on_batch(source))
    previous = np.full((len(source), 1), START, dtype="int32")
    tokens = np.full((len(source), max_length), PAD, dtype="int32")
    ended = np.zeros(len(source), dtype=bool)
    for t in range(max_length):
        probs, *states = infdec.predict_on_batch([previous, *states])
        token = np.asarray(probs)[:, -1].argmax(-1).astype("int32")
        tokens[:, t] = np.where(ended, PAD, token)
        ended |= token == END
        if ended.all():
            break
        previous = tokens[:, t : t + 1]
    return tokens


def beam_search(
    infenc: keras.Model,
    infdec: keras.Model,
    source,
    width: int,
    max_length: int,
    *,
    length_penalty: float = 1.0,
) -> np.ndarray:
    """Beam-search decoding of integer tokens, batched.

    Keeps the ``width`` likeliest partial outputs of each source (ranked
    by their summed log-probability), extending every one by every token
    at each step; all sources' hypotheses go through the decoder in one
    call per step. A hypothesis that has produced ``END`` is finished: it
    stays in the beam, extended by ``PAD`` at no cost. At the end, each
    source's output is the finished hypothesis (an unfinished one only if
    none finished within ``max_length``) with the best summed
    log-probability divided by ``length ** length_penalty`` (its length
    counts ``END``):
    0 ranks by the plain sum, which favours short outputs; 1 (the
    default) by the mean log-probability per token. Width 1 is
    :func:`greedy_decode`. Returns tokens (samples, max_length).

    >>> from seqecho.models import define_token_models
    >>> _, infenc, infdec = define_token_models(8, 4)
    >>> beam_search(infenc, infdec, [[3, 4, 5]], 3, 6).shape
    (1, 6)
    """
    source, max_length, n_tokens = _token_source(
        infenc, infdec, source, max_length
    )
    k = check_int("width", width, minimum=1, maximum=n_tokens)
    if isinstance(length_penalty, bool) or not isinstance(
        length_penalty, numbers.Real
    ):
        raise TypeError(
            f"length_penalty must be a number, got {length_penalty!r}"
        )
    if not 0 <= length_penalty < np.inf:
        raise ValueError(
            "length_penalty must be a finite number >= 0, got "
            f"{length_penalty!r}"
        )
    n = len(source)
    states = [
        np.repeat(s, k, axis=0)
        for s in _states(infenc.predict_on_batch(source))
    ]
    scores = np.full((n, k), -np.inf)
    scores[:, 0] = 0.0  # the beams start as one hypothesis
    tokens = np.full((n, k, max_length), PAD, dtype="int32")
    lengths = np.zeros((n, k))
    ended = np.zeros((n, k), dtype=bool)
    previous = np.full((n * k, 1), START, dtype="int32")
    for t in range(max_length):
        probs, *states = infdec.predict_on_batch([previous, *states])
        probs = np.asarray(probs)[:, -1].reshape(n, k, n_tokens)
        logp = np.log(np.maximum(probs, 1e-30))
        logp[ended] = -np.inf  # a finished hypothesis only pads
        logp[ended, PAD] = 0.0
        total = (scores[:, :, None] + logp).reshape(n, k * n_tokens)
        best = np.argsort(-total, axis=1, kind="stable")[:, :k]
        beam, token = best // n_tokens, (best % n_tokens).astype("int32")
        scores = np.take_along_axis(total, best, axis=1)
        rows = (np.arange(n)[:, None] * k + beam).ravel()
        states = [np.asarray(s)[rows] for s in states]
        tokens = np.take_along_axis(tokens, beam[:, :, None], axis=1)
        tokens[:, :, t] = token
        was_ended = np.take_along_axis(ended, beam, axis=1)
        lengths = np.take_along_axis(lengths, beam, axis=1) + ~was_ended
        ended = was_ended | (token == END)
        if ended.all():
            break
        previous = token.reshape(-1, 1)
    ranked = scores / np.maximum(lengths, 1) ** length_penalty
    # a finished output beats any that ran out of steps unfinished
    finished_exists = ended.any(axis=1, keepdims=True)
    ranked = np.where(~ended & finished_exists, -np.inf, ranked)
    return tokens[np.arange(n), ranked.argmax(axis=1)]


def token_hits(target, predicted) -> tuple[np.ndarray, np.ndarray]:
    """Per source: whether the whole output is right, and the fraction of
    the target's tokens (``END`` included) right at their position.

    ``target`` and ``predicted`` are 2-D token arrays padded with ``PAD``;
    the narrower is padded to the wider, so an output that runs past the
    target's end is not exactly right.

    >>> exact, per_token = token_hits([[5, 6, 2, 0]], [[5, 7, 2]])
    >>> exact.tolist(), per_token.tolist()
    ([False], [0.6666666666666666])
    """
    target = check_array("target", target, ndim=2)
    predicted = check_array("predicted", predicted, ndim=2)
    for name, array in (("target", target), ("predicted", predicted)):
        if not np.issubdtype(array.dtype, np.integer):
            raise TypeError(
                f"{name} must hold integer tokens, got {array.dtype}"
            )
    if len(target) != len(predicted):
        raise ValueError(
            f"target and predicted must have as many rows, got "
            f"{len(target)} and {len(predicted)}"
        )
    width = max(target.shape[1], predicted.shape[1])
    target = np.pad(target, ((0, 0), (0, width - target.shape[1])))
    predicted = np.pad(predicted, ((0, 0), (0, width - predicted.shape[1])))
    same, real = target == predicted, target != PAD
    per_token = (same & real).sum(1) / np.maximum(real.sum(1), 1)
    return same.all(axis=1), per_token
