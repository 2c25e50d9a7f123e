"""Shared plumbing of the sequence layers ``SimpleRNN``, ``GRU`` and ``LSTM``.

Private: import the layers from :mod:`rnn_utils.layers`. :class:`SequenceLayer` validates inputs,
builds initial states, runs its cell over time with :func:`rnn_utils.layers._loop.run_recurrence`
(or the cell's hand-written BPTT when training), and handles masks, dropout, ``stateful``,
``trace`` and config. For speed the layer projects the inputs of all time steps with ONE matmul
(x<t>·W_ax^T for every t) before the time loop, leaving one fused recurrent matmul per step.
"""

import keras
from keras import ops
from keras.src.utils.tracking import no_automatic_dependency_tracking

from rnn_utils.layers._cell_base import RECURRENT_MASK, check_units
from rnn_utils.layers._loop import run_recurrence

SERIALIZABLE = keras.saving.register_keras_serializable(package="rnn_utils")
_CELL_ARGS = (
    "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
    "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed",
    "recurrent_activation", "reset_after", "unit_forget_bias", "peephole", "implementation",
)  # fmt: skip
_USE_CUDNN = ("auto", True, False)


def check_sequence_shape(shape, layer_name):
    """Raise a clear error unless ``shape`` is (batch, time, features)."""
    if len(shape) != 3:
        raise ValueError(
            f"{layer_name}: expected (batch, time, features), got shape {tuple(shape)} "
            f"(rank {len(shape)})."
        )


class SequenceLayer(keras.layers.Layer):
    """Shared code of SimpleRNN, GRU and LSTM: validation, the time loop, masks, config."""

    cell_class = None
    is_sequence_layer = True  # marker checked by Bidirectional / DeepRNN

    def __init__(
        self,
        units,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        use_cudnn="auto",
        zero_output_for_mask=False,
        **kwargs,
    ):
        cell_kwargs = {k: kwargs.pop(k) for k in _CELL_ARGS if k in kwargs}
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.cell = self.cell_class(units, name="cell", dtype=self.dtype_policy, **cell_kwargs)
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)  # steps per loop iteration of the hand-written BPTT
        if use_cudnn not in _USE_CUDNN:
            raise ValueError(f'`use_cudnn` must be "auto", True or False, got {use_cudnn!r}.')
        self.use_cudnn = use_cudnn  # accepted for Keras code; the layers never call cuDNN
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None  # the carried states when stateful (variables, not weights)
        # On TensorFlow only the hand-written BPTT path trains under XLA (the gradient of
        # keras.ops.scan has no static loop bound there): tell Keras's jit_compile="auto".
        self.supports_jit = keras.backend.backend() != "tensorflow" or (
            self.cell.has_fused_bptt and not self.cell.recurrent_dropout
        )

    @property
    def variables(self):
        """The layer's variables, with the carried states of a stateful layer (not weights).

        Keras's trainers on JAX call the model statelessly, passing in and taking back
        ``model.non_trainable_variables`` (which derives from this list): listed here, the
        carried states go from one batch to the next in ``fit``, ``train_on_batch`` and
        ``predict_on_batch``. Keras's own RNN layers leave them out, so their state is not
        carried there. They stay out of ``weights``: not saved, not in ``get_weights()``.
        """
        tracked = super().variables
        seen = {id(v) for v in tracked}
        return tracked + [v for v in getattr(self, "states", None) or [] if id(v) not in seen]

    @property
    def state_count(self):
        return len(self.cell.state_size) if isinstance(self.cell.state_size, list) else 1

    def build(self, inputs_shape, initial_state_shape=None):
        check_sequence_shape(inputs_shape, self.name)
        if inputs_shape[-1] is None:
            raise ValueError(f"{self.name}: the feature size (last axis) must be known.")
        if not self.cell.built:
            self.cell.build((inputs_shape[0], inputs_shape[-1]))
        if self.stateful and self.states is None:
            if inputs_shape[0] is None:
                raise ValueError(
                    f"{self.name}: stateful=True needs a fixed batch size, got input shape "
                    f"{tuple(inputs_shape)}; use keras.Input(batch_shape=(batch, T, n_x))."
                )
            self._create_state_variables(int(inputs_shape[0]))

    @no_automatic_dependency_tracking  # carried states are not weights (as in Keras)
    def _create_state_variables(self, batch_size):
        self.states = [
            keras.Variable(s, trainable=False, name="rnn_state")
            for s in self.cell.get_initial_state(batch_size)
        ]

    def reset_state(self):
        """Set the carried states of a ``stateful`` layer back to zeros."""
        if not self.stateful:
            raise ValueError(f"{self.name}: reset_state() needs a layer built with stateful=True.")
        for variable in self.states or []:
            variable.assign(ops.zeros_like(variable))

    def reset_states(self):
        """Keras 2's name for :meth:`reset_state`."""
        self.reset_state()

    # --- validation ----------------------------------------------------------------------------
    def _check_inputs(self, inputs, mask):
        shape = tuple(inputs.shape)
        check_sequence_shape(shape, self.name)
        if shape[-1] != self.cell.input_features:
            raise ValueError(
                f"{self.name}: feature size changed after build: built for "
                f"{self.cell.input_features} features, got input shape {shape}."
            )
        if mask is not None:
            mask_shape = tuple(mask.shape)
            ok = len(mask_shape) == 2 and all(
                m is None or s is None or m == s for m, s in zip(mask_shape, shape[:2], strict=True)
            )
            if not ok:
                raise ValueError(
                    f"{self.name}: mask must have shape (batch, time) = {shape[:2]}, "
                    f"got {mask_shape}."
                )

    def _initial_states(self, inputs, initial_state):
        if initial_state is None and self.stateful:
            batch = inputs.shape[0]
            expected = self.states[0].shape[0]
            if batch is not None and batch != expected:
                raise ValueError(
                    f"{self.name}: a stateful layer keeps states for batches of {expected}, "
                    f"got a batch of {batch}; use the same batch size (and shuffle=False)."
                )
            # ops.copy reads the variable into a tensor; convert_to_tensor would hand back the
            # Keras variable itself on TensorFlow, whose string dtype breaks ops.stack later.
            # The gradient stops at the batch border on every backend (truncated BPTT), even
            # where the carried state is a tensor, not a variable (inside a StatelessScope).
            return [ops.stop_gradient(ops.copy(v.value)) for v in self.states]
        if initial_state is None:
            return self.cell.get_initial_state(ops.shape(inputs)[0])
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        if len(states) != self.state_count:
            raise ValueError(
                f"{self.name}: expected {self.state_count} initial state tensor(s) of shape "
                f"(batch, {self.units}), got {len(states)}."
            )
        states = [ops.cast(s, self.compute_dtype) for s in states]
        for s in states:
            if len(s.shape) != 2 or s.shape[-1] != self.units:
                raise ValueError(
                    f"{self.name}: each initial state must have shape (batch, {self.units}), "
                    f"got {tuple(s.shape)}."
                )
        return states

    # --- forward -------------------------------------------------------------------------------
    def call(self, inputs, mask=None, training=None, initial_state=None):
        self._check_inputs(inputs, mask)
        states = self._initial_states(inputs, initial_state)
        weights = self.cell.step_weights()  # read once, outside the time loop
        inputs, weights = self.cell.apply_dropout(inputs, states, weights, training)
        self.cell.reset_dropout_mask()  # fresh masks for the next batch
        self.cell.reset_recurrent_dropout_mask()
        # The hand-written BPTT has no recurrent mask: with one, autodiff runs the backward pass.
        fused = training and RECURRENT_MASK not in weights
        cell = self.cell
        if keras.backend.backend() == "jax":
            # Each step projects its own input inside the loop: XLA on CPU ran a recurrence up
            # to twice as fast as reading a precomputed projection of every step (see
            # benchmarks/README.md). Elsewhere one matmul projects all steps at once (the
            # hand-written BPTT on TensorFlow is built on it).
            def step(x_t, states):
                return cell.recurrent_step(cell.project_inputs(x_t), states, weights)

            loop_inputs = inputs
        else:

            def step(x_t, states):
                return cell.recurrent_step(x_t, states, weights)

            loop_inputs = cell.project_inputs(inputs)
        last, sequence, final_states = run_recurrence(
            step,
            loop_inputs,
            states,
            mask=mask,
            go_backwards=self.go_backwards,
            zero_output_for_mask=self.zero_output_for_mask,
            initial_state_given=initial_state is not None,
            return_sequences=self.return_sequences,
            fused=(lambda xs, m, init: self.cell.fused_sequence(xs, m, weights, init, self.unroll))
            if fused
            else None,
        )
        if self.stateful:
            for variable, state in zip(self.states, final_states, strict=True):
                variable.assign(ops.cast(state, variable.dtype))
        output = sequence if self.return_sequences else last
        if self.return_state:
            return (output, *final_states)
        return output

    def trace(self, inputs, mask=None, initial_state=None):
        """Gate activations over time, keyed in seed notation, for plots and quizzes.

        Runs a plain Python loop (eager, for small inputs); ``call`` never pays for it.

        Args:
            inputs: (batch, T, n_x) array.
            mask: optional (batch, T) boolean array; at masked steps "a" and "c" carry the
                state over (as the layer does) and the gates are reported as 0.
            initial_state: optional list of initial states, as in ``call``.

        Returns:
            dict of NumPy arrays of shape (batch, T, units), in processing order (reversed if
            ``go_backwards``). SimpleRNN: "a". GRU: "z", "gamma_u" (= 1 − z), "gamma_r",
            "c_tilde", "a". LSTM: "gamma_u", "gamma_f", "gamma_o", "c_tilde", "c", "a".
        """
        inputs = ops.convert_to_tensor(inputs, dtype=self.compute_dtype)
        if not self.built:
            self.build(tuple(inputs.shape))
        mask = None if mask is None else ops.convert_to_tensor(mask, dtype="bool")
        self._check_inputs(inputs, mask)
        states = self._initial_states(inputs, initial_state)
        steps = ops.unstack(self.cell.project_inputs(inputs), axis=1)
        weights = self.cell.step_weights()
        step_masks = [None] * len(steps) if mask is None else ops.unstack(mask, axis=1)
        order = range(len(steps) - 1, -1, -1) if self.go_backwards else range(len(steps))
        records = {}
        for t in order:
            _, new_states, gates = self.cell.recurrent_step(
                steps[t], states, weights, with_gates=True
            )
            if step_masks[t] is not None:
                m = ops.expand_dims(step_masks[t], -1)
                new_states = [
                    ops.where(m, new, old) for new, old in zip(new_states, states, strict=True)
                ]
                gates = {k: ops.where(m, v, ops.zeros_like(v)) for k, v in gates.items()}
                gates["a"] = new_states[0]
                if "c" in gates:
                    gates["c"] = new_states[1]
            states = new_states
            for key, value in gates.items():
                records.setdefault(key, []).append(value)
        return {k: ops.convert_to_numpy(ops.stack(v, axis=1)) for k, v in records.items()}

    # --- Keras plumbing ------------------------------------------------------------------------
    def compute_output_shape(self, inputs_shape, initial_state_shape=None):
        check_sequence_shape(inputs_shape, self.name)
        batch, time = inputs_shape[0], inputs_shape[1]
        output = (batch, time, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return (output, *[(batch, self.units)] * self.state_count)
        return output

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self.state_count
        return output_mask

    def get_config(self):
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "units"):
            cell_config.pop(key, None)
        config = {
            "units": self.units,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "activity_regularizer": keras.saving.serialize_keras_object(self.activity_regularizer),
        }
        return {**super().get_config(), **config, **cell_config}


LAYER_DOC = """{kind} sequence layer; the keras.ops twin of ``keras.layers.{kind}``.

    Runs :class:`{cell}` over the time axis. Weights (``kernel``, ``recurrent_kernel``, ``bias``)
    are laid out exactly like the built-in's, so ``set_weights(builtin.get_weights())`` works.
    {notation}

    Args:
        units: positive int, n_a (size of a<t>).
        return_sequences: return a<t> for every t, (batch, T, units), instead of the last one.
        return_state: also return the final state(s) {states}.
        go_backwards: read the sequence from the end; outputs come in that reversed order.
        stateful: keep the final states of a batch as the initial states of the next (sample i
            continues sample i: fixed batch size, ``shuffle=False``); ``reset_state()`` zeroes
            them. Gradients stop at batch borders: truncated BPTT over a long stream.
        dropout, recurrent_dropout: variational dropout rates, in training only: one mask on
            x<t> and one on the a<t-1> entering the recurrent matmuls, each drawn once per
            batch and used at every step (Keras's scheme; ours shares a mask across gates).
            With ``recurrent_dropout`` the backward pass is autodiff's, not the hand-written
            BPTT. seed: the masks' seed.
        unroll: steps per loop iteration of the training pass (the hand-written BPTT). False
            (default, as in Keras): one, the smallest graph and the fastest first training step
            of a fresh model. True: several (all of them for a short sequence of known length),
            a graph that takes longer to build and may then run each step faster
            (benchmarks/README.md). Inference loops one step at a time either way.
        use_cudnn (and ``implementation``): accepted so Keras code runs unchanged; no effect
            (cuDNN is never called).
        zero_output_for_mask: output zeros (not the previous output) at masked steps.
        **kwargs: the cell's other arguments ({cell}, as in Keras) and base-layer arguments
            (name, dtype, activity_regularizer, ...).

    Call arguments:
        inputs: (batch, T, n_x). mask: optional (batch, T) booleans (True = valid step); a
        masked step keeps the state and repeats the previous output (Keras's semantics).
        training: turns dropout on. initial_state: optional list {states} (overrides the
        carried states of a stateful layer for this call).

    Returns:
        ``output`` or, with ``return_state``, ``(output, {states_tuple})``.

    Example:
    >>> import numpy as np
    >>> from rnn_utils.layers import {kind}
    >>> layer = {kind}(8, return_sequences=True)
    >>> tuple(layer(np.zeros((2, 5, 3), "float32")).shape)
    (2, 5, 8)
    >>> sorted(layer.trace(np.zeros((2, 5, 3), "float32")))
    {trace_keys}
    """
