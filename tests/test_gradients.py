"""Every hand-derived gradient against central finite differences (float64)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_sample_weight

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._activations import ACTIVATIONS
from sknn.utils import check_gradients, objective_and_gradients

rng = np.random.RandomState(0)
X = rng.normal(size=(15, 5))
y3 = rng.randint(0, 3, size=15)
y2 = rng.randint(0, 2, size=15)
weights = rng.uniform(0.1, 3, size=15)
TOLERANCE = 1e-6


def trained(estimator, y, sample_weight=None):
    """The estimator after a few epochs: parameters away from the (zero) initialisation."""
    estimator.set_params(max_iter=3, random_state=0, learning_rate_init=0.1)
    with pytest.warns(Warning):
        return estimator.fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("Estimator", [LogisticRegressionGD, SoftmaxGD])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("y", [y2, y3], ids=["binary", "multiclass"])
@pytest.mark.parametrize("sample_weight", [None, weights], ids=["unweighted", "weighted"])
def test_linear_model_gradients(Estimator, alpha, y, sample_weight):
    model = trained(Estimator(alpha=alpha), y, sample_weight)
    errors = check_gradients(model, X, y, sample_weight=sample_weight)
    assert set(errors) == {"coef_", "intercept_"}
    assert max(errors.values()) < TOLERANCE, errors


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [(4,), (4, 3), (3, 4, 3)], ids=["depth1", "depth2", "depth3"])
@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_mlp_gradients_every_activation_and_depth(activation, hidden, alpha):
    model = MLPClassifierGD(hidden, activation=activation, alpha=alpha, random_state=1)
    errors = check_gradients(model, X, y3)  # at a fresh (random) initialisation
    assert len(errors) == 2 * (len(hidden) + 1)
    assert max(errors.values()) < TOLERANCE, errors


@pytest.mark.parametrize("y", [y2, y3], ids=["binary", "multiclass"])
def test_mlp_gradients_trained_and_weighted(y):
    model = trained(MLPClassifierGD((4, 3), activation="tanh", alpha=0.05), y, weights)
    errors = check_gradients(model, X, y, sample_weight=weights)
    assert max(errors.values()) < TOLERANCE, errors


def test_check_gradients_catches_a_wrong_derivative(monkeypatch):
    # A derivative that is off by a factor: the checker must notice.
    tanh = ACTIVATIONS["tanh"]

    def wrong_derivative(A, delta):
        tanh.derivative(A, delta)
        delta *= 1.1

    monkeypatch.setitem(ACTIVATIONS, "tanh", tanh._replace(derivative=wrong_derivative))
    errors = check_gradients(MLPClassifierGD((4,), activation="tanh", random_state=0), X, y3)
    assert errors["coefs_[0]"] > 1e-2
    assert errors["coefs_[1]"] < TOLERANCE  # the output layer does not use f'


def test_check_gradients_leaves_the_estimator_unchanged():
    model = trained(SoftmaxGD(alpha=0.1), y3)
    before = model.coef_.copy()
    check_gradients(model, X, y3)
    np.testing.assert_array_equal(model.coef_, before)
    unfitted = MLPClassifierGD((3,))
    check_gradients(unfitted, X, y3)
    assert not hasattr(unfitted, "coefs_")


def test_check_gradients_refuses_dropout():
    with pytest.raises(ValueError, match="dropout=0"):
        check_gradients(MLPClassifierGD((3,), dropout=0.5), X, y3)


def test_zero_gradient_is_not_reported_as_an_error():
    # Softmax intercepts at the zero initialisation with balanced classes: dJ/db = 0.
    balanced = np.arange(15) % 3
    errors = check_gradients(SoftmaxGD(alpha=0.1), X, balanced)
    # Measured against the floor 1e-4 |J|, the rounding of J alone gives finite
    # differences errors up to about 1e-16 / epsilon / 1e-4 = 1e-6: here, with nothing
    # else to measure, that is all there is (a zero gradient divided by itself would
    # give an error of order 1).
    assert errors["intercept_"] < 10 * TOLERANCE, errors


def test_a_registered_activation_can_be_trained_and_checked(monkeypatch):
    from sknn._activations import Activation

    def softplus(Z):
        np.logaddexp(0, Z, out=Z)

    def softplus_derivative(A, delta):
        delta *= -np.expm1(-A)  # f'(z) = sigmoid(z) = 1 - exp(-f(z))

    monkeypatch.setitem(ACTIVATIONS, "softplus", Activation(softplus, softplus_derivative))
    model = MLPClassifierGD((4,), activation="softplus", random_state=0)
    assert max(check_gradients(model, X, y3).values()) < TOLERANCE
    with pytest.warns(Warning):
        model.set_params(max_iter=2).fit(X, y3)
    assert np.isfinite(model.predict_proba(X)).all()


# ---------------------------------------------------------------- objective_and_gradients
def test_objective_and_gradients_of_a_network_given_by_hand():
    """A 2-3-2 network (sigmoid hidden, softmax output) with chosen weights, two samples.

    Every number below is computed here, step by step, from the formulas of the user
    guide: the forward pass, J with the penalty, and backpropagation.
    """
    W1 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
    b1 = np.array([0.01, 0.02, -0.03])
    W2 = np.array([[0.7, -0.8], [-0.9, 1.0], [0.2, 0.3]])
    b2 = np.array([0.05, -0.05])
    X_small, labels, alpha = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0, 1]), 0.1
    mlp = MLPClassifierGD((3,), activation="logistic", alpha=alpha)
    J, gradients = objective_and_gradients(
        mlp, X_small, labels, parameters={"coefs_": [W1, W2], "intercepts_": [b1, b2]}
    )
    N, Y = 2, np.eye(2)[labels]
    A1 = 1 / (1 + np.exp(-(X_small @ W1 + b1)))
    Z2 = A1 @ W2 + b2
    P = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
    C = -np.mean(np.log(P[[0, 1], labels]))
    assert J == pytest.approx(C + alpha * ((W1**2).sum() + (W2**2).sum()), rel=1e-12)
    delta2 = (P - Y) / N
    delta1 = A1 * (1 - A1) * (delta2 @ W2.T)
    expected = {
        "coefs_[0]": X_small.T @ delta1 + 2 * alpha * W1,
        "coefs_[1]": A1.T @ delta2 + 2 * alpha * W2,
        "intercepts_[0]": delta1.sum(axis=0),
        "intercepts_[1]": delta2.sum(axis=0),
    }
    assert gradients.keys() == expected.keys()
    for name, value in expected.items():
        np.testing.assert_allclose(gradients[name], value, rtol=1e-12, atol=1e-15)
    # The estimator itself is not fitted by this.
    assert not hasattr(mlp, "coefs_")


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_objective_and_gradients_of_logistic_regression(fit_intercept):
    """dC/dw = -(1/N) sum (y - yhat) x, in coef_'s shape (1, n_features)."""
    w, b = rng.normal(size=5), 0.3
    model = LogisticRegressionGD(alpha=0.0, fit_intercept=fit_intercept)
    parameters = {"coef_": w[np.newaxis, :], "intercept_": np.array([b if fit_intercept else 0])}
    J, gradients = objective_and_gradients(model, X, y2, parameters=parameters)
    yhat = 1 / (1 + np.exp(-(X @ w + (b if fit_intercept else 0))))
    expected_J = -np.mean(y2 * np.log(yhat) + (1 - y2) * np.log(1 - yhat))
    assert J == pytest.approx(expected_J, rel=1e-12)
    assert gradients["coef_"].shape == (1, 5)
    np.testing.assert_allclose(gradients["coef_"][0], -((y2 - yhat) @ X) / 15, rtol=1e-12)
    if fit_intercept:
        assert gradients["intercept_"] == pytest.approx([-(y2 - yhat).mean()], rel=1e-12)
    else:
        assert set(gradients) == {"coef_"}  # no intercept: nothing to differentiate


def test_objective_and_gradients_defaults_to_the_fitted_parameters():
    model = trained(SoftmaxGD(alpha=0.1), y3)
    J, gradients = objective_and_gradients(model, X, y3)
    again, _ = objective_and_gradients(
        SoftmaxGD(alpha=0.1),
        X,
        y3,
        parameters={"coef_": model.coef_, "intercept_": model.intercept_},
    )
    assert J == again
    assert gradients["coef_"].shape == model.coef_.shape

    # Plain nested lists, as a student types them, are the same parameters.
    as_lists = {"coef_": model.coef_.tolist(), "intercept_": model.intercept_.tolist()}
    from_lists, _ = objective_and_gradients(SoftmaxGD(alpha=0.1), X, y3, parameters=as_lists)
    assert from_lists == J


@pytest.mark.parametrize("Estimator", [MLPClassifierGD, LogisticRegressionGD])
def test_objective_and_gradients_of_a_fitted_multilabel_model(Estimator):
    Y = np.c_[np.arange(15) % 2, np.arange(15) % 3 == 0].astype(int)
    model = Estimator(random_state=0, max_iter=3, alpha=0.01)
    with pytest.warns(ConvergenceWarning):
        model.fit(X, Y)
    J, _ = objective_and_gradients(model, X, Y)  # at the fitted parameters
    public = ("coefs_", "intercepts_") if Estimator is MLPClassifierGD else ("coef_", "intercept_")
    parameters = {name: getattr(model, name) for name in public}
    again, _ = objective_and_gradients(Estimator(alpha=0.01), X, Y, parameters=parameters)
    assert J == pytest.approx(again, rel=1e-12)
    assert max(check_gradients(model, X, Y).values()) < 1e-6


@pytest.mark.parametrize("class_weight", [{0: 5.0, 1: 1.0, 2: 0.5}, "balanced"])
def test_objective_and_gradients_weigh_by_class_weight(class_weight):
    # J with class weights is J with each sample weighted by its class's weight, and
    # it is the loss_ that L-BFGS reports at the fitted parameters.
    model = SoftmaxGD(alpha=0.1, class_weight=class_weight, solver="lbfgs").fit(X, y3)
    per_sample = compute_sample_weight(class_weight, y3)
    J, gradients = objective_and_gradients(model, X, y3)
    J_weighted, expected = objective_and_gradients(
        SoftmaxGD(alpha=0.1),
        X,
        y3,
        per_sample,
        parameters={"coef_": model.coef_, "intercept_": model.intercept_},
    )
    assert J == pytest.approx(J_weighted, rel=1e-12)
    assert J == pytest.approx(model.loss_, rel=1e-9)
    for name, gradient in gradients.items():
        np.testing.assert_allclose(gradient, expected[name], rtol=1e-10, atol=1e-14)
    # (Away from the optimum, and from the zero start, where dJ/db is 0 for balanced weights.)
    partly_trained = trained(SoftmaxGD(alpha=0.1, class_weight=class_weight), y3)
    assert max(check_gradients(partly_trained, X, y3).values()) < TOLERANCE


def test_objective_and_gradients_errors():
    # The parameter constraints that fit checks, checked here too.
    with pytest.raises(InvalidParameterError, match="'alpha' parameter of SoftmaxGD"):
        objective_and_gradients(SoftmaxGD(alpha=-1.0), X, y3)
    with pytest.raises(InvalidParameterError, match="'weight_init' parameter"):
        objective_and_gradients(MLPClassifierGD((3,), weight_init="nonsense"), X, y3)
    mlp = MLPClassifierGD((3,))
    with pytest.raises(ValueError, match=r"parameters must be a dict with exactly the keys "):
        objective_and_gradients(mlp, X, y3, parameters={"coefs_": []})
    with pytest.raises(ValueError, match=r"coefs_\[0\] has shape \(2, 2\), but the model needs"):
        objective_and_gradients(
            mlp,
            X,
            y3,
            parameters={"coefs_": [np.ones((2, 2)), np.ones((3, 3))], "intercepts_": [0, 0]},
        )
    with pytest.raises(TypeError, match="X is a sparse matrix; pass a small dense array"):
        check_gradients(mlp, sp.csr_matrix(X), y3)
    for epsilon in (0, -1e-6, np.nan, True, "1e-6"):
        with pytest.raises(ValueError, match="epsilon must be a positive finite number"):
            check_gradients(mlp, X, y3, epsilon=epsilon)
    assert check_gradients(mlp, X, y3, epsilon=np.float32(1e-4))  # a NumPy number is one


def test_parameters_of_the_wrong_number_of_layers_or_shape_are_named_clearly():
    """A list of the wrong length is refused (not zero-filled or cut), and coef_'s
    shapes are given as the user sees them, (n_outputs, n_features)."""
    mlp = MLPClassifierGD((3,))
    W, b = np.ones((X.shape[1], 3)), np.zeros(3)
    with pytest.raises(ValueError, match="coefs_ holds 1 array, but the network has 2 layers"):
        objective_and_gradients(mlp, X, y3, parameters={"coefs_": [W], "intercepts_": [b]})
    three = [W, np.ones((3, 3)), np.ones((3, 3))]
    with pytest.raises(ValueError, match="coefs_ holds 3 arrays"):
        objective_and_gradients(mlp, X, y3, parameters={"coefs_": three, "intercepts_": [b, b, b]})
    n_classes, n_features = len(np.unique(y3)), X.shape[1]
    transposed = {"coef_": np.zeros((n_features, n_classes)), "intercept_": np.zeros(n_classes)}
    expected = rf"coef_ has shape \({n_features}, {n_classes}\), but the model needs "
    expected += rf"\({n_classes}, {n_features}\)"
    with pytest.raises(ValueError, match=expected):
        objective_and_gradients(SoftmaxGD(), X, y3, parameters=transposed)
