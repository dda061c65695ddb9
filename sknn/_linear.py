"""The linear model that LogisticRegressionGD and SoftmaxGD share.

Forward pass and gradient, for a batch X of shape (N, n_features), weights W of
shape (n_features, K) and intercepts b of shape (K,)::

    Z = X W + b                       logits, (N, K)
    dC/dW = X^T dC/dZ                 (n_features, K)
    dC/db = sum_i dC/dz_i             (K,)

where ``dC/dZ = (1/N) diag(s) (Yhat - Y)`` comes from the output unit
(``_losses.py``). The public ``coef_`` is ``W^T``, of shape (K, n_features), as in
scikit-learn.
"""

import numpy as np
from sklearn.utils.extmath import safe_sparse_dot

from ._base import BaseGradientDescentClassifier, _dot_into
from ._losses import OUTPUT_UNITS


class LinearClassifierGD(BaseGradientDescentClassifier):
    """Base class of the linear classifiers. Do not use directly."""

    def _weight_shapes(self, n_features, n_outputs):
        return [(n_features, n_outputs)]

    def _initialize_weights(self, weights, rng):
        """Start from zero: the objective is convex, so no symmetry needs breaking."""

    def _parameter_names(self, n_layers):
        return ["coef_"], ["intercept_"]

    def _get_weights_intercepts(self):
        return [self.coef_.T], [self.intercept_]

    def _set_weights_intercepts(self, weights, intercepts):
        self.coef_ = weights[0].T.copy()
        self.intercept_ = intercepts[0]

    def _allocate_workspace(self, n_rows, weight_shapes, dtype):
        # Column-major logits: X W with few columns, and the loss's row-wise max and
        # sum, run several times faster than into a row-major buffer.
        return np.empty((n_rows, weight_shapes[0][1]), dtype=dtype, order="F")

    def _logits(self, X, weights, intercepts):
        Z = safe_sparse_dot(X, weights[0])
        Z += intercepts[0]
        return Z

    def _loss_gradient(self, X, y, sample_weight, params, grads, workspace, rng):
        Z = workspace[: X.shape[0]]
        _dot_into(X, params.weights[0], Z)
        Z += params.intercepts[0]  # Z = X W + b
        loss = OUTPUT_UNITS[self._output].loss_gradient(Z, y, sample_weight)  # Z <- dC/dZ
        _dot_into(X.T, Z, grads.weights[0])  # dC/dW = X^T dC/dZ
        Z.sum(axis=0, out=grads.intercepts[0])  # dC/db = sum_i dC/dz_i
        return loss
