"""The LSTM trace reproduces Keras' layer; probes read what a state holds
and nothing more."""

import keras
import numpy as np
import pytest

from seqecho import layers
from seqecho.probes import (
    lagged_labels,
    probe_accuracy,
    probe_lags,
    trace_lstm,
)


def _keras_run(layer, X, initial_state=None):
    """h at every step and the final (h, c), from Keras itself."""
    inputs = keras.Input(shape=X.shape[1:])
    states = (
        None
        if initial_state is None
        else [keras.Input(shape=(layer.units,)) for _ in range(2)]
    )
    outputs = layer(inputs, initial_state=states)
    model = keras.Model(
        [inputs] + ([] if states is None else states), outputs
    )
    feed = [X] + ([] if initial_state is None else list(initial_state))
    return [keras.ops.convert_to_numpy(o) for o in model(feed)]


def _randomise(layer, rng):
    layer.set_weights(
        [rng.normal(scale=0.6, size=w.shape) for w in layer.get_weights()]
    )


@pytest.mark.parametrize("cls", [keras.layers.LSTM, layers.LSTM])
def test_trace_reproduces_the_layer(cls):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 9, 3)).astype("float32")
    layer = cls(4, return_sequences=True, return_state=True)
    sequence, h, c = _keras_run(layer, X)  # builds the layer
    _randomise(layer, rng)
    sequence, h, c = _keras_run(layer, X)
    trace = trace_lstm(layer, X)
    assert trace.h.shape == trace.c.shape == (5, 9, 4)
    np.testing.assert_allclose(trace.h, sequence, atol=1e-5)
    np.testing.assert_allclose(trace.h[:, -1], h, atol=1e-5)
    np.testing.assert_allclose(trace.c[:, -1], c, atol=1e-5)
    # the gates: sigmoid in (0, 1), and they make the cell state
    for gate in (trace.input_gate, trace.forget_gate, trace.output_gate):
        assert gate.min() > 0 and gate.max() < 1
    previous = np.concatenate([np.zeros((5, 1, 4)), trace.c[:, :-1]], 1)
    np.testing.assert_allclose(
        trace.c,
        trace.forget_gate * previous + trace.input_gate * trace.candidate,
        atol=1e-12,
    )


def test_trace_from_an_initial_state_and_without_bias():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3, 6, 2)).astype("float32")
    start = [rng.normal(size=(3, 5)).astype("float32") for _ in range(2)]
    layer = keras.layers.LSTM(
        5, use_bias=False, return_sequences=True, return_state=True
    )
    _keras_run(layer, X, start)
    _randomise(layer, rng)
    sequence, _, c = _keras_run(layer, X, start)
    trace = trace_lstm(layer, X, initial_state=start)
    np.testing.assert_allclose(trace.h, sequence, atol=1e-5)
    np.testing.assert_allclose(trace.c[:, -1], c, atol=1e-5)
    assert not np.allclose(trace_lstm(layer, X).h, trace.h, atol=1e-3)


def test_trace_bad_input():
    layer = keras.layers.LSTM(3)
    X = np.zeros((2, 4, 5))
    trace_lstm(layer, X)  # builds it for 5 features
    with pytest.raises(TypeError, match="keras.layers.LSTM"):
        trace_lstm(keras.layers.GRU(3), X)
    with pytest.raises(ValueError, match="5 features"):
        trace_lstm(layer, np.zeros((2, 4, 6)))
    with pytest.raises(ValueError, match="at least one step"):
        trace_lstm(layer, np.zeros((2, 0, 5)))
    with pytest.raises(ValueError, match="X must be a 3-D"):
        trace_lstm(layer, np.zeros((4, 5)))
    with pytest.raises(ValueError, match="initial_state"):
        trace_lstm(layer, X, initial_state=(np.zeros((2, 3)), np.zeros(3)))
    with pytest.raises(ValueError, match="go_backwards"):
        trace_lstm(keras.layers.LSTM(3, go_backwards=True), X)
    with pytest.raises(ValueError, match="recurrent_activation"):
        trace_lstm(
            keras.layers.LSTM(3, recurrent_activation="hard_sigmoid"), X
        )


def test_lagged_labels():
    values = np.arange(12).reshape(2, 6)
    labels = lagged_labels(values, 2)
    assert labels[0].tolist() == [-1, -1, 0, 1, 2, 3]
    assert labels[1].tolist() == [-1, -1, 6, 7, 8, 9]
    assert np.array_equal(lagged_labels(values, 0), values)
    with pytest.raises(ValueError, match="lag"):
        lagged_labels(values, 6)
    with pytest.raises(TypeError, match="integer"):
        lagged_labels(values.astype(float), 1)
    with pytest.raises(ValueError, match="values must be a 2-D"):
        lagged_labels(values[0], 1)


def test_probe_reads_what_the_state_holds_and_nothing_else():
    rng = np.random.default_rng(2)
    values = rng.integers(0, 5, size=(200, 8))
    one_hot = np.eye(5)[values]
    # a state that is a copy of the current input: lag 0 perfect
    assert probe_accuracy(one_hot, values) == 1.0
    # x(t-1) is not in it: a probe of lag 1 is at chance (20%)
    lag_1 = probe_accuracy(one_hot, lagged_labels(values, 1))
    assert abs(lag_1 - 0.2) < 0.05
    # a state holding x(t) and x(t-1) side by side gives both, not lag 2
    previous = np.eye(5)[np.roll(values, 1, axis=1)]
    both = np.concatenate([one_hot, previous], -1)
    by_lag = probe_lags(both, values, range(3))
    assert by_lag.index.tolist() == [0, 1, 2]
    assert by_lag[0] == by_lag[1] == 1.0 and abs(by_lag[2] - 0.2) < 0.05
    # random features: chance
    noise = rng.normal(size=(200, 8, 16))
    assert abs(probe_accuracy(noise, values) - 0.2) < 0.05


def test_probe_accuracy_on_final_states_and_bad_input():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, size=300)
    assert probe_accuracy(np.eye(3)[labels], labels) == 1.0
    with pytest.raises(ValueError, match="same leading shape"):
        probe_accuracy(np.zeros((300, 4)), labels[:-1])
    with pytest.raises(TypeError, match="integer"):
        probe_accuracy(np.zeros((300, 4)), labels.astype(float))
    with pytest.raises(ValueError, match="train_fraction"):
        probe_accuracy(np.eye(3)[labels], labels, train_fraction=1.0)
    with pytest.raises(ValueError, match="tol"):
        probe_accuracy(np.eye(3)[labels], labels, tol=0)
    with pytest.raises(ValueError, match="two classes"):
        probe_accuracy(np.zeros((300, 4)), np.zeros(300, dtype=int))
    with pytest.raises(ValueError, match="split"):
        probe_accuracy(np.eye(3)[labels[:1]], labels[:1])
    with pytest.raises(ValueError, match="share samples and steps"):
        probe_lags(np.zeros((4, 5, 2)), np.zeros((4, 6), dtype=int), [0])


def test_one_blas_thread_limits_numpy_inside_only():
    from threadpoolctl import threadpool_info

    from seqecho.probes import one_blas_thread

    def blas_threads():
        return {
            pool["num_threads"]
            for pool in threadpool_info()
            if pool["user_api"] == "blas"
        }

    before = blas_threads()
    assert one_blas_thread(blas_threads)() == {1}
    assert blas_threads() == before  # restored on the way out
    # the same probe score as with every thread
    rng = np.random.default_rng(3)
    values = rng.integers(0, 5, size=(200, 4))
    noisy = np.eye(5)[values] + rng.normal(0, 1.0, size=(200, 4, 5))
    assert probe_accuracy(noisy, values) == probe_accuracy.__wrapped__(
        noisy, values
    )
