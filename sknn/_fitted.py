"""The fitted attributes of a fit's books, and their publication in one step."""

import copy
import math


def history_attributes(
    state, epochs, incremental, validating, monitored, early_stopping, final_loss=None
):
    """The fitted attributes of the books (``TrainingState``), and the books themselves.

    Parameters
    ----------
    state : TrainingState
        The books after training.
    epochs : int
        Epochs completed in this call.
    incremental : bool
        Whether the call is ``partial_fit``, whose ``n_iter_`` is the running total
        (``fit`` reports its own epochs, as scikit-learn does).
    validating : bool
        Whether this call had validation data; its curves are then lists, empty if
        no epoch was completed (a Ctrl+C in the first).
    monitored : set of str
        The names in ``monitor``.
    early_stopping : bool
        Whether the stopping rule watched the validation loss (``best_loss_`` is
        then None).
    final_loss : float, default=None
        J at the fitted parameters when no epoch of the call recorded it (L-BFGS
        that converged where it started): ``loss_``, with no entry in the curve.
    """
    validated = validating or bool(state.validation_loss_curve)

    def per_epoch(curve):
        # A copy, NaN-padded: a call that turned validation (or train_score) on and
        # completed no epoch (max_iter=0, Ctrl+C) added no entry.
        return state.pad(list(curve))

    return {
        "n_iter_": state.n_iter if incremental else epochs,
        "t_": state.t,
        "loss_curve_": list(state.loss_curve),
        "loss_": final_loss if final_loss is not None else last(state.loss_curve),
        "best_loss_": None if early_stopping or math.isinf(state.best_loss) else state.best_loss,
        "validation_loss_curve_": per_epoch(state.validation_loss_curve) if validated else None,
        "validation_scores_": per_epoch(state.validation_scores) if validated else None,
        "best_validation_loss_": (
            state.best_validation_loss if state.validation_loss_curve else None
        ),
        "train_scores_": per_epoch(state.train_scores) if "train_score" in monitored else None,
        "batch_loss_curve_": list(state.batch_loss_curve) if "batch_loss" in monitored else None,
        # Plain numbers, lists and arrays only, so that skops can load it safely; a
        # copy, as training goes on with the books (a callback keeps each snapshot).
        "_training_state": copy.deepcopy(vars(state)),
    }


def publish(estimator, fitted):
    """Replace every fitted attribute of ``estimator`` by those of ``fitted``, in one step.

    The new attribute dictionary is built first; the one assignment that installs it
    cannot be interrupted halfway, so the estimator is the old model or the new one,
    never a mixture (new ``classes_`` with old weights, say).
    """
    kept = {name: value for name, value in vars(estimator).items() if not is_fitted_name(name)}
    estimator.__dict__ = {**kept, **fitted}


def is_fitted_name(name):
    """scikit-learn's rule for fitted attributes (trailing underscore), and our books."""
    return (name.endswith("_") and not name.startswith("__")) or name in (
        "_training_state",
        "_target_type",
    )


def last(curve):
    """The last entry of ``curve``, or None if it is empty."""
    return curve[-1] if curve else None
