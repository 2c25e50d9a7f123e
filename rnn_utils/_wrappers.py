"""``Bidirectional`` and ``DeepRNN``: layers built from the sequence layers of ``layers.py``.

Import them from :mod:`rnn_utils.layers`.
"""

import keras
from keras import ops

_SERIALIZABLE = keras.saving.register_keras_serializable(package="rnn_utils")
_MERGE_MODES = ("concat", "sum", "mul", "ave", None)
_SER = keras.saving.serialize_keras_object
_DESER = keras.saving.deserialize_keras_object


def _check_recurrent(layer, owner, allow_bidirectional=False):
    ok = getattr(layer, "is_sequence_layer", False) or (
        allow_bidirectional and isinstance(layer, Bidirectional)
    )
    if not ok:
        raise TypeError(
            f"{owner} expects an rnn_utils recurrent layer (SimpleRNN, GRU, LSTM"
            f"{', Bidirectional' if allow_bidirectional else ''}), got {layer!r}."
        )


def _clone(layer, **overrides):
    """A fresh, unbuilt copy of ``layer`` with some config entries replaced (and a new name)."""
    config = _SER(layer)
    config.pop("build_config", None)  # the copy is built by its owner
    inner = config["config"]
    inner.pop("name", None)
    if isinstance(layer, Bidirectional):
        for key in ("layer", "backward_layer"):
            inner[key].pop("build_config", None)
            inner[key]["config"].update(overrides)
            inner[key]["config"].pop("name", None)
    else:
        inner.update(overrides)
    return _DESER(config)


def _state_count(layer):
    if isinstance(layer, Bidirectional):
        return 2 * layer.forward_layer.state_count
    return layer.state_count


@_SERIALIZABLE
class Bidirectional(keras.layers.Layer):
    """Bidirectional RNN: ŷ<t> = g(W_y [a→<t>, a←<t>] + b_y) gets both directions' activations.

    A forward copy of ``layer`` reads x<1>…x<T>, a backward copy reads x<T>…x<1>; at every t the
    two activations a→<t> and a←<t> (the backward one re-aligned to time t) are merged. Put a
    ``Dense`` layer on top for W_y, b_y. Same merge modes, weight order (forward weights, then
    backward weights) and masking as ``keras.layers.Bidirectional``, so
    ``set_weights(keras_bidirectional.get_weights())`` works.

    Args:
        layer: an rnn_utils ``SimpleRNN``, ``GRU`` or ``LSTM`` (used as a template).
        merge_mode: "concat" (default), "sum", "mul", "ave", or None (return both outputs).
        backward_layer: optional layer for the backward direction; must have the opposite
            ``go_backwards`` and the same ``return_sequences``/``return_state``.

    Call arguments:
        inputs: (batch, T, n_x). mask: optional (batch, T). training: unused.
        initial_state: optional list, forward states then backward states.

    Returns:
        merged output (or ``[forward, backward]`` when merge_mode is None); with
        ``return_state``, followed by the forward then the backward final states.

    Example:
    >>> import numpy as np
    >>> from rnn_utils.layers import LSTM, Bidirectional
    >>> bi = Bidirectional(LSTM(4, return_sequences=True))
    >>> tuple(bi(np.zeros((2, 5, 3), "float32")).shape)
    (2, 5, 8)
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        _check_recurrent(layer, "Bidirectional")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Unknown merge_mode {merge_mode!r}; expected one of "
                '"concat", "sum", "mul", "ave" or None.'
            )
        self.merge_mode = merge_mode
        sequences = layer.return_sequences
        self.forward_layer = _clone(layer, zero_output_for_mask=sequences)
        if backward_layer is None:
            self.backward_layer = _clone(
                layer, go_backwards=not layer.go_backwards, zero_output_for_mask=sequences
            )
        else:
            _check_recurrent(backward_layer, "Bidirectional(backward_layer=...)")
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError(
                    "Bidirectional: backward_layer must have the opposite `go_backwards` of "
                    f"layer, got {backward_layer.go_backwards} for both."
                )
            for attr in ("return_sequences", "return_state"):
                if getattr(backward_layer, attr) != getattr(layer, attr):
                    raise ValueError(
                        f"Bidirectional: layer and backward_layer must have the same `{attr}`."
                    )
            self.backward_layer = _clone(backward_layer, zero_output_for_mask=sequences)
        self.return_sequences = sequences
        self.return_state = layer.return_state
        self.supports_masking = True

    def build(self, inputs_shape, initial_state_shape=None):
        for layer in (self.forward_layer, self.backward_layer):
            if not layer.built:
                layer.build(inputs_shape)

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def call(self, inputs, mask=None, training=None, initial_state=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        kwargs = {"mask": mask, "training": training}
        y = self.forward_layer(inputs, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(inputs, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)  # back to time order: a←<t> lines up with a→<t>
        output = self._merge(y, y_rev)
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def compute_output_shape(self, inputs_shape, initial_state_shape=None):
        shape = self.forward_layer.compute_output_shape(inputs_shape)
        states = ()
        if self.return_state:
            shape, states = shape[0], tuple(shape[1:])
        if self.merge_mode == "concat":
            shape = (*shape[:-1], shape[-1] * 2)
        outputs = (shape, shape) if self.merge_mode is None else (shape,)
        if self.return_state:
            return (*outputs, *states, *states)
        return outputs if self.merge_mode is None else shape

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return masks + [None] * _state_count(self)
        return masks if self.merge_mode is None else output_mask

    def get_config(self):
        config = {
            "merge_mode": self.merge_mode,
            "layer": _SER(self.forward_layer),
            "backward_layer": _SER(self.backward_layer),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = _DESER(config["layer"], custom_objects=custom_objects)
        config["backward_layer"] = _DESER(config["backward_layer"], custom_objects=custom_objects)
        return cls(**config)


_CELL_TYPES = {"simple": "SimpleRNN", "simplernn": "SimpleRNN", "gru": "GRU", "lstm": "LSTM"}


@_SERIALIZABLE
class DeepRNN(keras.layers.Layer):
    """A stack of recurrent layers: a[l]<t> = f(a[l]<t-1>, a[l-1]<t>), with a[0]<t> = x<t>.

    Layer l reads the whole activation sequence of layer l−1. Every layer but the top returns
    sequences; the top follows ``return_sequences``.

    Args:
        layers: list of rnn_utils ``SimpleRNN``/``GRU``/``LSTM``/``Bidirectional`` layers (used
            as templates: they are copied with the right ``return_sequences``), or None when
            ``cell_type`` and ``units`` are given.
        cell_type: "simple", "gru" or "lstm" (with ``units``).
        units: list of ints, one per layer (with ``cell_type``).
        dropout: rate of ``keras.layers.Dropout`` applied between layers (training only).
        residual: add a layer's input to its output sequence when their sizes match
            (a[l] = f(...) + a[l-1]); not applied to a top layer that returns only a<T>.
        return_sequences: whether the top layer returns the full sequence.
        return_state: also return every layer's final states, bottom to top, flattened
            (e.g. two LSTMs: ``output, a1, c1, a2, c2``).
        cell_kwargs: dict of cell arguments used with ``cell_type``.

    Call arguments:
        inputs: (batch, T, n_x). mask: optional (batch, T). training: enables dropout.
        initial_state: optional flat list of every layer's initial states, bottom to top.

    Example:
    >>> import numpy as np
    >>> from rnn_utils.layers import DeepRNN
    >>> deep = DeepRNN(cell_type="gru", units=[16, 16], residual=True)
    >>> tuple(deep(np.zeros((2, 5, 3), "float32")).shape)
    (2, 16)
    """

    def __init__(
        self,
        layers=None,
        cell_type=None,
        units=None,
        dropout=0.0,
        residual=False,
        return_sequences=False,
        return_state=False,
        cell_kwargs=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        templates = self._templates(layers, cell_type, units, cell_kwargs or {})
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"DeepRNN: dropout must be in [0, 1), got {dropout}.")
        self.dropout = float(dropout)
        self.residual = bool(residual)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        last = len(templates) - 1
        self.rnn_layers = [
            _clone(t, return_sequences=(i < last) or self.return_sequences,
                   return_state=self.return_state)
            for i, t in enumerate(templates)
        ]  # fmt: skip
        self.dropout_layers = [keras.layers.Dropout(self.dropout) for _ in range(last)]
        self.supports_masking = True

    @staticmethod
    def _templates(layers, cell_type, units, cell_kwargs):
        if layers is not None:
            if not isinstance(layers, (list, tuple)) or not layers:
                raise TypeError(f"DeepRNN: `layers` must be a non-empty list, got {layers!r}.")
            for layer in layers:
                _check_recurrent(layer, "DeepRNN", allow_bidirectional=True)
            return list(layers)
        key = str(cell_type).lower()
        if key not in _CELL_TYPES:
            raise ValueError(
                f'DeepRNN: cell_type must be "simple", "gru" or "lstm", got {cell_type!r}.'
            )
        if not isinstance(units, (list, tuple)) or not units:
            raise ValueError(f"DeepRNN: `units` must be a non-empty list of ints, got {units!r}.")
        from rnn_utils import layers as rnn_layers

        cls = getattr(rnn_layers, _CELL_TYPES[key])
        return [cls(n, **cell_kwargs) for n in units]

    def build(self, inputs_shape, initial_state_shape=None):
        shape = tuple(inputs_shape)
        for layer in self.rnn_layers:
            if not layer.built:
                layer.build(shape)
            out = layer.compute_output_shape(shape)
            out = out[0] if layer.return_state else out
            shape = (*shape[:-1], out[-1])

    def _output_size(self, layer):
        if isinstance(layer, Bidirectional):
            n = layer.forward_layer.units
            return 2 * n if layer.merge_mode == "concat" else n
        return layer.units

    def call(self, inputs, mask=None, training=None, initial_state=None):
        states_in = list(initial_state) if initial_state is not None else None
        x, all_states = inputs, []
        for i, layer in enumerate(self.rnn_layers):
            count = _state_count(layer)
            init = None
            if states_in is not None:
                init, states_in = states_in[:count], states_in[count:]
            y = layer(x, mask=mask, training=training, initial_state=init)
            if self.return_state:
                all_states.extend(y[1:])
                y = y[0]
            is_sequence = i < len(self.rnn_layers) - 1 or self.return_sequences
            if self.residual and is_sequence and x.shape[-1] == y.shape[-1]:
                y = y + x
            if i < len(self.dropout_layers):
                y = self.dropout_layers[i](y, training=training)
            x = y
        return (x, *all_states) if self.return_state else x

    def compute_output_shape(self, inputs_shape, initial_state_shape=None):
        batch, time = inputs_shape[0], inputs_shape[1]
        n = self._output_size(self.rnn_layers[-1])
        output = (batch, time, n) if self.return_sequences else (batch, n)
        if not self.return_state:
            return output
        states = []
        for layer in self.rnn_layers:
            inner = layer.forward_layer if isinstance(layer, Bidirectional) else layer
            states += [(batch, inner.units)] * _state_count(layer)
        return (output, *states)

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * sum(_state_count(x) for x in self.rnn_layers)
        return output_mask

    def get_config(self):
        config = {
            "layers": [_SER(layer) for layer in self.rnn_layers],
            "dropout": self.dropout,
            "residual": self.residual,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layers"] = [_DESER(c, custom_objects=custom_objects) for c in config["layers"]]
        return cls(**config)
