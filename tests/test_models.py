import keras
import numpy as np
import pytest

from seqecho import layers
from seqecho.data import get_echo_dataset
from seqecho.evaluate import predict_attention_sequence
from seqecho.models import (
    attention_inference_models,
    build_lstm,
    build_repeat_encoder_decoder,
    define_attention_models,
    define_models,
    fixed_batch_size,
    inference_models,
    is_stateful,
    lstm_layer,
    reinitialize,
    reset_states,
)


def test_build_lstm_many_to_one_shapes_and_names():
    model = build_lstm(1, 100, 15)
    assert model.output_shape == (None, 100)
    assert model.get_layer("lstm").units == 15
    assert not is_stateful(model) and fixed_batch_size(model) is None


@pytest.mark.parametrize("timesteps", [1, 2])
@pytest.mark.parametrize("stateful", [False, True])
def test_short_lstm_is_unrolled_and_trains_as_the_loop_does(
    timesteps, stateful
):
    rng = np.random.default_rng(0)
    X = rng.random((6, timesteps, 10)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, 6)]
    batch = 6 if stateful else None
    keras.utils.set_random_seed(1)
    unrolled = build_lstm(
        timesteps, 10, 4, batch_size=batch, stateful=stateful
    )
    assert unrolled.get_layer("lstm").unroll
    assert not build_lstm(3, 10, 4).get_layer("lstm").unroll
    inputs = keras.Input(batch_shape=(batch, timesteps, 10))
    hidden = lstm_layer(4, stateful=stateful, unroll=False)(inputs)
    looped = keras.Model(
        inputs, keras.layers.Dense(10, activation="softmax")(hidden)
    )
    looped.set_weights(unrolled.get_weights())
    for model in (unrolled, looped):
        model.compile(
            loss="categorical_crossentropy",
            optimizer=keras.optimizers.Adam(1e-2),
        )
        for _ in range(3):
            model.train_on_batch(X, y)
    exact = keras.backend.backend() == "tensorflow"  # to the last bit
    for a, b in zip(
        unrolled.get_weights(), looped.get_weights(), strict=True
    ):
        if exact:
            np.testing.assert_array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_build_lstm_many_to_many_uses_time_distributed():
    model = build_lstm(
        5, 100, 20, batch_size=7, stateful=True, return_sequences=True
    )
    assert model.output_shape == (7, 5, 100)
    assert isinstance(
        model.get_layer("per_step"), keras.layers.TimeDistributed
    )
    assert is_stateful(model) and fixed_batch_size(model) == 7


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(stateful=True), ValueError, "batch_size"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(n_units=0), ValueError, "n_units"),
        (dict(timesteps=1.5), TypeError, "timesteps"),
        (dict(learning_rate=-1), ValueError, "learning_rate"),
    ],
)
def test_build_lstm_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        build_lstm(**kwargs)


def test_repeat_encoder_decoder_output_length_differs_from_input():
    model = build_repeat_encoder_decoder(5, 2, 100, 8)
    assert model.input_shape == (None, 5, 100) and model.output_shape == (
        None,
        2,
        100,
    )
    assert model.get_layer("repeat").output.shape[1] == 2


@pytest.mark.parametrize("stateful", [False, True])
def test_unrolled_repeat_encoder_decoder_is_the_same_model(stateful):
    batch = 3 if stateful else None
    loop = build_repeat_encoder_decoder(
        5, 2, 10, 8, batch_size=batch, stateful=stateful
    )
    unrolled = build_repeat_encoder_decoder(
        5, 2, 10, 8, batch_size=batch, stateful=stateful, unroll=True
    )
    assert unrolled.get_layer("encoder_lstm").unroll
    assert unrolled.get_layer("decoder_lstm").unroll
    assert not loop.get_layer("encoder_lstm").unroll
    unrolled.set_weights(loop.get_weights())
    X = np.eye(10, dtype="float32")[
        np.random.default_rng(0).integers(10, size=(3, 5))
    ]
    np.testing.assert_allclose(
        unrolled.predict_on_batch(X), loop.predict_on_batch(X), atol=1e-6
    )


def test_repeat_encoder_decoder_refuses_a_non_boolean_unroll():
    with pytest.raises(TypeError, match="unroll must be True or False"):
        build_repeat_encoder_decoder(5, 2, 10, 8, unroll="yes")


def _state(layer):
    return [np.asarray(v).copy() for v in layer.states]


def test_reset_states_resets_stateful_layers_even_wrapped_and_nested():
    inner_in = keras.Input(batch_shape=(2, 3, 4))
    inner = keras.Model(
        inner_in,
        layers.LSTM(
            3, stateful=True, return_sequences=True, name="inner_lstm"
        )(inner_in),
        name="inner",
    )
    outer_in = keras.Input(batch_shape=(2, 3, 4))
    x = inner(outer_in)
    x = keras.layers.Bidirectional(
        layers.GRU(2, stateful=True, return_sequences=True), name="bi"
    )(x)
    model = keras.Model(
        outer_in, layers.LSTM(2, stateful=True, name="top")(x)
    )
    model.predict_on_batch(np.ones((2, 3, 4), "float32"))
    stateful_layers = [
        inner.get_layer("inner_lstm"),
        model.get_layer("bi").forward_layer,
        model.get_layer("bi").backward_layer,
        model.get_layer("top"),
    ]
    assert all(
        np.abs(s).sum() > 0
        for layer in stateful_layers
        for s in _state(layer)
    )
    assert reset_states(model) == 4
    assert all(
        np.abs(s).sum() == 0
        for layer in stateful_layers
        for s in _state(layer)
    )


def test_reset_states_rejects_non_models():
    with pytest.raises(TypeError, match="model"):
        reset_states("not a model")


def test_define_models_shares_weights_and_decodes():
    model, infenc, infdec = define_models(11, 11, 8)
    assert [i.shape for i in model.inputs] == [
        (None, None, 11),
        (None, None, 11),
    ]
    assert model.get_layer("encoder_lstm") is infenc.get_layer(
        "encoder_lstm"
    )
    assert model.get_layer("decoder_lstm") is infdec.get_layer(
        "decoder_lstm"
    )
    source = np.eye(11, dtype="float32")[[[1, 2, 3, 4]]]
    h, c = infenc.predict_on_batch(source)
    probs, h2, c2 = infdec.predict_on_batch(
        [np.eye(11, dtype="float32")[[[0]]], h, c]
    )
    assert probs.shape == (1, 1, 11) and np.allclose(
        probs.sum(), 1, atol=1e-5
    )


def test_inference_models_rebuilt_from_names_match():
    model, infenc, infdec = define_models(7, 7, 5)
    enc2, dec2 = inference_models(model)
    source = np.eye(7, dtype="float32")[[[1, 2, 3]]]
    for a, b in zip(
        infenc.predict_on_batch(source),
        enc2.predict_on_batch(source),
        strict=True,
    ):
        assert np.allclose(a, b)


def test_inference_models_rejects_other_models():
    with pytest.raises(ValueError, match="define_models"):
        inference_models(build_lstm(1, 10, 3))


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(n_units=0), ValueError),
        (dict(dropout=1.0), ValueError),
        (dict(n_input=2.0), TypeError),
    ],
)
def test_define_models_bad_input(kwargs, error):
    with pytest.raises(error):
        define_models(
            **{"n_input": 5, "n_output": 5, "n_units": 4, **kwargs}
        )


def test_save_load_round_trip_gives_identical_predictions(tmp_path):
    from seqecho.data import get_dataset
    from seqecho.evaluate import predict_sequence

    keras.utils.set_random_seed(3)
    model, infenc, infdec = define_models(9, 9, 6)
    X1, X2, y = get_dataset(4, 2, 9, 64, seed=0)
    model.fit(
        [X1, X2], y, epochs=1, batch_size=16, verbose=0
    )  # weights differ from their initial values
    before = predict_sequence(infenc, infdec, X1, 2, 9)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    enc2, dec2 = inference_models(loaded)
    after = predict_sequence(enc2, dec2, X1, 2, 9)
    assert np.array_equal(before, after)
    assert [w.shape for w in loaded.get_weights()] == [
        w.shape for w in model.get_weights()
    ]


def test_units_for_parameters_is_the_nearest_size():
    from seqecho.models import count_parameters, units_for_parameters

    budget = count_parameters("LSTM", 16, 10)
    for cell in ("SimpleRNN", "GRU", "LSTM"):
        units = units_for_parameters(cell, budget, 10)
        gaps = [
            abs(count_parameters(cell, u, 10) - budget)
            for u in (units - 1, units, units + 1)
        ]
        assert gaps[1] == min(gaps)
    assert units_for_parameters("LSTM", budget, 10) == 16
    assert units_for_parameters("SimpleRNN", 1, 10) == 1


def test_build_recurrent_options():
    from seqecho.models import build_recurrent

    model = build_recurrent("LSTM", None, 10, 4)
    assert model.predict(np.zeros((2, 7, 10)), verbose=0).shape == (
        2,
        10,
    )  # any length
    assert model.predict(np.zeros((2, 3, 10)), verbose=0).shape == (2, 10)
    bias = lambda m: np.asarray(m.get_layer("recurrent").cell.bias)  # noqa: E731 (i, f, c, o)
    assert np.all(bias(model)[4:8] == 1) and np.all(bias(model)[:4] == 0)
    assert np.all(
        bias(build_recurrent("LSTM", 5, 10, 4, unit_forget_bias=False))[4:8]
        == 0
    )
    assert build_recurrent("GRU", 5, 10, 4).input_shape == (None, 5, 10)
    assert (
        build_recurrent(
            "SimpleRNN", 5, 10, 4, clipnorm=1.0
        ).optimizer.clipnorm
        == 1.0
    )
    assert build_recurrent("SimpleRNN", 5, 10, 4).optimizer.clipnorm is None


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(cell="RNN"), ValueError, "cell"),
        (dict(n_units=0), ValueError, "n_units"),
        (dict(timesteps=0), ValueError, "timesteps"),
        (dict(clipnorm=0), ValueError, "clipnorm"),
        (dict(learning_rate=0), ValueError, "learning_rate"),
    ],
)
def test_build_recurrent_bad_input(kwargs, error, words):
    from seqecho.models import build_recurrent

    with pytest.raises(error, match=words):
        build_recurrent(
            **{
                "cell": "GRU",
                "timesteps": 4,
                "n_features": 3,
                "n_units": 2,
                **kwargs,
            }
        )


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda f: f("LSTM", 0, 10), "n_units"),
        (lambda f: f("Dense", 4, 10), "cell"),
    ],
)
def test_count_parameters_bad_input(call, words):
    from seqecho.models import count_parameters

    with pytest.raises(ValueError, match=words):
        call(count_parameters)


def test_restart_point_puts_weights_and_optimizer_back():
    from seqecho.data import gap_echo
    from seqecho.models import build_recurrent, restart_point

    keras.utils.set_random_seed(0)
    model = build_recurrent("LSTM", None, 6, 5, learning_rate=0.05)
    restart = restart_point(model)
    start = [np.array(w) for w in model.get_weights()]
    X, y = gap_echo(32, 3, 6, seed=0)

    def train():
        for _ in range(3):
            model.train_on_batch(X, y)
        return [np.array(w) for w in model.get_weights()]

    first = train()
    assert not all(
        np.allclose(a, b) for a, b in zip(first, start, strict=True)
    )
    restart()
    assert all(
        np.array_equal(a, b)
        for a, b in zip(model.get_weights(), start, strict=True)
    )
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 0
    # the same start, the same data, a fresh optimizer: the same result
    second = train()
    assert all(
        np.allclose(a, b, atol=1e-5)
        for a, b in zip(first, second, strict=True)
    )
    with pytest.raises(TypeError, match="compiled"):
        restart_point(
            keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        )


@pytest.mark.parametrize(
    "score, projections",
    [
        ("dot", True),
        ("dot", False),
        ("additive", True),
        ("additive", False),
    ],
)
def test_define_attention_models_shares_weights_and_attends(
    score, projections
):
    model, infenc, infdec = define_attention_models(
        9, 9, 6, score=score, projections=projections
    )
    assert model.output_shape == (None, None, 9)
    assert model.get_layer("encoder_lstm") is infenc.get_layer(
        "encoder_lstm"
    )
    for name in ("decoder_lstm", "attention", "decoder_dense"):
        assert model.get_layer(name) is infdec.get_layer(name)
    names = {layer.name for layer in model.layers}
    assert ("attention_query" in names) == projections
    assert ("attention_key" in names) == projections
    source = np.eye(9, dtype="float32")[[[1, 2, 3, 4, 5]] * 2]
    encoded, h, c = infenc.predict_on_batch(source)
    assert encoded.shape == (2, 5, 6) and h.shape == c.shape == (2, 6)
    start = np.eye(9, dtype="float32")[[[0]] * 2]
    probs, h2, c2, weights = infdec.predict_on_batch([start, encoded, h, c])
    assert probs.shape == (2, 1, 9) and weights.shape == (2, 1, 5)
    assert np.allclose(weights.sum(-1), 1, atol=1e-5)
    assert np.allclose(probs.sum(-1), 1, atol=1e-5)


def test_attention_greedy_decoding_matches_the_training_model():
    # fed its own greedy predictions, the teacher-forced model must give
    # the distributions the inference decoder gave step by step
    keras.utils.set_random_seed(4)
    model, infenc, infdec = define_attention_models(8, 8, 5)
    X1, _, _ = get_echo_dataset(6, 8, 4, seed=1)
    probs, _ = predict_attention_sequence(infenc, infdec, X1, 6, 8)
    previous = np.concatenate(
        [np.zeros((4, 1), int), probs.argmax(-1)[:, :-1]], axis=1
    )
    forced = model.predict_on_batch(
        [X1, np.eye(8, dtype="float32")[previous]]
    )
    assert np.allclose(forced, probs, atol=1e-5)


def test_attention_inference_models_rebuilt_from_a_loaded_model(tmp_path):
    keras.utils.set_random_seed(3)
    model, infenc, infdec = define_attention_models(
        9, 9, 6, score="additive"
    )
    X1, X2, y = get_echo_dataset(5, 9, 64, seed=0)
    model.fit([X1, X2], y, epochs=1, batch_size=16, verbose=0)
    before = predict_attention_sequence(infenc, infdec, X1, 5, 9)
    model.save(tmp_path / "attention.keras")
    loaded = keras.models.load_model(tmp_path / "attention.keras")
    after = predict_attention_sequence(
        *attention_inference_models(loaded), X1, 5, 9
    )
    for a, b in zip(before, after, strict=True):
        assert np.allclose(a, b, atol=1e-6)


def test_attention_inference_models_bad_input():
    with pytest.raises(ValueError, match="define_attention_models"):
        attention_inference_models(define_models(5, 5, 4)[0])
    with pytest.raises(TypeError, match="model"):
        attention_inference_models("model")


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(score="cosine"), ValueError, "score"),
        (dict(projections="yes"), TypeError, "projections"),
        (dict(n_units=0), ValueError, "n_units"),
        (dict(learning_rate=0), ValueError, "learning_rate"),
    ],
)
def test_define_attention_models_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        define_attention_models(
            **{"n_input": 5, "n_output": 5, "n_units": 4, **kwargs}
        )


def test_reinitialize_trains_like_a_fresh_model_from_the_same_seed():
    def build():
        return define_models(6, 6, 4, learning_rate=0.01)[0]

    X1, X2, y = get_echo_dataset(4, 6, 32, seed=0)
    used = build()
    used.fit([X1, X2], y, batch_size=8, epochs=2, verbose=0)
    keras.utils.set_random_seed(5)
    reinitialize(used, build)
    assert int(used.optimizer.iterations) == 0
    assert float(used.optimizer.learning_rate) == pytest.approx(0.01)
    used.fit([X1, X2], y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    keras.utils.set_random_seed(5)
    fresh = build()
    fresh.fit([X1, X2], y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(used.get_weights(), fresh.get_weights(), strict=True):
        assert np.allclose(a, b, atol=1e-5)


def test_reinitialize_bad_input():
    model = build_lstm(1, 10, 4)
    with pytest.raises(ValueError, match="shapes"):
        reinitialize(model, lambda: build_lstm(1, 10, 5))
    with pytest.raises(TypeError, match="build"):
        reinitialize(model, "build")
    with pytest.raises(TypeError, match="model"):
        reinitialize("model", lambda: model)
