"""Output units and losses against independent computations."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss

from sknn._losses import OUTPUT_UNITS, log_softmax, softmax

SOFTMAX, SIGMOIDS = OUTPUT_UNITS["softmax"], OUTPUT_UNITS["logistic"]

rng = np.random.RandomState(0)
Z = rng.normal(scale=3, size=(7, 4))
y = np.array([0, 1, 2, 3, 0, 2, 1])
weights = rng.uniform(0.2, 2, size=7)


def cross_entropy(output, Z, labels, sample_weight=None):
    """The loss C of an output unit at logits Z, for class indices ``labels``."""
    unit = OUTPUT_UNITS[output]
    targets = unit.targets(labels, Z.shape[1], Z.dtype)
    return unit.loss(Z, targets, sample_weight)


def test_softmax_and_log_softmax_match_the_definition():
    expected = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax(Z), expected, rtol=1e-12)
    np.testing.assert_allclose(log_softmax(Z), np.log(expected), rtol=1e-12)


def test_softmax_cross_entropy_is_sklearn_log_loss():
    loss = cross_entropy("softmax", Z, y)
    assert loss == pytest.approx(log_loss(y, softmax(Z), labels=range(4)), rel=1e-12)
    weighted = cross_entropy("softmax", Z, y, weights / weights.mean())
    expected = log_loss(y, softmax(Z), labels=range(4), sample_weight=weights)
    assert weighted == pytest.approx(expected, rel=1e-12)


def test_sigmoid_cross_entropy_is_sum_of_binary_log_losses():
    # One-vs-rest: unit k is a binary problem with targets [y == k].
    expected = sum(
        log_loss(y == k, 1 / (1 + np.exp(-Z[:, k])), labels=[False, True]) for k in range(4)
    )
    assert cross_entropy("logistic", Z, y) == pytest.approx(expected, rel=1e-12)
    binary = Z[:, :1]
    t = (y % 2).astype(float)
    p = 1 / (1 + np.exp(-binary[:, 0]))
    assert cross_entropy("logistic", binary, y % 2) == pytest.approx(log_loss(t, p), rel=1e-12)


@pytest.mark.parametrize("output", sorted(OUTPUT_UNITS))
@pytest.mark.parametrize("sample_weight", [None, weights / weights.mean()])
def test_gradient_wrt_logits_matches_central_differences(output, sample_weight):
    Z0 = Z[:, :1] if output == "logistic" and sample_weight is None else Z
    labels = y % 2 if Z0.shape[1] == 1 else y
    gradient = Z0.copy()
    unit = OUTPUT_UNITS[output]
    loss = unit.loss_gradient(gradient, unit.targets(labels, Z0.shape[1], Z0.dtype), sample_weight)
    assert loss == pytest.approx(cross_entropy(output, Z0, labels, sample_weight))
    h = 1e-6
    numeric = np.empty_like(Z0)
    for index in np.ndindex(Z0.shape):
        plus, minus = Z0.copy(), Z0.copy()
        plus[index] += h
        minus[index] -= h
        numeric[index] = (
            cross_entropy(output, plus, labels, sample_weight)
            - cross_entropy(output, minus, labels, sample_weight)
        ) / (2 * h)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9)


def test_softmax_gradient_is_p_minus_y_over_n():
    gradient = Z.copy()
    SOFTMAX.loss_gradient(gradient, y)
    Y = np.eye(4)[y]
    np.testing.assert_allclose(gradient, (softmax(Z) - Y) / len(y), rtol=1e-12, atol=1e-15)


def test_sigmoid_gradient_is_yhat_minus_t_over_n():
    gradient = Z.copy()
    T = np.eye(4)[y]
    SIGMOIDS.loss_gradient(gradient, SIGMOIDS.targets(y, 4, Z.dtype))
    np.testing.assert_allclose(gradient, (1 / (1 + np.exp(-Z)) - T) / len(y), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("output", sorted(OUTPUT_UNITS))
def test_extreme_logits_give_finite_losses_and_probabilities(output, dtype):
    extreme = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [0.0, 0.0, -1e4]], dtype=dtype)
    labels = np.array([1, 0, 2])  # confidently wrong on every row
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow is harmless
            loss = cross_entropy(output, extreme, labels)
            unit = OUTPUT_UNITS[output]
            proba, log_proba = unit.proba(extreme), unit.log_proba(extreme)
    assert np.isfinite(loss) and loss > 1e3
    assert np.isfinite(proba).all() and np.isfinite(log_proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)


def test_logistic_probabilities_are_normalised_sigmoids():
    sigmoid = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(SIGMOIDS.proba(Z), sigmoid / sigmoid.sum(1, keepdims=True))
    np.testing.assert_allclose(np.exp(SIGMOIDS.log_proba(Z)), SIGMOIDS.proba(Z), rtol=1e-12)
    binary = SIGMOIDS.proba(Z[:, :1])
    np.testing.assert_allclose(binary[:, 1], sigmoid[:, 0], rtol=1e-12)
    np.testing.assert_allclose(binary.sum(axis=1), 1, rtol=1e-12)
