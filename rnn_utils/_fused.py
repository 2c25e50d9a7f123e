"""Hand-written backpropagation through time for the default cells (TensorFlow backend).

Autodiff through ``keras.ops.scan`` on TensorFlow stores every loop intermediate in growing
lists, runs three small matmuls per step, and cannot be compiled by XLA (the lists have no fixed
size). For the default configuration (tanh / sigmoid, SimpleRNN, GRU with reset_after, LSTM
without peepholes) this module instead wraps the whole time loop in ``keras.ops.custom_gradient``.
At these sizes TensorFlow's per-op overhead and the memory traffic of large (T, batch, width)
tensors cost as much as the arithmetic (see benchmarks/README.md), so:

- forward: per step ONE matmul a<t-1>·U plus the gate nonlinearities. Each step also stores
  what its backward step needs (for the LSTM the factors Q<t>, P<t> with dz<t> = [dc, dc, dc,
  da] ⊙ Q<t>), computed off the recurrence's critical path while the gate values are at hand;
- backward: per step ONE matmul dz<t>·U^T and a few elementwise ops; after the loop the
  recurrent-kernel gradient dU = Σ_t a<t-1>^T dz<t> is ONE large matmul over all steps;
- the gated cells' loops store a<t-1> (the state entering each step), so dU needs no shifted
  copy; the output sequence a<1..T> is assembled only if the caller uses it. SimpleRNN stores
  only a<1..T> and reads a<t-1> as a view of it;
- :func:`_chunked_scan` reads each block of inputs as a zero-copy view by index and runs
  ``k`` steps per loop iteration (partial unrolling), or all T steps without a loop for short
  sequences (no TensorList copy of the stored tensors).

All tensors here are time-major, in processing order. ``mask`` is a float (T, batch, 1) tensor
or None; a masked step keeps the previous states (``new = m·step + (1 − m)·old``). Every
function returns ``(a<t> for all t, [final states])``.
"""

from keras import ops

MAX_UNROLL = 10  # largest number of time steps per loop iteration
# Sequences up to this length run fully unrolled, with no loop, in SimpleRNN's forward and
# backward pass and in the LSTM's forward pass. A loop's outputs are first packed per block, then
# copied again by TensorListStack, ~1 ms per (T, batch, 128) tensor on the benchmark VM, which
# matters most when a step does little work. Slower at T = 200, n = 256 (benchmarks/README.md).
FULL_UNROLL_MAX_LENGTH = 100


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


def _chunked_scan(step, carry, xs, y_widths, reverse=False, max_unroll=None):
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


def _full_unroll(xs):
    """Steps per loop iteration: all of them for a short sequence of known length."""
    length = xs.shape[0]
    return length if length is not None and length <= FULL_UNROLL_MAX_LENGTH else MAX_UNROLL


def _keep(m, new, old):
    return new if m is None else old + m * (new - old)


def _dense_grad(prev, dz):
    """Σ_t prev<t>^T dz<t> as one matmul over all (t, batch) rows."""
    n, g = prev.shape[-1], dz.shape[-1]
    return ops.matmul(ops.transpose(ops.reshape(prev, (-1, n))), ops.reshape(dz, (-1, g)))


def _zeros_if_none(grad, like):
    return ops.zeros_like(like) if grad is None else grad


def _with_mask(xs, m):
    return (xs,) if m is None else (xs, m)


def _optional(*tensors):
    """The given tensors that are not None, as a tuple (optional loop inputs: mask, dL/da<t>)."""
    return tuple(t for t in tensors if t is not None)


def _outputs(h_prev_seq, h_last):
    """a<1..T> from the states entering each step, a<0..T-1>, and the last state."""
    return ops.concatenate([h_prev_seq[1:], ops.expand_dims(h_last, 0)], axis=0)


def lstm_sequence(xs, mask, kernel, h0, c0):
    """Returns (H, [a<T>, c<T>]), H of shape (T, batch, n), with a custom BPTT gradient."""
    n = h0.shape[-1]

    @ops.custom_gradient
    def run(xs, kernel, h0, c0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None

        ones, zeros = ops.ones((n,), xs.dtype), ops.zeros((n,), xs.dtype)
        sigmoid_mask = ops.concatenate([ones, ones, zeros, ones])
        tanh_mask = ops.concatenate([zeros, zeros, ones, zeros])

        # Besides a<t-1>, each step stores what its backward step needs, computed while the
        # gate values are at hand: dz<t> = [dc, dc, dc, da] ⊙ Q<t>, dc<t> = da ⊙ P<t> + ...
        def step(carry, inputs):
            h, c = carry
            z = inputs[0] + ops.matmul(h, kernel)
            z_i, z_f, z_g, z_o = ops.split(z, 4, axis=-1)
            i, f, g, o = ops.sigmoid(z_i), ops.sigmoid(z_f), ops.tanh(z_g), ops.sigmoid(z_o)
            c_new = f * c + i * g
            tanh_c = ops.tanh(c_new)
            h_new = o * tanh_c
            # Derivatives of the four gate values, [σ', σ', tanh', σ'], in three full-width ops:
            # s ⊙ (β − s) + α with β = [1, 1, 0, 1], α = [0, 0, 1, 0] (per block).
            values = ops.concatenate([i, f, g, o], axis=-1)
            slopes = values * (sigmoid_mask - values) + tanh_mask
            q = ops.concatenate([g, c, i, tanh_c], axis=-1) * slopes
            p = o - o * tanh_c * tanh_c
            if m is not None:
                h_new, c_new = _keep(inputs[1], h_new, h), _keep(inputs[1], c_new, c)
            return (h_new, c_new), (h, q, p, f)

        (h_last, c_last), (H_prev, Q, P, F) = _chunked_scan(
            step, (h0, c0), _with_mask(xs, m), [n, 4 * n, n, n], max_unroll=_full_unroll(xs)
        )

        def grad(d_h_prev_seq, d_h_last, d_c_last, variables=None):
            kernel_t = ops.transpose(kernel)

            def back(carry, inputs):
                dh, dc_next = carry
                q, p, f = inputs[:3]
                if m is None:
                    dc = dh * p + dc_next
                    dz = ops.concatenate([dc, dc, dc, dh], axis=-1) * q
                    dh_prev, dc_prev = ops.matmul(dz, kernel_t), dc * f
                else:
                    m_t = inputs[3]
                    dh_new = m_t * dh
                    dc = dh_new * p + m_t * dc_next
                    dz = ops.concatenate([dc, dc, dc, dh_new], axis=-1) * q
                    dh_prev = ops.matmul(dz, kernel_t) + (dh - dh_new)
                    dc_prev = dc * f + (dc_next - m_t * dc_next)
                if d_h_prev_seq is not None:
                    dh_prev = dh_prev + inputs[-1]
                return (dh_prev, dc_prev), (dz,)

            init = (_zeros_if_none(d_h_last, h0), _zeros_if_none(d_c_last, c0))
            xs_back = (Q, P, F) + _optional(m, d_h_prev_seq)
            (dh0, dc0), (DZ,) = _chunked_scan(back, init, xs_back, [4 * n], reverse=True)
            d_kernel = _dense_grad(H_prev, DZ)  # one large matmul for all steps
            grads = [DZ, d_kernel, dh0, dc0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return (H_prev, h_last, c_last), grad

    H_prev, h_last, c_last = run(xs, kernel, h0, c0, *([mask] if mask is not None else []))
    return _outputs(H_prev, h_last), [h_last, c_last]


def gru_sequence(xs, mask, kernel, recurrent_bias, h0):
    """GRU with reset_after=True: returns (H, [a<T>]), with a custom BPTT gradient."""
    n = h0.shape[-1]

    @ops.custom_gradient
    def run(xs, kernel, recurrent_bias, h0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None

        def step(carry, inputs):
            (h,) = carry
            x_zr, x_h = ops.split(inputs[0], [2 * n], axis=-1)
            inner_zr, inner_h = ops.split(ops.matmul(h, kernel) + recurrent_bias, [2 * n], -1)
            zr = ops.sigmoid(x_zr + inner_zr)
            z, r = ops.split(zr, 2, axis=-1)
            hh = ops.tanh(x_h + r * inner_h)
            h_new = hh + z * (h - hh)
            if m is not None:
                h_new = _keep(inputs[1], h_new, h)
            return (h_new,), (h, zr, hh, inner_h)

        (h_last,), (h_prev_seq, ZR, HH, INNER_H) = _chunked_scan(
            step, (h0,), _with_mask(xs, m), [n, 2 * n, n, n]
        )

        def grad(d_h_prev_seq, d_h_last, variables=None):
            Z, R = ops.split(ZR, 2, axis=-1)
            # Pre-activation gradients are dh<t> times these factors, for every step at once.
            d_h_factor = (1.0 - Z) * (1.0 - HH * HH)
            d_z_factor = (h_prev_seq - HH) * Z * (1.0 - Z)
            d_r_factor = d_h_factor * INNER_H * R * (1.0 - R)
            inner_factor = ops.concatenate([d_z_factor, d_r_factor, d_h_factor * R], axis=-1)
            kernel_t = ops.transpose(kernel)

            def back(carry, inputs):
                (dh,) = carry
                q, z = inputs[:2]
                dh_new = dh if m is None else inputs[2] * dh
                d_inner = ops.concatenate([dh_new, dh_new, dh_new], axis=-1) * q
                dh_prev = ops.matmul(d_inner, kernel_t) + dh_new * z
                if m is not None:
                    dh_prev = dh_prev + (dh - dh_new)
                if d_h_prev_seq is not None:
                    dh_prev = dh_prev + inputs[-1]
                return (dh_prev,), (dh_new,)

            xs_back = (inner_factor, Z) + _optional(m, d_h_prev_seq)
            init = (_zeros_if_none(d_h_last, h0),)
            (dh0,), (DH,) = _chunked_scan(back, init, xs_back, [n], reverse=True)
            DH3 = ops.concatenate([DH, DH, DH], axis=-1)
            d_inner = DH3 * inner_factor
            d_x = DH3 * ops.concatenate([d_z_factor, d_r_factor, d_h_factor], axis=-1)
            d_kernel = _dense_grad(h_prev_seq, d_inner)
            d_bias = ops.sum(d_inner, axis=(0, 1))
            grads = [d_x, d_kernel, d_bias, dh0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return (h_prev_seq, h_last), grad

    H_prev, h_last = run(xs, kernel, recurrent_bias, h0, *([mask] if mask is not None else []))
    return _outputs(H_prev, h_last), [h_last]


def simple_sequence(xs, mask, kernel, h0):
    """tanh SimpleRNN: returns (H, [a<T>]), with a custom BPTT gradient.

    Unlike the gated cells, it stores only a<t> (the output sequence itself): tanh' = 1 − a<t>²
    is recomputed in the backward step, off its critical path, and dU reads a<t-1> as a
    zero-copy view of the same tensor. One stored (T, batch, n) tensor instead of three."""

    @ops.custom_gradient
    def run(xs, kernel, h0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None
        unroll = _full_unroll(xs)

        def step(carry, inputs):
            (h,) = carry
            act = ops.tanh(inputs[0] + ops.matmul(h, kernel))
            h_new = act if m is None else _keep(inputs[1], act, h)
            return (h_new,), (h_new,)

        n = h0.shape[-1]
        (h_last,), (H,) = _chunked_scan(step, (h0,), _with_mask(xs, m), [n], max_unroll=unroll)

        def grad(d_H, d_h_last, variables=None):
            kernel_t = ops.transpose(kernel)

            # A masked step stores the kept state, but its d_pre is multiplied by m = 0 anyway.
            def back(carry, inputs):
                (dh,) = carry
                a = inputs[0]
                if d_H is not None:
                    dh = dh + inputs[-1]
                dh_new = dh if m is None else inputs[1] * dh
                d_pre = dh_new * (1.0 - a * a)
                dh_prev = ops.matmul(d_pre, kernel_t)
                if m is not None:
                    dh_prev = dh_prev + (dh - dh_new)
                return (dh_prev,), (d_pre,)

            xs_back = (H,) + _optional(m, d_H)
            init = (_zeros_if_none(d_h_last, h0),)
            (dh0,), (D,) = _chunked_scan(back, init, xs_back, [n], reverse=True, max_unroll=unroll)
            # dU = Σ_t a<t-1>^T d<t>: a<0> = h0 for the first step, views of H and D for the rest.
            d_kernel = ops.matmul(ops.transpose(h0), D[0])
            if H.shape[0] is None or H.shape[0] > 1:
                d_kernel = d_kernel + _dense_grad(H[:-1], D[1:])
            grads = [D, d_kernel, dh0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return (H, h_last), grad

    H, h_last = run(xs, kernel, h0, *([mask] if mask is not None else []))
    return H, [h_last]
