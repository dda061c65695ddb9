"""The few array operations whose form depends on the array library.

Every formula in sknn is written once, with ordinary operators and these functions,
and runs on NumPy arrays or, under ``sklearn.set_config(array_api_dispatch=True)``, on
any Array API namespace (PyTorch on a CPU or a GPU, CuPy, array-api-strict). Each
function here has the NumPy fast path (results written into buffers allocated once,
``out=``) and the generic path (the standard's functions, which allocate), side by
side, beside the plain expression both compute:

- :func:`matmul_into`: ``out[...] = A @ B``;
- :func:`apply_`: ``out[...] = func(*args)``, an in-place update;
- :func:`gather_rows`: ``X[indices]``, the rows of a mini-batch;
- :func:`relu_`, :func:`keep_where_positive_`, :func:`expit`, :func:`log_expit`,
  :func:`logsumexp`: the few elementwise functions NumPy and the standard spell
  differently;
- :func:`sum_`, :func:`max_`: reductions (NumPy's methods, three times faster than
  its functions on the small arrays of a mini-batch);
- :func:`take_labels`, :func:`add_at_labels_`: ``Z[i, y_i]``, read and updated;
- :func:`all_finite`, :func:`induced_inf_norm`: checks, as Python numbers.

Their tests (``tests/test_primitives.py``) compare each path with the plain expression.
"""

import math

import numpy as np
import scipy.sparse as sp
from scipy.special import expit as _np_expit
from scipy.special import log_expit as _np_log_expit
from scipy.special import logsumexp as _np_logsumexp
from sklearn.externals import array_api_compat
from sklearn.utils._array_api import _max_precision_float_dtype, get_namespace, move_to

from . import _kernels


def namespace(*arrays):
    """The namespace of the arrays: ``numpy`` itself (the fast path) for NumPy arrays
    and scipy.sparse matrices, else their Array API namespace."""
    first = arrays[0]
    if isinstance(first, np.ndarray) or sp.issparse(first):
        return np
    return array_api_compat.array_namespace(*arrays)


def is_foreign_array(value):
    """Whether ``value`` is an array of another namespace than NumPy (a PyTorch tensor,
    on any device; a CuPy array): torch's tensors have no ``__array_namespace__``."""
    return array_api_compat.is_array_api_obj(value) and not isinstance(value, np.ndarray)


def float_dtypes(X):
    """The floating dtypes that data may keep, in X's namespace (float64 first):
    float32 data trains in float32, anything else in float64. (scikit-learn's
    ``get_namespace`` gives NumPy unless array API dispatch is on.)"""
    xp, _ = get_namespace(X)
    return (xp.float64, xp.float32)


def widest_float(array):
    """float64, or float32 where ``array``'s device has no float64 (Apple's MPS, say):
    the dtype in which to sum or average on that device."""
    if isinstance(array, np.ndarray):
        return np.float64
    return _max_precision_float_dtype(namespace(array), device(array))


def numpy_dtype(dtype):
    """The NumPy dtype of the same name as ``dtype`` (of any namespace: ``torch.float32``
    is ``np.float32``), for what is computed on the host."""
    if isinstance(dtype, np.dtype):
        return dtype
    return np.dtype(str(dtype).rsplit(".", 1)[-1])


def device(array):
    """The device of ``array`` ("cpu" for NumPy)."""
    return "cpu" if isinstance(array, np.ndarray) else array_api_compat.device(array)


def to_numpy(array):
    """``array`` as a NumPy array on the host (a no-op for NumPy arrays and lists).

    Moved by scikit-learn's ``move_to`` (``sklearn.utils._array_api``, private): DLPack
    where it can, else each library's own way, which the standard does not name.
    """
    if array is None or isinstance(array, np.ndarray) or not hasattr(array, "shape"):
        return array
    return move_to(array, xp=np, device="cpu")


def like(host_array, reference, dtype=None):
    """``host_array`` (NumPy, or already of the right namespace) moved to the namespace
    and device of ``reference``, cast to ``dtype`` if given."""
    if isinstance(reference, np.ndarray) or sp.issparse(reference):
        return host_array if dtype is None else np.asarray(host_array, dtype=dtype)
    xp = namespace(reference)
    return xp.asarray(host_array, dtype=dtype, device=device(reference))


def empty(shape, dtype, like_array, fortran=False):
    """An empty array of ``like_array``'s namespace and device (column-major if asked
    and NumPy: the standard has no memory order)."""
    if isinstance(like_array, np.ndarray) or sp.issparse(like_array):
        return np.empty(shape, dtype=dtype, order="F" if fortran else "C")
    xp = namespace(like_array)
    return xp.empty(shape, dtype=dtype, device=device(like_array))


def zeros(shape, dtype, like_array):
    """Zeros of ``like_array``'s namespace and device."""
    if isinstance(like_array, np.ndarray) or sp.issparse(like_array):
        return np.zeros(shape, dtype=dtype)
    xp = namespace(like_array)
    return xp.zeros(shape, dtype=dtype, device=device(like_array))


def zeros_like(array):
    """Zeros of ``array``'s shape, dtype, namespace and device."""
    if isinstance(array, np.ndarray):
        return np.zeros_like(array)
    return namespace(array).zeros_like(array)


def reshape(array, shape):
    """A view of ``array`` in another shape (a contiguous slice: no copy)."""
    if isinstance(array, np.ndarray):
        return array.reshape(shape)
    return namespace(array).reshape(array, shape)


def copy_of(array):
    """A copy of ``array``, in its namespace and on its device."""
    if isinstance(array, np.ndarray):
        return array.copy()
    return namespace(array).asarray(array, copy=True)


def largest(array):
    """The largest finite number of ``array``'s floating dtype."""
    if isinstance(array, np.ndarray):
        return float(np.finfo(array.dtype).max)
    return float(namespace(array).finfo(array.dtype).max)


def matmul_into(A, B, out):
    """``out[...] = A @ B``; for NumPy without a temporary when ``A`` is dense."""
    if isinstance(A, np.ndarray):  # (a type check costs a tenth of sp.issparse, per product)
        return np.matmul(A, B, out=out)
    out[...] = A @ B  # scipy.sparse, or another namespace: the product allocates
    return out


def apply_(func, out, *args, **kwargs):
    """``out[...] = func(*args, **kwargs)``, for a function of ``out``'s namespace."""
    if isinstance(out, np.ndarray):
        return func(*args, **kwargs, out=out)
    out[...] = func(*args, **kwargs)
    return out


def sum_(x, axis=None, keepdims=False, out=None):
    """``sum(x, axis)``: NumPy's method (a third of ``np.sum``'s overhead), or ``xp.sum``;
    into ``out`` when given."""
    if isinstance(x, np.ndarray):
        return x.sum(axis=axis, keepdims=keepdims, out=out)
    total = namespace(x).sum(x, axis=axis, keepdims=keepdims)
    if out is None:
        return total
    out[...] = total
    return out


def max_(x, axis=None, keepdims=False):
    """``max(x, axis)``: NumPy's method, or ``xp.max``."""
    if isinstance(x, np.ndarray):
        return x.max(axis=axis, keepdims=keepdims)
    return namespace(x).max(x, axis=axis, keepdims=keepdims)


def add_intercept_(Z, b):
    """``Z += b``: the intercepts ``b`` (one per column) added to every row of ``Z``."""
    fused = _kernels.compiled("add_intercept", Z, b)
    if fused is not None:  # the same, as a compiled loop
        fused(Z, b)
        return Z
    Z += b
    return Z


def relu_(Z):
    """``Z[...] = max(Z, 0)``."""
    if isinstance(Z, np.ndarray):
        fused = _kernels.compiled("relu", Z)
        if fused is not None:  # the same, as a compiled loop
            fused(Z)
            return Z
        return np.maximum(Z, 0, out=Z)
    Z[...] = namespace(Z).clip(Z, min=0.0)
    return Z


def keep_where_positive_(delta, A):
    """``delta[...] = delta * (A > 0)``: zero where ``A`` is not positive."""
    if isinstance(delta, np.ndarray):
        fused = _kernels.compiled("keep_where_positive", delta, A)
        if fused is not None:  # the same, as a compiled loop
            fused(delta, A)
            return delta
        # Multiplying by the 0/1 mask is several times faster than `delta[A <= 0] = 0`.
        return np.multiply(delta, A > 0, out=delta)
    delta[...] = namespace(delta).where(A > 0, delta, 0.0)
    return delta


def expit(Z, out=None):
    """``1 / (1 + exp(-Z))``, the sigmoid, without overflow (into ``out`` if given)."""
    if isinstance(Z, np.ndarray):
        return _np_expit(Z, out=out)
    xp = namespace(Z)
    e = xp.exp(-xp.abs(Z))  # in (0, 1]: no overflow
    result = xp.where(Z >= 0, 1 / (1 + e), e / (1 + e))
    if out is None:
        return result
    out[...] = result
    return out


def log_expit(Z):
    """``log(1 / (1 + exp(-Z))) = -log(1 + exp(-Z))``, finite for any finite Z."""
    if isinstance(Z, np.ndarray):
        return _np_log_expit(Z)
    xp = namespace(Z)
    return -xp.logaddexp(xp.zeros_like(Z), -Z)


def logsumexp(Z, axis):
    """``log sum_k exp(Z_k)`` along ``axis`` (kept), computed without overflow."""
    if isinstance(Z, np.ndarray):
        return _np_logsumexp(Z, axis=axis, keepdims=True)
    xp = namespace(Z)
    top = xp.max(Z, axis=axis, keepdims=True)
    return top + xp.log(xp.sum(xp.exp(Z - top), axis=axis, keepdims=True))


_ROW_INDICES = np.arange(0)


def _row_indices(n_samples):
    """``np.arange(n_samples)``, a view of one array kept between calls (saves one per batch)."""
    global _ROW_INDICES
    rows = _ROW_INDICES
    if rows.shape[0] < n_samples:
        rows = np.arange(n_samples)
        rows.flags.writeable = False  # shared between calls (and threads): read only
        _ROW_INDICES = rows
    return rows[:n_samples]


def take_labels(Z, y):
    """``Z[i, y_i]`` for every row i: the logit of each sample's class."""
    if isinstance(Z, np.ndarray):
        return Z[_row_indices(Z.shape[0]), y]
    xp = namespace(Z)
    return xp.take_along_axis(Z, xp.reshape(y, (-1, 1)), axis=1)[:, 0]


def add_at_labels_(Z, y, value):
    """``Z[i, y_i] += value`` for every row i."""
    if isinstance(Z, np.ndarray):
        Z[_row_indices(Z.shape[0]), y] += value
        return Z
    xp = namespace(Z)
    classes = xp.arange(Z.shape[1], device=device(Z))
    Z[...] = xp.where(xp.reshape(y, (-1, 1)) == classes, Z + value, Z)
    return Z


def gather_rows(X, indices, out, dtype=None):
    """The rows ``X[indices]``, in ``dtype`` if given: NumPy writes them into ``out``
    (casting to its dtype); scipy.sparse and other namespaces gather into a new array."""
    if isinstance(X, np.ndarray):  # first: a type check costs a tenth of sp.issparse
        out = out[: indices.shape[0]]
        if X.dtype != out.dtype:  # a float32 model continued on float64 data, or the reverse
            out[...] = X[indices]
            return out
        # mode="clip" lets take write straight into `out` (the default buffers first);
        # the method, not np.take, which adds a Python wrapper per call.
        return X.take(indices, axis=0, out=out, mode="clip")
    if sp.issparse(X):
        rows = X[indices]
        return rows if dtype is None or rows.dtype == dtype else rows.astype(dtype)
    xp = namespace(X)
    rows = xp.take(X, indices, axis=0)
    return rows if dtype is None or rows.dtype == dtype else xp.astype(rows, dtype)


def all_finite(x):
    """``isfinite(x).all()``, as a Python bool, allocating no array of booleans.

    NaN propagates through ``min`` and ``max``, and an infinity is a minimum or a
    maximum, so both are finite exactly when every entry is.
    """
    if math.prod(x.shape) == 0:
        return True
    if isinstance(x, np.ndarray):
        return bool(np.isfinite(x.min()) and np.isfinite(x.max()))
    xp = namespace(x)
    return math.isfinite(float(xp.min(x))) and math.isfinite(float(xp.max(x)))


def largest_magnitude(x):
    """``max |x|``, as a Python float (0 for an empty array)."""
    if math.prod(x.shape) == 0:
        return 0.0
    if isinstance(x, np.ndarray):
        return float(np.abs(x).max())
    xp = namespace(x)
    return float(xp.max(xp.abs(x)))


def induced_inf_norm(W):
    """``max_k sum_i |W_ik|``: for any row ``x``, ``max_k |(x W)_k| <= max_i |x_i| * this``."""
    if W.shape[0] == 0 or W.shape[1] == 0:
        return 0.0
    if not isinstance(W, np.ndarray):
        xp = namespace(W)
        return float(xp.max(xp.sum(xp.abs(W), axis=0)))
    column_sums = np.zeros(W.shape[1])
    for start in range(0, W.shape[0], 256):  # in blocks of rows: no copy of all of |W|
        column_sums += np.abs(W[start : start + 256]).sum(axis=0, dtype=np.float64)
    return float(column_sums.max())
