"""Figures the chapters share: one-hot heatmaps, framing pictures, learning
curves, comparisons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from seqecho._checks import check_array
from seqecho.data import one_hot_decode
from seqecho.train import TrainingLog


def plot_one_hot(
    encoded: np.ndarray, ax: plt.Axes | None = None, title: str = ""
) -> plt.Axes:
    """Heatmap of a one-hot encoded sequence: one row per step, the 1 in
    each row lit."""
    encoded = check_array("encoded", encoded, ndim=2)
    ax = ax or plt.subplots(figsize=(9, 0.25 * len(encoded) + 1))[1]
    ax.imshow(encoded, aspect="auto", cmap="Greys", interpolation="nearest")
    ax.set_xlabel(f"feature (which of the {encoded.shape[1]} values)")
    ax.set_ylabel("step")
    for step, value in enumerate(one_hot_decode(encoded)):
        ax.annotate(
            str(value),
            (value, step),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="tab:red",
        )
    ax.set_title(
        title
        or f"One-hot encoding: {encoded.shape[0]} steps x "
        f"{encoded.shape[1]} features"
    )
    return ax


def plot_windows(
    X: np.ndarray,
    y: np.ndarray,
    n_rows: int = 8,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """The supervised framing as a grid: each row a sample, each column a
    timestep.

    Cells hold the decoded integers of ``X``; the steps that are also the
    target ``y`` (the first ``n_out`` of the window) are shaded.
    """
    X, y = check_array("X", X, ndim=3), check_array("y", y, ndim=3)
    values = np.argmax(X[:n_rows], axis=-1)
    n_out = y.shape[1]
    ax = (
        ax
        or plt.subplots(
            figsize=(1.0 * X.shape[1] + 2, 0.4 * len(values) + 1)
        )[1]
    )
    shade = np.zeros(values.shape)
    shade[:, :n_out] = 1
    ax.imshow(shade, cmap="Blues", vmin=0, vmax=2.5, aspect="auto")
    for (row, col), value in np.ndenumerate(values):
        ax.text(col, row, str(value), ha="center", va="center")
    ax.set_xticks(
        range(X.shape[1]),
        [
            f"t{col - X.shape[1] + 1:+d}" if col < X.shape[1] - 1 else "t"
            for col in range(X.shape[1])
        ],
    )
    ax.set_yticks(range(len(values)))
    ax.set_xlabel("timestep within the sample (shaded: also the target y)")
    ax.set_ylabel("sample")
    ax.set_title(
        f"X: {X.shape} = [samples, timesteps, features];  y: {y.shape}"
    )
    return ax


def plot_samples(X: np.ndarray, n_samples: int = 3) -> plt.Figure:
    """Draw the first samples of a 3-D input side by side: each a (timesteps
    x features) grid."""
    X = check_array("X", X, ndim=3)
    n = min(n_samples, len(X))
    fig, axes = plt.subplots(
        1, n, figsize=(4 * n, 2.2), sharey=True, squeeze=False
    )
    for index, ax in enumerate(axes[0]):
        ax.imshow(
            X[index], aspect="auto", cmap="Greys", interpolation="nearest"
        )
        ax.set_title(
            f"sample {index}: {one_hot_decode(X[index])}", fontsize=9
        )
        ax.set_xlabel("features")
    axes[0, 0].set_ylabel("timesteps")
    fig.suptitle(
        f"An LSTM input is 3-D: {X.shape[0]} samples x {X.shape[1]} "
        f"timesteps x {X.shape[2]} features"
    )
    fig.tight_layout()
    return fig


def plot_learning_curves(
    logs: Mapping[str, TrainingLog],
    window: int = 20,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Accuracy per training sequence (smoothed over ``window`` sequences),
    one line per run."""
    if not logs:
        raise ValueError("logs must name at least one TrainingLog")
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    for label, log in logs.items():
        if not isinstance(log, TrainingLog):
            raise TypeError(
                f"logs[{label!r}] must be a TrainingLog, got "
                f"{type(log).__name__}"
            )
        smooth = log.smoothed(window)
        ax.plot(
            np.arange(len(smooth)) + min(window, log.sequences),
            smooth,
            label=label,
        )
    ax.set_xlabel("training sequences")
    ax.set_ylabel(f"accuracy (mean of last {window})")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def plot_accuracy_bars(
    results: Mapping[str, float],
    chance: float | None = None,
    ax: plt.Axes | None = None,
    title: str = "",
) -> plt.Axes:
    """Bar chart of accuracies on unseen sequences, labelled with their
    percentages."""
    if not results:
        raise ValueError("results must hold at least one accuracy")
    ax = ax or plt.subplots(figsize=(1.6 * len(results) + 2, 3.5))[1]
    labels, values = list(results), [float(v) for v in results.values()]
    bars = ax.bar(range(len(values)), values, color="tab:blue")
    ax.bar_label(bars, [f"{v:.1%}" for v in values])
    ax.set_xticks(range(len(values)), labels, fontsize=8)
    if chance is not None:
        ax.axhline(
            chance,
            color="tab:red",
            ls="--",
            lw=1,
            label=f"chance ({chance:.0%})",
        )
        ax.legend(loc="upper left")
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("accuracy on unseen sequences")
    ax.set_title(title)
    return ax


def plot_encoder_decoder(
    n_in: int = 5, n_out: int = 2, ax: plt.Axes | None = None
) -> plt.Axes:
    """Diagram of the RepeatVector encoder-decoder: inputs -> encoder ->
    repeated code -> decoder -> outputs."""
    if n_in < 1 or n_out < 1:
        raise ValueError(
            f"n_in and n_out must be >= 1, got {n_in} and {n_out}"
        )
    ax = ax or plt.subplots(figsize=(9, 3.6))[1]
    box = dict(boxstyle="round,pad=0.3", linewidth=1)
    arrow = dict(arrowstyle="->", color="0.4")

    def node(x, y, text, color):
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=9,
            bbox={**box, "facecolor": color},
        )

    for i in range(n_in):
        node(i, 0, f"x{i + 1}", "#dbe9f6")
        node(i, 1.2, "LSTM", "#9ecae1")
        ax.annotate("", (i, 0.95), (i, 0.25), arrowprops=arrow)
        if i:
            ax.annotate(
                "", (i - 0.25, 1.2), (i - 0.75, 1.2), arrowprops=arrow
            )
    code_x = n_in + 0.3
    node(code_x, 1.2, "code\n(last h)", "#fdd0a2")
    ax.annotate(
        "", (code_x - 0.45, 1.2), (n_in - 0.75, 1.2), arrowprops=arrow
    )
    start = n_in + 1.6
    for j in range(n_out):
        x = start + j
        node(x, 2.2, "repeat", "#fdd0a2")
        ax.annotate("", (x, 2.0), (code_x + 0.3, 1.45), arrowprops=arrow)
        node(x, 3.2, "LSTM", "#a1d99b")
        ax.annotate("", (x, 2.95), (x, 2.4), arrowprops=arrow)
        node(x, 4.3, f"softmax\ny{j + 1}", "#e5f5e0")
        ax.annotate("", (x, 4.0), (x, 3.45), arrowprops=arrow)
        if j:
            ax.annotate(
                "", (x - 0.25, 3.2), (x - 0.75, 3.2), arrowprops=arrow
            )
    ax.text(
        (n_in - 1) / 2, -0.8, f"encoder reads {n_in} steps", ha="center"
    )
    ax.text(
        start + (n_out - 1) / 2,
        5.2,
        f"decoder writes {n_out} steps",
        ha="center",
    )
    ax.set_xlim(-0.8, start + n_out)
    ax.set_ylim(-1.2, 5.6)
    ax.axis("off")
    return ax


def _mean_and_range(
    ax: plt.Axes, x: Sequence, scores: Sequence[np.ndarray], label: str
) -> None:
    """One line of means over seeds at each ``x``, with a min-max band."""
    (line,) = ax.plot(
        x, [s.mean() for s in scores], marker="o", label=label
    )
    ax.fill_between(
        x,
        [s.min() for s in scores],
        [s.max() for s in scores],
        color=line.get_color(),
        alpha=0.2,
        lw=0,
    )


def _chance(ax: plt.Axes, chance: float | None) -> None:
    """A dashed line at chance level, if one is given."""
    if chance is not None:
        ax.axhline(
            chance,
            color="0.3",
            ls="--",
            lw=1,
            label=f"chance ({chance:.0%})",
        )


def plot_accuracy_by_gap(
    results: Mapping[str, Mapping[int, Sequence[float]]],
    chance: float | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Accuracy against the gap, one line per model: the mean over seeds
    and a min-max band.

    ``results[label][gap]`` holds one accuracy per seed.

    >>> scores = {"LSTM": {2: [1.0, 0.9], 8: [0.5, 0.3]}}
    >>> ax = plot_accuracy_by_gap(scores, chance=0.1)
    >>> ax.get_xlabel()
    'gap (steps from the value to the end)'
    """
    if not results:
        raise ValueError("results must name at least one model")
    ax = ax or plt.subplots(figsize=(7, 3.8))[1]
    for label, by_gap in results.items():
        if not by_gap:
            raise ValueError(
                f"results[{label!r}] must map at least one gap to its "
                "accuracies"
            )
        gaps = sorted(by_gap)
        scores = [np.asarray(by_gap[gap], dtype=float) for gap in gaps]
        _mean_and_range(ax, gaps, scores, label)
    _chance(ax, chance)
    ax.set_xscale("log", base=2)
    all_gaps = sorted(
        {gap for by_gap in results.values() for gap in by_gap}
    )
    ax.set_xticks(all_gaps, [str(gap) for gap in all_gaps])
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("gap (steps from the value to the end)")
    ax.set_ylabel("accuracy on unseen sequences")
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def plot_gradient_by_distance(
    norms: Mapping[str, np.ndarray],
    ax: plt.Axes | None = None,
    title: str = "",
) -> plt.Axes:
    """Gradient norm per input step against its distance from the end, on a
    log scale.

    ``norms[label]`` is one value per input step, in input order (as
    :func:`seqecho.evaluate.input_gradient_norms` returns it); the last step
    is drawn at distance 0.

    >>> norms = {"LSTM": np.array([0.01, 0.1, 1.0])}
    >>> plot_gradient_by_distance(norms).get_yscale()
    'log'
    """
    if not norms:
        raise ValueError("norms must name at least one model")
    ax = ax or plt.subplots(figsize=(7, 3.8))[1]
    for label, values in norms.items():
        values = check_array(f"norms[{label!r}]", values, ndim=1)
        ax.plot(np.arange(len(values)), values[::-1], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("steps back from the end")
    ax.set_ylabel("mean |d loss / d input|")
    ax.grid(alpha=0.3, which="both")
    ax.set_title(title)
    ax.legend()
    return ax


def plot_probe_accuracy(
    results: Mapping[str, np.ndarray],
    chance: float | None = None,
    ax: plt.Axes | None = None,
    title: str = "",
) -> plt.Axes:
    """Probe accuracy against how many steps back the probed value lies,
    one line per model: the mean over seeds and a min-max band.

    ``results[label]`` is (seeds, lags): one row per seed, one column per
    lag ``0, 1, 2, ...`` (as rows of :func:`seqecho.probes.probe_lags`).

    >>> ax = plot_probe_accuracy({"lag 1": np.array([[1.0, 0.9, 0.1]])})
    >>> ax.get_xlabel()
    'j: the probe reads x(t - j) from the state after step t'
    """
    if not results:
        raise ValueError("results must name at least one model")
    ax = ax or plt.subplots(figsize=(7, 3.8))[1]
    for label, scores in results.items():
        scores = check_array(f"results[{label!r}]", scores, ndim=2)
        _mean_and_range(
            ax, np.arange(scores.shape[1]), list(scores.T), label
        )
    _chance(ax, chance)
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("j: the probe reads x(t - j) from the state after step t")
    ax.set_ylabel("probe accuracy, unseen")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax
