"""Generate random integer sequences, one-hot encode them and frame them as
supervised learning.

The names follow the tutorials this course grew from (``generate_sequence``,
``one_hot_encode``, ``one_hot_decode``, ``to_supervised``, ``get_dataset``)
so that their readers recognise them; the implementations are vectorised and
check their input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from seqecho._checks import check_array, check_int


def as_generator(
    seed: int | np.random.Generator | None = None,
) -> np.random.Generator:
    """Return a NumPy ``Generator``: ``seed`` itself, or a new one seeded
    with ``seed``.

    >>> as_generator(0).integers(0, 10, 3).tolist()
    [8, 6, 5]
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None:
        check_int("seed", seed, minimum=0)
    return np.random.default_rng(seed)


def generate_sequence(
    length: int = 25,
    n_unique: int = 100,
    seed: int | np.random.Generator | None = None,
    low: int = 0,
) -> list[int]:
    """Return ``length`` random integers drawn uniformly in [low, n_unique).

    Parameters
    ----------
    length : number of values (>= 1).
    n_unique : one more than the largest value (> ``low``).
    seed : an integer seed or a NumPy ``Generator``, for reproducible
        sequences.
    low : the smallest value (default 0; the teacher-forcing chapter uses
        1).

    >>> generate_sequence(5, 10, seed=1)
    [4, 5, 7, 9, 0]
    """
    length = check_int("length", length, minimum=1)
    n_unique = check_int("n_unique", n_unique, minimum=1)
    low = check_int("low", low, minimum=0, maximum=n_unique - 1)
    return as_generator(seed).integers(low, n_unique, size=length).tolist()


def one_hot_encode(
    sequence: Sequence[int] | np.ndarray, n_unique: int = 100
) -> np.ndarray:
    """One-hot encode integers: a ``(steps, n_unique)`` float32 array with
    one 1 per row.

    >>> one_hot_encode([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    n_unique = check_int("n_unique", n_unique, minimum=1)
    values = check_array("sequence", sequence, ndim=1)
    if values.size and not np.issubdtype(values.dtype, np.integer):
        if not (
            np.issubdtype(values.dtype, np.floating)
            and np.all(values == np.round(values))
        ):
            raise TypeError(
                f"sequence must hold integers, got dtype {values.dtype}"
            )
    values = values.astype(np.int64)
    bad = (values < 0) | (values >= n_unique)
    if bad.any():
        raise ValueError(
            f"sequence values must be in [0, {n_unique}) for "
            f"n_unique={n_unique}, "
            f"got {values[bad][0]} at position {int(np.argmax(bad))}"
        )
    encoded = np.zeros((values.size, n_unique), dtype=np.float32)
    encoded[np.arange(values.size), values] = 1.0
    return encoded


def one_hot_decode(encoded: np.ndarray) -> list[int]:
    """Invert :func:`one_hot_encode`: the index of the largest value in each
    row.

    Works on probability vectors too (a model's softmax output), and on a
    batch ``(samples, steps, features)``, which is flattened in order.

    >>> one_hot_decode([[0.1, 0.7, 0.2], [0.9, 0.05, 0.05]])
    [1, 0]
    """
    array = np.asarray(encoded)
    if array.ndim not in (2, 3):
        raise ValueError(
            "encoded must be a 2-D (steps, features) or 3-D (samples, "
            "steps, features) "
            f"array, got shape {array.shape}"
        )
    return np.argmax(array, axis=-1).reshape(-1).tolist()


def to_supervised(
    encoded: np.ndarray, n_in: int, n_out: int
) -> tuple[np.ndarray, np.ndarray]:
    """Frame an encoded sequence as windows: ``X`` (rows, n_in, features),
    ``y`` (rows, n_out, features).

    Row ``r`` holds the ``n_in`` consecutive steps ``r .. r+n_in-1``; its
    target is the first (oldest) ``n_out`` of them. Windows that would need
    values from before the start are dropped, so a sequence of ``T`` steps
    gives ``T - n_in + 1`` rows: the same result as the tutorial's
    ``pandas`` ``shift``/``dropna`` version.

    >>> X, y = to_supervised(one_hot_encode(list(range(25))), 5, 3)
    >>> X.shape, y.shape
    ((21, 5, 100), (21, 3, 100))
    """
    encoded = check_array("encoded", encoded, ndim=2)
    n_in = check_int("n_in", n_in, minimum=1)
    n_out = check_int("n_out", n_out, minimum=1, maximum=n_in)
    if len(encoded) < n_in:
        raise ValueError(
            f"encoded has {len(encoded)} steps; it needs at least "
            f"n_in={n_in}"
        )
    windows = np.lib.stride_tricks.sliding_window_view(
        encoded, n_in, axis=0
    )
    X = np.ascontiguousarray(np.swapaxes(windows, 1, 2))
    return X, X[:, :n_out, :].copy()


def to_lagged(
    encoded: np.ndarray, n_in: int, lag: int
) -> tuple[np.ndarray, np.ndarray]:
    """Frame an encoded sequence to echo a lag: windows ending at ``t``,
    target ``x(t - lag)``.

    ``X`` has shape (rows, n_in, features) and ``y`` (rows, features). Only
    windows whose target exists are kept: ``t`` runs from
    ``max(n_in - 1, lag)`` to the last step. With ``n_in=1`` and ``lag=1``
    this is the tutorial's "beginner's mistake" framing (24 pairs from 25
    values): the input is ``x(t)`` alone.

    >>> X, y = to_lagged(one_hot_encode([5, 6, 7, 8]), n_in=2, lag=1)
    >>> one_hot_decode(X), one_hot_decode(y)
    ([5, 6, 6, 7, 7, 8], [5, 6, 7])
    """
    encoded = check_array("encoded", encoded, ndim=2)
    n_in = check_int("n_in", n_in, minimum=1)
    lag = check_int("lag", lag, minimum=0)
    first = max(n_in - 1, lag)
    if len(encoded) <= first:
        raise ValueError(
            f"encoded has {len(encoded)} steps; n_in={n_in} and lag={lag} "
            f"need at least {first + 1}"
        )
    windows = np.lib.stride_tricks.sliding_window_view(
        encoded, n_in, axis=0
    )
    X = np.ascontiguousarray(np.swapaxes(windows, 1, 2))[first - n_in + 1 :]
    y = encoded[first - lag : len(encoded) - lag]
    return X, y.copy()


def get_dataset(
    n_in: int,
    n_out: int,
    cardinality: int,
    n_samples: int,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source, decoder input and target for the teacher-forcing chapter,
    one-hot encoded.

    Each source is ``n_in`` random values in ``1 .. cardinality-1`` (0 is
    the start symbol); the target is its first ``n_out`` values reversed;
    the decoder input is the target shifted right behind a 0. Returns ``X1``
    (n_samples, n_in, cardinality), ``X2`` and ``y`` (n_samples, n_out,
    cardinality).

    >>> X1, X2, y = get_dataset(6, 3, 51, 2, seed=0)
    >>> X1.shape, X2.shape, y.shape
    ((2, 6, 51), (2, 3, 51), (2, 3, 51))
    """
    n_in = check_int("n_in", n_in, minimum=1)
    n_out = check_int("n_out", n_out, minimum=1, maximum=n_in)
    cardinality = check_int("cardinality", cardinality, minimum=2)
    n_samples = check_int("n_samples", n_samples, minimum=1)
    source = as_generator(seed).integers(
        1, cardinality, size=(n_samples, n_in)
    )
    target = source[:, :n_out][:, ::-1]
    shifted = np.concatenate(
        [np.zeros((n_samples, 1), dtype=source.dtype), target[:, :-1]],
        axis=1,
    )
    eye = np.eye(cardinality, dtype=np.float32)
    return eye[source], eye[shifted], eye[target]


def interleave_streams(streams: np.ndarray) -> np.ndarray:
    """Lay out parallel sequences for a stateful layer: one sequence per
    batch row.

    ``streams`` has shape (n_streams, n_chunks, ...): ``n_streams``
    sequences, each cut into ``n_chunks`` consecutive samples. The result
    has shape (n_chunks * n_streams, ...) and, cut into batches of
    ``n_streams``, batch ``k`` holds chunk ``k`` of every stream. Row ``i``
    of each batch therefore continues row ``i`` of the previous batch, which
    is how a stateful Keras layer carries state.

    >>> interleave_streams(np.array([[1, 2, 3], [10, 20, 30]])).tolist()
    [1, 10, 2, 20, 3, 30]
    """
    streams = np.asarray(streams)
    if streams.ndim < 2:
        raise ValueError(
            "streams must be at least 2-D (n_streams, n_chunks, ...), "
            f"got shape {streams.shape}"
        )
    return np.swapaxes(streams, 0, 1).reshape(-1, *streams.shape[2:])


def state_handoff(n_samples: int, batch_size: int) -> pd.DataFrame:
    """Which sample's final state a stateful layer hands to each sample,
    batch by batch.

    Samples are fed in order in batches of ``batch_size``; row ``i`` of a
    batch starts from the state left by row ``i`` of the previous batch, so
    sample ``s`` continues sample ``s - batch_size`` (or starts from zeros
    in the first batch).

    >>> state_handoff(4, 2).state_from.tolist()
    [None, None, 0, 1]
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    samples = np.arange(n_samples)
    return pd.DataFrame(
        {
            "sample": samples,
            "batch": samples // batch_size,
            "row": samples % batch_size,
            "state_from": pd.Series(
                [
                    int(s - batch_size) if s >= batch_size else None
                    for s in samples
                ],
                dtype=object,
            ),
        }
    )


def lag_streams(
    rng: np.random.Generator,
    n_streams: int = 6,
    length: int = 25,
    n_unique: int = 100,
    lag: int = 1,
    window: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Echo-a-lag data laid out for a stateful layer: one random sequence
    per batch row.

    Draws ``n_streams`` sequences of ``length`` values. Each is fed as
    inputs ``x(1) .. x(length-1)`` with targets ``x(t - lag)``, cut into
    samples of ``window`` consecutive timesteps, and the streams are
    interleaved with :func:`interleave_streams` so that, in batches of
    ``n_streams``, every row continues its own sequence. Returns ``X`` and
    ``y`` of shape (samples, window, n_unique) and a sample weight of shape
    (samples, window) that is 0 where the target comes before the first
    input (the cold start, which no model can answer).

    >>> rng = np.random.default_rng(0)
    >>> X, y, w = lag_streams(rng, 2, length=7, n_unique=5, window=3)
    >>> X.shape, y.shape, w.shape
    ((4, 3, 5), (4, 3, 5), (4, 3))
    """
    n_streams = check_int("n_streams", n_streams, minimum=1)
    length = check_int("length", length, minimum=2)
    lag = check_int("lag", lag, minimum=1, maximum=length - 1)
    window = check_int("window", window, minimum=1)
    steps = length - 1
    if steps % window:
        raise ValueError(
            f"window must divide the {steps} input steps of a "
            f"{length}-value sequence, got {window}"
        )
    values = as_generator(rng).integers(
        0, n_unique, size=(n_streams, length)
    )
    t = np.arange(1, length)
    inputs, targets = values[:, t], values[:, np.maximum(t - lag, 0)]
    weight = np.broadcast_to(
        (t - lag >= 1).astype(np.float32), (n_streams, steps)
    )
    eye = np.eye(n_unique, dtype=np.float32)

    def chunk(a: np.ndarray) -> np.ndarray:
        return a.reshape(n_streams, steps // window, window, *a.shape[2:])

    return (
        interleave_streams(chunk(eye[inputs])),
        interleave_streams(chunk(eye[targets])),
        interleave_streams(chunk(weight)),
    )


def stack_sequences(
    make_data: Callable[[np.random.Generator], tuple],
    n_sequences: int,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, ...]:
    """Draw ``n_sequences`` examples from ``make_data`` and join them into
    one training set.

    ``make_data(rng)`` returns a tuple of arrays for one sequence, such as
    ``(X, y)`` or ``(X, y, sample_weight)``; each array is concatenated
    along the sample axis, ready for a single batched ``model.fit``.

    >>> make = lambda rng: (np.zeros((3, 2)), np.ones((3, 1)))
    >>> X, y = stack_sequences(make, 4, seed=0)
    >>> X.shape, y.shape
    ((12, 2), (12, 1))
    """
    n_sequences = check_int("n_sequences", n_sequences, minimum=1)
    rng = as_generator(seed)
    return tuple(
        np.concatenate(parts)
        for parts in zip(
            *(make_data(rng) for _ in range(n_sequences)), strict=True
        )
    )


def window_echo(
    rng: int | np.random.Generator | None = None,
    n_out: int = 5,
    *,
    length: int = 25,
    n_in: int = 5,
    n_unique: int = 100,
    flat: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """One random sequence as overlapping one-hot windows, each window's
    target its first ``n_out`` values (chapters 5 and 6).

    ``length`` values in ``[0, n_unique)`` give ``length - n_in + 1``
    windows: ``X`` (windows, n_in, n_unique) and ``y`` (windows, n_out,
    n_unique). With ``flat=True`` each window is one step of ``n_in *
    n_unique`` features, ``X`` (windows, 1, n_in * n_unique): the same
    values with no order in time to read.

    >>> X, y = window_echo(0, 2)
    >>> X.shape, y.shape, bool(np.all(y == X[:, :2]))
    ((21, 5, 100), (21, 2, 100), True)
    """
    if not isinstance(flat, bool):
        raise TypeError(f"flat must be True or False, got {flat!r}")
    n_in = check_int("n_in", n_in, minimum=1)
    length = check_int("length", length, minimum=n_in)
    encoded = one_hot_encode(
        generate_sequence(length, n_unique, seed=rng), n_unique
    )
    X, y = to_supervised(encoded, n_in=n_in, n_out=n_out)
    if flat:
        X = X.reshape(len(X), 1, -1)
    return X, y


def previous_step_echo(
    rng: int | np.random.Generator | None = None, **window
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`window_echo`'s windows with, at every step, the value of the
    step before as the target: ``X``, ``y`` and a sample weight
    (windows, n_in) that is 0 at each window's first step, whose answer
    is not in the window. ``window`` takes :func:`window_echo`'s
    keywords (``length``, ``n_in``, ``n_unique``).

    >>> X, y, w = previous_step_echo(0, length=6, n_in=3, n_unique=4)
    >>> bool(np.all(y[:, 1:] == X[:, :-1])), w[0].tolist()
    (True, [0.0, 1.0, 1.0])
    """
    X, _ = window_echo(rng, 1, **window)
    y = np.concatenate([np.zeros_like(X[:, :1]), X[:, :-1]], axis=1)
    weight = np.ones(X.shape[:2])
    weight[:, 0] = 0  # its answer is not in X
    return X, y, weight


def scaled_window_echo(
    rng: int | np.random.Generator | None = None,
    *,
    length: int = 25,
    n_in: int = 5,
    n_unique: int = 100,
) -> tuple[np.ndarray, np.ndarray]:
    """One random sequence as overlapping windows of single numbers, each
    value divided by ``n_unique - 1`` so that it lies in [0, 1]; each
    window is its own target. ``X`` and ``y``: (windows, n_in, 1).

    >>> X, y = scaled_window_echo(0)
    >>> X.shape, float(X.min()) >= 0, float(X.max()) <= 1, y is X
    ((21, 5, 1), True, True, True)
    """
    n_in = check_int("n_in", n_in, minimum=1)
    length = check_int("length", length, minimum=n_in)
    n_unique = check_int("n_unique", n_unique, minimum=2)
    values = np.array(
        generate_sequence(length, n_unique, seed=rng), dtype="float32"
    ) / float(n_unique - 1)
    X = np.lib.stride_tricks.sliding_window_view(values, n_in)[..., None]
    return X, X


def gap_echo(
    n_samples: int,
    gap: int,
    n_unique: int = 10,
    *,
    length: int | None = None,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Sequences whose target is the value seen ``gap`` steps before the
    last step.

    Each sample is ``length`` random values in ``[0, n_unique)``, one-hot
    encoded; its target is the value at position ``length - 1 - gap``. With
    the default ``length = gap + 1`` this is the classic long-gap task: echo
    the *first* value, with ``gap`` noise values after it. Returns ``X``
    (n_samples, length, n_unique) and ``y`` (n_samples, n_unique).

    >>> X, y = gap_echo(2, gap=3, n_unique=5, seed=0)
    >>> X.shape, y.shape, bool(np.all(y == X[:, 0]))
    ((2, 4, 5), (2, 5), True)
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    gap = check_int("gap", gap, minimum=0)
    n_unique = check_int("n_unique", n_unique, minimum=2)
    length = (
        gap + 1
        if length is None
        else check_int("length", length, minimum=gap + 1)
    )
    values = as_generator(seed).integers(
        0, n_unique, size=(n_samples, length)
    )
    eye = np.eye(n_unique, dtype=np.float32)
    return eye[values], eye[values[:, length - 1 - gap]]


def lag_echo(
    n_samples: int,
    length: int,
    lag: int,
    n_unique: int = 10,
    *,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole sequences whose target at every step is the value ``lag``
    steps back.

    Each sample is ``length`` random values in ``[0, n_unique)``, read one
    per step; the target at step ``t`` is ``x(t - lag)``. A model that
    reads the whole sequence and answers at every step
    (``return_sequences=True``) can only answer from its state. Returns
    ``X`` and ``y`` (n_samples, length, n_unique), one-hot, and a sample
    weight (n_samples, length) that is 0 for the first ``lag`` steps,
    whose targets come before the sequence.

    >>> X, y, w = lag_echo(1, 5, 2, 4, seed=0)
    >>> one_hot_decode(X[0]), one_hot_decode(y[0][2:]), w[0].tolist()
    ([3, 2, 2, 1, 1], [3, 2, 2], [0.0, 0.0, 1.0, 1.0, 1.0])
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    length = check_int("length", length, minimum=2)
    lag = check_int("lag", lag, minimum=0, maximum=length - 1)
    n_unique = check_int("n_unique", n_unique, minimum=2)
    values = as_generator(seed).integers(
        0, n_unique, size=(n_samples, length)
    )
    targets = np.roll(values, lag, axis=1)
    weight = np.ones((n_samples, length), dtype=np.float32)
    weight[:, :lag] = 0
    eye = np.eye(n_unique, dtype=np.float32)
    return eye[values], eye[targets], weight


def get_echo_dataset(
    length: int,
    cardinality: int,
    n_samples: int,
    *,
    reverse: bool = False,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source, decoder input and target for echoing a whole sequence.

    Each source is ``length`` random values in ``1 .. cardinality-1`` (0 is
    the start symbol); the target is the source itself, or reversed with
    ``reverse=True``; the decoder input is the target shifted right behind
    a 0, as in :func:`get_dataset`. All three are one-hot, shape
    (n_samples, length, cardinality).

    >>> X1, X2, y = get_echo_dataset(4, 10, 1, seed=0)
    >>> one_hot_decode(X1), one_hot_decode(X2), one_hot_decode(y)
    ([8, 6, 5, 3], [0, 8, 6, 5], [8, 6, 5, 3])
    """
    length = check_int("length", length, minimum=1)
    cardinality = check_int("cardinality", cardinality, minimum=2)
    n_samples = check_int("n_samples", n_samples, minimum=1)
    if not isinstance(reverse, bool):
        raise TypeError(f"reverse must be a bool, got {reverse!r}")
    source = as_generator(seed).integers(
        1, cardinality, size=(n_samples, length)
    )
    target = source[:, ::-1] if reverse else source
    shifted = np.concatenate(
        [np.zeros((n_samples, 1), dtype=source.dtype), target[:, :-1]],
        axis=1,
    )
    eye = np.eye(cardinality, dtype=np.float32)
    return eye[source], eye[shifted], eye[target]


# Variable-length token sequences ----------------------------------------

#: The token ids of padding, the decoder's start and the end of a sequence;
#: a sequence's own values are tokens ``FIRST_VALUE`` and up.
PAD, START, END = 0, 1, 2
FIRST_VALUE = 3
#: The names :func:`token_lookup` gives the start and end tokens.
START_NAME, END_NAME = "<start>", "<end>"


def echo_frames(
    sequences: Sequence[Sequence[int]], *, reverse: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frame token sequences of any length for an encoder-decoder.

    Each sequence holds value tokens (``>= FIRST_VALUE``). The target is
    the sequence (or its reverse) followed by ``END``; the decoder input
    is ``START`` followed by the target without its ``END``; all three
    are padded with ``PAD`` after their end to the longest, by
    ``keras.utils.pad_sequences``. Returns ``source`` (n, longest),
    ``decoder_input`` and ``target`` (n, longest + 1), integer tokens.

    >>> source, decoder_input, target = echo_frames([[5, 6, 7], [8]])
    >>> source.tolist(), decoder_input.tolist(), target.tolist()
    ([[5, 6, 7], [8, 0, 0]], [[1, 5, 6, 7], [1, 8, 0, 0]], \
[[5, 6, 7, 2], [8, 2, 0, 0]])
    """
    if not isinstance(reverse, bool):
        raise TypeError(f"reverse must be a bool, got {reverse!r}")
    if isinstance(sequences, np.ndarray) and sequences.ndim == 2:
        sequences = list(sequences)
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence")
    rows = []
    for i, sequence in enumerate(sequences):
        row = np.asarray(sequence)
        if row.ndim != 1 or len(row) == 0:
            raise ValueError(
                f"sequence {i} must be a non-empty 1-D sequence of "
                f"tokens, got shape {row.shape}"
            )
        if not np.issubdtype(row.dtype, np.integer):
            raise TypeError(
                f"sequence {i} must hold integer tokens, got {row.dtype}"
            )
        if row.min() < FIRST_VALUE:
            raise ValueError(
                f"sequence {i} holds token {row.min()}: value tokens "
                f"must be >= {FIRST_VALUE} (0, 1 and 2 are padding, start "
                "and end)"
            )
        rows.append(row[::-1] if reverse else row)
    targets = [np.append(row, END) for row in rows]
    shifted = [np.insert(row, 0, START) for row in rows]

    def pad(parts):
        return keras.utils.pad_sequences(
            parts, padding="post", value=PAD, dtype="int32"
        )

    return (
        pad([np.asarray(s) for s in sequences]),
        pad(shifted),
        pad(targets),
    )


def variable_echo(
    n_samples: int,
    n_values: int,
    min_length: int,
    max_length: int,
    *,
    reverse: bool = False,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random sources of ``min_length`` to ``max_length`` values, framed
    by :func:`echo_frames`.

    Each source's length is drawn uniformly, then its values uniformly
    from the ``n_values`` value tokens ``FIRST_VALUE .. FIRST_VALUE +
    n_values - 1``. Returns ``source`` (n_samples, max_length),
    ``decoder_input`` and ``target`` (n_samples, max_length + 1), padded
    with ``PAD``; the longest source may be shorter than ``max_length``,
    the arrays are padded to ``max_length`` all the same.

    >>> source, _, target = variable_echo(2, 20, 2, 4, seed=0)
    >>> source.tolist(), target.tolist()
    ([[13, 8, 9, 3], [4, 3, 6, 0]], [[13, 8, 9, 3, 2], [4, 3, 6, 2, 0]])
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    n_values = check_int("n_values", n_values, minimum=2)
    min_length = check_int("min_length", min_length, minimum=1)
    max_length = check_int("max_length", max_length, minimum=min_length)
    rng = as_generator(seed)
    lengths = rng.integers(min_length, max_length + 1, size=n_samples)
    values = rng.integers(
        FIRST_VALUE, FIRST_VALUE + n_values, size=(n_samples, max_length)
    )
    source, shifted, target = echo_frames(
        [row[:n] for row, n in zip(values, lengths, strict=True)],
        reverse=reverse,
    )
    width = max_length - source.shape[1]
    return (
        np.pad(source, ((0, 0), (0, width))),
        np.pad(shifted, ((0, 0), (0, width))),
        np.pad(target, ((0, 0), (0, width))),
    )


def token_lookup(
    values: Sequence[str] | Sequence[int],
) -> keras.layers.StringLookup | keras.layers.IntegerLookup:
    """A Keras lookup layer mapping ``values`` to value tokens, with the
    book's padding, start and end tokens before them.

    Strings get a ``StringLookup``, integers an ``IntegerLookup``. The
    vocabulary is the sorted distinct ``values`` after ``START_NAME`` and
    ``END_NAME`` (for integers, -2 and -3), with the mask token (``""``,
    for integers -1) at ``PAD``; so ``START``, ``END`` and the values
    ``FIRST_VALUE, FIRST_VALUE + 1, ...`` come out as the rest of the book
    expects. There are no out-of-vocabulary tokens: use
    :func:`encode_tokens`, which names anything the vocabulary lacks.

    >>> lookup = token_lookup(list("banana"))
    >>> [str(v) for v in lookup.get_vocabulary()]
    ['', '<start>', '<end>', 'a', 'b', 'n']
    """
    distinct = set(values)
    if len(distinct) < 1:
        raise ValueError("values must hold at least one value")
    strings = all(isinstance(v, str) for v in distinct)
    integers = all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool)
        for v in distinct
    )
    if not (strings or integers):
        raise TypeError(
            "values must be all strings or all integers, got "
            f"{sorted({type(v).__name__ for v in distinct})}"
        )
    distinct = sorted(distinct)
    if strings:
        if "" in distinct or {START_NAME, END_NAME} & set(distinct):
            raise ValueError(
                f"values must not include '', {START_NAME!r} or "
                f"{END_NAME!r}: they are the padding, start and end tokens"
            )
        return keras.layers.StringLookup(
            vocabulary=[START_NAME, END_NAME, *distinct],
            mask_token="",
            num_oov_indices=0,
        )
    if min(distinct) < 0:
        raise ValueError(
            f"integer values must be >= 0, got {min(distinct)}"
        )
    return keras.layers.IntegerLookup(
        vocabulary=[-2, -3, *[int(v) for v in distinct]],
        mask_token=-1,
        num_oov_indices=0,
    )


def _check_lookup(lookup) -> None:
    if not isinstance(
        lookup, (keras.layers.StringLookup, keras.layers.IntegerLookup)
    ):
        raise TypeError(
            "lookup must be a StringLookup or IntegerLookup (see "
            f"token_lookup), got {type(lookup).__name__}"
        )


def encode_tokens(
    lookup: keras.layers.StringLookup | keras.layers.IntegerLookup,
    sequences: Sequence[Sequence],
) -> list[np.ndarray]:
    """Each sequence's values as tokens of ``lookup``, in one call of the
    layer.

    ``sequences`` is a list of sequences of values (a word is a sequence
    of characters). Every value must be in the vocabulary; the first one
    that is not is named with its sequence. Returns one 1-D integer array
    per sequence.

    >>> lookup = token_lookup(list("abn"))
    >>> [t.tolist() for t in encode_tokens(lookup, ["banana", "ab"])]
    [[4, 3, 5, 3, 5, 3], [3, 4]]
    """
    _check_lookup(lookup)
    if isinstance(sequences, str):
        raise TypeError(
            "sequences must be a list of sequences (for words, a list of "
            f"strings), got the single string {sequences!r}"
        )
    vocabulary = lookup.get_vocabulary()
    known, mask = set(vocabulary[FIRST_VALUE:]), vocabulary[PAD]
    rows = [list(s) for s in sequences]
    if len(rows) == 0 or min(len(r) for r in rows) == 0:
        raise ValueError("sequences must be non-empty, and so must each")
    for i, row in enumerate(rows):
        unknown = [v for v in row if v not in known]
        if unknown:
            raise ValueError(
                f"sequence {i} ({sequences[i]!r}) holds {unknown[0]!r}, "
                "which is not in the lookup's vocabulary"
            )
    lengths = [len(r) for r in rows]
    padded = keras.utils.pad_sequences(
        rows, padding="post", value=mask, dtype=object
    )
    dtype = "int64" if isinstance(mask, (int, np.integer)) else str
    tokens = keras.ops.convert_to_numpy(lookup(padded.astype(dtype)))
    return [
        np.array(t[:n], dtype="int32")
        for t, n in zip(tokens, lengths, strict=True)
    ]


def decode_tokens(
    lookup: keras.layers.StringLookup | keras.layers.IntegerLookup,
    tokens: np.ndarray,
) -> list[list]:
    """The values of each row of ``tokens``, up to its first ``END``: the
    inverse of :func:`encode_tokens`, for display.

    ``START`` and ``PAD`` tokens before the ``END`` are dropped, so two
    rows that decode alike may differ as tokens: compare token arrays
    (:func:`seqecho.evaluate.token_hits`) to score outputs.

    >>> lookup = token_lookup(list("abn"))
    >>> decode_tokens(lookup, np.array([[4, 3, 2, 0], [1, 5, 3, 5]]))
    [['b', 'a'], ['n', 'a', 'n']]
    """
    _check_lookup(lookup)
    tokens = check_array("tokens", tokens, ndim=2)
    if not np.issubdtype(tokens.dtype, np.integer):
        raise TypeError(f"tokens must be integers, got {tokens.dtype}")
    vocabulary = np.array(
        [
            getattr(v, "item", lambda v=v: v)()
            for v in lookup.get_vocabulary()
        ],
        dtype=object,
    )
    if tokens.min() < 0 or tokens.max() >= len(vocabulary):
        raise ValueError(
            f"tokens must be in [0, {len(vocabulary) - 1}], got "
            f"{tokens.min()}..{tokens.max()}"
        )
    rows = []
    for row in tokens:
        ends = np.flatnonzero(row == END)
        row = row[: ends[0]] if len(ends) else row
        rows.append(vocabulary[row[row >= FIRST_VALUE]].tolist())
    return rows


def _file(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if path.stat().st_size == 0:
        raise ValueError(f"{path} is empty")
    return path


def load_sequences(
    path: str | os.PathLike,
    *,
    values: tuple[int, int] | None = None,
) -> list[np.ndarray]:
    """Integer sequences from a CSV file with columns ``sequence`` and
    ``value``, one row per step.

    Rows with the same ``sequence`` id form one sequence, in the order of
    the file; sequences come in the order they first appear. With
    ``values=(low, high)``, every value must lie in ``low .. high``. A
    missing column, a row with more or fewer fields than the header, a
    value that is not an integer (of at most 18 digits) or one out of
    range raises
    ``ValueError`` naming the file and the line.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = path.write_text("sequence,value\\n0,7\\n0,9\\n1,8\\n")
    >>> [s.tolist() for s in load_sequences(path)]
    [[7, 9], [8]]
    """
    path = _file(path)
    try:
        # header=None: a row with more fields than the header is an error
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, header=None
        ).fillna("")
    except pd.errors.ParserError as error:
        raise ValueError(f"{path}: {error}") from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path} is empty") from None
    table = raw.iloc[1:].set_axis(list(raw.iloc[0]), axis=1)
    missing = {"sequence", "value"} - set(table.columns)
    if missing:
        raise ValueError(
            f"{path}: the header must name the columns 'sequence' and "
            f"'value', got {list(table.columns)}"
        )
    if len(table) == 0:
        raise ValueError(f"{path} has a header but no rows")
    if table.shape[1] != 2:
        raise ValueError(
            f"{path}: the file must have exactly two columns, 'sequence' "
            f"and 'value', got {list(table.columns)}"
        )
    numbers = {}
    for column in ("sequence", "value"):
        text = table[column].str.strip()
        bad = ~text.str.fullmatch(r"[+-]?\d{1,18}")
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{path}, line {row + 2}: {column} "
                f"{table[column].iloc[row]!r} is not an integer"
            )
        numbers[column] = text.astype("int64").to_numpy()
    if values is not None:
        if not isinstance(values, (tuple, list)) or len(values) != 2:
            raise TypeError(
                f"values must be a pair (low, high), got {values!r}"
            )
        low = check_int("values[0]", values[0])
        high = check_int("values[1]", values[1], minimum=low)
        outside = (numbers["value"] < low) | (numbers["value"] > high)
        if outside.any():
            row = int(np.flatnonzero(outside)[0])
            raise ValueError(
                f"{path}, line {row + 2}: value {numbers['value'][row]} "
                f"is outside {low}..{high}"
            )
    ids = pd.Series(numbers["sequence"])
    return [
        numbers["value"][index]
        for index in ids.groupby(ids, sort=False).indices.values()
    ]


def load_words(
    path: str | os.PathLike, *, max_length: int | None = None
) -> list[str]:
    """The words of a text file with one word per line (blank lines
    skipped).

    A line holding a space or a tab (more than one word), or a word longer
    than ``max_length``, raises ``ValueError`` naming the file and line.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "w.txt"
    >>> _ = path.write_text("echo\\n\\nmemory\\n")
    >>> load_words(path)
    ['echo', 'memory']
    """
    path = _file(path)
    if max_length is not None:
        max_length = check_int("max_length", max_length, minimum=1)
    words = []
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    for number, line in enumerate(lines, start=1):
        word = line.strip()
        if not word:
            continue
        if len(word.split()) > 1:
            raise ValueError(
                f"{path}, line {number}: {word!r} is more than one word"
            )
        if max_length is not None and len(word) > max_length:
            raise ValueError(
                f"{path}, line {number}: {word!r} is longer than "
                f"max_length={max_length}"
            )
        words.append(word)
    if not words:
        raise ValueError(f"{path} holds no words")
    return words
