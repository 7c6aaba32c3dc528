"""Chapter 9, the plain, reversed-source and attention encoder-decoders
against the number of updates, with two controls.

The chapter's setup: copies of 4 to 12 values in 1..9 (one random length
per batch of 64), 64 units, Adam at 0.01, seeds 0-4 (seed ``s`` fixes
the initial weights and the training stream, as in the chapter). Each
model is scored after 250 updates (the chapter's budget), 1,000 (4x) and
2,000 (8x), the same stream continued (one ``fit`` call per seed), by
greedy decoding on the chapter's 200 unseen sources of each length:
exact copies, values right, and values right by output position at
length 12. The controls: the plain and the attention model at a
learning rate of 0.03, and a plain model of 77 units, about as many
weights as the attention model.

Run: make experiments ONLY=ch9_attention_budget (about 12 minutes on 2
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

CARDINALITY, BATCH, N_SEEDS = 10, 64, 5
LENGTHS = [4, 6, 8, 10, 12]
CHECKPOINTS = [250, 1000, 2000]  # Adam updates
#: model: (kind, units, learning rate)
MODELS = {
    "plain": ("plain", 64, 0.01),
    "reversed source": ("reversed source", 64, 0.01),
    "attention": ("attention", 64, 0.01),
    "plain, rate 0.03": ("plain", 64, 0.03),
    "attention, rate 0.03": ("attention", 64, 0.03),
    "plain, 77 units": ("plain", 77, 0.01),
}


def build(kind, units, rate):
    define = (
        define_attention_models if kind == "attention" else define_models
    )
    return define(CARDINALITY, CARDINALITY, units, learning_rate=rate)


def batches(seed, reverse_source):
    # endless batches of 64 sources, each batch one length from 4 to 12
    rng = np.random.default_rng(seed)
    while True:
        n = int(rng.integers(LENGTHS[0], LENGTHS[-1] + 1))
        X1, X2, y = get_echo_dataset(n, CARDINALITY, BATCH, seed=rng)
        yield (X1[:, ::-1] if reverse_source else X1, X2), y


def score(kind, infenc, infdec, tests):
    scores = {}
    for length, (S, _, T) in tests.items():
        if kind == "attention":
            probs, _ = predict_attention_sequence(
                infenc, infdec, S, length, CARDINALITY
            )
        else:
            source = S[:, ::-1] if kind == "reversed source" else S
            probs = predict_sequence(
                infenc, infdec, source, length, CARDINALITY
            )
        hits = probs.argmax(-1) == T.argmax(-1)
        scores[str(length)] = {
            "exact": round(float(hits.all(1).mean()), 4),
            "per token": round(float(hits.mean()), 4),
        }
    scores["by position, L = 12"] = [
        round(float(h), 4) for h in hits.mean(0)
    ]
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
    results = {}  # model -> updates -> seed -> length -> scores
    for name, (kind, units, rate) in MODELS.items():
        model, infenc, infdec = build(kind, units, rate)
        results[name] = {str(c): [] for c in CHECKPOINTS}
        for seed in range(N_SEEDS):
            keras.utils.set_random_seed(seed)
            reinitialize(
                model,
                lambda kind=kind, units=units, rate=rate: build(
                    kind, units, rate
                )[0],
            )
            # one fit call: Keras infers the batch shapes from the first
            # batches of a generator, once per call
            model.fit(
                batches(seed, reverse_source=kind == "reversed source"),
                steps_per_epoch=CHECKPOINTS[0],
                epochs=CHECKPOINTS[-1] // CHECKPOINTS[0],
                shuffle=False,
                verbose=0,
                callbacks=[
                    scorer(kind, infenc, infdec, tests, results[name])
                ],
            )
    write_results(
        __file__,
        {"scores": results, "models": MODELS},
        seeds=list(range(N_SEEDS)),
        budgets={
            "updates": CHECKPOINTS,
            "batch": BATCH,
            "lengths": LENGTHS,
        },
        wall_seconds=time.perf_counter() - start,
    )
