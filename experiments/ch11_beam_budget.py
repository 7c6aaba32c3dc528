"""Chapter 11 at four times its budget: greedy decoding against beam
search, and the masked model against the unmasked one, after 6 epochs
(the chapter's 330 updates) and 24 epochs (1,320 updates).

The chapter's setup: the 4,000 sequences of ``notebooks/data/sequences.csv``
as tokens of ``token_lookup``, framed by ``echo_frames`` (a copy, then
the end token); ``define_token_models`` with 64 units, Adam at 0.01,
batches of 64, trained on the first 3,500 sequences, with and without the
mask, from seeds 0 to 4 (each run is the chapter's run, continued from 6
to 24 epochs). Scored by exact accuracy (every value and the end token
right): greedy on the 500 held-out sequences, and greedy and beam widths
3 and 5 on 200 fresh sources of each length 3 to 14 (``variable_echo``,
data seeds 1103 to 1114), as means over lengths 3-10 and 11-14.

Run: make experiments ONLY=ch11_beam_budget (about 5 minutes on 2 CPU
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
    variable_echo,
)
from seqecho.evaluate import beam_search, greedy_decode, token_hits
from seqecho.models import define_token_models, reinitialize
from seqecho.results import write_results

DATA = Path(__file__).resolve().parent.parent / "notebooks" / "data"
N_UNITS, RATE, BATCH = 64, 0.01, 64
EPOCHS = [6, 24]
SEEDS, WIDTHS, LENGTHS = range(5), [1, 3, 5], range(3, 15)


def decode(infenc, infdec, source, width):
    limit = source.shape[1] + 2
    if width == 1:
        return greedy_decode(infenc, infdec, source, limit)
    return beam_search(infenc, infdec, source, width, limit)


def scores(infenc, infdec, held, by_length):
    """Exact accuracy: held-out greedy, and per width by length group."""
    out = {
        "held-out greedy": token_hits(
            held[1], decode(infenc, infdec, held[0], 1)
        )[0].mean()
    }
    for width in WIDTHS:
        exact = {
            n: token_hits(t, decode(infenc, infdec, s, width))[0].mean()
            for n, (s, _, t) in by_length.items()
        }
        out[f"width {width}, L 3-10"] = np.mean(
            [exact[n] for n in range(3, 11)]
        )
        out[f"width {width}, L 11-14"] = np.mean(
            [exact[n] for n in range(11, 15)]
        )
    return {k: round(float(v), 4) for k, v in out.items()}


if __name__ == "__main__":
    start = time.perf_counter()
    sequences = load_sequences(DATA / "sequences.csv", values=(100, 999))
    lookup = token_lookup(np.concatenate(sequences).tolist())
    n_tokens = lookup.vocabulary_size()
    source, decoder_input, target = echo_frames(
        encode_tokens(lookup, sequences)
    )
    x_train, y_train = [source[:3500], decoder_input[:3500]], target[:3500]
    held = (source[3500:], target[3500:])
    by_length = {
        n: variable_echo(200, 20, n, n, seed=1100 + n) for n in LENGTHS
    }
    runs = []
    for mask in (True, False):

        def build(mask=mask):
            return define_token_models(
                n_tokens, N_UNITS, mask=mask, learning_rate=RATE
            )

        model, infenc, infdec = build()
        for seed in SEEDS:
            keras.utils.set_random_seed(seed)
            reinitialize(model, lambda: build()[0])
            done = 0
            for epochs in EPOCHS:
                model.fit(
                    x_train,
                    y_train,
                    batch_size=BATCH,
                    epochs=epochs - done,
                    verbose=0,
                )
                done = epochs
                row = {
                    "model": "mask" if mask else "no mask",
                    "seed": seed,
                    "epochs": epochs,
                    **scores(infenc, infdec, held, by_length),
                }
                runs.append(row)
                print(row, flush=True)
    write_results(
        __file__,
        {"runs": runs},
        seeds=list(SEEDS),
        budgets={
            "epochs": EPOCHS,
            "updates": [e * -(-3500 // BATCH) for e in EPOCHS],
            "batch": BATCH,
            "learning rate": RATE,
            "beam widths": WIDTHS,
        },
        wall_seconds=time.perf_counter() - start,
    )
