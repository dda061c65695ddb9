"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn 1.9 and later) on sknn's tasks.

A fit is a task tree, as scikit-learn's iterative estimators describe theirs: the fit
task; below it one task per epoch (per iteration for L-BFGS); below each epoch, when
callbacks are set, one task per mini-batch. ``on_fit_task_end`` of an epoch receives
the training data and a ``fitted_estimator`` as of the end of that epoch (its
parameters and the curves so far: ``loss_curve_``, ``validation_loss_curve_``, ...),
and may return True to stop training there. So ``ProgressBar`` shows a bar for the fit
and one per epoch, and ``ScoringMonitor`` scores each epoch's model.

With an older scikit-learn there is no ``sklearn.callback``: sknn's estimators then
have no ``set_callbacks``, and :class:`FitTasks` does nothing.
"""

import math

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stand-in for scikit-learn < 1.9, which has no callbacks."""


class _Idle:
    """A task that nobody watches."""

    def subcontext(self, **kwargs):
        return self

    def call_on_fit_task_begin(self, **kwargs):
        return self

    def call_on_fit_task_end(self, **kwargs):
        return False


_IDLE = _Idle()


class FitTasks:
    """The fit task of one ``fit`` or ``partial_fit`` call and its subtasks.

    Parameters
    ----------
    estimator : sknn estimator
        The estimator being fitted.
    n_epochs : int
        The most epochs (or L-BFGS iterations) this call may run.
    X, y : array-like
        The training data, as callbacks receive it.
    metadata : dict or None
        Training metadata (sample weights).
    snapshot : callable
        Returns the fitted attributes of the model as it is now, for a callback's
        ``fitted_estimator``; called only when a callback asks for one.
    batches_per_epoch : int or None
        Mini-batches per epoch, or None when epochs have no subtasks (L-BFGS).
    """

    def __init__(self, estimator, n_epochs, X, y, metadata, snapshot, batches_per_epoch):
        self.estimator, self.snapshot = estimator, snapshot
        self.data = {"X": X, "y": y, "metadata": metadata}
        callbacks = getattr(estimator, "_skl_callbacks", None)
        # Batches are tasks only when someone watches: no cost per batch otherwise.
        self.batches = batches_per_epoch if callbacks else None
        if hasattr(estimator, "_init_callback_context"):
            self.fit = estimator._init_callback_context(max_subtasks=n_epochs)
        else:
            self.fit = _IDLE
        self.fit.call_on_fit_task_begin(estimator=estimator, **self.data)
        self.epoch = self.batch = _IDLE

    def epoch_begins(self):
        self.epoch = self.fit.subcontext(task_name="epoch", max_subtasks=self.batches or 0)
        self.epoch.call_on_fit_task_begin(estimator=self.estimator, **self.data)

    def batch_begins(self):
        """(Called only when ``batches`` is set: then a callback watches them.)"""
        self.batch = self.epoch.subcontext(task_name="batch")
        self.batch.call_on_fit_task_begin(estimator=self.estimator)

    def batch_ends(self):
        # (What it returns is not a request to stop: training stops between epochs.)
        self.batch.call_on_fit_task_end(estimator=self.estimator)

    def epoch_ends(self, completed=True):
        """End the current epoch; return whether a callback asks to stop training.

        An epoch that did not complete (an interrupted one, or the iteration L-BFGS
        did not run) ends as an empty task.
        """
        epoch, self.epoch = self.epoch, None  # ended once: a second call does nothing
        if epoch is None:
            return False
        if not completed:
            return epoch.call_on_fit_task_end(estimator=self.estimator)
        return epoch.call_on_fit_task_end(
            estimator=self.estimator, reconstruction_attributes=self.snapshot, **self.data
        )

    def fit_ends(self):
        self.fit.call_on_fit_task_end(
            estimator=self.estimator, reconstruction_attributes=self.snapshot, **self.data
        )


def batches_per_epoch(n_samples, batch_size):
    return math.ceil(n_samples / batch_size)
