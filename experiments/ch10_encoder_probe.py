"""Chapter 10, what chapter 7's encoder keeps of its source: linear probes
of its final state trained on 1,000 and on 8,000 sources, with the
untrained encoder as the control.

The chapter's encoder-decoders (``define_models``, 128 units, Adam at
0.003, five seeds from 14, after ``keras.utils.set_random_seed(10)``) are
read three times: untrained, after brief training (5,000 examples, data
seed 14, one epoch in batches of 64, chapter 7's recipe) and after more
(10,000 new examples, seed 15, two more epochs). Each time a probe
(``seqecho.probes.probe_accuracy``) reads each source value x(1)..x(6)
from the encoder's final ``[h, c]`` (256 numbers; chance is 2%). It
trains on the first 1,000 of 2,000 unseen sources (seed 99, the chapter's
probe) or on 8,000 other sources (seed 98), and is always scored on the
last 1,000 of the 2,000. The decoder's greedy accuracy per output step is
measured on all 2,000.

Run: make experiments ONLY=ch10_encoder_probe (about 6 minutes on 2 CPU
cores).
"""

import time

import keras
import numpy as np

from seqecho.data import get_dataset
from seqecho.evaluate import predict_sequence
from seqecho.models import define_models, inference_models
from seqecho.probes import probe_accuracy
from seqecho.results import write_results
from seqecho.seeds import build_copies, copy_model

N_SEEDS, N_IN, N_OUT, CARDINALITY = 5, 6, 3, 51
N_PROBE, N_MORE = 1_000, 8_000  # probe training sources


def final_state(encoder, X):
    """The encoder's final h and c side by side, one row per source."""
    return np.concatenate(encoder.predict(X, verbose=0), axis=-1)


def probe_positions(train, train_sources, test, test_sources):
    """Probe accuracy of each source value x(1)..x(6): trained on the
    states ``train``, scored on the states ``test``."""
    features = np.concatenate([train, test])
    fraction = len(train) / len(features)
    return [
        probe_accuracy(
            features,
            np.concatenate([train_sources[:, p], test_sources[:, p]]),
            train_fraction=fraction,
        )
        for p in range(N_IN)
    ]


def read_encoder(multi, P1, targets, Q1):
    """Per seed: what a probe trained on 1,000 or on 8,000 sources reads
    of each source value, and the decoder's accuracy per output step."""
    sources, more = P1.argmax(-1), Q1.argmax(-1)
    held, held_more, decoded = [], [], []
    for k in range(N_SEEDS):
        encoder, decoder = inference_models(copy_model(multi, k))
        state, extra = final_state(encoder, P1), final_state(encoder, Q1)
        test, test_sources = state[N_PROBE:], sources[N_PROBE:]
        held.append(
            probe_positions(
                state[:N_PROBE], sources[:N_PROBE], test, test_sources
            )
        )
        held_more.append(probe_positions(extra, more, test, test_sources))
        guess = predict_sequence(encoder, decoder, P1, N_OUT, CARDINALITY)
        decoded.append((guess.argmax(-1) == targets).mean(0).tolist())
    return {
        "held, 1,000 sources": held,
        "held, 8,000 sources": held_more,
        "decoded": decoded,  # output steps: x(3), x(2), x(1)
    }


if __name__ == "__main__":
    keras.utils.set_random_seed(10)
    start = time.perf_counter()
    B1, B2, B_y = get_dataset(N_IN, N_OUT, CARDINALITY, 5_000, seed=14)
    brief = build_copies(
        lambda: define_models(
            CARDINALITY, CARDINALITY, 128, learning_rate=0.003
        )[0],
        N_SEEDS,
        seed=14,
    )
    P1, _, P_y = get_dataset(N_IN, N_OUT, CARDINALITY, 2000, seed=99)
    Q1, _, _ = get_dataset(N_IN, N_OUT, CARDINALITY, N_MORE, seed=98)
    targets = P_y.argmax(-1)
    results = {"untrained": read_encoder(brief, P1, targets, Q1)}
    print("untrained", time.perf_counter() - start, flush=True)
    brief.fit([B1, B2] * N_SEEDS, [B_y] * N_SEEDS, batch_size=64, verbose=0)
    results["brief"] = read_encoder(brief, P1, targets, Q1)
    print("brief", time.perf_counter() - start, flush=True)
    C1, C2, C_y = get_dataset(N_IN, N_OUT, CARDINALITY, 10_000, seed=15)
    brief.fit(
        [C1, C2] * N_SEEDS,
        [C_y] * N_SEEDS,
        batch_size=64,
        epochs=2,
        verbose=0,
    )
    results["more"] = read_encoder(brief, P1, targets, Q1)
    for name, r in results.items():
        for what, a in r.items():
            print(name, what, np.round(np.mean(a, 0), 3).tolist())
    write_results(
        __file__,
        results,
        seeds=[14 + k for k in range(N_SEEDS)],
        budgets={
            "brief": "5,000 examples, 1 epoch",
            "more": "then 10,000 new examples, 2 epochs",
            "probe training sources": [N_PROBE, N_MORE],
        },
        wall_seconds=time.perf_counter() - start,
    )
