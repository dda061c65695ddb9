"""Drop-in parity: what scikit-learn's MLPClassifier, SGDClassifier and
LogisticRegression accept, sknn's estimators accept (each test failed on the previous
engine)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_breast_cancer, load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._optimizers import SGD
from sknn.utils import check_gradients


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def multilabel():
    X, Y = make_multilabel_classification(n_samples=200, n_features=8, n_classes=3, random_state=0)
    return StandardScaler().fit_transform(X), Y


# ---------------------------------------------------------------- 1. activation names
def test_logistic_is_scikit_learns_name_of_the_sigmoid(iris):
    X, y = iris
    settings = dict(hidden_layer_sizes=(5,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        logistic = MLPClassifierGD(activation="logistic", **settings).fit(X, y)
        sigmoid = MLPClassifierGD(activation="sigmoid", **settings).fit(X, y)
    for a, b in zip(logistic.coefs_, sigmoid.coefs_, strict=True):
        assert_array_equal(a, b)  # one activation, two names
    assert logistic.out_activation_ == "softmax"
    # The same hyper-parameter names as MLPClassifier's work unchanged.
    params = MLPClassifier(activation="logistic", solver="adam").get_params()
    shared = {k: params[k] for k in ("activation", "solver", "beta_1", "beta_2", "epsilon")}
    assert MLPClassifierGD(**shared).get_params()["activation"] == "logistic"


# ---------------------------------------------------------------- 2. multi-label targets
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_mlp_fits_multilabel_indicator_targets(multilabel, solver):
    X, Y = multilabel
    model = MLPClassifierGD((16,), solver=solver, max_iter=200, random_state=0).fit(X, Y)
    assert_array_equal(model.classes_, [0, 1, 2])
    assert model.out_activation_ == "logistic" and model.n_outputs_ == 3
    proba = model.predict_proba(X)
    assert proba.shape == Y.shape and ((proba > 0) & (proba < 1)).all()
    # Each label is predicted where its own probability is above one half.
    assert_array_equal(model.predict(X), (proba > 0.5).astype(int))
    assert_allclose(model.predict_log_proba(X), np.log(proba), rtol=1e-6, atol=1e-9)
    assert model.decision_function(X).shape == Y.shape
    assert model.score(X, Y) > 0.5  # subset accuracy, as scikit-learn's MLP
    assert get_tags(model).classifier_tags.multi_label


def test_multilabel_gradient_is_checked(multilabel):
    X, Y = multilabel
    model = MLPClassifierGD((4,), activation="tanh", alpha=0.1, random_state=0)
    assert max(check_gradients(model, X[:20], Y[:20]).values()) < 1e-6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_multilabel_partial_fit_and_errors(multilabel):
    X, Y = multilabel
    model = MLPClassifierGD((8,), random_state=0)
    with pytest.raises(ValueError, match=r"classes must be the label columns of y, 0 to 2"):
        model.partial_fit(X, Y, classes=[0, 1])
    for _ in range(3):
        model.partial_fit(X, Y, classes=range(3))
    assert model.n_iter_ == 3 and model.predict(X).shape == Y.shape
    with pytest.raises(ValueError, match="y has 2 labels, but this model was fitted on 3"):
        model.partial_fit(X, Y[:, :2])
    with pytest.raises(ValueError, match="class_weight is not supported for multi-label"):
        MLPClassifierGD(class_weight="balanced").fit(X, Y)
    # SoftmaxGD's one softmax over the classes takes one label per sample: it says so.
    with pytest.raises(
        ValueError, match=r"SoftmaxGD takes one label per sample .* shape \(200, 3\)"
    ):
        SoftmaxGD().fit(X, Y)
    # ... so the tags do not announce multi-label fitting then (check_estimator reads them).
    assert not get_tags(MLPClassifierGD(class_weight={0: 2.0})).classifier_tags.multi_label
    with pytest.raises(ValueError, match="not 'multiclass-multioutput' targets"):
        MLPClassifierGD().fit(X, Y * np.array([1, 2, 3]))
    # Later calls check classes as the first did, as for 1-d labels.
    with pytest.raises(ValueError, match=r"classes=\[5, 6, 7\] is not the same as on the first"):
        model.partial_fit(X, Y, classes=[5, 6, 7])
    model.partial_fit(X, Y, classes=[0, 1, 2])
    # Two-valued matrices other than 0/1 (scikit-learn's type_of_target calls them
    # indicators too) would make the cross-entropy unbounded: refused, y and y_val.
    for not_01 in (Y * 2, Y - 1):
        with pytest.raises(ValueError, match=r"y is a 2-d indicator .* must be 0 or 1"):
            MLPClassifierGD().fit(X, not_01)
        with pytest.raises(ValueError, match=r"y_val is a 2-d indicator .* must be 0 or 1"):
            MLPClassifierGD().fit(X, Y, X_val=X[:5], y_val=not_01[:5])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", [MLPClassifierGD, LogisticRegressionGD])
def test_a_model_of_class_labels_is_not_continued_on_multilabel_targets(multilabel, Estimator):
    # As scikit-learn's MLPClassifier: "The object was not fitted with multilabel input."
    # Here y has as many columns as there are classes, so only the kind of y differs.
    X, Y = multilabel
    y = Y.argmax(axis=1)
    message = "This model was fitted on 1-d class labels, and y is a multi-label indicator"
    warm = Estimator(warm_start=True, max_iter=3, random_state=0).fit(X, y)
    coef = np.copy(warm._fitted_parameters()[0][0])
    with pytest.raises(ValueError, match=message):
        warm.fit(X, Y)
    assert_array_equal(warm._fitted_parameters()[0][0], coef)  # the fit is kept
    incremental = Estimator(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=message):
        incremental.partial_fit(X, Y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_sparse_label_indicator_is_taken_as_the_dense_one(multilabel):
    # scikit-learn's MLPClassifier takes a sparse indicator y too.
    X, Y = multilabel
    dense = MLPClassifierGD((4,), max_iter=5, random_state=0).fit(X, Y, X_val=X[:20], y_val=Y[:20])
    sparse = MLPClassifierGD((4,), max_iter=5, random_state=0)
    sparse.fit(X, sp.csr_matrix(Y), X_val=X[:20], y_val=sp.csr_matrix(Y[:20]))
    assert_array_equal(sparse.predict_proba(X), dense.predict_proba(X))
    assert sparse.validation_loss_curve_ == dense.validation_loss_curve_


def test_logistic_regression_multilabel_is_one_binary_problem_per_label(multilabel):
    """Decided: LogisticRegressionGD takes indicator targets too, at no extra cost (its
    one-vs-rest sigmoid units are the MLP's multi-label output layer): its optimum is
    that of one binary logistic regression per label."""
    X, Y = multilabel
    alpha = 0.01
    model = LogisticRegressionGD(solver="lbfgs", alpha=alpha, tol=1e-10, max_iter=10_000)
    model.fit(X, Y)
    for label in range(Y.shape[1]):
        reference = LogisticRegression(C=1 / (2 * len(Y) * alpha), tol=1e-10, max_iter=10_000)
        reference.fit(X, Y[:, label])
        assert_allclose(model.coef_[label], reference.coef_[0], rtol=1e-4, atol=1e-6)
        assert_allclose(model.intercept_[label], reference.intercept_[0], rtol=1e-4, atol=1e-6)
    assert not get_tags(SoftmaxGD()).classifier_tags.multi_label  # softmax: one label


# ---------------------------------------------------------------- 3. fit_intercept
@pytest.mark.parametrize(
    "Estimator, load",
    # (binary softmax has two rows of coef_, each penalised: compare it on 3 classes)
    [(LogisticRegressionGD, load_breast_cancer), (SoftmaxGD, load_iris)],
)
def test_fit_intercept_false(Estimator, load):
    X, y = load(return_X_y=True)
    X = StandardScaler().fit_transform(X) + 1.0  # an intercept would matter
    alpha = 0.01
    model = Estimator(fit_intercept=False, solver="lbfgs", alpha=alpha, tol=1e-10)
    model.set_params(max_iter=10_000).fit(X, y)
    assert_array_equal(model.intercept_, np.zeros_like(model.intercept_))
    reference = LogisticRegression(
        fit_intercept=False, C=1 / (2 * len(y) * alpha), tol=1e-10, max_iter=10_000
    ).fit(X, y)
    assert_allclose(model.predict_proba(X), reference.predict_proba(X), rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------- 4. floating-point state
@pytest.mark.parametrize("Estimator", [SoftmaxGD, MLPClassifierGD, LogisticRegressionGD])
def test_every_method_works_when_floating_point_warnings_raise(Estimator, iris):
    """exp of a very negative logit underflows to 0 in a softmax: harmless, never raised."""
    X, y = iris
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Estimator(max_iter=50, learning_rate_init=0.5, random_state=0).fit(X * 20, y)
        for method in ("predict", "predict_proba", "predict_log_proba", "decision_function"):
            assert np.all(np.isfinite(getattr(model, method)(X * 50)))
        model.score(X, y)
        model.partial_fit(X * 20, y)


# ---------------------------------------------------------------- 5. a large penalty
def test_an_overshooting_penalty_step_is_refused_with_its_product(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"2 \* learning_rate_init \* alpha = 1e\+04, at or above"):
        SoftmaxGD(alpha=5e4, learning_rate_init=0.1).fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "momentum, nesterov", [(0.0, True), (0.5, False), (0.9, True), (0.9, False)]
)
def test_a_penalty_step_is_refused_exactly_where_it_cannot_converge(iris, momentum, nesterov):
    # Below the limit the weights of an input that is always 0 (where only the penalty
    # acts) decay; at 1.02 times the limit they would grow, and the fit is refused.
    X, y = iris
    X = np.c_[X, np.zeros(len(X))]
    limit = SGD.stable_step_limit(momentum, nesterov)
    settings = dict(learning_rate_init=0.01, momentum=momentum, nesterovs_momentum=nesterov)
    alpha = 0.98 * limit / (2 * 0.01)
    model = MLPClassifierGD((4,), alpha=alpha, max_iter=200, random_state=0, **settings)
    start = MLPClassifierGD((4,), alpha=alpha, max_iter=1, random_state=0, **settings)
    start.partial_fit(X, y, classes=[0, 1, 2])  # (the initial weights, one epoch in)
    model.fit(X, y)
    assert np.abs(model.coefs_[0][-1]).max() < 1e-3 * np.abs(start.coefs_[0][-1]).max()
    with pytest.raises(ValueError, match="SGD's steps on the penalty alpha"):
        model.set_params(alpha=1.02 * limit / (2 * 0.01)).fit(X, y)


@pytest.mark.parametrize("solver, largest", [("adam", 1e-2), ("lbfgs", 1e-5)])
def test_a_large_penalty_shrinks_the_weights_to_zero(iris, solver, largest):
    """Like SGDClassifier with alpha=5e4: weights near zero, no divergence (Adam's
    steps of about learning_rate_init keep it within a few steps of zero)."""
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = SoftmaxGD(alpha=5e4, solver=solver, learning_rate_init=1e-3, random_state=0)
        model.fit(X, y)
    assert np.abs(model.coef_).max() < largest


# ---------------------------------------------------------------- 7. max_iter=0
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_max_iter_zero_keeps_the_initial_model(iris, solver):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="max_iter=0: the parameters were initialised"):
        model = MLPClassifierGD((4,), solver=solver, max_iter=0, random_state=0).fit(X, y)
    # The initial weights are those any fit with this seed starts from: here, one
    # epoch of steps too small to move them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = MLPClassifierGD((4,), max_iter=1, learning_rate_init=1e-300, random_state=0)
        first.fit(X, y)
    for a, b in zip(model.coefs_, first.coefs_, strict=True):
        assert_allclose(a, b, rtol=1e-12)
    assert model.n_iter_ == 0 and model.loss_curve_ == [] and model.loss_ is None
    assert np.isfinite(model.predict_proba(X)).all()
