"""Read what a recurrent state holds: an LSTM's states and gates at every
step, and linear probes that try to read past values out of them.

A *probe* is a linear softmax classifier (logistic regression) trained to
read a label, such as the value seen ``j`` steps ago, from a frozen
network's state. It is trained on some sequences and scored on others: if
it reads the label on unseen sequences far above chance, the state holds
that label in a linearly readable form (Alain and Bengio, 2016).

>>> values = np.random.default_rng(0).integers(0, 4, size=(60, 5))
>>> probe_accuracy(np.eye(4)[values], values)  # the state is the input
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from seqecho._checks import check_array, check_int

#: Run a function with NumPy's matrix products on one thread. On the book's
#: small arrays, BLAS threads only compete with the Keras backend's own
#: threads for the cores: on 2 cores a probe fit ran about 6 times faster,
#: and ``trace_lstm`` about 4 times, with the same results.
one_blas_thread = threadpool_limits.wrap(limits=1, user_api="blas")

_ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
}


@dataclass
class LSTMTrace:
    """Every step of an LSTM run, each array (samples, steps, units).

    ``h`` and ``c`` are the hidden and cell state *after* each step; the
    gates are the activations that step computed: ``input_gate`` (how much
    of the candidate is written), ``forget_gate`` (how much of the old
    cell state is kept), ``candidate`` (the value offered for writing) and
    ``output_gate`` (how much of the cell state is shown as ``h``).
    """

    h: np.ndarray
    c: np.ndarray
    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray


def _activation(layer: keras.layers.LSTM, name: str):
    function = getattr(layer.cell, name)
    key = keras.activations.serialize(function)
    key = key if isinstance(key, str) else str(key.get("config", key))
    if key not in _ACTIVATIONS:
        raise ValueError(
            f"trace_lstm supports the {name} 'sigmoid' or 'tanh', got "
            f"{key!r} in layer {layer.name!r}"
        )
    return _ACTIVATIONS[key]


@one_blas_thread
def trace_lstm(
    layer: keras.layers.LSTM,
    X: np.ndarray,
    initial_state: tuple[np.ndarray, np.ndarray] | None = None,
) -> LSTMTrace:
    """Run a trained LSTM layer's equations in NumPy, keeping every step.

    Keras returns ``h`` at every step (``return_sequences``) but ``c`` only
    at the end (``return_state``), and never the gates. This recomputes the
    layer from its own weights, step by step (Hochreiter and Schmidhuber,
    1997, with the forget gate of Gers et al., 2000)::

        i, f, o = sigmoid(x W + h W_r + b) for each gate's slice
        g = tanh(x W + h W_r + b) for the candidate's slice
        c = f * c_prev + i * g
        h = o * tanh(c)

    ``X`` is the layer's input, (samples, steps, features); the run starts
    from zero state unless ``initial_state = (h0, c0)`` is given. It
    ignores dropout, as inference does.

    >>> layer = keras.layers.LSTM(3)
    >>> trace = trace_lstm(layer, np.ones((2, 4, 5)))
    >>> trace.c.shape
    (2, 4, 3)
    """
    if not isinstance(layer, keras.layers.LSTM):
        raise TypeError(
            f"layer must be a keras.layers.LSTM, got {type(layer).__name__}"
        )
    X = check_array("X", X, ndim=3).astype(np.float64)
    if not layer.built:
        layer.build(X.shape)
    if layer.go_backwards:
        raise ValueError(
            f"layer {layer.name!r} reads its input backwards "
            "(go_backwards=True); trace_lstm follows the forward order only"
        )
    cell = layer.cell
    kernel = keras.ops.convert_to_numpy(cell.kernel).astype(np.float64)
    recurrent = keras.ops.convert_to_numpy(cell.recurrent_kernel).astype(
        np.float64
    )
    bias = (
        keras.ops.convert_to_numpy(cell.bias).astype(np.float64)
        if cell.use_bias
        else 0.0
    )
    if X.shape[1] == 0:
        raise ValueError("X must hold at least one step, got 0")
    if X.shape[-1] != kernel.shape[0]:
        raise ValueError(
            f"X must have {kernel.shape[0]} features (the layer's input "
            f"width), got {X.shape[-1]}"
        )
    gate, squash = (
        _activation(layer, "recurrent_activation"),
        _activation(layer, "activation"),
    )
    n, units = X.shape[0], cell.units
    if initial_state is None:
        h, c = np.zeros((n, units)), np.zeros((n, units))
    else:
        h, c = (np.asarray(s, dtype=np.float64) for s in initial_state)
        if h.shape != (n, units) or c.shape != (n, units):
            raise ValueError(
                f"initial_state must be two arrays of shape {(n, units)}, "
                f"got {h.shape} and {c.shape}"
            )
    steps = []  # (h, c, i, f, g, o) after each step, LSTMTrace's order
    inputs = X @ kernel + bias  # every step's input part at once
    for t in range(X.shape[1]):
        z = inputs[:, t] + h @ recurrent
        i, f, g, o = np.split(z, 4, axis=-1)  # Keras' order: i, f, c, o
        i, f, g, o = gate(i), gate(f), squash(g), gate(o)
        c = f * c + i * g
        h = o * squash(c)
        steps.append((h, c, i, f, g, o))
    return LSTMTrace(
        *(np.stack(a, axis=1) for a in zip(*steps, strict=True))
    )


def lagged_labels(values: np.ndarray, lag: int) -> np.ndarray:
    """The value seen ``lag`` steps before each step, -1 where there is
    none.

    ``values`` is (samples, steps) of integer labels; the result has the
    same shape, with ``result[:, t] = values[:, t - lag]`` for ``t >= lag``
    and -1 (no label: left out of a probe) before that.

    >>> lagged_labels(np.array([[5, 6, 7, 8]]), 2)
    array([[-1, -1,  5,  6]])
    """
    values = check_array("values", values, ndim=2)
    if not np.issubdtype(values.dtype, np.integer):
        raise TypeError(
            f"values must hold integer labels, got dtype {values.dtype}"
        )
    lag = check_int("lag", lag, minimum=0, maximum=values.shape[1] - 1)
    labels = np.full_like(values, -1)
    labels[:, lag:] = values[:, : values.shape[1] - lag]
    return labels


@one_blas_thread
def probe_accuracy(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    train_fraction: float = 0.5,
    tol: float = 1e-3,
    max_iter: int = 1000,
) -> float:
    """Train a linear softmax probe on some sequences, score it on the
    others.

    ``features`` is (samples, ..., width), for example a state at every
    step (samples, steps, units) or a final state (samples, units);
    ``labels`` has the same leading shape, integer classes, with -1 where
    there is nothing to read. The first ``train_fraction`` of the samples
    train the probe (features standardised, then logistic regression),
    the rest score it: the fraction of their labels it reads right.
    Training stops when an L-BFGS step improves the loss by less than
    ``tol`` (ten times scikit-learn's default, for speed).

    >>> rng = np.random.default_rng(0)
    >>> noise = rng.normal(size=(4000, 8))
    >>> round(probe_accuracy(noise, rng.integers(0, 2, 4000)), 1)  # chance
    0.5
    """
    features = np.asarray(features, dtype=np.float64)
    labels = np.asarray(labels)
    if features.ndim < 2 or features.shape[:-1] != labels.shape:
        raise ValueError(
            "features must be (samples, ..., width) and labels (samples, "
            f"...) with the same leading shape, got {features.shape} and "
            f"{labels.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"labels must be integer classes, got dtype {labels.dtype}"
        )
    if not 0 < train_fraction < 1:
        raise ValueError(
            f"train_fraction must be in (0, 1), got {train_fraction!r}"
        )
    max_iter = check_int("max_iter", max_iter, minimum=1)
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    n_train = int(round(len(labels) * train_fraction))
    if not 0 < n_train < len(labels):
        raise ValueError(
            f"{len(labels)} samples cannot be split into training and "
            f"test samples with train_fraction={train_fraction}"
        )
    width = features.shape[-1]

    def rows(part: slice) -> tuple[np.ndarray, np.ndarray]:
        X, y = features[part].reshape(-1, width), labels[part].reshape(-1)
        return X[y >= 0], y[y >= 0]

    (X_train, y_train), (X_test, y_test) = (
        rows(slice(None, n_train)),
        rows(slice(n_train, None)),
    )
    if len(np.unique(y_train)) < 2 or len(y_test) == 0:
        raise ValueError(
            "the training samples must hold at least two classes and the "
            "test samples at least one label (labels of -1 are left out)"
        )
    probe = make_pipeline(
        StandardScaler(), LogisticRegression(tol=tol, max_iter=max_iter)
    )
    probe.fit(X_train, y_train)
    return float(probe.score(X_test, y_test))


def probe_lags(
    states: np.ndarray, values: np.ndarray, lags: range | list[int]
) -> pd.Series:
    """Probe accuracy of the value seen ``j`` steps back, for each lag.

    ``states`` is (samples, steps, units), the state after each step;
    ``values`` is (samples, steps), the value read at each step. Lag 0 is
    the value just read. Returns a Series indexed by lag.

    >>> values = np.random.default_rng(0).integers(0, 3, size=(40, 6))
    >>> probe_lags(np.eye(3)[values], values, [0]).tolist()
    [1.0]
    """
    states = check_array("states", states, ndim=3)
    values = check_array("values", values, ndim=2)
    if states.shape[:2] != values.shape:
        raise ValueError(
            "states (samples, steps, units) and values (samples, steps) "
            f"must share samples and steps, got {states.shape} and "
            f"{values.shape}"
        )
    return pd.Series(
        {
            int(j): probe_accuracy(states, lagged_labels(values, j))
            for j in lags
        },
        name="probe accuracy",
    ).rename_axis("lag")
