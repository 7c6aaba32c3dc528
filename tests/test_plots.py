import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from seqecho.data import generate_sequence, one_hot_encode, to_supervised  # noqa: E402
from seqecho.plots import (  # noqa: E402
    plot_accuracy_bars,
    plot_learning_curves,
    plot_one_hot,
    plot_samples,
    plot_windows,
)
from seqecho.train import TrainingLog  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_one_hot_marks_each_value():
    values = generate_sequence(6, 10, seed=0)
    ax = plot_one_hot(one_hot_encode(values, 10))
    assert [t.get_text() for t in ax.texts] == [str(v) for v in values]


def test_plot_windows_and_samples():
    X, y = to_supervised(one_hot_encode(list(range(10)), 10), 5, 3)
    ax = plot_windows(X, y, n_rows=4)
    assert len(ax.texts) == 4 * 5 and "(6, 5, 10)" in ax.get_title()
    fig = plot_samples(X, 2)
    assert len(fig.axes) == 2


def test_plot_learning_curves_and_bars():
    log = TrainingLog(loss=[1.0] * 30, accuracy=list(np.linspace(0, 1, 30)))
    ax = plot_learning_curves({"run": log}, window=5)
    assert len(ax.lines) == 1 and len(ax.lines[0].get_ydata()) == 26
    ax = plot_accuracy_bars({"a": 0.5, "b": 1.0}, chance=0.01)
    assert [t.get_text() for t in ax.texts] == ["50.0%", "100.0%"]


def test_plot_bad_input():
    with pytest.raises(ValueError):
        plot_learning_curves({})
    with pytest.raises(TypeError):
        plot_learning_curves({"x": [1, 2]})
    with pytest.raises(ValueError):
        plot_accuracy_bars({})
    with pytest.raises(ValueError, match="2-D"):
        plot_one_hot(np.zeros(3))


def test_plot_encoder_decoder_draws_every_step():
    from seqecho.plots import plot_encoder_decoder

    ax = plot_encoder_decoder(5, 2)
    labels = [t.get_text() for t in ax.texts]
    assert [text for text in labels if text.startswith("x")] == [
        "x1",
        "x2",
        "x3",
        "x4",
        "x5",
    ]
    assert sum(text.startswith("softmax") for text in labels) == 2
    with pytest.raises(ValueError, match="n_out"):
        plot_encoder_decoder(5, 0)


def test_plot_accuracy_by_gap_draws_a_mean_line_band_and_chance():
    from seqecho.plots import plot_accuracy_by_gap

    ax = plot_accuracy_by_gap(
        {"A": {2: [1.0, 0.8], 8: [0.2, 0.1]}, "B": {2: [0.5, 0.5]}},
        chance=0.1,
    )
    lines = [
        line for line in ax.get_lines() if line.get_label() in ("A", "B")
    ]
    assert [list(line.get_ydata()) for line in lines] == [
        [0.9, 0.15000000000000002],
        [0.5],
    ]
    assert len(ax.collections) == 2 and ax.get_xscale() == "log"
    assert any("chance" in line.get_label() for line in ax.get_lines())
    with pytest.raises(ValueError, match="at least one"):
        plot_accuracy_by_gap({})
    with pytest.raises(ValueError, match="gap"):
        plot_accuracy_by_gap({"A": {}})


def test_plot_gradient_by_distance_puts_the_last_step_at_zero():
    from seqecho.plots import plot_gradient_by_distance

    ax = plot_gradient_by_distance(
        {"A": np.array([0.01, 0.1, 1.0])}, title="t"
    )
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [0, 1, 2] and list(
        line.get_ydata()
    ) == [1.0, 0.1, 0.01]
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="1-D"):
        plot_gradient_by_distance({"A": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="at least one"):
        plot_gradient_by_distance({})


def test_plot_probe_accuracy_draws_mean_band_and_chance():
    from seqecho.plots import plot_probe_accuracy

    ax = plot_probe_accuracy(
        {"lag 1": np.array([[1.0, 0.8, 0.1], [1.0, 0.6, 0.1]])},
        chance=0.1,
        title="h",
    )
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "lag 1"]
    assert list(line.get_xdata()) == [0, 1, 2]
    np.testing.assert_allclose(line.get_ydata(), [1.0, 0.7, 0.1])
    assert len(ax.collections) == 1 and ax.get_title() == "h"
    assert any("chance" in ln.get_label() for ln in ax.get_lines())
    with pytest.raises(ValueError, match="at least one"):
        plot_probe_accuracy({})
    with pytest.raises(ValueError, match="2-D"):
        plot_probe_accuracy({"a": np.zeros(3)})
    plt.close("all")
