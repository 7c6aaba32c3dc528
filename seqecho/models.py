"""Model builders for every chapter, with named layers, plus a state-reset
helper.

All builders return compiled Keras 3 models (categorical cross-entropy,
Adam, accuracy) so a chapter can train them straight away.
"""

from __future__ import annotations

from collections.abc import Callable

import keras

from seqecho import layers
from seqecho._checks import check_int
from seqecho.layers import (
    check_state_is_carried,
    iter_layers,
    zero_variables,
)

__all__ = [
    "attention_inference_models",
    "build_block_model",
    "build_linear_echo",
    "build_lstm",
    "build_recurrent",
    "build_repeat_encoder_decoder",
    "check_state_is_carried",
    "count_parameters",
    "define_attention_models",
    "define_free_running_model",
    "define_models",
    "define_token_attention_models",
    "define_token_models",
    "fixed_batch_size",
    "inference_models",
    "is_stateful",
    "iter_layers",
    "lstm_layer",
    "reinitialize",
    "reset_states",
    "restart_point",
    "units_for_parameters",
]


def _check_rate(learning_rate: float) -> None:
    if (
        not isinstance(learning_rate, (int, float))
        or isinstance(learning_rate, bool)
        or learning_rate <= 0
    ):
        raise ValueError(
            "learning_rate must be a positive number, got "
            f"{learning_rate!r}"
        )


def _compile(
    model: keras.Model,
    learning_rate: float,
    loss: str = "categorical_crossentropy",
) -> keras.Model:
    _check_rate(learning_rate)
    model.compile(
        loss=loss,
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        weighted_metrics=[
            "accuracy"
        ],  # honours sample weights (e.g. a cold start weighted 0)
    )
    return model


def _input(
    timesteps: int, n_features: int, batch_size: int | None, stateful: bool
) -> keras.KerasTensor:
    timesteps = check_int("timesteps", timesteps, minimum=1)
    n_features = check_int("n_features", n_features, minimum=1)
    if stateful and batch_size is None:
        raise ValueError(
            "a stateful model needs a fixed batch_size (got None)"
        )
    if batch_size is not None:
        check_int("batch_size", batch_size, minimum=1)
    return keras.Input(
        batch_shape=(batch_size, timesteps, n_features), name="sequence"
    )


def lstm_layer(
    n_units: int, *, stateful: bool = False, **kwargs
) -> keras.layers.LSTM:
    """An LSTM layer: Keras' own, or with ``stateful=True`` one that carries
    its state on every backend.

    A stateful layer comes from :mod:`seqecho.layers`, which works around a
    Keras bug that drops the state on JAX (and a training crash on
    PyTorch); it behaves as ``keras.layers.LSTM(..., stateful=True)`` is
    documented to.

    >>> type(lstm_layer(4, stateful=True)).__module__
    'seqecho.layers'
    """
    cls = layers.LSTM if stateful else keras.layers.LSTM
    return cls(n_units, stateful=stateful, **kwargs)


def build_lstm(
    timesteps: int = 1,
    n_features: int = 100,
    n_units: int = 15,
    *,
    batch_size: int | None = None,
    stateful: bool = False,
    return_sequences: bool = False,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """An LSTM followed by a softmax over ``n_features`` classes.

    With ``return_sequences=False`` (many-to-one) the output is one
    distribution per sample, shape (samples, n_features). With
    ``return_sequences=True`` (many-to-many) a ``TimeDistributed(Dense)``
    gives one distribution per input step. A stateful model needs a fixed
    ``batch_size`` (``keras.Input(batch_shape=...)``). With one or two
    timesteps the layer is unrolled (``unroll=True``): no loop to compile,
    so the first training step comes sooner, and the same result to the
    last bit on TensorFlow (from three steps on, unrolling adds the steps'
    gradients in another order, which changes the last bits).

    >>> build_lstm(1, 100, 15).output_shape
    (None, 100)
    """
    inputs = _input(timesteps, n_features, batch_size, stateful)
    n_units = check_int("n_units", n_units, minimum=1)
    hidden = lstm_layer(
        n_units,
        stateful=stateful,
        return_sequences=return_sequences,
        unroll=timesteps <= 2,  # see the docstring
        name="lstm",
    )(inputs)
    dense = keras.layers.Dense(
        n_features, activation="softmax", name="softmax"
    )
    outputs = (
        keras.layers.TimeDistributed(dense, name="per_step")(hidden)
        if return_sequences
        else dense(hidden)
    )
    return _compile(
        keras.Model(inputs, outputs, name="echo_lstm"), learning_rate
    )


def build_block_model(
    timesteps: int = 5,
    n_features: int = 100,
    n_units: int = 20,
    *,
    n_out: int = 5,
    n_classes: int = 100,
    learning_rate: float = 0.01,
) -> keras.Model:
    """An LSTM whose last output is mapped to a whole block of answers:
    ``Dense(n_out * n_classes)``, reshaped to ``n_out`` softmax
    distributions over ``n_classes`` (chapter 5's one-to-one and
    many-to-one topologies).

    The LSTM reads ``timesteps`` steps of ``n_features`` and hands on one
    vector of ``n_units`` numbers, from which all ``n_out`` answers are
    made at once. Output shape (samples, n_out, n_classes).

    >>> build_block_model(1, 500).output_shape
    (None, 5, 100)
    """
    inputs = _input(timesteps, n_features, None, False)
    n_units = check_int("n_units", n_units, minimum=1)
    n_out = check_int("n_out", n_out, minimum=1)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    flat = keras.layers.Dense(n_out * n_classes, name="block")(
        keras.layers.LSTM(n_units, name="lstm")(inputs)
    )
    block = keras.layers.Reshape((n_out, n_classes))(flat)
    outputs = keras.layers.Softmax(name="softmax")(block)
    return _compile(
        keras.Model(inputs, outputs, name="block_model"), learning_rate
    )


def build_linear_echo(
    timesteps: int = 5, n_units: int = 20, *, learning_rate: float = 0.01
) -> keras.Model:
    """A stateless LSTM with one linear output per step, trained with
    squared error: chapter 5's echo of numbers rather than one-hot
    vectors (each value one number in [0, 1]).

    >>> build_linear_echo().output_shape
    (None, 5, 1)
    """
    _check_rate(learning_rate)
    inputs = _input(timesteps, 1, None, False)
    n_units = check_int("n_units", n_units, minimum=1)
    lstm = keras.layers.LSTM(n_units, return_sequences=True, name="lstm")
    hidden = lstm(inputs)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(1, name="linear"), name="per_step"
    )(hidden)
    model = keras.Model(inputs, outputs, name="linear_echo")
    model.compile(
        loss="mse", optimizer=keras.optimizers.Adam(learning_rate)
    )
    return model


def build_repeat_encoder_decoder(
    n_in: int = 5,
    n_out: int = 2,
    n_features: int = 100,
    n_units: int = 150,
    *,
    batch_size: int | None = None,
    stateful: bool = False,
    learning_rate: float = 1e-3,
    unroll: bool = False,
) -> keras.Model:
    """Encoder LSTM -> ``RepeatVector(n_out)`` -> decoder LSTM ->
    ``TimeDistributed`` softmax.

    The encoder reads ``n_in`` steps into one vector; the decoder reads that
    vector ``n_out`` times and emits one distribution per output step, so
    the output length need not equal the input length. ``unroll=True``
    unrolls both LSTMs (Keras' ``unroll``): the same model with no loop to
    compile, quicker to build and to train over a few steps; it adds the
    steps' gradients in another order, so results differ from the loop's
    in the last bits.

    >>> build_repeat_encoder_decoder(5, 2, 100, 8).output_shape
    (None, 2, 100)
    """
    inputs = _input(n_in, n_features, batch_size, stateful)
    n_out = check_int("n_out", n_out, minimum=1)
    n_units = check_int("n_units", n_units, minimum=1)
    if not isinstance(unroll, bool):
        raise TypeError(f"unroll must be True or False, got {unroll!r}")
    code = lstm_layer(
        n_units, stateful=stateful, unroll=unroll, name="encoder_lstm"
    )(inputs)
    repeated = keras.layers.RepeatVector(n_out, name="repeat")(code)
    decoded = lstm_layer(
        n_units,
        stateful=stateful,
        return_sequences=True,
        unroll=unroll,
        name="decoder_lstm",
    )(repeated)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(
            n_features, activation="softmax", name="softmax"
        ),
        name="per_step",
    )(decoded)
    return _compile(
        keras.Model(inputs, outputs, name="repeat_encoder_decoder"),
        learning_rate,
    )


def reset_states(model: keras.layers.Layer) -> int:
    """Reset the state of every stateful layer in ``model``; return how many
    were reset.

    Keras 3 removed ``Model.reset_states()``; each stateful RNN layer has
    ``reset_state()``. This walks nested models and wrappers
    (``Bidirectional``, ``TimeDistributed``) so no stateful layer is missed.
    Keras' ``reset_state()`` sets each state variable to zeros; this sets
    all of them in one call (:func:`seqecho.layers.zero_variables`).
    """
    if not isinstance(model, keras.layers.Layer):
        raise TypeError(
            "model must be a Keras model or layer, got "
            f"{type(model).__name__}"
        )
    count, seen, states = 0, set(), []
    for layer in iter_layers(model):
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, keras.layers.RNN) and layer.stateful:
            count += 1
            if type(layer).reset_state is keras.layers.RNN.reset_state:
                states += list(layer.states or [])  # zeroed together below
            else:
                layer.reset_state()
    zero_variables(states)
    return count


def is_stateful(model: keras.layers.Layer) -> bool:
    """Whether any layer in ``model`` keeps state between batches."""
    return any(
        isinstance(layer, keras.layers.RNN) and layer.stateful
        for layer in iter_layers(model)
    )


def fixed_batch_size(model: keras.Model) -> int | None:
    """The batch size a model's first input is built for, or ``None`` if any
    size works."""
    try:
        shape = model.inputs[0].shape
    except (
        AttributeError,
        IndexError,
        TypeError,
    ):  # a subclassed model that was never built
        return None
    return None if shape[0] is None else int(shape[0])


def define_models(
    n_input: int,
    n_output: int,
    n_units: int,
    *,
    dropout: float = 0.0,
    learning_rate: float = 1e-3,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """The teacher-forced encoder-decoder: a training model and two
    inference models.

    Returns ``(model, infenc, infdec)`` sharing one set of weights:

    - ``model``: ``[source, shifted target] -> target`` (teacher forcing),
      compiled;
    - ``infenc``: ``source -> [h, c]``, the encoder's final state;
    - ``infdec``: ``[previous symbol, h, c]`` ->
      ``[next-symbol distribution, h, c]``.

    ``n_input`` and ``n_output`` are the one-hot widths of source and target
    (the chapter uses the same cardinality for both). ``dropout`` applies
    Keras 3's input and recurrent dropout inside both LSTMs (active in
    training only).

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
    _, h, c = keras.layers.LSTM(
        n_units,
        return_state=True,
        dropout=dropout,
        recurrent_dropout=dropout,
        name="encoder_lstm",
    )(source)
    shifted = keras.Input(shape=(None, n_output), name="decoder_inputs")
    decoded, _, _ = keras.layers.LSTM(
        n_units,
        return_sequences=True,
        return_state=True,
        dropout=dropout,
        recurrent_dropout=dropout,
        name="decoder_lstm",
    )(shifted, initial_state=[h, c])
    outputs = keras.layers.Dense(
        n_output, activation="softmax", name="decoder_dense"
    )(decoded)
    model = _compile(
        keras.Model([source, shifted], outputs, name="teacher_forced"),
        learning_rate,
    )
    return (model, *inference_models(model))


def define_free_running_model(
    n_input: int,
    n_output: int,
    n_units: int,
    n_steps: int,
    *,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """An encoder-decoder without teacher forcing: its decoder is fed its
    own softmax output at every step, in training too.

    The encoder reads the source into its state; the decoder starts from
    that state and the one-hot start symbol 0, and each of its
    ``n_steps`` outputs is its next input. One model, ``source ->
    target`` (samples, n_steps, n_output), compiled like
    :func:`define_models`' training model, which it is to be compared
    with.

    >>> define_free_running_model(51, 51, 16, 3).output_shape
    (None, 3, 51)
    """
    n_input = check_int("n_input", n_input, minimum=1)
    n_output = check_int("n_output", n_output, minimum=1)
    n_units = check_int("n_units", n_units, minimum=1)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    _check_rate(learning_rate)
    source = keras.Input(shape=(None, n_input))
    _, h, c = keras.layers.LSTM(n_units, return_state=True)(source)
    decoder = keras.layers.LSTM(n_units, return_state=True, unroll=True)
    dense = keras.layers.Dense(n_output, activation="softmax")
    start = keras.ops.one_hot(
        keras.ops.zeros_like(h[:, 0], dtype="int32"), n_output
    )
    previous, outputs = keras.ops.expand_dims(start, 1), []
    for _ in range(n_steps):
        out, h, c = decoder(previous, initial_state=[h, c])
        outputs.append(dense(out))
        previous = keras.ops.expand_dims(outputs[-1], 1)  # its own output
    model = keras.Model(source, keras.ops.stack(outputs, axis=1))
    model.compile(
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        optimizer=keras.optimizers.Adam(learning_rate),
    )
    return model


def inference_models(model: keras.Model) -> tuple[keras.Model, keras.Model]:
    """Rebuild the inference encoder and decoder from a trained (or loaded)
    training model of :func:`define_models` or :func:`define_token_models`.

    Layers are found by name (``encoder_lstm``, ``decoder_lstm``,
    ``decoder_dense``, and for token models ``encoder_embedding`` and
    ``decoder_embedding``), never by position, so this works on a model
    loaded from a ``.keras`` file. A token model's inference models take
    integer tokens where the one-hot models take one-hot vectors.
    """
    try:
        encoder_lstm = model.get_layer("encoder_lstm")
        decoder_lstm = model.get_layer("decoder_lstm")
        dense = model.get_layer("decoder_dense")
    except ValueError as error:
        raise ValueError(
            "model is not a define_models() or define_token_models() "
            f"training model: {error}"
        ) from None
    names = {layer.name for layer in model.layers}
    if "encoder_embedding" in names:  # integer tokens in
        encode = model.get_layer("encoder_embedding")
        embed = model.get_layer("decoder_embedding")
        source = keras.Input(
            shape=(None,), dtype="int32", name="infenc_source"
        )
        previous = keras.Input(
            shape=(None,), dtype="int32", name="infdec_previous"
        )
    else:  # one-hot vectors in
        n_input = model.get_layer("encoder_inputs").batch_shape[-1]
        n_output = model.get_layer("decoder_inputs").batch_shape[-1]
        source = keras.Input(shape=(None, n_input), name="infenc_source")
        previous = keras.Input(
            shape=(None, n_output), name="infdec_previous"
        )
        encode = embed = None
    _, h, c = encoder_lstm(encode(source) if encode else source)
    infenc = keras.Model(source, [h, c], name="inference_encoder")
    h_in = keras.Input(shape=(decoder_lstm.units,), name="infdec_h")
    c_in = keras.Input(shape=(decoder_lstm.units,), name="infdec_c")
    decoded, h_out, c_out = decoder_lstm(
        embed(previous) if embed else previous, initial_state=[h_in, c_in]
    )
    infdec = keras.Model(
        [previous, h_in, c_in],
        [dense(decoded), h_out, c_out],
        name="inference_decoder",
    )
    return infenc, infdec


def define_token_models(
    n_tokens: int,
    n_units: int,
    *,
    embedding_dim: int = 16,
    mask: bool = True,
    learning_rate: float = 1e-2,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """The teacher-forced encoder-decoder of :func:`define_models` for
    integer tokens: an ``Embedding`` in front of each LSTM.

    Sources, decoder inputs and targets are integer tokens in
    ``[0, n_tokens)`` (as :func:`seqecho.data.echo_frames` makes them),
    the loss is sparse categorical cross-entropy. With ``mask=True`` both
    embeddings have ``mask_zero=True``: the encoder skips padding (token
    0) and the loss and metrics ignore target steps whose decoder input
    is padding. With ``mask=False`` padding is an ordinary token, read by
    the encoder and scored by the loss. Returns ``(model, infenc,
    infdec)`` sharing one set of weights; the inference models take
    tokens (see :func:`inference_models`).

    >>> model, infenc, infdec = define_token_models(23, 32)
    >>> [tuple(t.shape) for t in infdec.inputs]
    [(None, None), (None, 32), (None, 32)]
    """
    n_tokens = check_int("n_tokens", n_tokens, minimum=4)
    n_units = check_int("n_units", n_units, minimum=1)
    embedding_dim = check_int("embedding_dim", embedding_dim, minimum=1)
    if not isinstance(mask, bool):
        raise TypeError(f"mask must be a bool, got {mask!r}")
    source = keras.Input(
        shape=(None,), dtype="int32", name="encoder_inputs"
    )
    shifted = keras.Input(
        shape=(None,), dtype="int32", name="decoder_inputs"
    )

    def embedding(name):
        return keras.layers.Embedding(
            n_tokens, embedding_dim, mask_zero=mask, name=name
        )

    _, h, c = keras.layers.LSTM(
        n_units, return_state=True, name="encoder_lstm"
    )(embedding("encoder_embedding")(source))
    decoded, _, _ = keras.layers.LSTM(
        n_units,
        return_sequences=True,
        return_state=True,
        name="decoder_lstm",
    )(embedding("decoder_embedding")(shifted), initial_state=[h, c])
    outputs = keras.layers.Dense(
        n_tokens, activation="softmax", name="decoder_dense"
    )(decoded)
    model = keras.Model([source, shifted], outputs, name="token_echo")
    _compile(model, learning_rate, loss="sparse_categorical_crossentropy")
    return (model, *inference_models(model))


# : The recurrent cells :func:`build_recurrent` builds, by the name Keras
# gives their layer.
RECURRENT_CELLS = {
    "SimpleRNN": keras.layers.SimpleRNN,
    "GRU": keras.layers.GRU,
    "LSTM": keras.layers.LSTM,
}


_GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def _check_cell(cell: str) -> str:
    if cell not in RECURRENT_CELLS:
        raise ValueError(
            f"cell must be one of {list(RECURRENT_CELLS)}, got {cell!r}"
        )
    return cell


def count_parameters(cell: str, n_units: int, n_features: int) -> int:
    """Trainable parameters of :func:`build_recurrent`: the recurrent layer
    plus the softmax.

    A layer with ``g`` weight blocks (SimpleRNN 1, GRU 3, LSTM 4) has ``g *
    (n_units * (n_features + n_units) + n_units)`` parameters; Keras' GRU
    (``reset_after=True``) has a second bias, ``3 * n_units`` more. The
    softmax adds ``(n_units + 1) * n_features``.

    >>> count_parameters("LSTM", 16, 10)
    1898
    >>> count_parameters("SimpleRNN", 34, 10)
    1880
    """
    gates = _GATES[_check_cell(cell)]
    n_units = check_int("n_units", n_units, minimum=1)
    n_features = check_int("n_features", n_features, minimum=1)
    recurrent = gates * (n_units * (n_features + n_units) + n_units)
    if cell == "GRU":
        recurrent += 3 * n_units
    return recurrent + (n_units + 1) * n_features


def units_for_parameters(
    cell: str, n_parameters: int, n_features: int
) -> int:
    """The number of units whose :func:`count_parameters` is closest to
    ``n_parameters``.

    Use it to compare cells at a matched size rather than a matched number
    of units.

    >>> lstm = count_parameters("LSTM", 16, 10)
    >>> units_for_parameters("SimpleRNN", lstm, 10)
    34
    """
    _check_cell(cell)
    n_parameters = check_int("n_parameters", n_parameters, minimum=1)
    n_features = check_int("n_features", n_features, minimum=1)
    units = 1
    while count_parameters(cell, units + 1, n_features) <= n_parameters:
        units += 1
    above = units + 1
    closer_above = count_parameters(
        cell, above, n_features
    ) - n_parameters < n_parameters - count_parameters(
        cell, units, n_features
    )
    return above if closer_above else units


def build_recurrent(
    cell: str,
    timesteps: int | None,
    n_features: int,
    n_units: int,
    *,
    learning_rate: float = 1e-2,
    unit_forget_bias: bool = True,
    clipnorm: float | None = None,
) -> keras.Model:
    """One recurrent layer (``"SimpleRNN"``, ``"GRU"`` or ``"LSTM"``) and a
    softmax, many-to-one.

    ``timesteps=None`` accepts sequences of any length. ``unit_forget_bias``
    (LSTM only) starts the forget gate's bias at 1 instead of 0, Keras'
    default. ``clipnorm`` clips each weight's gradient to that norm before
    the Adam step. The layer is named ``"recurrent"`` and the softmax
    ``"softmax"``.

    >>> gru = build_recurrent("GRU", None, 10, 18)
    >>> gru.count_params() == count_parameters("GRU", 18, 10)
    True
    """
    layer_class = RECURRENT_CELLS[_check_cell(cell)]
    if timesteps is not None:
        timesteps = check_int("timesteps", timesteps, minimum=1)
    n_features = check_int("n_features", n_features, minimum=1)
    n_units = check_int("n_units", n_units, minimum=1)
    if clipnorm is not None and (
        not isinstance(clipnorm, (int, float))
        or isinstance(clipnorm, bool)
        or clipnorm <= 0
    ):
        raise ValueError(
            f"clipnorm must be a positive number or None, got {clipnorm!r}"
        )
    inputs = keras.Input(shape=(timesteps, n_features), name="sequence")
    options = (
        {"unit_forget_bias": bool(unit_forget_bias)}
        if cell == "LSTM"
        else {}
    )
    hidden = layer_class(n_units, name="recurrent", **options)(inputs)
    outputs = keras.layers.Dense(
        n_features, activation="softmax", name="softmax"
    )(hidden)
    model = _compile(
        keras.Model(inputs, outputs, name=f"echo_{cell.lower()}"),
        learning_rate,
    )
    if (
        clipnorm is not None
    ):  # the same compile, with each weight's gradient norm clipped
        model.compile(
            loss="categorical_crossentropy",
            weighted_metrics=["accuracy"],
            optimizer=keras.optimizers.Adam(
                learning_rate, clipnorm=clipnorm
            ),
        )
    return model


def restart_point(model: keras.Model) -> Callable[[], None]:
    """Remember a compiled model's weights and fresh optimizer state; return
    a function restoring both.

    Training one compiled model on several tasks, each from the same start,
    then costs one compiled train step instead of one per task: call the
    returned function before each task. It puts back every weight (state
    included), the optimizer's variables (step count, Adam's moments) as
    they were before any update, and resets the metrics.

    >>> model = build_recurrent("SimpleRNN", None, 4, 3)
    >>> restart = restart_point(model)
    >>> restart()  # the model is as it was built
    """
    if (
        not isinstance(model, keras.Model)
        or not model.compiled
        or model.optimizer is None
    ):
        raise TypeError(
            f"model must be a compiled keras.Model, got {model!r}"
        )
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    weights = [keras.ops.convert_to_numpy(v.value) for v in model.weights]
    optimizer = [
        keras.ops.convert_to_numpy(v.value)
        for v in model.optimizer.variables
    ]

    def restart() -> None:
        for variable, value in zip(model.weights, weights, strict=True):
            variable.assign(value)
        for variable, value in zip(
            model.optimizer.variables, optimizer, strict=True
        ):
            variable.assign(value)
        model.reset_metrics()

    return restart


#: The attention layers ``define_attention_models`` can use, by score.
_ATTENTION = {
    "dot": keras.layers.Attention,
    "additive": keras.layers.AdditiveAttention,
}


def define_attention_models(
    n_input: int,
    n_output: int,
    n_units: int,
    *,
    score: str = "dot",
    projections: bool = True,
    learning_rate: float = 1e-3,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """The teacher-forced encoder-decoder with attention over the encoder.

    As :func:`define_models`, but the encoder returns its output at every
    step. At each decoder step the decoder's output (the query) is scored
    against every encoder output (the keys); the softmax of the scores
    weighs the encoder outputs (the values) into a context vector, which
    joins the decoder's output before the softmax layer. Returns
    ``(model, infenc, infdec)``, sharing one set of weights:

    - ``model``: ``[source, shifted target] -> target``, compiled;
    - ``infenc``: ``source -> [encoder outputs, h, c]``;
    - ``infdec``: ``[previous symbol, encoder outputs, h, c]`` ->
      ``[next-symbol distribution, h, c, attention weights]``.

    ``score="dot"`` uses ``keras.layers.Attention``, ``"additive"``
    ``keras.layers.AdditiveAttention``. ``projections=True`` first passes
    the query and the keys through learned ``Dense`` layers.

    >>> model, infenc, infdec = define_attention_models(11, 11, 16)
    >>> [tuple(t.shape) for t in infdec.outputs]
    [(None, None, 11), (None, 16), (None, 16), (None, None, None)]
    """
    n_input = check_int("n_input", n_input, minimum=1)
    n_output = check_int("n_output", n_output, minimum=1)
    n_units = check_int("n_units", n_units, minimum=1)
    if score not in _ATTENTION:
        raise ValueError(
            f"score must be one of {sorted(_ATTENTION)}, got {score!r}"
        )
    if not isinstance(projections, bool):
        raise TypeError(f"projections must be a bool, got {projections!r}")
    source = keras.Input(shape=(None, n_input), name="encoder_inputs")
    encoded, h, c = keras.layers.LSTM(
        n_units,
        return_sequences=True,
        return_state=True,
        name="encoder_lstm",
    )(source)
    shifted = keras.Input(shape=(None, n_output), name="decoder_inputs")
    decoded, _, _ = keras.layers.LSTM(
        n_units,
        return_sequences=True,
        return_state=True,
        name="decoder_lstm",
    )(shifted, initial_state=[h, c])
    head = _attention_head(n_units, n_output, score, projections)
    layer = {one.name: one for one in head}.get
    outputs, _ = _attend(layer, decoded, encoded)
    model = _compile(
        keras.Model([source, shifted], outputs, name="attention_seq2seq"),
        learning_rate,
    )
    return (model, *attention_inference_models(model))


def _attention_head(
    n_units: int, n_output: int, score: str, projections: bool
) -> list[keras.layers.Layer]:
    """The named layers that score, weigh and join, in the order
    :func:`_attend` applies them."""
    return [
        keras.layers.Dense(n_units, use_bias=False, name=name)
        for name in ("attention_query", "attention_key")
        if projections
    ] + [
        _ATTENTION[score](name="attention"),
        keras.layers.Concatenate(name="attention_concat"),
        keras.layers.Dense(
            n_units, activation="tanh", name="attention_out"
        ),
        keras.layers.Dense(
            n_output, activation="softmax", name="decoder_dense"
        ),
    ]


def _attend(layer, decoded, encoded, masks=None):
    """Score, weigh and join: the named attention layers on one decoder
    output. ``layer(name)`` returns a layer, or ``None`` for a missing
    projection; ``masks``, if given, is ``[decoder steps' mask, source
    steps' mask]``: the weights stay off padded source steps, and the
    output keeps the decoder's mask for the loss. Returns the next-symbol
    distribution and the weights."""
    query, keys = decoded, encoded
    if layer("attention_query") is not None:
        query = layer("attention_query")(decoded)
        keys = layer("attention_key")(encoded)
    context, weights = layer("attention")(
        [query, encoded, keys],
        return_attention_scores=True,
        **({} if masks is None else {"mask": masks}),
    )
    joined = layer("attention_concat")([decoded, context])
    return layer("decoder_dense")(layer("attention_out")(joined)), weights


def attention_inference_models(
    model: keras.Model,
) -> tuple[keras.Model, keras.Model]:
    """Rebuild the inference encoder and decoder of
    :func:`define_attention_models` from its (trained or loaded) training
    model, finding every layer by name.

    The encoder returns all its outputs as well as its final state; the
    decoder takes them back at every step and also returns its attention
    weights, shape (samples, decoder steps, source steps).

    >>> model, _, _ = define_attention_models(7, 7, 4, score="additive")
    >>> infenc, infdec = attention_inference_models(model)
    >>> [tuple(t.shape) for t in infenc.outputs]
    [(None, None, 4), (None, 4), (None, 4)]
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be a Keras model, got {type(model).__name__}"
        )

    def layer(name):
        try:
            return model.get_layer(name)
        except ValueError:
            if name in ("attention_query", "attention_key"):
                return None
            raise ValueError(
                "model is not a define_attention_models() training model: "
                f"it has no layer {name!r}"
            ) from None

    encoder_lstm, decoder_lstm = (
        layer("encoder_lstm"),
        layer("decoder_lstm"),
    )
    layer("attention")
    n_input = layer("encoder_inputs").batch_shape[-1]
    n_output = layer("decoder_inputs").batch_shape[-1]
    units = decoder_lstm.units
    source = keras.Input(shape=(None, n_input), name="infenc_source")
    infenc = keras.Model(
        source, list(encoder_lstm(source)), name="attention_encoder"
    )
    previous = keras.Input(shape=(None, n_output), name="infdec_previous")
    encoded = keras.Input(shape=(None, units), name="infdec_encoded")
    h_in = keras.Input(shape=(units,), name="infdec_h")
    c_in = keras.Input(shape=(units,), name="infdec_c")
    decoded, h_out, c_out = decoder_lstm(
        previous, initial_state=[h_in, c_in]
    )
    probs, weights = _attend(layer, decoded, encoded)
    infdec = keras.Model(
        [previous, encoded, h_in, c_in],
        [probs, h_out, c_out, weights],
        name="attention_decoder",
    )
    return infenc, infdec


def define_token_attention_models(
    n_tokens: int,
    n_units: int,
    *,
    embedding_dim: int = 16,
    learning_rate: float = 1e-2,
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """:func:`define_attention_models` over integer tokens, with the mask
    of :func:`define_token_models`.

    Both embeddings mask padding (token 0), and the attention weights
    never fall on a padded source step. The inference models fit
    :func:`seqecho.evaluate.greedy_decode` and
    :func:`seqecho.evaluate.beam_search`: ``infenc`` maps a source to the
    states ``[h, c, encoder outputs, source]``, and ``infdec`` maps
    ``[previous token, *states]`` to ``[distribution, *states]``, passing
    the encoder outputs and the source (whose padding it masks) through.

    >>> model, infenc, infdec = define_token_attention_models(9, 8)
    >>> [tuple(t.shape) for t in infenc.outputs]
    [(None, 8), (None, 8), (None, None, 8), (None, None)]
    """
    n_tokens = check_int("n_tokens", n_tokens, minimum=4)
    n_units = check_int("n_units", n_units, minimum=1)
    embedding_dim = check_int("embedding_dim", embedding_dim, minimum=1)
    layer = {
        one.name: one
        for one in [
            keras.layers.Embedding(
                n_tokens, embedding_dim, mask_zero=True, name=name
            )
            for name in ("encoder_embedding", "decoder_embedding")
        ]
        + [
            keras.layers.LSTM(
                n_units,
                return_sequences=True,
                return_state=True,
                name=name,
            )
            for name in ("encoder_lstm", "decoder_lstm")
        ]
        + _attention_head(n_units, n_tokens, "dot", projections=True)
    }.get
    source = keras.Input(
        shape=(None,), dtype="int32", name="encoder_inputs"
    )
    shifted = keras.Input(
        shape=(None,), dtype="int32", name="decoder_inputs"
    )
    encoded, h, c = layer("encoder_lstm")(
        layer("encoder_embedding")(source)
    )
    decoded, _, _ = layer("decoder_lstm")(
        layer("decoder_embedding")(shifted), initial_state=[h, c]
    )
    outputs, _ = _attend(
        layer,
        decoded,
        encoded,
        [keras.ops.not_equal(shifted, 0), keras.ops.not_equal(source, 0)],
    )
    model = keras.Model(
        [source, shifted],
        outputs,
        name="token_attention",
    )
    _compile(model, learning_rate, loss="sparse_categorical_crossentropy")
    # inference: the encoder outputs and the source travel as states
    infenc = keras.Model(
        source,
        [h, c, encoded, keras.layers.Identity(name="source_out")(source)],
        name="token_attention_encoder",
    )
    previous = keras.Input(shape=(None,), dtype="int32", name="previous")
    h_in = keras.Input(shape=(n_units,), name="infdec_h")
    c_in = keras.Input(shape=(n_units,), name="infdec_c")
    encoded_in = keras.Input(shape=(None, n_units), name="infdec_encoded")
    source_in = keras.Input(
        shape=(None,), dtype="int32", name="infdec_source"
    )
    decoded, h_out, c_out = layer("decoder_lstm")(
        layer("decoder_embedding")(previous), initial_state=[h_in, c_in]
    )
    probs, _ = _attend(
        layer,
        decoded,
        encoded_in,
        [
            keras.ops.not_equal(previous, 0),
            keras.ops.not_equal(source_in, 0),
        ],
    )
    infdec = keras.Model(
        [previous, h_in, c_in, encoded_in, source_in],
        [
            probs,
            h_out,
            c_out,
            keras.layers.Identity(name="encoded_out")(encoded_in),
            keras.layers.Identity(name="source_through")(source_in),
        ],
        name="token_attention_decoder",
    )
    return model, infenc, infdec


def reinitialize(
    model: keras.Model, build: Callable[[], keras.Model]
) -> keras.Model:
    """Start ``model`` again from the initial weights of a new ``build()``,
    with its optimizer's state (step count, moments) set back to zero.

    The model keeps its compiled training and prediction steps, so training
    it again from another seed costs no new compilation: after
    ``keras.utils.set_random_seed(s)``, ``reinitialize(model, build)`` then
    training gives what a model built and trained from seed ``s`` gives.
    ``build`` must return a model with weights of the same shapes. The
    learning rate is kept. Returns ``model``.

    >>> make = lambda: build_lstm(1, 10, 4)
    >>> model = make()
    >>> keras.utils.set_random_seed(1)
    >>> fresh = reinitialize(model, make)
    >>> keras.utils.set_random_seed(1)
    >>> all((a == b).all() for a, b in zip(fresh.get_weights(),
    ...                                    make().get_weights()))
    True
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be a Keras model, got {type(model).__name__}"
        )
    if not callable(build):
        raise TypeError(
            "build must be a function of no arguments returning a model, "
            f"got {type(build).__name__}"
        )
    weights = build().get_weights()
    shapes = [w.shape for w in weights]
    own = [tuple(w.shape) for w in model.weights]
    if shapes != own:
        raise ValueError(
            "build() returned a model whose weight shapes differ from "
            f"model's: {shapes} vs {own}"
        )
    model.set_weights(weights)
    if model.optimizer is not None:
        for variable in model.optimizer.variables:
            if variable.path.split("/")[-1] != "learning_rate":
                variable.assign(
                    keras.ops.zeros(variable.shape, variable.dtype)
                )
    return model
