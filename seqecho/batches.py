"""Feed sequences batch by batch: check what ``make_data`` returns, cut it
into batches, predict.

Training (:mod:`seqecho.train`) and evaluation (:mod:`seqecho.evaluate`)
feed a sequence the same way: in consecutive batches, never shuffled, so a
stateful layer sees its samples in order. This module holds what both need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keras
import numpy as np

from seqecho._checks import check_int
from seqecho.models import fixed_batch_size, is_stateful

#: ``make_data(rng)`` returns ``(X, y)`` or ``(X, y, sample_weight)``:
#: one sequence.
MakeData = Callable[[np.random.Generator], tuple]


def split_example(
    example: tuple,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Check a ``make_data`` result; return ``(X, y, weight or None)``.

    >>> X, y, weight = split_example((np.zeros((4, 1, 3)), np.ones((4, 3))))
    >>> X.shape, y.shape, weight
    ((4, 1, 3), (4, 3), None)
    """
    if not isinstance(example, tuple) or len(example) not in (2, 3):
        raise TypeError(
            "make_data must return (X, y) or (X, y, sample_weight)"
        )
    X, y = np.asarray(example[0]), np.asarray(example[1])
    weight = (
        None
        if len(example) == 2 or example[2] is None
        else np.asarray(example[2])
    )
    if len(X) != len(y) or (weight is not None and len(weight) != len(X)):
        raise ValueError(
            f"make_data returned mismatched lengths: X {X.shape}, y "
            f"{y.shape}"
            + ("" if weight is None else f", sample_weight {weight.shape}")
        )
    return X, y, weight


def check_batching(
    model: keras.Model, n_samples: int, batch_size: int
) -> None:
    """Raise ``ValueError`` if ``batch_size`` does not fit the model or the
    samples.

    A model built for a fixed batch size takes only that size, and a
    stateful model needs every batch full, so ``batch_size`` must divide the
    samples of a sequence.
    """
    fixed = fixed_batch_size(model)
    if fixed is not None and fixed != batch_size:
        raise ValueError(
            f"batch_size={batch_size} but the model is built for batches "
            f"of {fixed}"
        )
    if is_stateful(model) and n_samples % batch_size:
        raise ValueError(
            "a stateful model needs batch_size to divide the samples of "
            "a sequence: "
            f"{n_samples} samples, batch_size={batch_size} (try one of "
            f"{[d for d in range(1, n_samples + 1) if n_samples % d == 0]})"
        )


def batch_slices(n_samples: int, batch_size: int) -> Iterator[slice]:
    """Consecutive slices of ``batch_size`` samples (the last may be
    shorter), in order.

    >>> list(batch_slices(5, 2))
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    n_samples = check_int("n_samples", n_samples, minimum=0)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    for lo in range(0, n_samples, batch_size):
        yield slice(lo, min(lo + batch_size, n_samples))


def predict_batches(
    model: keras.Model, X: np.ndarray, batch_size: int
) -> np.ndarray:
    """Predict ``X`` in consecutive batches with ``predict_on_batch`` (keeps
    stateful order)."""
    X = np.asarray(X)
    if len(X) == 0:
        raise ValueError("X must hold at least one sample")
    return np.concatenate(
        [
            np.asarray(model.predict_on_batch(X[part]))
            for part in batch_slices(len(X), batch_size)
        ]
    )
