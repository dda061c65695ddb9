"""The estimator base that every sknn model shares: ``fit``, ``partial_fit``, fitted state.

A fit is five steps, each in one place:

1. validate the data, and encode the targets (a task's job: ``_classifier.py``);
2. build the network (a model's job: ``_linear.py``, ``_mlp.py``) and the objective
   ``J`` (``_objective.py``), and take the starting parameters: fresh, or the fitted
   ones to continue from;
3. train them (``_training.py``) with the optimizer of ``solver`` (``_optimizers.py``);
4. build every fitted attribute;
5. publish them all in one step.

Nothing of the estimator changes before step 5: a call that fails (bad input,
divergence, a second Ctrl+C) leaves a fitted estimator exactly as it was, and an
unfitted one unfitted.
"""

import copy
import warnings
from abc import ABC, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._callbacks import CallbackSupportMixin, FitTasks, batches_per_epoch
from ._data import check_range, checked_weights, finite_bound, make_dataset, positive_weights
from ._fitted import history_attributes, is_fitted_name, publish
from ._input import (
    check_continued_arrays,
    targets_on_device,
    validate_training_data,
    validate_validation_data,
)
from ._interrupt import DeferredInterrupt
from ._lbfgs import FTOL_MLP, run_lbfgs
from ._objective import Objective
from ._optimizers import OPTIMIZER_PARAMETERS, SGD, make_optimizer
from ._parameters import Parameters
from ._primitives import copy_of, namespace, numpy_dtype
from ._training import (
    Settings,
    TrainingState,
    check_finite_outputs,
    divergence_advice,
    run_epochs,
    warn_if_not_converged,
    warn_interrupted_at_the_end,
)

#: The solvers, as scikit-learn's MLPClassifier names them.
SOLVERS = {
    "sgd": "mini-batch stochastic gradient descent with (Nesterov) momentum",
    "adam": "mini-batch Adam",
    "lbfgs": "full-batch L-BFGS (SciPy)",
}

#: What ``monitor`` may ask the engine to record, beyond the loss curves.
MONITORS = {
    "train_score": "training accuracy after each epoch, in train_scores_",
    "batch_loss": "the objective of each mini-batch, in batch_loss_curve_",
}


class BaseGradientDescent(CallbackSupportMixin, BaseEstimator, ABC):
    """Base class of sknn's estimators: fit and partial_fit. Do not use directly.

    A model implements the hooks of its parameters (``_make_network``,
    ``_parameter_names``, ``_fitted_parameters``, ``_parameter_attributes``); a task
    (classification) implements those of its targets (``_encode_targets``,
    ``_encode_validation_targets``, ``_validation_split``, ``_accepts_multi_output``).
    """

    _parameter_constraints: dict = {
        "solver": [StrOptions(set(SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
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
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        solver,
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
        class_weight,
        beta_1,
        beta_2,
        epsilon,
        max_fun,
    ):
        self.solver = solver
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
        self.class_weight = class_weight
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.max_fun = max_fun

    #: L-BFGS's relative-decrease stopping rule (see _lbfgs.py).
    _lbfgs_ftol = FTOL_MLP

    # ------------------------------------------------------------------ model hooks
    @abstractmethod
    def _make_network(self):
        """The network of the current hyper-parameters (``LinearNetwork``, ...)."""

    @abstractmethod
    def _parameter_names(self, n_layers):
        """The public names of the weights and of the intercepts, two lists."""

    @abstractmethod
    def _fitted_parameters(self):
        """The fitted weights and intercepts, two lists in the network's shapes."""

    @abstractmethod
    def _parameter_attributes(self, weights, intercepts):
        """The public fitted attributes that hold ``weights`` and ``intercepts``, a dict."""

    # ------------------------------------------------------------------ task hooks
    @abstractmethod
    def _encode_targets(self, y, classes, continuing, incremental, dtype, sample_weight=None):
        """Check ``y``; return a ``Targets`` (output unit, targets encoded in ``dtype``...).

        ``sample_weight`` (checked, or None) is there for weights that depend on it
        (``class_weight="balanced"`` counts the classes with the sample weights)."""

    @abstractmethod
    def _encode_validation_targets(self, y_val, targets, X_val):
        """``y_val`` encoded as the training ``targets`` are, and the class weight of
        each of its samples (or None)."""

    @abstractmethod
    def _validation_split(self, indices, targets, random_state):
        """Hold out ``validation_fraction`` of ``indices``: (training, validation) indices."""

    @abstractmethod
    def _accepts_multi_output(self):
        """Whether ``y`` may be 2-d (one column per output), for ``validate_data``."""

    def _check_hyperparameters(self, incremental):
        """Check what the parameter constraints cannot express."""
        self._monitored()
        product = 2 * self.learning_rate_init * self.alpha
        limit = SGD.stable_step_limit(self.momentum, self.nesterovs_momentum)
        if self.solver == "sgd" and product >= limit:
            raise ValueError(
                f"2 * learning_rate_init * alpha = {product:.3g}, at or above {limit:.3g}: "
                f"with momentum={self.momentum:g}"
                f"{' (Nesterov)' if self.nesterovs_momentum and self.momentum else ''}, "
                "SGD's steps on the penalty alpha ||W||^2 alone grow the weights instead of "
                "shrinking them, so training cannot converge. Lower learning_rate_init "
                f"below {limit / (2 * self.alpha):.3g}, lower alpha, or use solver='adam' "
                "or 'lbfgs', which take any alpha."
            )
        if self.solver == "lbfgs" and getattr(self, "dropout", 0) > 0:
            raise ValueError(
                "dropout needs a stochastic solver: with dropout the objective is random, "
                "and L-BFGS needs the same objective at every evaluation. Use "
                "solver='sgd' or 'adam', or dropout=0."
            )
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: each call sees only "
                "its own data, so there is no fixed validation set to watch. Set "
                "early_stopping=False, or use fit."
            )

    def _monitored(self):
        """The set of names in ``monitor``, checked."""
        if self.monitor is None:
            return set()
        entries = [self.monitor] if isinstance(self.monitor, str) else list(self.monitor)
        unknown = [entry for entry in entries if not (isinstance(entry, str) and entry in MONITORS)]
        if unknown:
            raise ValueError(
                f"The 'monitor' parameter of {type(self).__name__} got unknown entries "
                f"{unknown!r}; allowed: {sorted(MONITORS)}."
            )
        return set(entries)

    # ------------------------------------------------------------------ fitting
    def _fit(self, X, y, sample_weight=None, *, incremental, classes=None, validation=None):
        """Fit (or continue to fit) on ``X, y``; ``validation`` is ``(X_val, y_val,
        sample_weight_val)`` or None."""
        self._check_hyperparameters(incremental)
        continuing = (incremental or self.warm_start) and hasattr(self, "_training_state")
        fitted = {}  # every new fitted attribute, published together at the end
        raw_sample_weight = sample_weight
        X, y = self._validate_training_data(X, y, reset=not continuing, fitted=fitted)
        data_bound = fitted.pop("_data_bound")
        if self.solver == "lbfgs" and not isinstance(X, np.ndarray) and not sp.issparse(X):
            raise ValueError(
                "solver='lbfgs' runs SciPy's minimizer, on NumPy arrays only, and X is an "
                f"array of {namespace(X).__name__}. Use solver='sgd' or 'adam' on it, or "
                "pass NumPy arrays (for a PyTorch tensor, X.cpu().numpy())."
            )
        if continuing:
            method = "partial_fit" if incremental else "fit (warm_start=True)"
            check_continued_arrays(X, self._fitted_parameters()[0][0], method)
        # float32 data trains in float32; a continued model keeps its own dtype.
        dtype = self._fitted_parameters()[0][0].dtype if continuing else X.dtype
        sample_weight = checked_weights(sample_weight, X)
        targets = self._encode_targets(
            y, classes, continuing, incremental, numpy_dtype(dtype), sample_weight
        )
        targets = targets_on_device(targets, X)
        fitted.update(targets.attributes)
        sample_weight, indices = positive_weights(sample_weight, X, targets.class_weight_per_sample)

        network = self._make_network()
        objective = Objective(network, targets.output_unit, self.alpha)
        init_rng, train_rng = self._random_streams(continuing)
        params, state = self._starting_point(network, X, targets, dtype, continuing, init_rng)
        train, validation_set = self._datasets(
            X, targets, sample_weight, indices, incremental, validation, fitted,
            state.weight_mean if incremental and continuing else None,
        )  # fmt: skip
        state.weight_mean = train.weight_mean
        check_range(data_bound, params.flat)
        if validation is not None and validation_set.X.dtype != params.flat.dtype:
            # X_val of the user, in a wider dtype: gathered in the model's dtype too.
            check_range(finite_bound(validation_set.X), params.flat, "X_val")
        lbfgs = self.solver == "lbfgs"
        settings = Settings(
            max_epochs=1 if incremental else self.max_iter,
            batch_size=train.n_samples if lbfgs else self._batch_size(train.n_samples),
            shuffle=self.shuffle,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            verbose=bool(self.verbose),
            early_stopping=self.early_stopping and not incremental,
            record_train_score="train_score" in self._monitored(),
            record_batch_loss="batch_loss" in self._monitored(),
            incremental=incremental,
            advice=divergence_advice(
                data_bound, self.solver, self.learning_rate_init, self.momentum, self.alpha
            ),
        )
        epochs_before = state.n_iter

        def snapshot():
            """The fitted attributes as they are now (for a callback's fitted_estimator)."""
            weights = [copy_of(W) for W in params.weights]
            intercepts = [None if b is None else copy_of(b) for b in params.intercepts]
            history = self._history_attributes(
                state, state.n_iter - epochs_before, incremental, validation_set
            )
            now = {**fitted, **self._parameter_attributes(weights, intercepts), **history}
            # The callback's copy starts from this estimator's attributes: one of an
            # earlier fit that this fit does not set (feature_names_in_ of a DataFrame,
            # now an array) is None there, as publish will drop it here.
            stale = {name: None for name in vars(self) if is_fitted_name(name)}
            return {**stale, **now}

        metadata = None if raw_sample_weight is None else {"sample_weight": raw_sample_weight}
        tasks = FitTasks(
            self,
            settings.max_epochs + lbfgs,  # (L-BFGS: one more, begun but never run)
            X,
            y,
            metadata,
            snapshot,
            None if lbfgs else batches_per_epoch(train.n_samples, settings.batch_size),
        )
        # Overflow on the way to divergence is no news: the loop checks the loss and the
        # parameters and says what happened; underflow of exp in a softmax is harmless.
        with np.errstate(all="ignore"), DeferredInterrupt() as interrupt:
            if lbfgs:
                outcome = run_lbfgs(
                    objective,
                    params,
                    state,
                    train,
                    validation_set,
                    settings,
                    self.max_fun,
                    self._lbfgs_ftol,
                    interrupt,
                    tasks,
                )
                state.optimizer = {"name": "lbfgs"}
            else:
                # partial_fit carries the optimizer's state over; fit (warm start too)
                # starts a fresh one, as scikit-learn's does.
                optimizer = make_optimizer(
                    self.solver,
                    params.flat,
                    state.optimizer if incremental else {},
                    **{name: getattr(self, name) for name in OPTIMIZER_PARAMETERS},
                )
                outcome = run_epochs(
                    objective,
                    optimizer,
                    params,
                    state,
                    train,
                    validation_set,
                    settings,
                    train_rng,
                    interrupt,
                    tasks,
                )
                state.optimizer = optimizer.state_dict()
            check_finite_outputs(objective, params, train, data_bound, settings)
            if interrupt.requested and not outcome.interrupted:  # (after the loop's checks)
                watch = settings.early_stopping and validation_set is not None
                warn_interrupted_at_the_end(outcome.epochs, watch)
                outcome = outcome._replace(interrupted=True)
            if not lbfgs and not incremental and not outcome.interrupted:
                warn_if_not_converged(state, epochs_before, outcome, self.max_iter)
            fitted.update(self._parameter_attributes(params.weights, params.intercepts))
            fitted.update(
                self._history_attributes(
                    state, outcome.epochs, incremental, validation_set, outcome.final_loss
                )
            )
            with interrupt.critical():
                publish(self, fitted)
        tasks.fit_ends()
        return self

    def _validate_training_data(self, X, y, reset, fitted):
        """``validate_data`` into ``fitted`` (``_input.py``)."""
        multi_output = self._accepts_multi_output()
        return validate_training_data(self, X, y, reset, fitted, multi_output)

    def _random_streams(self, continuing):
        """The random numbers of initialisation, and those of training.

        Training (shuffling, dropout) draws from a stream derived from an int
        ``random_state`` and the number of samples seen so far, so that every call
        of ``partial_fit`` (or warm-start ``fit``) draws fresh numbers, reproducibly.
        """
        seed = self.random_state
        init_rng = check_random_state(seed)
        if isinstance(seed, Integral) and not isinstance(seed, bool):
            samples_seen = self._training_state["t"] if continuing else 0
            sequence = np.random.SeedSequence([int(seed), int(samples_seen)])
            return init_rng, np.random.RandomState(sequence.generate_state(8))
        return init_rng, init_rng  # a RandomState (consumed as it goes) or None

    def _starting_point(self, network, X, targets, dtype, continuing, rng):
        """The parameters and the books to train from: the fitted ones, or fresh."""
        shapes = network.layer_shapes(X.shape[1], targets.n_outputs)
        params = Parameters(
            shapes, dtype, fit_intercept=getattr(network, "fit_intercept", True), like_array=X
        )
        if not continuing:
            network.initialize(params, rng)
            return params, TrainingState()
        weights, intercepts = self._fitted_parameters()
        params.assign(weights, intercepts, self._parameter_names(len(shapes)))
        # A copy: the fitted books stay as they are if this call fails.
        return params, TrainingState(**copy.deepcopy(self._training_state))

    def _datasets(
        self, X, targets, sample_weight, indices, incremental, validation, fitted, weight_mean
    ):
        """The training data and the validation data (or None).

        The validation data is ``validation`` when given; else, with early stopping, a
        ``validation_fraction`` of the training data held out (by index: no copy). The
        training weights are divided by ``weight_mean`` (None: by their mean).
        """
        if validation is not None:
            X_val, y_val, sample_weight_val = validation
            X_val = validate_validation_data(self, X_val, X, fitted)
            encoded, class_weights = self._encode_validation_targets(y_val, targets, X_val)
            sample_weight_val = checked_weights(
                sample_weight_val, X_val, names=("sample_weight_val", "X_val")
            )
            sample_weight_val, val_indices = positive_weights(
                sample_weight_val, X_val, class_weights, names=("sample_weight_val", "X_val")
            )
            return (
                make_dataset(X, targets.encoded, sample_weight, indices, weight_mean),
                make_dataset(X_val, encoded, sample_weight_val, val_indices),
            )
        if self.early_stopping and not incremental:
            if indices is None:
                indices = np.arange(X.shape[0])
            train_indices, validation_indices = self._validation_split(
                indices, targets, self.random_state
            )
            return (
                make_dataset(X, targets.encoded, sample_weight, train_indices, weight_mean),
                make_dataset(X, targets.encoded, sample_weight, validation_indices),
            )
        return make_dataset(X, targets.encoded, sample_weight, indices, weight_mean), None

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} training "
                "samples; using batches of all of them.",
                UserWarning,
            )
        return min(int(self.batch_size), n_samples)  # (int: True is an Integral, 1)

    def _history_attributes(self, state, epochs, incremental, validation_set, final_loss=None):
        return history_attributes(
            state,
            epochs,
            incremental,
            validating=validation_set is not None,
            monitored=self._monitored(),
            early_stopping=self.early_stopping,
            final_loss=final_loss,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Arrays of any Array API namespace, with the stochastic solvers (_primitives.py);
        # L-BFGS runs SciPy, on NumPy arrays only.
        tags.array_api_support = self.solver != "lbfgs"
        return tags

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_training_state")
