"""Chapter 10, the lag models at the chapter's budget and at four times it.

The chapter's LSTMs of 20 units (five seeds from 10, after
``keras.utils.set_random_seed(10)``), trained to echo lags 1, 2 and 3 on
sequences of 12 values from 0 to 9, each lag from the same initial weights
(``restart_point``): 10 passes over 1,000 sequences in batches of 32
(the chapter's 320 updates), then 30 more passes over the same sequences
(40 in all, 4x). At both budgets, on the chapter's 400 unseen sequences:
the echo accuracy, probes of ``h`` for x(t-j), j = 0..8 (200 sequences
train, 200 score; chance 10%), and the mean forget and input gates over
units, steps and sequences.

Run: make experiments ONLY=ch10_lag_budget (about 5 minutes on 2 CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import lag_echo
from seqecho.evaluate import accuracy
from seqecho.models import build_lstm, restart_point
from seqecho.probes import probe_lags, trace_lstm
from seqecho.results import write_results
from seqecho.seeds import build_copies, copy_model, fit_copies_stacked

N_SEEDS, N_VALUES, LENGTH, N_UNITS = 5, 10, 12, 20
LAGS, PROBED = (1, 2, 3), range(9)
PASSES = [10, 40]  # the chapter's budget and 4x


def read_lag_models(copies, lag, X_test):
    """Per seed: echo accuracy, h probes for j = 0..8 and mean gates."""
    _, y_test, w_test = lag_echo(400, LENGTH, lag, N_VALUES, seed=2024)
    traces = [trace_lstm(m.get_layer("lstm"), X_test) for m in copies]
    return {
        "echo": [
            accuracy(y_test, m.predict(X_test, verbose=0), w_test)
            for m in copies
        ],
        "h probes": [
            probe_lags(t.h, X_test.argmax(-1), PROBED).tolist()
            for t in traces
        ],
        "forget gate": [float(t.forget_gate.mean()) for t in traces],
        "input gate": [float(t.input_gate.mean()) for t in traces],
    }


if __name__ == "__main__":
    keras.utils.set_random_seed(10)
    start = time.perf_counter()
    multi = build_copies(
        lambda: build_lstm(
            LENGTH,
            N_VALUES,
            N_UNITS,
            return_sequences=True,
            learning_rate=0.02,
        ),
        N_SEEDS,
        seed=10,
    )
    copies = [copy_model(multi, k) for k in range(N_SEEDS)]
    restart = restart_point(multi)
    X_test, _, _ = lag_echo(400, LENGTH, 0, N_VALUES, seed=2024)
    results = {}  # lag -> passes -> measures
    for lag in LAGS:
        restart()
        results[str(lag)], done = {}, 0
        for passes in PASSES:
            fit_copies_stacked(
                multi,
                lambda rng, lag=lag: lag_echo(
                    1000, LENGTH, lag, N_VALUES, seed=rng
                ),
                1,
                32,
                epochs=passes - done,
                seed=10,
            )
            done = passes
            results[str(lag)][str(passes)] = read_lag_models(
                copies, lag, X_test
            )
            r = results[str(lag)][str(passes)]
            print(lag, passes, np.mean(r["echo"]), flush=True)
    write_results(
        __file__,
        results,
        seeds=[10 + k for k in range(N_SEEDS)],
        budgets={"passes over 1,000 sequences": PASSES, "batch": 32},
        wall_seconds=time.perf_counter() - start,
    )
