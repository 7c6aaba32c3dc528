import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqecho.data import (
    as_generator,
    generate_sequence,
    get_dataset,
    get_echo_dataset,
    interleave_streams,
    lag_streams,
    one_hot_decode,
    one_hot_encode,
    stack_sequences,
    state_handoff,
    to_lagged,
    to_supervised,
)


def pandas_to_supervised(sequence, n_in, n_out):
    """The tutorial's shift/dropna framing, kept here as the reference."""
    df = pd.DataFrame(sequence)
    df = pd.concat([df.shift(n_in - i - 1) for i in range(n_in)], axis=1)
    values = df.dropna().values  # the tutorial's dropna(inplace=True)
    width = sequence.shape[1]
    return (
        values.reshape(len(values), n_in, width),
        values[:, 0 : (n_out * width)].reshape(len(values), n_out, width),
    )


def test_generate_sequence_range_and_length():
    seq = generate_sequence(1000, 100, seed=3)
    assert len(seq) == 1000 and min(seq) >= 0 and max(seq) <= 99
    assert len(set(seq)) > 90


def test_generate_sequence_reproducible_from_seed_and_generator():
    assert generate_sequence(25, 100, seed=7) == generate_sequence(
        25, 100, seed=7
    )
    assert generate_sequence(25, 100, seed=7) != generate_sequence(
        25, 100, seed=8
    )
    rng = np.random.default_rng(7)
    assert generate_sequence(25, 100, seed=rng) == generate_sequence(
        25, 100, seed=7
    )
    assert as_generator(rng) is rng


def test_generate_sequence_low():
    assert min(generate_sequence(500, 5, seed=0, low=1)) == 1


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(length=0), ValueError),
        (dict(length=2.5), TypeError),
        (dict(length=True), TypeError),
        (dict(n_unique=0), ValueError),
        (dict(low=100), ValueError),
        (dict(seed=-1), ValueError),
        (dict(seed="a"), TypeError),
    ],
)
def test_generate_sequence_bad_input(kwargs, error):
    with pytest.raises(error):
        generate_sequence(**{"length": 5, **kwargs})


def test_one_hot_encode_example():
    encoded = one_hot_encode([2, 0, 1], 3)
    assert encoded.shape == (3, 3) and encoded.dtype == np.float32
    assert encoded.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]


@given(st.lists(st.integers(0, 99), min_size=1, max_size=60))
def test_encode_decode_round_trip(values):
    encoded = one_hot_encode(values, 100)
    assert one_hot_decode(encoded) == values
    assert np.all(encoded.sum(axis=1) == 1)


def test_one_hot_encode_accepts_whole_floats_and_arrays():
    assert one_hot_decode(one_hot_encode(np.array([1.0, 3.0]), 4)) == [1, 3]


@pytest.mark.parametrize(
    "sequence, n_unique, error, words",
    [
        ([0, 100], 100, ValueError, "[0, 100)"),
        ([-1], 100, ValueError, "[0, 100)"),
        ([1.5], 100, TypeError, "integers"),
        (["a"], 100, TypeError, "integers"),
        ([[1, 2]], 100, ValueError, "1-D"),
        ([1], 0, ValueError, "n_unique"),
    ],
)
def test_one_hot_encode_bad_input(sequence, n_unique, error, words):
    with pytest.raises(
        error,
        match=words.replace("[", r"\[")
        .replace("(", r"\(")
        .replace(")", r"\)"),
    ):
        one_hot_encode(sequence, n_unique)


def test_one_hot_decode_batch_and_bad_rank():
    batch = np.stack([one_hot_encode([1, 2], 5), one_hot_encode([3, 4], 5)])
    assert one_hot_decode(batch) == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="2-D"):
        one_hot_decode(np.zeros(5))


def test_to_supervised_tutorial_case_matches_pandas():
    encoded = one_hot_encode(generate_sequence(25, 100, seed=1))
    X, y = to_supervised(encoded, 5, 3)
    Xp, yp = pandas_to_supervised(encoded, 5, 3)
    assert X.shape == (21, 5, 100) and y.shape == (21, 3, 100)
    assert np.array_equal(X, Xp) and np.array_equal(y, yp)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_to_supervised_matches_pandas_and_invariants(data):
    n_in = data.draw(st.integers(1, 8))
    n_out = data.draw(st.integers(1, n_in))
    length = data.draw(st.integers(n_in, 30))
    values = data.draw(
        st.lists(st.integers(0, 9), min_size=length, max_size=length)
    )
    encoded = one_hot_encode(values, 10)
    X, y = to_supervised(encoded, n_in, n_out)
    Xp, yp = pandas_to_supervised(encoded, n_in, n_out)
    assert np.array_equal(X, Xp) and np.array_equal(y, yp)
    assert X.shape == (length - n_in + 1, n_in, 10) and y.shape == (
        length - n_in + 1,
        n_out,
        10,
    )
    for row in range(
        len(X)
    ):  # each row is n_in consecutive steps starting at `row`
        assert one_hot_decode(X[row]) == values[row : row + n_in]


@pytest.mark.parametrize(
    "shape, n_in, n_out, words",
    [
        ((25, 100), 0, 1, "n_in"),
        ((25, 100), 3, 4, "n_out"),
        ((25, 100), 3, 0, "n_out"),
        ((4, 100), 5, 3, "at least n_in=5"),
        ((25,), 5, 3, "2-D"),
        ((2, 25, 100), 5, 3, "2-D"),
    ],
)
def test_to_supervised_bad_input(shape, n_in, n_out, words):
    with pytest.raises(ValueError, match=words):
        to_supervised(np.zeros(shape), n_in, n_out)


def test_to_supervised_rejects_non_integer_sizes():
    with pytest.raises(TypeError, match="n_in"):
        to_supervised(np.zeros((25, 100)), 5.0, 3)


def test_to_lagged_beginner_framing():
    values = generate_sequence(25, 100, seed=0)
    X, y = to_lagged(one_hot_encode(values), n_in=1, lag=1)
    assert X.shape == (24, 1, 100) and y.shape == (24, 100)
    assert (
        one_hot_decode(X) == values[1:] and one_hot_decode(y) == values[:-1]
    )


@given(st.integers(1, 6), st.integers(0, 6), st.integers(8, 30))
def test_to_lagged_invariants(n_in, lag, length):
    values = list(range(length))
    X, y = to_lagged(one_hot_encode(values, 40), n_in, lag)
    first = max(n_in - 1, lag)
    assert len(X) == len(y) == length - first
    ends = [one_hot_decode(row)[-1] for row in X]
    assert ends == values[first:]
    assert one_hot_decode(y) == [t - lag for t in ends]


def test_to_lagged_bad_input():
    with pytest.raises(ValueError, match="lag"):
        to_lagged(np.zeros((25, 10)), 5, -1)
    with pytest.raises(ValueError, match="at least 6"):
        to_lagged(np.zeros((5, 10)), 2, 5)


def test_get_dataset_shapes_and_relations():
    X1, X2, y = get_dataset(6, 3, 51, 200, seed=0)
    assert X1.shape == (200, 6, 51) and X2.shape == y.shape == (200, 3, 51)
    source, shifted, target = (np.argmax(a, -1) for a in (X1, X2, y))
    assert source.min() >= 1 and source.max() <= 50
    assert np.array_equal(target, source[:, :3][:, ::-1])
    assert np.all(shifted[:, 0] == 0) and np.array_equal(
        shifted[:, 1:], target[:, :-1]
    )
    assert np.all(X1.sum(-1) == 1) and np.all(X2.sum(-1) == 1)


@pytest.mark.parametrize(
    "args, error, words",
    [
        ((6, 7, 51, 10), ValueError, "n_out"),
        ((0, 1, 51, 10), ValueError, "n_in"),
        ((6, 3, 1, 10), ValueError, "cardinality"),
        ((6, 3, 51, 0), ValueError, "n_samples"),
        ((6, 3, 51.0, 10), TypeError, "cardinality"),
    ],
)
def test_get_dataset_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        get_dataset(*args)


def test_interleave_streams_puts_one_stream_per_batch_row():
    streams = np.arange(2 * 3 * 4).reshape(
        2, 3, 4
    )  # 2 streams, 3 chunks, 4 features
    laid_out = interleave_streams(streams)
    assert laid_out.shape == (6, 4)
    for k in range(3):  # batch k = chunk k of each stream
        assert np.array_equal(laid_out[2 * k : 2 * k + 2], streams[:, k])
    with pytest.raises(ValueError, match="2-D"):
        interleave_streams(np.zeros(3))


@given(st.integers(1, 40), st.integers(1, 8))
def test_state_handoff_follows_keras_row_semantics(n_samples, batch_size):
    table = state_handoff(n_samples, batch_size)
    for s, source in enumerate(table.state_from):
        if s < batch_size:
            assert source is None
        else:
            assert (
                source == s - batch_size
                and table.row[source] == table.row[s]
            )
            assert table.batch[source] == table.batch[s] - 1


def test_state_handoff_bad_input():
    with pytest.raises(ValueError, match="batch_size"):
        state_handoff(5, 0)


@pytest.mark.parametrize("window", [1, 2, 4, 24])
def test_lag_streams_layout(window):
    X, y, w = lag_streams(
        np.random.default_rng(3),
        n_streams=6,
        length=25,
        lag=1,
        window=window,
    )
    n_chunks = 24 // window
    assert X.shape == y.shape == (
        6 * n_chunks,
        window,
        100,
    ) and w.shape == (6 * n_chunks, window)
    inputs = np.argmax(X, -1).reshape(
        n_chunks, 6, window
    )  # [chunk, stream, step]
    targets = np.argmax(y, -1).reshape(n_chunks, 6, window)
    stream_inputs = inputs.transpose(1, 0, 2).reshape(
        6, 24
    )  # each row: x(1) .. x(24)
    stream_targets = targets.transpose(1, 0, 2).reshape(6, 24)
    assert np.array_equal(
        stream_targets[:, 1:], stream_inputs[:, :-1]
    )  # y(t) = x(t-1)
    weights = (
        w.reshape(n_chunks, 6, window).transpose(1, 0, 2).reshape(6, 24)
    )
    assert np.all(weights[:, 0] == 0) and np.all(weights[:, 1:] == 1)


def test_lag_streams_bad_window():
    with pytest.raises(ValueError, match="window must divide the 24"):
        lag_streams(np.random.default_rng(0), window=5)


def test_stack_sequences_joins_draws_from_one_stream():
    def make(rng):
        X, y = to_lagged(
            one_hot_encode(generate_sequence(10, 20, seed=rng), 20),
            n_in=3,
            lag=1,
        )
        return X, y, np.ones(len(X))

    X, y, w = stack_sequences(make, 4, seed=7)
    assert (
        X.shape == (32, 3, 20) and y.shape == (32, 20) and w.shape == (32,)
    )
    rng = np.random.default_rng(7)
    by_hand = [make(rng) for _ in range(4)]
    assert np.array_equal(X, np.concatenate([part[0] for part in by_hand]))
    assert np.array_equal(y, np.concatenate([part[1] for part in by_hand]))
    with pytest.raises(ValueError, match="n_sequences"):
        stack_sequences(make, 0)


def test_gap_echo_targets_the_value_gap_steps_before_the_end():
    from seqecho.data import gap_echo

    X, y = gap_echo(50, gap=7, n_unique=10, seed=3)
    assert (
        X.shape == (50, 8, 10)
        and y.shape == (50, 10)
        and X.dtype == np.float32
    )
    assert np.array_equal(y, X[:, 0])  # the classic form: the first value
    X, y = gap_echo(50, gap=2, n_unique=4, length=9, seed=3)
    assert X.shape == (50, 9, 4) and np.array_equal(y, X[:, 9 - 1 - 2])
    assert np.all(X.sum(-1) == 1) and len(np.unique(X.argmax(-1))) == 4
    again, _ = gap_echo(50, gap=2, n_unique=4, length=9, seed=3)
    assert np.array_equal(X, again)
    X0, y0 = gap_echo(5, gap=0, n_unique=3, seed=1)
    assert X0.shape == (5, 1, 3) and np.array_equal(y0, X0[:, -1])


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(n_samples=0), ValueError, "n_samples"),
        (dict(gap=-1), ValueError, "gap"),
        (dict(gap=1.5), TypeError, "gap"),
        (dict(n_unique=1), ValueError, "n_unique"),
        (dict(gap=4, length=4), ValueError, "length"),
    ],
)
def test_gap_echo_bad_input(kwargs, error, words):
    from seqecho.data import gap_echo

    with pytest.raises(error, match=words):
        gap_echo(**{"n_samples": 3, "gap": 2, **kwargs})


@pytest.mark.parametrize("reverse", [False, True])
def test_get_echo_dataset_copies_or_reverses_the_whole_source(reverse):
    X1, X2, y = get_echo_dataset(7, 10, 50, reverse=reverse, seed=0)
    assert X1.shape == X2.shape == y.shape == (50, 7, 10)
    source, shifted, target = (np.argmax(a, -1) for a in (X1, X2, y))
    assert source.min() >= 1 and source.max() <= 9
    expected = source[:, ::-1] if reverse else source
    assert np.array_equal(target, expected)
    assert np.all(shifted[:, 0] == 0)
    assert np.array_equal(shifted[:, 1:], target[:, :-1])
    again = get_echo_dataset(7, 10, 50, reverse=reverse, seed=0)
    assert np.array_equal(again[0], X1)


@pytest.mark.parametrize(
    "args, kwargs, error, words",
    [
        ((0, 10, 5), {}, ValueError, "length"),
        ((4, 1, 5), {}, ValueError, "cardinality"),
        ((4, 10, 0), {}, ValueError, "n_samples"),
        ((4.0, 10, 5), {}, TypeError, "length"),
        ((4, 10, 5), {"reverse": "yes"}, TypeError, "reverse"),
    ],
)
def test_get_echo_dataset_bad_input(args, kwargs, error, words):
    with pytest.raises(error, match=words):
        get_echo_dataset(*args, **kwargs)


def test_lag_echo_targets_the_value_lag_steps_back():
    from seqecho.data import lag_echo

    X, y, w = lag_echo(40, 12, 3, 6, seed=5)
    assert X.shape == y.shape == (40, 12, 6) and w.shape == (40, 12)
    values, targets = X.argmax(-1), y.argmax(-1)
    assert np.array_equal(targets[:, 3:], values[:, :-3])
    assert np.all(w[:, :3] == 0) and np.all(w[:, 3:] == 1)
    assert len(np.unique(values)) == 6
    X0, y0, w0 = lag_echo(4, 5, 0, seed=1)
    assert np.array_equal(X0, y0) and np.all(w0 == 1)
    assert np.array_equal(X, lag_echo(40, 12, 3, 6, seed=5)[0])


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(n_samples=0), ValueError, "n_samples"),
        (dict(length=1), ValueError, "length"),
        (dict(lag=5), ValueError, "lag"),
        (dict(lag=-1), ValueError, "lag"),
        (dict(lag=1.0), TypeError, "lag"),
        (dict(n_unique=1), ValueError, "n_unique"),
    ],
)
def test_lag_echo_bad_input(kwargs, error, words):
    from seqecho.data import lag_echo

    with pytest.raises(error, match=words):
        lag_echo(**{"n_samples": 3, "length": 5, "lag": 2, **kwargs})
