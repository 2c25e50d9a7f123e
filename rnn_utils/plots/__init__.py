"""Figures of the course: one style, diagrams drawn by code, charts of results.

- :mod:`rnn_utils.plots.style`: colours (:data:`COURSE_COLORS`) and the Matplotlib style;
- :mod:`rnn_utils.plots.diagrams`: the unrolled RNN and the architecture types (notebook 01 on);
- :mod:`rnn_utils.plots.charts`: training curves and hidden-state heatmaps (notebook 02 on);
- :mod:`rnn_utils.plots.bidirectional_diagrams`, :mod:`rnn_utils.plots.deep_diagrams`,
  :mod:`rnn_utils.plots.seq2seq_diagrams`: the diagrams of notebooks 06, 07 and 08.

Matplotlib only: importing this package never loads TensorFlow.
"""

from rnn_utils.plots.style import (
    COURSE_COLORS,
    COURSE_CYCLE,
    COURSE_STYLE,
    new_axes,
    use_course_style,
)

__all__ = ["COURSE_COLORS", "COURSE_CYCLE", "COURSE_STYLE", "new_axes", "use_course_style"]
