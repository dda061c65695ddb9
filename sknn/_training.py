"""The one training loop of the stochastic solvers: epochs of shuffled mini-batches.

It knows nothing of labels or of the network: it gathers rows of the training data
(``X``, the encoded targets ``T`` and the sample weights), asks the objective for
``J`` and its gradient, lets the optimizer step, and keeps the books of each epoch:
the loss curves, early stopping on the validation loss with the best parameters
restored, and Ctrl+C, which stops training at the end of the current mini-batch.
"""

import math
import time
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._data import BatchGatherer
from ._primitives import all_finite, copy_of, largest, sum_


class Settings(NamedTuple):
    """What the loop needs of the estimator's hyper-parameters."""

    max_epochs: int
    batch_size: int
    shuffle: bool
    tol: float
    n_iter_no_change: float
    verbose: bool
    early_stopping: bool = False  # stop on the validation loss and restore its best epoch
    record_train_score: bool = False
    record_batch_loss: bool = False
    incremental: bool = False  # partial_fit: one epoch per call, whatever the stopping rule
    #: What to do if training diverges, for this model and data (``divergence_advice``).
    advice: str = "Lower learning_rate_init."


@dataclass
class TrainingState:
    """The books that training carries from one epoch, and one call, to the next.

    Plain numbers and lists only (the optimizer's state is a dict of numbers and
    arrays), so that skops can load a fitted estimator safely.
    """

    t: int = 0
    no_improvement_count: int = 0
    best_loss: float = np.inf
    best_validation_loss: float = np.inf
    loss_curve: list = field(default_factory=list)
    validation_loss_curve: list = field(default_factory=list)
    validation_scores: list = field(default_factory=list)
    train_scores: list = field(default_factory=list)
    batch_loss_curve: list = field(default_factory=list)
    optimizer: dict = field(default_factory=dict)
    # What the sample weights were divided by: their mean in the last fit, or in the
    # first call of partial_fit, whose later calls keep it (the weights of the calls
    # keep their ratios).
    weight_mean: float | None = None  # (None: not known, as in a model saved before it)

    @property
    def n_iter(self):
        """Epochs completed over all calls."""
        return len(self.loss_curve)

    def record_epoch(self, loss, n_samples, tol, validation=None, train_score=None, watch=False):
        """Write the books of a completed epoch; return whether it improved by ``tol``
        and whether it is the best validated epoch so far.

        ``validation`` is ``(loss, score)`` on the validation data, or None. With
        ``watch`` (early stopping) improvement is judged on the validation loss, else
        on the training loss.
        """
        is_best = False
        if validation is not None:
            validation_loss, validation_score = validation
            improved = validation_loss < self.best_validation_loss - tol
            is_best = validation_loss < self.best_validation_loss
            self.best_validation_loss = min(self.best_validation_loss, validation_loss)
        if validation is not None or self.validation_loss_curve:
            # One entry per epoch, NaN for an epoch not validated (a warm start that
            # turned validation on or off): entry k is always epoch k + 1.
            entry = validation if validation is not None else (math.nan, math.nan)
            self.pad(self.validation_loss_curve).append(entry[0])
            self.pad(self.validation_scores).append(entry[1])
        if not watch:
            improved = loss < self.best_loss - tol
        self.best_loss = min(self.best_loss, loss)  # (also while watching: for a later fit)
        if train_score is not None or self.train_scores:
            self.pad(self.train_scores).append(math.nan if train_score is None else train_score)
        self.t += n_samples
        self.loss_curve.append(loss)
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1
        return improved, is_best

    def pad(self, curve):
        """``curve`` (a list, extended in place) with NaN for the epochs before it
        began, if any: one entry per epoch of ``loss_curve``."""
        curve.extend([math.nan] * (self.n_iter - len(curve)))
        return curve


class Outcome(NamedTuple):
    """How a call's training ended."""

    epochs: int  # completed in this call
    converged: bool  # stopped by the stopping rule (or by Ctrl+C)
    interrupted: bool
    # J at the parameters kept, when no epoch of this call recorded it (L-BFGS that
    # converged at its starting point), else None.
    final_loss: float | None = None
    # J of the call's first mini-batch (at its starting parameters), or None.
    first_batch_loss: float | None = None


def evaluate(objective, weights, intercepts, batches, workspace):
    """Mean loss ``C`` and accuracy of the model on all of ``batches.data``, batch by batch."""
    n_samples = batches.data.n_samples
    loss = correct = total_weight = 0.0
    for X, T, sample_weight in batches.epoch():
        Z = objective.network.forward(X, weights, intercepts, workspace)
        batch_weight = X.shape[0] if sample_weight is None else float(sum_(sample_weight))
        correct += objective.output_unit.accuracy(Z, T, sample_weight) * batch_weight
        total_weight += batch_weight
        loss += objective.data_loss(Z, T, sample_weight) * X.shape[0]
    return loss / n_samples, correct / total_weight


def epoch_scores(objective, params, validation_batches, train_batches, settings, workspace):
    """What an epoch's books record at ``params`` besides the training loss: the
    validation loss and accuracy (None without validation data), and the training
    accuracy (None unless ``settings.record_train_score``)."""
    weights, intercepts = params.weights, params.intercepts
    validated = train_score = None
    if validation_batches is not None:
        validated = evaluate(objective, weights, intercepts, validation_batches, workspace)
        if not math.isfinite(validated[0]):  # (no epoch would be "best": refuse, not guess)
            raise FloatingPointError(
                "The loss on the validation data is NaN or infinite: the model's outputs "
                "overflow on it, though training is finite. If X_val holds values far "
                "larger than X, scale it as X was scaled (for example with the same "
                "fitted StandardScaler). An estimator fitted before this call keeps the "
                "parameters it had."
            )
    if settings.record_train_score:
        _, train_score = evaluate(objective, weights, intercepts, train_batches, workspace)
    return validated, train_score


def watch_from_here(objective, params, state, validation_batches, workspace):
    """Early stopping in a ``fit`` that continues a fitted model (warm start): judge
    this call's epochs against the parameters it starts from, on this call's
    validation data.

    The books carry the best validation loss of earlier fits, perhaps on other
    validation data, or of parameters that were not kept (without early stopping);
    against it, no epoch of this call might count as the best, and the call would
    restore its starting parameters while reporting a loss they do not have. So the
    best so far is the starting parameters' loss (kept if no epoch beats it), and the
    patience starts afresh.
    """
    loss, _ = evaluate(objective, params.weights, params.intercepts, validation_batches, workspace)
    state.best_validation_loss = loss
    state.no_improvement_count = 0


def run_epochs(
    objective, optimizer, params, state, train, validation, settings, rng, interrupt, tasks
):
    """Train ``params`` in place by mini-batch steps of ``optimizer``; keep the books.

    Parameters
    ----------
    objective : Objective
        ``J`` and its gradient.
    optimizer : SGD or Adam
        Steps, and the learning-rate schedule.
    params : Parameters
        Where training starts; updated in place.
    state : TrainingState
        The books, updated in place.
    train, validation : Dataset
        The training data, and the validation data (or None), whose loss and
        accuracy are recorded after each epoch, and which early stopping watches.
    settings : Settings
        Epochs, batch size, shuffling, stopping rule and monitoring.
    rng : numpy.random.RandomState
        Shuffles the order and draws dropout masks.
    interrupt : DeferredInterrupt
        Whether Ctrl+C was pressed.
    tasks : FitTasks
        The callbacks' view of the epochs and batches.

    Returns
    -------
    outcome : Outcome
    """
    grads = params.like()
    dtype = params.flat.dtype
    workspace = objective.network.allocate(settings.batch_size, params)
    batches = BatchGatherer(train, settings.batch_size, dtype)
    validation_batches = None
    if validation is not None:
        validation_batches = BatchGatherer(validation, settings.batch_size, dtype)
    watch = settings.early_stopping and validation is not None  # restore the best epoch
    best_params = copy_of(params.flat) if watch else None
    if watch and state.n_iter > 0:  # a warm start: from where this call starts
        watch_from_here(objective, params, state, validation_batches, workspace)
    # Without early stopping, the parameters of the last completed epoch: a Ctrl+C
    # during an update that overflowed falls back to them.
    last_epoch = None if watch else copy_of(params.flat)
    # One full batch: its order is moot.
    shuffle_rng = rng if settings.shuffle and settings.batch_size < train.n_samples else None
    epochs_before, batches_before = state.n_iter, len(state.batch_loss_curve)
    batch_tasks = tasks.batches is not None  # (a callback watches the batches)
    state.optimizer = optimizer.state_dict()  # (live: what a callback's snapshot copies)
    epoch, converged, recorded = 0, False, False
    first_batch_loss = None
    try:
        for epoch in range(1, settings.max_epochs + 1):  # noqa: B007 (reported after the loop)
            epoch_start = time.perf_counter()
            batches_before, recorded = len(state.batch_loss_curve), False
            tasks.epoch_begins()
            accumulated_loss = 0.0
            for X, T, sample_weight in batches.epoch(shuffle_rng):
                if batch_tasks:
                    tasks.batch_begins()
                loss = objective.value_and_gradient(
                    params, grads, X, T, sample_weight, workspace, rng
                )
                if not math.isfinite(loss):
                    raise_diverged(state.n_iter + 1, settings.advice)
                if first_batch_loss is None:
                    first_batch_loss = loss
                optimizer.step(params.flat, grads.flat)
                accumulated_loss += loss * X.shape[0]
                if settings.record_batch_loss:
                    state.batch_loss_curve.append(loss)
                if batch_tasks:
                    tasks.batch_ends()
                if interrupt.presses:  # Ctrl+C: stop here, after a whole update
                    raise KeyboardInterrupt

            if not (all_finite(params.flat) and _finite_state(optimizer)):
                raise_diverged(state.n_iter + 1, settings.advice)
            if last_epoch is not None:
                last_epoch[...] = params.flat  # finite: where Ctrl+C falls back to
            loss = accumulated_loss / train.n_samples
            validated, train_score = epoch_scores(
                objective, params, validation_batches, batches, settings, workspace
            )
            with interrupt.critical():  # the epoch's books are written whole, or not at all
                _, is_best = state.record_epoch(
                    loss, train.n_samples, settings.tol, validated, train_score, watch
                )
                if watch and is_best:
                    best_params[...] = params.flat
                optimizer.epoch_ends(state.t)  # (the schedule's step belongs to the books)
                state.optimizer = optimizer.state_dict()
                batches_before = len(state.batch_loss_curve)  # this epoch's batches are kept
                recorded = True
            if settings.verbose:
                print_progress(state, time.perf_counter() - epoch_start)
            stop_requested = tasks.epoch_ends()
            if stop_requested:
                converged = True
                if settings.verbose:
                    print("A callback asked to stop training.")
                break
            if state.no_improvement_count > settings.n_iter_no_change:
                if optimizer.stalled():  # the "adaptive" schedule lowered the step: go on
                    state.no_improvement_count = 0
                    if settings.verbose:
                        print(f"Setting learning rate to {optimizer.learning_rate:g}")
                else:
                    converged = True
                    if settings.verbose and not settings.incremental:  # (partial_fit goes on)
                        print(stopping_message(settings, watch))
                    break
            if interrupt.presses:  # Ctrl+C between two epochs: stop before the next one
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        # A Ctrl+C arrives here after the update of the current batch. A
        # KeyboardInterrupt raised otherwise, inside the network's code, drops the batch
        # in flight: either way the parameters are those after the last completed
        # update. Only completed epochs count, so every curve has n_iter_ entries.
        del state.batch_loss_curve[batches_before:]  # the unfinished epoch's batches
        completed = state.n_iter - epochs_before
        tasks.epoch_ends(completed=False)
        finite = all_finite(params.flat)
        if watch and state.validation_loss_curve[epochs_before:]:
            kept = "the parameters of the epoch with the best validation loss"
        elif not finite:
            # The update in flight overflowed: never keep non-finite parameters.
            if watch:
                kept = "the parameters training started from (the last update overflowed)"
            else:
                params.flat[...] = last_epoch
                kept = "the parameters of the last completed epoch (the last update overflowed)"
        else:
            # Nothing validated yet: the trained parameters beat the initial ones.
            if watch:
                best_params[...] = params.flat
            kept = "the parameters after the last completed mini-batch"
        if recorded:  # (between epochs: after the books of the last one)
            when = f"after epoch {completed} of this call; keeping {kept}."
        else:
            when = (
                f"during epoch {completed + 1} of this call; keeping {kept}. The unfinished "
                "epoch is not counted in n_iter_ or loss_curve_."
            )
        warnings.warn(f"Training interrupted (KeyboardInterrupt) {when}", UserWarning)
        epoch, converged = completed, True
        interrupted = True
    else:
        interrupted = False
    if watch:
        params.flat[...] = best_params
    return Outcome(epoch, converged, interrupted, first_batch_loss=first_batch_loss)


#: How much the training loss must rise over a call, relative to its first epoch, to be
#: reported as divergence. Near an optimum (a warm start that converges at once, say)
#: SGD's noise moves the epoch's loss by far less; a diverging fit grows it by far more.
DIVERGENCE_RISE = 0.1


def exploded(first_loss, last_loss):
    """Whether the loss of the last epoch is out of all proportion to that of the first
    mini-batch: over ten times, and larger by over 10 nats. One mini-batch's loss is a
    noisy estimate (a batch of one easy sample of a trained model: 0.002 against an
    epoch's 1.1), but no model that has not diverged loses 10 nats more per sample
    than where training started."""
    return last_loss > 10 * first_loss and last_loss - first_loss > 10.0


def warn_interrupted_at_the_end(epochs, watch):
    """One Ctrl+C after the training loop's last check (while the last epoch was
    scored, its callbacks ran, or the outputs were checked): nothing is left to stop,
    but the press is not dropped unsaid."""
    kept = "with the best validation loss" if watch else "after it"
    warnings.warn(
        f"Training interrupted (KeyboardInterrupt) after the last of the {epochs} epochs "
        f"(L-BFGS: iterations) of this call; keeping the parameters {kept}.",
        UserWarning,
    )


def warn_not_trained():
    """The warning of ``max_iter=0``, whatever the solver."""
    warnings.warn(
        "max_iter=0: the parameters were initialised (or kept) and not trained.",
        ConvergenceWarning,
    )


def warn_if_not_converged(state, epochs_before, outcome, max_iter):
    """ConvergenceWarning when the loss rose, or when max_iter ended training."""
    losses = state.loss_curve[epochs_before:]
    first = outcome.first_batch_loss
    if first is not None and losses and exploded(first, losses[-1]):
        # Within the first epoch: its mean is already far above where training began,
        # and may fall afterwards, never back (as with far too large a step).
        warnings.warn(
            f"The training loss went from {first:.4g} on the first mini-batch of this "
            f"call to {losses[-1]:.4g} in epoch {state.n_iter}: the optimization diverged "
            "(the steps are far too large). Lower learning_rate_init, or scale the "
            "features (for example with StandardScaler).",
            ConvergenceWarning,
        )
    elif len(losses) >= 2 and losses[-1] > losses[0] + DIVERGENCE_RISE * abs(losses[0]):
        # A finite loss that grows is divergence too; "raise max_iter" would be the wrong
        # advice.
        warnings.warn(
            f"The training loss rose from {losses[0]:.4g} in epoch {epochs_before + 1} to "
            f"{losses[-1]:.4g} in epoch {state.n_iter}: the optimization is diverging. "
            "Lower learning_rate_init, or scale the features (for example with "
            "StandardScaler).",
            ConvergenceWarning,
        )
    elif max_iter == 0:
        warn_not_trained()
    elif not outcome.converged:
        warnings.warn(
            f"Stochastic optimizer: maximum iterations ({max_iter}) reached and the "
            "optimization hasn't converged yet. Increase max_iter, or raise the "
            "learning rate.",
            ConvergenceWarning,
        )


def _finite_state(optimizer):
    """Whether the optimizer's arrays are finite (Adam's g^2 overflows first)."""
    arrays = [value for value in optimizer.state_dict().values() if hasattr(value, "shape")]
    return all(all_finite(array) for array in arrays)


def check_finite_outputs(objective, params, train, data_bound, settings):
    """Raise unless the fitted model's logits are finite on every row of the training X.

    Finite parameters can still overflow (a fit that diverged without reaching
    infinity), and then ``predict_proba`` would be NaN. The network's bound on its
    logits for inputs up to ``max |x|`` (``output_bound``) proves them finite at the
    cost of one pass over the parameters; only when it cannot (a bound near the
    dtype's largest number, or an activation of unknown range) are the logits
    computed on every row of X: those trained on, and those left out (of zero weight,
    or held out for validation) alike, since ``predict_proba(X)`` covers them all.
    """
    dtype = params.flat.dtype
    bound = objective.network.output_bound(params.weights, params.intercepts, data_bound)
    if bound is not None and bound < largest(params.flat) / 4:
        return
    workspace = objective.network.allocate(settings.batch_size, params)
    every_row = train._replace(sample_weight=None, indices=None)
    for X, _, _ in BatchGatherer(every_row, settings.batch_size, dtype).epoch():
        Z = objective.network.forward(X, params.weights, params.intercepts, workspace)
        if not all_finite(Z):
            raise FloatingPointError(
                "Training diverged: the fitted parameters are finite, but so large that "
                "the model's outputs overflow on the training data (its probabilities "
                f"would be NaN). {settings.advice} An estimator fitted before this call "
                "keeps the parameters it had."
            )


def raise_diverged(epoch, advice):
    raise FloatingPointError(
        f"Training diverged in epoch {epoch}: the loss or the parameters became infinite "
        f"or NaN. {advice} An estimator fitted before this call keeps the parameters it had."
    )


def divergence_advice(data_bound, solver, learning_rate_init, momentum, alpha=0.0):
    """What to do about a divergence, by its likely cause.

    Features far from unit scale make every step too large for them (the gradient of a
    weight is proportional to its feature); otherwise the step itself is too large.
    """
    if data_bound > 100:
        return (
            f"The features reach |x| = {data_bound:.3g}: scale them (for example with "
            "StandardScaler), or lower learning_rate_init."
        )
    if solver == "lbfgs":
        return (
            f"Check the data for extreme values, and alpha (now {alpha:g}): too small a "
            "penalty lets the weights grow without bound, too large a one overflows."
        )
    advice = f"Lower learning_rate_init (now {learning_rate_init:g})"
    if solver == "sgd" and momentum > 0:
        advice += f" or momentum (now {momentum:g})"
    return advice + ", or scale the features (for example with StandardScaler)."


def stopping_message(settings, early_stopping):
    watched = "Validation loss" if early_stopping else "Training loss"
    return (
        f"{watched} did not improve more than tol={settings.tol} for "
        f"{settings.n_iter_no_change + 1} consecutive epochs. Stopping."
    )


def print_progress(state, seconds):
    line = f"Epoch {state.n_iter}, loss = {state.loss_curve[-1]:.6f}"
    if state.validation_loss_curve and not math.isnan(state.validation_loss_curve[-1]):
        line += (
            f", validation loss = {state.validation_loss_curve[-1]:.6f}"
            f", validation accuracy = {state.validation_scores[-1]:.4f}"
        )
    print(f"{line}, {seconds:.3f} s")
