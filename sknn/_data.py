"""Training data as the engine sees it: rows chosen by index, and their sample weights.

X is never copied: a data set is X with an array of the row indices it uses (the
rows of positive weight, the training or the validation part of a split), and each
mini-batch gathers its rows into a buffer allocated once.
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import _assert_all_finite, _check_sample_weight

from ._primitives import (
    all_finite,
    gather_rows,
    largest,
    largest_magnitude,
    like,
    namespace,
    to_numpy,
    widest_float,
)


class Dataset(NamedTuple):
    """Training or validation data: rows ``indices`` of ``X``, ``targets`` and weights.

    ``targets`` are in the form the output unit takes; ``sample_weight`` (or None) is
    the weights divided by ``weight_mean``, their mean over the rows used (or, for a
    ``partial_fit`` that goes on, over those of the first call); ``indices`` is None
    for every row. Rows are gathered by index, so X is never copied.
    """

    X: object
    targets: np.ndarray
    sample_weight: np.ndarray | None
    indices: np.ndarray | None
    weight_mean: float = 1.0

    @property
    def n_samples(self):
        return self.X.shape[0] if self.indices is None else self.indices.shape[0]


class BatchGatherer:
    """Hands out the mini-batches of an epoch, gathered into buffers allocated once.

    Without shuffling, and when every row is used in its own dtype, a batch is a
    view of contiguous rows; otherwise its rows are gathered by index (casting to
    ``dtype`` on the way), so that X itself is never copied.
    """

    def __init__(self, data, batch_size, dtype):
        self.data, self.batch_size, self.dtype = data, batch_size, dtype
        self.order = np.arange(data.X.shape[0]) if data.indices is None else data.indices.copy()
        self.can_slice = data.indices is None and data.X.dtype == dtype
        self.buffers = None  # allocated at the first gather: slices need none

    def _allocate(self):
        """The buffers of a gathered batch: X's rows (dense NumPy X), targets, weights.

        Other namespaces gather into new arrays (the standard has no ``out=``)."""
        data, rows = self.data, self.batch_size
        if not isinstance(data.X, np.ndarray) and not sp.issparse(data.X):
            return None, None, None
        X = None if sp.issparse(data.X) else np.empty((rows, data.X.shape[1]), self.dtype)
        targets = np.empty((rows, *data.targets.shape[1:]), data.targets.dtype)
        weights = None
        if data.sample_weight is not None:
            weights = np.empty(rows, dtype=self.dtype)
        return X, targets, weights

    def epoch(self, rng=None):
        """Yield ``(X, T, sample_weight)`` per batch; shuffle the order first if ``rng``."""
        if rng is not None:
            rng.shuffle(self.order)  # shuffle indices, never the data (on the host)
        X, targets, weights = self.data.X, self.data.targets, self.data.sample_weight
        n_samples, batch_size = self.order.shape[0], self.batch_size
        order = like(self.order, X)  # (moved to X's device once per epoch)
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)
            if self.can_slice and rng is None:  # contiguous rows: views, no copy
                rows = slice(start, stop)
                yield X[rows, ...], targets[rows, ...], None if weights is None else weights[rows]
                continue
            if self.buffers is None:
                self.buffers = self._allocate()
            X_buffer, targets_buffer, weight_buffer = self.buffers
            indices = order[start:stop]
            yield (
                gather_rows(X, indices, X_buffer, self.dtype),
                gather_rows(targets, indices, targets_buffer),
                None
                if weights is None
                else gather_rows(weights, indices, weight_buffer, self.dtype),
            )


def make_dataset(X, encoded, sample_weight, indices, weight_mean=None):
    """A Dataset whose sample weights are divided by ``weight_mean``: by default their
    mean over its rows, which makes it 1."""
    if weight_mean is None:
        weight_mean = mean_weight(sample_weight, indices)
    return Dataset(X, encoded, normalise(sample_weight, weight_mean), indices, weight_mean)


def checked_weights(sample_weight, X, names=("sample_weight", "X")):
    """``sample_weight`` checked (one finite weight >= 0 per row of X, in X's dtype and
    namespace), or None. ``names`` name the weights and the data in error messages."""
    if sample_weight is None:
        return None
    shape = getattr(sample_weight, "shape", None)  # (other array-likes: scikit-learn's message)
    if shape is not None and len(shape) == 1 and shape[0] != X.shape[0]:
        raise ValueError(
            f"{names[0]} has {shape[0]} entries, but {names[1]} has {X.shape[0]} samples: "
            "give one weight per sample."
        )
    if isinstance(sample_weight, list | tuple):  # (scikit-learn 1.9 cannot move a list
        sample_weight = np.asarray(sample_weight)  # to another namespace: an array can)
    try:
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=X.dtype, ensure_non_negative=True
        )
    except ValueError as error:
        if names[0] == "sample_weight":
            raise  # scikit-learn's own message
        raise ValueError(f"{names[0]}: {error}") from error  # say which weights
    return sample_weight


def positive_weights(sample_weight, X, factor=None, names=("sample_weight", "X")):
    """Sample weights (from :func:`checked_weights`, or None) times ``factor`` (the
    class weights of each sample, or None), and the rows of positive weight (None
    when all are).

    A sample of weight zero contributes nothing to J: it is left out of the batches.
    ``names`` name the weights and the data in error messages.
    """
    if sample_weight is None and factor is None:
        return None, None
    if sample_weight is None:
        sample_weight = _check_sample_weight(None, X, dtype=X.dtype)  # ones
    if factor is not None:
        # The class weights are at most 1 (class_weights): the product cannot overflow.
        sample_weight = sample_weight * like(factor, sample_weight, sample_weight.dtype)
    positive = to_numpy(sample_weight > 0)  # (row indices live on the host)
    if not positive.any():
        raise ValueError(
            f"Every weight of the samples of {names[1]} is zero ({names[0]}, times the "
            "class weights if any): at least one sample needs a positive weight."
        )
    if positive.all():
        return sample_weight, None
    return sample_weight, np.flatnonzero(positive)


def mean_weight(sample_weight, indices):
    """The mean of the weights over the rows ``indices`` (all if None); 1 without.

    Computed as ``max * mean(w / max)``, so that the sum cannot overflow.
    """
    if sample_weight is None:
        return 1.0
    xp = namespace(sample_weight)
    used = (
        sample_weight if indices is None else xp.take(sample_weight, like(indices, sample_weight))
    )
    largest = float(xp.max(used))
    return largest * float(xp.mean(xp.astype(used, widest_float(used)) / largest))


def normalise(sample_weight, weight_mean):
    """The weights divided by ``weight_mean`` (None when they are all 1 then).

    With ``weight_mean`` their mean over the training rows, ``C`` is the weighted mean
    of the per-sample losses. ``partial_fit`` keeps the mean of its first call for the
    later ones, so that the weights of different calls keep their ratios.
    """
    if sample_weight is None:
        return None
    xp = namespace(sample_weight)
    with np.errstate(over="ignore"):  # (checked right below)
        weights = sample_weight / weight_mean
    if not all_finite(weights):
        raise ValueError(
            f"sample_weight holds weights up to {largest_magnitude(sample_weight):.3g}, "
            f"beyond floating point once divided by the mean weight of the first call to "
            f"partial_fit ({weight_mean:.3g}). Keep the weights of all calls on one scale."
        )
    if bool(xp.all(weights == 1)):
        return None
    return xp.astype(weights, sample_weight.dtype)


def finite_bound(X):
    """``max |x|`` over X, which must be finite (scikit-learn's error otherwise).

    Two reductions, ``min`` and ``max``, check finiteness (NaN propagates through
    both) and give the bound that certifies a fitted model's outputs finite.
    """
    values = X.data if sp.issparse(X) else X
    if not isinstance(values, np.ndarray):  # another namespace: whole-array reductions
        _assert_all_finite(values, input_name="X")
        return largest_magnitude(values)
    if values.size == 0:
        return 0.0
    # Block by block, so that max reads what min just brought into the cache: one
    # pass over X from memory, as scikit-learn's own finiteness check takes.
    rows = max(1, 2**16 // max(values[0].size, 1)) if values.ndim == 2 else 2**16
    lows, highs = [], []
    for start in range(0, values.shape[0], rows):
        block = values[start : start + rows]
        lows.append(block.min())
        highs.append(block.max())
    low, high = float(np.min(lows)), float(np.max(highs))  # (NaN propagates)
    if not (np.isfinite(low) and np.isfinite(high)):
        _assert_all_finite(values, input_name="X")
    return max(abs(low), abs(high))


def check_range(data_bound, params, name="X"):
    """Refuse data that the parameters' dtype cannot hold (a float32 model, float64 X
    or X_val, named ``name``).

    ``data_bound`` is ``max |x|`` (:func:`finite_bound`).
    """
    if data_bound > largest(params):
        raise ValueError(
            f"{name} holds values up to {data_bound:.3g}, beyond the range of "
            f"{params.dtype} (at most {largest(params):.3g}) in which this model is "
            "fitted. Scale the features, or train in float64: float64 X, and a fit from "
            "scratch (warm_start=False) for a model fitted in float32."
        )
