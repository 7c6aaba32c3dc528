"""Chapter 11's exercises that train: bucketing by length, and echoing
real numbers.

Exercise ch11-bucketing: the chapter's 3,500 training sequences of
``notebooks/data/sequences.csv`` as tokens of ``token_lookup``, in batches
of 64, either padded to the file's longest (10 values; a shuffled order,
seeds 0 and 1 for two epochs) or bucketed (sorted by length, cut into
batches of 64, the batches shuffled, seeds 0 and 1), each batch framed by
``echo_frames``. Counted: the encoder and decoder steps of one epoch of
each. Timed: two epochs of each, one ``train_on_batch`` call per batch,
on one masked ``define_token_models`` (64 units, Adam at 0.01, seed 0),
padded first; the second epoch of each is reported (the first also traces
every batch shape). The times depend on the machine and are not claimed.

Exercise ch11-real: a ``RepeatVector`` encoder-decoder (LSTMs of 32
units, ``Dense(1)``, mean squared error, Adam at 0.01) echoes 6,400
sequences of 5 real values in 100..999 (data seed 5), raw and scaled to
0..1 (divided by 999), 2 epochs of batches of 64 (200 updates), seeds 0
to 4. Scored by the mean absolute error, in the raw values' units, on
500 unseen sequences (data seed 6), against always answering the
training mean.

Run: make experiments ONLY=ch11_exercises (about 55 seconds on 2 CPU
cores).
"""

import time
from pathlib import Path

import keras
import numpy as np

from seqecho.data import (
    echo_frames,
    encode_tokens,
    load_sequences,
    token_lookup,
)
from seqecho.models import define_token_models, reinitialize
from seqecho.results import write_results

DATA = Path(__file__).resolve().parent.parent / "notebooks" / "data"
N_UNITS, RATE, BATCH = 64, 0.01, 64
SEEDS = range(5)
N_TRAIN, MODEL_SEED = 3500, 0


def bucketed(token_rows, seed=0):
    """Batches of 64 sequences of about equal length, shuffled."""
    order = np.argsort([len(t) for t in token_rows], kind="stable")
    batches = [order[i : i + BATCH] for i in range(0, len(order), BATCH)]
    np.random.default_rng(seed).shuffle(batches)
    for batch in batches:
        s, d, t = echo_frames([token_rows[i] for i in batch])
        yield (s, d), t


def padded(source, decoder_input, target, seed=0):
    """Batches of 64 training sequences, all padded to 10 values."""
    order = np.random.default_rng(seed).permutation(N_TRAIN)
    for i in range(0, N_TRAIN, BATCH):
        rows = order[i : i + BATCH]
        yield (source[rows], decoder_input[rows]), target[rows]


def time_epochs(model, epochs):
    """Seconds per epoch of train_on_batch calls, for each kind."""
    times = {}
    for name, both in epochs.items():
        times[name] = []
        for batches in both:  # the first epoch also traces every shape
            start = time.perf_counter()
            for (s, d), t in batches:
                model.train_on_batch([s, d], t)
            times[name].append(time.perf_counter() - start)
    return times


def compare_bucketing():
    """Steps per epoch and epoch times, padded against bucketed."""
    sequences = load_sequences(DATA / "sequences.csv", values=(100, 999))
    lookup = token_lookup(np.concatenate(sequences).tolist())
    tokens = encode_tokens(lookup, sequences)
    source, decoder_input, target = echo_frames(tokens)
    train_tokens = tokens[:N_TRAIN]
    # two epochs of each kind, framed before any timing
    frames = source, decoder_input, target
    epochs = {
        "padded": [list(padded(*frames, e)) for e in range(2)],
        "bucketed": [list(bucketed(train_tokens, e)) for e in range(2)],
    }
    steps = {
        name: {
            "encoder": int(sum(s.size for (s, _), _ in first)),
            "decoder": int(sum(d.size for (_, d), _ in first)),
        }
        for name, (first, _) in epochs.items()
    }
    keras.utils.set_random_seed(MODEL_SEED)
    model = define_token_models(
        lookup.vocabulary_size(), N_UNITS, mask=True, learning_rate=RATE
    )[0]
    return {"steps": steps, "seconds": time_epochs(model, epochs)}


def regression_model():
    """Chapter 6's RepeatVector encoder-decoder for 5 real values."""
    inputs = keras.Input(shape=(5, 1))
    state = keras.layers.LSTM(32)(inputs)
    repeated = keras.layers.RepeatVector(5)(state)
    decoded = keras.layers.LSTM(32, return_sequences=True)(repeated)
    outputs = keras.layers.Dense(1)(decoded)
    model = keras.Model(inputs, outputs)
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(RATE))
    return model


def compare_scaling():
    """Mean absolute errors on unseen sequences, raw and scaled, for
    each seed, and that of always answering the training mean."""
    real = np.random.default_rng(5).uniform(100, 999, size=(6400, 5, 1))
    test = np.random.default_rng(6).uniform(100, 999, size=(500, 5, 1))
    errors = {"raw": [], "scaled to 0..1": []}
    regression = {name: regression_model() for name in errors}
    for seed in SEEDS:
        for name, scale in (("raw", 1.0), ("scaled to 0..1", 1 / 999)):
            keras.utils.set_random_seed(seed)
            model = reinitialize(regression[name], regression_model)
            model.fit(
                real * scale,
                real * scale,
                batch_size=BATCH,
                epochs=2,
                verbose=0,
            )
            predicted = model.predict(test * scale, verbose=0) / scale
            errors[name].append(float(np.abs(predicted - test).mean()))
    baseline = float(np.abs(test - real.mean()).mean())
    return {"mean absolute error": errors, "training mean": baseline}


if __name__ == "__main__":
    start = time.perf_counter()
    bucketing = compare_bucketing()
    print("bucketing:", bucketing, flush=True)
    scaling = compare_scaling()
    print("real values:", scaling)
    write_results(
        __file__,
        {"bucketing": bucketing, "real values": scaling},
        seeds=list(SEEDS),
        budgets={
            "bucketing": {
                "sequences": N_TRAIN,
                "batch": BATCH,
                "epochs": 2,
            },
            "real values": {
                "sequences": 6400,
                "unseen": 500,
                "batch": BATCH,
                "epochs": 2,
                "updates": 200,
                "learning rate": RATE,
            },
        },
        wall_seconds=time.perf_counter() - start,
    )
