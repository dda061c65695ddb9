"""Out-of-core training: ``partial_fit`` over chunks of a ``numpy.memmap``.

Each ``partial_fit`` call runs one epoch over the chunk it is given and keeps the
momentum (``_training_state["optimizer"]["velocity"]``) and the learning rate for the next
call. With ``shuffle=False``, a ``batch_size`` that divides the chunk size, the
constant learning rate and no sample weights, one pass over all chunks makes the
same SGD steps, in the same order, as one epoch of ``fit``: the models are equal,
not merely close.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sknn.utils import all_estimators

N_SAMPLES = 600
CHUNK_SIZE = 200
BATCH_SIZE = 50


@pytest.fixture(scope="module")
def memmapped_digits(tmp_path_factory):
    """The first 600 digits, scaled to [0, 1], written to disk and opened read-only."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:N_SAMPLES] / 16.0, y[:N_SAMPLES].astype(np.int64)
    folder = tmp_path_factory.mktemp("memmap")
    X_file = np.memmap(folder / "X.f64", dtype=np.float64, mode="w+", shape=X.shape)
    y_file = np.memmap(folder / "y.i64", dtype=np.int64, mode="w+", shape=y.shape)
    X_file[...], y_file[...] = X, y
    X_file.flush()
    y_file.flush()
    del X_file, y_file
    X_map = np.memmap(folder / "X.f64", dtype=np.float64, mode="r", shape=X.shape)
    y_map = np.memmap(folder / "y.i64", dtype=np.int64, mode="r", shape=y.shape)
    return X_map, y_map


def _estimator(cls, **params):
    estimator = cls(
        batch_size=BATCH_SIZE,
        shuffle=False,
        learning_rate="constant",
        learning_rate_init=0.05,
        n_iter_no_change=np.inf,  # fit must run all max_iter epochs
        random_state=0,
        **params,
    )
    if "hidden_layer_sizes" in estimator.get_params():
        estimator.set_params(hidden_layer_sizes=(16,))
    return estimator


def _parameters(estimator):
    weights, intercepts = estimator._fitted_parameters()
    return [np.asarray(array) for array in [*weights, *intercepts]]


def _partial_fit_over_chunks(estimator, X, y, n_passes, chunk_size=CHUNK_SIZE):
    classes = np.unique(y)
    for _ in range(n_passes):
        for start in range(0, X.shape[0], chunk_size):
            X_chunk = np.asarray(X[start : start + chunk_size])  # one chunk in memory
            y_chunk = np.asarray(y[start : start + chunk_size])
            estimator.partial_fit(X_chunk, y_chunk, classes=classes)
    return estimator


@pytest.mark.parametrize("nesterovs_momentum", [True, False])
@pytest.mark.parametrize("n_epochs", [1, 3])
@pytest.mark.parametrize("cls", [cls for _, cls in all_estimators()], ids=lambda c: c.__name__)
def test_partial_fit_over_memmap_chunks_equals_fit(
    cls, n_epochs, nesterovs_momentum, memmapped_digits
):
    X, y = memmapped_digits
    assert isinstance(X, np.memmap) and X.shape[0] > CHUNK_SIZE
    params = {"nesterovs_momentum": nesterovs_momentum}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is small on purpose
        fitted = _estimator(cls, max_iter=n_epochs, **params).fit(X, y)
    streamed = _partial_fit_over_chunks(_estimator(cls, **params), X, y, n_epochs)

    assert_array_equal(streamed.classes_, fitted.classes_)
    for expected, actual in zip(_parameters(fitted), _parameters(streamed), strict=True):
        assert_array_equal(actual, expected)
    assert_array_equal(
        streamed._training_state["optimizer"]["velocity"],
        fitted._training_state["optimizer"]["velocity"],
    )
    assert streamed.t_ == fitted.t_ == n_epochs * N_SAMPLES
    assert_array_equal(streamed.predict_proba(X), fitted.predict_proba(X))
    # partial_fit records one loss per chunk, fit one per epoch: the mean over the
    # chunks of an epoch is that epoch's loss (equal chunks).
    chunk_losses = np.reshape(streamed.loss_curve_, (n_epochs, -1))
    np.testing.assert_allclose(chunk_losses.mean(axis=1), fitted.loss_curve_, rtol=1e-12)


def test_momentum_is_carried_between_calls(memmapped_digits):
    """Dropping the velocity between chunks gives a different model: it is state."""
    X, y = memmapped_digits
    cls = dict(all_estimators())["SoftmaxGD"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = _estimator(cls, max_iter=1).fit(X, y)
    forgetful = _estimator(cls)
    classes = np.unique(y)
    for start in range(0, N_SAMPLES, CHUNK_SIZE):
        if start:
            forgetful._training_state["optimizer"]["velocity"][...] = 0.0
        forgetful.partial_fit(
            X[start : start + CHUNK_SIZE], y[start : start + CHUNK_SIZE], classes=classes
        )
    assert not np.array_equal(forgetful.coef_, fitted.coef_)


def test_chunks_need_not_fit_in_one_batch(memmapped_digits):
    """Chunks of an uneven size still train, and to a useful model."""
    X, y = memmapped_digits
    cls = dict(all_estimators())["SoftmaxGD"]
    model = _partial_fit_over_chunks(_estimator(cls), X, y, n_passes=3, chunk_size=170)
    assert model.t_ == 3 * N_SAMPLES
    assert model.score(X, y) > 0.9
