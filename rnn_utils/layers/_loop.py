"""The time loop shared by every sequence layer, and the building blocks of the hand-written BPTT.

Private: the notebooks import :mod:`rnn_utils.layers`. Two loops live here:

- :func:`run_recurrence` drives a cell over time with ``keras.ops.scan`` after the caller has
  projected the inputs of ALL time steps with one matmul (on JAX each step projects its own
  input, which XLA runs faster there). It reproduces Keras's RNN semantics: a masked step
  carries every state over unchanged; the output at a masked step is the previous output
  (zeros before the first valid step), or zeros with ``zero_output_for_mask=True`` (what
  ``Bidirectional`` uses with sequences); ``go_backwards=True`` reads the sequence from the end
  and returns outputs in that reversed order.
- :func:`chunked_scan` and its helpers are what each cell's ``*_sequence`` function (in
  ``simple_rnn.py``, ``gru.py``, ``lstm.py``) builds its forward and hand-written backward loops
  from, on the TensorFlow backend. Autodiff through ``keras.ops.scan`` on TensorFlow stores every
  loop intermediate in growing lists, runs three small matmuls per step and cannot be compiled by
  XLA; the hand-written loops run ONE matmul per step each way, store what the backward step
  needs, and compute the recurrent-kernel gradient dU = Σ_t a<t-1>^T dz<t> as ONE matmul after
  the loop (see benchmarks/README.md). Tensors there are time-major, in processing order;
  ``mask`` is a float (T, batch, 1) tensor or None, and a masked step keeps the previous states.
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
        x_proj: what ``step`` reads at each step, (batch, T, width): the projected inputs
            (the raw inputs on JAX, where the step projects its own; see ``SequenceLayer.call``).
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


MAX_UNROLL = 10  # steps per loop iteration of the hand-written BPTT with unroll=True
# With unroll=True, sequences up to this length run fully unrolled, with no loop, in SimpleRNN's
# forward and backward pass and in the LSTM's forward pass. A loop's outputs are first packed per
# block, then copied again by TensorListStack, ~1 ms per (T, batch, 128) tensor on the benchmark
# VM, which matters most when a step does little work. Slower at T = 200, n = 256.
FULL_UNROLL_MAX_LENGTH = 100


def steps_per_iteration(xs, unroll, full=False):
    """Steps per loop iteration of a hand-written BPTT loop over ``xs``, from a layer's ``unroll``.

    False (the default, as in Keras): one step per iteration. Tracing costs about a millisecond
    per op, so this smallest graph makes a fresh model's first training step fastest. True:
    ``MAX_UNROLL`` steps per iteration, or with ``full`` every step of a sequence of known length
    up to ``FULL_UNROLL_MAX_LENGTH`` (no loop at all): a larger graph, slower to build, faster per
    step afterwards at small widths (benchmarks/README.md, the first_step.py section).
    """
    if not unroll:
        return 1
    length = xs.shape[0]
    if full and length is not None and length <= FULL_UNROLL_MAX_LENGTH:
        return length
    return MAX_UNROLL


def unroll_factor(length, max_unroll=None):
    """Steps per loop iteration: the largest k ≤ max_unroll (default MAX_UNROLL) dividing
    ``length`` (k ≥ 4), else max_unroll with a short unrolled tail; 1 when the length is
    unknown."""
    max_unroll = MAX_UNROLL if max_unroll is None else max_unroll
    if length is None or max_unroll <= 1:
        return 1
    for k in range(min(max_unroll, length), 3, -1):
        if length % k == 0:
            return k
    return min(max_unroll, length)


def chunked_scan(step, carry, xs, y_widths, reverse=False, max_unroll=None):
    """Scan ``step(carry, x_t) -> (carry, y_t)`` over axis 0 of the tensors in ``xs``.

    Runs ``k = unroll_factor(T, max_unroll)`` steps per loop iteration, reading each block of
    inputs as a zero-copy view by index (scanning over ``xs`` would first copy them into a
    TensorArray); the last ``T mod k`` steps run unrolled outside the loop; k = 1 when T is
    unknown; with k = T there is no loop at all. ``y_t`` is a tuple of (batch, width) tensors
    with the given ``y_widths``.

    Returns ``(final carry, tuple of (T, batch, width) tensors)``.
    """
    carry, length = tuple(carry), xs[0].shape[0]
    n_carry, n_y = len(carry), len(y_widths)
    batch, dtype = ops.shape(carry[0])[0], carry[0].dtype
    k = unroll_factor(length, max_unroll)
    main = None if length is None else (length // k) * k

    def run_block(carry, x_block, k):
        columns = [ops.unstack(x, num=k, axis=0) for x in x_block]
        outs = [None] * k
        for j in range(k - 1, -1, -1) if reverse else range(k):
            carry, outs[j] = step(carry, tuple(col[j] for col in columns))
        return tuple(carry), tuple(ops.stack([o[i] for o in outs], axis=0) for i in range(n_y))

    def body(state, index):
        start = index * k
        block = tuple(
            ops.slice(x, (start,) + (0,) * (len(x.shape) - 1), (k,) + (-1,) * (len(x.shape) - 1))
            for x in xs
        )
        c, ys = run_block(state[:n_carry], block, k)
        return c + ys, c + ys  # Keras's scan wants outputs shaped like the carry

    def run_main(carry):
        # Scanning over block indices (not over ``xs``) spares a copy of every input.
        n_blocks = ops.shape(xs[0])[0] if main is None else main // k
        init = carry + tuple(ops.zeros((k, batch, w), dtype) for w in y_widths)
        indices = ops.arange(n_blocks, dtype="int32")
        length_arg = None if main is None else n_blocks
        final, ys = ops.scan(body, init, indices, length=length_arg, reverse=reverse)
        ys = tuple(ops.reshape(y, (-1,) + tuple(ops.shape(y)[2:])) for y in ys[n_carry:])
        return final[:n_carry], ys

    if length is not None and k == length:  # fully unrolled: no loop, no TensorList copies
        return run_block(carry, xs, k)
    if main is None or main == length:
        return run_main(carry)
    tail = tuple(x[main:] for x in xs)
    if reverse:
        carry, tail_ys = run_block(carry, tail, length - main)
        carry, head_ys = run_main(carry)
    else:
        carry, head_ys = run_main(carry)
        carry, tail_ys = run_block(carry, tail, length - main)
    return carry, tuple(
        ops.concatenate(pair, axis=0) for pair in zip(head_ys, tail_ys, strict=True)
    )


def keep_where(m, new, old):
    return new if m is None else old + m * (new - old)


def dense_grad(prev, dz):
    """Σ_t prev<t>^T dz<t> as one matmul over all (t, batch) rows."""
    n, g = prev.shape[-1], dz.shape[-1]
    return ops.matmul(ops.transpose(ops.reshape(prev, (-1, n))), ops.reshape(dz, (-1, g)))


def zeros_if_none(grad, like):
    return ops.zeros_like(like) if grad is None else grad


def with_mask(xs, m):
    return (xs,) if m is None else (xs, m)


def present(*tensors):
    """The given tensors that are not None, as a tuple (optional loop inputs: mask, dL/da<t>)."""
    return tuple(t for t in tensors if t is not None)


def outputs_from_prev(h_prev_seq, h_last):
    """a<1..T> from the states entering each step, a<0..T-1>, and the last state."""
    return ops.concatenate([h_prev_seq[1:], ops.expand_dims(h_last, 0)], axis=0)
