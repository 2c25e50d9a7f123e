"""Shared plumbing of the recurrent cells (``SimpleRNNCell``, ``GRUCell``, ``LSTMCell``).

Argument checks, weights in Keras's layout, the split of a step into an input half and a
recurrent half, initial states and config. Private: import the cells from
:mod:`rnn_utils.layers`. Keras stores matrices transposed with respect to the seed notation (row
vectors times matrices): ``kernel`` is W_ax^T (stacked over gates), ``recurrent_kernel`` is
W_aa^T, ``bias`` is b_a. Each cell splits its step into two public halves, which is what makes
the sequence layers fast:

- ``project_inputs(x)``: the input half, ``x·kernel + input bias``, for ``(batch, n_x)`` or
  ``(batch, T, n_x)``, so a layer projects ALL time steps with one big matmul;
- ``recurrent_step(x_proj, states)``: the recurrent half, one fused matmul ``a<t-1>·recurrent
  kernel`` plus the gate nonlinearities; ``with_gates=True`` also returns the gate activations
  (for ``layer.trace``).

Dropout is variational (Gal & Ghahramani 2016), as in Keras: one mask on x<t> and one on the
a<t-1> that enters the recurrent matmuls, drawn once per sequence and applied at every step, in
training only. The cells inherit Keras's ``DropoutRNNCell`` (masks cached per call), so they also
work inside ``keras.layers.RNN``. Keras draws a separate mask per gate when
``recurrent_dropout > 0`` (its "implementation 1"); ours share one mask per tensor across the
gates (as Keras does for x<t> otherwise), the same scheme with fewer random numbers.
"""

import keras
from keras import ops
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell  # Keras's mask cache (3.x)

RECURRENT_MASK = "recurrent_dropout_mask"  # key of the a<t-1> mask in a step's weights


def check_units(units):
    """Return ``units`` if it is a positive int, else raise a clear error."""
    if isinstance(units, bool) or not isinstance(units, int):
        raise TypeError(f"`units` must be a positive int, got {units!r} ({type(units).__name__}).")
    if units <= 0:
        raise ValueError(f"`units` must be a positive int, got {units}.")
    return units


def check_rate(value, name):
    """Return ``value`` as a float if it is a dropout rate in [0, 1), else raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"`{name}` must be a dropout rate in [0, 1), got {value!r}.")
    return float(value)


def named_arguments(frame_locals):
    """The arguments of an explicit Keras-style ``__init__`` signature, to forward by name.

    The cells and layers spell out the built-ins' signatures (same names, order and defaults,
    so positional calls written for Keras work too) and pass ``named_arguments(locals())`` on."""
    return {k: v for k, v in frame_locals.items() if k not in ("self", "kwargs", "__class__")}


def activate(activation, x):
    """``activation(x)`` in the dtype of ``x`` (``x`` itself when ``activation`` is None).

    Keras's ``tanh`` on the JAX backend (with float64 enabled) computes a float64 input in
    float32 (its promotion of Python floats), while ``sigmoid`` keeps float64; a float64 cell
    must stay float64 to the last digit, so there tanh(x) is taken as 2·σ(2x) − 1. The check
    is in Python: nothing changes in the graph when the dtypes already agree (TensorFlow).
    """
    if activation is None:
        return x
    y = activation(x)
    if keras.backend.standardize_dtype(y.dtype) == keras.backend.standardize_dtype(x.dtype):
        return y
    if activation is keras.activations.tanh:
        return 2.0 * ops.sigmoid(2.0 * x) - 1.0
    return ops.cast(y, x.dtype)


class RecurrentCell(keras.layers.Layer, DropoutRNNCell):
    """Shared plumbing: arguments, weights, dropout masks, config. Subclasses define the math."""

    gate_count = 1  # number of stacked blocks in kernel / recurrent_kernel

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        kwargs.pop("implementation", None)  # Keras 2's kernel layout switch: accepted, no-op
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.dropout = check_rate(dropout, "dropout")
        self.recurrent_dropout = check_rate(recurrent_dropout, "recurrent_dropout")
        self.seed = seed
        if self.dropout or self.recurrent_dropout:
            # Only then: an unseeded generator draws its seed from Python's global RNG, which
            # would shift every later random initialisation of a seeded notebook.
            self.seed_generator = keras.random.SeedGenerator(seed)
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(recurrent_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.output_size = self.units

    @property
    def state_size(self):
        return self.units

    # --- weights -------------------------------------------------------------------------------
    def build(self, input_shape):
        n_x = input_shape[-1]
        if n_x is None:
            raise ValueError(
                f"{self.__class__.__name__} needs a known feature size, got input shape "
                f"{tuple(input_shape)}."
            )
        self.input_features = int(n_x)
        width = self.gate_count * self.units
        self.kernel = self.add_weight(
            shape=(n_x, width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(),
                name="bias",
                initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _bias_shape(self):
        return (self.gate_count * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def _input_bias(self):
        return self.bias

    # --- math ----------------------------------------------------------------------------------
    def project_inputs(self, inputs):
        """Input half of every gate: ``x·kernel + input bias`` (for one step or all steps).

        A sequence is projected time-major and transposed back; the time loop's own transpose
        cancels this one in TensorFlow's graph optimizer (and XLA), so only the narrow input is
        ever transposed, never the wide (T, batch, gates·n_a) result or its gradient."""
        time_major = len(inputs.shape) == 3
        if time_major:
            inputs = ops.transpose(inputs, (1, 0, 2))
        projected = ops.matmul(inputs, self.kernel)
        bias = self._input_bias()
        projected = projected if bias is None else projected + bias
        return ops.transpose(projected, (1, 0, 2)) if time_major else projected

    def step_weights(self):
        """The weights the recurrent half reads, as tensors.

        A layer reads them ONCE, outside its time loop, and passes them to every step: cheaper,
        and no variable reads inside the loop (which XLA cannot differentiate through).
        """
        names = ["recurrent_kernel"] + (["bias"] if self.use_bias else []) + self._extra_weights()
        return {name: ops.cast(getattr(self, name), self.compute_dtype) for name in names}

    def _extra_weights(self):
        return []

    def recurrent_step(self, x_proj, states, weights=None, with_gates=False):
        """Recurrent half of one step; ``weights`` defaults to ``self.step_weights()``.

        If ``weights`` holds a ``RECURRENT_MASK``, a<t-1> is multiplied by it before every
        recurrent matmul (recurrent dropout); the carried state itself is never masked."""
        raise NotImplementedError

    @staticmethod
    def recurrent_input(a_prev, weights):
        """a<t-1> as the recurrent matmuls read it: times the recurrent dropout mask, if any."""
        mask = weights.get(RECURRENT_MASK)
        return a_prev if mask is None else a_prev * mask

    def apply_dropout(self, inputs, states, weights, training):
        """``(inputs, weights)`` with this call's dropout masks in place; unchanged if not training.

        Each mask is (batch, features), entries 0 or 1/(1 − rate), drawn from the cell's seed
        generator once per sequence and reused at every step: x<t> is multiplied by its mask
        (every step of a (batch, T, n_x) sequence at once), and the a<t-1> mask goes into
        ``weights`` under ``RECURRENT_MASK`` for :meth:`recurrent_input`."""
        if not training:
            return inputs, weights
        sequence = len(inputs.shape) == 3
        if self.dropout:
            x_mask = self.get_dropout_mask(inputs[:, 0, :] if sequence else inputs)
            inputs = inputs * (ops.expand_dims(x_mask, 1) if sequence else x_mask)
        if self.recurrent_dropout:
            weights = {**weights, RECURRENT_MASK: self.get_recurrent_dropout_mask(states[0])}
        return inputs, weights

    def _is_default(self, *pairs):
        """True on TensorFlow when the activations are the ones ``_fused`` differentiates."""
        return keras.backend.backend() == "tensorflow" and all(
            fn is getattr(keras.activations, name) for fn, name in pairs
        )

    @property
    def has_fused_bptt(self):
        """Whether ``fused_sequence`` applies: TensorFlow backend and the default activations."""
        return False

    def fused_sequence(self, xs, mask, weights, states, unroll=False):
        """``(a<t> for all t, [final states])`` with hand-written BPTT; None if unsupported.

        ``xs`` is the projected input, time-major; ``mask`` a float (T, batch, 1) tensor or None;
        ``unroll``: the layer's flag, steps per loop iteration (``_loop.steps_per_iteration``).
        """
        return None

    def call(self, inputs, states, training=False):
        """One step, for ``keras.layers.RNN(cell)``: it caches the dropout masks per sequence."""
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        inputs, weights = self.apply_dropout(inputs, states, self.step_weights(), training)
        return self.recurrent_step(self.project_inputs(inputs), states, weights)

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in sizes]

    # --- config --------------------------------------------------------------------------------
    def get_config(self):
        ser = keras.saving.serialize_keras_object
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": ser(self.kernel_initializer),
            "recurrent_initializer": ser(self.recurrent_initializer),
            "bias_initializer": ser(self.bias_initializer),
            "kernel_regularizer": ser(self.kernel_regularizer),
            "recurrent_regularizer": ser(self.recurrent_regularizer),
            "bias_regularizer": ser(self.bias_regularizer),
            "kernel_constraint": ser(self.kernel_constraint),
            "recurrent_constraint": ser(self.recurrent_constraint),
            "bias_constraint": ser(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


class GatedCell(RecurrentCell):
    """Adds ``recurrent_activation`` (the gates' sigmoid) to the shared plumbing."""

    def __init__(self, units, recurrent_activation="sigmoid", **kwargs):
        super().__init__(units, **kwargs)
        self.recurrent_activation = keras.activations.get(recurrent_activation)

    def get_config(self):
        recurrent = keras.activations.serialize(self.recurrent_activation)
        return {**super().get_config(), "recurrent_activation": recurrent}
