"""Chapter 10, what chapter 3's one-step model still holds as it decays
after a reset, and how a probe's score grows with its training data.

Chapter 3's one-step recipe (stateful LSTM of 50 units, 100 values,
batches of 6 streams of 25 values, one timestep per sample, 600 sequences,
Adam at 0.01; five seeds from 3, after ``keras.utils.set_random_seed(10)``)
traced with ``seqecho.probes.trace_lstm`` on 3,000 unseen streams from a
reset (seed 2024). After 1, 2, 3, 4 and 8 values read before x(t): the
model's own answers to x(t-1), and probes of ``h`` at that step alone
(trained on 1,500 of the streams, scored on the other 1,500) for x(t-1)
and x(t). Then probes trained on the states of 1,500, 3,000, 9,000 or
27,000 other streams from a reset (seed 2025), scored on all 3,000: x(t-1)
after eight values from ``h`` and from ``[h, c]``, and x(t) after one and
after eight values from ``h``. Chance is 1%.

Run: make experiments ONLY=ch10_decay_probe (about 5 minutes on 2 CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import lag_streams
from seqecho.models import build_lstm, reset_states
from seqecho.probes import probe_accuracy, trace_lstm
from seqecho.results import write_results
from seqecho.seeds import build_copies, copy_model, fit_copies

N_SEEDS, N_VALUES = 5, 100
READ = [1, 2, 3, 4, 8]  # values read since the reset, before x(t)
SIZES = [1_500, 3_000, 9_000, 27_000]  # probe training states
PROBES = {  # name: (state, step, offset of the value read at the step)
    "x(t-1) after 8, h": ("h", 8, 0),
    "x(t-1) after 8, [h, c]": ("[h, c]", 8, 0),
    "x(t) after 1, h": ("h", 1, 1),
    "x(t) after 8, h": ("h", 8, 1),
}


def one_hot(values):
    """Streams of values as the model's inputs, x(1) onwards."""
    return np.eye(N_VALUES, dtype="float32")[values[:, 1:]]


def decay_table(model, streamed, trace):
    """The model's answers to x(t-1), and probes of h (1,500 streams
    train, 1,500 score) for x(t-1) and x(t), at each step in READ."""
    W, b = model.get_layer("per_step").get_weights()
    answers = (trace.h @ W + b).argmax(-1)  # the model's own read-out
    return answers, {
        "model's answer": [
            float((answers[:, s] == streamed[:, s]).mean()) for s in READ
        ],
        "probe of x(t-1)": [
            probe_accuracy(trace.h[:, s], streamed[:, s]) for s in READ
        ],
        "probe of x(t)": [
            probe_accuracy(trace.h[:, s], streamed[:, s + 1]) for s in READ
        ],
    }


def stepwise_agreement(model, X, answers):
    """How often Keras, fed one step at a time from a reset, gives the
    NumPy read-out's answer (first 6 streams)."""
    reset_states(model)
    steps = [
        model.predict_on_batch(X[:6, s : s + 1]) for s in range(X.shape[1])
    ]
    reset_states(model)
    return float((np.concatenate(steps, 1).argmax(-1) == answers).mean())


def probe_by_size(train, train_values, held, held_values):
    """Probe accuracy, trained on the first n states of ``train`` for
    each n in SIZES, always scored on ``held``."""
    return [
        probe_accuracy(
            np.concatenate([train[:n], held]),
            np.concatenate([train_values[:n], held_values]),
            train_fraction=n / (n + len(held)),
        )
        for n in SIZES
    ]


def states(trace, step):
    """h and [h, c] after ``step`` values read from a reset."""
    h, c = trace.h[:, step], trace.c[:, step]
    return {"h": h, "[h, c]": np.concatenate([h, c], axis=-1)}


if __name__ == "__main__":
    keras.utils.set_random_seed(10)
    start = time.perf_counter()
    one_step = build_copies(
        lambda: build_lstm(
            1,
            N_VALUES,
            50,
            batch_size=6,
            stateful=True,
            return_sequences=True,
            learning_rate=0.01,
        ),
        N_SEEDS,
        seed=3,
    )
    fit_copies(
        one_step,
        lambda rng: lag_streams(rng, n_streams=6, length=25, window=1),
        100,
        6,
        seed=3,
        verbose=0,
    )
    rng = np.random.default_rng(2024)
    streamed = rng.integers(0, N_VALUES, size=(3000, 25))
    extra = np.random.default_rng(2025).integers(
        0, N_VALUES, size=(SIZES[-1], 10)
    )
    X_streams, X_extra = one_hot(streamed), one_hot(extra)
    table = {}
    agreement, by_size = [], {name: [] for name in PROBES}
    for k in range(N_SEEDS):
        model = copy_model(one_step, k)
        layer = model.get_layer("lstm")
        trace = trace_lstm(layer, X_streams)
        answers, rows = decay_table(model, streamed, trace)
        for name, row in rows.items():
            table.setdefault(name, []).append(row)
        agreement.append(stepwise_agreement(model, X_streams, answers[:6]))
        train = trace_lstm(layer, X_extra)  # 27,000 new streams
        for name, (state, step, offset) in PROBES.items():
            by_size[name].append(
                probe_by_size(
                    states(train, step)[state],
                    extra[:, step + offset],
                    states(trace, step)[state],
                    streamed[:, step + offset],
                )
            )
        print(k, round(time.perf_counter() - start), flush=True)
    for name, r in {**table, **by_size}.items():
        print(name, np.round(np.mean(r, 0), 3).tolist())
    write_results(
        __file__,
        {
            "read": READ,
            "sizes": SIZES,
            "table": table,
            "stepwise agreement": agreement,
            "by size": by_size,
        },
        seeds=[3 + k for k in range(N_SEEDS)],
        budgets={"sequences": 600, "probe training states": SIZES},
        wall_seconds=time.perf_counter() - start,
    )
