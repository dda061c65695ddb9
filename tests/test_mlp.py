"""MLPClassifierGD: backpropagation by hand, the design documents' tricks, accuracy, tuning."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD
from sknn._losses import Softmax
from sknn._mlp import WEIGHT_INITS, MultilayerPerceptron
from sknn._objective import Objective
from sknn._parameters import Parameters


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_small_network_gradient_derived_by_hand():
    """One sample, 3 inputs, 2 sigmoid hidden units, 2 softmax outputs, fixed weights.

    By the chain rule, written out per scalar (no matrices):
    z_j = sum_i x_i W1_ij + b1_j, a_j = sigmoid(z_j), u_k = sum_j a_j W2_jk + b2_k,
    p_k = exp(u_k) / sum_k' exp(u_k'), C = -log p_y;
    dC/du_k = p_k - [k = y]; dC/dW2_jk = a_j dC/du_k; dC/db2_k = dC/du_k;
    dC/da_j = sum_k W2_jk dC/du_k; dC/dz_j = a_j (1 - a_j) dC/da_j;
    dC/dW1_ij = x_i dC/dz_j; dC/db1_j = dC/dz_j.
    """
    x, label = [0.5, -1.0, 2.0], 1
    W1 = [[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]
    b1 = [0.01, -0.02]
    W2 = [[0.7, -0.8], [-0.9, 1.0]]
    b2 = [0.03, -0.04]

    z = [sum(x[i] * W1[i][j] for i in range(3)) + b1[j] for j in range(2)]
    a = [1 / (1 + math.exp(-z[j])) for j in range(2)]
    u = [sum(a[j] * W2[j][k] for j in range(2)) + b2[k] for k in range(2)]
    p = [math.exp(u[k]) / sum(math.exp(v) for v in u) for k in range(2)]
    dC_du = [p[k] - (k == label) for k in range(2)]
    dC_dW2 = [[a[j] * dC_du[k] for k in range(2)] for j in range(2)]
    dC_da = [sum(W2[j][k] * dC_du[k] for k in range(2)) for j in range(2)]
    dC_dz = [a[j] * (1 - a[j]) * dC_da[j] for j in range(2)]
    dC_dW1 = [[x[i] * dC_dz[j] for j in range(2)] for i in range(3)]

    # One step of plain gradient descent with eta = 1 from exactly these weights
    # moves them by minus the gradient.
    mlp = MLPClassifierGD(
        (2,), activation="sigmoid", alpha=0.0, momentum=0.0, learning_rate_init=1.0
    )
    mlp.partial_fit([x], [label], classes=[0, 1])
    mlp.coefs_ = [np.array(W1), np.array(W2)]
    mlp.intercepts_ = [np.array(b1), np.array(b2)]
    mlp.partial_fit([x], [label])

    assert mlp.loss_curve_[-1] == pytest.approx(-math.log(p[label]), rel=1e-12)
    np.testing.assert_allclose(np.array(W1) - mlp.coefs_[0], dC_dW1, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(np.array(b1) - mlp.intercepts_[0], dC_dz, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(np.array(W2) - mlp.coefs_[1], dC_dW2, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(np.array(b2) - mlp.intercepts_[1], dC_du, rtol=1e-10, atol=1e-15)


def test_overwritten_parameters_are_used_with_penalty():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(10, 4)), np.arange(10) % 3
    mlp = MLPClassifierGD((5,), activation="tanh", alpha=0.5, momentum=0.0, learning_rate_init=1e-9)
    mlp.set_params(batch_size=10).partial_fit(X, y, classes=[0, 1, 2])
    coefs = [rng.normal(size=W.shape) for W in mlp.coefs_]
    mlp.coefs_ = [W.copy() for W in coefs]
    mlp.partial_fit(X, y)
    # With a negligible step the recorded J is the penalty of exactly the set weights.
    penalty = 0.5 * sum(float(np.sum(W**2)) for W in coefs)
    assert mlp.loss_curve_[-1] > penalty
    np.testing.assert_allclose(mlp.coefs_[0], coefs[0], atol=1e-7)

    mlp.coefs_[1] = np.zeros((4, 3))
    with pytest.raises(
        ValueError, match=r"coefs_\[1\] has shape \(4, 3\), but the model needs \(5, 3\)"
    ):
        mlp.partial_fit(X, y)


def test_fitted_attributes_layout():
    rng = np.random.RandomState(0)
    X, y = rng.rand(30, 784), np.arange(30) % 10
    with pytest.warns(ConvergenceWarning):
        mlp = MLPClassifierGD((64,), max_iter=2, random_state=0).fit(X, y)
    assert [W.shape for W in mlp.coefs_] == [(784, 64), (64, 10)]
    assert [b.shape for b in mlp.intercepts_] == [(64,), (10,)]
    assert mlp.n_parameters_ == 50_890
    assert (mlp.n_layers_, mlp.n_outputs_, mlp.out_activation_) == (3, 10, "softmax")
    binary = MLPClassifierGD((3,), max_iter=5).fit(X[:20], y[:20] % 2)
    assert binary.n_outputs_ == 2 and binary.predict_proba(X[:4]).shape == (4, 2)


@pytest.mark.parametrize(
    "name, expected_std",
    [("lecun_normal", 1 / np.sqrt(400)), ("he_normal", np.sqrt(2 / 400))],
)
def test_normal_initialisations_have_fan_in_variance(name, expected_std):
    W = WEIGHT_INITS[name](400, 300, np.random.RandomState(0))
    assert W.shape == (400, 300)
    assert W.mean() == pytest.approx(0, abs=3 * expected_std / np.sqrt(W.size))
    assert W.std() == pytest.approx(expected_std, rel=0.01)


def test_uniform_initialisations_have_their_bounds():
    W = WEIGHT_INITS["uniform"](400, 300, np.random.RandomState(0))
    assert -1 <= W.min() < -0.99 and 0.99 < W.max() <= 1
    W = WEIGHT_INITS["glorot_uniform"](400, 300, np.random.RandomState(0))
    bound = np.sqrt(6 / 700)
    assert -bound <= W.min() < -0.99 * bound and 0.99 * bound < W.max() <= bound


def test_auto_initialisation_is_he_for_relu_else_lecun():
    X, y = np.random.RandomState(0).rand(10, 500), np.arange(10) % 2
    relu = MLPClassifierGD((400,), activation="relu", learning_rate_init=1e-12, max_iter=1)
    tanh = MLPClassifierGD((400,), activation="tanh", learning_rate_init=1e-12, max_iter=1)
    with pytest.warns(ConvergenceWarning):
        relu.fit(X, y), tanh.fit(X, y)
    assert relu.coefs_[0].std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    assert tanh.coefs_[0].std() == pytest.approx(np.sqrt(1 / 500), rel=0.02)
    assert np.all(relu.intercepts_[0] == 0) or abs(relu.intercepts_[0]).max() < 1e-9


def test_digits_accuracy_with_64_hidden_units(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    mlp = MLPClassifierGD(hidden_layer_sizes=(64,), random_state=0).fit(X_train, y_train)
    assert mlp.score(X_test, y_test) >= 0.96


def final_training_loss(digits_split, **params):
    X_train, _, y_train, _ = digits_split
    options = dict(hidden_layer_sizes=(32,), max_iter=10, batch_size=32, random_state=0)
    with pytest.warns(ConvergenceWarning):
        return MLPClassifierGD(**{**options, **params}).fit(X_train, y_train).loss_curve_[-1]


def test_trick_fan_in_initialisation_trains_faster_than_uniform(digits_split):
    fan_in = final_training_loss(digits_split, activation="lecun_tanh", weight_init="lecun_normal")
    uniform = final_training_loss(digits_split, activation="lecun_tanh", weight_init="uniform")
    assert fan_in < 0.75 * uniform


def test_trick_improved_sigmoid_trains_faster_than_sigmoid(digits_split):
    improved = final_training_loss(
        digits_split, activation="lecun_tanh", weight_init="lecun_normal"
    )
    sigmoid = final_training_loss(digits_split, activation="sigmoid", weight_init="lecun_normal")
    assert improved < 0.5 * sigmoid


def test_trick_momentum_trains_faster(digits_split):
    with_momentum = final_training_loss(digits_split, activation="lecun_tanh", momentum=0.9)
    without = final_training_loss(digits_split, activation="lecun_tanh", momentum=0.0)
    assert with_momentum < 0.5 * without


def test_ten_sigmoid_layers_still_train(digits_split):
    X_train, X_test, y_train, _ = digits_split
    with pytest.warns(ConvergenceWarning):
        mlp = MLPClassifierGD((16,) * 10, activation="sigmoid", max_iter=5, random_state=0)
        mlp.fit(X_train, y_train)
    assert mlp.n_layers_ == 12 and len(mlp.coefs_) == 11
    assert np.isfinite(mlp.loss_curve_).all()
    assert mlp.loss_curve_[-1] < mlp.loss_curve_[0]  # slowly: the vanishing-gradient lesson
    proba = mlp.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1)


def test_dropout_trains_randomly_and_predicts_deterministically(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    plain = MLPClassifierGD((32,), max_iter=10, random_state=0)
    dropped = MLPClassifierGD((32,), dropout=0.3, max_iter=10, random_state=0)
    with pytest.warns(ConvergenceWarning):
        plain.fit(X_train, y_train), dropped.fit(X_train, y_train)
    assert dropped.loss_curve_ != plain.loss_curve_
    # Prediction uses every unit, unscaled (inverted dropout scaled them in training):
    # the forward pass written out from the fitted attributes, with no mask.
    hidden = np.maximum(X_test @ dropped.coefs_[0] + dropped.intercepts_[0], 0)
    logits = hidden @ dropped.coefs_[1] + dropped.intercepts_[1]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert_allclose(dropped.predict_proba(X_test), expected, rtol=1e-10, atol=1e-14)
    assert dropped.score(X_test, y_test) > 0.85


@pytest.mark.parametrize("activation", ["relu", "lecun_tanh"])
def test_dropout_masks_are_inverted_and_backpropagated(activation):
    """Each mask is 0 or 1/keep (mean about 1: the expected activation is unchanged),
    the next layer sees the masked activation, and the backward pass goes through the
    same mask: with the mask fixed (the same seed at every evaluation), the gradient
    is that of the loss it computes, by central finite differences."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(400, 5)), rng.randint(3, size=400)
    network = MultilayerPerceptron([30, 20], activation, dropout=0.25)
    params = Parameters(network.layer_shapes(5, 3), np.float64)
    network.initialize(params, rng)
    params.flat[params.flat == 0] = 0.1  # nonzero intercepts too
    workspace = network.allocate(len(X), params)
    objective = Objective(network, Softmax(), alpha=0.01)
    grads = params.like()

    objective.value_and_gradient(params, grads, X, y, None, workspace, np.random.RandomState(1))
    for j, mask in enumerate(workspace.masks):
        assert set(np.unique(mask)) == {0.0, 1 / 0.75}
        assert mask.mean() == pytest.approx(1.0, abs=0.02)
        assert_allclose(workspace.dropped[j], workspace.outputs[j] * mask)

    def J(flat):
        probe = params.like(flat.copy())
        scratch = params.like()
        return objective.value_and_gradient(
            probe, scratch, X, y, None, network.allocate(len(X), probe), np.random.RandomState(1)
        )

    analytic = grads.flat.copy()
    numeric = np.empty_like(analytic)
    h = 1e-6
    for i in range(len(analytic)):
        step = np.zeros_like(analytic)
        step[i] = h
        numeric[i] = (J(params.flat + step) - J(params.flat - step)) / (2 * h)
    assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_invalid_hidden_layer_sizes():
    X, y = np.random.RandomState(0).rand(10, 3), np.arange(10) % 2
    for bad in [(0,), (3, -1), (2.5,)]:
        with pytest.raises(ValueError, match="hidden_layer_sizes"):
            MLPClassifierGD(hidden_layer_sizes=bad).fit(X, y)


def test_grid_search_over_alpha_and_hidden_layer_sizes(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    pipeline = Pipeline(
        [("scale", StandardScaler()), ("mlp", MLPClassifierGD(max_iter=15, random_state=0))]
    )
    grid = {"mlp__alpha": [1e-4, 1.0], "mlp__hidden_layer_sizes": [(32,), (64,), (64, 64)]}
    search = GridSearchCV(pipeline, grid, cv=3, n_jobs=2)
    with pytest.warns(ConvergenceWarning):
        search.fit(X_train[:600], y_train[:600])
    results = search.cv_results_
    assert len(results["params"]) == 6
    assert np.all((results["mean_test_score"] > 0.1) & (results["mean_test_score"] <= 1))
    assert search.best_params_["mlp__alpha"] == 1e-4  # alpha = 1 over-regularises
    assert search.best_params_["mlp__hidden_layer_sizes"] in grid["mlp__hidden_layer_sizes"]
    assert search.best_estimator_.score(X_test, y_test) > 0.85
