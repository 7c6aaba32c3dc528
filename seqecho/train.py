"""Training loops: many fresh random sequences, one small batch at a time,
without ``model.fit`` overhead.

The tutorials call ``model.fit`` once per random sequence. Each call builds
a data pipeline and callbacks before doing a few milliseconds of work, so
the overhead dominates. ``fit_sequences`` instead calls ``train_on_batch``
(a compiled train step) for each batch, resets the state of stateful layers
between sequences, and shows one Keras progress bar
(``keras.utils.Progbar``, the bar ``model.fit`` shows) per run.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import keras
import numpy as np

from seqecho._checks import check_int
from seqecho.batches import (
    MakeData,
    batch_slices,
    check_batching,
    split_example,
)
from seqecho.data import as_generator
from seqecho.layers import zero_variables
from seqecho.models import check_state_is_carried, is_stateful, reset_states


@dataclass
class TrainingLog:
    """What a training run did: loss and accuracy per sequence, samples seen
    and time taken."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    samples: int = 0
    seconds: float = 0.0

    @property
    def sequences(self) -> int:
        """How many sequences (the tutorials' "epochs") were trained on."""
        return len(self.loss)

    def smoothed(self, window: int = 20) -> np.ndarray:
        """Accuracy averaged over a sliding ``window`` of sequences (for
        plotting)."""
        acc = np.asarray(self.accuracy, dtype=float)
        window = max(1, min(int(window), len(acc)))
        return np.convolve(acc, np.ones(window) / window, mode="valid")


@contextmanager
def metrics_over_sequence(model: keras.Model) -> Iterator[None]:
    """Reset ``model``'s metrics once, then keep them running over every
    ``train_on_batch`` call in the block.

    The logs of the block's last call then pool the whole sequence: each
    batch scored before its update, samples of weight 0 left out.

    Keras' ``train_on_batch`` resets every metric before each batch, one
    variable assignment at a time from Python; for the book's small models
    that took about 40% of a five-copy step. Inside the block the
    instance's ``reset_metrics`` does nothing, and the one reset sets every
    metric variable to zero at once
    (:func:`seqecho.layers.zero_variables`), as each metric's own
    ``reset_state()`` would.

    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    >>> model.compile(loss="mse", metrics=["mae"])
    >>> with metrics_over_sequence(model):
    ...     first = model.train_on_batch(np.ones((1, 2)), np.ones((1, 2)))
    >>> "reset_metrics" in vars(model)
    False
    """
    zero_variables(model.metrics_variables)  # Keras' reset, in one call
    model.reset_metrics = _keep_metrics
    try:
        yield
    finally:
        del model.reset_metrics


def _keep_metrics() -> None:
    """Stands in for ``reset_metrics`` inside
    :func:`metrics_over_sequence`."""


def fit_sequences(
    model: keras.Model,
    make_data: MakeData,
    n_sequences: int,
    batch_size: int,
    *,
    seed: int | np.random.Generator | None = None,
    verbose: int = 1,
    target_accuracy: float | None = None,
    window: int = 20,
) -> TrainingLog:
    """Train ``model`` on ``n_sequences`` fresh sequences from
    ``make_data``, in order.

    Every sequence is cut into consecutive batches of ``batch_size`` (never
    shuffled) and each batch is one ``train_on_batch`` call; stateful layers
    are reset after each sequence. The accuracy logged for a sequence is
    measured on it *before* the model has trained on it, batch by batch,
    and pooled over its batches (:func:`metrics_over_sequence`), so it
    estimates accuracy on unseen data. With ``target_accuracy``, training
    stops early once the mean accuracy of the last ``window`` sequences
    reaches it. ``verbose=1`` shows one progress bar with the sequences
    done, the latest loss, the accuracy of the last ``window`` sequences and
    the time: redrawn in place in a terminal, four short lines in a notebook
    (see :func:`progress_bar`); ``verbose=0`` is silent.

    >>> log = fit_sequences(model, make_data, 300, 12)  # doctest: +SKIP
    >>> log.sequences, log.accuracy[-1]  # doctest: +SKIP
    (300, 1.0)
    """
    n_sequences = check_int("n_sequences", n_sequences, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    verbose = check_int("verbose", verbose, minimum=0, maximum=1)
    window = check_int("window", window, minimum=1)
    if target_accuracy is not None and not 0.0 < target_accuracy <= 1.0:
        raise ValueError(
            f"target_accuracy must be in (0, 1], got {target_accuracy!r}"
        )
    rng, log, start = as_generator(seed), TrainingLog(), time.perf_counter()
    stateful = is_stateful(model)
    if stateful:
        check_state_is_carried(model)
    bar, every = None, progress_every(n_sequences)
    if verbose:
        bar = progress_bar(
            n_sequences,
            f"Training on {n_sequences} sequences in batches of "
            f"{batch_size} (accuracy: last {min(window, n_sequences)} "
            "sequences)",
        )
    for index in range(1, n_sequences + 1):
        X, y, weight = split_example(make_data(rng))
        if index == 1:
            check_batching(model, len(X), batch_size)
        with metrics_over_sequence(model):
            for part in batch_slices(len(X), batch_size):
                logs = model.train_on_batch(
                    X[part],
                    y[part],
                    None if weight is None else weight[part],
                    return_dict=True,
                )
        if stateful:
            reset_states(model)
        log.loss.append(float(logs["loss"]))
        log.accuracy.append(float(logs["accuracy"]))
        log.samples += len(X)
        done = (
            target_accuracy is not None
            and index >= window
            and np.mean(log.accuracy[-window:]) >= target_accuracy
        )
        last = done or index == n_sequences
        if bar is not None and (index % every == 0 or last):
            bar.update(
                index,
                progress_values(log, min(window, n_sequences)),
                finalize=last,
            )
        if done:
            break
    log.seconds = time.perf_counter() - start
    return log


def dynamic_display() -> bool:
    """Whether standard output is a terminal, where a bar can be redrawn in
    place."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def progress_bar(total: int, heading: str = "") -> keras.utils.Progbar:
    """One Keras progress bar for a run of ``total`` sequences, under a
    ``heading`` line.

    In a terminal the bar is redrawn in place, at most ten times a second.
    Anywhere else (a notebook, a log file) each redraw would be kept as
    carriage returns and backspaces, so the bar prints a plain new line at
    each checkpoint instead (see ``progress_every``). Keras redraws in place
    on every POSIX system; its ``_dynamic_display`` flag is the only switch,
    so it is set here. A plain line starts with a line break, which ends the
    heading.

    >>> progress_bar(300).target
    300
    """
    total = check_int("total", total, minimum=1)
    if not isinstance(heading, str):
        raise TypeError(
            f"heading must be a string, got {type(heading).__name__}"
        )
    dynamic = dynamic_display()
    bar = keras.utils.Progbar(
        total,
        width=12,
        verbose=1,
        interval=0.1 if dynamic else 0.0,
        stateless_metrics=(),
        unit_name="seq",
    )  # show values as given
    bar._dynamic_display = dynamic
    if heading:
        print(heading, end="\n" if dynamic else "", flush=True)
    return bar


def progress_every(total: int, lines: int = 4) -> int:
    """Sequences between progress updates: every one in a terminal, else
    ``lines`` lines per run."""
    total = check_int("total", total, minimum=1)
    lines = check_int("lines", lines, minimum=1)
    return 1 if dynamic_display() else math.ceil(total / lines)


def progress_values(
    log: TrainingLog, window: int
) -> list[tuple[str, float]]:
    """What the bar shows after a sequence: its loss and the accuracy of the
    last ``window``."""
    recent = log.accuracy[-window:]
    return [("loss", log.loss[-1]), ("accuracy", float(np.mean(recent)))]
