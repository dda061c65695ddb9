"""The shared training engine, specified on every estimator.

The optimizer is checked step by step against its formulas, with the gradient from
``_objective_gradient`` (itself checked against finite differences in
test_gradients.py) and the loss from scikit-learn's ``log_loss``.
"""

import re

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

import sknn._classifier
from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn.utils._gradient_check import _FullBatch

SMALL = {
    LogisticRegressionGD: {},
    SoftmaxGD: {},
    MLPClassifierGD: {"hidden_layer_sizes": (8,)},
}
ESTIMATORS = list(SMALL)


def make(Estimator, **params):
    return Estimator(**{**SMALL[Estimator], **params})


@pytest.fixture(scope="module")
def digits():
    """300 scaled digits of four classes."""
    X, y = load_digits(n_class=4, return_X_y=True)
    return StandardScaler().fit_transform(X[:300]), y[:300]


def flat_parameters(estimator, n_features):
    """The estimator's parameters as the engine's flat vector (weights first)."""
    weights, intercepts = estimator._fitted_parameters()
    return np.concatenate([np.ravel(array) for array in [*weights, *intercepts]])


def objective(estimator, flat, X, y_labels, sample_weight=None):
    """J and its gradient at ``flat``, through the objective that training uses."""
    return _FullBatch(estimator, X, y_labels, sample_weight, None, None)(flat.copy())


def independent_objective(estimator, X, y, alpha, sample_weight=None):
    """J = C + alpha * sum ||W||^2, with C from scikit-learn's log_loss.

    C is the multinomial log loss for softmax outputs, and the sum over units of
    the binary log losses of the one-vs-rest sigmoid units of LogisticRegressionGD.
    """
    if isinstance(estimator, LogisticRegressionGD):
        Z = estimator.decision_function(X).reshape(len(X), -1)
        targets = (
            [y == estimator.classes_[-1]]
            if Z.shape[1] == 1
            else [y == c for c in estimator.classes_]
        )
        C = sum(
            log_loss(t, 1 / (1 + np.exp(-z)), sample_weight=sample_weight, labels=[False, True])
            for t, z in zip(targets, Z.T)
        )
    else:
        C = log_loss(
            y, estimator.predict_proba(X), sample_weight=sample_weight, labels=estimator.classes_
        )
    weights, _ = estimator._fitted_parameters()
    return C + alpha * sum(float(np.sum(W**2)) for W in weights)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_random_state_gives_the_same_model(Estimator, digits):
    X, y = digits
    first = make(Estimator, random_state=3, max_iter=5, batch_size=32).fit(X, y)
    second = make(Estimator, random_state=3, max_iter=5, batch_size=32).fit(X, y)
    for a, b in zip(first._fitted_parameters()[0], second._fitted_parameters()[0]):
        np.testing.assert_array_equal(a, b)
    assert first.loss_curve_ == second.loss_curve_
    other = make(Estimator, random_state=4, max_iter=5, batch_size=32).fit(X, y)
    assert other.loss_curve_ != first.loss_curve_  # the seed does matter (shuffling)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("sample_weight", [False, True])
def test_one_step_is_plain_gradient_descent_and_loss_curve_is_J(Estimator, digits, sample_weight):
    X, y = digits
    weights = np.random.RandomState(0).uniform(0.5, 2, size=len(y)) if sample_weight else None
    alpha, eta = 0.01, 0.05
    model = make(Estimator, random_state=0, alpha=alpha, learning_rate_init=eta, momentum=0.0)
    model.set_params(batch_size=len(y), max_iter=1)  # one full batch: one step per epoch
    model.partial_fit(X, y, classes=np.unique(y), sample_weight=weights)
    theta0 = flat_parameters(model, X.shape[1])
    J0 = independent_objective(model, X, y, alpha, weights)
    loss, gradient = objective(model, theta0, X, y, weights)
    assert loss == pytest.approx(J0, rel=1e-10)

    model.partial_fit(X, y, sample_weight=weights)
    # The loss recorded for an epoch is J at the parameters each batch started from.
    assert model.loss_curve_[-1] == pytest.approx(J0, rel=1e-10)
    np.testing.assert_allclose(
        flat_parameters(model, X.shape[1]), theta0 - eta * gradient, rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_steps_follow_the_update_rule(Estimator, digits, nesterov):
    X, y = digits
    mu, eta = 0.9, 0.05
    model = make(
        Estimator, random_state=0, learning_rate_init=eta, momentum=mu, nesterovs_momentum=nesterov
    )
    model.set_params(batch_size=len(y))
    theta, velocity = None, None
    for step in range(3):
        if step == 0:
            model.partial_fit(X, y, classes=np.unique(y))
            # The first call started from zero velocity: v1 = -eta g0.
            theta = flat_parameters(model, X.shape[1])
            continue
        _, gradient = objective(model, theta, X, y)
        if velocity is None:
            velocity = model._training_state["optimizer"]["velocity"].copy()
        velocity = mu * velocity - eta * gradient  # v <- mu v - eta grad J
        expected = theta + (mu * velocity - eta * gradient if nesterov else velocity)
        model.partial_fit(X, y)
        theta = flat_parameters(model, X.shape[1])
        np.testing.assert_allclose(theta, expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_continues_training(Estimator, digits):
    X, y = digits
    model = make(Estimator, random_state=0, batch_size=50)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        make(Estimator).partial_fit(X, y)
    for call in range(1, 6):
        model.partial_fit(X, y, classes=np.unique(y))
        assert len(model.loss_curve_) == call
        assert model.n_iter_ == call
        assert model.t_ == call * len(y)
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_warm_start_continues_and_cold_start_restarts(Estimator, digits):
    X, y = digits
    params = dict(random_state=0, max_iter=4, batch_size=50)
    with pytest.warns(ConvergenceWarning):
        cold = make(Estimator, **params).fit(X, y)
        first_curve = list(cold.loss_curve_)
        cold.fit(X, y)
    assert cold.loss_curve_ == first_curve  # refit from scratch: the same run again

    with pytest.warns(ConvergenceWarning):
        warm = make(Estimator, warm_start=True, **params).fit(X, y)
        warm.fit(X, y)
    assert warm.loss_curve_[:4] == first_curve
    assert len(warm.loss_curve_) == 8 and warm.n_iter_ == 4 and warm.t_ == 8 * len(y)
    assert warm.loss_curve_[4] < first_curve[0]  # started where the first fit ended


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_restores_the_best_validation_parameters(Estimator, digits, monkeypatch):
    X, y = digits
    y = y.copy()
    noisy = np.random.RandomState(0).rand(len(y)) < 0.15
    y[noisy] = (y[noisy] + 1) % 4  # label noise: fitting it raises the validation loss
    splits, real_split = [], sknn._classifier.train_test_split

    def recording_split(*arrays, **options):
        splits.append(real_split(*arrays, **options))
        return splits[-1]

    monkeypatch.setattr(sknn._classifier, "train_test_split", recording_split)
    # A large step and no penalty overfit the noise quickly.
    model = make(
        Estimator,
        early_stopping=True,
        alpha=0.0,
        learning_rate_init=0.5,
        n_iter_no_change=3,
        tol=0.0,
        max_iter=200,
        random_state=0,
        validation_fraction=0.2,
    ).fit(X, y)
    validation_rows = splits[0][1]  # the split is of row indices: X is never copied
    X_val, y_val = X[validation_rows], y[validation_rows]
    curve = model.validation_loss_curve_
    assert model.n_iter_ < 200 and len(curve) == model.n_iter_
    assert model.best_validation_loss_ == min(curve) < curve[-1]
    # Patience 3: as in scikit-learn, training stops once more than n_iter_no_change
    # epochs in a row fail to improve, here the 4 epochs after the best one.
    assert np.argmin(curve) == model.n_iter_ - 1 - 4
    restored = independent_objective(model, X_val, y_val, alpha=0.0)
    assert restored == pytest.approx(model.best_validation_loss_, rel=1e-9)
    accuracy = np.mean(model.predict(X_val) == y_val)
    assert accuracy == pytest.approx(model.validation_scores_[np.argmin(curve)])
    assert model.best_loss_ is None
    assert len(X_val) == pytest.approx(0.2 * len(y), abs=1)
    held_out = np.bincount(y_val)
    np.testing.assert_allclose(held_out / held_out.sum(), np.bincount(y) / len(y), atol=0.02)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_without_early_stopping_training_loss_is_monitored(Estimator, digits):
    X, y = digits
    model = make(Estimator, random_state=0, tol=1e-2, n_iter_no_change=2, batch_size=50).fit(X, y)
    assert model.validation_loss_curve_ is None and model.validation_scores_ is None
    assert model.best_loss_ == min(model.loss_curve_)
    assert model.n_iter_ < 200


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_float32_trains_and_predicts_in_float32(Estimator, digits):
    X, y = digits
    model = make(Estimator, random_state=0, max_iter=3).fit(X.astype(np.float32), y)
    weights, intercepts = model._fitted_parameters()
    assert all(a.dtype == np.float32 for a in [*weights, *intercepts])
    X32 = X[:5].astype(np.float32)
    for method in ("predict_proba", "predict_log_proba", "decision_function"):
        assert getattr(model, method)(X32).dtype == np.float32
    float64 = make(Estimator, random_state=0, max_iter=3).fit(X, y)
    assert float64._fitted_parameters()[0][0].dtype == np.float64
    np.testing.assert_allclose(model.predict_proba(X32), float64.predict_proba(X[:5]), atol=1e-3)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_model(Estimator, digits, fmt):
    X, y = digits
    dense = make(Estimator, random_state=0, max_iter=3, batch_size=64).fit(X, y)
    sparse = make(Estimator, random_state=0, max_iter=3, batch_size=64).fit(
        sp.csr_matrix(X).asformat(fmt), y
    )
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-7
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_verbose_prints_one_line_per_epoch(Estimator, digits, capsys):
    X, y = digits
    make(Estimator, verbose=True, max_iter=3, early_stopping=True, random_state=0).fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Epoch")]
    assert len(lines) == 3
    assert "loss = " in lines[0] and "validation loss = " in lines[0]
    assert "validation accuracy = " in lines[0] and lines[0].endswith(" s")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_verbose_messages_say_what_happened(digits, capsys):
    X, y = digits
    # The stopping rule, for every solver: more than n_iter_no_change epochs (or L-BFGS
    # iterations) without improvement, as many as the message says.
    # Validation labels that training cannot predict: their loss rises from epoch 1 on.
    y_val = np.roll(y, 1)
    for solver in ("sgd", "lbfgs"):
        model = make(
            SoftmaxGD, solver=solver, verbose=True, early_stopping=True, n_iter_no_change=2,
            random_state=0,
        )  # fmt: skip
        model.fit(X, y, X_val=X, y_val=y_val)
        out = capsys.readouterr().out
        assert "did not improve more than tol=0.0001 for 3 consecutive epochs. Stop" in out
        assert model.n_iter_ == 4  # epochs 2 to 4 did not improve on the first
        assert len(re.findall(r"^Epoch \d+, loss = .*, [0-9.]+ s$", out, flags=re.M)) == 4
    # An adaptive step below 1e-6 is printed as it is, not as 0.000000.
    adaptive = make(SoftmaxGD, learning_rate="adaptive", learning_rate_init=1e-5, tol=10.0)
    adaptive.set_params(verbose=True, n_iter_no_change=1, max_iter=6).fit(X, y)
    assert "Setting learning rate to 2e-06" in capsys.readouterr().out
    # A warm start without validation data prints no validation loss of NaN.
    warm = make(SoftmaxGD, verbose=True, max_iter=2, early_stopping=True).fit(X, y)
    capsys.readouterr()
    warm.set_params(warm_start=True, early_stopping=False).fit(X, y)
    assert "nan" not in capsys.readouterr().out
    # partial_fit trains one epoch per call, whatever the rule: no "Stopping."
    incremental = make(SoftmaxGD, verbose=True, tol=10.0, n_iter_no_change=1)
    for _ in range(4):
        incremental.partial_fit(X, y, classes=np.arange(10))
    assert "Stopping" not in capsys.readouterr().out


def test_convergence_warning_only_when_max_iter_is_reached(digits):
    X, y = digits
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        SoftmaxGD(max_iter=2).fit(X, y)


def test_learning_rate_schedules(digits):
    X, y = digits
    invscaling = SoftmaxGD(
        learning_rate="invscaling", learning_rate_init=0.5, power_t=0.5, max_iter=3
    )
    with pytest.warns(ConvergenceWarning):
        invscaling.fit(X, y)
    # eta = eta_0 / (t + 1) ** power_t after each epoch, t the samples seen.
    expected = 0.5 / (3 * len(y) + 1) ** 0.5
    assert invscaling._training_state["optimizer"]["learning_rate"] == pytest.approx(expected)

    adaptive = SoftmaxGD(
        learning_rate="adaptive", learning_rate_init=0.1, tol=10.0, n_iter_no_change=1
    )
    adaptive.fit(X, y)  # no epoch improves by tol: each patience period divides eta by 5
    assert adaptive._training_state["optimizer"]["learning_rate"] <= 1e-6
    # Epoch 1 improves on an infinite best loss; then each 2 epochs without improvement
    # (more than n_iter_no_change=1) divide eta by 5: 8 times, from 0.1 to 2.56e-7 < 1e-6;
    # the next 2 such epochs stop training.
    assert adaptive.n_iter_ == 1 + 8 * 2 + 2


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_monitor_records_training_accuracy_and_batch_losses(Estimator, digits):
    X, y = digits
    model = make(Estimator, monitor=["train_score", "batch_loss"], max_iter=3, batch_size=100)
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    assert len(model.train_scores_) == 3 and len(model.batch_loss_curve_) == 9
    assert model.train_scores_[-1] == pytest.approx(model.score(X, y))
    np.testing.assert_allclose(np.mean(model.batch_loss_curve_[-3:]), model.loss_curve_[-1])
    plain = make(Estimator, max_iter=3).fit(X, y)
    assert plain.train_scores_ is None and plain.batch_loss_curve_ is None


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_monitor_with_lbfgs_records_each_iteration(Estimator, digits):
    # An iteration of L-BFGS is its epoch, and all the training data its one batch.
    X, y = digits
    model = make(Estimator, solver="lbfgs", monitor=["train_score", "batch_loss"], max_iter=4)
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    assert len(model.train_scores_) == model.n_iter_ == 4
    assert model.train_scores_[-1] == pytest.approx(model.score(X, y))
    assert model.batch_loss_curve_ == model.loss_curve_
