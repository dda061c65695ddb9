"""Continuing a fit: partial_fit and warm_start draw fresh randomness and keep classes.

And a fit that fails while its result is being stored leaves the previous fit whole.
"""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD

ESTIMATORS = [LogisticRegressionGD, SoftmaxGD, MLPClassifierGD]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X[:640]), y[:640]


def parameters(model):
    weights, intercepts = model._fitted_parameters()
    return [*weights, *intercepts]


def per_epoch_batch_losses(model, X, y, calls):
    """Call partial_fit ``calls`` times; return each call's per-batch losses."""
    for _ in range(calls):
        model.partial_fit(X, y, classes=np.arange(10))
    batches = len(model.batch_loss_curve_) // calls
    return np.reshape(model.batch_loss_curve_, (calls, batches))


def test_partial_fit_draws_fresh_dropout_and_shuffles_each_call(digits):
    """With an int random_state every call used to replay the same masks and order.

    A step of 1e-12 leaves the weights as they are, so each call's batch losses differ
    only through the randomness it draws: the same draws give the same losses.
    """
    X, y = digits
    params = dict(
        hidden_layer_sizes=(64,),
        dropout=0.5,
        learning_rate_init=1e-12,
        momentum=0,
        batch_size=64,
        monitor="batch_loss",
        random_state=0,
    )
    losses = per_epoch_batch_losses(MLPClassifierGD(**params), X, y, calls=4)
    for first in range(4):
        for second in range(first + 1, 4):
            assert not np.allclose(losses[first], losses[second])
    # ... and still reproducibly: the same seed gives the same four calls.
    again = per_epoch_batch_losses(MLPClassifierGD(**params), X, y, calls=4)
    assert_array_equal(losses, again)
    # Without dropout or shuffling nothing is random: every call is the same epoch.
    fixed = MLPClassifierGD(**{**params, "dropout": 0.0, "shuffle": False})
    fixed_losses = per_epoch_batch_losses(fixed, X, y, calls=3)
    np.testing.assert_allclose(fixed_losses[0], fixed_losses[2], rtol=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_warm_start_fit_draws_a_fresh_shuffle(Estimator, digits):
    X, y = digits
    model = Estimator(batch_size=64, monitor="batch_loss", random_state=0, max_iter=2)
    model.fit(X, y)  # away from the zero start of the linear models: losses differ per batch
    # Then steps too small to move the weights: only the shuffle tells the epochs apart.
    model.set_params(warm_start=True, max_iter=1, learning_rate_init=1e-12, momentum=0)
    model.fit(X, y)
    first = list(model.batch_loss_curve_)
    model.fit(X, y)
    second = model.batch_loss_curve_[len(first) :]
    assert len(second) == 10
    assert not np.allclose(first[-10:], second)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_warm_start_refuses_other_classes(Estimator, digits):
    X, y = digits
    keep = y < 3
    model = Estimator(warm_start=True, max_iter=3, random_state=0)
    with pytest.warns(ConvergenceWarning):
        model.fit(X[keep], y[keep])
    coefficients = [array.copy() for array in model._fitted_parameters()[0]]
    other = (y == 0) | (y == 1) | (y == 3)
    with pytest.raises(
        ValueError,
        match=r"warm_start can only be used where `y` has the same classes as in the "
        r"previous call to fit\. Previously got \[0, 1, 2\], `y` has \[0, 1, 3\]",
    ):
        model.fit(X[other], y[other])
    assert_array_equal(model.classes_, [0, 1, 2])
    for before, after in zip(coefficients, model._fitted_parameters()[0], strict=True):
        assert_array_equal(before, after)
    # A subset of the classes is refused too, as scikit-learn does.
    with pytest.raises(ValueError, match="warm_start can only be used"):
        model.fit(X[y < 2], y[y < 2])


def fitted_attributes(estimator):
    """Every fitted attribute (trailing underscore), as copies."""
    return {
        name: (
            [np.copy(part) for part in value]
            if isinstance(value, list) and value and isinstance(value[0], np.ndarray)
            else np.copy(value)
            if isinstance(value, np.ndarray)
            else value
        )
        for name, value in vars(estimator).items()
        if name.endswith("_") and not name.startswith("__")
    }


def assert_same_attributes(before, after):
    assert before.keys() == after.keys()
    for name, value in before.items():
        if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
            for a, b in zip(value, after[name], strict=True):
                assert_array_equal(a, b)
        else:
            assert_array_equal(value, after[name])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_a_failure_while_storing_the_result_leaves_the_previous_fit_whole(Estimator, digits):
    """A MemoryError (or a second Ctrl+C) at any attribute write keeps the old model.

    The refit changes the classes and the number of features; a MemoryError is raised
    at the k-th write of a fitted attribute, for every k until the refit succeeds.
    """

    class Fragile(Estimator):
        def __setattr__(self, name, value):
            countdown = self.__dict__.get("_countdown")
            fitted = name.endswith("_") or name in ("__dict__", "_training_state")
            if countdown is not None and fitted:
                self.__dict__["_countdown"] = countdown - 1
                if countdown == 1:
                    raise MemoryError("simulated, while storing " + name)
            super().__setattr__(name, value)

    X, y = digits
    old, new = y < 3, y >= 7
    for k in range(1, 100):
        model = Fragile(max_iter=2, random_state=0)
        model.fit(X[old], y[old])
        before, predictions = fitted_attributes(model), model.predict(X[:20])
        model.__dict__["_countdown"] = k
        try:
            model.fit(X[new][:, :40], y[new])
        except MemoryError:
            assert_same_attributes(before, fitted_attributes(model))
            assert_array_equal(model.predict(X[:20]), predictions)  # the old model, whole
            continue
        break  # the refit went through: every write was made
    assert_array_equal(model.classes_, [7, 8, 9])
    assert model.n_features_in_ == 40
    assert set(model.predict(X[:20, :40])) <= {7, 8, 9}


@pytest.mark.parametrize("Estimator", [LogisticRegressionGD, SoftmaxGD, MLPClassifierGD])
def test_partial_fit_keeps_the_ratios_of_the_weights_of_its_calls(Estimator, digits):
    """Each call's weights are divided by the mean weight of the first call, not by
    their own mean: a class weight acts on a chunk of one class, and a chunk of weight
    10 counts ten times one of weight 1 (dividing each call by its own mean made both
    ineffective: the same model as without weights)."""
    X, y = digits
    y = (y >= 5).astype(int)  # two classes, chunks of one class each
    chunks = [np.flatnonzero(y == label)[:100] for label in (0, 1, 0, 1)]
    settings = dict(batch_size=25, shuffle=False, random_state=0)
    if Estimator is MLPClassifierGD:
        settings["hidden_layer_sizes"] = (8,)

    def fit(per_chunk_weight=None, **params):
        model = Estimator(**settings, **params)
        for k, rows in enumerate(chunks):
            weights = None if per_chunk_weight is None else per_chunk_weight(k, rows)
            model.partial_fit(X[rows], y[rows], classes=[0, 1], sample_weight=weights)
        return parameters(model)

    plain = fit()
    by_class = fit(class_weight={1: 10.0})
    by_sample = fit(lambda k, rows: np.where(y[rows] == 1, 10.0, 1.0))
    by_chunk = fit(lambda k, rows: np.full(len(rows), 10.0 if k % 2 else 1.0))
    for a, b, c in zip(by_class, by_sample, by_chunk, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)
    assert not all(np.allclose(a, p) for a, p in zip(by_class, plain, strict=True))
    # Only the ratios matter: every weight ten times larger trains the same model.
    tenfold = fit(lambda k, rows: np.full(len(rows), 100.0 if k % 2 else 10.0))
    for a, b in zip(by_chunk, tenfold, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_partial_fit_weights_beyond_floating_point_on_the_first_calls_scale(digits):
    X, y = digits
    model = SoftmaxGD(random_state=0)
    model.partial_fit(X, y, classes=np.arange(10), sample_weight=np.full(len(y), 1e-300))
    with pytest.raises(ValueError, match="beyond floating point once divided by the mean"):
        model.partial_fit(X, y, sample_weight=np.full(len(y), 1e300))
    assert model.n_iter_ == 1  # the refused call changed nothing


def test_a_model_saved_before_the_weights_mean_was_kept_goes_on_as_it_did(digits):
    """Books without weight_mean (a model pickled by an earlier sknn): the next call
    divides by its own mean, as every call did then, not by 1."""
    X, y = digits
    weights = np.full(len(y), 1000.0)
    kept = SoftmaxGD(random_state=0).partial_fit(X, y, classes=np.arange(10), sample_weight=weights)
    old = pickle.loads(pickle.dumps(kept))
    del old._training_state["weight_mean"]
    for model in (kept, old):
        model.partial_fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(old.coef_, kept.coef_)
    assert old.loss_curve_ == kept.loss_curve_
