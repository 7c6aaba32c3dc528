import keras
import numpy as np
import pytest

from seqecho.data import (
    generate_sequence,
    get_dataset,
    get_echo_dataset,
    one_hot_encode,
    to_lagged,
)
from seqecho.evaluate import (
    Evaluation,
    accuracy,
    evaluate_outputs,
    evaluate_sequences,
    predict_attention_sequence,
    predict_sequence,
    sequence_accuracy,
)
from seqecho.models import (
    build_lstm,
    define_attention_models,
    define_models,
)


def test_accuracy_counts_argmax_matches_and_weights():
    y = np.eye(4)[[0, 1, 2, 3]]
    yhat = np.eye(4)[[0, 1, 0, 0]]
    assert accuracy(y, yhat) == 0.5
    assert accuracy(y, yhat, sample_weight=[1, 1, 0, 0]) == 1.0
    seq_y, seq_hat = (
        np.eye(3)[[[0, 1], [2, 2]]],
        np.eye(3)[[[0, 2], [2, 2]]],
    )
    assert accuracy(seq_y, seq_hat) == 0.75
    assert accuracy(seq_y, seq_hat, sample_weight=[[1, 0], [1, 1]]) == 1.0


@pytest.mark.parametrize(
    "y, yhat, weight, words",
    [
        (np.zeros((2, 3)), np.zeros((3, 3)), None, "same shape"),
        (np.zeros(3), np.zeros(3), None, "2-D"),
        (np.eye(2), np.eye(2), [0, 0], "no element"),
    ],
)
def test_accuracy_bad_input(y, yhat, weight, words):
    with pytest.raises(ValueError, match=words):
        accuracy(y, yhat, weight)


class Oracle(keras.Model):
    """A 'model' that returns its input's last step: a perfect echo of the
    current value."""

    def call(self, x):
        return x[:, -1, :]


def lag0(rng):
    return to_lagged(
        one_hot_encode(generate_sequence(10, 6, seed=rng), 6), n_in=2, lag=0
    )


def test_evaluate_sequences_on_perfect_and_wrong_models():
    perfect = Oracle()
    result = evaluate_sequences(perfect, lag0, 5, 9, seed=0)
    assert result.accuracy == 1.0 and len(result.expected) == 45

    def lag1(rng):
        encoded = one_hot_encode(generate_sequence(10, 6, seed=rng), 6)
        return to_lagged(encoded, 2, 1)

    assert evaluate_sequences(perfect, lag1, 20, 9, seed=0).accuracy < 0.5


def test_evaluate_sequences_stateful_matches_stateless_copy():
    keras.utils.set_random_seed(1)
    stateful = build_lstm(2, 6, 4, batch_size=9, stateful=True)
    stateless = build_lstm(2, 6, 4)
    stateless.set_weights(
        [np.asarray(v) for v in stateful.trainable_variables]
    )
    a = evaluate_sequences(stateful, lag0, 3, 9, seed=5)
    b = evaluate_sequences(stateless, lag0, 3, 9, seed=5)
    assert np.array_equal(a.expected, b.expected)
    # with state carried between batches, the stateful model's predictions
    # can differ, but the state is reset per sequence so a second run gives
    # the same answer
    assert np.array_equal(
        a.predicted,
        evaluate_sequences(stateful, lag0, 3, 9, seed=5).predicted,
    )


def test_evaluate_outputs_feeds_every_input_the_same_sequences():
    keras.utils.set_random_seed(2)
    one, other = build_lstm(2, 6, 4), build_lstm(2, 6, 4)
    other.name = "other"
    inputs = [keras.Input((2, 6)), keras.Input((2, 6))]
    joint = keras.Model(inputs, [one(inputs[0]), other(inputs[1])])
    both = evaluate_outputs(joint, lag0, 3, seed=5)
    for model, result in zip((one, other), both, strict=True):
        alone = evaluate_sequences(model, lag0, 3, seed=5)
        np.testing.assert_array_equal(result.predicted, alone.predicted)
        np.testing.assert_array_equal(result.expected, alone.expected)
    assert both[0].predicted.tolist() != both[1].predicted.tolist()
    with pytest.raises(ValueError, match="2 outputs; evaluate_sequences"):
        evaluate_sequences(joint, lag0, 3, seed=5)


def test_evaluation_table():
    table = Evaluation(
        np.array([[1, 2], [3, 4]]),
        np.array([[1, 2], [3, 5]]),
        np.ones(2),
        0.75,
    ).table(2)
    assert table.expected.tolist() == [[1, 2], [3, 4]]
    assert table.correct.tolist() == [True, False]


def test_sequence_accuracy():
    y = np.eye(3)[[[0, 1], [2, 2]]]
    assert sequence_accuracy(y, y) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        sequence_accuracy(y, y[:, :1])


def test_predict_sequence_single_and_batched_agree():
    keras.utils.set_random_seed(2)
    _, infenc, infdec = define_models(9, 9, 6)
    X1, _, _ = get_dataset(4, 2, 9, 8, seed=0)
    batched = predict_sequence(infenc, infdec, X1, 3, 9)
    assert batched.shape == (8, 3, 9)
    for i in range(8):
        single = predict_sequence(infenc, infdec, X1[i], 3, 9)
        assert single.shape == (3, 9)
        assert np.allclose(single, batched[i], atol=1e-5)


# Bad input to either greedy decoder (both check it in _decoding_batch).
BAD_DECODING_INPUTS = [
    (np.zeros((4, 8)), 2, 9, "features"),
    (np.zeros((4, 9)), 0, 9, "n_steps"),
    (np.zeros((4, 9)), 2, 8, "cardinality"),
    (np.zeros(9), 2, 9, "2-D"),
    (np.zeros((2, 0, 9)), 2, 9, "at least one step"),
]


@pytest.mark.parametrize(
    "source, n_steps, cardinality, words", BAD_DECODING_INPUTS
)
def test_predict_sequence_bad_input(source, n_steps, cardinality, words):
    _, infenc, infdec = define_models(9, 9, 4)
    with pytest.raises(ValueError, match=words):
        predict_sequence(infenc, infdec, source, n_steps, cardinality)


def first_step_softmax(timesteps=4, n_features=3):
    """A model whose output is the softmax of its first input step:
    dL/dx(0) = p - y, and 0 elsewhere."""
    inputs = keras.Input((timesteps, n_features))
    return keras.Model(
        inputs, keras.layers.Softmax()(keras.ops.take(inputs, 0, axis=1))
    )


def test_input_gradient_norms_analytic_case():
    from seqecho.evaluate import input_gradient_norms

    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 4, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 6)]
    p = np.exp(X[:, 0]) / np.exp(X[:, 0]).sum(-1, keepdims=True)
    norms = input_gradient_norms(first_step_softmax(), X, y)
    assert norms.shape == (4,)
    assert np.isclose(
        norms[0], np.linalg.norm(p - y, axis=-1).mean(), rtol=1e-4
    )
    assert np.all(norms[1:] == 0)


def test_input_gradient_norms_match_finite_differences():
    from seqecho.evaluate import input_gradient_norms

    keras.utils.set_random_seed(3)
    inputs = keras.Input((5, 1))
    hidden = keras.layers.SimpleRNN(4)(inputs)
    model = keras.Model(
        inputs, keras.layers.Dense(2, activation="softmax")(hidden)
    )
    X = np.random.default_rng(1).normal(size=(1, 5, 1)).astype("float32")
    y = np.array([[0.0, 1.0]], dtype="float32")

    def loss(x):
        return float(-np.log(model.predict(x, verbose=0)[0, 1]))

    eps, estimate = 1e-2, []
    for t in range(5):
        step = np.zeros_like(X)
        step[0, t, 0] = eps
        estimate.append(abs(loss(X + step) - loss(X - step)) / (2 * eps))
    assert np.allclose(
        input_gradient_norms(model, X, y), estimate, rtol=0.03, atol=1e-4
    )


@pytest.mark.parametrize(
    "X, y, words",
    [
        (np.zeros((2, 4)), np.zeros((2, 3)), "3-D"),
        (np.zeros((2, 4, 3)), np.zeros((3, 3)), "same number"),
        (np.zeros((2, 4, 3)), np.zeros((2, 5)), "output"),
    ],
)
def test_input_gradient_norms_bad_input(X, y, words):
    from seqecho.evaluate import input_gradient_norms

    with pytest.raises(ValueError, match=words):
        input_gradient_norms(first_step_softmax(), X, y)


def test_input_gradient_norms_refuses_stateful_models_and_non_models():
    from seqecho.evaluate import input_gradient_norms

    stateful = build_lstm(2, 3, 2, batch_size=2, stateful=True)
    with pytest.raises(ValueError, match="stateless"):
        input_gradient_norms(
            stateful, np.zeros((2, 2, 3)), np.eye(3)[[0, 1]]
        )
    with pytest.raises(TypeError, match="keras.Model"):
        input_gradient_norms(
            "model", np.zeros((2, 2, 3)), np.eye(3)[[0, 1]]
        )


def test_predict_attention_sequence_single_and_batched_agree():
    keras.utils.set_random_seed(2)
    _, infenc, infdec = define_attention_models(9, 9, 6)
    X1, _, _ = get_echo_dataset(5, 9, 6, seed=0)
    probs, weights = predict_attention_sequence(infenc, infdec, X1, 4, 9)
    assert probs.shape == (6, 4, 9) and weights.shape == (6, 4, 5)
    assert np.allclose(weights.sum(-1), 1, atol=1e-5)
    for i in range(6):
        one, its_weights = predict_attention_sequence(
            infenc, infdec, X1[i], 4, 9
        )
        assert one.shape == (4, 9) and its_weights.shape == (4, 5)
        assert np.allclose(one, probs[i], atol=1e-5)
        assert np.allclose(its_weights, weights[i], atol=1e-5)


@pytest.mark.parametrize(
    "source, n_steps, cardinality, words", BAD_DECODING_INPUTS
)
def test_predict_attention_sequence_bad_input(
    source, n_steps, cardinality, words
):
    _, infenc, infdec = define_attention_models(9, 9, 4)
    with pytest.raises(ValueError, match=words):
        predict_attention_sequence(
            infenc, infdec, source, n_steps, cardinality
        )


def test_predict_attention_sequence_refuses_plain_inference_models():
    _, infenc, infdec = define_models(9, 9, 4)
    with pytest.raises(ValueError, match="define_attention_models"):
        predict_attention_sequence(infenc, infdec, np.zeros((3, 9)), 2, 9)
