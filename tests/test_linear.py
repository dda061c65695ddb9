"""LogisticRegressionGD and SoftmaxGD: shapes, outputs, accuracy, model selection."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD, SoftmaxGD


def split_scaled(X, y):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.fixture(scope="module")
def digits():
    return load_digits(return_X_y=True)


def test_softmax_reaches_95_percent_on_digits(digits):
    X_train, X_test, y_train, y_test = split_scaled(*digits)
    model = SoftmaxGD(random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.95


def test_logistic_reaches_97_percent_on_digits_2_vs_3(digits):
    X, y = digits
    two_or_three = (y == 2) | (y == 3)
    X_train, X_test, y_train, y_test = split_scaled(X[two_or_three], y[two_or_three])
    model = LogisticRegressionGD(random_state=0).fit(X_train, y_train)
    assert model.score(X_test, y_test) >= 0.97
    assert model.coef_.shape == (1, 64) and model.intercept_.shape == (1,)


@pytest.mark.parametrize(
    "Estimator, n_classes, coef_rows",
    [
        (LogisticRegressionGD, 2, 1),
        (LogisticRegressionGD, 4, 4),
        (SoftmaxGD, 2, 2),
        (SoftmaxGD, 4, 4),
    ],
)
def test_coef_shapes(Estimator, n_classes, coef_rows, digits):
    X, y = digits
    keep = y < n_classes
    model = Estimator(max_iter=20).fit(X[keep], y[keep])
    assert model.coef_.shape == (coef_rows, 64)
    assert model.intercept_.shape == (coef_rows,)
    assert model.predict_proba(X[:3]).shape == (3, n_classes)


def logits(model, X):
    return X @ model.coef_.T + model.intercept_


def test_softmax_outputs_from_coef(digits):
    X, y = digits
    model = SoftmaxGD(max_iter=20).fit(X, y)
    Z = logits(model, X[:20])
    expected = np.exp(Z - Z.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X[:20]), expected, rtol=1e-10)
    np.testing.assert_allclose(model.decision_function(X[:20]), Z, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X[:20]), model.classes_[Z.argmax(1)])


def test_softmax_binary_decision_is_logit_difference(digits):
    X, y = digits
    keep = y < 2
    labels = np.where(y[keep] == 0, "zero", "one")
    model = SoftmaxGD(max_iter=20).fit(X[keep], labels)
    Z = logits(model, X[keep])
    decision = model.decision_function(X[keep])
    np.testing.assert_allclose(decision, Z[:, 1] - Z[:, 0], rtol=1e-10)
    np.testing.assert_array_equal(
        model.predict(X[keep]), model.classes_[(decision > 0).astype(int)]
    )


def test_logistic_outputs_are_one_vs_rest(digits):
    X, y = digits
    model = LogisticRegressionGD(max_iter=20).fit(X, y)
    sigmoid = 1 / (1 + np.exp(-logits(model, X[:20])))
    np.testing.assert_allclose(model.predict_proba(X[:20]), sigmoid / sigmoid.sum(1, keepdims=True))
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X[:20])), model.predict_proba(X[:20]))

    keep = y < 2
    binary = LogisticRegressionGD(max_iter=20).fit(X[keep], y[keep])
    z = logits(binary, X[keep])[:, 0]
    np.testing.assert_allclose(binary.decision_function(X[keep]), z)
    np.testing.assert_allclose(binary.predict_proba(X[keep])[:, 1], 1 / (1 + np.exp(-z)))
    np.testing.assert_array_equal(binary.predict(X[keep]), (z > 0).astype(int))


@pytest.mark.parametrize("Estimator", [LogisticRegressionGD, SoftmaxGD])
def test_log_proba_is_finite_where_proba_rounds_to_zero(Estimator, digits):
    X, y = digits
    model = Estimator(max_iter=20).fit(X, y)
    model.coef_ = model.coef_ * 1e4  # logits of order 1e4 or more
    assert (model.predict_proba(X[:50]) == 0).any()
    log_proba = model.predict_log_proba(X[:50])
    assert np.isfinite(log_proba).all()
    np.testing.assert_allclose(model.predict_proba(X[:50]).sum(1), 1, rtol=1e-6)


@pytest.mark.parametrize("Estimator", [LogisticRegressionGD, SoftmaxGD])
def test_grid_search_over_alpha_in_a_pipeline(Estimator, digits):
    X, y = digits
    pipeline = Pipeline(
        [("scale", StandardScaler()), ("model", Estimator(random_state=0, max_iter=30))]
    )
    alphas = [1e-4, 1e-2, 1.0]
    search = GridSearchCV(pipeline, {"model__alpha": alphas}, cv=3, n_jobs=2)
    with pytest.warns(Warning):  # ConvergenceWarning, from max_iter=30
        search.fit(X[:600], y[:600])
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_["model__alpha"] in alphas
    assert scores.shape == (3,) and np.all((0 < scores) & (scores <= 1))
    assert scores[2] < max(scores)  # alpha = 1 (||W||^2 unscaled) over-regularises
    assert search.best_estimator_.score(X[600:900], y[600:900]) > 0.8
