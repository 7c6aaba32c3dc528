"""The window tasks and models of chapters 5 to 7, from the package:
``window_echo`` and its variants, the block and linear models, the
free-running encoder-decoder, ``rounded_errors`` and
``fit_and_evaluate_copies``."""

import keras
import numpy as np
import pytest

from seqecho.data import (
    generate_sequence,
    one_hot_decode,
    previous_step_echo,
    scaled_window_echo,
    window_echo,
)
from seqecho.evaluate import rounded_errors
from seqecho.models import (
    build_block_model,
    build_linear_echo,
    build_lstm,
    define_free_running_model,
)
from seqecho.seeds import (
    build_copies,
    evaluate_copies,
    fit_and_evaluate_copies,
)


def test_window_echo_frames_one_sequence_as_overlapping_windows():
    values = generate_sequence(25, 100, seed=3)
    X, y = window_echo(np.random.default_rng(3), 2)
    assert X.shape == (21, 5, 100) and y.shape == (21, 2, 100)
    for row in (0, 7, 20):  # window r holds values r .. r + 4
        assert one_hot_decode(X[row]) == values[row : row + 5]
        assert one_hot_decode(y[row]) == values[row : row + 2]
    flat, y_flat = window_echo(np.random.default_rng(3), 2, flat=True)
    assert flat.shape == (21, 1, 500)
    assert np.array_equal(flat.reshape(X.shape), X)
    assert np.array_equal(y_flat, y)


def test_window_echo_other_sizes_and_bad_input():
    X, y = window_echo(0, 3, length=10, n_in=4, n_unique=7)
    assert X.shape == (7, 4, 7) and y.shape == (7, 3, 7)
    with pytest.raises(ValueError, match="n_out must be in"):
        window_echo(0, 6)
    with pytest.raises(ValueError, match="length must be >= 5"):
        window_echo(0, length=4)
    with pytest.raises(TypeError, match="flat must be True or False"):
        window_echo(0, flat="yes")


def test_previous_step_echo_targets_the_step_before():
    X, y, weight = previous_step_echo(np.random.default_rng(1))
    X_same, _ = window_echo(np.random.default_rng(1))
    assert np.array_equal(X, X_same)
    assert np.array_equal(y[:, 1:], X[:, :-1])
    assert not y[:, 0].any()  # no value before the window
    assert weight.shape == (21, 5)
    assert np.all(weight[:, 0] == 0) and np.all(weight[:, 1:] == 1)


def test_scaled_window_echo_keeps_the_integers():
    values = generate_sequence(25, 100, seed=4)
    X, y = scaled_window_echo(np.random.default_rng(4))
    assert X.shape == (21, 5, 1) and y is X
    assert 0 <= X.min() and X.max() <= 1
    assert np.rint(X[:, 0, 0] * 99).astype(int).tolist() == values[:21]
    assert np.rint(X[-1, :, 0] * 99).astype(int).tolist() == values[-5:]
    with pytest.raises(ValueError, match="n_unique must be >= 2"):
        scaled_window_echo(0, n_unique=1)


def test_block_model_answers_a_block_at_once():
    model = build_block_model(1, 500, 8)
    assert model.output_shape == (None, 5, 100)
    # LSTM(8) on 500 features, then Dense(500) from its 8 outputs
    assert model.count_params() == 4 * 8 * (500 + 8 + 1) + 500 * 9
    out = model.predict(np.zeros((2, 1, 500), "float32"), verbose=0)
    assert np.allclose(out.sum(-1), 1, atol=1e-5)
    model = build_block_model(5, 100, 4, n_out=3, n_classes=100)
    assert model.output_shape == (None, 3, 100)
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        build_block_model(n_classes=1)
    with pytest.raises(ValueError, match="learning_rate must be"):
        build_block_model(learning_rate=0)


def test_linear_echo_is_a_regression():
    model = build_linear_echo(5, 4)
    assert model.output_shape == (None, 5, 1)
    assert model.loss == "mse"
    X, y = scaled_window_echo(0)
    loss = model.evaluate(X, y, verbose=0)
    predicted = model.predict(X, verbose=0)
    assert loss == pytest.approx(np.mean((predicted - y) ** 2), rel=1e-4)
    with pytest.raises(ValueError, match="learning_rate must be"):
        build_linear_echo(learning_rate=-1.0)
    with pytest.raises(ValueError, match="n_units must be >= 1"):
        build_linear_echo(n_units=0)


def test_rounded_errors_counts_whole_values():
    inputs = keras.Input(shape=(5, 1))
    identity = keras.Model(inputs, keras.layers.Identity()(inputs))
    X, _ = scaled_window_echo(0)
    assert not rounded_errors(identity, X, X).any()
    errors = rounded_errors(identity, X, X + 2 / 99)
    assert np.all(errors == 2)
    # under half a step off still rounds right
    assert not rounded_errors(identity, X + 0.4 / 99, X).any()
    with pytest.raises(ValueError, match="scale must be a positive"):
        rounded_errors(identity, X, X, scale=0)
    with pytest.raises(ValueError, match="y has shape"):
        rounded_errors(identity, X, X[:, :3])


def test_free_running_decoder_is_fed_its_own_output():
    keras.utils.set_random_seed(0)
    model = define_free_running_model(7, 6, 5, 3)
    assert model.output_shape == (None, 3, 6) and len(model.inputs) == 1
    source = np.eye(7, dtype="float32")[[[1, 2, 3, 4]]]
    # the same layers run step by step, each output the next input
    encoder, decoder, dense = (
        layer
        for layer in model.layers
        if isinstance(layer, (keras.layers.LSTM, keras.layers.Dense))
    )
    _, h, c = encoder(source)
    previous, expected = np.eye(6, dtype="float32")[[[0]]], []
    for _ in range(3):
        out, h, c = decoder(previous, initial_state=[h, c])
        expected.append(keras.ops.convert_to_numpy(dense(out)))
        previous = expected[-1][:, None, :]
    assert np.allclose(
        model.predict(source, verbose=0),
        np.stack(expected, axis=1),
        atol=1e-6,
    )
    with pytest.raises(ValueError, match="n_steps must be >= 1"):
        define_free_running_model(7, 6, 5, 0)
    with pytest.raises(ValueError, match="learning_rate must be"):
        define_free_running_model(7, 6, 5, 3, learning_rate=0)


def test_fit_and_evaluate_copies_scores_what_it_trained():
    def build():
        return build_lstm(5, 100, 4, return_sequences=True)

    multi, scores = fit_and_evaluate_copies(
        build, window_echo, 3, 21, n_seeds=2, n_test=2, test_seed=9
    )
    assert len(multi.outputs) == 2 and len(scores) == 2
    again = evaluate_copies(multi, window_echo, 2, seed=9)
    assert scores == [float(e.accuracy) for e in again]
    # copy k is the copy build_copies seeds k, trained: it has moved
    fresh = build_copies(build, 2)
    for k in range(2):
        before, after = (
            m.get_layer(f"seed_{k}").get_weights()[0]
            for m in (fresh, multi)
        )
        assert before.shape == after.shape
        assert not np.allclose(before, after)
