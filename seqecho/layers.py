"""Recurrent layers whose ``stateful=True`` carries state on every Keras backend.

This module is the one place where the book works around a Keras bug (Keras 3.15.1):

- **JAX drops the state.** ``keras.layers.RNN`` creates a stateful layer's state
  variables with automatic tracking switched off, so they are not among the model's
  ``non_trainable_variables``. The TensorFlow and PyTorch trainers update variables in
  place and never notice; the JAX trainer is functional: it threads only the tracked
  variables through each compiled step and silently discards the state's new value.
  Every batch then starts from zeros, with no error.
- **PyTorch fails to train.** The LSTM's fused path reads the state variable's storage
  directly and the layer then assigns the new state into that same storage before the
  backward pass, which autograd rejects ("modified by an inplace operation").

:class:`TrackedStateMixin` fixes both: it creates the state with ``add_weight`` (tracked,
non-trainable, so it also shows up in ``model.summary()`` as non-trainable parameters)
and hands the cell a copy of the state instead of the variable's own storage. The layers
below are Keras' own with that mixin, and are identical to them when ``stateful=False``.
:func:`check_state_is_carried` is the guard: it raises a clear error instead of letting a
plain Keras stateful layer lose its state on JAX.
"""

from __future__ import annotations

from typing import Iterator

import keras
from keras import ops

__all__ = [
    "GRU", "LSTM", "SimpleRNN", "TrackedStateMixin", "check_state_is_carried", "iter_layers",
]


class TrackedStateMixin:
    """Keep a stateful RNN layer's state in tracked, non-trainable variables.

    Mix in before a Keras RNN layer class (``class LSTM(TrackedStateMixin, keras.layers.LSTM)``).
    The state still has one row per batch row, reset to zeros by ``layer.reset_state()``.
    """

    def _create_state_variables(self, batch_size: int) -> None:
        sizes = [self.state_size] if isinstance(self.state_size, int) else self.state_size
        if not all(isinstance(size, int) for size in sizes):
            raise TypeError(f"{type(self).__name__} supports flat integer state sizes, got {sizes}")
        self.states = [
            self.add_weight(shape=(batch_size, size), initializer="zeros", trainable=False,
                            name=f"state_{index}")
            for index, size in enumerate(sizes)
        ]

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self.stateful:  # a copy, so the state can be assigned after the forward pass (torch)
            initial_state = [ops.copy(state) for state in initial_state]
        return super().inner_loop(sequences, initial_state, mask, training=training)


@keras.saving.register_keras_serializable(package="seqecho")
class LSTM(TrackedStateMixin, keras.layers.LSTM):
    """``keras.layers.LSTM`` whose ``stateful=True`` works on TensorFlow, JAX and PyTorch."""


@keras.saving.register_keras_serializable(package="seqecho")
class GRU(TrackedStateMixin, keras.layers.GRU):
    """``keras.layers.GRU`` whose ``stateful=True`` works on TensorFlow, JAX and PyTorch."""


@keras.saving.register_keras_serializable(package="seqecho")
class SimpleRNN(TrackedStateMixin, keras.layers.SimpleRNN):
    """``keras.layers.SimpleRNN`` whose ``stateful=True`` works on TensorFlow, JAX and PyTorch."""


def iter_layers(model: keras.layers.Layer) -> Iterator[keras.layers.Layer]:
    """Yield ``model`` and every layer inside it: nested models and wrapped layers too."""
    yield model
    children = list(getattr(model, "layers", []) or [])
    for attribute in ("layer", "forward_layer", "backward_layer", "cell"):
        child = getattr(model, attribute, None)
        if isinstance(child, keras.layers.Layer):
            children.append(child)
    for child in children:
        yield from iter_layers(child)


def check_state_is_carried(model: keras.layers.Layer) -> None:
    """Raise ``ValueError`` if a stateful layer in ``model`` cannot carry its state on this backend.

    On JAX a plain ``keras.layers.LSTM`` (or GRU, SimpleRNN) built with ``stateful=True``
    silently loses its state between batches; on PyTorch a plain stateful LSTM cannot be
    trained. Layers from this module work everywhere, and on TensorFlow Keras' own do too.

    >>> check_state_is_carried(keras.Sequential([LSTM(2, stateful=True)]))  # never raises
    """
    backend = keras.backend.backend()
    problems = {
        "jax": "drops the state of a plain keras.layers.{kind} between batches (its state "
               "variables are not tracked, so compiled steps discard their updates)",
        "torch": "cannot train a plain stateful keras.layers.{kind}: the state is assigned in "
                 "place before the backward pass (PyTorch autograd error)",
    }
    if backend not in problems:
        return
    for layer in iter_layers(model):
        if isinstance(layer, keras.layers.RNN) and layer.stateful \
                and not isinstance(layer, TrackedStateMixin):
            kind = type(layer).__name__
            if backend == "torch" and not isinstance(layer, keras.layers.LSTM):
                continue  # only the LSTM's fused path assigns in place
            raise ValueError(
                f"layer {layer.name!r} is stateful, but on the {'JAX' if backend == 'jax' else 'PyTorch'} "
                f"backend Keras {keras.__version__} {problems[backend].format(kind=kind)}. "
                f"Use seqecho.layers.{kind} (what seqecho's builders use) instead."
            )
