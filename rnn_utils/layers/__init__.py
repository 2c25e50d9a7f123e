"""Recurrent layers in ``keras.ops`` only, drop-in twins of Keras's built-ins.

One module per concept, each holding the cell, the sequence layer and its hand-written BPTT,
as Keras's own ``keras/src/layers/rnn/`` does:

======================  ==========================================  ===========
module                  holds                                       notebook
======================  ==========================================  ===========
``simple_rnn``          ``SimpleRNNCell``, ``SimpleRNN``            02, 03
``gru``                 ``GRUCell``, ``GRU``                        04
``lstm``                ``LSTMCell``, ``LSTM``                      05
``bidirectional``       ``Bidirectional``                           06
``deep``                ``DeepRNN``                                 07
======================  ==========================================  ===========

The private ``_cell_base``, ``_layer_base`` and ``_loop`` hold what the cells and layers share.
Weights are laid out exactly like the built-ins', so ``ours.set_weights(builtin.get_weights())``
gives the same outputs; ``layer.trace(x)`` returns the gate activations over time for plots.
The constructors take every argument of Keras 3.15's built-ins, in the same order and with the
same defaults: variational ``dropout``/``recurrent_dropout`` with ``seed``, ``stateful`` with
``reset_state()``, ``unroll`` (steps per loop iteration of the training pass), and
``use_cudnn``/``implementation`` (accepted, no effect).
"""

from rnn_utils.versions import check_versions

check_versions()  # before any layer module touches keras.ops: a clear message on old versions

from rnn_utils.layers.bidirectional import Bidirectional  # noqa: E402
from rnn_utils.layers.deep import DeepRNN  # noqa: E402
from rnn_utils.layers.gru import GRU, GRUCell  # noqa: E402
from rnn_utils.layers.lstm import LSTM, LSTMCell  # noqa: E402
from rnn_utils.layers.simple_rnn import SimpleRNN, SimpleRNNCell  # noqa: E402

__all__ = [
    "SimpleRNN", "GRU", "LSTM", "Bidirectional", "DeepRNN",
    "SimpleRNNCell", "GRUCell", "LSTMCell",
]  # fmt: skip
