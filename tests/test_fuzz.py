"""Property-based fuzzing of every estimator and solver (hypothesis).

Random shapes, input dtypes (float16/32/64, int, bool), label types, sparse formats,
sample weights and hyper-parameters within their constraints. Whatever is drawn:

- a fit either succeeds or raises a clear error (ValueError, FloatingPointError);
- a fitted model gives finite probabilities, in [0, 1], whose rows sum to 1, and
  ``predict`` is the class of largest probability;
- X, y and sample_weight are never modified;
- a call that fails leaves a fitted estimator exactly as it was.

The example budget is the ``ci`` profile's (tests/conftest.py): fixed and derandomized.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from sknn._activations import ACTIVATIONS
from sknn.utils import all_estimators

ESTIMATORS = [Estimator for _, Estimator in all_estimators()]
LABELS = {
    "int": np.array([3, -1, 7, 0]),
    "str": np.array(["cat", "dog", "emu", "yak"]),
    # Whole numbers: a classifier takes float labels that are (0.5 is "continuous",
    # refused by scikit-learn's check_classification_targets).
    "float": np.array([0.0, -2.0, 1e3, 7.0]),
    "bool": np.array([False, True]),
}
FORMATS = ["dense", "csr", "csc", "coo"]
INPUT_DTYPES = [np.float16, np.float32, np.float64, np.int32, np.int64, bool]


@st.composite
def problems(draw):
    """An estimator with hyper-parameters in their constraints, and data to fit."""
    Estimator = draw(st.sampled_from(ESTIMATORS))
    solver = draw(st.sampled_from(["sgd", "adam", "lbfgs"]))
    params = dict(
        solver=solver,
        alpha=draw(st.sampled_from([0.0, 1e-4, 0.1, 10.0])),
        batch_size=draw(st.sampled_from(["auto", 1, 3, 16, 100])),
        learning_rate_init=draw(st.sampled_from([1e-6, 1e-2, 0.5, 10.0])),
        max_iter=draw(st.integers(1, 4)),
        shuffle=draw(st.booleans()),
        random_state=draw(st.integers(0, 1000)),
        tol=draw(st.sampled_from([0.0, 1e-4, 1.0])),
        n_iter_no_change=draw(st.integers(1, 3)),
        early_stopping=draw(st.booleans()),
        validation_fraction=draw(st.sampled_from([0.1, 0.3, 0.5])),
        class_weight=draw(st.sampled_from([None, "balanced"])),
    )
    if solver == "sgd":
        params["momentum"] = draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))
        params["nesterovs_momentum"] = draw(st.booleans())
        params["learning_rate"] = draw(st.sampled_from(["constant", "invscaling", "adaptive"]))
    if solver == "adam":
        params["beta_1"] = draw(st.sampled_from([0.0, 0.9]))
        params["beta_2"] = draw(st.sampled_from([0.5, 0.999]))
    if "hidden_layer_sizes" in Estimator().get_params():
        params["hidden_layer_sizes"] = draw(st.sampled_from([(), (1,), (3,), (4, 2)]))
        builtin = [
            name for name, a in ACTIVATIONS.items() if a.forward.__module__.startswith("sknn")
        ]
        params["activation"] = draw(st.sampled_from(sorted(builtin) + ["sigmoid"]))
        if solver != "lbfgs":
            params["dropout"] = draw(st.sampled_from([0.0, 0.3]))
    else:
        params["fit_intercept"] = draw(st.booleans())

    kind = draw(st.sampled_from(sorted(LABELS)))
    n_classes = draw(st.integers(2, len(LABELS[kind])))
    n_samples = draw(st.integers(n_classes, 30))
    n_features = draw(st.integers(1, 5))
    rng = np.random.RandomState(draw(st.integers(0, 2**31 - 1)))
    codes = np.arange(n_samples) % n_classes  # every class present
    rng.shuffle(codes)
    y = LABELS[kind][:n_classes][codes]
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    X = rng.normal(scale=scale, size=(n_samples, n_features)) + codes[:, None]
    input_dtype = draw(st.sampled_from(INPUT_DTYPES))
    X = X > 0 if input_dtype is bool else X.astype(input_dtype)
    fmt = draw(st.sampled_from(FORMATS))
    if fmt != "dense" and X.dtype != np.float16:  # (scipy.sparse has no float16)
        X = sp.coo_matrix(X).asformat(fmt)
    sample_weight = None
    if draw(st.booleans()):
        sample_weight = rng.uniform(0, 3, size=n_samples)
        sample_weight[rng.rand(n_samples) < 0.2] = 0.0
    return Estimator, params, X, y, sample_weight


#: Hyper-parameters with which every drawn problem fits (a stable step on any penalty
#: drawn, no validation split of a few samples).
PLAIN = dict(
    solver="sgd", learning_rate_init=0.01, momentum=0.9, early_stopping=False, class_weight=None
)


def copy_of(value):
    return value.copy() if hasattr(value, "copy") else value


def assert_unchanged(before, after):
    if sp.issparse(before):
        assert (before != after).nnz == 0 and before.dtype == after.dtype
    elif before is not None:
        assert_array_equal(before, after)
        assert before.dtype == after.dtype


def fitted_state(model):
    state = {}
    for name, value in vars(model).items():
        if name.endswith("_") and not name.startswith("__") or name == "_training_state":
            if isinstance(value, list) and value and isinstance(value[0], np.ndarray):
                state[name] = [array.copy() for array in value]
            elif isinstance(value, np.ndarray):
                state[name] = value.copy()
            else:
                state[name] = repr(value)
    return state


def assert_same_state(before, after):
    assert before.keys() == after.keys()
    for name, value in before.items():
        if isinstance(value, list):
            for a, b in zip(value, after[name], strict=True):
                assert_array_equal(a, b)
        elif isinstance(value, np.ndarray):
            assert_array_equal(value, after[name])
        else:
            assert value == after[name], name


def check_predictions(model, X):
    proba = model.predict_proba(X)
    assert np.isfinite(proba).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    predicted = model.predict(X)
    # The predicted class has the largest probability (saturated sigmoids may tie).
    rows = np.arange(len(predicted))
    columns = np.searchsorted(model.classes_, predicted)
    assert_array_equal(model.classes_[columns], predicted)
    assert_allclose(proba[rows, columns], proba.max(axis=1), rtol=1e-6)


def guarded_fit(method, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            method(*args, **kwargs)
        except (ValueError, FloatingPointError) as error:
            assert str(error)  # a message that says what went wrong
            return False
    return True


@given(problems())
def test_any_fit_gives_a_sane_model_or_a_clear_error(problem):
    Estimator, params, X, y, sample_weight = problem
    inputs = [copy_of(X), y.copy(), copy_of(sample_weight)]
    model = Estimator(**params)
    fitted = guarded_fit(model.fit, X, y, sample_weight=sample_weight)
    for before, after in zip(inputs, [X, y, sample_weight], strict=True):
        assert_unchanged(before, after)  # never modified, fitted or not
    if not fitted:
        assert not hasattr(model, "_training_state")  # a failed fit fits nothing
        # The data is valid (every class present, finite X): a refusal comes from
        # the hyper-parameters drawn, and plain ones fit it.
        model = Estimator(**{**params, **PLAIN})
        assert guarded_fit(model.fit, X, y, sample_weight=sample_weight)
    check_predictions(model, X)


@given(problems(), problems())
def test_a_failing_call_leaves_a_fitted_estimator_as_it_was(first, second):
    Estimator, params, X, y, _ = first
    model = Estimator(**{**params, **PLAIN})
    assert guarded_fit(model.fit, X, y)
    _, other_params, X2, y2, weights2 = second
    # Go on with other data, hyper-parameters and weights: a warm-start fit, then
    # partial_fit; each may well fail (other features, other classes, ...).
    other_params = {k: v for k, v in other_params.items() if k in model.get_params()}
    model.set_params(**other_params, warm_start=True)
    calls = [model.fit]
    if hasattr(model, "partial_fit") and not model.early_stopping:
        calls.append(model.partial_fit)
    data = X
    for call in calls:
        before = fitted_state(model)
        if guarded_fit(call, X2, y2, sample_weight=weights2):
            data = X2
        else:
            assert_same_state(before, fitted_state(model))  # exactly as it was
        check_predictions(model, data)
