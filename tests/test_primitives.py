"""Each fast primitive against the plain NumPy expression it stands for."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from sknn._primitives import add_scaled, gather_rows, matmul_into

rng = np.random.RandomState(0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_add_scaled_is_y_plus_a_x_in_place(dtype):
    x, y = rng.normal(size=(2, 1001)).astype(dtype)
    expected = y + dtype(-0.3) * x
    result = add_scaled(y, -0.3, x)
    assert result is y  # in place
    # (BLAS may fuse the multiply and add: one rounding fewer than the expression)
    tolerance = 1e-6 if dtype == np.float32 else 1e-15
    assert_allclose(y, expected, rtol=tolerance, atol=tolerance)


def test_add_scaled_falls_back_to_the_expression():
    x = rng.normal(size=(20, 2))[:, 0]  # not contiguous
    y = rng.normal(size=20).astype(np.float32)  # another dtype
    expected = y + 2.5 * x
    add_scaled(y, 2.5, x)
    assert_allclose(y, expected, rtol=1e-6, atol=1e-6)


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
