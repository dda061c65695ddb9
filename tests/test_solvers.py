"""The solvers: Adam against its formula, L-BFGS against scikit-learn's exact optimum,
every engine feature with every solver, and accuracy against scikit-learn's MLP."""

import math
import signal
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import shuffle

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._objective import Objective
from sknn._optimizers import Adam
from sknn.utils import objective_and_gradients

ESTIMATORS = [LogisticRegressionGD, SoftmaxGD, MLPClassifierGD]
SOLVERS = ["sgd", "adam", "lbfgs"]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def make(Estimator, **params):
    if Estimator is MLPClassifierGD:
        params.setdefault("hidden_layer_sizes", (8,))
    return Estimator(random_state=0, **params)


# ---------------------------------------------------------------- Adam
def test_one_adam_step_is_the_formula():
    """From known w, g, m, v and t: Kingma and Ba's Algorithm 1, computed here."""
    rng = np.random.RandomState(0)
    w, g, m, v = rng.normal(size=(4, 50))
    v = v**2  # a second moment is not negative
    eta, beta_1, beta_2, epsilon, t = 0.01, 0.8, 0.99, 1e-7, 4
    adam = Adam(m.copy(), v.copy(), t, eta, beta_1, beta_2, epsilon)
    params = w.copy()
    adam.step(params, g.copy())
    m_new = beta_1 * m + (1 - beta_1) * g
    v_new = beta_2 * v + (1 - beta_2) * g**2
    m_hat = m_new / (1 - beta_1 ** (t + 1))
    v_hat = v_new / (1 - beta_2 ** (t + 1))
    assert_allclose(params, w - eta * m_hat / (np.sqrt(v_hat) + epsilon), rtol=1e-13)
    assert_allclose(adam.first_moment, m_new, rtol=1e-14)
    assert_allclose(adam.second_moment, v_new, rtol=1e-14)
    assert adam.steps == t + 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_trajectory_is_the_textbook_loop(dtype):
    rng = np.random.RandomState(1)
    grads = rng.normal(size=(6, 30)).astype(dtype)
    w = rng.normal(size=30).astype(dtype)
    adam = Adam(np.zeros(30, dtype), np.zeros(30, dtype), 0, 0.1, 0.9, 0.999, 1e-8)
    params, m, v = w.copy(), np.zeros(30), np.zeros(30)
    for t, g in enumerate(grads, start=1):
        adam.step(params, g.copy())
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g.astype(np.float64) ** 2
        w = w - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        tolerance = 1e-5 if dtype == np.float32 else 1e-12
        assert_allclose(params, w, rtol=tolerance, atol=tolerance)
    assert params.dtype == dtype


def test_the_penalty_gradient_enters_adams_moments(iris):
    """One full-batch Adam step from zero moments moves each weight by eta times the
    sign of dJ/dw, penalty included: m_hat / sqrt(v_hat) = g / |g| at t = 1."""
    X, y = iris
    model = make(SoftmaxGD, solver="adam", alpha=0.5, batch_size=len(y), learning_rate_init=0.1)
    model.partial_fit(X, y, classes=[0, 1, 2])  # from zero weights: the penalty is zero
    before = model.coef_.copy()

    _, gradients = objective_and_gradients(model, X, y)
    model.set_params(warm_start=True, max_iter=1).fit(X, y)  # a fresh Adam, t = 1
    step = model.coef_ - before
    assert_allclose(step, -0.1 * np.sign(gradients["coef_"]), rtol=1e-6)


# ---------------------------------------------------------------- L-BFGS
def converted_C(alpha, n_samples):
    """scikit-learn's C for sknn's alpha.

    sknn minimises (1/n) sum_i l_i + alpha ||W||^2; scikit-learn's LogisticRegression
    minimises C sum_i l_i + ||W||^2 / 2, which is n C times (1/n) sum_i l_i +
    ||W||^2 / (2 n C): the same minimiser when alpha = 1 / (2 n C).
    """
    return 1 / (2 * n_samples * alpha)


EXACT = dict(solver="lbfgs", tol=1e-10, max_iter=10_000)


@pytest.mark.parametrize("alpha", [1e-3, 0.1])
def test_lbfgs_softmax_reaches_the_multinomial_optimum(iris, alpha):
    X, y = iris
    ours = SoftmaxGD(alpha=alpha, **EXACT).fit(X, y)
    theirs = LogisticRegression(C=converted_C(alpha, len(y)), tol=1e-10, max_iter=10_000)
    theirs.fit(X, y)
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-4, atol=1e-4 * np.abs(theirs.coef_).max())
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("alpha", [1e-3, 0.1])
def test_lbfgs_logistic_reaches_the_one_vs_rest_optimum(iris, alpha):
    X, y = iris
    ours = LogisticRegressionGD(alpha=alpha, **EXACT).fit(X, y)
    C = converted_C(alpha, len(y))
    theirs = OneVsRestClassifier(LogisticRegression(C=C, tol=1e-10, max_iter=10_000)).fit(X, y)
    coef = np.vstack([unit.coef_ for unit in theirs.estimators_])
    intercept = np.hstack([unit.intercept_ for unit in theirs.estimators_])
    assert_allclose(ours.coef_, coef, rtol=1e-4, atol=1e-4 * np.abs(coef).max())
    assert_allclose(ours.intercept_, intercept, rtol=1e-4, atol=1e-6)


def test_lbfgs_binary_logistic_reaches_the_optimum():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours = LogisticRegressionGD(alpha=0.01, **EXACT).fit(X, y)
    theirs = LogisticRegression(C=converted_C(0.01, len(y)), tol=1e-10, max_iter=10_000)
    theirs.fit(X, y)
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-4, atol=1e-4 * np.abs(theirs.coef_).max())
    assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-4)


def test_lbfgs_float32_trains_in_float32(iris):
    X, y = iris
    float32 = SoftmaxGD(solver="lbfgs", alpha=0.01).fit(X.astype(np.float32), y)
    float64 = SoftmaxGD(solver="lbfgs", alpha=0.01).fit(X, y)
    assert float32.coef_.dtype == np.float32
    assert_allclose(float32.coef_, float64.coef_, rtol=1e-3, atol=1e-3)


def test_lbfgs_counts_iterations_and_evaluations(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=r"L-BFGS did not converge after 3 iteration"):
        model = make(MLPClassifierGD, solver="lbfgs", max_iter=3).fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == 3
    assert model.loss_ == model.loss_curve_[-1]
    assert model.t_ >= 3 * len(y) and model.t_ % len(y) == 0  # samples x evaluations
    # ... every evaluation, those of the line searches included, counted independently.
    evaluations = []
    original = Objective.full_batch_value_and_gradient

    def counted(self, *args):
        evaluations.append(1)
        return original(self, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Objective, "full_batch_value_and_gradient", counted)
        with pytest.warns(ConvergenceWarning):
            counted_model = make(MLPClassifierGD, solver="lbfgs", max_iter=3).fit(X, y)
    assert len(evaluations) > 3  # (line searches evaluate more than once per iteration)
    assert counted_model.t_ == len(evaluations) * len(y)
    with pytest.warns(ConvergenceWarning, match=r"EVALUATIONS EXCEEDS LIMIT.*max_fun"):
        make(MLPClassifierGD, solver="lbfgs", max_fun=5).fit(X, y)


def test_lbfgs_that_stops_where_it_starts_reports_the_loss_there():
    """At the zero start of a balanced problem dJ/dtheta = 0: SciPy takes no iteration,
    but J was evaluated there, and it is the fit's loss (scikit-learn's loss_ too)."""
    X, y = np.array([[1.0], [-1.0], [1.0], [-1.0]]), np.array([0, 0, 1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converged: no warning
        model = LogisticRegressionGD(solver="lbfgs").fit(X, y)
    assert model.n_iter_ == 0 and model.loss_curve_ == []
    assert model.loss_ == model.best_loss_ == pytest.approx(math.log(2))
    assert model.t_ == len(y)  # one evaluation
    J, _ = objective_and_gradients(model, X, y)
    assert model.loss_ == pytest.approx(J)


@pytest.mark.parametrize("seed", range(3))
def test_lbfgs_mlp_sample_weights_are_repeated_samples(seed):
    """Integer weights equal repeated rows (the data of check_sample_weight_equivalence,
    other seeds: see EXPECTED_FAILED_CHECKS in test_common.py)."""
    rng = np.random.RandomState(seed)
    X, y, weights = rng.rand(15, 30), rng.randint(0, 3, size=15), rng.randint(0, 5, size=15)
    repeated = MLPClassifierGD(solver="lbfgs", random_state=0)
    repeated.fit(X.repeat(weights, axis=0), y.repeat(weights))
    weighted = MLPClassifierGD(solver="lbfgs", random_state=0)
    weighted.fit(*shuffle(X, y, random_state=0), sample_weight=shuffle(weights, random_state=0))
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- every feature, every solver
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_restores_the_best_validation_parameters(Estimator, solver, iris):
    X, y = iris
    model = make(
        Estimator, solver=solver, early_stopping=True, n_iter_no_change=3, max_iter=60
    ).fit(X, y)
    curve = model.validation_loss_curve_
    assert len(curve) == len(model.loss_curve_) == len(model.validation_scores_)
    assert model.n_iter_ == len(curve)
    assert model.best_validation_loss_ == min(curve)
    # The restored parameters are those of the best epoch (or iteration).
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.1, random_state=0, stratify=y
    )
    from sklearn.metrics import log_loss

    if Estimator is not LogisticRegressionGD:  # (one-vs-rest units: C is a sum of losses)
        assert log_loss(y_val, model.predict_proba(X_val)) == pytest.approx(min(curve))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_every_solver_records_its_history(Estimator, solver, iris):
    X, y = iris
    model = make(Estimator, solver=solver, max_iter=5, tol=0.0).fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) <= 5
    assert all(math.isfinite(loss) for loss in model.loss_curve_)
    assert model.t_ > 0 and model.loss_ == model.loss_curve_[-1]
    assert model._training_state["optimizer"]["name"] == solver


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_needs_a_stochastic_solver(Estimator, iris):
    X, y = iris
    assert not hasattr(make(Estimator, solver="lbfgs"), "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as error:
        make(Estimator, solver="lbfgs").partial_fit(X, y, classes=[0, 1, 2])
    assert "partial_fit is only available for the stochastic" in str(error.value.__cause__)
    make(Estimator, solver="adam").partial_fit(X, y, classes=[0, 1, 2])


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("schedule", ["invscaling", "adaptive"])
def test_schedules_belong_to_sgd(solver, schedule, iris):
    # As in scikit-learn, the other solvers ignore learning_rate (a grid over solver
    # and learning_rate fits every point).
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scheduled = make(SoftmaxGD, solver=solver, learning_rate=schedule).fit(X, y)
        constant = make(SoftmaxGD, solver=solver, learning_rate="constant").fit(X, y)
    assert_array_equal(scheduled.coef_, constant.coef_)
    assert scheduled.loss_curve_ == constant.loss_curve_


def test_dropout_needs_a_stochastic_solver(iris):
    X, y = iris
    with pytest.raises(ValueError, match="dropout needs a stochastic solver"):
        make(MLPClassifierGD, solver="lbfgs", dropout=0.2).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_adam_moments_carry_over_in_partial_fit_and_restart_in_warm_start(iris):
    X, y = iris
    model = make(MLPClassifierGD, solver="adam", batch_size=50)
    model.partial_fit(X, y, classes=[0, 1, 2])
    state = model._training_state["optimizer"]
    assert state["steps"] == 3 and np.any(state["first_moment"] != 0)
    model.partial_fit(X, y)
    assert model._training_state["optimizer"]["steps"] == 6  # carried over
    model.set_params(warm_start=True, max_iter=1).fit(X, y)
    assert model._training_state["optimizer"]["steps"] == 3  # a fresh Adam, as SGD's velocity


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_warm_start_continues_with_each_solver(solver, iris):
    X, y = iris
    model = make(MLPClassifierGD, solver=solver, max_iter=5, warm_start=True).fit(X, y)
    first = list(model.loss_curve_)
    model.fit(X, y)
    assert model.loss_curve_[:5] == first and len(model.loss_curve_) == 10
    assert model.loss_curve_[5] <= first[-1] * 1.5  # went on from there


def ctrl_c_at_evaluation(monkeypatch, evaluation, presses):
    """Press Ctrl+C ``presses`` times just before L-BFGS's ``evaluation``-th evaluation."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by someone else here")
    calls = []
    original = Objective.full_batch_value_and_gradient

    def evaluate(self, *args):
        calls.append(1)
        if len(calls) == evaluation:
            for _ in range(presses):
                signal.raise_signal(signal.SIGINT)
        return original(self, *args)

    monkeypatch.setattr(Objective, "full_batch_value_and_gradient", evaluate)


def test_ctrl_c_stops_lbfgs_at_the_end_of_an_iteration(iris, monkeypatch):
    X, y = iris
    ctrl_c_at_evaluation(monkeypatch, 6, presses=1)
    model = make(MLPClassifierGD, solver="lbfgs")
    with pytest.warns(UserWarning, match=r"interrupted \(KeyboardInterrupt\) after iteration") as w:
        model.fit(X, y)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert 1 <= model.n_iter_ == len(model.loss_curve_) < 10
    assert f"after iteration {model.n_iter_} of L-BFGS" in str(w[0].message)  # the last kept
    # The kept parameters are the last iterate, whose J was recorded.
    monkeypatch.undo()
    J, _ = objective_and_gradients(model, X, y)
    assert J == pytest.approx(model.loss_curve_[-1], rel=1e-10)


def test_a_second_ctrl_c_in_a_line_search_keeps_the_last_iterate(iris, monkeypatch):
    X, y = iris
    ctrl_c_at_evaluation(monkeypatch, 8, presses=2)
    model = make(MLPClassifierGD, solver="lbfgs")
    with pytest.warns(UserWarning, match="keeping the parameters of the last completed iteration"):
        model.fit(X, y)
    monkeypatch.undo()
    J, _ = objective_and_gradients(model, X, y)
    assert J == pytest.approx(model.loss_curve_[-1], rel=1e-10)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_divergence_is_an_error_with_every_solver(solver):
    """Features of order 1e200: J's gradient overflows (Adam's g^2 first). Not silently
    a model stuck at its initialisation: an error."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 3)) * 1e200, np.arange(40) % 2
    model = make(SoftmaxGD, solver=solver, learning_rate_init=1e3, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(FloatingPointError, match="Training diverged in epoch"):
            model.fit(X, y)
    assert not hasattr(model, "coef_")


# ---------------------------------------------------------------- against scikit-learn
@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver, iterations", [("adam", 30), ("lbfgs", 60)])
def test_mlp_accuracy_is_no_worse_than_scikit_learns(solver, iterations, digits_split):
    """Same solver, architecture, iterations and penalty (converted), three seeds."""
    X_train, X_test, y_train, y_test = digits_split
    sklearn_alpha, batch_size = 1e-4, 64
    rows = batch_size if solver == "adam" else len(y_train)
    ours, theirs = [], []
    for seed in range(3):
        common = dict(solver=solver, max_iter=iterations, random_state=seed, tol=0.0)
        mlp = MLPClassifierGD((32,), alpha=sklearn_alpha / (2 * rows), batch_size=batch_size)
        ours.append(mlp.set_params(**common).fit(X_train, y_train).score(X_test, y_test))
        reference = MLPClassifier((32,), alpha=sklearn_alpha, batch_size=batch_size)
        theirs.append(reference.set_params(**common).fit(X_train, y_train).score(X_test, y_test))
    assert np.mean(ours) >= np.mean(theirs) - 1e-12, (ours, theirs)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_over_solver_alpha_and_hidden_layer_sizes(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    pipeline = make_pipeline(StandardScaler(), MLPClassifierGD(max_iter=15, random_state=0))
    grid = {
        "mlpclassifiergd__solver": SOLVERS,
        "mlpclassifiergd__alpha": [1e-4, 1e-2],
        "mlpclassifiergd__hidden_layer_sizes": [(16,), (16, 16)],
    }
    search = GridSearchCV(pipeline, grid, cv=3, n_jobs=2, error_score="raise")
    search.fit(X_train[:600], y_train[:600])
    assert len(search.cv_results_["params"]) == 12
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_params_["mlpclassifiergd__solver"] in SOLVERS
    assert search.score(X_test, y_test) > 0.85
    assert_array_equal(search.classes_, np.arange(10))
