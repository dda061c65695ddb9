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

from . import _kernels
from ._primitives import (
    add_at_labels_,
    apply_,
    copy_of,
    expit,
    log_expit,
    logsumexp,
    max_,
    namespace,
    sum_,
    take_labels,
    widest_float,
)


def softmax(Z):
    """Row-wise ``exp(z_k) / sum_k' exp(z_k')``, computed without overflow."""
    P = _finite(Z)
    with np.errstate(over="ignore"):  # -largest - largest is -inf, whose exp is 0
        P -= max_(P, axis=1, keepdims=True)
    apply_(namespace(Z).exp, P, P)
    P /= sum_(P, axis=1, keepdims=True)
    return P


def log_softmax(Z):
    """Row-wise ``z_k - log sum_k' exp(z_k')``."""
    S = _finite(Z)
    with np.errstate(over="ignore"):  # -largest - largest is -inf: log(0)
        # Shifted by the row's largest first, as in softmax: logits tied at the largest
        # float would round the log of their sum back to it, and each come out as 0.
        S -= max_(S, axis=1, keepdims=True)
    return S - logsumexp(S, axis=1)


def _finite(Z):
    """A copy of the logits with +-inf at the largest finite magnitude (a logit of an
    input near the largest float can overflow): a row whose largest logit is +inf
    gives that class probability 1, not ``inf - inf = NaN``."""
    xp = namespace(Z)
    largest = float(xp.finfo(Z.dtype).max)
    return xp.clip(Z, -largest, largest)


def _weighted_mean_and_scale(losses, dZ, sample_weight):
    """Return ``(1/N) sum_i s_i l_i`` and scale row i of ``dZ`` by ``s_i / N``."""
    n_samples = losses.shape[0]
    if sample_weight is None:
        dZ *= 1 / n_samples
        return float(sum_(losses)) / n_samples
    dZ *= (sample_weight / n_samples)[:, None]
    return float(losses @ sample_weight) / n_samples


def _weighted_accuracy(correct, sample_weight):
    """The (weighted) share of True in ``correct``."""
    xp = namespace(correct)
    if sample_weight is None:
        return float(xp.mean(xp.astype(correct, widest_float(correct))))
    correct = xp.astype(correct, sample_weight.dtype)
    return float(xp.sum(correct * sample_weight) / xp.sum(sample_weight))


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
        With Numba, the same runs as one compiled loop (``_kernels.softmax_loss_gradient``).
        """
        xp, n_samples = namespace(Z), Z.shape[0]
        weighted = () if sample_weight is None else (sample_weight,)
        fused = _kernels.compiled("softmax_loss_gradient", Z, *weighted)
        if fused is not None and isinstance(y, np.ndarray):
            as_dtype = Z.dtype.type  # NumPy rounds a Python scalar to it first
            total = fused(Z, y, as_dtype(n_samples), as_dtype(-1 / n_samples), sample_weight)
            return total / n_samples
        Z -= max_(Z, axis=1, keepdims=True)  # softmax is shift invariant: no overflow
        picked = take_labels(Z, y)  # z_{i,y_i}
        apply_(xp.exp, Z, Z)
        normaliser = sum_(Z, axis=1)
        losses = xp.log(normaliser)
        losses -= picked  # l_i = log sum_k exp(z_ik) - z_{i,y_i}
        if sample_weight is None:
            loss = float(sum_(losses)) / n_samples
            # The 1/N is folded into the normaliser: saves a pass over Z.
            normaliser *= n_samples
            Z /= normaliser[:, None]  # Z is now P / N
            add_at_labels_(Z, y, -1 / n_samples)  # (P - Y) / N
            return loss
        Z /= normaliser[:, None]  # Z is now P
        add_at_labels_(Z, y, -1.0)  # P - Y
        return _weighted_mean_and_scale(losses, Z, sample_weight)

    def loss(self, Z, y, sample_weight=None):
        """The mean cross-entropy ``C`` alone; ``Z`` is left as it is."""
        return self.loss_gradient(copy_of(Z), y, sample_weight)

    def proba(self, Z):
        return softmax(Z)

    def log_proba(self, Z):
        return log_softmax(Z)

    def predict(self, Z):
        """Index of the most probable class of each row."""
        return namespace(Z).argmax(Z, axis=1)

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
        """The 0/1 matrix ``T`` (NumPy, from the NumPy class indices)."""
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
        losses = sum_((1 - T) * Z - log_expit(Z), axis=1)
        expit(Z, out=Z)
        Z -= T
        return _weighted_mean_and_scale(losses, Z, sample_weight)

    def loss(self, Z, T, sample_weight=None):
        """The summed binary cross-entropy ``C`` alone; ``Z`` is left as it is."""
        return self.loss_gradient(copy_of(Z), T, sample_weight)

    def log_proba(self, Z):
        """Log-probabilities normalised as one-vs-rest does.

        One unit (binary): ``[log sigmoid(-z), log sigmoid(z)]``. K units: each row of
        ``log sigmoid(Z)`` normalised to sum to one in probability space.
        """
        xp = namespace(Z)
        if Z.shape[1] == 1:
            return xp.concat([log_expit(-Z), log_expit(Z)], axis=1)
        return log_softmax(log_expit(Z))

    def proba(self, Z):
        xp = namespace(Z)
        if Z.shape[1] == 1:
            return xp.concat([expit(-Z), expit(Z)], axis=1)
        # Normalised in log space: every sigmoid of a row may underflow to 0.
        return xp.exp(self.log_proba(Z))

    def predict(self, Z):
        xp = namespace(Z)
        if Z.shape[1] == 1:
            return xp.astype(Z[:, 0] > 0, xp.int64)
        return xp.argmax(Z, axis=1)

    def accuracy(self, Z, T, sample_weight=None):
        xp = namespace(Z)
        truth = xp.astype(T[:, 0], xp.int64) if T.shape[1] == 1 else xp.argmax(T, axis=1)
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
        the largest number below 1 (and up, from 0, to the smallest normal one).
        """
        xp = namespace(Z)
        P = expit(Z)
        largest_below_one = 1 - xp.finfo(P.dtype).eps / 2
        return xp.clip(P, min=xp.finfo(P.dtype).smallest_normal, max=largest_below_one)

    def predict(self, Z):
        """The 0/1 indicator of the labels predicted for each row."""
        xp = namespace(Z)
        return xp.astype(Z > 0, xp.int64)

    def accuracy(self, Z, T, sample_weight=None):
        """Subset accuracy: the share of rows whose every label is right."""
        xp = namespace(Z)
        correct = xp.all((Z > 0) == (T > 0.5), axis=1)
        return _weighted_accuracy(correct, sample_weight)


#: The output units by scikit-learn's name of their activation.
OUTPUT_UNITS = {unit.name: unit for unit in (Softmax(), OneVsRestSigmoid())}
MULTILABEL = MultilabelSigmoid()
