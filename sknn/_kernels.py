"""Fused loops: the training step's elementwise formulas, one pass each, compiled by Numba.

NumPy makes one pass over memory per operation: the Nesterov step is six passes over
the parameters, the penalty three, and the softmax loss a dozen calls, each with its
own overhead, on an array of a few thousand numbers. Each function here is the same
formula as the NumPy code that calls it (named in its docstring), written as one loop
over the entries; Numba compiles it to machine code that makes one pass over memory,
when Numba is installed (``pip install "sknn[fast]"``). docs/performance.rst shows
what that buys a fit.

The NumPy code stays the reference: it runs without Numba, with ``SKNN_NUMBA=0`` in
the environment, and for arrays other than NumPy's float arrays (the Array API
namespaces). ``tests/test_kernels.py`` checks that both give the same numbers. Each
loop keeps the NumPy code's order of operations and rounds to the array's dtype where
NumPy does (the callers cast every constant to that dtype first, as NumPy casts a
Python scalar), so the parameter updates agree bit for bit; ``exp`` and ``log`` (the
C library's, not NumPy's own) may differ in the last bit, and a loss value is summed
in float64.

Compiled code is cached on disk (Numba's ``cache=True``): each dtype and memory
layout is compiled once per installation, and a process pays a fraction of a second
at its first fit to import Numba and load the cache.
"""

import os
from contextlib import contextmanager

import numpy as np

#: ``SKNN_NUMBA=0`` in the environment keeps every fit on the NumPy code.
ENVIRONMENT_SWITCH = "SKNN_NUMBA"

_loops = None  # {name: compiled loop}, loaded at the first use; {} without Numba
_switched_on = os.environ.get(ENVIRONMENT_SWITCH, "1") != "0"


def sgd_step(w, v, g, eta, mu, nesterov):
    """SGD with momentum, ``SGD.step`` of ``_optimizers.py``; ``g`` is left as it is."""
    for i in range(w.shape[0]):
        eta_g = eta * g[i]
        v[i] = v[i] * mu - eta_g  # v <- mu v - eta g
        if nesterov:
            w[i] = (w[i] - eta_g) + v[i] * mu  # w <- w + mu v - eta g
        else:
            w[i] += v[i]  # w <- w + v


def adam_step(
    w, m, v, g, beta_1, beta_2, one_minus_beta_1, one_minus_beta_2, unbias, epsilon, rate
):
    """Adam, ``Adam.step`` of ``_optimizers.py``, with ``unbias = 1 / sqrt(1 - beta_2^t)``
    and ``rate = eta / (1 - beta_1^t)``; ``g`` is left as it is."""
    for i in range(w.shape[0]):
        m[i] = m[i] * beta_1 + g[i] * one_minus_beta_1  # m <- beta_1 m + (1 - beta_1) g
        v[i] = v[i] * beta_2 + (g[i] * g[i]) * one_minus_beta_2  # ... + (1 - beta_2) g^2
        denominator = np.sqrt(v[i]) * unbias + epsilon  # sqrt(v_hat) + epsilon
        w[i] -= (m[i] / denominator) * rate  # w <- w - eta m_hat / (sqrt(v_hat) + epsilon)


def add_penalty(w, g, two_alpha):
    """``g += 2 alpha w``, and return ``||w||^2``: ``Objective.add_penalty``."""
    squares = 0.0
    for i in range(w.shape[0]):
        squares += float(w[i]) * float(w[i])
        g[i] += two_alpha * w[i]
    return squares


def softmax_loss_gradient(Z, y, n, minus_one_over_n, sample_weight):
    """``Softmax.loss_gradient`` of ``_losses.py``: ``Z`` becomes ``dC/dZ``; returns
    ``sum_i l_i``, or ``sum_i s_i l_i`` with sample weights (``n`` is ``N``).

    Row by row, with ``top = max_k z_ik``: ``l_i = log sum_k exp(z_ik - top) - (z_iy -
    top)`` and ``dC/dz_ik = (p_ik - [k = y_i]) s_i / N``; without sample weights the
    ``1/N`` is folded into the normaliser, as the NumPy code does.
    """
    n_samples, n_classes = Z.shape
    total = 0.0
    for i in range(n_samples):
        top = Z[i, 0]
        for k in range(1, n_classes):
            top = max(top, Z[i, k])
        label = y[i]
        picked = Z[i, label] - top  # z_{i,y_i}, shifted
        Z[i, 0] = np.exp(Z[i, 0] - top)
        normaliser = Z[i, 0]
        for k in range(1, n_classes):
            Z[i, k] = np.exp(Z[i, k] - top)
            normaliser += Z[i, k]  # sum_k exp(z_ik - top)
        loss = float(np.log(normaliser) - picked)  # l_i
        if sample_weight is None:
            normaliser *= n
            for k in range(n_classes):
                Z[i, k] /= normaliser  # P / N
            Z[i, label] += minus_one_over_n  # (P - Y) / N
            total += loss
        else:
            for k in range(n_classes):
                Z[i, k] /= normaliser  # P
            Z[i, label] -= 1  # P - Y
            row_scale = sample_weight[i] / n
            for k in range(n_classes):
                Z[i, k] *= row_scale  # (P - Y) s_i / N
            total += loss * float(sample_weight[i])
    return total


def add_intercept(Z, b):
    """``Z += b``, ``b`` added to every row: ``add_intercept_`` of ``_primitives.py``."""
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            Z[i, j] += b[j]


def logistic_derivative(delta, A, one):
    """``delta *= A; delta *= 1 - A``: ``logistic_derivative`` of ``_activations.py``
    (``one`` is 1 in the arrays' dtype, where NumPy computes ``1 - A``)."""
    for i in range(delta.shape[0]):
        for j in range(delta.shape[1]):
            delta[i, j] = (delta[i, j] * A[i, j]) * (one - A[i, j])


def relu(Z):
    """``Z[...] = max(Z, 0)``, NaN kept: ``relu_`` of ``_primitives.py``."""
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            if Z[i, j] < 0:
                Z[i, j] = 0


def keep_where_positive(delta, A):
    """``delta *= (A > 0)``, NaN kept: ``keep_where_positive_`` of ``_primitives.py``."""
    for i in range(delta.shape[0]):
        for j in range(delta.shape[1]):
            delta[i, j] *= 1 if A[i, j] > 0 else 0


_LOOPS = (
    sgd_step,
    adam_step,
    add_penalty,
    softmax_loss_gradient,
    add_intercept,
    logistic_derivative,
    relu,
    keep_where_positive,
)


def compiled(name, *arrays):
    """The compiled loop ``name`` for ``arrays``, or None where the NumPy code runs.

    None when Numba is not installed or is switched off, or when an array is not a
    NumPy array of float32 or float64.
    """
    if not _switched_on:
        return None
    for array in arrays:
        if type(array) is not np.ndarray or array.dtype.char not in "fd":
            return None
    loops = _loops if _loops is not None else _load()
    return loops.get(name)


def _load():
    """Wrap every loop for Numba (compiled at its first call for each signature)."""
    global _loops
    try:
        import numba
    except ImportError:
        _loops = {}
    else:
        options = {"cache": True, "nogil": True}
        # The sum of squares alone may be reordered: it then runs in SIMD lanes.
        reordered = {**options, "fastmath": {"reassoc"}}
        _loops = {
            loop.__name__: numba.njit(**(reordered if loop is add_penalty else options))(loop)
            for loop in _LOOPS
        }
    return _loops


def available():
    """Whether the compiled loops run (Numba installed, not switched off)."""
    return compiled("sgd_step", np.zeros(1)) is not None


@contextmanager
def switched(on):
    """Run the block with the compiled loops on or off (the tests compare both)."""
    global _switched_on
    before, _switched_on = _switched_on, on
    try:
        yield
    finally:
        _switched_on = before
