"""Deep (stacked) RNNs: ``DeepRNN`` runs layer l on the activation sequence of layer l − 1.

Taught in notebook 07.
"""

import keras

from rnn_utils.layers._layer_base import SERIALIZABLE
from rnn_utils.layers.bidirectional import (
    Bidirectional,
    check_recurrent,
    clone_layer,
    override_config,
    state_count,
)
from rnn_utils.layers.gru import GRU
from rnn_utils.layers.lstm import LSTM
from rnn_utils.layers.simple_rnn import SimpleRNN

_SER = keras.saving.serialize_keras_object
_DESER = keras.saving.deserialize_keras_object

__all__ = ["DeepRNN"]

_CELL_TYPES = {"simple": SimpleRNN, "simplernn": SimpleRNN, "gru": GRU, "lstm": LSTM}


@SERIALIZABLE
class DeepRNN(keras.layers.Layer):
    """A stack of recurrent layers: a[l]<t> = f(a[l]<t-1>, a[l-1]<t>), with a[0]<t> = x<t>.

    Layer l reads the whole activation sequence of layer l−1, so every layer but the top returns
    sequences (a layer given with ``return_sequences=False`` below the top is copied with True:
    its a<T> alone could not feed the next layer); the top layer keeps its own
    ``return_sequences`` unless ``return_sequences`` is given here.

    Args:
        layers: list of rnn_utils ``SimpleRNN``/``GRU``/``LSTM``/``Bidirectional`` layers (used
            as templates and copied; set ``return_state`` on the DeepRNN, not on them), or None
            when ``cell_type`` and ``units`` are given.
        cell_type: "simple", "gru" or "lstm" (with ``units``).
        units: list of ints, one per layer (with ``cell_type``).
        dropout: rate of ``keras.layers.Dropout`` applied between layers (training only).
        residual: add a layer's input to the output sequence it passes up when their sizes
            match (o[l] = a[l] + o[l-1], with o[0] = x; the layer's recurrence keeps its own
            state a[l]<t-1>); not applied to a top layer that returns only a<T>.
        return_sequences: whether the top layer returns the full sequence; None (default)
            keeps the top layer's own setting (False with ``cell_type``). A top layer built
            with ``return_sequences=True`` and ``return_sequences=False`` here is an error.
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
        return_sequences=None,
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
        self.return_sequences = self._top_returns_sequences(templates[-1], return_sequences)
        self.return_state = bool(return_state)
        last = len(templates) - 1
        self.rnn_layers = [
            clone_layer(t, return_sequences=(i < last) or self.return_sequences,
                   return_state=self.return_state)
            for i, t in enumerate(templates)
        ]  # fmt: skip
        self.dropout_layers = [keras.layers.Dropout(self.dropout) for _ in range(last)]
        self.supports_masking = True

    @staticmethod
    def _top_returns_sequences(top, requested):
        if requested is None:
            return bool(top.return_sequences)
        if top.return_sequences and not requested:
            raise ValueError(
                "DeepRNN: the top layer was built with return_sequences=True but the DeepRNN "
                "with return_sequences=False; set it in one place (or leave the DeepRNN's None)."
            )
        return bool(requested)

    @staticmethod
    def _templates(layers, cell_type, units, cell_kwargs):
        if layers is not None:
            if not isinstance(layers, (list, tuple)) or not layers:
                raise TypeError(f"DeepRNN: `layers` must be a non-empty list, got {layers!r}.")
            for i, layer in enumerate(layers):
                check_recurrent(layer, "DeepRNN", allow_bidirectional=True)
                if layer.return_state:
                    raise ValueError(
                        f"DeepRNN: layer {i} was built with return_state=True; pass "
                        "return_state=True to the DeepRNN instead (it returns every layer's "
                        "final states)."
                    )
            return list(layers)
        key = str(cell_type).lower()
        if key not in _CELL_TYPES:
            raise ValueError(
                f'DeepRNN: cell_type must be "simple", "gru" or "lstm", got {cell_type!r}.'
            )
        if not isinstance(units, (list, tuple)) or not units:
            raise ValueError(f"DeepRNN: `units` must be a non-empty list of ints, got {units!r}.")
        cls = _CELL_TYPES[key]
        return [cls(n, **cell_kwargs) for n in units]

    def build(self, inputs_shape, initial_state_shape=None):
        shape = tuple(inputs_shape)
        for layer in self.rnn_layers:
            if not layer.built:
                layer.build(shape)
            out = layer.compute_output_shape(shape)
            out = out[0] if layer.return_state else out
            shape = (*shape[:-1], out[-1])

    def reset_state(self):
        """Zero the carried states of every (stateful) layer of the stack."""
        for layer in self.rnn_layers:
            layer.reset_state()

    def reset_states(self):
        """Keras 2's name for :meth:`reset_state`."""
        self.reset_state()

    def _output_size(self, layer):
        if isinstance(layer, Bidirectional):
            n = layer.forward_layer.units
            return 2 * n if layer.merge_mode == "concat" else n
        return layer.units

    def call(self, inputs, mask=None, training=None, initial_state=None):
        states_in = list(initial_state) if initial_state is not None else None
        x, all_states = inputs, []
        for i, layer in enumerate(self.rnn_layers):
            count = state_count(layer)
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
            states += [(batch, inner.units)] * state_count(layer)
        return (output, *states)

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * sum(state_count(x) for x in self.rnn_layers)
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
        config["layers"] = [  # templates: DeepRNN itself decides return_state
            _DESER(override_config(c, return_state=False), custom_objects=custom_objects)
            for c in config["layers"]
        ]
        return cls(**config)
