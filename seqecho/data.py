"""Generate random integer sequences, one-hot encode them and frame them as
supervised learning.

The names follow the tutorials this course grew from (``generate_sequence``,
``one_hot_encode``, ``one_hot_decode``, ``to_supervised``, ``get_dataset``)
so that their readers recognise them; the implementations are vectorised and
check their input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
