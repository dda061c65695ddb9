"""TrainingCurveDisplay: loss and accuracy against the epoch, or loss against the batch."""

import reprlib

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._utils import check_matplotlib, final_estimator

#: What each loss curve is: the training curves are the objective J (the penalty
#: included); the validation loss is the cross-entropy alone.
_LOSS_MEANING = {
    "training loss": "cross-entropy + penalty",
    "batch loss": "cross-entropy + penalty",
    "validation loss": "cross-entropy",
}

#: Axis labels of each kind of plot: (x label, y label).
_AXIS_LABELS = {
    "loss": ("epoch", "loss"),
    "accuracy": ("epoch", "accuracy"),
    "batch_loss": ("time step (mini-batch)", "loss"),
}


class TrainingCurveDisplay:
    """Training curves: loss and accuracy per epoch, or the loss of each mini-batch.

    Build it from a fitted estimator with :meth:`from_estimator`, or from the
    recorded curves themselves. The curves are the fitted attributes that every
    sknn estimator records:

    - ``loss_curve_``: the objective ``J`` (mean cross-entropy plus the L2 term)
      averaged over each epoch;
    - ``validation_loss_curve_`` and ``validation_scores_`` (loss and accuracy on
      the held-out fraction), with ``early_stopping=True``;
    - ``train_scores_``: the training accuracy after each epoch, with
      ``monitor="train_score"``;
    - ``batch_loss_curve_``: the objective of every mini-batch, with
      ``monitor="batch_loss"``.

    Each curve given must hold at least one value; a curve that was not recorded
    is None.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss of each epoch.

    validation_loss_curve : array-like of shape (n_epochs,), default=None
        Validation loss of each epoch.

    train_scores : array-like of shape (n_epochs,), default=None
        Training accuracy of each epoch.

    validation_scores : array-like of shape (n_epochs,), default=None
        Validation accuracy of each epoch.

    batch_loss_curve : array-like of shape (n_steps,), default=None
        Loss of each mini-batch, in the order they were trained on.

    estimator_name : str, default=None
        Name shown in the legend; none when None.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the curves.

    figure_ : matplotlib Figure
        Figure containing the curves.

    lines_ : dict of str to matplotlib Line2D
        The curves drawn, keyed by what they show: ``"training loss"``,
        ``"validation loss"``, ``"training accuracy"``, ``"validation accuracy"``
        or ``"batch loss"``. The legend label of each line is this key (for a loss,
        with what it includes: the training and batch losses are the objective,
        cross-entropy plus penalty; the validation loss the cross-entropy alone),
        followed by the estimator's name in parentheses when there is one.

    best_epoch_line_ : matplotlib Line2D or None
        Vertical line at the epoch of least validation loss (whose parameters
        early stopping keeps), drawn for ``kind="loss"`` and ``kind="accuracy"``
        when a validation curve exists; None otherwise.

    See Also
    --------
    WeightImageDisplay : The learned weights, shown as images.
    sklearn.model_selection.ValidationCurveDisplay : Score against a hyper-parameter.
    sklearn.model_selection.LearningCurveDisplay : Score against the training-set size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import scale
    >>> from sknn import SoftmaxGD
    >>> from sknn.plotting import TrainingCurveDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> model = SoftmaxGD(early_stopping=True, monitor="train_score", tol=1e-3, random_state=0)
    >>> model = model.fit(scale(X), y)
    >>> display = TrainingCurveDisplay.from_estimator(model, kind="loss")
    >>> sorted(display.lines_)
    ['training loss', 'validation loss']
    >>> display = TrainingCurveDisplay.from_estimator(model, kind="accuracy")
    >>> sorted(display.lines_)
    ['training accuracy', 'validation accuracy']
    >>> display.ax_.get_xlabel(), display.ax_.get_ylabel()
    ('epoch', 'accuracy')
    """

    def __init__(
        self,
        loss_curve,
        *,
        validation_loss_curve=None,
        train_scores=None,
        validation_scores=None,
        batch_loss_curve=None,
        estimator_name=None,
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.train_scores = train_scores
        self.validation_scores = validation_scores
        self.batch_loss_curve = batch_loss_curve
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, kind="loss", ax=None, name=None):
        """Plot the training curves recorded by a fitted sknn estimator.

        Parameters
        ----------
        estimator : fitted sknn estimator or Pipeline ending in one
            The estimator whose ``loss_curve_`` and the other curves are drawn.

        kind : {"loss", "accuracy", "batch_loss"}, default="loss"
            What to draw: the training loss and, with early stopping, the
            validation loss against the epoch; the training accuracy (recorded
            with ``monitor="train_score"``) and the validation accuracy (recorded
            with ``early_stopping=True``) against the epoch; or the loss of each
            mini-batch (recorded with ``monitor="batch_loss"``) against the time
            step.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.

        name : str, default=None
            Name for the legend; the estimator's class name when None, and none
            when ``""``.

        Returns
        -------
        display : TrainingCurveDisplay
            The display, with the artists in ``ax_``, ``figure_`` and ``lines_``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.preprocessing import scale
        >>> from sknn import LogisticRegressionGD
        >>> from sknn.plotting import TrainingCurveDisplay
        >>> X, y = load_digits(n_class=2, return_X_y=True)
        >>> model = LogisticRegressionGD(batch_size=60, monitor="batch_loss", random_state=0)
        >>> model = model.fit(scale(X), y)
        >>> display = TrainingCurveDisplay.from_estimator(model, kind="batch_loss")
        >>> line = display.lines_["batch loss"]
        >>> line.get_label(), len(line.get_xdata()) == len(model.batch_loss_curve_)
        ('batch loss: cross-entropy + penalty (LogisticRegressionGD)', True)
        """
        check_matplotlib(f"{cls.__name__}.from_estimator")
        estimator = final_estimator(estimator)
        check_is_fitted(estimator, "loss_curve_")
        display = cls(
            estimator.loss_curve_,
            validation_loss_curve=getattr(estimator, "validation_loss_curve_", None),
            train_scores=getattr(estimator, "train_scores_", None),
            validation_scores=getattr(estimator, "validation_scores_", None),
            batch_loss_curve=getattr(estimator, "batch_loss_curve_", None),
            estimator_name=type(estimator).__name__ if name is None else name,
        )
        return display.plot(kind=kind, ax=ax, name=name)

    def plot(self, kind="loss", *, ax=None, name=None, mark_best_epoch=True):
        """Plot the curves.

        Parameters
        ----------
        kind : {"loss", "accuracy", "batch_loss"}, default="loss"
            What to draw; see :meth:`from_estimator`.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.

        name : str, default=None
            Name for the legend; ``estimator_name`` when None, and none when ``""``.

        mark_best_epoch : bool, default=True
            Whether to draw a vertical dotted line at the epoch of least
            validation loss, when there is a validation curve.

        Returns
        -------
        display : TrainingCurveDisplay
            This display, with the artists in ``ax_``, ``figure_`` and ``lines_``.
        """
        check_matplotlib(f"{type(self).__name__}.plot")
        curves = self._curves(kind)
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()
        name = self.estimator_name if name is None else name

        self.lines_ = {}
        training_color = None
        for key, values in curves.items():
            steps = np.arange(1, values.size + 1)
            label = f"{key}: {_LOSS_MEANING[key]}" if key in _LOSS_MEANING else key
            label = f"{label} ({name})" if name else label
            if key.startswith("validation"):
                # The validation curve takes the colour of its training curve, dashed.
                (line,) = ax.plot(steps, values, "--", color=training_color, label=label)
            else:
                (line,) = ax.plot(steps, values, label=label)
                training_color = line.get_color()
            self.lines_[key] = line

        self.best_epoch_line_ = None
        if mark_best_epoch and kind != "batch_loss" and self.validation_loss_curve is not None:
            # Early stopping keeps the parameters of the first epoch of least validation
            # loss. An epoch that was not validated (a warm-started fit without
            # validation, say) is NaN in the curve: nanargmin skips it.
            validation_loss = _as_curve(self.validation_loss_curve, "validation_loss_curve")
            if not np.isnan(validation_loss).all():
                best_epoch = int(np.nanargmin(validation_loss)) + 1
                label = f"best validation epoch ({best_epoch})"
                self.best_epoch_line_ = ax.axvline(
                    best_epoch, color="gray", linestyle=":", label=label
                )

        xlabel, ylabel = _AXIS_LABELS[kind]
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(loc="best")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _curves(self, kind):
        """The recorded curves that ``kind`` draws, as float arrays keyed by their name;
        checked."""
        if kind == "loss":
            curves = {"training loss": _as_curve(self.loss_curve, "loss_curve")}
            if self.validation_loss_curve is not None:
                curves["validation loss"] = _as_curve(
                    self.validation_loss_curve, "validation_loss_curve"
                )
            return curves
        if kind == "accuracy":
            curves = {}
            if self.train_scores is not None:
                curves["training accuracy"] = _as_curve(self.train_scores, "train_scores")
            if self.validation_scores is not None:
                curves["validation accuracy"] = _as_curve(
                    self.validation_scores, "validation_scores"
                )
            if not curves:
                raise ValueError(
                    "No accuracy was recorded during training: fit the estimator with "
                    'monitor="train_score" to record the training accuracy, or with '
                    "early_stopping=True to record the validation accuracy."
                )
            return curves
        if kind == "batch_loss":
            if self.batch_loss_curve is None:
                raise ValueError(
                    "The loss of each mini-batch was not recorded: fit the estimator "
                    'with monitor="batch_loss".'
                )
            return {
                "batch loss": _as_curve(self.batch_loss_curve, "batch_loss_curve", "mini-batch")
            }
        raise ValueError(f"kind must be one of {sorted(_AXIS_LABELS)}; got {kind!r}.")


def _as_curve(values, name, step="epoch"):
    """``values``, the curve ``name``, as a 1-d float array of one value per ``step``;
    raise a ValueError that says what to give when it is not one, or is empty."""
    try:
        curve = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} must be a sequence of numbers, one per {step}; got {reprlib.repr(values)}."
        ) from error
    if curve.ndim != 1:
        raise ValueError(
            f"{name} must be 1-d, one number per {step}; got an array of shape {curve.shape}."
        )
    if curve.size == 0:
        instead = "" if name == "loss_curve" else ", or None when it was not recorded"
        raise ValueError(
            f"{name} is empty, so there is nothing to draw: give one number per "
            f"{step}{instead}. A fitted estimator records one per {step} it trained."
        )
    return curve
