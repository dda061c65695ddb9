"""The few array operations whose fastest form is not the plain NumPy expression.

Every formula in sknn is written with these and ordinary operators, so each is
defined once, here, beside the plain expression it computes:

- :func:`matmul_into`: ``out[...] = A @ B``, into a buffer allocated once;
- :func:`gather_rows`: ``out[...] = X[indices]``, the rows of a mini-batch;
- :func:`all_finite`: ``np.isfinite(x).all()``, without an array of booleans;
- :func:`induced_inf_norm`: ``max_k sum_i |W_ik|``, the most ``x W`` can grow ``max |x|``.

Their tests (``tests/test_primitives.py``) compare each with the plain expression.
"""

import numpy as np
import scipy.sparse as sp


def matmul_into(A, B, out):
    """``out[...] = A @ B`` without a temporary when ``A`` is dense; returns ``out``."""
    if isinstance(A, np.ndarray):  # (a type check costs a tenth of sp.issparse, per product)
        return np.matmul(A, B, out=out)
    out[...] = A @ B  # scipy.sparse: its product allocates
    return out


def gather_rows(X, indices, out):
    """The rows ``X[indices]``, written into ``out`` when ``X`` is dense.

    scipy.sparse rows are gathered into a new matrix (``out`` is ignored).
    """
    if sp.issparse(X):
        return X[indices]
    out = out[: indices.shape[0]]
    if X.dtype != out.dtype:  # a float32 model continued on float64 data, or the reverse
        out[...] = X[indices]
        return out
    # mode="clip" lets take write straight into `out` (the default buffers first).
    return np.take(X, indices, axis=0, out=out, mode="clip")


def all_finite(x):
    """``np.isfinite(x).all()``, in two reductions that allocate nothing.

    NaN propagates through ``min`` and ``max``, and an infinity is a minimum or a
    maximum, so both are finite exactly when every entry is.
    """
    return bool(x.size == 0 or (np.isfinite(x.min()) and np.isfinite(x.max())))


def induced_inf_norm(W):
    """``max_k sum_i |W_ik|``: for any row ``x``, ``max_k |(x W)_k| <= max_i |x_i| * this``."""
    if W.size == 0:
        return 0.0
    column_sums = np.zeros(W.shape[1])
    for start in range(0, W.shape[0], 256):  # in blocks of rows: no copy of all of |W|
        column_sums += np.abs(W[start : start + 256]).sum(axis=0, dtype=np.float64)
    return float(column_sums.max())
