"""Each activation against its definition, and its derivative against finite differences."""

import warnings

import numpy as np
import pytest

from sknn._activations import ACTIVATIONS, ALIASES, get_activation

DEFINITIONS = {
    "identity": lambda z: z,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "lecun_tanh": lambda z: 1.7159 * np.tanh(2 * z / 3),
    "relu": lambda z: np.maximum(z, 0),
}


def test_every_activation_has_a_definition_here():
    built_in = {
        name
        for name, activation in ACTIVATIONS.items()
        if activation.forward.__module__ == "sknn._activations"
    }
    assert built_in == set(DEFINITIONS)


def test_sigmoid_is_another_name_of_logistic():
    assert ALIASES == {"sigmoid": "logistic"}
    assert get_activation("sigmoid") is ACTIVATIONS["logistic"]


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_forward_matches_definition_in_place(name):
    Z = np.linspace(-6, 6, 101).reshape(1, -1)
    expected = DEFINITIONS[name](Z.copy())
    A = Z.copy()
    ACTIVATIONS[name].forward(A)
    np.testing.assert_allclose(A, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_derivative_from_output_matches_central_differences(name):
    # Points away from relu's kink at 0, where the derivative is undefined.
    Z = np.linspace(-4, 4, 80).reshape(2, -1) + 0.0123
    h = 1e-6
    numeric = (DEFINITIONS[name](Z + h) - DEFINITIONS[name](Z - h)) / (2 * h)
    A = Z.copy()
    ACTIVATIONS[name].forward(A)
    upstream = np.random.RandomState(0).normal(size=Z.shape)
    delta = upstream.copy()
    ACTIVATIONS[name].derivative(A, delta)
    np.testing.assert_allclose(delta, upstream * numeric, rtol=1e-6, atol=1e-8)


def test_lecun_tanh_maps_plus_minus_one_to_themselves():
    Z = np.array([[-1.0, 1.0]])
    ACTIVATIONS["lecun_tanh"].forward(Z)
    np.testing.assert_allclose(Z, [[-1.0, 1.0]], atol=2e-4)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_float32_stays_float32_and_extremes_stay_finite(name):
    Z = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]], dtype=np.float32)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        ACTIVATIONS[name].forward(Z)
    assert Z.dtype == np.float32
    assert np.isfinite(Z).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logistic_is_expit_to_the_last_place_of_one(dtype):
    """The sigmoid (in float32 computed as (1 + tanh(z/2)) / 2) is within a few units in
    the last place of 1 of SciPy's expit, over the whole range, and inside [0, 1]."""
    from scipy.special import expit

    Z = np.concatenate([np.linspace(-60, 60, 2401), [-1e4, -88.0, 88.0, 1e4]]).astype(dtype)
    A = Z.reshape(1, -1).copy()
    ACTIVATIONS["logistic"].forward(A)
    assert A.dtype == dtype and A.min() >= 0 and A.max() <= 1
    np.testing.assert_allclose(A[0], expit(Z), rtol=0, atol=2 * np.finfo(dtype).eps)


def test_register_activation_checks_what_it_is_given(monkeypatch):
    monkeypatch.setattr("sknn._activations.ACTIVATIONS", dict(ACTIVATIONS))
    from sknn._activations import ACTIVATIONS as registry
    from sknn.utils import register_activation

    def square(Z):
        np.square(Z, out=Z)

    def square_derivative(A, delta):
        delta *= 2 * np.sqrt(A)  # (valid for z >= 0 only: a test stand-in)

    register_activation("square", square, square_derivative)
    assert registry["square"].forward is square
    with pytest.raises(ValueError, match="An activation called 'square' is registered already"):
        register_activation("square", square, square_derivative)
    with pytest.raises(ValueError, match="An activation called 'sigmoid' is registered already"):
        register_activation("sigmoid", square, square_derivative)
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        register_activation("", square, square_derivative)
    with pytest.raises(TypeError, match="forward and derivative must both be callables"):
        register_activation("cube", square, None)
    with pytest.raises(ValueError, match=r"Unknown activation 'cube'; registered: \["):
        get_activation("cube")


def test_register_activation_refuses_functions_that_return_a_new_array(monkeypatch):
    # The network ignores what the functions return: one that returns f(Z) instead of
    # writing it into Z would train as the identity, and its gradients would check.
    monkeypatch.setattr("sknn._activations.ACTIVATIONS", dict(ACTIVATIONS))
    from sknn._activations import ACTIVATIONS as registry
    from sknn.utils import register_activation

    def tanh_in_place(Z):
        return np.tanh(Z, out=Z)  # returns Z itself: accepted

    def tanh_derivative(A, delta):
        delta *= 1 - A * A

    with pytest.raises(TypeError, match=r"'tanh_new': forward\(Z\) returned a new ndarray"):
        register_activation("tanh_new", np.tanh, tanh_derivative)
    with pytest.raises(TypeError, match=r"derivative\(A, delta\) returned a new ndarray"):
        register_activation("tanh_new", tanh_in_place, lambda A, delta: delta * (1 - A * A))
    assert "tanh_new" not in registry
    register_activation("tanh_new", tanh_in_place, tanh_derivative)
    assert registry["tanh_new"].forward is tanh_in_place

    def torch_only(Z):  # cannot take a NumPy array: not checked, registered
        return Z.clamp_(min=0)

    register_activation("torch_relu", torch_only, tanh_derivative)
    assert "torch_relu" in registry


def test_a_registered_activation_travels_with_the_estimator_to_worker_processes(monkeypatch):
    """The registry belongs to one process: GridSearchCV(n_jobs=2) fits clones in
    workers that never registered the name. The Activation that registration returns,
    passed as activation=, goes with the clone (by value, for functions defined here)."""
    from sklearn.model_selection import GridSearchCV

    from sknn import MLPClassifierGD
    from sknn.utils import register_activation

    monkeypatch.setattr("sknn._activations.ACTIVATIONS", dict(ACTIVATIONS))

    def softsign(Z):
        np.divide(Z, 1 + np.abs(Z), out=Z)

    def softsign_derivative(A, delta):
        delta *= (1 - np.abs(A)) ** 2  # f'(z) = 1 / (1 + |z|)^2 = (1 - |f(z)|)^2

    pair = register_activation("softsign_for_workers", softsign, softsign_derivative)
    X, y = np.random.RandomState(0).normal(size=(60, 3)), np.arange(60) % 2
    settings = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    by_name = MLPClassifierGD(activation="softsign_for_workers", **settings).fit(X, y)
    by_pair = MLPClassifierGD(activation=pair, **settings).fit(X, y)
    np.testing.assert_array_equal(by_pair.predict_proba(X), by_name.predict_proba(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (ConvergenceWarning of 3 epochs, in workers too)
        search = GridSearchCV(
            MLPClassifierGD(activation=pair, **settings), {"alpha": [0.0, 1.0]}, cv=2, n_jobs=2
        ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    # A name unknown to a process is refused with the way out.
    with pytest.raises(ValueError, match="pass the Activation it returns as activation="):
        MLPClassifierGD(activation="not_registered_here").fit(X, y)
