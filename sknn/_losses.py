"""Output units and their cross-entropy losses, computed from the logits.

Notation: ``Z`` holds the logits, shape (N, K); ``y`` the integer class index of
each row; ``s`` the sample weights normalised to mean 1 over the training set
(``s = 1`` when none are given). The loss of a batch is the weighted mean

    C = (1/N) sum_i s_i l_i,

and ``*_gradient`` functions overwrite ``Z`` with ``dC/dZ`` (shape (N, K)) and
return ``C``. Both output units are *canonical links* of their loss, so the
gradient with respect to the logits is the same simple expression

    dC/dZ = (1/N) diag(s) (Yhat - Y),

and the gradient of the weights follows by the chain rule, ``dC/dW = X^T dC/dZ``.
Losses are taken from the logits (``log_expit``, ``logsumexp``), never from
rounded probabilities, so they stay finite for ``|z|`` up to 1e4 and beyond.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit, log_expit, logsumexp


def softmax(Z):
    """Row-wise ``exp(z_k) / sum_k' exp(z_k')``, computed without overflow."""
    P = Z - Z.max(axis=1, keepdims=True)
    np.exp(P, out=P)
    P /= P.sum(axis=1, keepdims=True)
    return P


def log_softmax(Z):
    """Row-wise ``z_k - log sum_k' exp(z_k')``."""
    return Z - logsumexp(Z, axis=1, keepdims=True)


def softmax_cross_entropy_gradient(Z, y, sample_weight=None):
    """Mean cross-entropy of ``softmax(Z)`` against ``y``; ``Z`` becomes dC/dZ.

    ``l_i = -log p_{i,y_i} = log sum_k exp(z_ik) - z_{i,y_i}``, and since
    ``d l_i / d z_ik = p_ik - [k = y_i]`` (for ``k = y_i`` the numerator and the
    normaliser both depend on ``z_ik``; for ``k != y_i`` only the normaliser),
    ``dC/dZ = (1/N) diag(s) (P - Y)``. ``Y``, the one-hot targets, is never formed.
    """
    n_samples = Z.shape[0]
    rows = _row_indices(n_samples)
    Z -= Z.max(axis=1, keepdims=True)  # softmax is shift invariant; exp cannot overflow
    losses = -Z[rows, y]
    np.exp(Z, out=Z)
    normaliser = Z.sum(axis=1)
    losses += np.log(normaliser)  # l_i = log sum_k exp(z_ik) - z_{i,y_i}
    if sample_weight is None:
        # The 1/N is folded into the normaliser: saves a pass over Z.
        normaliser *= n_samples
        Z /= normaliser[:, np.newaxis]  # Z is now P / N
        Z[rows, y] -= 1 / n_samples  # (P - Y) / N
        return float(losses.sum()) / n_samples
    Z /= normaliser[:, np.newaxis]  # Z is now P
    Z[rows, y] -= 1  # P - Y
    return _weighted_mean_and_scale(losses, Z, sample_weight)


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


def sigmoid_cross_entropy_gradient(Z, y, sample_weight=None):
    """Summed binary cross-entropy of sigmoid units; ``Z`` becomes dC/dZ.

    With one column (a binary problem) the target of the unit is ``y`` itself;
    with K columns (one-vs-rest) the target of unit k is ``[y = k]``. Per unit,
    ``l = -t log sigmoid(z) - (1 - t) log sigmoid(-z) = -log sigmoid(z) + (1 - t) z``
    and ``dl/dz = sigmoid(z) - t``, so ``dC/dZ = (1/N) diag(s) (Yhat - T)`` and
    ``dC/dw = -(1/N) sum_i s_i (y_i - yhat_i) x_i``.
    """
    T = _sigmoid_targets(y, Z.shape[1], Z.dtype)
    losses = ((1 - T) * Z - log_expit(Z)).sum(axis=1)
    expit(Z, out=Z)
    Z -= T
    return _weighted_mean_and_scale(losses, Z, sample_weight)


def _sigmoid_targets(y, n_units, dtype):
    if n_units == 1:
        return y.astype(dtype, copy=False)[:, np.newaxis]
    T = np.zeros((y.shape[0], n_units), dtype=dtype)
    T[np.arange(y.shape[0]), y] = 1
    return T


def _weighted_mean_and_scale(losses, dZ, sample_weight):
    """Return ``(1/N) sum_i s_i l_i`` and scale row i of ``dZ`` by ``s_i / N``."""
    n_samples = losses.shape[0]
    if sample_weight is None:
        dZ *= 1 / n_samples
        return float(losses.sum()) / n_samples
    dZ *= (sample_weight / n_samples)[:, np.newaxis]
    return float(losses @ sample_weight) / n_samples


def logistic_log_proba(Z):
    """Log-probabilities of sigmoid units, normalised as one-vs-rest does.

    One unit (binary): ``[log sigmoid(-z), log sigmoid(z)]``. K units: each row of
    ``log sigmoid(Z)`` normalised to sum to one in probability space.
    """
    if Z.shape[1] == 1:
        return np.hstack([log_expit(-Z), log_expit(Z)])
    return log_softmax(log_expit(Z))


def logistic_proba(Z):
    """Probabilities of sigmoid units, normalised as one-vs-rest does."""
    if Z.shape[1] == 1:
        return np.hstack([expit(-Z), expit(Z)])
    # Normalised in log space: every sigmoid of a row may underflow to 0.
    return np.exp(logistic_log_proba(Z))


class OutputUnit(NamedTuple):
    """An output activation with its loss gradient and its probabilities."""

    loss_gradient: Callable
    proba: Callable
    log_proba: Callable


OUTPUT_UNITS = {
    "logistic": OutputUnit(sigmoid_cross_entropy_gradient, logistic_proba, logistic_log_proba),
    "softmax": OutputUnit(softmax_cross_entropy_gradient, softmax, log_softmax),
}


def cross_entropy(output, Z, y, sample_weight=None):
    """The loss ``C`` of :data:`OUTPUT_UNITS` ``[output]`` at logits ``Z``, without its gradient."""
    return OUTPUT_UNITS[output].loss_gradient(Z.copy(), y, sample_weight)
