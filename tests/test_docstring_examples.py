"""Every ``Example:`` in the package's docstrings runs and prints what it claims."""

import doctest
import importlib
import pkgutil

import pytest

import rnn_utils

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(rnn_utils.__path__, prefix="rnn_utils.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
