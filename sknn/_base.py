"""The one training engine that every sknn estimator shares.

An estimator contributes only its model: the shapes of its weight matrices, their
initialisation, the forward pass to the logits and the hand-derived gradient of the
data loss (see ``_linear.py`` and ``_mlp.py``). Everything else lives here once:
input validation, the flat parameter vector, mini-batch SGD with momentum, the L2
penalty, learning-rate schedules, early stopping with best-parameter restore,
bookkeeping, and prediction from the logits.

The objective minimised, for weights ``W`` (intercepts are not penalised), is

    J = C + alpha * sum_layers ||W||^2,    so    dJ/dW = dC/dW + 2 alpha W,

where ``C`` is the mean cross-entropy of the output unit (``_losses.py``). Unlike
scikit-learn's MLPClassifier, alpha is neither halved nor divided by the batch size.
"""

import copy
import signal
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field
from numbers import Integral, Real
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import (
    check_classification_targets,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._losses import OUTPUT_UNITS, cross_entropy
from ._optimizers import (
    ADAPTIVE_DIVISOR,
    ADAPTIVE_MIN_LEARNING_RATE,
    SGDMomentum,
    invscaling_learning_rate,
)

if TYPE_CHECKING:
    from typing import TypeAlias

    from numpy.typing import ArrayLike
    from typing_extensions import Self

    #: What ``X`` may be: anything ``np.asarray`` accepts, or a scipy.sparse matrix.
    MatrixLike: TypeAlias = "ArrayLike | sp.spmatrix"


#: What ``monitor`` may ask the engine to record, beyond the loss curves.
MONITORS = {
    "train_score": "training accuracy after each epoch, in train_scores_",
    "batch_loss": "the objective of each mini-batch, in batch_loss_curve_",
}


class Parameters:
    """All weights and intercepts of a model in one flat vector, seen as arrays.

    The weights come first, so the L2 penalty and its gradient are single
    operations on ``flat[:n_weights]``, and an optimizer step is a few operations
    on ``flat``. ``weights[i]`` (shape (fan_in, fan_out)) and ``intercepts[i]``
    (shape (fan_out,)) are contiguous views into ``flat``.

    Parameters
    ----------
    weight_shapes : list of (int, int)
        ``(fan_in, fan_out)`` of each layer.
    dtype : dtype
        float32 or float64.
    flat : ndarray, default=None
        An existing vector to view; zeros when None.
    """

    def __init__(self, weight_shapes, dtype, flat=None):
        self.weight_shapes = [tuple(shape) for shape in weight_shapes]
        self.n_weights = sum(fan_in * fan_out for fan_in, fan_out in self.weight_shapes)
        n_total = self.n_weights + sum(fan_out for _, fan_out in self.weight_shapes)
        self.flat = np.zeros(n_total, dtype=dtype) if flat is None else flat
        self.weight_vector = self.flat[: self.n_weights]  # the penalised part
        self.weights, self.intercepts = [], []
        offset = 0
        for fan_in, fan_out in self.weight_shapes:
            self.weights.append(
                self.flat[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out)
            )
            offset += fan_in * fan_out
        for _, fan_out in self.weight_shapes:
            self.intercepts.append(self.flat[offset : offset + fan_out])
            offset += fan_out

    def assign(self, weights, intercepts, names):
        """Copy arrays into the views, checking that each has the expected shape."""
        weight_names, intercept_names = names
        pairs = zip(
            self.weights + self.intercepts,
            list(weights) + list(intercepts),
            weight_names + intercept_names,
        )
        for view, value, name in pairs:
            value = np.asarray(value)
            if value.shape != view.shape:
                raise ValueError(
                    f"{name} has shape {value.shape}, but the model needs {view.shape}. "
                    "Set parameters of the fitted shapes, or refit from scratch."
                )
            view[...] = value


@dataclass
class TrainingState:
    """The bookkeeping that training carries from one epoch, and one call, to the next."""

    learning_rate: float
    velocity: np.ndarray
    n_iter: int = 0
    t: int = 0
    no_improvement_count: int = 0
    best_loss: float = np.inf
    best_validation_loss: float = np.inf
    loss_curve: list = field(default_factory=list)
    validation_loss_curve: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    train_scores: list = field(default_factory=list)
    batch_loss_curve: list = field(default_factory=list)


class Problem(NamedTuple):
    """What training starts from: validated data, parameters and state."""

    params: Parameters
    state: TrainingState
    classes: np.ndarray
    X: object
    y: np.ndarray
    sample_weight: object
    rng: np.random.RandomState


def _dot_into(A, B, out):
    """``out[...] = A @ B`` without a temporary when ``A`` is dense."""
    if isinstance(A, np.ndarray):  # (a type check costs a tenth of sp.issparse, per product)
        np.matmul(A, B, out=out)
    else:
        out[...] = A @ B


class BaseGradientDescentClassifier(ClassifierMixin, BaseEstimator):
    """Base class of sknn's classifiers: the shared engine. Do not use directly.

    A subclass sets ``_output`` ('logistic' or 'softmax') and implements
    ``_weight_shapes``, ``_initialize_weights``, ``_logits``,
    ``_allocate_workspace``, ``_loss_gradient``, and the two methods that map its
    public fitted attributes to lists of weights and intercepts,
    ``_get_weights_intercepts`` and ``_set_weights_intercepts``.
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "monitor": [None, StrOptions(set(MONITORS)), list, tuple],
    }

    #: 'logistic' (sigmoid units) or 'softmax'; see ``_losses.OUTPUT_UNITS``.
    _output = "softmax"

    def __init__(
        self,
        *,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        n_iter_no_change,
        monitor,
    ):
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.monitor = monitor

    # ------------------------------------------------------------------ model hooks
    def _n_outputs(self, n_classes):
        """Number of output units for ``n_classes`` classes."""
        return n_classes

    def _check_trainable(self):
        """Check what the parameter constraints cannot express."""
        self._monitored()

    def _monitored(self):
        """The set of names in ``monitor``, checked."""
        if self.monitor is None:
            return set()
        names = {self.monitor} if isinstance(self.monitor, str) else set(self.monitor)
        unknown = names - set(MONITORS)
        if unknown:
            raise ValueError(
                f"The 'monitor' parameter of {type(self).__name__} got unknown entries "
                f"{sorted(unknown)}; allowed: {sorted(MONITORS)}."
            )
        return names

    # ------------------------------------------------------------------ fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self, X: "MatrixLike", y: "ArrayLike", sample_weight: "ArrayLike | None" = None
    ) -> "Self":
        """Fit the model by mini-batch gradient descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data trains in float32; anything else in float64.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; the loss becomes the weighted mean of the
            per-sample losses. Samples of weight zero are left out.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

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
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            All the classes that can appear in any call. Required on the first
            call, ignored after it.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        self : object
            The estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, classes=classes, incremental=True)

    def _fit(self, X, y, sample_weight=None, classes=None, incremental=False):
        # validate_data sets n_features_in_ and feature_names_in_ before training can fail
        # (divergence, bad labels): a failed call puts them back, so the estimator is as it
        # was, and an unfitted one stays unfitted for check_is_fitted.
        names = ("n_features_in_", "feature_names_in_")
        saved = {name: vars(self)[name] for name in names if name in vars(self)}
        try:
            return self._fit_unguarded(X, y, sample_weight, classes, incremental)
        except BaseException:
            for name in names:
                vars(self).pop(name, None)
            vars(self).update(saved)
            raise

    def _fit_unguarded(self, X, y, sample_weight, classes, incremental):
        self._check_trainable()
        problem = self._prepare(X, y, sample_weight, classes, incremental)
        X, y, sample_weight = problem.X, problem.y, problem.sample_weight
        if self.early_stopping and not incremental:
            X, X_val, y, y_val, sample_weight, sample_weight_val = self._split_validation(
                X, y, sample_weight, problem.rng
            )
        else:
            X_val = y_val = sample_weight_val = None
        # Overflow on the way to divergence is no news: _train checks the loss and the
        # parameters and raises _raise_diverged's error, instead of a RuntimeWarning each.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._train(
                problem,
                X,
                y,
                _normalise(sample_weight),
                X_val,
                y_val,
                _normalise(sample_weight_val),
                incremental,
            )
        return self

    def _prepare(self, X, y, sample_weight, classes=None, incremental=False):
        """Validate the data; set up the parameters and the state to train from.

        Nothing fitted is changed here (but ``n_features_in_``), so that a call
        that fails later leaves a fitted estimator as it was.
        """
        continuing = (incremental or self.warm_start) and hasattr(self, "classes_")
        _check_label_types(y, "y")  # before numpy turns a mixed list into strings
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=("csr", "csc"),
            dtype=(np.float64, np.float32),
            reset=not continuing,
        )
        check_classification_targets(y)
        if sp.issparse(X):
            X = X.tocsr()  # rows are gathered per batch
        classes, y = self._encode_labels(y, classes, incremental, continuing)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            # A sample of weight zero contributes nothing to J: leave it out of the batches.
            keep = sample_weight > 0
            if not keep.all():
                X, y, sample_weight = X[keep], y[keep], sample_weight[keep]

        rng = check_random_state(self.random_state)
        weight_shapes = self._weight_shapes(X.shape[1], self._n_outputs(len(classes)))
        if continuing:
            weights, intercepts = self._get_weights_intercepts()
            params = Parameters(weight_shapes, np.asarray(weights[0]).dtype)
            params.assign(weights, intercepts, self._parameter_names(len(weight_shapes)))
            # A copy: the fitted state stays as it was if this call fails.
            state = TrainingState(**copy.deepcopy(self._training_state))
            if not incremental or state.velocity.shape != params.flat.shape:
                # A warm-start fit starts a fresh optimizer, as scikit-learn's does:
                # zero velocity and the current learning_rate_init. partial_fit goes on.
                state.velocity = np.zeros_like(params.flat)
                state.learning_rate = float(self.learning_rate_init)
            state.velocity = state.velocity.astype(params.flat.dtype, copy=False)
        else:
            params = Parameters(weight_shapes, X.dtype)
            self._initialize_weights(params.weights, rng)
            state = TrainingState(
                learning_rate=float(self.learning_rate_init),
                velocity=np.zeros_like(params.flat),
            )
        X = X.astype(params.flat.dtype, copy=False)
        if sample_weight is not None:
            sample_weight = sample_weight.astype(params.flat.dtype, copy=False)
        return Problem(params, state, classes, X, y, sample_weight, rng)

    def _encode_labels(self, y, classes, incremental, continuing):
        """Return the classes and ``y`` as indices into them."""
        if continuing:
            if (
                incremental
                and classes is not None
                and not np.array_equal(np.unique(classes), self.classes_)
            ):
                raise ValueError(
                    f"classes={np.unique(classes).tolist()} is not the same as on the first "
                    f"call to partial_fit, {self.classes_.tolist()}."
                )
            classes = self.classes_
        elif incremental:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit: the list of "
                    "every label that any call may contain."
                )
            _check_label_types(classes, "classes")
            classes = np.unique(classes)
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
                f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {classes.tolist()[0]!r}. "
                "Pass data with at least 2 distinct labels in y."
            )
        return classes, np.searchsorted(classes, y)

    def _split_validation(self, X, y, sample_weight, rng):
        """Stratified hold-out of ``validation_fraction`` of the data, as scikit-learn does."""
        arrays = (X, y) if sample_weight is None else (X, y, sample_weight)
        try:
            split = train_test_split(
                *arrays,
                test_size=self.validation_fraction,
                random_state=rng,
                stratify=y,
            )
        except ValueError as error:
            raise ValueError(
                f"Cannot hold out a stratified validation set for early stopping: {error} "
                "Use more samples per class, a larger validation_fraction, or "
                "early_stopping=False."
            ) from error
        if split[1].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the "
                "size of your dataset."
            )
        if sample_weight is None:
            X, X_val, y, y_val = split
            return X, X_val, y, y_val, None, None
        return split

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} training "
                "samples; using batches of all of them.",
                UserWarning,
            )
        return min(self.batch_size, n_samples)

    def _train(self, problem, X, y, sample_weight, X_val, y_val, sample_weight_val, incremental):
        """Run the epochs of mini-batch SGD (one for partial_fit); then store the result."""
        params, state, rng = problem.params, problem.state, problem.rng
        max_epochs = 1 if incremental else self.max_iter
        n_samples, n_features = X.shape
        batch_size = self._batch_size(n_samples)
        early_stopping = X_val is not None
        # Everything the loop needs is allocated once, here; the loop itself allocates
        # nothing of the size of the data.
        alpha = self.alpha
        # The optimizer holds the parameters, velocity and gradient side by side, and
        # adds the penalty's gradient 2 alpha W in its step (see _optimizers.py).
        optimizer = SGDMomentum(
            params.flat,
            state.velocity,
            state.learning_rate,
            self.momentum,
            self.nesterovs_momentum,
            alpha,
            params.n_weights,
        )
        # The optimizer alternates between two buffers (see _optimizers.py): views of both.
        shapes, dtype = params.weight_shapes, params.flat.dtype
        views = [
            (Parameters(shapes, dtype, flat=w), Parameters(shapes, dtype, flat=g))
            for w, g in optimizer.buffers
        ]
        params, grads = views[optimizer.current]
        workspace = self._allocate_workspace(batch_size, shapes, dtype)
        batches = _BatchGatherer(X, y, sample_weight, batch_size)
        sample_order = np.arange(n_samples)
        best_params = params.flat.copy() if early_stopping else None
        shuffle = self.shuffle and batch_size < n_samples  # one full batch: order is moot
        monitored = self._monitored()
        record_batch_loss = "batch_loss" in monitored

        epoch = 0
        converged = False
        n_iter_before = state.n_iter  # epochs of earlier calls (warm_start, partial_fit)
        ctrl_c = _DeferredInterrupt()  # Ctrl+C takes effect after the current update
        try:
            for epoch in range(1, max_epochs + 1):  # noqa: B007 (reported after the loop)
                epoch_start = time.perf_counter()
                if shuffle:
                    rng.shuffle(sample_order)  # shuffle indices, never the data
                accumulated_loss = 0.0
                for start in range(0, n_samples, batch_size):
                    X_batch, y_batch, sample_weight_batch = batches.gather(
                        sample_order, start, shuffle
                    )
                    loss = self._loss_gradient(
                        X_batch, y_batch, sample_weight_batch, params, grads, workspace, rng
                    )
                    if alpha:
                        # J = C + alpha ||W||^2;  dJ/dW = dC/dW + 2 alpha W, added by the step
                        weights = params.weight_vector
                        loss += alpha * float(weights @ weights)
                    if not np.isfinite(loss):
                        self._raise_diverged(state.n_iter + 1)
                    optimizer.step()
                    params, grads = views[optimizer.current]  # the step wrote the other buffer
                    accumulated_loss += loss * X_batch.shape[0]
                    if record_batch_loss:
                        state.batch_loss_curve.append(loss)
                    if ctrl_c.requested:
                        raise KeyboardInterrupt

                state.n_iter += 1
                state.t += n_samples
                state.loss_curve.append(accumulated_loss / n_samples)
                if not np.isfinite(params.flat).all():
                    self._raise_diverged(state.n_iter)
                if early_stopping:
                    validation_loss = self._validate(params, state, X_val, y_val, sample_weight_val)
                    improved = validation_loss < state.best_validation_loss - self.tol
                    if validation_loss < state.best_validation_loss:
                        state.best_validation_loss = validation_loss
                        best_params[...] = params.flat
                else:
                    improved = state.loss_curve[-1] < state.best_loss - self.tol
                    state.best_loss = min(state.best_loss, state.loss_curve[-1])
                state.no_improvement_count = 0 if improved else state.no_improvement_count + 1
                if "train_score" in monitored:
                    Z = self._logits(X, params.weights, params.intercepts)
                    correct = self._predict_indices(Z) == y
                    state.train_scores.append(float(np.average(correct, weights=sample_weight)))
                if self.verbose:
                    self._print_progress(state, time.perf_counter() - epoch_start)

                if self.learning_rate == "invscaling":
                    optimizer.learning_rate = invscaling_learning_rate(
                        self.learning_rate_init, state.t, self.power_t
                    )
                if state.no_improvement_count > self.n_iter_no_change:
                    if (
                        self.learning_rate == "adaptive"
                        and optimizer.learning_rate > ADAPTIVE_MIN_LEARNING_RATE
                    ):
                        optimizer.learning_rate /= ADAPTIVE_DIVISOR
                        state.no_improvement_count = 0
                        if self.verbose:
                            print(f"Setting learning rate to {optimizer.learning_rate:f}")
                    else:
                        converged = True
                        if self.verbose:
                            print(self._stopping_message(early_stopping))
                        break
        except KeyboardInterrupt:
            # A Ctrl+C arrives here after the update of the current batch. A
            # KeyboardInterrupt raised otherwise, inside the model's code, drops the batch
            # in flight: either way the parameters are those after the last completed update. Only completed
            # epochs count, so n_iter_ == len(loss_curve_) as after any fit.
            interrupted_epoch = epoch
            epoch = state.n_iter - n_iter_before
            if early_stopping and state.validation_loss_curve:
                kept = "the parameters of the epoch with the best validation loss"
            else:
                # Nothing validated yet: the trained parameters beat the initial ones.
                if early_stopping:
                    best_params[...] = params.flat
                kept = "the parameters after the last completed mini-batch"
            warnings.warn(
                f"Training interrupted (KeyboardInterrupt) during epoch {interrupted_epoch}"
                f" of this call; keeping {kept}. The unfinished epoch is not counted in "
                "n_iter_ or loss_curve_.",
                UserWarning,
            )
            converged = True
        finally:
            ctrl_c.restore()

        losses_this_call = state.loss_curve[n_iter_before:]
        rising = len(losses_this_call) >= 2 and losses_this_call[-1] > losses_this_call[0]
        if rising and not incremental:
            # A finite loss that grows is divergence too; "raise the learning rate" would be
            # the wrong advice.
            warnings.warn(
                f"The training loss rose from {losses_this_call[0]:.4g} in epoch "
                f"{n_iter_before + 1} to {losses_this_call[-1]:.4g} in epoch {state.n_iter}: "
                "the optimization is diverging. Lower learning_rate_init, or scale the "
                "features (for example with StandardScaler).",
                ConvergenceWarning,
            )
        elif not converged and not incremental:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({max_epochs}) reached and the "
                "optimization hasn't converged yet. Increase max_iter, or raise the "
                "learning rate.",
                ConvergenceWarning,
            )
        if early_stopping:
            params.flat[...] = best_params
        state.learning_rate = optimizer.learning_rate
        state.velocity = optimizer.velocity.copy()
        self._store(params, state, problem.classes, epochs_this_call=epoch, incremental=incremental)

    def _validate(self, params, state, X_val, y_val, sample_weight_val):
        """Record and return the validation loss; record the validation accuracy."""
        Z = self._logits(X_val, params.weights, params.intercepts)
        loss = cross_entropy(self._output, Z, y_val, sample_weight_val)
        correct = self._predict_indices(Z) == y_val
        state.validation_loss_curve.append(loss)
        state.validation_scores.append(float(np.average(correct, weights=sample_weight_val)))
        return loss

    def _stopping_message(self, early_stopping):
        watched = "Validation loss" if early_stopping else "Training loss"
        return f"{watched} did not improve more than tol={self.tol} for {self.n_iter_no_change} consecutive epochs. Stopping."

    def _print_progress(self, state, seconds):
        line = f"Epoch {state.n_iter}, loss = {state.loss_curve[-1]:.6f}"
        if state.validation_loss_curve:
            line += (
                f", validation loss = {state.validation_loss_curve[-1]:.6f}"
                f", validation accuracy = {state.validation_scores[-1]:.4f}"
            )
        print(f"{line}, {seconds:.3f} s")

    def _raise_diverged(self, epoch):
        raise FloatingPointError(
            f"Training diverged in epoch {epoch}: the loss or the parameters became "
            "infinite or NaN. Lower learning_rate_init, scale the features (for example "
            "with StandardScaler), or raise alpha. An estimator fitted before this call "
            "keeps the parameters it had."
        )

    def _store(self, params, state, classes, epochs_this_call, incremental):
        """Publish the trained parameters and bookkeeping as fitted attributes."""
        self.classes_ = classes
        self._set_weights_intercepts(
            [w.copy() for w in params.weights], [b.copy() for b in params.intercepts]
        )
        # Plain numbers, lists and arrays only, so that skops can load it safely.
        self._training_state = asdict(state)
        # fit reports its own epochs, as scikit-learn does; partial_fit the running total.
        self.n_iter_ = state.n_iter if incremental else epochs_this_call
        self.t_ = state.t
        self.loss_curve_ = list(state.loss_curve)
        self.loss_ = state.loss_curve[-1] if state.loss_curve else None
        monitored = self._monitored()
        self.train_scores_ = list(state.train_scores) if "train_score" in monitored else None
        self.batch_loss_curve_ = list(state.batch_loss_curve) if "batch_loss" in monitored else None
        if state.validation_loss_curve:
            self.validation_loss_curve_ = list(state.validation_loss_curve)
            self.validation_scores_ = list(state.validation_scores)
            self.best_validation_loss_ = state.best_validation_loss
            self.best_loss_ = None
        else:
            self.validation_loss_curve_ = None
            self.validation_scores_ = None
            self.best_validation_loss_ = None
            self.best_loss_ = state.best_loss

    # ------------------------------------------------------------------ objective
    def _objective_gradient(self, flat_params, X, y, sample_weight, n_classes):
        """``J`` and ``dJ/dtheta`` at ``flat_params`` over the full data (no dropout).

        ``y`` holds class indices and ``sample_weight`` is normalised to mean 1, as
        in training. Used by :func:`sknn.utils.check_gradients`.
        """
        shapes = self._weight_shapes(X.shape[1], self._n_outputs(n_classes))
        params = Parameters(shapes, flat_params.dtype, flat=flat_params)
        grads = Parameters(shapes, flat_params.dtype)
        workspace = self._allocate_workspace(X.shape[0], shapes, flat_params.dtype)
        loss = self._loss_gradient(X, y, sample_weight, params, grads, workspace, None)
        weights = params.weight_vector
        loss += self.alpha * float(weights @ weights)
        grads.weight_vector += 2 * self.alpha * weights
        return loss, grads.flat

    # ------------------------------------------------------------------ prediction
    def _decision_logits(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=("csr", "csc"), dtype=(np.float64, np.float32), reset=False
        )
        weights, intercepts = self._get_weights_intercepts()
        return self._logits(X, weights, intercepts)

    def _predict_indices(self, Z):
        if Z.shape[1] == 1:
            return (Z[:, 0] > 0).astype(np.intp)
        return Z.argmax(axis=1)

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
        Z = self._decision_logits(X)
        if Z.shape[1] == 1:
            return Z[:, 0]
        if Z.shape[1] == 2:
            return Z[:, 1] - Z[:, 0]
        return Z

    def predict(self, X: "MatrixLike") -> np.ndarray:
        """Predict the class of each sample, the one of largest probability.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        Z = self._decision_logits(X)
        return self.classes_[self._predict_indices(Z)]

    def predict_proba(self, X: "MatrixLike") -> np.ndarray:
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to one; columns follow ``classes_``.
        """
        return OUTPUT_UNITS[self._output].proba(self._decision_logits(X))

    def predict_log_proba(self, X: "MatrixLike") -> np.ndarray:
        """Logarithm of the probability of each class, computed from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Finite even where a probability rounds to zero.
        """
        return OUTPUT_UNITS[self._output].log_proba(self._decision_logits(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class _DeferredInterrupt:
    """Defers Ctrl+C (SIGINT) in training to the end of the current mini-batch.

    In the main thread, while SIGINT has Python's default handler, a handler that
    only records the signal is installed; the training loop checks
    :attr:`requested` after each update and stops there, so no update is ever half
    applied. A second Ctrl+C interrupts at once. Elsewhere (other threads, a
    custom handler) SIGINT behaves as usual. :meth:`restore` puts the handler back.
    """

    def __init__(self):
        self.requested = False
        self._previous = None
        in_main_thread = threading.current_thread() is threading.main_thread()
        if in_main_thread and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous = signal.signal(signal.SIGINT, self._record)

    def _record(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def restore(self):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


class _BatchGatherer:
    """Hands out mini-batches, gathered into buffers allocated once."""

    def __init__(self, X, y, sample_weight, batch_size):
        self.X, self.y, self.sample_weight = X, y, sample_weight
        self.batch_size = batch_size
        self.dense = not sp.issparse(X)
        if self.dense:
            self.X_buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
        self.y_buffer = np.empty(batch_size, dtype=y.dtype)
        if sample_weight is not None:
            self.sample_weight_buffer = np.empty(batch_size, dtype=sample_weight.dtype)

    def gather(self, order, start, shuffled):
        """Rows ``order[start:start + batch_size]`` of X, y and sample_weight."""
        stop = min(start + self.batch_size, self.X.shape[0])
        if not shuffled:  # contiguous rows: views, no copy
            batch = slice(start, stop)
            sample_weight = None if self.sample_weight is None else self.sample_weight[batch]
            return self.X[batch], self.y[batch], sample_weight
        indices = order[start:stop]
        n = stop - start
        if self.dense:
            # mode="clip" lets take write straight into `out` (the default buffers first).
            X_batch = self.X.take(indices, axis=0, out=self.X_buffer[:n], mode="clip")
        else:
            X_batch = self.X[indices]
        y_batch = self.y.take(indices, out=self.y_buffer[:n], mode="clip")
        sample_weight = None
        if self.sample_weight is not None:
            sample_weight = np.take(
                self.sample_weight, indices, out=self.sample_weight_buffer[:n], mode="clip"
            )
        return X_batch, y_batch, sample_weight


def _check_label_types(labels, name):
    """Reject labels that mix strings with numbers: classes must be sortable."""
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


def _normalise(sample_weight):
    """Scale weights to mean 1 (None when all equal), so C is their weighted mean."""
    if sample_weight is None:
        return None
    sample_weight = sample_weight / sample_weight.mean()
    if np.all(sample_weight == 1):
        return None
    return sample_weight
