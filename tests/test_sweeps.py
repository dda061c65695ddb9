"""Hyper-parameter sweeps over ``Pipeline(StandardScaler(), MLPClassifierGD())``.

GridSearchCV, RandomizedSearchCV (scipy.stats distributions) and
HalvingGridSearchCV, each with ``n_jobs=2``, on a small part of the digits data.
The best candidate's score is checked against an independent ``cross_val_score``
of the same pipeline, and the refitted model against a direct fit.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import loguniform, uniform
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    ParameterSampler,
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD

pytestmark = pytest.mark.filterwarnings(
    # Few epochs on purpose, to keep the sweeps fast.
    "ignore::sklearn.exceptions.ConvergenceWarning"
)

GRID = {
    "mlpclassifiergd__alpha": [1e-4, 1e-1],
    "mlpclassifiergd__hidden_layer_sizes": [(4,), (16,)],
}
CV = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:360], y[:360]


def make_model():
    return make_pipeline(
        StandardScaler(),
        MLPClassifierGD(hidden_layer_sizes=(8,), max_iter=8, batch_size=32, random_state=0),
    )


def check_search_results(search, X, y, n_candidates, n_splits):
    """What every fitted search must satisfy, checked against independent computations."""
    results = search.cv_results_
    assert len(results["params"]) == n_candidates
    for key in ("mean_test_score", "std_test_score", "rank_test_score", "mean_fit_time"):
        assert np.shape(results[key]) == (n_candidates,)
    splits = np.column_stack([results[f"split{i}_test_score"] for i in range(n_splits)])
    assert np.all((splits >= 0) & (splits <= 1))
    assert_allclose(results["mean_test_score"], splits.mean(axis=1))
    assert_allclose(results["std_test_score"], splits.std(axis=1))
    assert results["rank_test_score"][search.best_index_] == 1
    assert search.best_score_ == np.max(results["mean_test_score"])
    assert search.best_params_ == results["params"][search.best_index_]

    # The refitted best model is the pipeline fitted on all data with best_params_.
    direct = clone(make_model()).set_params(**search.best_params_).fit(X, y)
    assert_array_equal(search.predict(X), direct.predict(X))
    assert_array_equal(search.predict_proba(X), direct.predict_proba(X))
    assert search.score(X, y) > 0.5  # ten classes: chance is 0.1


def test_grid_search(digits):
    X, y = digits
    search = GridSearchCV(make_model(), GRID, cv=CV, n_jobs=2, error_score="raise")
    search.fit(X, y)

    n_candidates = np.prod([len(values) for values in GRID.values()])
    check_search_results(search, X, y, n_candidates, n_splits=3)
    for name, value in search.best_params_.items():
        assert value in GRID[name]
    # Every candidate of the grid was tried, once.
    tried = {tuple(sorted(params.items())) for params in search.cv_results_["params"]}
    assert len(tried) == n_candidates

    # The best candidate's score, recomputed independently, in this process.
    best = clone(make_model()).set_params(**search.best_params_)
    assert_allclose(cross_val_score(best, X, y, cv=CV).mean(), search.best_score_)


def test_randomized_search_over_distributions(digits):
    X, y = digits
    distributions = {
        "mlpclassifiergd__alpha": loguniform(1e-5, 1e-1),
        "mlpclassifiergd__learning_rate_init": uniform(0.005, 0.05),  # [0.005, 0.055]
    }
    search = RandomizedSearchCV(
        make_model(),
        distributions,
        n_iter=5,
        cv=CV,
        n_jobs=2,
        random_state=0,
        error_score="raise",
    ).fit(X, y)

    check_search_results(search, X, y, n_candidates=5, n_splits=3)
    alphas = np.array(search.cv_results_["param_mlpclassifiergd__alpha"], dtype=float)
    rates = np.array(search.cv_results_["param_mlpclassifiergd__learning_rate_init"], dtype=float)
    assert np.all((alphas >= 1e-5) & (alphas <= 1e-1))
    assert np.all((rates >= 0.005) & (rates <= 0.055))
    assert len(np.unique(alphas)) == 5  # drawn from a continuous distribution
    assert search.best_params_["mlpclassifiergd__alpha"] in alphas

    # The candidates are exactly ParameterSampler's draws for the same random_state.
    assert (
        list(ParameterSampler(distributions, n_iter=5, random_state=0))
        == search.cv_results_["params"]
    )


def test_halving_grid_search(digits):
    X, y = digits
    search = HalvingGridSearchCV(
        make_model(),
        GRID,
        factor=2,
        cv=CV,
        n_jobs=2,
        random_state=0,
        min_resources=90,
        error_score="raise",
    ).fit(X, y)

    for name, value in search.best_params_.items():
        assert value in GRID[name]
    results = search.cv_results_
    n_total = len(results["params"])
    assert n_total == sum(search.n_candidates_)
    assert search.n_candidates_[0] == 4  # the whole grid in the first round
    assert list(search.n_resources_) == sorted(search.n_resources_)
    assert search.n_resources_[0] == 90
    # 4 candidates halved each round on 90, 180, 360 samples: three rounds.
    assert search.n_iterations_ == 3 and list(search.n_candidates_) == [4, 2, 1]
    # Each round keeps the best half (rounded up) of the previous one.
    counts = search.n_candidates_
    assert all(counts[i + 1] <= -(-counts[i] // 2) for i in range(len(counts) - 1))
    assert np.all((results["mean_test_score"] >= 0) & (results["mean_test_score"] <= 1))
    # The winner comes from the last round.
    assert results["iter"][search.best_index_] == search.n_iterations_ - 1
    direct = clone(make_model()).set_params(**search.best_params_).fit(X, y)
    assert_array_equal(search.predict(X), direct.predict(X))
