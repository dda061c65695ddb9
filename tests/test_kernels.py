"""The compiled loops of ``sknn/_kernels.py`` against the NumPy code they stand for.

Each test runs the same call twice, with the loops switched on and off, on copies of
the same arrays, and compares: the updates bit for bit, what goes through ``exp`` and
``log`` to a few units in the last place. Without Numba the loops never run, and the
tests that need them are skipped (CI installs Numba with the ``test`` extra).
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits

from sknn import MLPClassifierGD, SoftmaxGD, _kernels
from sknn._activations import ACTIVATIONS
from sknn._losses import Softmax
from sknn._objective import Objective
from sknn._optimizers import SGD, Adam
from sknn._parameters import Parameters
from sknn._primitives import add_intercept_, keep_where_positive_, relu_

needs_numba = pytest.mark.skipif(not _kernels.available(), reason="Numba is not installed")
DTYPES = [np.float32, np.float64]
rng = np.random.RandomState(0)


def both_ways(call, *arrays):
    """``call(*copies)`` with the loops on, then off: the two sets of arrays and results."""
    outcomes = []
    for on in (True, False):
        copies = [a.copy(order="K") if isinstance(a, np.ndarray) else a for a in arrays]
        with _kernels.switched(on):
            result = call(*copies)
        outcomes.append((copies, result))
    return outcomes


def ulps(dtype):
    """A relative tolerance of a few units in the last place."""
    return 8 * np.finfo(dtype).eps


@needs_numba
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("momentum", [0.9, 0.0])
def test_sgd_step_is_the_numpy_step_bit_for_bit(dtype, nesterov, momentum):
    w, v, g = (rng.normal(size=1001).astype(dtype) for _ in range(3))

    def step(w, v, g):
        SGD(v, 0.037, 0.037, momentum, nesterov).step(w, g)

    (fused, _), (plain, _) = both_ways(step, w, v, g)
    assert_array_equal(fused[0], plain[0])  # w
    assert_array_equal(fused[1], plain[1])  # v
    assert fused[0].dtype == dtype


@needs_numba
@pytest.mark.parametrize("dtype", DTYPES)
def test_adam_step_is_the_numpy_step_bit_for_bit(dtype):
    w, m, g = (rng.normal(size=1001).astype(dtype) for _ in range(3))
    v = rng.uniform(0.1, 2.0, size=1001).astype(dtype)

    def steps(w, m, v, g):
        adam = Adam(m, v, 4, 0.01, 0.9, 0.999, 1e-8)
        for _ in range(3):
            adam.step(w, g.copy())

    (fused, _), (plain, _) = both_ways(steps, w, m, v, g)
    for after_fused, after_plain in zip(fused[:3], plain[:3]):  # w, m, v
        assert_array_equal(after_fused, after_plain)


@needs_numba
@pytest.mark.parametrize("dtype", DTYPES)
def test_penalty_adds_the_same_gradient_and_value(dtype):
    params = Parameters([(30, 7), (7, 3)], dtype)
    params.flat[...] = rng.normal(size=params.flat.shape)
    g = rng.normal(size=params.flat.shape).astype(dtype)
    objective = Objective(None, None, alpha=0.013)

    def penalise(flat, g):
        return objective.add_penalty(params.like(flat), params.like(g), 1.5)

    (fused, loss_fused), (plain, loss_plain) = both_ways(penalise, params.flat, g)
    assert_array_equal(fused[1], plain[1])
    assert_allclose(loss_fused, loss_plain, rtol=ulps(dtype))
    assert_array_equal(fused[1][params.n_weights :], g[params.n_weights :])  # intercepts


@needs_numba
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("order", ["C", "F"])
def test_softmax_loss_gradient_agrees(dtype, weighted, order):
    Z = np.asarray(rng.normal(scale=3, size=(37, 5)), dtype=dtype, order=order)
    Z[0] = [1e4, -1e4, 0, 3, 1e4]  # a saturated row: no overflow either way
    y = rng.randint(0, 5, size=37)
    sample_weight = rng.uniform(0, 3, size=37).astype(dtype) if weighted else None

    def loss_gradient(Z):
        return Softmax().loss_gradient(Z, y, sample_weight)

    (fused, loss_fused), (plain, loss_plain) = both_ways(loss_gradient, Z)
    assert_allclose(fused[0], plain[0], rtol=ulps(dtype), atol=ulps(dtype) / 37)
    assert_allclose(loss_fused, loss_plain, rtol=ulps(dtype))
    assert np.isfinite(loss_fused)


@needs_numba
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_softmax_loss_of_non_finite_logits_is_not_finite_either_way(bad):
    """The training loop stops on a loss that is not finite: the loop must not hide one."""
    Z = rng.normal(size=(4, 3))
    Z[2, 1] = bad
    y = np.array([0, 1, 1, 2])
    with np.errstate(invalid="ignore"):  # inf - inf, in the NumPy code
        (_, loss_fused), (_, loss_plain) = both_ways(lambda Z: Softmax().loss_gradient(Z, y), Z)
    assert not np.isfinite(loss_plain)
    assert not np.isfinite(loss_fused)


@needs_numba
@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_and_its_derivative_agree_nan_included(dtype):
    Z = rng.normal(size=(9, 6)).astype(dtype)
    Z[1, 2], Z[3, 3] = np.nan, 0.0
    (fused, _), (plain, _) = both_ways(relu_, Z)
    assert_array_equal(fused[0], plain[0])
    assert np.isnan(fused[0][1, 2])
    delta = rng.normal(size=Z.shape).astype(dtype)
    delta[4, 4] = np.nan
    (fused, _), (plain, _) = both_ways(keep_where_positive_, delta, plain[0])
    assert_array_equal(fused[0], plain[0])


@needs_numba
@pytest.mark.parametrize(
    "estimator",
    [
        MLPClassifierGD((16,), activation="relu", max_iter=5, random_state=0),
        MLPClassifierGD((16,), solver="adam", max_iter=5, random_state=0),
        SoftmaxGD(max_iter=5, random_state=0),
    ],
    ids=["mlp-sgd", "mlp-adam", "softmax"],
)
def test_fits_with_and_without_the_loops_agree(estimator):
    X, y = load_digits(return_X_y=True)
    X = X / 16
    fitted = []
    for on in (True, False):
        with _kernels.switched(on), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # not converged in 5 epochs
            fitted.append(estimator.__class__(**estimator.get_params()).fit(X, y))
    fused, plain = fitted
    assert_allclose(fused.loss_curve_, plain.loss_curve_, rtol=1e-12)
    assert_allclose(fused.predict_proba(X), plain.predict_proba(X), rtol=1e-9, atol=1e-12)


def test_the_loops_are_only_for_numpy_float_arrays():
    assert _kernels.compiled("relu", np.zeros((2, 2), dtype=np.int64)) is None
    assert _kernels.compiled("relu", np.zeros((2, 2), dtype=np.float16)) is None
    assert _kernels.compiled("relu", [[0.0]]) is None
    with _kernels.switched(False):
        assert _kernels.compiled("relu", np.zeros((2, 2))) is None
        assert not _kernels.available()


def test_without_numba_the_numpy_code_runs(monkeypatch):
    """With no Numba to import, every loop falls back (and the fit is the same)."""
    monkeypatch.setattr(_kernels, "_loops", None)
    monkeypatch.setitem(__import__("sys").modules, "numba", None)  # import numba fails
    assert not _kernels.available()
    Z = np.array([[-1.0, 2.0]])
    relu_(Z)
    assert_array_equal(Z, [[0.0, 2.0]])


@needs_numba
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_intercepts_and_the_sigmoid_derivative_agree(dtype, order):
    Z = np.asarray(rng.normal(size=(9, 6)), dtype=dtype, order=order)
    b = rng.normal(size=6).astype(dtype)
    (fused, _), (plain, _) = both_ways(add_intercept_, Z, b)
    assert_array_equal(fused[0], plain[0])
    assert_array_equal(fused[0], Z + b)
    A = rng.uniform(size=Z.shape).astype(dtype)
    (fused, _), (plain, _) = both_ways(ACTIVATIONS["logistic"].derivative, A, Z)
    assert_array_equal(fused[1], plain[1])
