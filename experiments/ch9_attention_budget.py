"""Chapter 9, the plain and the attention encoder-decoder against the
number of updates.

The chapter's setup: copies of 4 to 12 values in 1..9 (one random length
per batch of 64), 64 units, Adam at 0.01, seeds 0-4 (seed ``s`` fixes
the initial weights and the training stream, as in the chapter). Each
model is scored after 250 updates (the chapter's budget), 1,000 (4x) and
2,000 (8x), the same stream continued (one ``fit`` call per seed), by
greedy decoding on the chapter's 200 unseen sources of each length:
exact copies and values right.

Run: make experiments ONLY=ch9_attention_budget (about 5 minutes on 2
CPU cores).
"""

import time

import keras
import numpy as np

from seqecho.data import get_echo_dataset
from seqecho.evaluate import predict_attention_sequence, predict_sequence
from seqecho.models import (
    define_attention_models,
    define_models,
    reinitialize,
)
from seqecho.results import write_results

CARDINALITY, N_UNITS, BATCH, RATE, N_SEEDS = 10, 64, 64, 0.01, 5
LENGTHS = [4, 6, 8, 10, 12]
CHECKPOINTS = [250, 1000, 2000]  # Adam updates
KINDS = ["plain", "attention"]


def build(kind):
    attention = kind == "attention"
    define = define_attention_models if attention else define_models
    return define(CARDINALITY, CARDINALITY, N_UNITS, learning_rate=RATE)


def batches(seed):
    # endless batches of 64 sources, each batch one length from 4 to 12
    rng = np.random.default_rng(seed)
    while True:
        n = int(rng.integers(LENGTHS[0], LENGTHS[-1] + 1))
        X1, X2, y = get_echo_dataset(n, CARDINALITY, BATCH, seed=rng)
        yield (X1, X2), y


def score(kind, infenc, infdec, tests):
    attention = kind == "attention"
    predict = predict_attention_sequence if attention else predict_sequence
    scores = {}
    for length, (S, _, T) in tests.items():
        probs = predict(infenc, infdec, S, length, CARDINALITY)
        if attention:
            probs = probs[0]  # the attention weights come second
        hits = probs.argmax(-1) == T.argmax(-1)
        scores[str(length)] = {
            "exact": round(float(hits.all(1).mean()), 4),
            "per token": round(float(hits.mean()), 4),
        }
    return scores


def scorer(kind, infenc, infdec, tests, scores):
    # a callback scoring the model after each checkpoint's epoch
    def score_at(epoch, logs):
        updates = (epoch + 1) * CHECKPOINTS[0]
        if updates in CHECKPOINTS:
            seed_scores = score(kind, infenc, infdec, tests)
            scores[str(updates)].append(seed_scores)
            print(kind, updates, seed_scores["12"], flush=True)

    return keras.callbacks.LambdaCallback(on_epoch_end=score_at)


if __name__ == "__main__":
    keras.utils.set_random_seed(9)
    start = time.perf_counter()
    tests = {
        n: get_echo_dataset(n, CARDINALITY, 200, seed=1000 + n)
        for n in LENGTHS
    }
    results = {}  # kind -> updates -> seed -> length -> scores
    for kind in KINDS:
        model, infenc, infdec = build(kind)
        results[kind] = {str(c): [] for c in CHECKPOINTS}
        for seed in range(N_SEEDS):
            keras.utils.set_random_seed(seed)
            reinitialize(model, lambda kind=kind: build(kind)[0])
            # one fit call: Keras infers the batch shapes from the first
            # batches of a generator, once per call
            model.fit(
                batches(seed),
                steps_per_epoch=CHECKPOINTS[0],
                epochs=CHECKPOINTS[-1] // CHECKPOINTS[0],
                shuffle=False,
                verbose=0,
                callbacks=[
                    scorer(kind, infenc, infdec, tests, results[kind])
                ],
            )
    write_results(
        __file__,
        {"scores": results},
        seeds=list(range(N_SEEDS)),
        budgets={
            "updates": CHECKPOINTS,
            "batch": BATCH,
            "lengths": LENGTHS,
        },
        wall_seconds=time.perf_counter() - start,
    )
