"""L-BFGS: SciPy's quasi-Newton minimizer on the hand-derived objective and gradient.

L-BFGS is a full-batch method: each evaluation computes ``J`` and ``dJ/dtheta`` on all
of the training data (``Objective.full_batch_value_and_gradient``, batch by batch, so
X is never copied). From the last ``m`` steps ``s = theta' - theta`` and gradient
changes ``y = g' - g`` it builds an approximation of the inverse Hessian, takes the
step ``-H g`` and a line search along it (Nocedal and Wright, chapter 7).
``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` does that part; sknn supplies
the objective, exactly as SGD and Adam see it.

``max_iter`` counts iterations and ``max_fun`` evaluations of ``J``, as in
scikit-learn's MLPClassifier. SciPy keeps the iterate and the curvature pairs in
float64; with float32 data each evaluation runs in float32 (the parameters are cast
on the way in, the gradient on the way out), and the fitted parameters are float32.
"""

import math
import time
import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from ._data import BatchGatherer
from ._training import (
    Outcome,
    epoch_scores,
    print_progress,
    raise_diverged,
    stopping_message,
    warn_not_trained,
    watch_from_here,
)

#: Rows per batch of a full-batch evaluation: large enough for efficient products,
#: small enough that the network's activations of a batch stay small.
FULL_BATCH_ROWS = 4096

#: SciPy's other stopping rule, a relative decrease of J below ``ftol``, as
#: scikit-learn sets it: its default for the MLP (as MLPClassifier), and for the convex
#: linear models as low as LogisticRegression sets it, so that ``tol`` (on the
#: gradient) decides when they have reached the optimum.
FTOL_MLP = 2.220446049250313e-09
FTOL_LINEAR = 64 * np.finfo(np.float64).eps


def run_lbfgs(
    objective, params, state, train, validation, settings, max_fun, ftol, interrupt, tasks
):
    """Minimise ``J`` over ``params`` (updated in place) by L-BFGS; keep the books.

    Each iteration is recorded as an epoch is by the stochastic solvers: ``J`` in the
    loss curve, and with ``validation`` the validation loss and accuracy, which early
    stopping watches (it stops after more than ``n_iter_no_change`` iterations without
    improvement; the best iterate is restored). Ctrl+C stops at the end of the current iteration.
    """
    if settings.max_epochs == 0:  # (SciPy would still take one iteration)
        warn_not_trained()
        return Outcome(epochs=0, converged=False, interrupted=False)
    dtype = params.flat.dtype
    grads, batch_grads = params.like(), params.like()
    rows = min(train.n_samples, FULL_BATCH_ROWS)
    workspace = objective.network.allocate(rows, params)
    batches = BatchGatherer(train, rows, dtype)
    validation_batches = None if validation is None else BatchGatherer(validation, rows, dtype)
    watch = settings.early_stopping and validation is not None
    last_iterate = params.flat.copy()
    best = params.flat.copy()
    if watch and state.n_iter > 0:  # a warm start: from where this call starts
        watch_from_here(objective, params, state, validation_batches, workspace)
    epochs_before = state.n_iter
    evaluations = counted = 0  # evaluations of J, and those already in state.t
    iteration_start = time.perf_counter()

    def value_and_gradient(theta):
        nonlocal evaluations
        evaluations += 1
        params.flat[...] = theta
        loss = objective.full_batch_value_and_gradient(
            params, grads, batches, workspace, batch_grads
        )
        return loss, grads.flat.astype(np.float64)

    def end_of_iteration(intermediate_result):
        nonlocal ending
        ending = True  # (left True by an exception: where a KeyboardInterrupt came)
        record_iteration(intermediate_result)
        ending = False

    def record_iteration(intermediate_result):
        nonlocal counted, iteration_start
        params.flat[...] = intermediate_result.x
        validated, train_score = epoch_scores(
            objective, params, validation_batches, batches, settings, workspace
        )
        with interrupt.critical():
            # t_ counts the samples seen: every evaluation of J since the last iteration.
            seen = (evaluations - counted) * train.n_samples
            _, is_best = state.record_epoch(
                float(intermediate_result.fun), seen, settings.tol, validated, train_score, watch
            )
            counted = evaluations
            if watch and is_best:
                best[...] = params.flat
            last_iterate[...] = params.flat  # recorded: where a Ctrl+C falls back to
            if settings.record_batch_loss:  # the batch of L-BFGS: all the training data
                state.batch_loss_curve.append(float(intermediate_result.fun))
        if settings.verbose:
            print_progress(state, time.perf_counter() - iteration_start)
        stop_requested = tasks.epoch_ends()
        tasks.epoch_begins()  # the next iteration's task (SciPy may not run it)
        iteration_start = time.perf_counter()
        if interrupt.requested:
            raise StopIteration
        if stop_requested:
            if settings.verbose:
                print("A callback asked to stop training.")
            raise StopIteration
        if watch and state.no_improvement_count > settings.n_iter_no_change:
            if settings.verbose:
                print(stopping_message(settings, watch))
            raise StopIteration

    interrupted = in_line_search = ending = False
    tasks.epoch_begins()
    try:
        result = scipy.optimize.minimize(
            value_and_gradient,
            params.flat.astype(np.float64),
            jac=True,
            method="L-BFGS-B",
            callback=end_of_iteration,
            options={
                "maxiter": settings.max_epochs,
                "maxfun": max_fun,
                "gtol": settings.tol,
                "ftol": ftol,
            },
        )
    except KeyboardInterrupt:  # a second Ctrl+C, in a line search or an iteration's end
        interrupted, in_line_search = True, not ending
        params.flat[...] = last_iterate
    else:
        interrupted = interrupt.requested
        params.flat[...] = result.x
        if not (math.isfinite(result.fun) and np.isfinite(params.flat).all()):
            raise_diverged(state.n_iter + 1, settings.advice)
        if result.status not in (0, 99) and not interrupted:
            warnings.warn(
                f"L-BFGS did not converge after {result.nit} iteration(s) and "
                f"{result.nfev} evaluation(s) of the objective: {result.message} Increase "
                "max_iter (iterations) or max_fun (evaluations), or scale the features.",
                ConvergenceWarning,
            )
    tasks.epoch_ends(completed=False)  # the iteration begun last, which did not run
    state.t += (evaluations - counted) * train.n_samples  # those after the last iteration
    iterations = state.n_iter - epochs_before
    if interrupted:
        # A first Ctrl+C stops after the iteration it came in; a second one, where it
        # comes: in a line search, or in the end of an iteration (kept if recorded).
        when = (
            f"in iteration {iterations + 1}" if in_line_search else f"after iteration {iterations}"
        )
        warnings.warn(
            f"Training interrupted (KeyboardInterrupt) {when} of L-BFGS in this call; "
            "keeping the parameters of the last completed iteration"
            + (" with the best validation loss." if watch else "."),
            UserWarning,
        )
    if watch and state.validation_loss_curve[epochs_before:]:
        params.flat[...] = best
    final_loss = None
    if iterations == 0 and not interrupted:
        # SciPy stopped at the starting point (its gradient already below tol), having
        # evaluated J there, and called no end of iteration: J is the fit's loss.
        final_loss = float(result.fun)
        state.best_loss = min(state.best_loss, final_loss)
    return Outcome(iterations, converged=True, interrupted=interrupted, final_loss=final_loss)
