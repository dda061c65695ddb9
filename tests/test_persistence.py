"""Saving and loading fitted estimators: skops.io (safe), pickle and joblib.

A loaded model must predict exactly as the saved one, and continue training
with ``partial_fit`` exactly as the saved one would: the fitted state, momentum
included, survives the round trip. skops must find nothing to distrust in the
file but sknn's own estimator class.
"""

import pickle
import warnings

import joblib
import numpy as np
import pytest
import skops.io as skops_io
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from skops.io.exceptions import UntrustedTypesFoundException

from sknn.utils import all_estimators

ESTIMATORS = [cls for _, cls in all_estimators()]
SETTINGS = {
    "plain": {},
    "early_stopping_monitored": {
        "early_stopping": True,
        "monitor": ["train_score", "batch_loss"],
    },
    "adam": {"solver": "adam"},  # its moments and step count are plain arrays and ints
    "lbfgs": {"solver": "lbfgs"},
}


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]  # string classes too
    return X, labels


def _fitted(cls, settings, X, y):
    estimator = cls(max_iter=5, random_state=0, **settings)
    if "hidden_layer_sizes" in estimator.get_params():
        estimator.set_params(hidden_layer_sizes=(8,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def _parameters(estimator):
    weights, intercepts = estimator._fitted_parameters()
    return [np.asarray(array) for array in [*weights, *intercepts]]


def _assert_same_model(original, loaded, X, y):
    """Same predictions, and the same parameters after one more partial_fit each."""
    assert type(loaded) is type(original)
    assert_array_equal(loaded.classes_, original.classes_)
    assert_array_equal(loaded.predict(X), original.predict(X))
    assert_array_equal(loaded.predict_proba(X), original.predict_proba(X))
    assert_array_equal(loaded.predict_log_proba(X), original.predict_log_proba(X))
    assert_array_equal(loaded.decision_function(X), original.decision_function(X))
    assert loaded.loss_curve_ == original.loss_curve_
    for model in (original, loaded):
        if model.solver == "lbfgs":  # no partial_fit: a warm-start fit goes on instead
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.set_params(warm_start=True, max_iter=2).fit(X, y)
        else:  # partial_fit has no early stopping
            model.set_params(early_stopping=False).partial_fit(X, y)
    for expected, actual in zip(_parameters(original), _parameters(loaded), strict=True):
        assert_array_equal(actual, expected)
    assert loaded.n_iter_ == original.n_iter_
    assert loaded.t_ == original.t_


def _untrusted_allowed(cls):
    return [f"{cls.__module__}.{cls.__qualname__}"]


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_skops_round_trip_trusts_only_sknn_classes(cls, settings, data, tmp_path):
    X, y = data
    original = _fitted(cls, settings, X, y)
    path = tmp_path / "model.skops"
    skops_io.dump(original, path)

    untrusted = skops_io.get_untrusted_types(file=path)
    # Only the estimator's own class: the fitted state is plain numbers, strings,
    # lists, dicts and arrays, which skops trusts by default.
    assert untrusted == _untrusted_allowed(cls)
    assert all(name.startswith("sknn.") for name in untrusted)

    loaded = skops_io.load(path, trusted=untrusted)
    _assert_same_model(original, loaded, X, y)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_skops_refuses_to_load_without_trust(cls, data, tmp_path):
    X, y = data
    path = tmp_path / "model.skops"
    skops_io.dump(_fitted(cls, {}, X, y), path)
    with pytest.raises(UntrustedTypesFoundException):
        skops_io.load(path)


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_pickle_round_trip(cls, settings, data):
    X, y = data
    original = _fitted(cls, settings, X, y)
    loaded = pickle.loads(pickle.dumps(original))
    _assert_same_model(original, loaded, X, y)


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_joblib_round_trip(cls, settings, data, tmp_path):
    X, y = data
    original = _fitted(cls, settings, X, y)
    path = tmp_path / "model.joblib"
    joblib.dump(original, path)
    loaded = joblib.load(path)
    _assert_same_model(original, loaded, X, y)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_unfitted_estimator_round_trips_through_skops(cls, tmp_path):
    path = tmp_path / "model.skops"
    estimator = cls(alpha=0.5, max_iter=7)
    skops_io.dump(estimator, path)
    untrusted = skops_io.get_untrusted_types(file=path)
    assert untrusted == _untrusted_allowed(cls)
    loaded = skops_io.load(path, trusted=untrusted)
    assert loaded.get_params() == estimator.get_params()
