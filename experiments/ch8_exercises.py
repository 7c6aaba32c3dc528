"""Chapter 8's exercises that train or measure many networks: the
SimpleRNN's recurrent initialiser, a GRU whose update gate starts keeping
its state, and a bidirectional SimpleRNN.

The chapter's setup: ``gap_echo`` over 10 values, cells of about 1,900
parameters (``units_for_parameters``: SimpleRNN 34 units, GRU 19), seeds
0 to 4. Gradients are measured before training with
``input_gradient_norms`` on the chapter's 256 probe sequences of gap 32
(data seed 7), as the first step's norm over the last step's, one network
per seed: the SimpleRNN with an orthogonal and a ``glorot_uniform``
recurrent matrix, and the GRU with its update gate's bias at 0 (Keras'
start) and at 3. Then the chapter's five GRU copies (``build_copies``,
seed 0, Adam at 0.01), the update gate's bias at 3, are trained at gap 32
on the chapter's budget, 250 updates of 128 fresh sequences
(``fit_copies``, data seeds 100 to 104), and five bidirectional
SimpleRNNs (17 units each way) for 100 updates the same way. Scored on
1,000 unseen sequences of gap 32 (data seed 2058), accuracy per copy.

Run: make experiments ONLY=ch8_exercises (about 35 seconds on 2 CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import gap_echo
from seqecho.evaluate import accuracy, input_gradient_norms
from seqecho.models import (
    build_recurrent,
    count_parameters,
    units_for_parameters,
)
from seqecho.results import write_results
from seqecho.seeds import build_copies, copy_model, fit_copies, n_copies

N_UNIQUE, N_SEEDS, UPDATES, BATCH, RATE = 10, 5, 250, 128, 0.01
GAP, PROBE_SEED, DATA_SEED, BIDIRECTIONAL_UPDATES = 32, 7, 100, 100
BUDGET = count_parameters("LSTM", 16, N_UNIQUE)
UNITS = {
    cell: units_for_parameters(cell, BUDGET, N_UNIQUE)
    for cell in ("SimpleRNN", "GRU")
}


def echo_data(gap, n_samples=BATCH):
    """Fresh sequences of gap for fit_copies, from a copy's generator."""
    return lambda rng: gap_echo(n_samples, gap, N_UNIQUE, seed=rng)


def seed_accuracies(multi, gap, n_samples=1000):
    """Each copy's accuracy on the chapter's unseen sequences of gap."""
    X, y = gap_echo(n_samples, gap, N_UNIQUE, seed=2026 + gap)
    return [
        accuracy(y, p)
        for p in multi.predict_on_batch([X] * n_copies(multi))
    ]


def first_over_last(model, probe):
    """The first input step's gradient norm over the last step's."""
    norms = input_gradient_norms(model, *probe)
    return float(norms[0] / norms[-1])


def simple_rnn(initializer):
    """A new SimpleRNN of the chapter's size with that initializer."""
    inputs = keras.Input((None, N_UNIQUE))
    hidden = keras.layers.SimpleRNN(
        UNITS["SimpleRNN"], recurrent_initializer=initializer
    )(inputs)
    softmax = keras.layers.Dense(N_UNIQUE, activation="softmax")
    return keras.Model(inputs, softmax(hidden))


def start_update_gate(model, bias):
    """Set the input bias of model's GRU update gate to bias."""
    cell = model.get_layer("recurrent").cell
    # a writable copy of the bias, (2, 3 * units)
    value = np.array(keras.ops.convert_to_numpy(cell.bias))
    value[0, : UNITS["GRU"]] = bias  # blocks: update, reset, candidate
    cell.bias.assign(value)


def gru_keeping_state(bias):
    """A new GRU whose update gate's input bias starts at bias."""
    model = build_recurrent("GRU", None, N_UNIQUE, UNITS["GRU"])
    start_update_gate(model, bias)
    return model


def ratios_by_seed(build, probe):
    """first_over_last for a network built from each seed 0 to 4."""
    ratios = []
    for seed in range(N_SEEDS):
        keras.utils.set_random_seed(seed)
        ratios.append(first_over_last(build(), probe))
    return ratios


def gru_copies_keeping_state(bias=3.0):
    """The chapter's five GRU copies (seed 0), each update gate's bias
    at bias, trained at gap 32 on the chapter's budget."""
    gru = build_copies(
        lambda: build_recurrent(
            "GRU", None, N_UNIQUE, UNITS["GRU"], learning_rate=RATE
        ),
        N_SEEDS,
    )
    for k in range(N_SEEDS):
        start_update_gate(copy_model(gru, k), bias)
    fit_copies(
        gru, echo_data(GAP), UPDATES, BATCH, seed=DATA_SEED, verbose=0
    )
    return seed_accuracies(gru, GAP)


def bidirectional():
    """Half the SimpleRNN's units each way, compiled as the chapter's."""
    inputs = keras.Input((None, N_UNIQUE))
    one_way = keras.layers.SimpleRNN(UNITS["SimpleRNN"] // 2)
    hidden = keras.layers.Bidirectional(one_way)(inputs)
    softmax = keras.layers.Dense(N_UNIQUE, activation="softmax")
    model = keras.Model(inputs, softmax(hidden))
    model.compile(
        loss="categorical_crossentropy",
        weighted_metrics=["accuracy"],
        optimizer=keras.optimizers.Adam(RATE),
    )
    return model


def train_bidirectional():
    """Five bidirectional copies (seed 0), 100 updates at gap 32."""
    multi = build_copies(bidirectional, N_SEEDS)
    fit_copies(
        multi,
        echo_data(GAP),
        BIDIRECTIONAL_UPDATES,
        BATCH,
        seed=DATA_SEED,
        verbose=0,
    )
    return {
        "parameters": copy_model(multi, 0).count_params(),
        "accuracy": seed_accuracies(multi, GAP),
    }


if __name__ == "__main__":
    start = time.perf_counter()
    probe = gap_echo(256, GAP, N_UNIQUE, seed=PROBE_SEED)
    initialised = {
        name: ratios_by_seed(lambda name=name: simple_rnn(name), probe)
        for name in ("orthogonal", "glorot_uniform")
    }
    print("SimpleRNN initialisers:", initialised, flush=True)
    update_bias = {
        f"{bias:g}": ratios_by_seed(
            lambda bias=bias: gru_keeping_state(bias), probe
        )
        for bias in (0.0, 3.0)
    }
    print("GRU update-gate bias:", update_bias, flush=True)
    gate_open = gru_copies_keeping_state(3.0)
    print("GRU, update-gate bias 3, gap 32:", gate_open, flush=True)
    both_ways = train_bidirectional()
    print("bidirectional, gap 32:", both_ways)
    write_results(
        __file__,
        {
            "first / last step": {
                "SimpleRNN recurrent initializer": initialised,
                "GRU update-gate bias": update_bias,
            },
            "accuracy, gap 32": {
                "GRU, update-gate bias 3": gate_open,
                "Bidirectional SimpleRNN": both_ways["accuracy"],
            },
            "bidirectional parameters": both_ways["parameters"],
        },
        seeds=list(range(N_SEEDS)),
        budgets={
            "gap": GAP,
            "probe sequences": 256,
            "batch": BATCH,
            "learning rate": RATE,
            "updates": {
                "GRU, update-gate bias 3": UPDATES,
                "Bidirectional SimpleRNN": BIDIRECTIONAL_UPDATES,
            },
            "unseen": 1000,
        },
        wall_seconds=time.perf_counter() - start,
    )
