"""Sequences of any length as tokens: files, lookup layers, framing, the
token encoder-decoder, its mask, greedy decoding that stops and beam
search."""

import keras
import numpy as np
import pytest

from seqecho.data import (
    END,
    FIRST_VALUE,
    PAD,
    START,
    decode_tokens,
    echo_frames,
    encode_tokens,
    load_sequences,
    load_words,
    token_lookup,
    variable_echo,
)
from seqecho.evaluate import beam_search, greedy_decode, token_hits
from seqecho.models import define_token_models, inference_models

# ---------------------------------------------------------------- files


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_sequences_groups_rows_in_file_order(tmp_path):
    path = write(
        tmp_path, "s.csv", "sequence,value\n7,10\n7,11\n3,12\n7,13\n"
    )
    got = load_sequences(path)
    assert [s.tolist() for s in got] == [[10, 11, 13], [12]]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is empty"),
        ("sequence,value\n", "has a header but no rows"),
        ("id,value\n1,2\n", "must name the columns 'sequence' and 'value'"),
        ("sequence,value\n1,2\n1,2,3\n", "line 3"),
        (
            "sequence,value\n1,2\n1,x\n",
            "line 3: value 'x' is not an integer",
        ),
        ("sequence,value\n1,2\n1,2.5\n", "line 3: value '2.5'"),
        ("sequence,value\n1,2\n1,\n", "line 3: value '' is not an integer"),
        ("sequence,value\nA,2\n", "line 2: sequence 'A'"),
    ],
)
def test_load_sequences_names_the_file_and_line(tmp_path, text, message):
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(ValueError, match="bad.csv") as error:
        load_sequences(path)
    assert message in str(error.value)


def test_load_sequences_checks_the_value_range(tmp_path):
    path = write(tmp_path, "s.csv", "sequence,value\n1,100\n1,5000\n")
    with pytest.raises(ValueError, match=r"line 3: value 5000 is outside"):
        load_sequences(path, values=(100, 999))
    assert len(load_sequences(path, values=(0, 5000))) == 1


def test_load_sequences_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_sequences(tmp_path / "nothing.csv")


def test_load_words(tmp_path):
    path = write(tmp_path, "w.txt", "echo\n\n  memory \nlstm\n")
    assert load_words(path) == ["echo", "memory", "lstm"]
    with pytest.raises(ValueError, match=r"line 3: 'memory' is longer"):
        load_words(path, max_length=5)
    bad = write(tmp_path, "bad.txt", "echo\ntwo words\n")
    with pytest.raises(ValueError, match=r"bad.txt, line 2: .*one word"):
        load_words(bad)
    empty = write(tmp_path, "empty.txt", "\n\n")
    with pytest.raises(ValueError, match="holds no words"):
        load_words(empty)


def test_chapter_data_files_load():
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "notebooks" / "data"
    sequences = load_sequences(data / "sequences.csv", values=(100, 999))
    assert len(sequences) == 4000
    assert {len(s) for s in sequences} == set(range(3, 11))
    words = load_words(data / "words.txt", max_length=10)
    assert len(words) == len(set(words)) > 1000
    assert all(w.isalpha() and w.islower() for w in words)


# -------------------------------------------------------- lookup layers


def test_string_lookup_round_trip():
    words = ["echo", "memory", "ox"]
    lookup = token_lookup(list("".join(words)))
    vocabulary = [str(v) for v in lookup.get_vocabulary()]
    assert vocabulary[:FIRST_VALUE] == ["", "<start>", "<end>"]
    tokens = encode_tokens(lookup, words)
    assert [len(t) for t in tokens] == [4, 6, 2]
    assert min(int(t.min()) for t in tokens) >= FIRST_VALUE
    padded = keras.utils.pad_sequences(
        [np.append(t, END) for t in tokens], padding="post"
    )
    assert ["".join(w) for w in decode_tokens(lookup, padded)] == words


def test_integer_lookup_round_trip():
    lookup = token_lookup([980, 213, 980, 457])
    tokens = encode_tokens(lookup, [[980, 213], [457]])
    assert [t.tolist() for t in tokens] == [[5, 3], [4]]
    decoded = decode_tokens(lookup, np.array([[START, 5, 3, END, 4]]))
    assert decoded == [[980, 213]]
    assert all(type(v) is int for v in decoded[0])


def test_lookup_rejects_bad_values():
    with pytest.raises(ValueError, match="padding, start and end"):
        token_lookup(["a", "<end>"])
    with pytest.raises(TypeError, match="all strings or all integers"):
        token_lookup(["a", 1])
    with pytest.raises(ValueError, match=">= 0"):
        token_lookup([-4, 2])
    lookup = token_lookup(list("abc"))
    with pytest.raises(ValueError, match=r"sequence 1 \('abz'\) holds 'z'"):
        encode_tokens(lookup, ["ab", "abz"])
    with pytest.raises(ValueError, match=r"tokens must be in \[0, 5\]"):
        decode_tokens(lookup, np.array([[3, 9]]))


# -------------------------------------------------------------- framing


def test_echo_frames_end_token_once_and_padding_only_after_it():
    rng = np.random.default_rng(0)
    rows = [
        rng.integers(FIRST_VALUE, 20, rng.integers(1, 9)) for _ in range(50)
    ]
    for reverse in (False, True):
        source, shifted, target = echo_frames(rows, reverse=reverse)
        assert source.shape == (50, 8) and target.shape == (50, 9)
        assert shifted.shape == target.shape
        assert ((target == END).sum(1) == 1).all()
        for row, s, d, t in zip(rows, source, shifted, target, strict=True):
            n = len(row)
            want = row[::-1] if reverse else row
            assert s[:n].tolist() == row.tolist() and (s[n:] == PAD).all()
            assert t[:n].tolist() == want.tolist() and t[n] == END
            assert (t[n + 1 :] == PAD).all()
            assert d[0] == START and d[1 : n + 1].tolist() == want.tolist()
            assert (d[n + 1 :] == PAD).all()


@pytest.mark.parametrize(
    "rows, error, message",
    [
        ([], ValueError, "at least one"),
        ([[3, 4], []], ValueError, "sequence 1 must be a non-empty"),
        ([[3, 2]], ValueError, "sequence 0 holds token 2"),
        ([[3.0, 4.0]], TypeError, "integer tokens"),
    ],
)
def test_echo_frames_rejects_bad_sequences(rows, error, message):
    with pytest.raises(error, match=message):
        echo_frames(rows)


def test_variable_echo_lengths_and_values():
    source, shifted, target = variable_echo(500, 20, 3, 7, seed=1)
    assert source.shape == (500, 7) and target.shape == (500, 8)
    lengths = (source != PAD).sum(1)
    assert set(lengths) == set(range(3, 8))
    values = source[source != PAD]
    assert values.min() == FIRST_VALUE and values.max() == FIRST_VALUE + 19
    assert ((target == END).argmax(1) == lengths).all()
    again = variable_echo(500, 20, 3, 7, seed=1)
    assert all(
        (a == b).all()
        for a, b in zip(again, (source, shifted, target), strict=True)
    )


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1, 20, 3, 5), "n_samples must be >= 1"),
        ((10, 1, 3, 5), "n_values must be >= 2"),
        ((10, 20, 0, 5), "min_length must be >= 1"),
        ((10, 20, 6, 5), "max_length must be >= 6"),
    ],
)
def test_variable_echo_rejects_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        variable_echo(*args)


# ------------------------------------------------------- model and mask


def test_mask_keeps_padding_out_of_state_and_loss():
    keras.utils.set_random_seed(0)
    source, shifted, target = variable_echo(32, 10, 2, 5, seed=0)
    for mask in (True, False):
        model, infenc, _ = define_token_models(13, 8, mask=mask)
        short = np.asarray(infenc.predict_on_batch(source[:4])[0])
        longer = np.pad(source[:4], ((0, 0), (0, 6)))
        padded = np.asarray(infenc.predict_on_batch(longer)[0])
        scrambled = target.copy()
        scrambled[target == PAD] = FIRST_VALUE + 5
        loss = model.test_on_batch([source, shifted], target)[0]
        other = model.test_on_batch([source, shifted], scrambled)[0]
        if mask:
            np.testing.assert_allclose(short, padded, atol=1e-6)
            assert loss == pytest.approx(other, abs=1e-6)
        else:
            assert np.abs(short - padded).max() > 1e-4
            assert abs(loss - other) > 1e-4


def test_token_models_rebuild_by_layer_name(tmp_path):
    model, infenc, infdec = define_token_models(9, 6)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    enc2, dec2 = inference_models(loaded)
    source = np.array([[3, 4, 5, 0]], dtype="int32")
    a = greedy_decode(infenc, infdec, source, 5)
    b = greedy_decode(enc2, dec2, source, 5)
    assert (a == b).all()


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_tokens": 3, "n_units": 4}, ValueError),
        ({"n_tokens": 9, "n_units": 0}, ValueError),
        ({"n_tokens": 9, "n_units": 4, "mask": 1}, TypeError),
        ({"n_tokens": 9, "n_units": 4, "learning_rate": 0}, ValueError),
    ],
)
def test_define_token_models_rejects_bad_arguments(kwargs, error):
    with pytest.raises(error):
        define_token_models(**kwargs)


# ------------------------------------------------------------- decoding

# A decoder whose next-token probabilities depend only on the previous
# token, set by hand: tokens PAD, START, END, A (3), B (4), C (5).
A, B, C = 3, 4, 5
TABLE = np.full((6, 6), 1 / 6)
TABLE[START] = [0, 0, 0, 0.5, 0.4, 0.1]  # greedy takes A first
TABLE[A] = [0, 0, 0.3, 0.7 / 3, 0.7 / 3, 0.7 / 3]  # A then END: 0.15
TABLE[B] = [0, 0, 0.9, 0.05, 0.05, 0]  # B then END: 0.36
TABLE[C] = [0, 0, 1.0, 0, 0, 0]


def hand_set_models(table=TABLE):
    source = keras.Input(shape=(None,), dtype="int32")
    state = keras.layers.GlobalAveragePooling1D()(
        keras.layers.Embedding(6, 1, embeddings_initializer="zeros")(source)
    )
    infenc = keras.Model(source, [state])
    previous = keras.Input(shape=(None,), dtype="int32")
    h = keras.Input(shape=(1,))
    probs = keras.layers.Embedding(
        6, 6, embeddings_initializer=keras.initializers.Constant(table)
    )(previous)
    infdec = keras.Model([previous, h], [probs, keras.layers.Identity()(h)])
    return infenc, infdec


def test_beam_search_finds_what_greedy_misses():
    infenc, infdec = hand_set_models()
    source = np.array([[3, 3]], dtype="int32")
    greedy = greedy_decode(infenc, infdec, source, 4)
    assert greedy.tolist() == [[A, END, PAD, PAD]]  # probability 0.15
    beam = beam_search(infenc, infdec, source, 2, 4)
    assert beam.tolist() == [[B, END, PAD, PAD]]  # probability 0.36
    assert (
        beam_search(infenc, infdec, source, 1, 4).tolist()
        == greedy.tolist()
    )


def test_length_normalisation_changes_the_choice():
    # END at once: 0.45 (per token 0.45). A then END: 0.55 x 0.75 = 0.41,
    # less in sum, more per token (0.64).
    table = TABLE.copy()
    table[START] = [0, 0, 0.45, 0.55, 0, 0]
    table[A] = [0, 0, 0.75, 0.25, 0, 0]
    infenc, infdec = hand_set_models(table)
    source = np.array([[3]], dtype="int32")
    plain = beam_search(infenc, infdec, source, 2, 6, length_penalty=0.0)
    normalised = beam_search(
        infenc, infdec, source, 2, 6, length_penalty=1.0
    )
    assert plain[0, 0] == END  # the sum favours the shortest output
    assert normalised[0, :2].tolist() == [A, END]  # likelier per token


def test_beam_width_1_is_greedy_on_a_token_model():
    keras.utils.set_random_seed(3)
    model, infenc, infdec = define_token_models(12, 16)
    source, shifted, target = variable_echo(64, 9, 2, 6, seed=3)
    model.fit([source, shifted], target, epochs=3, verbose=0)
    greedy = greedy_decode(infenc, infdec, source, 8)
    assert (beam_search(infenc, infdec, source, 1, 8) == greedy).all()
    wide = beam_search(infenc, infdec, source, 4, 8)
    assert wide.shape == greedy.shape
    # every output ends once and pads after
    for out in (greedy, wide):
        for row in out:
            ends = np.flatnonzero(row == END)
            if len(ends):
                assert (row[ends[0] + 1 :] == PAD).all()


def test_greedy_stops_each_sequence_at_its_end():
    infenc, infdec = hand_set_models()
    out = greedy_decode(infenc, infdec, np.array([[3], [4]]), 6)
    assert out.tolist() == [[A, END, 0, 0, 0, 0]] * 2


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"width": 0}, ValueError, "width must be in"),
        ({"width": 7}, ValueError, "width must be in"),
        ({"max_length": 0}, ValueError, "max_length must be >= 1"),
        ({"length_penalty": -1}, ValueError, "length_penalty"),
        ({"source": [3, 4]}, ValueError, "2-D array of integer tokens"),
        ({"source": [[0.5]]}, ValueError, "integer tokens"),
        ({"width": 1.5}, TypeError, "width must be an integer"),
    ],
)
def test_beam_search_rejects_bad_arguments(kwargs, error, message):
    infenc, infdec = hand_set_models()
    args = {"source": [[3, 4]], "width": 2, "max_length": 4, **kwargs}
    with pytest.raises(error, match=message):
        beam_search(
            infenc,
            infdec,
            args["source"],
            args["width"],
            args["max_length"],
            **(
                {"length_penalty": args["length_penalty"]}
                if "length_penalty" in args
                else {}
            ),
        )


def test_greedy_decode_rejects_mismatched_models():
    infenc, _ = hand_set_models()
    _, _, infdec = define_token_models(6, 4)  # takes two states
    with pytest.raises(ValueError, match="states infenc returns"):
        greedy_decode(infenc, infdec, [[3]], 3)


def test_token_hits():
    target = np.array([[5, 6, END, PAD], [5, END, PAD, PAD]])
    exact, per_token = token_hits(target, [[5, 6, END], [5, 5, END]])
    assert exact.tolist() == [True, False]
    assert per_token.tolist() == [1.0, 0.5]
    with pytest.raises(ValueError, match="as many rows"):
        token_hits(target, [[5]])


# ------------------------------------------------ input a reader gets wrong


@pytest.mark.parametrize(
    "text, message",
    [
        ("sequence,value\n1,2,9\n2,3,4\n", "Expected 2 fields in line 2"),
        ("sequence,value\n1,99999999999999999999\n", "is not an integer"),
        (
            "sequence,value\n1,inf\n",
            "line 2: value 'inf' is not an integer",
        ),
    ],
)
def test_load_sequences_refuses_what_it_would_misread(
    tmp_path, text, message
):
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(ValueError, match=message):
        load_sequences(path)


def test_load_sequences_checks_its_range_argument(tmp_path):
    path = write(tmp_path, "s.csv", "sequence,value\n1,100\n")
    with pytest.raises(ValueError, match=r"values\[1\] must be >= 999"):
        load_sequences(path, values=(999, 100))
    with pytest.raises(TypeError, match="a pair"):
        load_sequences(path, values=500)


def test_load_words_drops_a_byte_order_mark(tmp_path):
    path = tmp_path / "w.txt"
    path.write_text("echo\nlstm\n", encoding="utf-8-sig")
    assert load_words(path) == ["echo", "lstm"]


def test_token_helpers_reject_the_wrong_kind_of_argument():
    lookup = token_lookup(list("ban"))
    with pytest.raises(TypeError, match="single string"):
        encode_tokens(lookup, "banana")
    with pytest.raises(TypeError, match="StringLookup or IntegerLookup"):
        encode_tokens({"a": 3}, ["a"])
    with pytest.raises(TypeError, match="tokens must be integers"):
        decode_tokens(lookup, np.array([[3.0, 2.0]]))
    with pytest.raises(TypeError, match="integer tokens"):
        token_hits([[3.0, 2.0]], [[3, 2]])


@pytest.mark.parametrize(
    "source, message",
    [
        ([[3, -1]], r"source tokens must be in \[0, 5\]"),
        ([[3, 50]], r"source tokens must be in \[0, 5\]"),
        ([[3, 4], [3]], "pad its rows to one length"),
    ],
)
def test_decoders_check_the_source_tokens(source, message):
    infenc, infdec = hand_set_models()
    for decode in (
        lambda: greedy_decode(infenc, infdec, source, 3),
        lambda: beam_search(infenc, infdec, source, 2, 3),
    ):
        with pytest.raises(ValueError, match=message):
            decode()


@pytest.mark.parametrize("penalty", [True, "1", None])
def test_beam_search_length_penalty_must_be_a_number(penalty):
    infenc, infdec = hand_set_models()
    with pytest.raises(TypeError, match="length_penalty must be a number"):
        beam_search(infenc, infdec, [[3]], 2, 3, length_penalty=penalty)
    with pytest.raises(ValueError, match="finite number"):
        beam_search(infenc, infdec, [[3]], 2, 3, length_penalty=np.nan)
    out = beam_search(
        infenc, infdec, [[3]], 2, 3, length_penalty=np.float32(1)
    )
    assert out.shape == (1, 3)


def test_beam_search_prefers_a_finished_output():
    # START: A 0.9, END 0.1; A: A 0.99, END 0.01. In 3 steps the likeliest
    # hypothesis, A A A, never ends; END alone is the only finished one.
    table = TABLE.copy()
    table[START] = [0, 0, 0.1, 0.9, 0, 0]
    table[A] = [0, 0, 0.01, 0.99, 0, 0]
    infenc, infdec = hand_set_models(table)
    out = beam_search(infenc, infdec, [[3]], 2, 3)
    assert out.tolist() == [[END, PAD, PAD]]
    # with width 1 nothing finishes: the unfinished output is returned
    assert beam_search(infenc, infdec, [[3]], 1, 3).tolist() == [[A, A, A]]


def test_token_attention_models_ignore_padding_and_fit_the_decoders():
    from seqecho.models import define_token_attention_models

    keras.utils.set_random_seed(5)
    model, infenc, infdec = define_token_attention_models(12, 8)
    source, shifted, target = variable_echo(64, 9, 2, 6, seed=5)
    model.fit([source, shifted], target, epochs=2, verbose=0)
    greedy = greedy_decode(infenc, infdec, source, 8)
    padded = np.pad(source, ((0, 0), (0, 6)))
    assert (greedy_decode(infenc, infdec, padded, 8) == greedy).all()
    assert (beam_search(infenc, infdec, source, 1, 8) == greedy).all()
    wide = beam_search(infenc, infdec, padded, 3, 8)
    assert (beam_search(infenc, infdec, source, 3, 8) == wide).all()
    # the training loss ignores padded targets, as in define_token_models
    scrambled = target.copy()
    scrambled[target == PAD] = FIRST_VALUE
    loss = model.test_on_batch([source, shifted], target)[0]
    assert loss == pytest.approx(
        model.test_on_batch([source, shifted], scrambled)[0], abs=1e-6
    )
