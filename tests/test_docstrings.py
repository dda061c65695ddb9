"""Every docstring example runs without a warning: what a user copies must be clean.

pytest's ``--doctest-modules`` runs the examples but lets warnings pass; here each one
runs again with every warning an error, and so does the README's usage example.
"""

import doctest
import importlib
import pkgutil
import re
import warnings
from pathlib import Path

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


def test_readme_usage_example_runs_and_learns(capsys):
    # The README's Usage block, as a user pastes it: no warning, and it learns the digits.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    (code,) = re.findall(r"## Usage\n\n```python\n(.*?)```", readme, flags=re.DOTALL)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(code, "README.md", "exec"), {})
    assert float(capsys.readouterr().out) > 0.9  # chance is 0.1
