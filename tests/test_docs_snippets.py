"""The Dask scripts that docs/scaling_out.rst shows (literalinclude) run as shown.

The two scripts live in docs/snippets/, so the page and these tests read the same
files. The tests skip when Dask, or dask-ml, is not installed.
"""

import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SNIPPETS = Path(__file__).resolve().parents[1] / "docs" / "snippets"


def test_incremental_passes_the_blocks_to_partial_fit_one_at_a_time():
    # What the page says Incremental does, against the loop written out by hand.
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    from sknn import SoftmaxGD

    rng = np.random.default_rng(0)
    X_numpy = rng.normal(size=(2_000, 8))
    y_numpy = (X_numpy[:, 0] + 0.5 * rng.normal(size=2_000) > 0).astype(int)
    X, y = da.from_array(X_numpy, chunks=500), da.from_array(y_numpy, chunks=500)
    classes = np.array([0, 1])
    estimator = SoftmaxGD(batch_size=50, random_state=0)

    incremental = wrappers.Incremental(estimator, shuffle_blocks=False)
    incremental.fit(X, y, classes=classes)

    by_hand = SoftmaxGD(batch_size=50, random_state=0)
    for start in range(0, 2_000, 500):
        rows = slice(start, start + 500)
        by_hand.partial_fit(X_numpy[rows], y_numpy[rows], classes=classes)
    np.testing.assert_array_equal(incremental.estimator_.coef_, by_hand.coef_)
    np.testing.assert_array_equal(incremental.estimator_.intercept_, by_hand.intercept_)
    assert incremental.estimator_.t_ == by_hand.t_ == 2_000
    np.testing.assert_array_equal(incremental.predict(X).compute(), by_hand.predict(X_numpy))


def test_incremental_script_learns_what_an_in_memory_fit_learns(capsys):
    pytest.importorskip("dask_ml")
    from sklearn.linear_model import LogisticRegression

    names = runpy.run_path(str(SNIPPETS / "dask_ml_incremental.py"), run_name="__main__")
    printed = float(re.search(r"test accuracy: ([0-9.]+)", capsys.readouterr().out)[1])

    # The reference: scikit-learn's LogisticRegression, fitted in memory on the
    # first training block (on all nine it scores the same to 1e-3: measured).
    X_block, y_block = names["X_train"][:40_000].compute(), names["y_train"][:40_000].compute()
    X_test, y_test = names["X_test"].compute(), names["y_test"].compute()
    reference = LogisticRegression(max_iter=1000).fit(X_block, y_block).score(X_test, y_test)
    assert printed == pytest.approx(reference, abs=0.01)
    assert reference > 0.7  # about half the test samples are of each class: chance is 0.5


def test_local_cluster_script_runs_as_a_script():
    # The worker processes import the script again; the page's version guards its
    # work with `if __name__ == "__main__":` and so runs.
    pytest.importorskip("dask.distributed")
    result = subprocess.run(
        [sys.executable, str(SNIPPETS / "dask_local_cluster.py")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "mlpclassifiergd__alpha" in result.stdout
