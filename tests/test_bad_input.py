"""Every kind of bad (or unusual) input, tried on every sknn estimator.

Each case either works and the test checks the result, or raises an error whose
*message* says what is wrong, and where it helps what to do; the message is checked
with ``match=``, not just the type. Inputs are never modified in place: ``fit``,
``partial_fit`` and ``predict`` are run on snapshots-compared copies throughout
(see :func:`run_unchanged`).

The cases, run on each estimator of ``sknn.utils.all_estimators()`` (the suite prints
the number it tried at the end of the run, and ``test_docstring_lists_every_case``
keeps this list equal to ``CASES``):

- nan_in_X
- inf_in_X
- nan_in_y
- empty_X
- one_sample
- two_samples_two_classes
- one_class
- y_of_wrong_length
- continuous_y
- column_vector_y
- feature_count_mismatch_at_predict
- string_labels
- string_labels_partial_fit
- mixed_labels
- mixed_labels_in_y_val
- mixed_classes_in_partial_fit
- X_3d
- complex_X
- list_of_lists
- dataframe_feature_names
- int_X
- bool_X
- float16_X
- float32_X
- fortran_ordered_X
- non_contiguous_X
- sparse_X_explicit_zeros
- negative_sample_weight
- nan_sample_weight
- sample_weight_of_wrong_length
- sample_weight_val_of_wrong_length
- negative_class_weight
- all_zero_sample_weight
- all_zero_validation_weights
- partial_fit_without_classes
- partial_fit_classes_missing_a_label
- partial_fit_other_classes_later
- negative_alpha
- batch_size_zero
- batch_size_true
- batch_size_larger_than_data
- validation_fraction_one
- validation_set_too_small
- unknown_activation
- bad_hidden_layer_sizes
- unknown_monitor_entry
- failed_refit_leaves_the_fit
- inputs_not_modified
"""

import copy
import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sknn.utils import all_estimators

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [Estimator for _, Estimator in all_estimators()]

rng = np.random.RandomState(0)
X = rng.normal(size=(30, 4))
y = np.tile([0, 1, 2], 10)
X[y == 1] += 1.5  # some signal, so that models differ from their initialisation
X[y == 2] -= 1.5


def make(Estimator, **params):
    """A small, fast, seeded estimator: a few epochs of mini-batches of 10."""
    defaults = dict(max_iter=8, batch_size=10, random_state=0)
    if "hidden_layer_sizes" in Estimator().get_params():
        defaults["hidden_layer_sizes"] = (5,)
    return Estimator(**{**defaults, **params})


def parameters(estimator):
    """The fitted weights and intercepts, through the public attributes."""
    if hasattr(estimator, "coefs_"):
        return [*estimator.coefs_, *estimator.intercepts_]
    return [estimator.coef_, estimator.intercept_]


def assert_same_model(first, second, rtol=1e-12):
    assert_array_equal(first.classes_, second.classes_)
    for a, b in zip(parameters(first), parameters(second), strict=True):
        assert_allclose(a, b, rtol=rtol, atol=1e-12)


def snapshot(value):
    if sp.issparse(value):
        return value.copy()
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=True)
    return copy.deepcopy(value)


def assert_unchanged(before, after):
    if sp.issparse(before):
        assert (before != after).nnz == 0
        assert_array_equal(before.indices, after.indices)
        assert_array_equal(before.data, after.data)
    elif isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(before, after)
    else:
        before_array, after_array = np.asarray(before), np.asarray(after)
        assert before_array.dtype == after_array.dtype
        assert_array_equal(before_array, after_array)


def run_unchanged(method, *inputs, **keyword_inputs):
    """Call ``method`` and assert that it left every input as it found it."""
    positional = [snapshot(value) for value in inputs]
    keywords = {name: snapshot(value) for name, value in keyword_inputs.items()}
    result = method(*inputs, **keyword_inputs)
    for before, after in zip(positional, inputs):
        if before is not None:
            assert_unchanged(before, after)
    for name, before in keywords.items():
        if before is not None:
            assert_unchanged(before, keyword_inputs[name])
    return result


# --------------------------------------------------------------------- the cases
def nan_in_X(Estimator):
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        make(Estimator).fit(X_nan, y)
    fitted = make(Estimator).fit(X, y)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        fitted.predict(X_nan)


def inf_in_X(Estimator):
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        make(Estimator).fit(X_inf, y)
    X_inf[0, 0] = -np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        make(Estimator).fit(X, y).predict_proba(X_inf)


def nan_in_y(Estimator):
    y_nan = y.astype(float)
    y_nan[5] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        make(Estimator).fit(X, y_nan)


def empty_X(Estimator):
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\) \(shape=\(0, 4\)\)"):
        make(Estimator).fit(X[:0], y[:0])
    with pytest.raises(ValueError, match=r"0 feature\(s\)"):
        make(Estimator).fit(X[:, :0], y)
    with pytest.raises(ValueError, match=r"Found array with 0 sample\(s\)"):
        make(Estimator).fit(X, y).predict(X[:0])


def one_sample(Estimator):
    with pytest.raises(ValueError, match="at least 2 classes.*only one class: 1"):
        make(Estimator).fit(X[1:2], y[1:2])


def two_samples_two_classes(Estimator):
    """The least data that can be fitted works, and predicts one of its classes."""
    model = make(Estimator, batch_size="auto").fit(X[:2], y[:2])
    assert_array_equal(model.classes_, [0, 1])
    assert set(model.predict(X)) <= {0, 1}
    assert_allclose(model.predict_proba(X).sum(axis=1), 1, atol=1e-12)


def one_class(Estimator):
    with pytest.raises(ValueError, match="only one class: 'b'. Pass data with at least 2 distinct"):
        make(Estimator).fit(X, np.full(30, "b"))


def y_of_wrong_length(Estimator):
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[30, 29\]"):
        make(Estimator).fit(X, y[:29])


def continuous_y(Estimator):
    with pytest.raises(ValueError, match="Unknown label type: continuous.*discrete classes"):
        make(Estimator).fit(X, X[:, 0])


def column_vector_y(Estimator):
    """A (n, 1) y is accepted with scikit-learn's warning, as a 1-D y."""
    with pytest.warns(DataConversionWarning, match="column-vector y was passed"):
        model = make(Estimator).fit(X, y[:, np.newaxis])
    assert_same_model(model, make(Estimator).fit(X, y))


def feature_count_mismatch_at_predict(Estimator):
    model = make(Estimator).fit(X, y)
    message = f"X has 3 features, but {Estimator.__name__} is expecting 4 features as input"
    for method in (
        model.predict,
        model.predict_proba,
        model.predict_log_proba,
        model.decision_function,
    ):
        with pytest.raises(ValueError, match=message):
            method(X[:, :3])
    with pytest.raises(ValueError, match="X has 5 features"):
        model.score(np.hstack([X, X[:, :1]]), y)


def string_labels(Estimator):
    """String labels train the same model as their indices and round-trip through predict."""
    names = np.array(["cat", "dog", "emu"])
    model = run_unchanged(make(Estimator).fit, X, names[y])
    assert_array_equal(model.classes_, names)
    by_index = make(Estimator).fit(X, y)
    assert_same_model_parameters(model, by_index)
    predicted = model.predict(X)
    assert predicted.dtype.kind == "U"
    assert_array_equal(predicted, names[by_index.predict(X)])
    assert model.score(X, names[y]) == by_index.score(X, y)
    # object arrays of strings, as pandas gives, work the same way
    as_objects = make(Estimator).fit(X, names[y].astype(object))
    assert_array_equal(as_objects.predict(X), predicted)


def assert_same_model_parameters(first, second):
    for a, b in zip(parameters(first), parameters(second), strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def string_labels_partial_fit(Estimator):
    names = np.array(["cat", "dog", "emu"])
    model = make(Estimator)
    model.partial_fit(X, names[y], classes=["emu", "cat", "dog"])
    model.partial_fit(X[:12], names[y[:12]])
    assert_array_equal(model.classes_, names)
    assert set(model.predict(X)) <= set(names)


def mixed_labels(Estimator):
    mixed = np.array(["a", 1, "c"] * 10, dtype=object)
    with pytest.raises(
        ValueError, match=r"y mixes labels of different types: 1 \(number\), 'a' \(string\)"
    ):
        make(Estimator).fit(X, mixed)
    with pytest.raises(ValueError, match="all strings or all numbers; convert them to one type"):
        make(Estimator).fit(X, list(mixed))


def mixed_labels_in_y_val(Estimator):
    mixed = np.array([0, "a", 1, 2, 0], dtype=object)
    with pytest.raises(ValueError, match=r"y_val mixes labels of different types"):
        make(Estimator).fit(X, y, X_val=X[:5], y_val=mixed)


def mixed_classes_in_partial_fit(Estimator):
    with pytest.raises(ValueError, match="classes mixes labels of different types"):
        make(Estimator).partial_fit(X, y, classes=np.array([0, 1, 2, "3"], dtype=object))


def X_3d(Estimator):
    with pytest.raises(
        ValueError,
        match=f"Found array with dim 3, while dim <= 2 is required by {Estimator.__name__}",
    ):
        make(Estimator).fit(X.reshape(30, 2, 2), y)
    with pytest.raises(ValueError, match="Found array with dim 3"):
        make(Estimator).fit(X, y).predict(X.reshape(30, 2, 2))


def complex_X(Estimator):
    with pytest.raises(ValueError, match="Complex data not supported"):
        make(Estimator).fit(X.astype(complex), y)


def list_of_lists(Estimator):
    model = run_unchanged(make(Estimator).fit, X.tolist(), y.tolist())
    assert_same_model(model, make(Estimator).fit(X, y))
    assert_array_equal(model.predict(X.tolist()), model.predict(X))


def dataframe_feature_names(Estimator):
    columns = ["age", "height", "weight", "income"]
    frame = pd.DataFrame(X, columns=columns)
    model = run_unchanged(make(Estimator).fit, frame, pd.Series(y))
    assert_array_equal(model.feature_names_in_, columns)
    from_arrays = make(Estimator).fit(X, y)
    assert_same_model(model, from_arrays)
    assert_array_equal(model.predict(frame), from_arrays.predict(X))
    renamed = frame.rename(columns={"height": "size"})
    with pytest.raises(
        ValueError, match=r"(?s)feature names should match.*unseen at fit time:\n- size"
    ):
        model.predict(renamed)
    with pytest.raises(
        ValueError, match="Feature names must be in the same order as they were in fit"
    ):
        model.predict(frame[columns[::-1]])
    with pytest.warns(
        UserWarning, match=f"X does not have valid feature names, but {Estimator.__name__}"
    ):
        from_array = model.predict(X)
    assert_array_equal(from_array, model.predict(frame))
    assert not hasattr(from_arrays, "feature_names_in_")
    with pytest.warns(
        UserWarning, match="X has feature names, but .* was fitted without feature names"
    ):
        from_arrays.predict(frame)


def int_X(Estimator):
    X_int = np.round(X * 3).astype(np.int64)
    model = run_unchanged(make(Estimator).fit, X_int, y)
    assert all(array.dtype == np.float64 for array in parameters(model))
    assert_same_model(model, make(Estimator).fit(X_int.astype(np.float64), y))
    assert_array_equal(model.predict(X_int), model.predict(X_int.astype(np.float64)))


def bool_X(Estimator):
    X_bool = X > 0
    model = run_unchanged(make(Estimator).fit, X_bool, y)
    assert_same_model(model, make(Estimator).fit(X_bool.astype(np.float64), y))
    assert_array_equal(model.predict(X_bool), model.predict(X_bool.astype(np.float64)))


def float16_X(Estimator):
    """float16 has too little precision to train in: it trains in float64."""
    X_half = X.astype(np.float16)
    model = run_unchanged(make(Estimator).fit, X_half, y)
    assert all(array.dtype == np.float64 for array in parameters(model))
    assert_same_model(model, make(Estimator).fit(X_half.astype(np.float64), y))
    assert model.predict_proba(X_half).dtype == np.float64


def float32_X(Estimator):
    """float32 trains in float32, close to the float64 model."""
    model = run_unchanged(make(Estimator).fit, X.astype(np.float32), y)
    assert all(array.dtype == np.float32 for array in parameters(model))
    assert_same_model(model, make(Estimator).fit(X, y), rtol=1e-3)


def fortran_ordered_X(Estimator):
    X_fortran = np.asfortranarray(X)
    model = run_unchanged(make(Estimator).fit, X_fortran, y)
    assert_same_model(model, make(Estimator).fit(X, y))
    assert_array_equal(model.predict_proba(X_fortran), model.predict_proba(X))
    for shuffle in (False, True):  # views of the data (no shuffle) and gathered batches
        assert_same_model(
            make(Estimator, shuffle=shuffle).fit(X_fortran, y),
            make(Estimator, shuffle=shuffle).fit(X, y),
        )


def non_contiguous_X(Estimator):
    wide = np.zeros((60, 8))
    wide[::2, ::2] = X
    strided = wide[::2, ::2]
    assert not strided.flags.c_contiguous and not strided.flags.f_contiguous
    model = run_unchanged(make(Estimator).fit, strided, y)
    assert_same_model(model, make(Estimator).fit(X, y))
    assert_array_equal(model.predict(strided), model.predict(X))


def sparse_X_explicit_zeros(Estimator):
    """Stored zeros change nothing: the same model as the matrix without them."""
    dense = np.where(np.abs(X) > 0.7, X, 0.0)
    clean = sp.csr_matrix(dense)
    rows, cols = np.nonzero(dense == 0)
    stored_zeros = sp.csr_matrix(
        (
            np.r_[clean.tocoo().data, np.zeros(rows.size)],
            (np.r_[clean.tocoo().row, rows], np.r_[clean.tocoo().col, cols]),
        ),
        shape=dense.shape,
    )
    stored_zeros.sum_duplicates()
    assert stored_zeros.nnz > clean.nnz  # the zeros really are stored
    model = run_unchanged(make(Estimator).fit, stored_zeros, y)
    assert stored_zeros.nnz > clean.nnz  # and were not pruned in place by fit
    assert_same_model(model, make(Estimator).fit(clean, y))
    assert_same_model(model, make(Estimator).fit(dense, y), rtol=1e-10)
    assert_same_model(model, make(Estimator).fit(stored_zeros.tocsc(), y))
    assert_allclose(model.predict_proba(stored_zeros), model.predict_proba(dense), rtol=1e-12)


def negative_sample_weight(Estimator):
    weights = np.ones(30)
    weights[4] = -1.0
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        make(Estimator).fit(X, y, sample_weight=weights)


def nan_sample_weight(Estimator):
    weights = np.ones(30)
    weights[4] = np.nan
    with pytest.raises(ValueError, match="Input sample_weight contains NaN"):
        make(Estimator).fit(X, y, sample_weight=weights)


def sample_weight_of_wrong_length(Estimator):
    with pytest.raises(ValueError, match="sample_weight has 29 entries, but X has 30 samples"):
        make(Estimator).fit(X, y, sample_weight=np.ones(29))


def sample_weight_val_of_wrong_length(Estimator):
    with pytest.raises(ValueError, match="sample_weight_val has 4 entries, but X_val has 5 "):
        make(Estimator).fit(X, y, X_val=X[:5], y_val=y[:5], sample_weight_val=np.ones(4))


def negative_class_weight(Estimator):
    for weight in (-1.0, np.inf):
        with pytest.raises(ValueError, match=r"class_weight gives the classes \[0\] the weights"):
            make(Estimator, class_weight={0: weight}).fit(X, y)


def all_zero_sample_weight(Estimator):
    with pytest.raises(
        ValueError, match="Sample weights must contain at least one non-zero number"
    ):
        make(Estimator).fit(X, y, sample_weight=np.zeros(30))


def all_zero_validation_weights(Estimator):
    with pytest.raises(ValueError, match="sample_weight_val: Sample weights must contain at"):
        make(Estimator).fit(X, y, X_val=X[:5], y_val=y[:5], sample_weight_val=np.zeros(5))
    message = r"Every weight of the samples of X_val is zero \(sample_weight_val, times the class"
    with pytest.raises(ValueError, match=message):  # positive ones, times class weights 0
        make(Estimator, class_weight={2: 0.0}).fit(X, y, X_val=X[y == 2], y_val=y[y == 2])


def partial_fit_without_classes(Estimator):
    with pytest.raises(ValueError, match="classes must be passed on the first call to partial_fit"):
        make(Estimator).partial_fit(X, y)


def partial_fit_classes_missing_a_label(Estimator):
    message = (
        r"y contains labels \[2\] that are not in classes_ \[0, 1\]\. Pass every label in `classes`"
    )
    with pytest.raises(ValueError, match=message):
        make(Estimator).partial_fit(X, y, classes=[0, 1])
    model = make(Estimator).partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    with pytest.raises(ValueError, match=message):
        model.partial_fit(X, y)
    assert_array_equal(model.classes_, [0, 1])  # the failed call changed nothing


def partial_fit_other_classes_later(Estimator):
    model = make(Estimator).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(
        ValueError,
        match=r"classes=\[0, 1\] is not the same as on the first call to partial_fit, \[0, 1, 2\]",
    ):
        model.partial_fit(X[y < 2], y[y < 2], classes=[0, 1])


def _assert_invalid_parameter(Estimator, message, **params):
    with pytest.raises(InvalidParameterError, match=message):
        make(Estimator, **params).fit(X, y)


def negative_alpha(Estimator):
    _assert_invalid_parameter(
        Estimator,
        r"The 'alpha' parameter of \w+ must be a float in the range \[0.0, inf\)\. Got -1.0",
        alpha=-1.0,
    )


def batch_size_zero(Estimator):
    _assert_invalid_parameter(
        Estimator,
        r"The 'batch_size' parameter of \w+ must be a str among \{'auto'\} or an int in the range \[1, inf\)\. Got 0",
        batch_size=0,
    )


def batch_size_true(Estimator):
    """True is an int (1) to scikit-learn's parameter check: batches of one sample, as
    MLPClassifier trains with it, not a TypeError from deep inside."""
    model = make(Estimator, batch_size=True, max_iter=1).fit(X, y)
    reference = make(Estimator, batch_size=1, max_iter=1).fit(X, y)
    assert_array_equal(model.predict_proba(X), reference.predict_proba(X))


def batch_size_larger_than_data(Estimator):
    with pytest.warns(
        UserWarning,
        match="batch_size=100 is larger than the 30 training samples; using batches of all",
    ):
        model = make(Estimator, batch_size=100).fit(X, y)
    assert_same_model(model, make(Estimator, batch_size=30).fit(X, y))


def validation_fraction_one(Estimator):
    _assert_invalid_parameter(
        Estimator,
        r"The 'validation_fraction' parameter of \w+ must be a float in the range \(0.0, 1.0\)\. Got 1.0",
        validation_fraction=1.0,
        early_stopping=True,
    )


def validation_set_too_small(Estimator):
    with pytest.raises(
        ValueError,
        match="Cannot hold out a stratified validation set for early stopping.*early_stopping=False",
    ):
        make(Estimator, early_stopping=True, validation_fraction=0.1).fit(X[:6], y[:6])
    # A class of one sample: no fraction helps; validation data of one's own does.
    one_of_class_2 = np.r_[np.flatnonzero(y != 2), np.flatnonzero(y == 2)[:1]]
    with pytest.raises(
        ValueError, match=r"only 1 member.*\[2\]\. Pass validation data of your own to fit"
    ):
        make(Estimator, early_stopping=True).fit(X[one_of_class_2], y[one_of_class_2])
    model = make(Estimator, early_stopping=True)
    model.fit(X[one_of_class_2], y[one_of_class_2], X_val=X, y_val=y)
    assert len(model.validation_loss_curve_) == model.n_iter_


def unknown_activation(Estimator):
    if "activation" not in Estimator().get_params():
        with pytest.raises(
            ValueError, match=rf"Invalid parameter 'activation' for estimator {Estimator.__name__}"
        ):
            make(Estimator).set_params(activation="swish")
        return
    allowed = "|".join(re.escape(name) for name in ("relu", "tanh", "sigmoid", "identity"))
    with pytest.raises(
        InvalidParameterError,
        match=rf"The 'activation' parameter of \w+ must be a str among \{{.*({allowed}).*\}}\. Got 'swish'",
    ):
        make(Estimator, activation="swish").fit(X, y)


def bad_hidden_layer_sizes(Estimator):
    if "hidden_layer_sizes" not in Estimator().get_params():
        return
    for sizes in [(0,), (5, -1), (2.5,)]:
        with pytest.raises(
            ValueError,
            match=r"hidden_layer_sizes must be an int or a sequence of positive ints, got",
        ):
            make(Estimator, hidden_layer_sizes=sizes).fit(X, y)


def unknown_monitor_entry(Estimator):
    message = r"The 'monitor' parameter of \w+ got unknown entries \['loss'\]; allowed: \['batch_loss', 'train_score'\]"
    with pytest.raises(ValueError, match=message):
        make(Estimator, monitor=["train_score", "loss"]).fit(X, y)
    with pytest.raises(
        InvalidParameterError,
        match=r"The 'monitor' parameter .* a str among .*'batch_loss'.*Got 'loss'",
    ):
        make(Estimator, monitor="loss").fit(X, y)


def failed_refit_leaves_the_fit(Estimator):
    """A refit that fails after validating X leaves the previous fit whole."""
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = make(Estimator).fit(frame, y)
    before = [array.copy() for array in parameters(model)]
    wider = np.hstack([X, X[:, :1]])
    for warm_start in (False, True):
        model.set_params(warm_start=warm_start)
        if warm_start:  # continuing: other classes than classes_ fail
            with pytest.raises(
                ValueError, match=r"warm_start can only be used where `y` has the same classes"
            ):
                model.fit(frame, np.full(30, 7))
        else:  # from scratch, on wider data
            with pytest.raises(ValueError, match="only one class"):
                model.fit(wider, np.zeros(30))
        assert model.n_features_in_ == 4
        assert_array_equal(model.feature_names_in_, frame.columns)
        for a, b in zip(before, parameters(model), strict=True):
            assert_array_equal(a, b)
        model.predict(frame)
    unfitted = make(Estimator)
    with pytest.raises(ValueError, match="only one class"):
        unfitted.fit(X, np.zeros(30))
    assert not hasattr(unfitted, "n_features_in_")
    with pytest.raises(NotFittedError):
        unfitted.predict(X)


def inputs_not_modified(Estimator):
    """fit, partial_fit and every predict method leave X, y and sample_weight as given."""
    weights = np.linspace(0.5, 2.0, 30)
    weights[3] = 0.0  # a sample that fit leaves out
    inputs = [
        X.copy(),
        np.asfortranarray(X),
        X.astype(np.float32),
        sp.csr_matrix(np.where(X > 0, X, 0)),
    ]
    for data in inputs:
        for params in ({}, {"early_stopping": True, "validation_fraction": 0.3}):
            model = make(Estimator, **params)
            run_unchanged(model.fit, data, y.copy(), sample_weight=weights.copy())
            run_unchanged(
                model.set_params(warm_start=True).fit, data, y.copy(), sample_weight=weights.copy()
            )
            model.set_params(early_stopping=False)  # partial_fit has no early stopping
            run_unchanged(model.partial_fit, data, y.copy(), sample_weight=weights.copy())
            for method in (
                model.predict,
                model.predict_proba,
                model.predict_log_proba,
                model.decision_function,
            ):
                run_unchanged(method, data)
        fresh = make(Estimator)
        run_unchanged(
            fresh.partial_fit,
            data,
            y.copy(),
            classes=np.array([2, 0, 1]),
            sample_weight=weights.copy(),
        )


CASES = {
    case.__name__: case
    for case in [
        nan_in_X,
        inf_in_X,
        nan_in_y,
        empty_X,
        one_sample,
        two_samples_two_classes,
        one_class,
        y_of_wrong_length,
        continuous_y,
        column_vector_y,
        feature_count_mismatch_at_predict,
        string_labels,
        string_labels_partial_fit,
        mixed_labels,
        mixed_labels_in_y_val,
        mixed_classes_in_partial_fit,
        X_3d,
        complex_X,
        list_of_lists,
        dataframe_feature_names,
        int_X,
        bool_X,
        float16_X,
        float32_X,
        fortran_ordered_X,
        non_contiguous_X,
        sparse_X_explicit_zeros,
        negative_sample_weight,
        nan_sample_weight,
        sample_weight_of_wrong_length,
        sample_weight_val_of_wrong_length,
        negative_class_weight,
        all_zero_sample_weight,
        all_zero_validation_weights,
        partial_fit_without_classes,
        partial_fit_classes_missing_a_label,
        partial_fit_other_classes_later,
        negative_alpha,
        batch_size_zero,
        batch_size_true,
        batch_size_larger_than_data,
        validation_fraction_one,
        validation_set_too_small,
        unknown_activation,
        bad_hidden_layer_sizes,
        unknown_monitor_entry,
        failed_refit_leaves_the_fit,
        inputs_not_modified,
    ]
}

_tried = []


@pytest.fixture(scope="module", autouse=True)
def report_case_count(request):
    """Print, at the end of the module, how many bad-input cases were tried."""
    yield
    if not _tried:
        return
    estimators = sorted({name for name, _ in _tried})
    cases = {case for _, case in _tried}
    line = (
        f"test_bad_input: {len(cases)} bad-input cases tried on {len(estimators)} estimators "
        f"({', '.join(estimators)}): {len(_tried)} case runs"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():  # shown even when output is captured
        reporter.write_line("")
        reporter.write_line(line)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda Estimator: Estimator.__name__)
def test_bad_input(Estimator, case):
    case(Estimator)
    _tried.append((Estimator.__name__, case.__name__))


def test_docstring_lists_every_case():
    listed = re.findall(r"^- (\w+)$", __doc__, flags=re.MULTILINE)
    assert listed == list(CASES)
