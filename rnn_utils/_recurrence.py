"""The time loop shared by every sequence layer (one home for masking and go_backwards).

``run_recurrence`` drives a cell over time with ``keras.ops.scan`` after the caller has already
projected the inputs of ALL time steps with one matmul. It reproduces Keras's RNN semantics:

- a masked step carries every state over unchanged;
- the output at a masked step is the previous output (zeros before the first valid step), or
  zeros when ``zero_output_for_mask=True`` (what ``Bidirectional`` uses with sequences);
- ``go_backwards=True`` reads the sequence from the end and returns outputs in that reversed
  order, like Keras.
"""

import keras
from keras import ops


def run_recurrence(
    step,
    x_proj,
    initial_states,
    mask=None,
    go_backwards=False,
    zero_output_for_mask=False,
    initial_state_given=False,
    return_sequences=True,
    fused=None,
):
    """Run ``step`` over the time axis.

    Args:
        step: ``step(x_t, states) -> (output, new_states)``; the output must be
            ``new_states[0]`` (true for SimpleRNN, GRU and LSTM: the output is a<t>).
        x_proj: projected inputs, (batch, T, width).
        initial_states: list of (batch, n) tensors.
        mask: optional (batch, T) boolean tensor, True = valid step.
        go_backwards: process from the last step to the first, outputs in that order.
        zero_output_for_mask: output zeros (not the previous output) at masked steps.
        initial_state_given: whether ``initial_states`` may be nonzero (only then do masked
            leading steps need the "zeros before the first valid step" rule).
        return_sequences: whether to build the (batch, T, n) output sequence.
        fused: optional ``fused(xs, float_mask, initial_states)`` returning ``(a<t> for every t
            (time-major), [final states])`` with its own gradient, or None (see
            ``cell.fused_sequence``).

    Returns:
        ``(last_output, outputs or None, final_states)``.
    """
    xs = ops.transpose(x_proj, (1, 0, 2))  # time-major for the scan
    time_mask = None
    if mask is not None:
        time_mask = ops.expand_dims(ops.transpose(ops.cast(mask, "bool"), (1, 0)), -1)
    if go_backwards:
        xs = ops.flip(xs, axis=0)
        time_mask = None if time_mask is None else ops.flip(time_mask, axis=0)

    length = xs.shape[0]  # static when known: lets XLA size the loop's buffers
    float_mask = None if time_mask is None else ops.cast(time_mask, xs.dtype)
    fused_result = None if fused is None else fused(xs, float_mask, list(initial_states))
    if fused_result is not None:
        outputs, final_states = fused_result
    elif not return_sequences and not (time_mask is not None and initial_state_given):
        final_states = _last_state_loop(step, xs, time_mask, initial_states, length)
        last = final_states[0]
        if time_mask is not None and zero_output_for_mask:
            last = ops.where(time_mask[-1], last, ops.zeros_like(last))
        return last, None, final_states
    elif time_mask is None:

        def body(states, x_t):
            _, new_states = step(x_t, list(states))
            return tuple(new_states), tuple(new_states)

        final_states, all_states = ops.scan(body, tuple(initial_states), xs, length=length)
    else:

        def body(states, inputs):
            x_t, m_t = inputs
            _, new_states = step(x_t, list(states))
            kept = tuple(
                ops.where(m_t, new, old) for new, old in zip(new_states, states, strict=True)
            )
            return kept, kept

        final_states, all_states = ops.scan(
            body, tuple(initial_states), (xs, time_mask), length=length
        )

    if fused_result is None:
        outputs = all_states[0]  # (T, batch, n): a<t> at every step, carried over if masked
    if time_mask is not None:
        if zero_output_for_mask:
            outputs = ops.where(time_mask, outputs, ops.zeros_like(outputs))
        elif initial_state_given:
            # Keras's "previous output" starts at zeros, not at the initial state.
            seen = ops.cumsum(ops.cast(time_mask, "int32"), axis=0) > 0
            outputs = ops.where(seen, outputs, ops.zeros_like(outputs))
    outputs_changed = time_mask is not None and (zero_output_for_mask or initial_state_given)
    # The fused path returns a<T> on its own: taking it (not outputs[-1]) spares the gradient
    # a (T, batch, n) tensor of zeros for the slice.
    last_output = final_states[0] if fused_result is not None and not outputs_changed else None
    last_output = outputs[-1] if last_output is None else last_output
    sequence = ops.transpose(outputs, (1, 0, 2)) if return_sequences else None
    return last_output, sequence, list(final_states)


def _last_state_loop(step, xs, time_mask, initial_states, length):
    """Lean loop when only the final states are wanted: no per-step outputs are stored."""
    n_steps = ops.shape(xs)[0] if length is None else length

    def body(t, *states):
        _, new_states = step(xs[t], list(states))
        if time_mask is not None:
            new_states = [
                ops.where(time_mask[t], new, old)
                for new, old in zip(new_states, states, strict=True)
            ]
        return (t + 1, *new_states)

    if keras.backend.backend() == "jax" and length is not None:
        # JAX differentiates fori_loop with static bounds (a scan), never a while_loop.
        return list(ops.fori_loop(0, length, lambda t, s: body(t, *s)[1:], tuple(initial_states)))
    result = ops.while_loop(
        lambda t, *_: t < n_steps, body, (0, *initial_states), maximum_iterations=length
    )
    return list(result[1:])
