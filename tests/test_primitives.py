"""Each fast primitive against the plain NumPy expression it stands for."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from sknn._linear import LinearNetwork
from sknn._primitives import (
    all_finite,
    gather_rows,
    induced_inf_norm,
    largest_magnitude,
    matmul_into,
)

rng = np.random.RandomState(0)


@pytest.mark.parametrize("sparse", [False, True])
def test_matmul_into_writes_the_product_into_the_buffer(sparse):
    A, B = rng.normal(size=(7, 5)), rng.normal(size=(5, 3))
    out = np.empty((7, 3), order="F")
    result = matmul_into(sp.csr_matrix(A) if sparse else A, B, out)
    assert result is out
    assert_allclose(out, A @ B, rtol=1e-14)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("out_dtype", [np.float64, np.float32])
def test_gather_rows_is_fancy_indexing(sparse, out_dtype):
    X = rng.normal(size=(10, 4))
    indices = np.array([7, 2, 2, 9])
    out = np.empty((6, 4), dtype=out_dtype)
    rows = gather_rows(sp.csr_matrix(X) if sparse else X, indices, out)
    if sparse:
        assert_array_equal(rows.toarray(), X[indices])
    else:
        assert rows.base is out and rows.dtype == out_dtype
        assert_allclose(rows, X[indices].astype(out_dtype), rtol=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, None])
def test_all_finite_is_isfinite_all(bad):
    x = rng.normal(size=1000).astype(np.float32)
    if bad is not None:
        x[417] = bad
    assert all_finite(x) == bool(np.isfinite(x).all())
    assert all_finite(np.empty(0))


def test_induced_inf_norm_bounds_every_product():
    W = rng.normal(size=(700, 9))  # more rows than one block of the computation
    assert induced_inf_norm(W) == pytest.approx(np.abs(W).sum(axis=0).max(), rel=1e-12)
    x = rng.uniform(-2, 2, size=(50, 700))
    assert np.abs(x @ W).max() <= 2 * induced_inf_norm(W)


def test_largest_magnitude_is_that_of_negative_entries_too():
    for x in (np.array([-5.0, 2.0]), np.array([[1.0, -3.0], [2.0, 0.5]]), np.zeros(0)):
        assert largest_magnitude(x) == (np.abs(x).max() if x.size else 0.0)


@pytest.mark.parametrize("seed", range(5))
def test_the_linear_models_output_bound_bounds_every_logit(seed):
    """For |x| <= 1 the logits' extremes are at the corners of the cube, where the
    bound (weights and intercepts, negative ones included) must hold."""
    rng = np.random.RandomState(seed)
    W, b = rng.normal(size=(3, 2)), rng.normal(scale=3, size=2)
    corners = np.array(np.meshgrid(*[[-1.0, 1.0]] * 3)).reshape(3, -1).T
    largest_logit = np.abs(corners @ W + b).max()
    bound = LinearNetwork().output_bound([W], [b], 1.0)
    assert largest_logit <= bound <= np.abs(W).sum() + np.abs(b).max() + 1e-12
