import itertools

import keras
import numpy as np
import pandas as pd
import pytest

from seqecho.data import (
    generate_sequence,
    get_dataset,
    one_hot_encode,
    to_lagged,
)
from seqecho.evaluate import evaluate_sequences, predict_sequence
from seqecho.models import (
    build_lstm,
    define_models,
    inference_models,
    reset_states,
)
from seqecho.seeds import (
    SeedLogs,
    build_copies,
    copy_model,
    data_generators,
    evaluate_copies,
    fit_copies,
    format_seeds,
    n_copies,
    summarise_seeds,
)
from seqecho.train import fit_sequences


def echo_data(rng, length=12, n_unique=10):
    encoded = one_hot_encode(
        generate_sequence(length, n_unique, seed=rng), n_unique
    )
    return encoded[:, None, :], encoded


def lagged_data(rng):
    """The chapter 3 framing, small: x(t) -> x(t-1), 12 samples, the cold
    start weighted 0."""
    X, y = to_lagged(
        one_hot_encode(generate_sequence(13, 10, seed=rng), 10),
        n_in=1,
        lag=1,
    )
    weight = np.ones(len(X))
    weight[0] = 0
    return X, y, weight


def stateless():
    return build_lstm(1, 10, 8, learning_rate=0.01)


def stateful():
    """A stateful LSTM built of seqecho.layers.LSTM: it carries its state
    on every backend."""
    return build_lstm(
        1, 10, 8, batch_size=6, stateful=True, learning_rate=0.01
    )


def plain_sgd():
    """Plain SGD scales with the gradient (Adam almost does not): a
    rescaled loss would show."""
    model = build_lstm(1, 10, 8)
    model.compile(
        optimizer=keras.optimizers.SGD(0.5),
        loss="categorical_crossentropy",
        weighted_metrics=["accuracy"],
    )
    return model


def weights_of(model):
    return [np.asarray(w) for w in model.get_weights()]


def trainable_kernel(multi):
    """Copy 1's first trainable weight, as an array."""
    return np.asarray(copy_model(multi, 1).trainable_weights[0])


def assert_weights_close(a, b, atol=1e-5):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_allclose(x, y, atol=atol)


def test_copy_k_starts_from_seed_plus_k_and_copies_differ():
    multi = build_copies(stateless, 3, seed=5)
    assert n_copies(multi) == 3 and multi.output_names == [
        "seed_0",
        "seed_1",
        "seed_2",
    ]
    assert [t.name for t in multi.inputs] == [
        f"seed_{k}_sequence" for k in range(3)
    ]
    for k in range(3):
        keras.utils.set_random_seed(5 + k)
        assert_weights_close(
            weights_of(copy_model(multi, k)),
            weights_of(stateless()),
            atol=0,
        )
    first, second = (
        weights_of(copy_model(multi, 0)),
        weights_of(copy_model(multi, 1)),
    )
    assert not np.allclose(first[0], second[0])
    assert multi.optimizer is not copy_model(multi, 0).optimizer
    assert float(multi.optimizer.learning_rate) == pytest.approx(0.01)


@pytest.mark.parametrize(
    "build, make_data",
    [
        (stateless, echo_data),
        (stateful, lagged_data),
        (plain_sgd, echo_data),
    ],
)
def test_each_copy_trains_as_if_alone(build, make_data):
    multi = build_copies(build, 3, seed=0)
    before = weights_of(copy_model(multi, 1))
    kernel_before = trainable_kernel(multi)
    alone = build()
    alone.set_weights(before)
    logs = fit_copies(multi, make_data, 4, 6, seed=0, verbose=0)
    # seed=1: copy 1's data stream
    alone_log = fit_sequences(alone, make_data, 4, 6, seed=1, verbose=0)
    after = weights_of(copy_model(multi, 1))
    # it did train (compare a trainable weight: a stateful LSTM's state
    # variables come first in get_weights(), zeros before and after)
    assert not np.allclose(kernel_before, trainable_kernel(multi))
    assert_weights_close(after, weights_of(alone))
    np.testing.assert_allclose(logs.logs[1].loss, alone_log.loss, rtol=1e-4)
    assert logs.logs[1].accuracy == pytest.approx(alone_log.accuracy)
    X, _, *_ = make_data(np.random.default_rng(9))
    reset_states(multi), reset_states(alone)
    np.testing.assert_allclose(
        copy_model(multi, 1).predict_on_batch(X[:6]),
        alone.predict_on_batch(X[:6]),
        atol=1e-5,
    )


def test_joint_loss_is_the_plain_sum_of_the_copies_losses():
    multi = build_copies(stateless, 3)
    X, y = echo_data(np.random.default_rng(0))
    logs = multi.train_on_batch([X] * 3, [y] * 3, return_dict=True)
    assert logs["loss"] == pytest.approx(
        sum(logs[f"seed_{k}_loss"] for k in range(3)), rel=1e-5
    )


def test_a_single_copy_logs_like_fit_sequences():
    multi = build_copies(stateless, 1, seed=0)
    alone = stateless()
    alone.set_weights(copy_model(multi, 0).get_weights())
    log = fit_copies(multi, echo_data, 2, 6, seed=0, verbose=0).logs[0]
    alone_log = fit_sequences(alone, echo_data, 2, 6, seed=0, verbose=0)
    np.testing.assert_allclose(log.loss, alone_log.loss, rtol=1e-4)
    assert log.accuracy == pytest.approx(alone_log.accuracy)


def test_copies_see_different_data_and_log_separately():
    logs = fit_copies(
        build_copies(stateless, 2, seed=0),
        echo_data,
        3,
        12,
        seed=0,
        verbose=0,
    )
    assert (
        isinstance(logs, SeedLogs)
        and len(logs.logs) == 2
        and logs.seconds > 0
    )
    assert all(
        log.sequences == 3 and log.samples == 36 for log in logs.logs
    )
    assert logs.logs[0].loss != logs.logs[1].loss
    assert (
        list(logs.as_dict()) == ["seed_0", "seed_1"]
        and len(logs.final_accuracy(2)) == 2
    )
    assert data_generators(3, 2)[1].integers(1000) == np.random.default_rng(
        4
    ).integers(1000)


def test_stateful_copies_keep_their_own_state():
    multi = build_copies(stateful, 2, seed=0)
    x, z = (
        echo_data(np.random.default_rng(0), 6)[0],
        echo_data(np.random.default_rng(1), 6)[0],
    )
    first = multi.predict_on_batch([x, x])
    second = multi.predict_on_batch([x, x])
    # the state is carried between calls
    assert not np.allclose(first[0], second[0])
    reset_states(multi)
    np.testing.assert_allclose(
        multi.predict_on_batch([x, z])[0], first[0], atol=1e-6
    )
    reset_states(copy_model(multi, 0))  # copy 0 only
    again = multi.predict_on_batch([x, x])
    # copy 0 starts afresh, copy 1 goes on from its state
    np.testing.assert_allclose(again[0], first[0], atol=1e-6)
    assert not np.allclose(again[1], first[1]) and not np.allclose(
        again[1], second[1]
    )
    fit_copies(multi, lagged_data, 2, 6, verbose=0)
    lstms = [copy_model(multi, k).get_layer("lstm") for k in range(2)]
    assert all(
        np.abs(np.asarray(s)).sum() == 0
        for lstm in lstms
        for s in lstm.states
    )


def plain_stateful():
    """Keras' own stateful LSTM: its state is lost on JAX and cannot be
    trained on PyTorch."""
    inputs = keras.Input(batch_shape=(6, 1, 10), name="sequence")
    hidden = keras.layers.LSTM(8, stateful=True, name="lstm")(inputs)
    model = keras.Model(
        inputs, keras.layers.Dense(10, activation="softmax")(hidden)
    )
    model.compile(
        optimizer="adam",
        loss="categorical_crossentropy",
        weighted_metrics=["accuracy"],
    )
    return model


def test_copies_that_would_lose_their_state_are_refused():
    multi = build_copies(plain_stateful, 2)
    if keras.backend.backend() == "tensorflow":
        # TensorFlow carries a plain stateful layer's state: accepted
        assert fit_copies(multi, lagged_data, 1, 6, verbose=0).logs
        return
    with pytest.raises(ValueError, match="seqecho.layers.LSTM"):
        fit_copies(multi, lagged_data, 1, 6, verbose=0)
    with pytest.raises(ValueError, match="seqecho.layers.LSTM"):
        evaluate_copies(multi, lagged_data, 1, seed=0)


def teacher_forced():
    return define_models(6, 6, 5, learning_rate=0.01)[0]


def reverse_data(rng):
    X1, X2, y = get_dataset(4, 2, 6, 12, seed=rng)
    return (X1, X2), y


def test_copies_of_a_two_input_model_train_as_if_alone():
    multi = build_copies(teacher_forced, 2, seed=0)
    assert (
        len(multi.inputs) == 4
        and multi.inputs[1].name == "seed_0_decoder_inputs"
    )
    alone = teacher_forced()
    alone.set_weights(copy_model(multi, 1).get_weights())
    logs = fit_copies(multi, reverse_data, 3, 6, seed=0, verbose=0)
    rng = np.random.default_rng(1)
    for _ in range(3):
        (X1, X2), y = reverse_data(rng)
        for lo in range(0, 12, 6):
            alone.train_on_batch(
                [X1[lo : lo + 6], X2[lo : lo + 6]], y[lo : lo + 6]
            )
    assert_weights_close(
        weights_of(copy_model(multi, 1)), weights_of(alone)
    )
    assert logs.logs[0].sequences == 3
    infenc, infdec = inference_models(copy_model(multi, 0))
    assert predict_sequence(infenc, infdec, X1, 2, 6).shape == (12, 2, 6)


@pytest.mark.parametrize("build", [stateful, stateless])
def test_evaluate_copies_scores_each_copy_as_if_alone(build):
    multi = build_copies(build, 2, seed=0)
    fit_copies(multi, lagged_data, 5, 6, verbose=0)
    results = evaluate_copies(multi, lagged_data, 4, seed=7)
    for k, result in enumerate(results):
        alone = build()
        alone.set_weights(copy_model(multi, k).get_weights())
        expected = evaluate_sequences(alone, lagged_data, 4, seed=7)
        assert result.accuracy == expected.accuracy
        np.testing.assert_array_equal(result.predicted, expected.predicted)
    assert results[0].expected.tolist() == results[1].expected.tolist()
    assert results[0].predicted.tolist() != results[1].predicted.tolist()


def test_summaries_and_formatting():
    table = summarise_seeds(
        {"a": [0.951, 0.97, 0.965], "b": [1.0, 1.0, 0.99]}
    )
    assert isinstance(table, pd.DataFrame) and list(table.index) == [
        "a",
        "b",
    ]
    assert (
        table.loc["a", "seed_1"] == 0.97 and table.loc["a", "min"] == 0.951
    )
    assert table.loc["b", "mean"] == pytest.approx(0.99667, abs=1e-5)
    assert table.loc["b", "seeds"] == 3
    assert summarise_seeds([0.5, 0.7]).loc["score", "max"] == 0.7
    assert (
        format_seeds([0.951, 0.97, 0.965]) == "96.2% (95.1-97.0), 3 seeds"
    )
    assert format_seeds([1.0]) == "100.0%, 1 seed"
    assert (
        format_seeds([0.25, 0.5], percent=False, digits=2)
        == "0.38 (0.25-0.50), 2 seeds"
    )
    with pytest.raises(ValueError, match="at least one finite"):
        format_seeds([])
    with pytest.raises(ValueError, match="finite"):
        summarise_seeds({"a": [0.5, float("nan")]})
    with pytest.raises(TypeError, match="sequence of scores"):
        format_seeds("0.9")


def test_one_progress_bar(capsys):
    fit_copies(build_copies(stateless, 2), echo_data, 3, 12, verbose=1)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Training 2 seeds side by side on 3")
    assert "3/3" in lines[-1] and "accuracy" in lines[-1]
    assert len(lines) <= 5 and "\r" not in out and "\b" not in out
    fit_copies(build_copies(stateless, 2), echo_data, 2, 12, verbose=0)
    assert capsys.readouterr().out == ""


def test_sample_weight_reaches_every_copy():
    def weighted(rng):
        X, y = echo_data(rng)
        return X, y, np.zeros(len(X))

    logs = fit_copies(
        build_copies(stateless, 2), weighted, 2, 12, verbose=0
    )
    assert [log.loss for log in logs.logs] == [[0.0, 0.0], [0.0, 0.0]]


def same_model():
    model = stateless()
    return lambda: model


def uncompiled():
    inputs = keras.Input((1, 10))
    return keras.Model(inputs, keras.layers.Dense(10)(inputs))


def clipped():
    model = stateless()
    model.compile(
        optimizer=keras.optimizers.Adam(global_clipnorm=1.0), loss="mse"
    )
    return model


def varying_rate():
    rates = itertools.count(1)
    return lambda: build_lstm(1, 10, 4, learning_rate=0.001 * next(rates))


@pytest.mark.parametrize(
    "build, n_seeds, error, words",
    [
        (stateless, 0, ValueError, r"n_seeds must be >= 1, got 0"),
        (stateless, 2.0, TypeError, "n_seeds must be an integer"),
        (stateless, True, TypeError, "n_seeds must be an integer"),
        (5, 2, TypeError, "build must be a function"),
        (
            lambda: "model",
            2,
            TypeError,
            "build.. must return a keras.Model",
        ),
        (same_model(), 2, ValueError, "shares weights"),
        (uncompiled, 1, ValueError, "compiled model"),
        (clipped, 1, ValueError, "global_clipnorm"),
        (varying_rate(), 2, ValueError, "compiled copy 1 differently"),
    ],
)
def test_build_copies_bad_arguments(build, n_seeds, error, words):
    with pytest.raises(error, match=words):
        build_copies(build, n_seeds)


def test_fit_copies_bad_data():
    multi = build_copies(stateful, 2)
    lengths = itertools.cycle([12, 18])
    with pytest.raises(
        ValueError, match=r"copy 1 arrays of shapes .*same shapes"
    ):
        fit_copies(
            multi,
            lambda rng: echo_data(rng, next(lengths)),
            1,
            6,
            verbose=0,
        )
    with pytest.raises(ValueError, match="built for batches of 6"):
        fit_copies(multi, echo_data, 1, 4, verbose=0)
    with pytest.raises(ValueError, match=r"divide.*15 samples"):
        fit_copies(multi, lambda rng: echo_data(rng, 15), 1, 6, verbose=0)
    with pytest.raises(
        ValueError,
        match=r"input 'sequence' of the model takes \(samples, 1, 10\)",
    ):
        fit_copies(
            multi, lambda rng: echo_data(rng, 12, 7), 1, 6, verbose=0
        )
    with pytest.raises(ValueError, match="one seed or Generator per copy"):
        fit_copies(multi, echo_data, 1, 6, seed=[1, 2, 3], verbose=0)
    with pytest.raises(ValueError, match="n_sequences"):
        fit_copies(multi, echo_data, 0, 6, verbose=0)
    with pytest.raises(
        TypeError, match=r"\(\[X_1, X_2\], y\)|\[X_1, \.\.\., X_2\]"
    ):
        fit_copies(
            build_copies(teacher_forced, 1), echo_data, 1, 6, verbose=0
        )


def test_copy_lookup_bad_arguments():
    with pytest.raises(ValueError, match="model from build_copies"):
        n_copies(stateless())
    with pytest.raises(
        ValueError, match=r"index must be in \[0, 1\], got 2"
    ):
        copy_model(build_copies(stateless, 2), 2)
    with pytest.raises(ValueError, match="one input"):
        evaluate_copies(
            build_copies(teacher_forced, 1), reverse_data, 1, seed=0
        )


def test_fit_copies_stacked_trains_every_copy_in_one_batched_fit():
    from seqecho.seeds import fit_copies_stacked

    multi = build_copies(stateless, 3, seed=0)
    before = [weights_of(copy_model(multi, k)) for k in range(3)]
    logs = fit_copies_stacked(multi, echo_data, 20, 16, epochs=4, seed=0)
    assert (
        isinstance(logs, SeedLogs)
        and len(logs.logs) == 3
        and logs.seconds > 0
    )
    for k, log in enumerate(logs.logs):
        assert (
            len(log.loss) == len(log.accuracy) == 4
            and log.samples == 20 * 12 * 4
        )
        assert log.loss[-1] < log.loss[0]  # each copy learned
        assert not np.allclose(
            before[k][0], weights_of(copy_model(multi, k))[0]
        )
    assert (
        len({round(log.loss[-1], 6) for log in logs.logs}) == 3
    )  # and on its own


def test_fit_copies_stacked_takes_weights_and_refuses_stateful_models():
    from seqecho.seeds import fit_copies_stacked

    logs = fit_copies_stacked(
        build_copies(stateless, 2), lagged_data, 5, 12, 2, seed=1
    )
    assert [len(log.accuracy) for log in logs.logs] == [2, 2]
    one = fit_copies_stacked(
        build_copies(stateless, 1), lagged_data, 5, 12, 2, seed=1
    )
    assert (
        len(one.logs) == 1 and len(one.logs[0].loss) == 2
    )  # one copy works too
    with pytest.raises(ValueError, match="stateful"):
        fit_copies_stacked(build_copies(stateful, 2), lagged_data, 5, 6)
    with pytest.raises(ValueError, match="epochs"):
        fit_copies_stacked(
            build_copies(stateless, 2), echo_data, 5, 6, epochs=0
        )
