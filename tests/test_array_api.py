"""The estimators under ``sklearn.set_config(array_api_dispatch=True)``: PyTorch tensors
and array-api-strict arrays in, trained and predicted in their namespace.

scikit-learn's own ``check_array_api_input`` runs in tests/test_common.py (the
estimators declare ``array_api_support``). Here: a fit on another namespace equals the
NumPy fit (float64, 1e-6 relative), every result is an array of the input's namespace,
and the rest of the engine (partial_fit, X_val, weights, multi-label, persistence,
check_gradients) works there too. Skipped when the libraries are absent.
"""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import config_context
from sklearn.datasets import load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._primitives import namespace, to_numpy
from sknn.utils import check_gradients, estimator_to_numpy


def _namespaces():
    found = []
    try:
        import array_api_strict

        found.append(pytest.param(array_api_strict.asarray, id="array_api_strict"))
    except ImportError:
        pass
    try:
        import torch

        found.append(pytest.param(lambda a: torch.asarray(a, device="cpu"), id="torch_cpu"))
    except ImportError:
        pass
    return found


NAMESPACES = _namespaces()
pytestmark = [
    pytest.mark.skipif(not NAMESPACES, reason="neither array-api-strict nor torch installed"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]
ESTIMATORS = {
    "LogisticRegressionGD": lambda **p: LogisticRegressionGD(**p),
    "SoftmaxGD": lambda **p: SoftmaxGD(**p),
    "MLPClassifierGD": lambda **p: MLPClassifierGD((6,), **p),
}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def parameters(model):
    weights, intercepts = model._fitted_parameters()
    return [to_numpy(array) for array in [*weights, *intercepts]]


def same_model(a, b):
    for x, y in zip(parameters(a), parameters(b), strict=True):
        assert_allclose(x, y, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("to_xp", NAMESPACES)
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_a_fit_in_another_namespace_is_the_numpy_fit(name, solver, to_xp, iris):
    X, y = iris
    settings = dict(solver=solver, max_iter=15, batch_size=32, random_state=0)
    reference = ESTIMATORS[name](**settings).fit(X, y)
    X_xp, y_xp = to_xp(X), to_xp(y)
    xp = namespace(X_xp)
    with config_context(array_api_dispatch=True):
        model = ESTIMATORS[name](**settings).fit(X_xp, y_xp)
        results = {
            method: getattr(model, method)(X_xp)
            for method in ("predict", "predict_proba", "predict_log_proba", "decision_function")
        }
        score = model.score(X_xp, y_xp)
    same_model(model, reference)
    for array in [*model._fitted_parameters()[0], model.classes_, *results.values()]:
        assert namespace(array) is xp  # every result lives in the input's namespace
    for method, result in results.items():
        assert_allclose(
            to_numpy(result), getattr(reference, method)(X), rtol=1e-6, atol=1e-9, err_msg=method
        )
    assert score == pytest.approx(reference.score(X, y))
    assert model.loss_curve_ == pytest.approx(reference.loss_curve_, rel=1e-9)


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_the_rest_of_the_engine_in_another_namespace(to_xp, iris):
    """partial_fit, X_val with early stopping, sample and class weights, dropout."""
    X, y = iris
    weights = np.random.RandomState(0).uniform(0.5, 2, size=len(y))
    settings = dict(
        dropout=0.2, early_stopping=True, class_weight={0: 2.0}, max_iter=10, random_state=0
    )
    reference = MLPClassifierGD((6,), **settings).fit(
        X, y, sample_weight=weights, X_val=X[::3], y_val=y[::3]
    )
    with config_context(array_api_dispatch=True):
        model = MLPClassifierGD((6,), **settings).fit(
            to_xp(X),
            to_xp(y),
            sample_weight=to_xp(weights),
            X_val=to_xp(X[::3]),
            y_val=to_xp(y[::3]),
        )
    same_model(model, reference)  # the same dropout masks and shuffles: drawn with NumPy
    assert model.validation_loss_curve_ == pytest.approx(reference.validation_loss_curve_)

    with config_context(array_api_dispatch=True):
        streamed = SoftmaxGD(random_state=0)
        for _ in range(3):
            streamed.partial_fit(to_xp(X), to_xp(y), classes=to_xp(np.arange(3)))
    host = SoftmaxGD(random_state=0)
    for _ in range(3):
        host.partial_fit(X, y, classes=np.arange(3))
    same_model(streamed, host)


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_multilabel_targets_in_another_namespace(to_xp):
    X, Y = make_multilabel_classification(n_samples=60, n_features=5, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X)
    reference = MLPClassifierGD((5,), max_iter=10, random_state=0).fit(X, Y)
    with config_context(array_api_dispatch=True):
        model = MLPClassifierGD((5,), max_iter=10, random_state=0).fit(to_xp(X), to_xp(Y))
        predicted = model.predict(to_xp(X))
    same_model(model, reference)
    assert_allclose(to_numpy(predicted), reference.predict(X))


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_persistence_and_gradient_checks_of_a_model_of_another_namespace(to_xp, iris):
    X, y = iris
    with config_context(array_api_dispatch=True):
        model = SoftmaxGD(max_iter=5, random_state=0, alpha=0.1).fit(to_xp(X), to_xp(y))
    # check_gradients and objective_and_gradients compute in float64 NumPy.
    assert max(check_gradients(model, X[:20], y[:20]).values()) < 1e-6
    # A NumPy copy for skops (which trusts NumPy arrays, not other libraries' types).
    on_host = estimator_to_numpy(model)
    assert isinstance(on_host.coef_, np.ndarray) and isinstance(on_host.classes_, np.ndarray)
    with config_context(array_api_dispatch=True):
        on_device = to_numpy(model.predict_proba(to_xp(X)))
    assert_allclose(on_host.predict_proba(X), on_device)
    # Without dispatch, X would become NumPy: a clear error, not a failed product.
    with pytest.raises(ValueError, match=r"under sklearn.config_context\(array_api_dispatch"):
        model.predict(X)
    assert isinstance(model._fitted_parameters()[0][0], type(to_xp(X)))  # left as it was
    skops_io = pytest.importorskip("skops.io")
    data = skops_io.dumps(on_host)
    assert skops_io.get_untrusted_types(data=data) == ["sknn._softmax.SoftmaxGD"]
    if "torch" in type(model.coef_).__module__:  # PyTorch's tensors pickle as they are
        loaded = pickle.loads(pickle.dumps(model))
        with config_context(array_api_dispatch=True):
            assert_allclose(
                to_numpy(loaded.predict_proba(to_xp(X))), to_numpy(model.predict_proba(to_xp(X)))
            )


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_lbfgs_refuses_another_namespace_clearly(to_xp, iris):
    X, y = iris
    with config_context(array_api_dispatch=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError, match="solver='lbfgs' runs SciPy's minimizer, on NumPy"):
            SoftmaxGD(solver="lbfgs").fit(to_xp(X), to_xp(y))


def test_without_dispatch_other_arrays_are_converted_to_numpy(iris):
    """Without array_api_dispatch the behaviour is NumPy's, as for every estimator."""
    torch = pytest.importorskip("torch")
    X, y = iris
    model = SoftmaxGD(max_iter=3, random_state=0).fit(torch.asarray(X), torch.asarray(y))
    assert isinstance(model.coef_, np.ndarray)
    same_model(model, SoftmaxGD(max_iter=3, random_state=0).fit(X, y))


def _as(to_xp, a, dtype):
    """``a`` in the namespace of ``to_xp``, of the NumPy ``dtype``."""
    return to_xp(np.asarray(a, dtype=dtype))


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_data_of_another_dtype_than_the_model_trains_as_with_numpy(to_xp, iris):
    """float64 X_val for a float32 fit, and float64 X to go on with a float32 model:
    gathered in the model's dtype, as the NumPy path does."""
    X, y = iris
    weights = np.linspace(0.5, 2.0, len(y))
    settings = dict(max_iter=3, random_state=0, class_weight="balanced")
    reference = SoftmaxGD(**settings).fit(
        X.astype(np.float32), y, weights, X_val=X[::3], y_val=y[::3]
    )
    with config_context(array_api_dispatch=True):
        model = SoftmaxGD(**settings).fit(
            _as(to_xp, X, np.float32),
            to_xp(y),
            to_xp(weights),
            X_val=to_xp(X[::3]),
            y_val=to_xp(y[::3]),
        )
        assert_allclose(to_numpy(model.coef_), reference.coef_, rtol=1e-5, atol=1e-6)
        model.set_params(warm_start=True).fit(to_xp(X), to_xp(y))
        model.set_params(class_weight={0: 1.0, 1: 2.0, 2: 1.0}).partial_fit(to_xp(X), to_xp(y))
        assert "float32" in str(model.coef_.dtype)
        assert_allclose(
            to_numpy(model.validation_loss_curve_[:3]), reference.validation_loss_curve_, rtol=1e-4
        )


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_multilabel_targets_with_validation_data_in_another_namespace(to_xp, iris):
    X, y = iris
    Y = np.stack([y == 0, y == 1, X[:, 0] > 0], axis=1).astype(int)
    with config_context(array_api_dispatch=True):
        model = MLPClassifierGD((4,), max_iter=3, random_state=0)
        model.fit(to_xp(X), to_xp(Y), X_val=to_xp(X[::2]), y_val=to_xp(Y[::2]))
    assert len(model.validation_loss_curve_) == 3


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_going_on_with_arrays_of_another_namespace_is_refused_clearly(to_xp, iris):
    X, y = iris
    numpy_model = SoftmaxGD(max_iter=2, random_state=0).fit(X, y)
    with config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match="parameters are arrays of NumPy.* partial_fit"):
            numpy_model.partial_fit(to_xp(X), to_xp(y))
        other = SoftmaxGD(max_iter=2, random_state=0, warm_start=True).fit(to_xp(X), to_xp(y))
        with pytest.raises(ValueError, match="X_val is an array of NumPy"):
            SoftmaxGD(max_iter=2).fit(to_xp(X), to_xp(y), X_val=X, y_val=y)
    with pytest.raises(ValueError, match="and X is an array of NumPy: fit"):
        other.fit(X, y)


@pytest.mark.parametrize("to_xp", NAMESPACES)
def test_estimator_to_numpy_copies(to_xp, iris):
    X, y = iris
    with config_context(array_api_dispatch=True):
        model = MLPClassifierGD((4,), max_iter=2, random_state=0).fit(to_xp(X), to_xp(y))
    before = to_numpy(model.coefs_[0]).copy()
    converted = estimator_to_numpy(model)
    converted.coefs_[0][...] = 0.0
    converted._training_state["optimizer"]["velocity"][...] = 1.0
    assert_allclose(to_numpy(model.coefs_[0]), before)
    assert not np.any(to_numpy(model._training_state["optimizer"]["velocity"]) == 1.0)


def test_a_device_without_float64_trains_in_float32(iris):
    """Every sum and mean runs in the widest float of the device (Apple's MPS has no
    float64): validation, class weights, sample weights, training scores."""
    xps = pytest.importorskip("array_api_strict")
    X, y = iris
    device = xps.Device("no_float64")

    def on(a, dtype=None):
        return xps.asarray(a, dtype=dtype, device=device)

    with config_context(array_api_dispatch=True):
        model = SoftmaxGD(
            max_iter=3,
            early_stopping=True,
            class_weight="balanced",
            monitor="train_score",
            random_state=0,
        )
        model.fit(on(X, xps.float32), on(y), on(np.linspace(1, 2, len(y)), xps.float32))
        assert model.coef_.device == device
        assert len(model.validation_scores_) == len(model.train_scores_) == 3


def test_unsigned_labels_predict_under_torch(iris):
    torch = pytest.importorskip("torch")
    X, y = iris
    with config_context(array_api_dispatch=True):
        model = SoftmaxGD(max_iter=3, random_state=0)
        model.fit(torch.asarray(X), torch.asarray(y, dtype=torch.uint32))
        predicted = model.predict(torch.asarray(X))
    assert predicted.dtype == torch.uint32
    reference = SoftmaxGD(max_iter=3, random_state=0).fit(X, y.astype(np.uint32))
    assert (predicted.numpy() == reference.predict(X)).mean() > 0.95


# ---------------------------------------------------------------- found by review
@pytest.mark.parametrize(
    "fit_dtype, predict_dtype", [("float64", "float32"), ("float32", "float64")]
)
@pytest.mark.parametrize("name", ["SoftmaxGD", "MLPClassifierGD"])
def test_predicting_on_the_other_float_dtype_promotes_as_numpy_does(
    name, fit_dtype, predict_dtype, iris
):
    torch = pytest.importorskip("torch")
    X, y = iris
    reference = ESTIMATORS[name](max_iter=3, random_state=0).fit(X.astype(fit_dtype), y)
    expected = reference.predict_proba(X.astype(predict_dtype))
    with config_context(array_api_dispatch=True):
        model = ESTIMATORS[name](max_iter=3, random_state=0)
        model.fit(torch.asarray(X.astype(fit_dtype)), torch.asarray(y))
        proba = model.predict_proba(torch.asarray(X.astype(predict_dtype)))
        predicted = model.predict(torch.asarray(X.astype(predict_dtype)))
    assert proba.dtype == torch.float64 and expected.dtype == np.float64
    assert_allclose(to_numpy(proba), expected, rtol=1e-5, atol=1e-6)
    assert_allclose(to_numpy(predicted), reference.predict(X.astype(predict_dtype)))


def test_labels_of_a_tensor_on_any_device_are_not_read_on_the_host():
    # Torch tensors have no __array_namespace__: np.asarray on one on a GPU raised.
    torch = pytest.importorskip("torch")
    from sknn._labels import check_label_types

    check_label_types(torch.zeros(3, device="meta"), "y")  # a stand-in for "cuda"


def test_gradient_utilities_move_device_arrays_to_the_host(iris):
    xps = pytest.importorskip("array_api_strict")
    from sknn.utils import objective_and_gradients

    X, y = iris
    device = xps.Device("device1")
    with config_context(array_api_dispatch=True):
        model = SoftmaxGD(max_iter=3, random_state=0)
        model.fit(xps.asarray(X, device=device), xps.asarray(y, device=device))
        J_device, _ = objective_and_gradients(
            model, xps.asarray(X, device=device), xps.asarray(y, device=device)
        )
        given = {"coef_": model.coef_, "intercept_": model.intercept_}  # on device1
        J_given, _ = objective_and_gradients(SoftmaxGD(), X, y, parameters=given)
        errors = check_gradients(
            model, xps.asarray(X, device=device), xps.asarray(y, device=device)
        )
    J_host, _ = objective_and_gradients(estimator_to_numpy(model), X, y)
    assert J_device == pytest.approx(J_host, rel=1e-12) == J_given
    assert max(errors.values()) < 1e-6


@pytest.mark.parametrize("to_array", NAMESPACES)
def test_sample_weights_given_as_a_list(to_array, iris):
    X, y = iris
    weights = np.linspace(0.5, 2.0, len(y)).tolist()
    reference = SoftmaxGD(max_iter=3, random_state=0).fit(X, y, sample_weight=weights)
    with config_context(array_api_dispatch=True):
        model = SoftmaxGD(max_iter=3, random_state=0)
        model.fit(to_array(X), to_array(y), sample_weight=weights)
    same_model(model, reference)
