"""Output units: the loss of each, and its gradient, computed from the logits.

Notation: ``Z`` holds the logits, shape (N, K); ``T`` the targets in the form each
unit takes (class indices for softmax, a 0/1 matrix for sigmoid units); ``s`` the
sample weights normalised to mean 1 over the training set (``s = 1`` when none are
given). The loss of a batch is the weighted mean of the per-sample losses ``l_i``

    C = (1/N) sum_i s_i l_i,

and ``loss_gradient`` overwrites ``Z`` with ``dC/dZ`` (shape (N, K)) and returns ``C``.
Both units are *canonical links* of their loss, so the gradient with respect to the
logits is the same simple expression

    dC/dZ = (1/N) diag(s) (Yhat - Y),

from which the network's backward pass takes the gradient of every parameter by the
chain rule. Losses are computed from the logits (``log_expit``, ``logsumexp``), never
from rounded probabilities, so they stay finite for ``|z|`` up to 1e4 and beyond.

:data:`OUTPUT_UNITS` names them as scikit-learn's ``out_activation_`` does.
"""

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


def _weighted_mean_and_scale(losses, dZ, sample_weight):
    """Return ``(1/N) sum_i s_i l_i`` and scale row i of ``dZ`` by ``s_i / N``."""
    n_samples = losses.shape[0]
    if sample_weight is None:
        dZ *= 1 / n_samples
        return float(losses.sum()) / n_samples
    dZ *= (sample_weight / n_samples)[:, np.newaxis]
    return float(losses @ sample_weight) / n_samples


def _weighted_accuracy(correct, sample_weight):
    return float(np.average(correct, weights=sample_weight))


class Softmax:
    """K softmax units, one per class, on the cross-entropy. Targets: class indices."""

    name = "softmax"

    def n_outputs(self, n_classes):
        return n_classes

    def targets(self, y_indices, n_outputs, dtype):
        """The form of the targets that :meth:`loss_gradient` takes: the indices."""
        return y_indices

    def loss_gradient(self, Z, y, sample_weight=None):
        """Mean cross-entropy of ``softmax(Z)`` against ``y``; ``Z`` becomes dC/dZ.

        ``l_i = -log p_{i,y_i} = log sum_k exp(z_ik) - z_{i,y_i}``, and since
        ``d l_i / d z_ik = p_ik - [k = y_i]`` (for ``k = y_i`` the numerator and the
        normaliser both depend on ``z_ik``; for ``k != y_i`` only the normaliser),
        ``dC/dZ = (1/N) diag(s) (P - Y)``. ``Y``, the one-hot targets, is never formed.
        """
        n_samples = Z.shape[0]
        rows = _row_indices(n_samples)
        Z -= Z.max(axis=1, keepdims=True)  # softmax is shift invariant; exp cannot overflow
        picked = Z[rows, y]  # z_{i,y_i}
        np.exp(Z, out=Z)
        normaliser = Z.sum(axis=1)
        losses = np.log(normaliser)
        losses -= picked  # l_i = log sum_k exp(z_ik) - z_{i,y_i}
        if sample_weight is None:
            loss = float(losses.sum()) / n_samples
            # The 1/N is folded into the normaliser: saves a pass over Z.
            normaliser *= n_samples
            Z /= normaliser[:, np.newaxis]  # Z is now P / N
            Z[rows, y] -= 1 / n_samples  # (P - Y) / N
            return loss
        Z /= normaliser[:, np.newaxis]  # Z is now P
        Z[rows, y] -= 1  # P - Y
        return _weighted_mean_and_scale(losses, Z, sample_weight)

    def loss(self, Z, y, sample_weight=None):
        """The mean cross-entropy ``C`` alone; ``Z`` is left as it is."""
        return self.loss_gradient(Z.copy(), y, sample_weight)

    def proba(self, Z):
        return softmax(Z)

    def log_proba(self, Z):
        return log_softmax(Z)

    def predict(self, Z):
        """Index of the most probable class of each row."""
        return Z.argmax(axis=1)

    def accuracy(self, Z, y, sample_weight=None):
        return _weighted_accuracy(self.predict(Z) == y, sample_weight)


class OneVsRestSigmoid:
    """Sigmoid units on the binary cross-entropy: one for two classes, else one per class.

    Targets: a 0/1 matrix ``T`` of shape (N, K); for two classes the one column is
    ``[y = classes_[1]]``, for more the one-hot matrix (unit k: class k against the rest).
    """

    name = "logistic"

    def n_outputs(self, n_classes):
        return 1 if n_classes == 2 else n_classes

    def targets(self, y_indices, n_outputs, dtype):
        T = np.zeros((y_indices.shape[0], n_outputs), dtype=dtype)
        if n_outputs == 1:
            T[:, 0] = y_indices
        else:
            T[np.arange(y_indices.shape[0]), y_indices] = 1
        return T

    def loss_gradient(self, Z, T, sample_weight=None):
        """Summed binary cross-entropy of the units; ``Z`` becomes dC/dZ.

        Per unit, ``l = -t log sigmoid(z) - (1 - t) log sigmoid(-z) = -log sigmoid(z)
        + (1 - t) z`` and ``dl/dz = sigmoid(z) - t``, so ``dC/dZ = (1/N) diag(s)
        (Yhat - T)`` and ``dC/dw = -(1/N) sum_i s_i (t_i - yhat_i) x_i``.
        """
        losses = ((1 - T) * Z - log_expit(Z)).sum(axis=1)
        expit(Z, out=Z)
        Z -= T
        return _weighted_mean_and_scale(losses, Z, sample_weight)

    def loss(self, Z, T, sample_weight=None):
        """The summed binary cross-entropy ``C`` alone; ``Z`` is left as it is."""
        return self.loss_gradient(Z.copy(), T, sample_weight)

    def log_proba(self, Z):
        """Log-probabilities normalised as one-vs-rest does.

        One unit (binary): ``[log sigmoid(-z), log sigmoid(z)]``. K units: each row of
        ``log sigmoid(Z)`` normalised to sum to one in probability space.
        """
        if Z.shape[1] == 1:
            return np.hstack([log_expit(-Z), log_expit(Z)])
        return log_softmax(log_expit(Z))

    def proba(self, Z):
        if Z.shape[1] == 1:
            return np.hstack([expit(-Z), expit(Z)])
        # Normalised in log space: every sigmoid of a row may underflow to 0.
        return np.exp(self.log_proba(Z))

    def predict(self, Z):
        if Z.shape[1] == 1:
            return (Z[:, 0] > 0).astype(np.intp)
        return Z.argmax(axis=1)

    def accuracy(self, Z, T, sample_weight=None):
        truth = T[:, 0] if T.shape[1] == 1 else T.argmax(axis=1)
        return _weighted_accuracy(self.predict(Z) == truth, sample_weight)


class MultilabelSigmoid(OneVsRestSigmoid):
    """Sigmoid units for multi-label targets: one independent binary problem per label.

    The same units and loss as :class:`OneVsRestSigmoid` (``C`` sums the binary
    cross-entropies, ``dC/dZ = (1/N) diag(s) (sigmoid(Z) - T)``); only the targets
    (a 0/1 indicator matrix, any number of ones per row) and the predictions differ:
    each label is predicted where ``sigmoid(z) > 0.5``, that is ``z > 0``, and
    ``predict_proba`` gives each label's own probability, as scikit-learn's
    MLPClassifier does.
    """

    def n_outputs(self, n_labels):
        return n_labels

    def targets(self, indicator, n_outputs, dtype):
        return np.asarray(indicator, dtype=dtype)

    def log_proba(self, Z):
        return log_expit(Z)

    def proba(self, Z):
        """``sigmoid(Z)``, rounded into the open interval (0, 1).

        ``sigmoid(z) = 1 / (1 + e^{-z})`` is below 1 for every finite z, but above
        z = 37 it rounds to 1.0 in float64: such values are rounded down instead, to
        the largest number below 1 (and up, from 0, to the smallest positive one).
        """
        P = expit(Z)
        dtype = P.dtype
        return np.clip(P, np.finfo(dtype).tiny, np.nextafter(dtype.type(1), dtype.type(0)), out=P)

    def predict(self, Z):
        """The 0/1 indicator of the labels predicted for each row."""
        return (Z > 0).astype(np.int64)

    def accuracy(self, Z, T, sample_weight=None):
        """Subset accuracy: the share of rows whose every label is right."""
        correct = ((Z > 0) == (T > 0.5)).all(axis=1)
        return _weighted_accuracy(correct, sample_weight)


#: The output units by scikit-learn's name of their activation.
OUTPUT_UNITS = {unit.name: unit for unit in (Softmax(), OneVsRestSigmoid())}
MULTILABEL = MultilabelSigmoid()
