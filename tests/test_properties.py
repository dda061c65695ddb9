"""Properties that hold for every estimator, shape, class count and seed (hypothesis).

- ``predict_proba`` is in [0, 1] and its rows sum to 1; ``predict_log_proba`` is its log;
- ``predict`` is the argmax of ``predict_proba`` and agrees with ``decision_function``
  (its sign for a binary problem, its argmax otherwise);
- the hand-derived gradient matches central finite differences (``check_gradients``);
- with a tiny learning rate, full batches and no momentum, the training loss never rises;
- fitting twice with the same seed gives the same model.

Examples are few (``max_examples``) and derandomized, so the file runs in seconds and CI
sees the same examples every time.
"""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from sknn.utils import all_estimators, check_gradients

ESTIMATORS = [Estimator for _, Estimator in all_estimators()]
SMOOTH_ACTIVATIONS = ["tanh", "lecun_tanh", "sigmoid", "identity"]  # relu has a kink at 0

property_settings = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def problems(draw, min_samples=6, max_samples=40):
    """An estimator class, data with every class present, and a seed."""
    Estimator = draw(st.sampled_from(ESTIMATORS))
    n_classes = draw(st.integers(2, 4))
    n_samples = draw(st.integers(max(min_samples, 2 * n_classes), max_samples))
    n_features = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.RandomState(seed)
    y = rng.permutation(np.arange(n_samples) % n_classes)
    centers = rng.normal(scale=2.0, size=(n_classes, n_features))
    X = centers[y] + rng.normal(size=(n_samples, n_features))
    return Estimator, X, y, seed


def make(Estimator, seed, **params):
    defaults = dict(max_iter=5, random_state=seed, batch_size=8)
    if "hidden_layer_sizes" in Estimator().get_params():
        defaults["hidden_layer_sizes"] = (4,)
    return Estimator(**{**defaults, **params})


def quiet_fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="batch_size=", category=UserWarning)
        return model.fit(X, y, **kwargs)


def flat_parameters(model):
    weights, intercepts = model._fitted_parameters()
    return np.concatenate([np.ravel(w) for w in weights] + [np.ravel(b) for b in intercepts])


@property_settings
@given(problems(), st.floats(0.1, 100.0))
def test_probabilities_predict_and_decision_function_agree(problem, scale):
    Estimator, X, y, seed = problem
    model = quiet_fit(make(Estimator, seed), X, y)
    X_test = X * scale  # also far from the training data
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(X), len(model.classes_))
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1, atol=1e-12)
    assert_allclose(np.exp(model.predict_log_proba(X_test)), proba, atol=1e-12)

    predicted = model.predict(X_test)
    scores = model.decision_function(X_test)
    if len(model.classes_) == 2:
        assert scores.shape == (len(X),)
        assert_array_equal(predicted, model.classes_[(scores > 0).astype(int)])
    else:
        assert_array_equal(predicted, model.classes_[scores.argmax(axis=1)])
    # argmax of the probabilities, where they do not tie (saturated one-vs-rest units can)
    top_two = np.sort(proba, axis=1)[:, -2:]
    clear = top_two[:, 1] - top_two[:, 0] > 1e-12
    assert_array_equal(predicted[clear], model.classes_[proba.argmax(axis=1)][clear])


@property_settings
@given(
    problems(max_samples=20),
    st.sampled_from([0.0, 1e-3, 0.1]),
    st.sampled_from(SMOOTH_ACTIVATIONS),
    st.booleans(),
)
def test_gradient_matches_finite_differences(problem, alpha, activation, weighted):
    Estimator, X, y, seed = problem
    params = dict(alpha=alpha, max_iter=2)
    if "activation" in Estimator().get_params():
        params["activation"] = activation
    sample_weight = np.random.RandomState(seed).uniform(0.2, 3.0, len(y)) if weighted else None
    # Fit briefly first: linear models start at zero, where the gradient is too special.
    model = quiet_fit(make(Estimator, seed, **params), X, y, sample_weight=sample_weight)
    errors = check_gradients(model, X, y, sample_weight)
    assert max(errors.values()) < 1e-6, errors


@property_settings
@given(problems(max_samples=30), st.sampled_from(SMOOTH_ACTIVATIONS + ["relu"]))
def test_loss_never_rises_with_a_tiny_full_batch_step(problem, activation):
    Estimator, X, y, seed = problem
    params = dict(
        batch_size=len(y),
        momentum=0.0,
        learning_rate_init=1e-3,
        max_iter=8,
        tol=0.0,
        n_iter_no_change=100,
    )
    if "activation" in Estimator().get_params():
        params["activation"] = activation
    model = quiet_fit(make(Estimator, seed, **params), X, y)
    curve = np.asarray(model.loss_curve_)
    assert len(curve) == 8
    # loss_curve_[e] is J at the start of epoch e's single step: J(theta_{e+1}) <= J(theta_e).
    assert (np.diff(curve) <= 1e-12 * np.abs(curve[:-1])).all(), curve
    assert curve[-1] < curve[0]  # and it did descend


@property_settings
@given(problems(), st.booleans(), st.booleans())
def test_same_seed_same_model(problem, early_stopping, shuffle):
    Estimator, X, y, seed = problem
    params = dict(shuffle=shuffle)
    if early_stopping and len(y) >= 20:
        params.update(early_stopping=True, validation_fraction=0.3)
    if "dropout" in Estimator().get_params():
        params["dropout"] = 0.2  # the masks are drawn from the seed too
    first = quiet_fit(make(Estimator, seed, **params), X, y)
    second = quiet_fit(make(Estimator, seed, **params), X, y)
    assert_array_equal(flat_parameters(first), flat_parameters(second))
    assert first.loss_curve_ == second.loss_curve_
    assert first.n_iter_ == second.n_iter_
