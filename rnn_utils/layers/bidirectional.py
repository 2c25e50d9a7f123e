"""Bidirectional RNNs: ``Bidirectional`` reads a sequence both ways and merges the two.

Taught in notebook 06. Also holds the helpers that wrap other layers (``check_recurrent``,
``clone_layer``, ``state_count``), which :mod:`rnn_utils.layers.deep` reuses.
"""

import keras
from keras import ops

from rnn_utils.layers._layer_base import SERIALIZABLE

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)
_SER = keras.saving.serialize_keras_object
_DESER = keras.saving.deserialize_keras_object

__all__ = ["Bidirectional"]


def check_recurrent(layer, owner, allow_bidirectional=False):
    ok = getattr(layer, "is_sequence_layer", False) or (
        allow_bidirectional and isinstance(layer, Bidirectional)
    )
    if not ok:
        raise TypeError(
            f"{owner} expects an rnn_utils recurrent layer (SimpleRNN, GRU, LSTM"
            f"{', Bidirectional' if allow_bidirectional else ''}), got {layer!r}."
        )


def override_config(config, **overrides):
    """Replace entries of a serialized recurrent layer's config (both directions of a
    ``Bidirectional``) and drop its name and build config: it describes a fresh copy."""
    config.pop("build_config", None)  # the copy is built by its owner
    inner = config["config"]
    inner.pop("name", None)
    if config.get("class_name") == "Bidirectional":
        for key in ("layer", "backward_layer"):
            override_config(inner[key], **overrides)
    else:
        inner.update(overrides)
    return config


def clone_layer(layer, **overrides):
    """A fresh, unbuilt copy of ``layer`` with some config entries replaced (a new name unless
    ``name`` is one of them)."""
    return _DESER(override_config(_SER(layer), **overrides))


def _prefixed(prefix, name):
    return prefix + name.removeprefix(prefix)


def state_count(layer):
    if isinstance(layer, Bidirectional):
        return 2 * layer.forward_layer.state_count
    return layer.state_count


@SERIALIZABLE
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
        weights: optional list of initial weights (forward's, then backward's), as in Keras.
        backward_layer: optional layer for the backward direction; must have the opposite
            ``go_backwards`` and the same ``return_sequences``/``return_state``/``stateful``.

    Call arguments:
        inputs: (batch, T, n_x). mask: optional (batch, T). training: passed to both layers
        (their dropout).
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

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        check_recurrent(layer, "Bidirectional")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Unknown merge_mode {merge_mode!r}; expected one of "
                '"concat", "sum", "mul", "ave" or None.'
            )
        self.merge_mode = merge_mode
        sequences = layer.return_sequences
        # Named as Keras names them, so from_config(get_config()) gives the same config back.
        self.forward_layer = clone_layer(
            layer, name=_prefixed("forward_", layer.name), zero_output_for_mask=sequences
        )
        if backward_layer is None:
            self.backward_layer = clone_layer(
                layer,
                name=_prefixed("backward_", layer.name),
                go_backwards=not layer.go_backwards,
                zero_output_for_mask=sequences,
            )
        else:
            check_recurrent(backward_layer, "Bidirectional(backward_layer=...)")
            if backward_layer.go_backwards == layer.go_backwards:
                raise ValueError(
                    "Bidirectional: backward_layer must have the opposite `go_backwards` of "
                    f"layer, got {backward_layer.go_backwards} for both."
                )
            for attr in ("return_sequences", "return_state", "stateful"):
                if getattr(backward_layer, attr) != getattr(layer, attr):
                    raise ValueError(
                        f"Bidirectional: layer and backward_layer must have the same `{attr}`."
                    )
            self.backward_layer = clone_layer(
                backward_layer, name=backward_layer.name, zero_output_for_mask=sequences
            )
        # use_cudnn is not part of a layer's config: pass it on by hand, as Keras does
        backward_source = layer if backward_layer is None else backward_layer
        for copy, source in ((self.forward_layer, layer), (self.backward_layer, backward_source)):
            if hasattr(source, "use_cudnn"):
                copy.use_cudnn = source.use_cudnn
        self.return_sequences = sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self._initial_weights = weights
        self.supports_masking = True

    def build(self, inputs_shape, initial_state_shape=None):
        for layer in (self.forward_layer, self.backward_layer):
            if not layer.built:
                layer.build(inputs_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def reset_state(self):
        """Zero the carried states of both directions (stateful layers only)."""
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        """Keras 2's name for :meth:`reset_state`."""
        self.reset_state()

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
            return masks + [None] * state_count(self)
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
