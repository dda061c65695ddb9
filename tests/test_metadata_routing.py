"""Metadata routing: ``sample_weight`` reaches sknn's ``fit`` and ``score`` when requested.

With ``enable_metadata_routing=True``, a Pipeline and a GridSearchCV pass
``sample_weight`` to an sknn estimator only if it asked for it with
``set_fit_request`` / ``set_score_request``. Each test proves that the weights
arrived by comparing with a direct computation made with the same weights.
"""

import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, UnsetMetadataPassedError
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD
from sknn.utils import all_estimators

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

CV = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
ALPHAS = [1e-4, 1e-2]


@pytest.fixture(autouse=True)
def metadata_routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


@pytest.fixture(scope="module")
def weighted_digits():
    """Digits 0-4, with the weight of every 0 set to zero and random weights elsewhere."""
    X, y = load_digits(n_class=5, return_X_y=True)
    X, y = X[:300], y[:300]
    rng = np.random.RandomState(0)
    sample_weight = rng.uniform(0.5, 2.0, size=y.shape[0]) * (y != 0)
    return X, y, sample_weight


def _estimator(cls, **params):
    estimator = cls(max_iter=10, batch_size=32, random_state=0, **params)
    if "hidden_layer_sizes" in estimator.get_params():
        estimator.set_params(hidden_layer_sizes=(8,))
    return estimator


def _parameters(estimator):
    weights, intercepts = estimator._fitted_parameters()
    return [np.asarray(array) for array in [*weights, *intercepts]]


def _direct_fit(cls, X, y, sample_weight, **params):
    """The final step fitted by hand on the scaled data, with the same weights."""
    X_scaled = StandardScaler().fit_transform(X)
    return _estimator(cls, **params).fit(X_scaled, y, sample_weight=sample_weight)


@pytest.mark.parametrize("cls", [cls for _, cls in all_estimators()], ids=lambda c: c.__name__)
def test_pipeline_routes_sample_weight_to_fit(cls, weighted_digits):
    X, y, sample_weight = weighted_digits
    pipeline = make_pipeline(
        StandardScaler().set_fit_request(sample_weight=False),  # the scaler ignores them
        _estimator(cls).set_fit_request(sample_weight=True),
    )
    pipeline.fit(X, y, sample_weight=sample_weight)
    fitted = pipeline[-1]

    expected = _direct_fit(cls, X, y, sample_weight)
    for want, got in zip(_parameters(expected), _parameters(fitted), strict=True):
        assert_array_equal(got, want)
    unweighted = _direct_fit(cls, X, y, None)
    assert not all(
        np.array_equal(a, b)
        for a, b in zip(_parameters(unweighted), _parameters(fitted), strict=True)
    )


def test_pipeline_refuses_weights_that_were_not_requested(weighted_digits):
    """Weights are never silently dropped: unset or declined requests are errors."""
    X, y, sample_weight = weighted_digits
    unset = make_pipeline(
        StandardScaler().set_fit_request(sample_weight=False), _estimator(MLPClassifierGD)
    )
    with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
        unset.fit(X, y, sample_weight=sample_weight)

    declined = make_pipeline(
        StandardScaler().set_fit_request(sample_weight=False),
        _estimator(MLPClassifierGD).set_fit_request(sample_weight=False),
    )
    with pytest.raises(TypeError, match="not routed to any object"):
        declined.fit(X, y, sample_weight=sample_weight)


def _manual_cv_scores(X, y, sample_weight, alpha, weighted_score):
    """Per-split accuracies of the direct fit with the split's training weights."""
    scores = []
    for train, test in CV.split(X, y):
        scaler = StandardScaler().fit(X[train])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = _estimator(MLPClassifierGD, alpha=alpha).fit(
                scaler.transform(X[train]), y[train], sample_weight=sample_weight[train]
            )
        predicted = model.predict(scaler.transform(X[test]))
        weights = sample_weight[test] if weighted_score else None
        scores.append(accuracy_score(y[test], predicted, sample_weight=weights))
    return np.array(scores)


def _search(estimator, **params):
    pipeline = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), estimator)
    return GridSearchCV(
        pipeline, {"mlpclassifiergd__alpha": ALPHAS}, cv=CV, error_score="raise", **params
    )


def _check_split_scores(search, X, y, sample_weight, weighted_score):
    for index, alpha in enumerate(ALPHAS):
        expected = _manual_cv_scores(X, y, sample_weight, alpha, weighted_score)
        got = [search.cv_results_[f"split{i}_test_score"][index] for i in range(len(expected))]
        assert_allclose(got, expected)
    # The refit on all data used the weights too.
    best_alpha = search.best_params_["mlpclassifiergd__alpha"]
    refit = _direct_fit(MLPClassifierGD, X, y, sample_weight, alpha=best_alpha)
    for want, got in zip(_parameters(refit), _parameters(search.best_estimator_[-1]), strict=True):
        assert_array_equal(got, want)


def test_grid_search_routes_sample_weight_to_fit_and_estimator_score(weighted_digits):
    """Requested for fit and score: weighted training and the weighted default score."""
    X, y, sample_weight = weighted_digits
    estimator = _estimator(MLPClassifierGD).set_fit_request(sample_weight=True)
    estimator.set_score_request(sample_weight=True)
    search = _search(estimator).fit(X, y, sample_weight=sample_weight)
    _check_split_scores(search, X, y, sample_weight, weighted_score=True)


@pytest.mark.parametrize("score_request", [False, True])
def test_grid_search_routes_sample_weight_to_a_scorer(score_request, weighted_digits):
    """Weighted training; the scorer weighs its score only if it requested the weights."""
    X, y, sample_weight = weighted_digits
    scorer = make_scorer(accuracy_score).set_score_request(sample_weight=score_request)
    estimator = _estimator(MLPClassifierGD).set_fit_request(sample_weight=True)
    search = _search(estimator, scoring=scorer).fit(X, y, sample_weight=sample_weight)
    _check_split_scores(search, X, y, sample_weight, weighted_score=score_request)


def test_weighted_and_unweighted_scores_differ(weighted_digits):
    """Class 0 has weight zero: the weighted score ignores it, the plain one does not."""
    X, y, sample_weight = weighted_digits
    mean_scores = {}
    for score_request in (False, True):
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=score_request)
        estimator = _estimator(MLPClassifierGD).set_fit_request(sample_weight=True)
        search = _search(estimator, scoring=scorer).fit(X, y, sample_weight=sample_weight)
        mean_scores[score_request] = search.cv_results_["mean_test_score"]
    assert not np.array_equal(mean_scores[True], mean_scores[False])
