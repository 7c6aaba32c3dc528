"""Argument checks shared by the seqecho modules (private)."""

from __future__ import annotations

import numbers

import numpy as np


def check_int(
    name: str, value, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as ``int`` or raise a clear error naming ``name``.

    Booleans are rejected: ``True`` is an ``int`` in Python but never a
    length.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {type(value).__name__} "
            f"{value!r}"
        )
    value = int(value)
    if minimum is not None and value < minimum:
        bound = (
            f">= {minimum}"
            if maximum is None
            else f"in [{minimum}, {maximum}]"
        )
        raise ValueError(f"{name} must be {bound}, got {value}")
    if maximum is not None and value > maximum:
        bound = (
            f"<= {maximum}"
            if minimum is None
            else f"in [{minimum}, {maximum}]"
        )
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_array(name: str, value, ndim: int) -> np.ndarray:
    """Return ``value`` as a NumPy array of rank ``ndim`` or raise
    ``ValueError``."""
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got shape {array.shape} "
            f"({array.ndim}-D)"
        )
    return array
