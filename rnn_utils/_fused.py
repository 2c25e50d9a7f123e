"""Hand-written backpropagation through time for the default cells (TensorFlow backend).

Autodiff through ``keras.ops.scan`` on TensorFlow stores every loop intermediate in growing
lists, runs three small matmuls per step, and cannot be compiled by XLA (the lists have no fixed
size). For the default configuration (tanh / sigmoid, SimpleRNN, GRU with reset_after, LSTM
without peepholes) this module instead wraps the whole time loop in ``keras.ops.custom_gradient``:

- forward: one ``scan`` that keeps a<t> (and c<t>, the gate values) for the backward pass;
- backward: one reverse ``scan`` with ONE matmul per step (dz<t>·U^T), then the recurrent-kernel
  gradient of all steps as one large matmul, dU = Σ_t a<t-1>^T dz<t>.

All tensors here are time-major, in processing order. ``mask`` is a float (T, batch, 1) tensor
or None; a masked step keeps the previous states (``new = m·step + (1 − m)·old``).
"""

from keras import ops


def _shifted(seq, first):
    """States entering each step: [s<0>, s<1>, ..., s<T-1>] from [s<1>, ..., s<T>]."""
    return ops.concatenate([ops.expand_dims(first, 0), seq[:-1]], axis=0)


def _keep(m, new, old):
    return new if m is None else m * new + (1.0 - m) * old


def _scan(body, init, xs, length, reverse=False):
    return ops.scan(body, init, xs, length=length, reverse=reverse)


def _dense_grad(prev, dz):
    """Σ_t prev<t>^T dz<t> as one matmul over all (t, batch) rows."""
    n, g = prev.shape[-1], dz.shape[-1]
    return ops.matmul(ops.transpose(ops.reshape(prev, (-1, n))), ops.reshape(dz, (-1, g)))


def _zeros_if_none(grad, like):
    return ops.zeros_like(like) if grad is None else grad


def lstm_sequence(xs, mask, kernel, h0, c0):
    """Returns (H, C), each (T, batch, n), with a custom BPTT gradient."""
    length, n = xs.shape[0], h0.shape[-1]

    @ops.custom_gradient
    def run(xs, kernel, h0, c0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None

        def body(carry, inputs):
            h, c, _ = carry
            x_t, m_t = inputs if m is not None else (inputs, None)
            z = x_t + ops.matmul(h, kernel)
            gates = ops.concatenate(
                [ops.sigmoid(z[:, : 2 * n]), ops.tanh(z[:, 2 * n : 3 * n]),
                 ops.sigmoid(z[:, 3 * n :])], axis=-1,
            )  # fmt: skip
            i, f, g, o = (
                gates[:, :n],
                gates[:, n : 2 * n],
                gates[:, 2 * n : 3 * n],
                gates[:, 3 * n :],
            )
            c_new = f * c + i * g
            h_new = o * ops.tanh(c_new)
            state = (_keep(m_t, h_new, h), _keep(m_t, c_new, c), gates)
            return state, state

        init = (h0, c0, ops.zeros((ops.shape(h0)[0], 4 * n), h0.dtype))
        _, (H, C, G) = _scan(body, init, xs if m is None else (xs, m), length)

        def grad(d_h_seq, d_c_seq, variables=None):
            d_h_seq, d_c_seq = _zeros_if_none(d_h_seq, H), _zeros_if_none(d_c_seq, C)
            c_prev_seq = _shifted(C, c0)
            kernel_t = ops.transpose(kernel)

            def back(carry, inputs):
                dh_next, dc_next, _ = carry
                gates, c_prev, dh_out, dc_out = inputs[:4]
                m_t = inputs[4] if m is not None else None
                dh, dc_total = dh_out + dh_next, dc_out + dc_next
                dh_new = dh if m_t is None else m_t * dh
                i, f, g, o = (gates[:, :n], gates[:, n : 2 * n], gates[:, 2 * n : 3 * n],
                              gates[:, 3 * n :])  # fmt: skip
                tanh_c = ops.tanh(f * c_prev + i * g)
                dc = dh_new * o * (1.0 - tanh_c * tanh_c) + (
                    dc_total if m_t is None else m_t * dc_total
                )
                dz = ops.concatenate(
                    [dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f),
                     dc * i * (1.0 - g * g), dh_new * tanh_c * o * (1.0 - o)], axis=-1,
                )  # fmt: skip
                dh_prev = ops.matmul(dz, kernel_t)
                dc_prev = dc * f
                if m_t is not None:
                    dh_prev = dh_prev + (1.0 - m_t) * dh
                    dc_prev = dc_prev + (1.0 - m_t) * dc_total
                state = (dh_prev, dc_prev, dz)
                return state, state

            xs_back = (G, c_prev_seq, d_h_seq, d_c_seq) + ((m,) if m is not None else ())
            init_back = (ops.zeros_like(h0), ops.zeros_like(c0), ops.zeros_like(G[0]))
            (dh0, dc0, _), (_, _, DZ) = _scan(back, init_back, xs_back, length, reverse=True)
            d_kernel = _dense_grad(_shifted(H, h0), DZ)
            grads = [DZ, d_kernel, dh0, dc0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return (H, C), grad

    return run(xs, kernel, h0, c0, *([mask] if mask is not None else []))


def gru_sequence(xs, mask, kernel, recurrent_bias, h0):
    """GRU with reset_after=True: returns (H,), (T, batch, n), with a custom BPTT gradient."""
    length, n = xs.shape[0], h0.shape[-1]

    @ops.custom_gradient
    def run(xs, kernel, recurrent_bias, h0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None

        def body(carry, inputs):
            h, _ = carry
            x_t, m_t = inputs if m is not None else (inputs, None)
            inner = ops.matmul(h, kernel) + recurrent_bias
            zr = ops.sigmoid(x_t[:, : 2 * n] + inner[:, : 2 * n])
            z, r = zr[:, :n], zr[:, n:]
            hh = ops.tanh(x_t[:, 2 * n :] + r * inner[:, 2 * n :])
            h_new = z * h + (1.0 - z) * hh
            saved = ops.concatenate([zr, hh, inner[:, 2 * n :]], axis=-1)
            state = (_keep(m_t, h_new, h), saved)
            return state, state

        init = (h0, ops.zeros((ops.shape(h0)[0], 4 * n), h0.dtype))
        _, (H, S) = _scan(body, init, xs if m is None else (xs, m), length)

        def grad(d_h_seq, variables=None):
            d_h_seq = _zeros_if_none(d_h_seq, H)
            h_prev_seq = _shifted(H, h0)
            kernel_t = ops.transpose(kernel)

            def back(carry, inputs):
                dh_next, _ = carry
                saved, h_prev, dh_out = inputs[:3]
                m_t = inputs[3] if m is not None else None
                dh = dh_out + dh_next
                dh_new = dh if m_t is None else m_t * dh
                z, r = saved[:, :n], saved[:, n : 2 * n]
                hh, inner_h = saved[:, 2 * n : 3 * n], saved[:, 3 * n :]
                d_pre_h = dh_new * (1.0 - z) * (1.0 - hh * hh)
                d_pre_z = dh_new * (h_prev - hh) * z * (1.0 - z)
                d_pre_r = d_pre_h * inner_h * r * (1.0 - r)
                d_x = ops.concatenate([d_pre_z, d_pre_r, d_pre_h], axis=-1)
                d_inner = ops.concatenate([d_pre_z, d_pre_r, d_pre_h * r], axis=-1)
                dh_prev = ops.matmul(d_inner, kernel_t) + dh_new * z
                if m_t is not None:
                    dh_prev = dh_prev + (1.0 - m_t) * dh
                both = ops.concatenate([d_x, d_inner], axis=-1)
                return (dh_prev, both), (dh_prev, both)

            xs_back = (S, h_prev_seq, d_h_seq) + ((m,) if m is not None else ())
            init_back = (ops.zeros_like(h0), ops.zeros((ops.shape(h0)[0], 6 * n), h0.dtype))
            (dh0, _), (_, both) = _scan(back, init_back, xs_back, length, reverse=True)
            d_x, d_inner = both[..., : 3 * n], both[..., 3 * n :]
            d_kernel = _dense_grad(h_prev_seq, d_inner)
            d_bias = ops.sum(d_inner, axis=(0, 1))
            grads = [d_x, d_kernel, d_bias, dh0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return H, grad

    return (run(xs, kernel, recurrent_bias, h0, *([mask] if mask is not None else [])),)


def simple_sequence(xs, mask, kernel, h0):
    """tanh SimpleRNN: returns (H,), (T, batch, n), with a custom BPTT gradient."""
    length = xs.shape[0]

    @ops.custom_gradient
    def run(xs, kernel, h0, *maybe_mask):
        m = maybe_mask[0] if maybe_mask else None

        # tanh' needs the unmasked activation, so it is kept next to the (masked) state.
        def body_with_act(carry, inputs):
            h, _ = carry
            x_t, m_t = inputs if m is not None else (inputs, None)
            act = ops.tanh(x_t + ops.matmul(h, kernel))
            state = (_keep(m_t, act, h), act)
            return state, state

        _, (H, A) = _scan(body_with_act, (h0, h0), xs if m is None else (xs, m), length)

        def grad(d_h_seq, variables=None):
            d_h_seq = _zeros_if_none(d_h_seq, H)
            kernel_t = ops.transpose(kernel)

            def back(carry, inputs):
                dh_next, _ = carry
                act, dh_out = inputs[:2]
                m_t = inputs[2] if m is not None else None
                dh = dh_out + dh_next
                dh_new = dh if m_t is None else m_t * dh
                d_pre = dh_new * (1.0 - act * act)
                dh_prev = ops.matmul(d_pre, kernel_t)
                if m_t is not None:
                    dh_prev = dh_prev + (1.0 - m_t) * dh
                return (dh_prev, d_pre), (dh_prev, d_pre)

            xs_back = (A, d_h_seq) + ((m,) if m is not None else ())
            init_back = (ops.zeros_like(h0), ops.zeros_like(h0))
            (dh0, _), (_, D) = _scan(back, init_back, xs_back, length, reverse=True)
            d_kernel = _dense_grad(_shifted(H, h0), D)
            grads = [D, d_kernel, dh0] + ([ops.zeros_like(m)] if m is not None else [])
            return grads if variables is None else (grads, [])

        return H, grad

    return (run(xs, kernel, h0, *([mask] if mask is not None else [])),)
