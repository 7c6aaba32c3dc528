"""Chapter 11 at four times its budget: greedy decoding against beam
search, the masked model against the unmasked one, and a control for the
length limit, after 6 epochs (the chapter's 330 updates) and 24 epochs
(1,320 updates).

The chapter's setup: the 4,000 sequences of ``notebooks/data/sequences.csv``
as tokens of ``token_lookup``, framed by ``echo_frames`` (a copy, then
the end token); ``define_token_models`` with 64 units, Adam at 0.01,
batches of 64, trained on the first 3,500 sequences, with and without the
mask, from seeds 0 to 4 (each run is the chapter's run, continued from 6
to 24 epochs). Scored by exact accuracy (every value and the end token
right) on the 500 held-out sequences (greedy) and on 200 fresh sources of
each length 3 to 14 (``variable_echo``, data seeds 1103 to 1114). The
masked models decode the fresh sources as the chapter does, in one batch
padded to 14, greedily and with beam widths 3 and 5 (and width 3 without
length normalisation); the unmasked ones decode each length unpadded.

The control: the masked model trained the same way on 3,500 sources of
3 to 14 values (``variable_echo``, data seed 14) instead of the file's 3
to 10, to see whether sources longer than 10 fail because no training
source was that long. And chapter 9's attention on this data:
``define_token_attention_models`` (64 units), trained and scored as the
masked model.

Run: make experiments ONLY=ch11_beam_budget (about 8 minutes on 2 CPU
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
from seqecho.models import (
    define_token_attention_models,
    define_token_models,
    reinitialize,
)
from seqecho.results import write_results

DATA = Path(__file__).resolve().parent.parent / "notebooks" / "data"
N_UNITS, RATE, BATCH = 64, 0.01, 64
EPOCHS = [6, 24]
SEEDS, LENGTHS = range(5), range(3, 15)
# (label, beam width, length penalty); width 1 is greedy
DECODERS = [(1, 1, 1.0), (3, 3, 1.0), (5, 5, 1.0), ("3, no norm", 3, 0.0)]


def decode(infenc, infdec, source, width, penalty=1.0):
    limit = source.shape[1] + 2
    if width == 1:
        return greedy_decode(infenc, infdec, source, limit)
    return beam_search(
        infenc, infdec, source, width, limit, length_penalty=penalty
    )


def group_means(exact, lengths, prefix):
    """Exact accuracy by length, and over lengths 3-10 and 11-14."""
    by_length = {n: exact[lengths == n].mean() for n in LENGTHS}
    out = {f"{prefix}, L {n}": by_length[n] for n in LENGTHS}
    out[f"{prefix}, L 3-10"] = np.mean([by_length[n] for n in range(3, 11)])
    out[f"{prefix}, L 11-14"] = np.mean(
        [by_length[n] for n in range(11, 15)]
    )
    return out


def scores(infenc, infdec, held, fresh, masked):
    """Every exact accuracy the chapter reads, for one trained model."""
    out = {
        "held-out greedy": token_hits(
            held[1], decode(infenc, infdec, held[0], 1)
        )[0].mean()
    }
    source, target, lengths = fresh
    if masked:
        for label, width, penalty in DECODERS:
            exact = token_hits(
                target, decode(infenc, infdec, source, width, penalty)
            )[0]
            out.update(group_means(exact, lengths, f"width {label}"))
    else:  # each length on its own, without padding
        exact = np.concatenate(
            [
                token_hits(
                    target[lengths == n][:, : n + 1],
                    decode(infenc, infdec, source[lengths == n][:, :n], 1),
                )[0]
                for n in LENGTHS
            ]
        )
        out.update(group_means(exact, np.repeat(LENGTHS, 200), "unpadded"))
    return {k: round(float(v), 4) for k, v in out.items()}


def train_and_score(build, x, y, held, fresh, masked, label, runs):
    model, infenc, infdec = build()
    for seed in SEEDS:
        keras.utils.set_random_seed(seed)
        reinitialize(model, lambda: build()[0])
        done = 0
        for epochs in EPOCHS:
            model.fit(
                x, y, batch_size=BATCH, epochs=epochs - done, verbose=0
            )
            done = epochs
            row = {"model": label, "seed": seed, "epochs": epochs}
            row.update(scores(infenc, infdec, held, fresh, masked))
            runs.append(row)
            print({k: row[k] for k in list(row)[:4]}, flush=True)


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
    sets = [variable_echo(200, 20, n, n, seed=1100 + n) for n in LENGTHS]
    fresh = (
        np.concatenate(
            [np.pad(s, ((0, 0), (0, 14 - s.shape[1]))) for s, _, _ in sets]
        ),
        np.concatenate(
            [
                np.pad(t, ((0, 0), (0, 14 - t.shape[1] + 1)))
                for _, _, t in sets
            ]
        ),
        np.repeat(LENGTHS, 200),
    )
    runs = []
    for mask in (True, False):
        train_and_score(
            lambda mask=mask: define_token_models(
                n_tokens, N_UNITS, mask=mask, learning_rate=RATE
            ),
            x_train,
            y_train,
            held,
            fresh,
            mask,
            "mask" if mask else "no mask",
            runs,
        )
    long_source, long_shifted, long_target = variable_echo(
        3500, 20, 3, 14, seed=14
    )
    train_and_score(
        lambda: define_token_models(n_tokens, N_UNITS, learning_rate=RATE),
        [long_source, long_shifted],
        long_target,
        held,
        fresh,
        True,
        "mask, trained on 3-14",
        runs,
    )
    train_and_score(
        lambda: define_token_attention_models(
            n_tokens, N_UNITS, learning_rate=RATE
        ),
        x_train,
        y_train,
        held,
        fresh,
        True,
        "attention",
        runs,
    )
    write_results(
        __file__,
        {"runs": runs},
        seeds=list(SEEDS),
        budgets={
            "epochs": EPOCHS,
            "updates": [e * -(-3500 // BATCH) for e in EPOCHS],
            "batch": BATCH,
            "learning rate": RATE,
            "beam widths": [1, 3, 5],
        },
        wall_seconds=time.perf_counter() - start,
    )
