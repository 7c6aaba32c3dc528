"""Chapter 7's question "Can the same model decode sources of other
lengths?" over five seeds, at the chapter's budget and at four times it.

The chapter's recipe: ``define_models`` with 128 units and a learning
rate of 0.003, trained on the chapter's 50,000 examples of length 6
(data seed 7) in batches of 64 for 3 epochs (2,346 updates), scored,
then for 9 more (12 epochs, 9,384 updates, 4x), scored, five copies
side by side (``build_copies``, seeds 7 to 11; copy 0 starts from the
chapter's initial weights, but ``fit`` shuffles the batches otherwise, so
its scores need not equal the chapter's). Every copy decodes (greedy)
300 sources of each length from 3 to 9 (data seed 100 + length), scored
by exact accuracy (all 3 symbols right).

Run: make experiments ONLY=ch7_lengths (about 3.5 minutes on 2 CPU
cores).
"""

import time

from seqecho.data import get_dataset
from seqecho.evaluate import predict_sequence, sequence_accuracy
from seqecho.models import define_models, inference_models
from seqecho.results import write_results
from seqecho.seeds import build_copies, copy_model

N_IN, N_OUT, CARDINALITY, N_UNITS = 6, 3, 51, 128
N_SEEDS, FIRST_SEED, DATA_SEED = 5, 7, 7
EXAMPLES, BATCH, RATE, PER_LENGTH = 50_000, 64, 0.003, 300
EPOCHS = (3, 12)  # the chapter's budget and 4x
LENGTHS = range(3, 10)


def by_length(model):
    """Exact greedy accuracy of one copy on 300 sources of each
    length."""
    encoder, decoder = inference_models(model)
    scores = {}
    for length in LENGTHS:
        S, _, T = get_dataset(
            length, N_OUT, CARDINALITY, PER_LENGTH, seed=100 + length
        )
        decoded = predict_sequence(encoder, decoder, S, N_OUT, CARDINALITY)
        scores[str(length)] = round(sequence_accuracy(T, decoded), 4)
    return scores


if __name__ == "__main__":
    start = time.perf_counter()
    X1, X2, y = get_dataset(
        N_IN, N_OUT, CARDINALITY, EXAMPLES, seed=DATA_SEED
    )
    multi = build_copies(
        lambda: define_models(
            CARDINALITY, CARDINALITY, N_UNITS, learning_rate=RATE
        )[0],
        N_SEEDS,
        seed=FIRST_SEED,
    )
    results, done = {}, 0
    for epochs in EPOCHS:
        multi.fit(
            [X1, X2] * N_SEEDS,
            [y] * N_SEEDS,
            batch_size=BATCH,
            epochs=epochs - done,
            verbose=0,
        )
        done = epochs
        seconds = time.perf_counter() - start
        print(f"{epochs} epochs after {seconds:.0f} s", flush=True)
        scored = [by_length(copy_model(multi, k)) for k in range(N_SEEDS)]
        results[str(epochs)] = {
            str(n): [s[str(n)] for s in scored] for n in LENGTHS
        }
        print(results[str(epochs)], flush=True)
    write_results(
        __file__,
        {"exact accuracy by epochs and source length": results},
        seeds=list(range(FIRST_SEED, FIRST_SEED + N_SEEDS)),
        budgets={
            "examples": EXAMPLES,
            "epochs": list(EPOCHS),
            "batch": BATCH,
            "updates": [e * -(-EXAMPLES // BATCH) for e in EPOCHS],
            "learning rate": RATE,
            "sources per length": PER_LENGTH,
        },
        wall_seconds=time.perf_counter() - start,
    )
