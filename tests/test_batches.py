import ast
from pathlib import Path

import keras
import numpy as np
import pytest

from seqecho.batches import (
    batch_slices,
    check_batching,
    predict_batches,
    split_example,
)
from seqecho.models import build_lstm

ROOT = Path(__file__).resolve().parents[1]


def test_make_data_results_are_checked():
    with pytest.raises(ValueError, match="mismatched"):
        split_example((np.zeros((5, 1, 3)), np.zeros((4, 3))))
    with pytest.raises(ValueError, match="sample_weight"):
        split_example((np.zeros((2, 1)), np.zeros((2, 1)), np.ones(3)))
    with pytest.raises(TypeError, match="make_data"):
        split_example([np.zeros(3)])
    X, y, w = split_example((np.zeros((2, 1)), np.zeros((2, 1))))
    assert w is None and X.shape == y.shape == (2, 1)
    assert split_example(([[1]], [[0]], [0.5]))[2].tolist() == [0.5]


def test_check_batching_accepts_what_fits():
    check_batching(
        build_lstm(1, 10, 4), n_samples=7, batch_size=3
    )  # stateless: any size
    check_batching(build_lstm(1, 10, 4, batch_size=4, stateful=True), 12, 4)


def test_stateful_batch_size_must_divide_samples():
    model = build_lstm(1, 10, 4, batch_size=5, stateful=True)
    with pytest.raises(
        ValueError, match=r"divide.*12 samples.*\[1, 2, 3, 4, 6, 12\]"
    ):
        check_batching(model, 12, 5)


def test_batch_size_must_match_fixed_model_batch():
    with pytest.raises(ValueError, match="built for batches of 6"):
        check_batching(
            build_lstm(1, 10, 4, batch_size=6, stateful=True), 12, 4
        )


def test_batch_slices_cover_the_samples_in_order():
    assert [(s.start, s.stop) for s in batch_slices(7, 3)] == [
        (0, 3),
        (3, 6),
        (6, 7),
    ]
    assert list(batch_slices(0, 3)) == []
    with pytest.raises(ValueError, match="batch_size"):
        list(batch_slices(7, 0))
    with pytest.raises(TypeError, match="n_samples"):
        list(batch_slices(7.0, 2))


class Counter(keras.Model):
    """Returns the size of each batch it is given, to show how the samples
    were cut."""

    def call(self, x):
        return keras.ops.ones_like(x[:, :1]) * keras.ops.cast(
            keras.ops.shape(x)[0], "float32"
        )


def test_predict_batches_keeps_order_and_batch_sizes():
    X = np.arange(7, dtype="float32")[:, None]
    assert predict_batches(Counter(), X, 3)[:, 0].tolist() == [
        3,
        3,
        3,
        3,
        3,
        3,
        1,
    ]
    identity = keras.Sequential(
        [keras.Input((1,)), keras.layers.Identity()]
    )
    assert predict_batches(identity, X, 2)[:, 0].tolist() == list(range(7))
    with pytest.raises(ValueError, match="X must hold"):
        predict_batches(identity, X[:0], 2)


@pytest.mark.parametrize("module", ["train", "evaluate"])
def test_training_and_evaluation_feed_batches_from_one_module(module):
    tree = ast.parse((ROOT / "seqecho" / f"{module}.py").read_text())
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "seqecho.batches" in imported and "seqecho.train" not in imported
