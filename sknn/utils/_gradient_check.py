"""Compare an estimator's hand-derived gradient with central finite differences."""

from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import clone

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from .._base import BaseGradientDescentClassifier


def check_gradients(
    estimator: "BaseGradientDescentClassifier",
    X: "ArrayLike",
    y: "ArrayLike",
    sample_weight: "ArrayLike | None" = None,
    *,
    epsilon: float = 1e-6,
) -> dict[str, float]:
    r"""Largest relative error of the analytic gradient, per parameter array.

    Evaluates the objective ``J`` that the estimator minimises (cross-entropy plus
    ``alpha * sum ||W||^2``) on all of ``X`` as one batch, at the estimator's
    current parameters if it is fitted, else at a fresh initialisation (seeded by
    its ``random_state``). Each parameter ``theta_i`` is then perturbed both ways:

    .. math::

        g_i^{\mathrm{numeric}} = \frac{J(\theta + \epsilon e_i) - J(\theta - \epsilon e_i)}{2 \epsilon}

    whose error is of order ``epsilon^2``. For each parameter array the result is
    ``max_i |g_i - g_i^numeric| / scale``, the largest error relative to the size
    of that array's gradient, ``scale = max_i max(|g_i|, |g_i^numeric|)``. As
    rounding limits finite differences to about ``1e-16 |J| / epsilon``, the scale
    is at least ``1e-4 max(|J|, 1)``: a gradient that is (nearly) zero is compared
    in absolute terms. Values near 1e-8 or below (in float64) mean the derivation
    and the code agree; a wrong formula gives errors of order 1.

    Parameters
    ----------
    estimator : LogisticRegressionGD, SoftmaxGD or MLPClassifierGD
        Not modified; with ``dropout > 0`` the objective is random, so set it to 0.
    X : array-like of shape (n_samples, n_features)
        Data; keep it small, as J is evaluated twice per parameter. Cast to float64.
    y : array-like of shape (n_samples,)
        Labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    epsilon : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    errors : dict of str to float
        For each parameter array, named like the fitted attribute
        (``"coef_"``, ``"intercepts_[1]"``, ...), its largest relative error.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifierGD
    >>> from sknn.utils import check_gradients
    >>> X, y = load_iris(return_X_y=True)
    >>> mlp = MLPClassifierGD(hidden_layer_sizes=(5,), activation="tanh", alpha=0.1, random_state=0)
    >>> errors = check_gradients(mlp, X[::10], y[::10])
    >>> sorted(errors)
    ['coefs_[0]', 'coefs_[1]', 'intercepts_[0]', 'intercepts_[1]']
    >>> max(errors.values()) < 1e-6
    True
    """
    if getattr(estimator, "dropout", 0) > 0:
        raise ValueError(
            "check_gradients needs a deterministic objective: set dropout=0 on the estimator."
        )
    model = clone(estimator).set_params(warm_start=True)
    if hasattr(estimator, "classes_"):
        model._set_weights_intercepts(*estimator._get_weights_intercepts())
        model.classes_ = estimator.classes_
        model.n_features_in_ = estimator.n_features_in_
        model._training_state = estimator._training_state
    X = np.asarray(X, dtype=np.float64)
    problem = model._prepare(X, y, sample_weight)
    params = problem.params
    flat = params.flat.astype(np.float64)
    sample_weight = _mean_one(problem.sample_weight)

    def objective(theta):
        return model._objective_gradient(
            theta, problem.X, problem.y, sample_weight, len(problem.classes)
        )

    _, analytic = objective(flat.copy())
    numeric = np.empty_like(flat)
    for i in range(flat.size):
        theta = flat.copy()
        theta[i] += epsilon
        loss_plus, _ = objective(theta)
        theta[i] -= 2 * epsilon
        loss_minus, _ = objective(theta)
        numeric[i] = (loss_plus - loss_minus) / (2 * epsilon)

    weight_names, intercept_names = model._parameter_names(len(params.weights))
    analytic_arrays = type(params)(params.weight_shapes, np.float64, flat=analytic)
    numeric_arrays = type(params)(params.weight_shapes, np.float64, flat=numeric)
    errors = {}
    pairs = zip(
        weight_names + intercept_names,
        analytic_arrays.weights + analytic_arrays.intercepts,
        numeric_arrays.weights + numeric_arrays.intercepts,
    )
    # Finite differences resolve a gradient only down to about eps_machine * |J| / epsilon;
    # below the floor, errors are measured against the floor instead.
    loss, _ = objective(flat.copy())
    floor = 1e-4 * max(abs(loss), 1.0)
    for name, exact, approximate in pairs:
        scale = max(np.abs(approximate).max(), np.abs(exact).max(), floor)
        errors[name] = float(np.abs(exact - approximate).max() / scale)
    return errors


def _mean_one(sample_weight):
    return None if sample_weight is None else sample_weight / sample_weight.mean()
