"""Every hand-derived gradient against central finite differences (float64)."""

import numpy as np
import pytest

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._activations import ACTIVATIONS
from sknn.utils import check_gradients

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
    assert errors["intercept_"] < TOLERANCE, errors


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
