"""The linear model that LogisticRegressionGD and SoftmaxGD share.

Forward pass and backward pass, for a batch X of shape (N, n_features), weights W of
shape (n_features, K) and intercepts b of shape (K,)::

    Z = X W + b                       logits, (N, K)
    dC/dW = X^T dC/dZ                 (n_features, K)
    dC/db = 1^T dC/dZ                 (K,): the column sums of dC/dZ

where ``dC/dZ = (1/N) diag(s) (Yhat - Y)`` comes from the output unit
(``_losses.py``). The public ``coef_`` is ``W^T``, of shape (K, n_features), as in
scikit-learn.
"""

from sklearn.utils.extmath import safe_sparse_dot

from ._classifier import BaseGradientDescentClassifier
from ._lbfgs import FTOL_LINEAR
from ._primitives import (
    add_intercept_,
    copy_of,
    empty,
    induced_inf_norm,
    largest_magnitude,
    matmul_into,
    sum_,
    zeros,
)


class LinearNetwork:
    """``Z = X W + b``: one layer, no hidden units.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Whether the model has the intercepts ``b``.
    """

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def layer_shapes(self, n_features, n_outputs):
        return [(n_features, n_outputs)]

    def initialize(self, params, rng):
        """Start from zero: the objective is convex, so no symmetry needs breaking."""

    def allocate(self, n_rows, params):
        """The logits buffer of a batch of ``n_rows``."""
        # Column-major: X W with few columns, and the loss's row-wise max and sum, run
        # several times faster than into a row-major buffer.
        shape = (n_rows, params.layer_shapes[0][1])
        return empty(shape, params.flat.dtype, params.flat, fortran=True)

    def forward(self, X, weights, intercepts, workspace=None, rng=None):
        """The logits ``Z = X W + b``, into ``workspace`` when given."""
        W, b = weights[0], intercepts[0]
        if workspace is None:
            Z = safe_sparse_dot(X, W)
        else:
            Z = matmul_into(X, W, workspace[: X.shape[0], ...])
        if b is not None:
            add_intercept_(Z, b)  # Z = X W + b
        return Z

    def output_bound(self, weights, intercepts, input_bound):
        """A bound on ``|Z|`` for inputs with ``|x| <= input_bound``:
        ``||W|| input_bound + max |b|``."""
        b = intercepts[0]
        largest_intercept = 0.0 if b is None else largest_magnitude(b)
        return induced_inf_norm(weights[0]) * input_bound + largest_intercept

    def backward(self, X, delta, weights, grads, workspace):
        """``dC/dW = X^T delta`` and ``dC/db = 1^T delta`` from ``delta = dC/dZ``."""
        matmul_into(X.T, delta, grads.weights[0])
        if grads.intercepts[0] is not None:
            sum_(delta, axis=0, out=grads.intercepts[0])


class LinearClassifierGD(BaseGradientDescentClassifier):
    """Base class of the linear classifiers. Do not use directly."""

    #: L-BFGS converges on the gradient alone, as in scikit-learn's LogisticRegression.
    _lbfgs_ftol = FTOL_LINEAR

    _parameter_constraints: dict = {
        **BaseGradientDescentClassifier._parameter_constraints,
        "fit_intercept": ["boolean"],
    }

    def __init__(
        self,
        *,
        solver="sgd",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.01,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        monitor=None,
        class_weight=None,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        max_fun=15000,
        fit_intercept=True,
    ):
        super().__init__(
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            monitor=monitor,
            class_weight=class_weight,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            max_fun=max_fun,
        )
        self.fit_intercept = fit_intercept

    def _make_network(self):
        return LinearNetwork(self.fit_intercept)

    def _parameter_names(self, n_layers):
        return ["coef_"], ["intercept_"]

    def _fitted_parameters(self):
        return [self.coef_.T], [self.intercept_]

    def _parameter_attributes(self, weights, intercepts):
        W, b = weights[0], intercepts[0]
        # Without an intercept, intercept_ is zeros, as in scikit-learn.
        return {
            "coef_": copy_of(W.T),
            "intercept_": zeros(W.shape[1], W.dtype, W) if b is None else b,
        }
