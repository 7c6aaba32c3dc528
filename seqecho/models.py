"""Model builders for every chapter, with named layers, plus a state-reset helper.

All builders return compiled Keras 3 models (categorical cross-entropy, Adam,
accuracy) so a chapter can train them straight away.
"""

from __future__ import annotations

import keras

from seqecho import layers
from seqecho._checks import check_int
from seqecho.layers import check_state_is_carried, iter_layers

__all__ = [
    "build_lstm", "build_repeat_encoder_decoder", "check_state_is_carried", "define_models",
    "fixed_batch_size", "inference_models", "is_stateful", "iter_layers", "lstm_layer",
    "reset_states",
]


def _compile(model: keras.Model, learning_rate: float) -> keras.Model:
    if not isinstance(learning_rate, (int, float)) or isinstance(learning_rate, bool) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        weighted_metrics=["accuracy"],  # honours sample weights (e.g. a cold start weighted 0)
    )
    return model


def _input(timesteps: int, n_features: int, batch_size: int | None, stateful: bool) -> keras.KerasTensor:
    timesteps = check_int("timesteps", timesteps, minimum=1)
    n_features = check_int("n_features", n_features, minimum=1)
    if stateful and batch_size is None:
        raise ValueError("a stateful model needs a fixed batch_size (got None)")
    if batch_size is not None:
        check_int("batch_size", batch_size, minimum=1)
    return keras.Input(batch_shape=(batch_size, timesteps, n_features), name="sequence")


def lstm_layer(n_units: int, *, stateful: bool = False, **kwargs) -> keras.layers.LSTM:
    """An LSTM layer: Keras' own, or with ``stateful=True`` one that carries state on every backend.

    A stateful layer comes from :mod:`seqecho.layers`, which works around a Keras bug that
    drops the state on JAX (and a training crash on PyTorch); it behaves as
    ``keras.layers.LSTM(..., stateful=True)`` is documented to.
    """
    cls = layers.LSTM if stateful else keras.layers.LSTM
    return cls(n_units, stateful=stateful, **kwargs)


def build_lstm(
    timesteps: int = 1, n_features: int = 100, n_units: int = 15, *,
    batch_size: int | None = None, stateful: bool = False, return_sequences: bool = False,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """An LSTM followed by a softmax over ``n_features`` classes.

    With ``return_sequences=False`` (many-to-one) the output is one distribution per
    sample, shape (samples, n_features). With ``return_sequences=True`` (many-to-many)
    a ``TimeDistributed(Dense)`` gives one distribution per input step.
    A stateful model needs a fixed ``batch_size`` (``keras.Input(batch_shape=...)``).

    >>> build_lstm(1, 100, 15).output_shape
    (None, 100)
    """
    inputs = _input(timesteps, n_features, batch_size, stateful)
    n_units = check_int("n_units", n_units, minimum=1)
    hidden = lstm_layer(n_units, stateful=stateful, return_sequences=return_sequences,
                        name="lstm")(inputs)
    dense = keras.layers.Dense(n_features, activation="softmax", name="softmax")
    outputs = keras.layers.TimeDistributed(dense, name="per_step")(hidden) if return_sequences else dense(hidden)
    return _compile(keras.Model(inputs, outputs, name="echo_lstm"), learning_rate)


def build_repeat_encoder_decoder(
    n_in: int = 5, n_out: int = 2, n_features: int = 100, n_units: int = 150, *,
    batch_size: int | None = None, stateful: bool = False, learning_rate: float = 1e-3,
) -> keras.Model:
    """Encoder LSTM -> ``RepeatVector(n_out)`` -> decoder LSTM -> ``TimeDistributed`` softmax.

    The encoder reads ``n_in`` steps into one vector; the decoder reads that vector
    ``n_out`` times and emits one distribution per output step, so the output length
    need not equal the input length.

    >>> build_repeat_encoder_decoder(5, 2, 100, 8).output_shape
    (None, 2, 100)
    """
    inputs = _input(n_in, n_features, batch_size, stateful)
    n_out = check_int("n_out", n_out, minimum=1)
    n_units = check_int("n_units", n_units, minimum=1)
    code = lstm_layer(n_units, stateful=stateful, name="encoder_lstm")(inputs)
    repeated = keras.layers.RepeatVector(n_out, name="repeat")(code)
    decoded = lstm_layer(n_units, stateful=stateful, return_sequences=True,
                         name="decoder_lstm")(repeated)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(n_features, activation="softmax", name="softmax"), name="per_step")(decoded)
    return _compile(keras.Model(inputs, outputs, name="repeat_encoder_decoder"), learning_rate)


def reset_states(model: keras.layers.Layer) -> int:
    """Reset the state of every stateful layer in ``model``; return how many were reset.

    Keras 3 removed ``Model.reset_states()``; each stateful RNN layer has
    ``reset_state()``. This walks nested models and wrappers (``Bidirectional``,
    ``TimeDistributed``) so no stateful layer is missed.
    """
    if not isinstance(model, keras.layers.Layer):
        raise TypeError(f"model must be a Keras model or layer, got {type(model).__name__}")
    count, seen = 0, set()
    for layer in iter_layers(model):
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, keras.layers.RNN) and layer.stateful:
            layer.reset_state()
            count += 1
    return count


def is_stateful(model: keras.layers.Layer) -> bool:
    """Whether any layer in ``model`` keeps state between batches."""
    return any(isinstance(layer, keras.layers.RNN) and layer.stateful for layer in iter_layers(model))


def fixed_batch_size(model: keras.Model) -> int | None:
    """The batch size a model's first input is built for, or ``None`` if any size works."""
    try:
        shape = model.inputs[0].shape
    except (AttributeError, IndexError, TypeError):  # a subclassed model that was never built
        return None
    return None if shape[0] is None else int(shape[0])


def define_models(
    n_input: int, n_output: int, n_units: int, *,
    dropout: float = 0.0, learning_rate: float = 1e-3,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """The teacher-forced encoder-decoder: a training model and two inference models.

    Returns ``(model, infenc, infdec)`` sharing one set of weights:

    - ``model``: ``[source, shifted target] -> target`` (teacher forcing), compiled;
    - ``infenc``: ``source -> [h, c]``, the encoder's final state;
    - ``infdec``: ``[previous symbol, h, c] -> [next-symbol distribution, h, c]``.

    ``n_input`` and ``n_output`` are the one-hot widths of source and target (the
    chapter uses the same cardinality for both). ``dropout`` applies Keras 3's
    input and recurrent dropout inside both LSTMs (active in training only).

    >>> model, infenc, infdec = define_models(51, 51, 16)
    >>> [t.shape for t in infdec.outputs]
    [(None, None, 51), (None, 16), (None, 16)]
    """
    n_input = check_int("n_input", n_input, minimum=1)
    n_output = check_int("n_output", n_output, minimum=1)
    n_units = check_int("n_units", n_units, minimum=1)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
    source = keras.Input(shape=(None, n_input), name="encoder_inputs")
    _, h, c = keras.layers.LSTM(n_units, return_state=True, dropout=dropout,
                                recurrent_dropout=dropout, name="encoder_lstm")(source)
    shifted = keras.Input(shape=(None, n_output), name="decoder_inputs")
    decoded, _, _ = keras.layers.LSTM(
        n_units, return_sequences=True, return_state=True, dropout=dropout,
        recurrent_dropout=dropout, name="decoder_lstm")(shifted, initial_state=[h, c])
    outputs = keras.layers.Dense(n_output, activation="softmax",
                                 name="decoder_dense")(decoded)
    model = keras.Model([source, shifted], outputs, name="teacher_forced")
    model = _compile(model, learning_rate)
    return (model, *inference_models(model))


def inference_models(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """Rebuild the inference encoder and decoder from a trained (or loaded) model.

    Layers are found by name (``encoder_lstm``, ``decoder_lstm``, ``decoder_dense``),
    never by position, so this works on a model loaded from a ``.keras`` file.
    """
    try:
        encoder_lstm = model.get_layer("encoder_lstm")
        decoder_lstm = model.get_layer("decoder_lstm")
        dense = model.get_layer("decoder_dense")
    except ValueError as error:
        message = f"model is not a define_models() training model: {error}"
        raise ValueError(message) from None
    n_input = model.get_layer("encoder_inputs").batch_shape[-1]
    n_output = model.get_layer("decoder_inputs").batch_shape[-1]
    source = keras.Input(shape=(None, n_input), name="infenc_source")
    _, h, c = encoder_lstm(source)
    infenc = keras.Model(source, [h, c], name="inference_encoder")
    previous = keras.Input(shape=(None, n_output), name="infdec_previous")
    h_in = keras.Input(shape=(decoder_lstm.units,), name="infdec_h")
    c_in = keras.Input(shape=(decoder_lstm.units,), name="infdec_c")
    decoded, h_out, c_out = decoder_lstm(previous, initial_state=[h_in, c_in])
    infdec = keras.Model([previous, h_in, c_in], [dense(decoded), h_out, c_out],
                         name="inference_decoder")
    return infenc, infdec
