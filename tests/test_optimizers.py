"""The optimizers against their textbook updates, computed independently in each test."""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._optimizers import SGD, Adam, invscaling_learning_rate
from sknn.utils import objective_and_gradients


def gradients_sequence(n_steps, n_parameters, dtype, seed=0):
    return np.random.RandomState(seed).normal(size=(n_steps, n_parameters)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_follows_its_update_rule(momentum, nesterov, dtype):
    eta, n = 0.1, 1000
    grads = gradients_sequence(5, n, dtype)
    w = np.random.RandomState(1).normal(size=n).astype(dtype)
    optimizer = SGD(np.zeros(n, dtype), eta, eta, momentum, nesterov)
    params = w.copy()
    # The textbook, written out here: v <- mu v - eta g; w <- w + v (classical) or
    # w <- w + mu v - eta g (Nesterov, in scikit-learn's form).
    v = np.zeros(n)
    for g in grads:
        optimizer.step(params, g.copy())
        v = momentum * v - eta * g
        w = w + (momentum * v - eta * g if nesterov else v)
        tolerance = 1e-5 if dtype == np.float32 else 1e-12
        assert_allclose(params, w, rtol=tolerance, atol=tolerance)
        # The velocity is the textbook's too, also with momentum=0: never left stale.
        assert_allclose(optimizer.velocity, v, rtol=tolerance, atol=tolerance)
    assert params.dtype == dtype and optimizer.velocity.dtype == dtype


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("nesterov", [False, True])
def test_stable_step_limit_separates_shrinking_from_growing(momentum, nesterov):
    # On J = lambda w^2 / 2 (g = lambda w), steps with eta lambda just below the limit
    # shrink w, just above it grow it.
    limit = SGD.stable_step_limit(momentum, nesterov)
    lam = 1.0
    for factor, shrinks in [(0.97, True), (1.03, False)]:
        eta = factor * limit / lam
        optimizer = SGD(np.zeros(1), eta, eta, momentum, nesterov)
        w = np.ones(1)
        for _ in range(3000):
            optimizer.step(w, lam * w)
            if abs(w[0]) > 1e3:  # grown (before it overflows)
                break
        assert (abs(w[0]) < 1e-3) == shrinks, (factor, w[0])
        assert (abs(w[0]) > 1e3) == (not shrinks), (factor, w[0])


@pytest.mark.parametrize(
    "make",
    [
        lambda n: SGD(np.zeros(n), 0.1, 0.1, 0.9, nesterov=True),
        lambda n: SGD(np.zeros(n), 0.1, 0.1, 0.9, nesterov=False),
        lambda n: Adam(np.zeros(n), np.zeros(n), 0, 1e-3, 0.9, 0.999, 1e-8),
    ],
    ids=["nesterov", "polyak", "adam"],
)
def test_a_step_allocates_no_array(make):
    """The update works in place (the gradient is its scratch): no temporary as large as
    the parameters, which would cost a pass over memory per step."""
    n = 100_000
    optimizer, params = make(n), np.zeros(n)
    gradients = gradients_sequence(2, n, np.float64)
    optimizer.step(params, gradients[0])  # (a first step: any lazy set-up)
    tracemalloc.start()
    try:
        optimizer.step(params, gradients[1])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < params.nbytes / 10, peak


def test_invscaling_and_adaptive_schedules():
    optimizer = SGD(np.zeros(3), 0.5, 0.5, 0.9, True, schedule="invscaling", power_t=0.25)
    optimizer.epoch_ends(99)
    assert optimizer.learning_rate == pytest.approx(0.5 / 100**0.25)
    assert not optimizer.stalled()  # only "adaptive" goes on after a stall

    adaptive = SGD(np.zeros(3), 1e-3, 1e-3, 0.9, True, schedule="adaptive")
    rates = []
    while adaptive.stalled():
        rates.append(adaptive.learning_rate)
    assert_allclose(rates, [2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7])  # down to below 1e-6


def test_invscaling_overflow_is_a_clear_error():
    with pytest.raises(ValueError, match="The 'invscaling' schedule overflows"):
        invscaling_learning_rate(0.1, 10**6, 1e3)


@pytest.mark.parametrize(
    "Estimator, extra",
    [(LogisticRegressionGD, {}), (SoftmaxGD, {}), (MLPClassifierGD, {"hidden_layer_sizes": (4,)})],
)
@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_a_fit_is_the_independent_loop(Estimator, extra, momentum, nesterov):
    """Five full-batch epochs of fit equal five steps of the formula, with J's gradient
    taken at each point by sknn.utils.objective_and_gradients."""
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    eta, alpha = 0.05, 0.01
    settings = dict(
        learning_rate_init=eta,
        alpha=alpha,
        momentum=momentum,
        nesterovs_momentum=nesterov,
        batch_size=len(y),
        random_state=0,
        tol=0.0,
        **extra,
    )
    model = Estimator(max_iter=1, **settings).partial_fit(X, y, classes=[0, 1, 2])
    # Start the loop where the first epoch ended; its velocity started at zero.
    theta = public_parameters(model)
    fitted = Estimator(max_iter=6, **settings)
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        fitted.fit(X, y)
    start = Estimator(**settings)
    _, g0 = objective_and_gradients(start, X, y)
    v = {name: -eta * g for name, g in g0.items()}  # the first step, from zero velocity
    for _ in range(5):
        _, grads = objective_and_gradients(start, X, y, parameters=grouped(theta))
        for name, g in grads.items():
            v[name] = momentum * v[name] - eta * g
            theta[name] = theta[name] + (momentum * v[name] - eta * g if nesterov else v[name])
    for name, expected in theta.items():
        assert_allclose(public_parameters(fitted)[name], expected, rtol=1e-9, atol=1e-12)


def public_parameters(model):
    """The fitted parameter arrays by name: coef_, intercept_ or coefs_[j], intercepts_[j]."""
    if hasattr(model, "coefs_"):
        names = {f"coefs_[{j}]": W for j, W in enumerate(model.coefs_)}
        return {**names, **{f"intercepts_[{j}]": b for j, b in enumerate(model.intercepts_)}}
    return {"coef_": model.coef_.copy(), "intercept_": model.intercept_.copy()}


def grouped(arrays):
    """``{"coefs_[0]": W0, ...}`` as the attributes ``{"coefs_": [W0, ...], ...}``."""
    attributes = {}
    for name, value in arrays.items():
        attribute, _, index = name.partition("[")
        if index:
            attributes.setdefault(attribute, []).append(value)
        else:
            attributes[attribute] = value
    return attributes


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_an_optimizer_state_of_another_size_is_not_carried_at_all(solver):
    """partial_fit after set_params(fit_intercept=False): fewer parameters. Adam's step
    count without its moments would mis-scale the bias corrections (SGD's decayed
    step size without its velocity the same): the whole state starts afresh."""
    from sknn._optimizers import make_optimizer

    settings = dict(
        learning_rate_init=0.1, learning_rate="invscaling", power_t=0.5, momentum=0.9,
        nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
    )  # fmt: skip
    old = make_optimizer(solver, np.zeros(15), {}, **settings)
    for _ in range(5):
        old.step(np.zeros(15), np.ones(15))
        old.epoch_ends(1000)
    saved = old.state_dict()
    same_size = make_optimizer(solver, np.zeros(15), saved, **settings).state_dict()
    other_size = make_optimizer(solver, np.zeros(12), saved, **settings).state_dict()
    fresh = make_optimizer(solver, np.zeros(12), {}, **settings).state_dict()
    assert same_size["learning_rate"] == saved["learning_rate"]
    for name, value in other_size.items():
        if hasattr(value, "shape"):
            assert value.shape == (12,) and not value.any()
        else:
            assert value == fresh[name], name

    model = SoftmaxGD(solver=solver, random_state=0)
    X, y = load_iris(return_X_y=True)
    for _ in range(3):
        model.partial_fit(X, y, classes=[0, 1, 2])
    model.set_params(fit_intercept=False).partial_fit(X, y)
    if solver == "adam":
        assert model._training_state["optimizer"]["steps"] == 1  # 150 samples, one batch


def test_a_solver_without_an_optimizer_is_refused_not_trained_by_sgd():
    from sknn._optimizers import make_optimizer

    settings = dict(
        learning_rate_init=0.1, learning_rate="constant", power_t=0.5, momentum=0.9,
        nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
    )  # fmt: skip
    with pytest.raises(ValueError, match="no optimizer for solver='rmsprop'"):
        make_optimizer("rmsprop", np.zeros(3), {}, **settings)
