"""Stateful layers carry their state between batches, on whichever
backend runs the tests."""

import keras
import numpy as np
import pytest

from seqecho import layers
from seqecho.evaluate import evaluate_sequences
from seqecho.layers import check_state_is_carried
from seqecho.models import build_lstm, reset_states
from seqecho.train import fit_sequences

KINDS = {
    "LSTM": layers.LSTM,
    "GRU": layers.GRU,
    "SimpleRNN": layers.SimpleRNN,
}
JAX = keras.backend.backend() == "jax"
TORCH = keras.backend.backend() == "torch"


def _model(cls, stateful, steps, batch=2, features=3, units=4):
    inputs = keras.Input(
        batch_shape=(batch if stateful else None, steps, features)
    )
    outputs = cls(
        units, stateful=stateful, return_sequences=True, name="rnn"
    )(inputs)
    model = keras.Model(
        inputs,
        keras.layers.Dense(3, activation="softmax", name="out")(outputs),
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="categorical_crossentropy",
    )
    return model


@pytest.mark.parametrize("kind", KINDS)
def test_two_halves_through_a_stateful_layer_equal_the_whole_sequence(kind):
    """Carried state reproduces the unsplit sequence (strongest check)."""
    keras.utils.set_random_seed(0)
    whole = _model(getattr(keras.layers, kind), stateful=False, steps=6)
    halves = _model(KINDS[kind], stateful=True, steps=3)
    halves.get_layer("rnn").cell.set_weights(
        whole.get_layer("rnn").cell.get_weights()
    )
    halves.get_layer("out").set_weights(
        whole.get_layer("out").get_weights()
    )
    x = np.random.default_rng(0).normal(size=(2, 6, 3)).astype("float32")
    expected = np.asarray(whole.predict_on_batch(x))
    first = np.asarray(halves.predict_on_batch(x[:, :3]))
    second = np.asarray(halves.predict_on_batch(x[:, 3:]))
    np.testing.assert_allclose(
        np.concatenate([first, second], axis=1), expected, atol=1e-5
    )


def _two_step_batch():
    """A batch of 2 two-step sequences of 3 features, with one-hot
    targets, for the stateful models ``_model`` builds."""
    x = np.ones((2, 2, 3), "float32")
    return x, np.eye(3, dtype="float32")[[[0, 1], [1, 2]]]


@pytest.mark.parametrize("kind", KINDS)
def test_training_carries_state_and_reset_restores_the_start(kind):
    keras.utils.set_random_seed(1)
    model = _model(KINDS[kind], stateful=True, steps=2)
    x, y = _two_step_batch()
    model.train_on_batch(x, y)  # trains, and leaves a non-zero state behind
    state = [np.asarray(s).copy() for s in model.get_layer("rnn").states]
    assert all(np.abs(s).sum() > 0 for s in state), (
        "train_on_batch dropped the state"
    )
    reset_states(model)
    fresh = np.asarray(model.predict_on_batch(x))
    carried = np.asarray(model.predict_on_batch(x))
    assert not np.allclose(fresh, carried), (
        "a second call on the same batch must see the state"
    )
    reset_states(model)
    np.testing.assert_allclose(
        np.asarray(model.predict_on_batch(x)), fresh, atol=1e-6
    )


def test_state_lives_in_tracked_non_trainable_variables():
    model = build_lstm(1, 5, 4, batch_size=3, stateful=True)
    states = model.get_layer("lstm").states
    tracked = {id(v) for v in model.non_trainable_variables}
    assert [tuple(s.shape) for s in states] == [(3, 4), (3, 4)]
    assert all(id(s) in tracked for s in states)
    assert not any(
        id(s) in {id(v) for v in model.trainable_variables} for s in states
    )


def test_stateless_builders_use_plain_keras_layers():
    assert type(build_lstm(1, 5, 4).get_layer("lstm")) is keras.layers.LSTM
    assert (
        type(
            build_lstm(1, 5, 4, batch_size=2, stateful=True).get_layer(
                "lstm"
            )
        )
        is layers.LSTM
    )


def test_stateful_model_saves_and_loads(tmp_path):
    model = build_lstm(1, 5, 4, batch_size=2, stateful=True)
    path = tmp_path / "stateful.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert (
        type(loaded.get_layer("lstm")) is layers.LSTM
        and loaded.get_layer("lstm").stateful
    )
    x = np.eye(5, dtype="float32")[[[0], [1]]]
    reset_states(model), reset_states(loaded)
    np.testing.assert_allclose(
        np.asarray(loaded.predict_on_batch(x)),
        np.asarray(model.predict_on_batch(x)),
        atol=1e-6,
    )


def _plain_stateful():
    inputs = keras.Input(batch_shape=(2, 1, 5))
    hidden = keras.layers.LSTM(4, stateful=True, name="plain")(inputs)
    model = keras.Model(
        inputs, keras.layers.Dense(5, activation="softmax")(hidden)
    )
    model.compile(
        optimizer="adam",
        loss="categorical_crossentropy",
        weighted_metrics=["accuracy"],
    )
    return model


def _data(rng):
    x = np.eye(5, dtype="float32")[rng.integers(0, 5, 4)]
    return x[:, None, :], x


def test_guard_refuses_a_plain_stateful_layer_where_state_is_lost():
    model = _plain_stateful()
    if JAX:
        with pytest.raises(
            ValueError, match="JAX.*drops the state.*seqecho.layers.LSTM"
        ):
            check_state_is_carried(model)
        with pytest.raises(ValueError, match="drops the state"):
            fit_sequences(model, _data, 1, 2, seed=0, verbose=0)
        with pytest.raises(ValueError, match="drops the state"):
            evaluate_sequences(model, _data, 1, 2, seed=0)
    elif TORCH:
        with pytest.raises(
            ValueError, match="PyTorch.*seqecho.layers.LSTM"
        ):
            check_state_is_carried(model)
        with pytest.raises(ValueError, match="PyTorch.*seqecho.layers.GRU"):
            check_state_is_carried(_plain_keras_stateful("GRU"))
        check_state_is_carried(_plain_keras_stateful("SimpleRNN"))
    else:  # TensorFlow updates the untracked state in place
        check_state_is_carried(model)
        model.predict_on_batch(_data(np.random.default_rng(0))[0][:2])
        assert (
            np.abs(np.asarray(model.get_layer("plain").states[0])).sum() > 0
        )
    check_state_is_carried(build_lstm(1, 5, 4, batch_size=2, stateful=True))


def test_zero_variables_resets_as_keras_own_resets_do():
    keras.utils.set_random_seed(0)
    twins = [_model(layers.LSTM, True, 2) for _ in range(2)]
    for model in twins:
        model.compile(
            optimizer="adam",
            loss="categorical_crossentropy",
            metrics=["accuracy"],
        )
    twins[1].set_weights(twins[0].get_weights())
    X = np.eye(3, dtype="float32")[[[0, 1], [2, 0]]]
    for model in twins:
        model.train_on_batch(X, X)
    states = twins[0].get_layer("rnn").states
    assert all(keras.ops.convert_to_numpy(v).any() for v in states)
    twins[0].reset_metrics()  # Keras' own resets, one variable at a time
    twins[0].get_layer("rnn").reset_state()
    layers.zero_variables(twins[1].metrics_variables)
    layers.zero_variables(twins[1].get_layer("rnn").states)
    for a, b in zip(
        twins[0].metrics_variables + twins[0].weights,
        twins[1].metrics_variables + twins[1].weights,
        strict=True,
    ):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)
        )
    assert not any(
        keras.ops.convert_to_numpy(v).any()
        for v in twins[1].metrics_variables
    )
    logs = [m.train_on_batch(X, X, return_dict=True) for m in twins]
    assert logs[0] == logs[1]


def test_zero_variables_checks_its_argument():
    layers.zero_variables([])  # nothing to do
    with pytest.raises(TypeError, match="keras.Variable"):
        layers.zero_variables([np.zeros(2)])


# Is each Keras bug that seqecho.layers works around still there? Each test
# below asserts what plain Keras *should* do, and is a strict expected
# failure where the bug is known: the day a Keras release fixes one, its
# test passes, pytest reports XPASS(strict) as a failure, and the reason
# says which part of the workaround can go.
def _plain_keras_stateful(kind):
    return _model(getattr(keras.layers, kind), stateful=True, steps=2)


@pytest.mark.xfail(
    strict=True,
    reason="Keras now tracks a stateful layer's state variables: remove "
    "TrackedStateMixin._create_state_variables from seqecho/layers.py "
    "(and, if the JAX test below passes too, the JAX case of "
    "check_state_is_carried)",
)
def test_keras_bug_stateful_state_is_untracked():
    plain = _plain_keras_stateful("SimpleRNN").get_layer("rnn")
    tracked = {id(v) for v in plain.non_trainable_variables}
    assert plain.states and all(id(s) in tracked for s in plain.states)


@pytest.mark.xfail(
    JAX,
    strict=True,
    reason="Keras on JAX now carries a plain stateful layer's state "
    "through train_on_batch: remove the JAX case from "
    "check_state_is_carried (_PROBLEMS['jax']) in seqecho/layers.py",
)
def test_keras_bug_jax_drops_a_plain_stateful_state():
    # SimpleRNN: the one cell PyTorch's in-place bug (below) leaves alone.
    keras.utils.set_random_seed(2)
    model = _plain_keras_stateful("SimpleRNN")
    model.train_on_batch(*_two_step_batch())
    state = np.asarray(model.get_layer("rnn").states[0])
    assert np.abs(state).sum() > 0, "the state was dropped"


@pytest.mark.xfail(
    TORCH,
    raises=RuntimeError,
    strict=True,
    reason="Keras on PyTorch now trains a plain stateful LSTM and GRU: "
    "remove TrackedStateMixin.inner_loop (the copy of the state) and the "
    "PyTorch case of check_state_is_carried (_PROBLEMS['torch']) in "
    "seqecho/layers.py",
)
@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_keras_bug_torch_cannot_train_a_plain_stateful_gated_cell(kind):
    keras.utils.set_random_seed(3)
    model = _plain_keras_stateful(kind)
    x, y = _two_step_batch()
    losses = [float(model.train_on_batch(x, y)) for _ in range(2)]
    assert np.isfinite(losses).all()
