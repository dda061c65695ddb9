"""What makes an sknn estimator a classifier: labels, their encoding, predictions.

The engine trains on encoded targets (``_losses.py`` says which form each output unit
takes); this module turns labels into them, holds out a stratified validation set,
and turns logits back into labels and probabilities.
"""

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils._array_api import check_same_namespace
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from ._base import BaseGradientDescent
from ._labels import (
    check_indicator,
    check_label_types,
    checked_classes,
    class_weights,
    encode_labels,
)
from ._losses import MULTILABEL, OUTPUT_UNITS
from ._primitives import (
    float_dtypes,
    is_foreign_array,
    largest_magnitude,
    like,
    namespace,
    numpy_dtype,
    to_numpy,
)

if TYPE_CHECKING:
    from typing import TypeAlias

    from numpy.typing import ArrayLike
    from typing_extensions import Self

    #: What ``X`` may be: anything ``np.asarray`` accepts, or a scipy.sparse matrix.
    MatrixLike: TypeAlias = "ArrayLike | sp.spmatrix"


class Targets(NamedTuple):
    """Encoded targets, and what the engine needs to know of them."""

    output_unit: object  # an output unit of _losses.py
    encoded: np.ndarray  # in the form the output unit takes, one row per sample
    n_outputs: int  # output units of the network
    stratify: np.ndarray | None  # class indices for a stratified split, or None
    attributes: dict  # fitted attributes of the labels: classes_
    class_weight_per_sample: np.ndarray | None = None  # each sample's class weight, or None
    class_weights: np.ndarray | None = None  # the weight of each class, or None


class BaseGradientDescentClassifier(ClassifierMixin, BaseGradientDescent):
    """Base class of sknn's classifiers. Do not use directly.

    Adds ``class_weight`` to the engine's parameters.

    A subclass sets ``_output`` to the name of its output unit ("softmax" or
    "logistic", see ``_losses.OUTPUT_UNITS``).
    """

    _parameter_constraints: dict = {
        **BaseGradientDescent._parameter_constraints,
        "class_weight": [None, dict, StrOptions({"balanced"})],
    }

    _output = "softmax"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X: "MatrixLike",
        y: "ArrayLike",
        sample_weight: "ArrayLike | None" = None,
        *,
        X_val: "MatrixLike | None" = None,
        y_val: "ArrayLike | None" = None,
        sample_weight_val: "ArrayLike | None" = None,
    ) -> "Self":
        """Fit the model with the chosen ``solver``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data trains in float32; anything else in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels; for MLPClassifierGD and LogisticRegressionGD also a 0/1
            indicator of labels (multi-label).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; the loss becomes the weighted mean of the
            per-sample losses. Samples of weight zero are left out. Multiplied by
            the class weights of ``class_weight``.
        X_val : {array-like, sparse matrix} of shape (n_val_samples, n_features), default=None
            Validation data, as in scikit-learn's HistGradientBoostingClassifier. When
            given, its loss and accuracy are recorded after every epoch
            (``validation_loss_curve_``, ``validation_scores_``), with or without
            early stopping, and early stopping watches it instead of holding out
            ``validation_fraction`` of ``X``. In a Pipeline, route it with metadata
            routing and ``Pipeline(..., transform_input=["X_val"])``.
        y_val : array-like of shape (n_val_samples,), default=None
            Labels of ``X_val``, all among those of ``y``.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        check_label_types(y, "y")  # before numpy turns a mixed list into strings
        validation = None
        if X_val is not None or y_val is not None:
            if X_val is None or y_val is None:
                given, missing = ("X_val", "y_val") if y_val is None else ("y_val", "X_val")
                raise ValueError(
                    f"{given} was given without {missing}: pass both the validation "
                    "samples and their labels, or neither."
                )
            check_label_types(y_val, "y_val")
            validation = (X_val, y_val, sample_weight_val)
        elif sample_weight_val is not None:
            raise ValueError("sample_weight_val was given without X_val and y_val.")
        return self._fit(X, y, sample_weight, incremental=False, validation=validation)

    def _stochastic_solver(self):
        if self.solver == "lbfgs":
            raise AttributeError(
                "partial_fit is only available for the stochastic solvers 'sgd' and "
                "'adam'; L-BFGS ('lbfgs') needs all the data at every step. Use fit."
            )
        return True

    @available_if(_stochastic_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self,
        X: "MatrixLike",
        y: "ArrayLike",
        classes: "ArrayLike | None" = None,
        sample_weight: "ArrayLike | None" = None,
    ) -> "Self":
        """Train for one epoch over the given data, continuing from the current state.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator of labels (multi-label).
        classes : array-like of shape (n_classes,), default=None
            All the classes that can appear in any call (for multi-label targets,
            ``range(n_labels)``). Required on the first call; afterwards, if given,
            it must be the same.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights. Every call's weights (times the class weights) are
            divided by their mean in the first call, so that the weights of different
            calls keep their ratios: a chunk of weight 10 counts ten times one of
            weight 1, and a class weight acts on a chunk of one class.

        Returns
        -------
        self : object
            The estimator.
        """
        check_label_types(y, "y")
        if isinstance(self.class_weight, str):  # "balanced": needs the whole of y
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit, as in "
                "scikit-learn: each call sees only part of y. Compute the weights once, "
                "compute_class_weight('balanced', classes=classes, y=y) on the whole "
                "(or a large sample of the) target, and pass them as a dict."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # ------------------------------------------------------------------ labels
    #: Whether 2-d indicator targets (multi-label) are accepted: sigmoid output units.
    _multilabel = False

    def _accepts_multi_output(self):
        return self._multilabel

    def _validate_training_data(self, X, y, reset, fitted):
        shape = getattr(y, "shape", None)
        if shape is None and isinstance(y, list | tuple):
            try:
                shape = np.shape(y)
            except ValueError:  # ragged: validate_data says what is wrong
                shape = None
        if not self._multilabel and shape is not None and len(shape) == 2 and shape[1] > 1:
            raise ValueError(
                f"{type(self).__name__} takes one label per sample (a 1-d y), and y has "
                f"shape {tuple(shape)}. For multi-label 0/1 indicator targets use "
                "MLPClassifierGD or LogisticRegressionGD, which fit one sigmoid unit per "
                "label, or wrap this estimator in sklearn.multioutput.MultiOutputClassifier."
            )
        return super()._validate_training_data(X, y, reset, fitted)

    def _output_unit(self, multilabel=None):
        if multilabel is None:  # as fitted
            multilabel = getattr(self, "_target_type", None) == "multilabel-indicator"
        return MULTILABEL if multilabel else OUTPUT_UNITS[self._output]

    def _encode_targets(self, y, classes, continuing, incremental, dtype, sample_weight=None):
        if sp.issparse(y):  # a sparse label indicator (multi-label), as scikit-learn takes
            y = y.toarray()
        y = to_numpy(y)  # labels are encoded on the host, whatever X's namespace
        classes = to_numpy(classes) if is_foreign_array(classes) else classes
        if y.ndim == 2 and type_of_target(y) == "multilabel-indicator":
            return self._encode_multilabel(y, classes, continuing, incremental, dtype)
        if y.ndim == 2:
            if y.shape[1] != 1:
                raise ValueError(
                    f"{type(self).__name__} takes a 1-d y of labels or a 2-d 0/1 indicator of "
                    f"labels (multi-label), not {type_of_target(y)!r} targets of shape "
                    f"{y.shape}."
                )
            y = column_or_1d(y, warn=True)  # a column: the labels, as scikit-learn reads it
        if continuing and getattr(self, "_target_type", None) == "multilabel-indicator":
            raise ValueError(
                "This model was fitted on multi-label indicator targets; continue it with "
                "the same kind of y, or fit from scratch (warm_start=False)."
            )
        classes, y_indices = self._encode_labels(y, classes, continuing, incremental)
        unit = self._output_unit(multilabel=False)
        n_outputs = unit.n_outputs(len(classes))
        encoded = unit.targets(y_indices, n_outputs, dtype)
        per_class = class_weights(self.class_weight, classes, y_indices, sample_weight)
        weights = None if per_class is None else per_class[y_indices]
        attributes = {"classes_": classes, "_target_type": type_of_target(y)}
        return Targets(unit, encoded, n_outputs, y_indices, attributes, weights, per_class)

    def _encode_multilabel(self, y, classes, continuing, incremental, dtype):
        """Indicator targets: one sigmoid unit per label, classes_ = 0..n_labels-1."""
        check_indicator(y, "y")
        n_labels = y.shape[1]
        labels = np.arange(n_labels)
        if continuing and self._target_type != "multilabel-indicator":
            raise ValueError(
                "This model was fitted on 1-d class labels, and y is a multi-label "
                "indicator: continue it with the same kind of y, or fit from scratch "
                "(warm_start=False)."
            )
        if continuing and not np.array_equal(to_numpy(self.classes_), labels):
            raise ValueError(
                f"y has {n_labels} labels, but this model was fitted on "
                f"{len(self.classes_)}: continue it with the same labels."
            )
        given = None if classes is None else checked_classes(classes)
        if continuing and incremental and given is not None and not np.array_equal(given, labels):
            raise ValueError(
                f"classes={given.tolist()} is not the same as on the first call to "
                f"partial_fit, {labels.tolist()}."
            )
        if incremental and not continuing:
            if given is None or not np.array_equal(given, labels):
                raise ValueError(
                    "For multi-label targets, classes must be the label columns of y, "
                    f"0 to {n_labels - 1}: pass classes=range({n_labels}) on the first call "
                    "to partial_fit."
                )
        if self.class_weight is not None:
            raise ValueError(
                "class_weight is not supported for multi-label targets: each label is a "
                "binary problem of its own. Weigh the samples with sample_weight instead."
            )
        unit = MULTILABEL
        encoded = unit.targets(y, n_labels, dtype)
        attributes = {"classes_": labels, "_target_type": "multilabel-indicator"}
        return Targets(unit, encoded, n_labels, None, attributes)

    def _encode_validation_targets(self, y_val, targets, X_val):
        """``y_val`` encoded as the training targets (on X_val's device), and its class
        weights."""
        encoded, weights = self._encode_validation_labels(to_numpy(y_val), targets, X_val)
        return like(encoded, X_val), None if weights is None else like(weights, X_val, X_val.dtype)

    def _encode_validation_labels(self, y_val, targets, X_val):
        if targets.output_unit is MULTILABEL:
            y_val = check_array(y_val, accept_sparse=True, dtype=None)
            y_val = y_val.toarray() if sp.issparse(y_val) else y_val
            check_indicator(y_val, "y_val")
            if y_val.shape != (X_val.shape[0], targets.n_outputs):
                raise ValueError(
                    f"y_val must be a 0/1 indicator of {targets.n_outputs} labels for the "
                    f"{X_val.shape[0]} samples of X_val; got shape {y_val.shape}."
                )
            return targets.output_unit.targets(
                y_val, targets.n_outputs, numpy_dtype(targets.encoded.dtype)
            ), None
        y_val = column_or_1d(check_array(y_val, ensure_2d=False, dtype=None), warn=True)
        if y_val.shape[0] != X_val.shape[0]:
            raise ValueError(f"X_val has {X_val.shape[0]} samples but y_val has {y_val.shape[0]}.")
        classes = to_numpy(targets.attributes["classes_"])
        unknown = np.setdiff1d(y_val, classes)
        if unknown.size:
            raise ValueError(
                f"y_val contains labels {unknown.tolist()} that are not in the classes of "
                f"y, {classes.tolist()}: every validation label must be a training class."
            )
        y_indices = np.searchsorted(classes, y_val)
        encoded = targets.output_unit.targets(y_indices, targets.n_outputs, np.float64)
        # The class weights of training (for "balanced", y's class counts, not y_val's).
        per_class = targets.class_weights
        weights = None if per_class is None else per_class[y_indices]
        return encoded.astype(numpy_dtype(targets.encoded.dtype)), weights

    def _encode_labels(self, y, classes, continuing, incremental):
        """Check the labels; return the classes and ``y`` as indices into them."""
        fitted_classes = to_numpy(getattr(self, "classes_", None))
        return encode_labels(
            y, classes, fitted_classes, continuing, incremental, type(self).__name__
        )

    def _validation_split(self, indices, targets, random_state):
        """Stratified hold-out of ``validation_fraction`` of the rows, as scikit-learn does."""
        stratify = None if targets.stratify is None else targets.stratify[indices]
        try:
            train, validation = train_test_split(
                indices,
                test_size=self.validation_fraction,
                random_state=random_state,
                stratify=stratify,
            )
        except ValueError as error:
            raise ValueError(
                "Cannot hold out a stratified validation set for early stopping: "
                f"{str(error).rstrip('.')}. Pass validation data of your own to fit "
                "(X_val, y_val), give every class at least 2 samples (and a "
                "validation_fraction that holds one of each), or set early_stopping=False."
            ) from error
        if validation.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the "
                "size of your dataset."
            )
        return train, validation

    # ------------------------------------------------------------------ prediction
    def _logits(self, X, method):
        check_is_fitted(self)
        # Under array API dispatch, X must be of the namespace and device of the fit.
        check_same_namespace(X, self, attribute="classes_", method=method)
        X = validate_data(self, X, accept_sparse=("csr", "csc"), dtype=float_dtypes(X), reset=False)
        weights, intercepts = self._fitted_parameters()
        if isinstance(X, np.ndarray) != isinstance(weights[0], np.ndarray) and not sp.issparse(X):
            raise ValueError(
                f"This model's parameters are arrays of {namespace(weights[0]).__name__}, "
                f"and X became an array of {namespace(X).__name__}. Call {method} under "
                "sklearn.config_context(array_api_dispatch=True) with X of the namespace "
                "and device of the fit, or convert the model to NumPy first with "
                "sknn.utils.estimator_to_numpy."
            )
        if not isinstance(X, np.ndarray) and not sp.issparse(X):
            # NumPy's products promote a float32 side to float64; PyTorch's refuse to
            # mix them: both sides in the wider dtype, as NumPy computes it.
            xp = namespace(X)
            dtype = xp.result_type(X.dtype, weights[0].dtype)
            X = xp.astype(X, dtype, copy=False)
            weights = [xp.astype(W, dtype, copy=False) for W in weights]
            intercepts = [
                None if b is None else xp.astype(b, dtype, copy=False) for b in intercepts
            ]
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is handled here:
            Z = self._make_network().forward(X, weights, intercepts)
        xp = namespace(Z)
        if xp.any(xp.isnan(Z)):
            # Finite inputs and parameters: only an overflow (inf - inf) makes a NaN.
            largest = largest_magnitude(X.data if sp.issparse(X) else X)
            raise ValueError(
                f"{method} cannot score some rows of X: their values (up to "
                f"{largest:.3g} in magnitude) overflow this model's arithmetic to NaN. "
                "Scale the features as they were scaled in training (for example with "
                "StandardScaler)."
            )
        return Z

    def decision_function(self, X: "MatrixLike") -> np.ndarray:
        """Logits of the output units.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For a binary problem, one score per sample whose sign gives the
            predicted class (``z_1 - z_0`` for softmax units); else one per class.
        """
        Z = self._logits(X, "decision_function")
        if self._output_unit() is MULTILABEL:
            return Z
        if Z.shape[1] == 1:
            return Z[:, 0]
        if Z.shape[1] == 2:
            # Two infinite logits of one sign (an overflow of new data) tie: a score of 0,
            # not inf - inf, as predict and predict_proba see them.
            xp = namespace(Z)
            both_infinite = xp.isinf(Z[:, 0]) & (Z[:, 0] == Z[:, 1])
            with np.errstate(invalid="ignore"):  # (inf - inf, replaced)
                return xp.where(both_infinite, 0.0, Z[:, 1] - Z[:, 0])
        return Z

    def predict(self, X: "MatrixLike") -> np.ndarray:
        """Predict the class of each sample, the one of largest probability.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted class labels; for multi-label targets, the 0/1 indicator of
            the labels.
        """
        Z = self._logits(X, "predict")
        unit = self._output_unit()
        if unit is MULTILABEL:
            return unit.predict(Z)  # the 0/1 indicator of the labels
        indices = unit.predict(Z)
        if isinstance(indices, np.ndarray):
            return self.classes_[indices]
        xp = namespace(Z)
        if xp.isdtype(self.classes_.dtype, "unsigned integer"):
            # PyTorch takes no elements of uint16, uint32 or uint64: on the host.
            return like(to_numpy(self.classes_)[to_numpy(indices)], Z)
        return xp.take(self.classes_, indices, axis=0)

    def predict_proba(self, X: "MatrixLike") -> np.ndarray:
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``; rows sum to one, except for multi-label
            targets, where each column is the probability of its own label.
        """
        Z = self._logits(X, "predict_proba")
        with np.errstate(under="ignore"):  # exp of a very negative logit is 0: harmless
            return self._output_unit().proba(Z)

    def predict_log_proba(self, X: "MatrixLike") -> np.ndarray:
        """Logarithm of the probability of each class, computed from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Finite even where a probability rounds to zero, for finite logits; -inf
            for a class whose logit is -inf where another's is not (an overflow).
        """
        Z = self._logits(X, "predict_log_proba")
        with np.errstate(under="ignore"):
            return self._output_unit().log_proba(Z)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # (class_weight refuses multi-label targets: each label is its own problem)
        tags.classifier_tags.multi_label = self._multilabel and self.class_weight is None
        return tags
