"""The input checks of ``fit``: the training data, the validation data, their device.

Every check writes what it learns (``n_features_in_``, ``feature_names_in_``) into
the dictionary of new fitted attributes, never into the estimator: a fit that fails
later leaves the estimator as it was (``_fitted.publish``).
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import _get_feature_names, check_array, validate_data

from ._data import finite_bound
from ._primitives import device, float_dtypes, like, namespace

#: The attributes that validate_data sets on the estimator.
FEATURE_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


def validate_training_data(estimator, X, y, reset, fitted, multi_output):
    """``validate_data``, whose feature attributes go to ``fitted``, not to ``estimator``.

    Also puts the largest ``|x|`` into ``fitted["_data_bound"]`` (for the range
    checks; not published). Sparse X comes back as CSR, whose rows batches gather.
    """
    state = vars(estimator)
    before = {name: state[name] for name in FEATURE_ATTRIBUTES if name in state}
    try:
        X, y = validate_data(
            estimator,
            X,
            y,
            accept_sparse=("csr", "csc"),
            dtype=float_dtypes(X),
            multi_output=multi_output,
            ensure_all_finite=False,  # finite_bound checks it, and keeps max |x|
            reset=reset,
        )
        for name in FEATURE_ATTRIBUTES:
            if name in state:
                fitted[name] = state[name]
    finally:
        for name in FEATURE_ATTRIBUTES:
            state.pop(name, None)
        state.update(before)
    if sp.issparse(X):
        X = X.tocsr()  # rows are gathered per batch
    fitted["_data_bound"] = finite_bound(X)
    return X, y


def same_arrays(A, B):
    """Whether ``A`` and ``B`` are arrays of one namespace, on one device (NumPy
    arrays and scipy.sparse matrices count as one)."""
    xp = namespace(A)
    return xp is namespace(B) and (xp is np or device(A) == device(B))


def describe(array):
    """``array``'s namespace and device, in words, for an error message."""
    xp = namespace(array)
    name = xp.__name__.rsplit(".", 1)[-1]  # (array_api_compat.torch: torch)
    return "NumPy" if xp is np else f"{name} on device {device(array)}"


def check_continued_arrays(X, parameters, method):
    """Refuse to go on training ``parameters`` on ``X`` of another namespace or device."""
    if not same_arrays(X, parameters):
        raise ValueError(
            f"This model's parameters are arrays of {describe(parameters)}, and X is an "
            f"array of {describe(X)}: {method} goes on training in the arrays of the "
            "fit. Pass X of that namespace and device (under "
            "sklearn.config_context(array_api_dispatch=True)), convert the model first "
            "(sknn.utils.estimator_to_numpy for NumPy), or fit from scratch."
        )


def validate_validation_data(estimator, X_val, X, fitted):
    """``X_val`` checked like ``X``: the same features, under the same names, and
    arrays of the same namespace and device."""
    names_val = _get_feature_names(X_val)
    X_val = check_array(X_val, accept_sparse=("csr", "csc"), dtype=float_dtypes(X_val))
    if not same_arrays(X_val, X):
        raise ValueError(
            f"X_val is an array of {describe(X_val)}, and X of {describe(X)}: pass the "
            "validation data in the namespace and on the device of X."
        )
    if X_val.shape[1] != X.shape[1]:
        raise ValueError(
            f"X_val has {X_val.shape[1]} features, but X has {X.shape[1]}: the "
            "validation data must have the same features as the training data."
        )
    if "n_features_in_" in fitted:  # a fresh fit: the names of this X
        names = fitted.get("feature_names_in_")
    else:
        names = getattr(estimator, "feature_names_in_", None)
    if names is not None and names_val is not None and not np.array_equal(names, names_val):
        raise ValueError(
            "X_val's feature names differ from those of X; pass the validation data "
            "with the same columns, in the same order."
        )
    return X_val.tocsr() if sp.issparse(X_val) else X_val


def targets_on_device(targets, X):
    """The targets (encoded on the host) moved to X's namespace and device; so are
    the fitted attributes of the labels (``classes_``), under array API dispatch."""
    if isinstance(X, np.ndarray) or sp.issparse(X):
        return targets
    attributes = dict(targets.attributes)
    if attributes["classes_"].dtype.kind not in "biuf":
        raise ValueError(
            "With array API dispatch the class labels must be numbers (they are kept in "
            f"the namespace of X); got {attributes['classes_'].dtype} labels. Encode "
            "them first, for example with sklearn.preprocessing.LabelEncoder."
        )
    attributes["classes_"] = like(attributes["classes_"], X)
    per_sample = targets.class_weight_per_sample
    per_sample = None if per_sample is None else like(per_sample, X, X.dtype)
    return targets._replace(
        encoded=like(targets.encoded, X), attributes=attributes, class_weight_per_sample=per_sample
    )
