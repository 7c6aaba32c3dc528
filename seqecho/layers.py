"""Recurrent layers whose ``stateful=True`` works on every Keras backend.

This module is the one place where the book works around a Keras bug
(Keras 3.15.1):

- **JAX drops the state.** ``keras.layers.RNN`` creates a stateful layer's
  state variables with automatic tracking switched off, so they are not
  among the model's ``non_trainable_variables``. TensorFlow and PyTorch
  update variables in place and never notice; the JAX trainer is
  functional: it threads only tracked variables through each compiled step
  and silently discards the state's new value. Every batch then starts
  from zeros, with no error.
- **PyTorch cannot train a stateful LSTM or GRU.** Their fused paths read
  the state variable's storage directly, and the layer assigns the new
  state into that storage before the backward pass, which autograd rejects
  ("modified by an inplace operation"). SimpleRNN is not affected.

:class:`TrackedStateMixin` fixes both: it creates the state with
``add_weight`` (tracked and non-trainable, so ``model.summary()`` counts it
as non-trainable parameters) and hands the cell a copy of the state rather
than the variable's own storage. The layers below are Keras' own with that
mixin. :func:`check_state_is_carried` is the guard: it raises a clear error
rather than let a plain Keras stateful layer lose its state.

``tests/test_layers.py`` checks, on each backend, whether plain Keras still
has each bug; the day a release fixes one, its test fails and says which
part of this module to remove.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator, Sequence

import keras
from keras import ops

__all__ = [
    "GRU",
    "LSTM",
    "SimpleRNN",
    "TrackedStateMixin",
    "check_state_is_carried",
    "iter_layers",
    "zero_variables",
]


class TrackedStateMixin:
    """Keep a stateful RNN layer's state in tracked, non-trainable
    variables.

    Mix it in before a Keras RNN layer class, as :class:`LSTM` does. The
    state still has one row per batch row, and ``layer.reset_state()``
    still sets it to zeros.
    """

    def _create_state_variables(self, batch_size: int) -> None:
        sizes = self.state_size
        sizes = [sizes] if isinstance(sizes, int) else sizes
        if not all(isinstance(size, int) for size in sizes):
            raise TypeError(
                f"{type(self).__name__} supports flat integer state "
                f"sizes, got {sizes}"
            )
        self.states = [
            self.add_weight(
                shape=(batch_size, size),
                initializer="zeros",
                trainable=False,
                name=f"state_{index}",
            )
            for index, size in enumerate(sizes)
        ]

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self.stateful:  # a copy: the state is assigned before backward
            initial_state = [ops.copy(state) for state in initial_state]
        return super().inner_loop(
            sequences, initial_state, mask, training=training
        )


@keras.saving.register_keras_serializable(package="seqecho")
class LSTM(TrackedStateMixin, keras.layers.LSTM):
    """``keras.layers.LSTM``, with a ``stateful=True`` that works on
    TensorFlow, JAX and PyTorch."""


@keras.saving.register_keras_serializable(package="seqecho")
class GRU(TrackedStateMixin, keras.layers.GRU):
    """``keras.layers.GRU``, with a ``stateful=True`` that works on
    TensorFlow, JAX and PyTorch."""


@keras.saving.register_keras_serializable(package="seqecho")
class SimpleRNN(TrackedStateMixin, keras.layers.SimpleRNN):
    """``keras.layers.SimpleRNN``, with a ``stateful=True`` that works on
    TensorFlow, JAX and PyTorch."""


def iter_layers(model: keras.layers.Layer) -> Iterator[keras.layers.Layer]:
    """Yield ``model`` and every layer inside it, nested models and wrapped
    layers too."""
    yield model
    children = list(getattr(model, "layers", []) or [])
    for attribute in ("layer", "forward_layer", "backward_layer", "cell"):
        child = getattr(model, attribute, None)
        if isinstance(child, keras.layers.Layer):
            children.append(child)
    for child in children:
        yield from iter_layers(child)


_PROBLEMS = {
    "jax": "drops the state of a plain stateful keras.layers.{kind} "
    "between batches (its state variables are not tracked, so compiled "
    "steps discard their updates)",
    "torch": "cannot train a plain stateful keras.layers.{kind}: its state "
    "is assigned in place before the backward pass",
}


def check_state_is_carried(model: keras.layers.Layer) -> None:
    """Raise ``ValueError`` if a stateful layer in ``model`` cannot carry
    its state on the current backend.

    On JAX a plain ``keras.layers.LSTM`` (GRU, SimpleRNN) built with
    ``stateful=True`` silently loses its state between batches; on PyTorch
    a plain stateful LSTM or GRU cannot be trained. The layers of this
    module work everywhere, and on TensorFlow Keras' own work too.

    >>> check_state_is_carried(keras.Sequential([LSTM(2, stateful=True)]))
    """
    backend = keras.backend.backend()
    if backend not in _PROBLEMS:
        return
    for layer in iter_layers(model):
        if not isinstance(layer, keras.layers.RNN) or not layer.stateful:
            continue
        if isinstance(layer, TrackedStateMixin):
            continue
        if backend == "torch" and isinstance(layer, keras.layers.SimpleRNN):
            continue  # only the gated cells' fused paths assign in place
        kind = type(layer).__name__
        name = {"jax": "JAX", "torch": "PyTorch"}[backend]
        raise ValueError(
            f"layer {layer.name!r} is stateful, but on the {name} backend "
            f"Keras {keras.__version__} "
            f"{_PROBLEMS[backend].format(kind=kind)}. Use "
            f"seqecho.layers.{kind} (seqecho's builders do) instead."
        )


def zero_variables(variables: Sequence[keras.Variable]) -> None:
    """Set every variable in ``variables`` to zeros, as Keras' own resets
    do (a stateful layer's ``reset_state()``, a metric's
    ``reset_state()``).

    Keras assigns each variable on its own; on TensorFlow every assignment
    is an eager operation of its own, about 65 microseconds, and the 22
    metric variables of five copies then cost as much as their training
    step. On TensorFlow this assigns them all in one compiled call; other
    backends assign directly, which is already cheap there.

    >>> v = keras.Variable([1.0, 2.0])
    >>> zero_variables([v])
    >>> keras.ops.convert_to_numpy(v).tolist()
    [0.0, 0.0]
    """
    variables = list(variables)
    if not all(isinstance(v, keras.Variable) for v in variables):
        raise TypeError("variables must all be keras.Variable objects")
    if not variables:
        return
    if keras.backend.backend() == "tensorflow":
        _tensorflow_zeroer(variables)()
        return
    for v in variables:
        v.assign(ops.zeros(v.shape, dtype=v.dtype))


#: Compiled zeroing functions by the variables they zero, most recent last.
_ZEROERS: collections.OrderedDict = collections.OrderedDict()


def _tensorflow_zeroer(variables: list[keras.Variable]):
    """A compiled TensorFlow function of no arguments that zeroes
    ``variables`` (cached for the 32 sets used last)."""
    import tensorflow as tf  # only on the TensorFlow backend

    # the cache holds the variables, so their ids cannot be reused meanwhile
    key = tuple(id(v) for v in variables)
    if key not in _ZEROERS:
        own = [v.value for v in variables]

        @tf.function
        def zero():
            for v in own:
                v.assign(tf.zeros(v.shape, v.dtype))

        _ZEROERS[key] = (zero, variables)
        while len(_ZEROERS) > 32:
            _ZEROERS.popitem(last=False)
    _ZEROERS.move_to_end(key)
    return _ZEROERS[key][0]
