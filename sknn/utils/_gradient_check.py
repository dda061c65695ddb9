"""The objective J of an estimator and its hand-derived gradient, at parameters you choose.

:func:`objective_and_gradients` returns J and the gradient of every parameter array;
:func:`check_gradients` compares that gradient with central finite differences. Both
evaluate the very objective that training minimises (``sknn._objective.Objective``),
on all of ``X`` as one batch.
"""

import numbers
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.utils import check_random_state

from .._data import checked_weights, mean_weight, normalise, positive_weights
from .._objective import Objective
from .._parameters import Parameters
from .._primitives import is_foreign_array, to_numpy

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from .._base import BaseGradientDescent


class _FullBatch:
    """``J`` and its gradient of an estimator's model on all of X, at float64 parameters."""

    def __init__(self, estimator, X, y, sample_weight, parameters, classes):
        if getattr(estimator, "dropout", 0) > 0:
            raise ValueError(
                "The objective with dropout is random: set dropout=0 on the estimator to "
                "evaluate or check its gradient."
            )
        if sp.issparse(X):
            raise TypeError(
                "X is a sparse matrix; pass a small dense array (X.toarray()): every "
                "parameter is perturbed twice, so keep the data small."
            )
        fitted = hasattr(estimator, "_training_state")
        model = clone(estimator)
        model._validate_params()  # the constraints fit checks: alpha >= 0, known names
        # On the host in float64, whatever X, y and the model are (a GPU array, say).
        X, y = _on_host(X), _on_host(y)
        X = np.asarray(X, dtype=np.float64)
        X, y = model._validate_training_data(X, y, reset=True, fitted={})
        if fitted:  # what _encode_targets checks y against when continuing
            model.classes_ = estimator.classes_
            model._target_type = estimator._target_type
        incremental = fitted or classes is not None  # classes_ or classes, not y, name them
        sample_weight = checked_weights(sample_weight, X)
        targets = model._encode_targets(y, classes, fitted, incremental, np.float64, sample_weight)
        # The class weights multiply the sample weights, as in training.
        sample_weight, indices = positive_weights(sample_weight, X, targets.class_weight_per_sample)
        if indices is not None:
            X, sample_weight = X[indices], sample_weight[indices]
            targets = targets._replace(encoded=targets.encoded[indices])
        self.model = model
        self.network = model._make_network()
        self.objective = Objective(self.network, targets.output_unit, model.alpha)
        shapes = self.network.layer_shapes(X.shape[1], targets.n_outputs)
        fit_intercept = getattr(self.network, "fit_intercept", True)
        self.params = Parameters(shapes, np.float64, fit_intercept=fit_intercept)
        self.grads = self.params.like()
        self.names = model._parameter_names(len(shapes))
        if parameters is not None:
            _set_public_parameters(model, parameters, self.names)
            self.params.assign(*model._fitted_parameters(), self.names)
        elif fitted:
            self.params.assign(*estimator._fitted_parameters(), self.names)
        else:
            self.network.initialize(self.params, check_random_state(model.random_state))
        self.data = (X, targets.encoded, normalise(sample_weight, mean_weight(sample_weight, None)))
        self.workspace = self.network.allocate(X.shape[0], self.params)

    def __call__(self, theta):
        """``(J, dJ/dtheta)`` at the flat parameters ``theta``."""
        self.params.flat[...] = theta
        X, T, sample_weight = self.data
        with np.errstate(under="ignore"):
            loss = self.objective.value_and_gradient(
                self.params, self.grads, X, T, sample_weight, self.workspace
            )
        return loss, self.grads.flat.copy()

    def public(self, flat):
        """The arrays of ``flat`` by public name, in the public attributes' shapes."""
        params = self.params.like(flat)
        attributes = self.model._parameter_attributes(params.weights, params.intercepts)
        weight_names, intercept_names = self.names
        names = weight_names + (intercept_names if params.fit_intercept else [])
        arrays = {}
        for name in names:
            attribute, _, index = name.partition("[")
            value = attributes[attribute]
            arrays[name] = np.asarray(value[int(index[:-1])] if index else value)
        return arrays


def _on_host(value):
    """``value`` as NumPy can take it: an array of another namespace is moved to the host."""
    return to_numpy(value) if is_foreign_array(value) else value


def _set_public_parameters(model, parameters, names):
    """Set the public parameter attributes of ``parameters`` on ``model``."""
    weight_names, intercept_names = names
    expected = {name.partition("[")[0] for name in weight_names + intercept_names}
    if not isinstance(parameters, dict) or set(parameters) != expected:
        given = sorted(parameters) if isinstance(parameters, dict) else type(parameters).__name__
        raise ValueError(
            f"parameters must be a dict with exactly the keys {sorted(expected)} (the "
            f"fitted attributes of {type(model).__name__}); got {given}."
        )
    per_layer = {name.partition("[")[0] for name in weight_names + intercept_names if "[" in name}
    for name, value in parameters.items():
        if name in per_layer:  # coefs_, intercepts_: a list of one array per layer
            value = [np.asarray(_on_host(array), dtype=np.float64) for array in value]
        else:
            value = np.asarray(_on_host(value), dtype=np.float64)
        setattr(model, name, value)


def objective_and_gradients(
    estimator: "BaseGradientDescent",
    X: "ArrayLike",
    y: "ArrayLike",
    sample_weight: "ArrayLike | None" = None,
    *,
    parameters: dict | None = None,
    classes: "ArrayLike | None" = None,
) -> tuple[float, dict[str, np.ndarray]]:
    r"""The objective J and its gradient with respect to every parameter array.

    ``J = C + alpha * sum_j ||W_j||^2`` is the objective that training minimises, on
    all of ``X`` as one batch (with the sample weights normalised to mean 1, and no
    dropout), and the gradient is the estimator's hand-derived backward pass, exactly
    as training computes it.

    Parameters
    ----------
    estimator : LogisticRegressionGD, SoftmaxGD or MLPClassifierGD
        Its hyper-parameters (architecture, activation, ``alpha``) define J. Not
        modified.
    X : array-like of shape (n_samples, n_features)
        Data; cast to float64.
    y : array-like of shape (n_samples,)
        Labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    parameters : dict, default=None
        Where to evaluate J: the public parameter attributes, as they would be set on
        a fitted estimator, e.g. ``{"coefs_": [W1, W2], "intercepts_": [b1, b2]}`` or
        ``{"coef_": W, "intercept_": b}``. By default the estimator's fitted
        parameters, or, if it is not fitted, a fresh initialisation seeded by its
        ``random_state``.
    classes : array-like, default=None
        Every class, when ``y`` does not hold them all (as for ``partial_fit``). A
        fitted estimator's ``classes_`` are used otherwise.

    Returns
    -------
    objective : float
        The value of J.
    gradients : dict of str to ndarray
        ``dJ/d(parameter)`` for each parameter array, by its public name
        (``"coefs_[0]"``, ``"intercepts_[1]"``, or ``"coef_"``, ``"intercept_"``), in the
        shape of that array.

    See Also
    --------
    check_gradients : Compare these gradients with finite differences.

    Examples
    --------
    A network of 2 inputs, 3 sigmoid hidden units and 2 softmax outputs, with weights
    chosen by hand, on one sample of class 1:

    >>> import numpy as np
    >>> from sknn import MLPClassifierGD
    >>> from sknn.utils import objective_and_gradients
    >>> mlp = MLPClassifierGD(hidden_layer_sizes=(3,), activation="logistic", alpha=0.0)
    >>> weights = {
    ...     "coefs_": [np.array([[0.1, 0.2, -0.1], [-0.3, 0.4, 0.5]]),
    ...                np.array([[0.2, -0.2], [0.3, 0.1], [-0.4, 0.6]])],
    ...     "intercepts_": [np.zeros(3), np.zeros(2)],
    ... }
    >>> J, gradients = objective_and_gradients(
    ...     mlp, [[1.0, 2.0]], [1], parameters=weights, classes=[0, 1])
    >>> round(J, 6)
    0.507531
    >>> gradients["coefs_[1]"].shape
    (3, 2)
    >>> np.round(gradients["intercepts_[1]"], 5)  # p - y at the output
    array([ 0.39802, -0.39802])

    The same by hand: the forward pass, then ``J = -log p_1``:

    >>> a = 1 / (1 + np.exp(-np.array([1.0, 2.0]) @ weights["coefs_"][0]))
    >>> z = a @ weights["coefs_"][1]
    >>> p = np.exp(z) / np.exp(z).sum()
    >>> round(-np.log(p[1]), 6)
    np.float64(0.507531)
    """
    full_batch = _FullBatch(estimator, X, y, sample_weight, parameters, classes)
    loss, gradient = full_batch(full_batch.params.flat.copy())
    return loss, full_batch.public(gradient)


def check_gradients(
    estimator: "BaseGradientDescent",
    X: "ArrayLike",
    y: "ArrayLike",
    sample_weight: "ArrayLike | None" = None,
    *,
    epsilon: float = 1e-6,
    parameters: dict | None = None,
    classes: "ArrayLike | None" = None,
) -> dict[str, float]:
    r"""Largest relative error of the analytic gradient, per parameter array.

    Evaluates the objective ``J`` that the estimator minimises (cross-entropy plus
    ``alpha * sum ||W||^2``) on all of ``X`` as one batch, at the parameters of
    :func:`objective_and_gradients`. Each parameter ``theta_i`` is then perturbed both
    ways:

    .. math::

        g_i^{\mathrm{numeric}} = \frac{J(\theta + \epsilon e_i) - J(\theta - \epsilon e_i)}{2 \epsilon}

    whose error is of order ``epsilon^2``. For each parameter array the result is
    ``max_i |g_i - g_i^numeric| / scale``, the largest error relative to the size
    of that array's gradient, ``scale = max_i max(|g_i|, |g_i^numeric|)``. As
    rounding limits finite differences to about ``1e-16 |J| / epsilon``, the scale
    is at least ``1e-4 max(|J|, 1)``: a gradient that is (nearly) zero is compared
    in absolute terms. Values near 1e-6 or below (in float64) mean the derivation
    and the code agree; a wrong formula gives errors of order 1. So does a kink
    within ``epsilon``: ReLU is not differentiable at 0, and a pre-activation there
    (the zero intercepts of a fresh network on a zero input, or a fitted unit that
    training left at ``|z| < epsilon``) makes the two sides of the difference
    disagree, whatever the code. Check at other parameters, or with a smooth
    activation, before doubting the derivation.

    Parameters
    ----------
    estimator : LogisticRegressionGD, SoftmaxGD or MLPClassifierGD
        Not modified; with ``dropout > 0`` the objective is random, so set it to 0.
    X : array-like of shape (n_samples, n_features)
        Dense data; keep it small, as J is evaluated twice per parameter. Cast to
        float64.
    y : array-like of shape (n_samples,)
        Labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    epsilon : float, default=1e-6
        Finite-difference step, positive.
    parameters : dict, default=None
        Where to check, as in :func:`objective_and_gradients`.
    classes : array-like, default=None
        Every class, as in :func:`objective_and_gradients`.

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
    is_number = isinstance(epsilon, numbers.Real) and not isinstance(epsilon, bool | np.bool_)
    if not (is_number and np.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be a positive finite number, got {epsilon!r}.")
    full_batch = _FullBatch(estimator, X, y, sample_weight, parameters, classes)
    theta = full_batch.params.flat.copy()
    loss, analytic = full_batch(theta)
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        shifted = theta.copy()
        shifted[i] += epsilon
        loss_plus, _ = full_batch(shifted)
        shifted[i] -= 2 * epsilon
        loss_minus, _ = full_batch(shifted)
        numeric[i] = (loss_plus - loss_minus) / (2 * epsilon)

    # Finite differences resolve a gradient only down to about eps_machine * |J| / epsilon;
    # below the floor, errors are measured against the floor instead.
    floor = 1e-4 * max(abs(loss), 1.0)
    exact, approximate = full_batch.public(analytic), full_batch.public(numeric)
    errors = {}
    for name in exact:
        scale = max(np.abs(approximate[name]).max(), np.abs(exact[name]).max(), floor)
        errors[name] = float(np.abs(exact[name] - approximate[name]).max() / scale)
    return errors
