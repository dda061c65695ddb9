"""Class labels: checked, and encoded as indices into the sorted classes.

scikit-learn's rules, with clearer errors: ``classes_`` is the sorted unique labels
(given once to ``partial_fit``, or those of ``y``); a continued fit keeps them; the
labels must be all strings or all numbers; ``class_weight`` gives each sample the
weight of its class.
"""

from numbers import Real

import numpy as np
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets

from ._primitives import is_foreign_array, to_numpy


def encode_labels(y, classes, fitted_classes, continuing, incremental, estimator_name):
    """The classes, and ``y`` as indices into them.

    ``classes`` is what ``partial_fit`` was given (or None), ``fitted_classes`` the
    ``classes_`` of a fit to continue (or None).
    """
    check_classification_targets(y)
    if continuing:
        if incremental and classes is not None and not same_labels(classes, fitted_classes):
            raise ValueError(
                f"classes={np.unique(classes).tolist()} is not the same as on the first "
                f"call to partial_fit, {fitted_classes.tolist()}."
            )
        if not incremental and not same_labels(y, fitted_classes):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the "
                f"previous call to fit. Previously got {fitted_classes.tolist()}, `y` has "
                f"{np.unique(y).tolist()}. Fit from scratch (warm_start=False) to "
                "train on other classes."
            )
        classes = fitted_classes
    elif incremental:
        if classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the list of "
                "every label that any call may contain."
            )
        classes = checked_classes(classes)
    else:
        classes = np.unique(y)
    unknown = np.setdiff1d(y, classes)
    if unknown.size:
        raise ValueError(
            f"y contains labels {unknown.tolist()} that are not in classes_ "
            f"{classes.tolist()}. Pass every label in `classes` on the first "
            "call to partial_fit, or refit without warm_start."
        )
    if len(classes) < 2:
        raise ValueError(
            f"{estimator_name} needs samples of at least 2 classes in the data, "
            f"but the data contains only one class: {classes.tolist()[0]!r}. "
            "Pass data with at least 2 distinct labels in y."
        )
    return classes, np.searchsorted(classes, y)


def class_weights(class_weight, classes, y_indices, sample_weight=None):
    """The weight of each class from ``class_weight`` (None without), computed as
    scikit-learn's LogisticRegression computes it.

    "balanced" gives class k the weight ``W / (K W_k)``, with ``W_k`` the total
    sample weight of its samples in the training labels ``y_indices`` (their count
    without ``sample_weight``) and ``W`` that of all: so a sample of weight 0 counts
    as a sample left out, and integer weights as repeated samples. (SGDClassifier
    counts the samples whatever their weights.) A class whose samples all weigh 0
    gets weight 0: it has nothing to balance.

    The weights are returned divided by the largest: only their ratios matter (the
    engine divides the sample weights by their mean), and a sample weight times a
    class weight of at most 1 cannot overflow.
    """
    if class_weight is None:
        return None
    if sample_weight is not None:
        sample_weight = to_numpy(sample_weight).astype(np.float64)
    with np.errstate(divide="ignore"):  # a class of weight 0: W / 0, set to 0 below
        per_class = compute_class_weight(
            class_weight, classes=classes, y=classes[y_indices], sample_weight=sample_weight
        )
    if isinstance(class_weight, str) and sample_weight is not None:
        weighed = np.bincount(y_indices, weights=sample_weight, minlength=len(classes))
        per_class[weighed == 0] = 0.0
    wrong = ~(np.isfinite(per_class) & (per_class >= 0))
    if wrong.any():
        raise ValueError(
            f"class_weight gives the classes {classes[wrong].tolist()} the weights "
            f"{per_class[wrong].tolist()}: a class weight must be a finite number >= 0 (0 "
            "leaves the class's samples out)."
        )
    largest = per_class.max()
    return per_class / largest if largest > 0 else per_class


def check_indicator(Y, name):
    """Refuse a multi-label indicator whose entries are not all 0 or 1 (scikit-learn's
    ``type_of_target`` calls any two-valued integer matrix an indicator)."""
    values = np.unique(Y)
    if not np.isin(values, [0, 1]).all():
        raise ValueError(
            f"{name} is a 2-d indicator of labels (multi-label), whose entries must be 0 or "
            f"1; got the values {values.tolist()}."
        )


def checked_classes(classes):
    """``partial_fit``'s ``classes``, sorted and unique; a set is taken too."""
    if isinstance(classes, set | frozenset):  # no order, but a fine collection of labels
        classes = list(classes)
    check_label_types(classes, "classes")
    classes = np.asarray(classes)
    if classes.ndim != 1:
        raise ValueError(
            f"classes must be a 1-d collection of labels, got an array of shape {classes.shape}."
        )
    if classes.dtype.kind == "f" and not np.isfinite(classes).all():
        raise ValueError(
            f"classes contains NaN or infinity: {classes.tolist()}. A class label must be a "
            "finite number or a string."
        )
    return np.unique(classes)


def same_labels(labels, classes):
    """Whether the distinct values of ``labels`` are exactly ``classes``."""
    return np.array_equal(np.unique(labels), classes)


def check_label_types(labels, name):
    """Reject labels that mix strings with numbers: classes must be sortable."""
    if is_foreign_array(labels):
        return  # an array of another namespace (a tensor on a GPU, say): one numeric dtype
    # np.asarray would make ["a", 1] the strings ["a", "1"]: look at the Python objects.
    labels = np.asarray(labels, dtype=None if hasattr(labels, "dtype") else object)
    if labels.dtype != object:
        return
    kinds = {}
    for label in labels.ravel():
        if isinstance(label, str):
            kind = "string"
        else:
            kind = "number" if isinstance(label, Real) else type(label).__name__
        kinds.setdefault(kind, label)
    if len(kinds) > 1:
        examples = ", ".join(f"{label!r} ({kind})" for kind, label in sorted(kinds.items()))
        raise ValueError(
            f"{name} mixes labels of different types: {examples}. Labels must be all "
            "strings or all numbers; convert them to one type first, for example "
            "with np.asarray(y, dtype=str)."
        )
