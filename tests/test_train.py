import re
import sys

import keras
import numpy as np
import pytest

from seqecho.data import generate_sequence, one_hot_encode
from seqecho.models import build_lstm
from seqecho.train import (
    TrainingLog,
    fit_sequences,
    progress_bar,
    progress_every,
)


def echo_data(rng, length=12, n_unique=10):
    """Echo the current value: X (length, 1, n_unique), y (length,
    n_unique)."""
    encoded = one_hot_encode(
        generate_sequence(length, n_unique, seed=rng), n_unique
    )
    return encoded[:, None, :], encoded


def test_fit_sequences_learns_echo_and_logs_each_sequence(capsys):
    keras.utils.set_random_seed(0)
    model = build_lstm(1, 10, 16, learning_rate=0.02)
    log = fit_sequences(model, echo_data, 150, batch_size=12, seed=0)
    assert isinstance(log, TrainingLog)
    assert (
        log.sequences == 150
        and len(log.accuracy) == 150
        and log.samples == 150 * 12
    )
    assert np.mean(log.accuracy[:10]) < 0.5 < np.mean(log.accuracy[-10:])
    assert log.loss[-1] < log.loss[0]
    lines = printed_lines(capsys)
    assert (
        lines[0] == "Training on 150 sequences in batches of 12 "
        "(accuracy: last 20 sequences)"
    )
    assert [line.split()[0] for line in lines[1:]] == [
        "38/150",
        "76/150",
        "114/150",
        "150/150",
    ]
    last = lines[-1]
    assert f"loss: {log.loss[-1]:.4f}" in last
    assert f"accuracy: {np.mean(log.accuracy[-20:]):.4f}" in last
    assert re.search(r" \d+s \d+m?s/seq ", last), (
        last
    )  # time taken and time per sequence


def printed_lines(capsys) -> list[str]:
    """What a run printed, colours removed; fails on in-place redraws
    (carriage returns)."""
    out = capsys.readouterr().out
    assert "\r" not in out and "\b" not in out, (
        "outside a terminal the bar prints plain lines"
    )
    assert out.endswith("\n")
    return re.sub(r"\x1b\[[0-9;]*m", "", out).rstrip().splitlines()


def test_progress_stops_with_early_stopping(capsys):
    keras.utils.set_random_seed(0)
    model = build_lstm(1, 10, 16, learning_rate=0.02)
    log = fit_sequences(
        model,
        echo_data,
        2000,
        batch_size=12,
        seed=0,
        target_accuracy=0.9,
        window=10,
    )
    lines = printed_lines(capsys)
    assert len(lines) <= 6 and lines[-1].startswith(
        f"{log.sequences:4d}/2000 "
    )
    assert (
        f"accuracy: {np.mean(log.accuracy[-10:]):.4f}" in lines[-1]
        and "last 10 sequences" in lines[0]
    )


def test_progress_is_redrawn_in_place_in_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    keras.utils.set_random_seed(0)
    fit_sequences(
        build_lstm(1, 10, 4), echo_data, 30, batch_size=12, seed=0
    )
    out = capsys.readouterr().out
    assert out.startswith(
        "Training on 30 sequences in batches of 12 (accuracy: last 20 "
        "sequences)\n"
    )
    assert (
        out.count("\n") == 2 and out.count("\r") >= 1
    )  # heading, then one bar redrawn in place
    assert "30/30" in out.rsplit("\r", 1)[1]


def test_progress_bar_checks_its_arguments():
    assert (
        progress_every(300, lines=4) == 75
        and progress_every(3, lines=4) == 1
    )
    with pytest.raises(ValueError, match="total"):
        progress_bar(0)
    with pytest.raises(TypeError, match="heading"):
        progress_bar(10, heading=None)
    with pytest.raises(ValueError, match="lines"):
        progress_every(10, lines=0)


def test_fit_sequences_stops_at_target_accuracy():
    keras.utils.set_random_seed(0)
    model = build_lstm(1, 10, 16, learning_rate=0.02)
    log = fit_sequences(
        model,
        echo_data,
        2000,
        batch_size=12,
        seed=0,
        verbose=0,
        target_accuracy=0.9,
        window=10,
    )
    assert log.sequences < 2000
    assert np.mean(log.accuracy[-10:]) >= 0.9


def test_fit_sequences_resets_stateful_layers_between_sequences():
    model = build_lstm(1, 10, 4, batch_size=4, stateful=True)
    fit_sequences(
        model,
        lambda rng: echo_data(rng, length=8),
        2,
        batch_size=4,
        seed=0,
        verbose=0,
    )
    assert all(
        np.abs(np.asarray(s)).sum() == 0
        for s in model.get_layer("lstm").states
    )


def test_fit_sequences_uses_sample_weight():
    keras.utils.set_random_seed(0)
    model = build_lstm(1, 10, 4)

    def weighted(rng):
        X, y = echo_data(rng)
        return X, y, np.zeros(len(X))

    log = fit_sequences(
        model, weighted, 3, batch_size=12, seed=0, verbose=0
    )
    assert log.loss == [0.0, 0.0, 0.0]


def test_stateful_batch_size_must_divide_samples():
    model = build_lstm(1, 10, 4, batch_size=5, stateful=True)
    with pytest.raises(
        ValueError, match=r"divide.*12 samples.*\[1, 2, 3, 4, 6, 12\]"
    ):
        fit_sequences(model, echo_data, 1, batch_size=5, verbose=0)


def test_batch_size_must_match_fixed_model_batch():
    model = build_lstm(1, 10, 4, batch_size=6, stateful=True)
    with pytest.raises(ValueError, match="built for batches of 6"):
        fit_sequences(model, echo_data, 1, batch_size=4, verbose=0)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(n_sequences=0), ValueError, "n_sequences"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(target_accuracy=1.5), ValueError, "target_accuracy"),
        (dict(n_sequences=2.0), TypeError, "n_sequences"),
        (dict(verbose=2), ValueError, "verbose"),
        (dict(window=0), ValueError, "window"),
    ],
)
def test_fit_sequences_bad_arguments(kwargs, error, words):
    model = build_lstm(1, 10, 4)
    with pytest.raises(error, match=words):
        fit_sequences(
            model,
            echo_data,
            **{"n_sequences": 1, "batch_size": 12, "verbose": 0, **kwargs},
        )


def test_smoothed_accuracy():
    log = TrainingLog(loss=[1, 1, 1, 1], accuracy=[0, 1, 0, 1])
    assert log.smoothed(2).tolist() == [0.5, 0.5, 0.5]
    assert log.sequences == 4


def test_logged_accuracy_honours_sample_weight():
    keras.utils.set_random_seed(0)
    model = build_lstm(1, 10, 4)
    X, y = echo_data(np.random.default_rng(0))
    y = y.copy()  # X is a view of y: keep the inputs unchanged
    predicted = model.predict_on_batch(X).argmax(-1)
    right = (predicted == y.argmax(-1)).astype(float)
    if right.sum() == 0:  # make sure one sample counts as right
        y[0] = np.eye(10)[predicted[0]]
        right[0] = 1
    log = fit_sequences(
        model, lambda rng: (X, y, right), 1, batch_size=12, verbose=0
    )
    assert log.accuracy == [1.0]  # only the right samples are scored
