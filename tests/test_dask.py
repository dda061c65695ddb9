"""The sweep of ``test_sweeps.py`` on a real Dask cluster, through joblib's "dask" backend.

The test starts a ``dask.distributed.LocalCluster`` (a scheduler and two worker
processes, listening on 127.0.0.1 only), runs a GridSearchCV and a
RandomizedSearchCV with every fit sent to the workers, checks that the results
equal those of the same searches run locally with the same seeds, and shuts the
cluster down. ``dask[distributed]`` is in the test extra, so this runs in CI.
"""

import joblib
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster, get_task_stream
from numpy.testing import assert_array_equal
from scipy.stats import loguniform, uniform
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD

pytestmark = pytest.mark.filterwarnings(
    # Few epochs on purpose, to keep the sweeps fast.
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

CV = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)


def make_searches():
    model = make_pipeline(
        StandardScaler(),
        MLPClassifierGD(hidden_layer_sizes=(8,), max_iter=8, batch_size=32, random_state=0),
    )
    grid = GridSearchCV(
        clone(model),
        {
            "mlpclassifiergd__alpha": [1e-4, 1e-1],
            "mlpclassifiergd__hidden_layer_sizes": [(4,), (16,)],
        },
        cv=CV,
        n_jobs=2,
        error_score="raise",
    )
    randomized = RandomizedSearchCV(
        clone(model),
        {
            "mlpclassifiergd__alpha": loguniform(1e-5, 1e-1),
            "mlpclassifiergd__learning_rate_init": uniform(0.005, 0.05),
        },
        n_iter=4,
        cv=CV,
        n_jobs=2,
        random_state=0,
        error_score="raise",
    )
    return {"grid": grid, "randomized": randomized}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:360], y[:360]


@pytest.fixture(scope="module")
def local_results(digits):
    X, y = digits
    return {name: search.fit(X, y) for name, search in make_searches().items()}


def test_sweep_on_local_cluster_equals_local_run(digits, local_results):
    X, y = digits
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # scheduler and workers listen on this machine only
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2
        assert all(address.startswith("tcp://127.0.0.1:") for address in workers)

        distributed_results = {}
        with get_task_stream(client) as task_stream, joblib.parallel_backend("dask"):
            for name, search in make_searches().items():
                distributed_results[name] = search.fit(X, y)
        # The fits really ran as tasks on the cluster's workers.
        fit_tasks = [task for task in task_stream.data if "_fit_and_score" in str(task["key"])]
        assert fit_tasks
        assert {task["worker"] for task in fit_tasks} <= set(workers)
        assert all(task["status"] == "OK" for task in fit_tasks)

    assert cluster.status.name == "closed"
    for name, local in local_results.items():
        remote = distributed_results[name]
        assert remote.best_params_ == local.best_params_, name
        assert remote.cv_results_["params"] == local.cv_results_["params"], name
        for key in ("mean_test_score", "std_test_score", "rank_test_score"):
            assert_array_equal(remote.cv_results_[key], local.cv_results_[key], err_msg=name)
        for split in range(CV.get_n_splits()):
            key = f"split{split}_test_score"
            assert_array_equal(remote.cv_results_[key], local.cv_results_[key], err_msg=name)
        assert_array_equal(remote.predict_proba(X), local.predict_proba(X), err_msg=name)
        assert np.isfinite(remote.best_score_)
