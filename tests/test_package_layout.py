"""The package is organised by concept: no import cycles, small modules, each with a docstring.

The import graph is read from the source (``ast``), so the test needs no TensorFlow and fails
on a cycle even when Python would resolve it lazily at run time.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rnn_utils"
MAX_LINES = 430  # "about 400": a module past this should be split by concept


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """rnn_utils modules imported at module level or inside functions (both can form cycles)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rnn_utils"):
            found.add(node.module)
            for alias in node.names:  # ``from rnn_utils.layers import _loop`` names a module
                if f"{node.module}.{alias.name}" in MODULES:
                    found.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rnn_utils."))
    return {name for name in found if name in MODULES}


def import_graph() -> dict[str, set[str]]:
    return {name: _imports(path) - {name} for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of nodes (first node repeated at the end), or None.

    A package ``__init__`` importing its own submodules is not a cycle by itself; it becomes
    one only when such a submodule imports the package back, which this search finds."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt.startswith(node + "."):
                continue  # a package importing its own submodule
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if state.get(nxt) is None and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None and (cycle := visit(node)):
            return cycle
    return None


def test_the_package_has_no_import_cycle():
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()))


def test_the_cycle_finder_reports_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"p": {"p.x"}, "p.x": set()}) is None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_is_small_and_opens_with_a_docstring(name):
    source = MODULES[name].read_text()
    lines = source.count("\n")
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it by concept"
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring and len(docstring) > 40, f"{name} has no docstring saying what it holds"


@pytest.mark.parametrize(
    "concept, files",
    [
        ("simple_rnn", ("layers/simple_rnn.py", "scratch/rnn.py")),
        ("gru", ("layers/gru.py", "scratch/gru.py")),
        ("lstm", ("layers/lstm.py", "scratch/lstm.py")),
    ],
)
def test_each_cell_type_has_one_home_per_implementation(concept, files):
    cls = {"simple_rnn": "SimpleRNNCell", "gru": "GRUCell", "lstm": "LSTMCell"}[concept]
    step = {"simple_rnn": "rnn", "gru": "gru", "lstm": "lstm"}[concept]
    homes = [p for p in PACKAGE.rglob("*.py") if f"class {cls}(" in p.read_text()]
    assert [p.relative_to(PACKAGE).as_posix() for p in homes] == [files[0]]
    homes = [p for p in PACKAGE.rglob("*.py") if f"def {step}_cell_forward(" in p.read_text()]
    assert [p.relative_to(PACKAGE).as_posix() for p in homes] == [files[1]]


def test_public_imports_of_the_notebooks_still_work():
    from rnn_utils.layers import (  # noqa: F401
        GRU,
        LSTM,
        Bidirectional,
        DeepRNN,
        LSTMCell,
        SimpleRNN,
    )
    from rnn_utils.plots import COURSE_COLORS, use_course_style  # noqa: F401
    from rnn_utils.plots.charts import plot_history  # noqa: F401
    from rnn_utils.plots.diagrams import draw_unrolled_rnn  # noqa: F401
    from rnn_utils.scratch import gradient_check, lstm_forward, to_keras_weights  # noqa: F401
