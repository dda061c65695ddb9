"""Every docstring example runs without a warning: what a user copies must be clean.

pytest's ``--doctest-modules`` runs the examples but lets warnings pass; here each one
runs again with every warning an error.
"""

import doctest
import importlib
import pkgutil
import warnings

import pytest

import sknn
from sknn._activations import ACTIVATIONS


def _examples():
    finder = doctest.DocTestFinder()
    for module_info in pkgutil.walk_packages(sknn.__path__, "sknn."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for test in finder.find(module):
            if test.examples and test.name.startswith(module.__name__):
                yield pytest.param(test, id=test.name)


@pytest.mark.parametrize("test", list(_examples()))
def test_docstring_example_gives_no_warning(test, monkeypatch):
    # (An example may register an activation: the registry is put back afterwards.)
    monkeypatch.setattr("sknn._activations.ACTIVATIONS", dict(ACTIVATIONS))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = runner.run(test, clear_globs=True, out=lambda text: None)
    assert result.failed == 0, f"{test.name}: {result.failed} example(s) failed or warned"
