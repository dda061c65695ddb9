"""The Python code blocks of documentation pages run as shown, in order, with the
output their comments state."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"


def code_blocks(page):
    """The ``.. code-block:: python`` blocks of ``page``, dedented, in order."""
    text = (DOCS / page).read_text()
    blocks = re.findall(r"^\.\. code-block:: python\n\n((?:(?: {4}.*)?\n)+)", text, re.M)
    return [textwrap.dedent(block) for block in blocks]


def test_the_persistence_page_saves_checks_and_loads_as_shown(tmp_path):
    pytest.importorskip("skops")
    script = "\n".join(code_blocks("persistence.rst"))
    assert "sio.load(" in script  # (all three blocks were found)
    # The comment beside print(untrusted) is what it prints.
    shown = re.search(r"print\(untrusted\)  # (.*)", script)[1]
    script += "\nprint(model.predict(X[:5]).tolist())\n"
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    printed = run.stdout.splitlines()
    assert printed[0] == shown
    assert printed[-1] == "[0, 0, 0, 0, 0]"  # the first five irises are setosa, class 0


def test_the_model_selection_search_runs_without_a_warning(tmp_path):
    """The page advises early stopping and a generous max_iter: its own search follows
    the advice, so that a user who pastes it sees no ConvergenceWarning (and the best
    alpha is inside the grid, not on its edge)."""
    (script,) = code_blocks("model_selection.rst")
    script += "\nimport json; print(json.dumps(float(search.best_params_['mlp__alpha'])))\n"
    run = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "ConvergenceWarning" not in run.stderr
    best_alpha = float(run.stdout.splitlines()[-1])
    assert 1e-5 < best_alpha < 1e-1
