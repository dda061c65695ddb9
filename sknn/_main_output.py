"""What the main job shows while it trains: progress lines, and the plots of --out."""

import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning


def stdout_is_terminal():
    """Whether progress may be rewritten in place: stdout is a terminal that can (not
    closed, as by ``>&-``, which leaves Python no stdout)."""
    try:
        terminal = sys.stdout is not None and sys.stdout.isatty()
    except ValueError:  # a closed file
        terminal = False
    return terminal and os.environ.get("TERM") != "dumb"


class LiveLine:
    """A scikit-learn callback (FitCallback, scikit-learn 1.9+) that rewrites one
    terminal line at the end of each epoch: ``[2/3] SoftmaxGD: epoch 7/500, ...``.

    At most ten rewrites a second; the line is ended by the caller.
    """

    def __init__(self, prefix, max_iter, min_interval=0.1):
        self.prefix, self.max_iter, self.min_interval = prefix, max_iter, min_interval
        self._shown_at = -np.inf

    def setup(self, estimator, context):
        self.write(f"{self.prefix}: starting")

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        now = time.monotonic()
        if context.task_name != "epoch" or fitted_estimator is None:
            return False
        if now - self._shown_at < self.min_interval:
            return False
        self._shown_at = now
        line = f"{self.prefix}: epoch {len(fitted_estimator.loss_curve_)}/{self.max_iter}"
        if fitted_estimator.validation_scores_:
            line += f", validation accuracy {fitted_estimator.validation_scores_[-1]:.4f}"
        self.write(line)
        return False

    @staticmethod
    def write(line):
        """Rewrite the terminal's current line (cut to its width: a wrapped line stays)."""
        width = shutil.get_terminal_size().columns
        sys.stdout.write(f"\r{line[: width - 1]}\x1b[K")
        sys.stdout.flush()


def stopping_note(estimator, max_iter, caught):
    """Why training ended, in a few words, from the model and its ConvergenceWarnings."""
    notes = []
    if estimator.n_iter_ >= max_iter:
        notes.append(f"reached --max-iter {max_iter} first")
    else:
        notes.append("stopped early")
    for warning in caught:
        message = str(warning.message)
        if "maximum iterations" not in message:
            notes.append(message.split(":")[0].strip().rstrip("."))
    return "; ".join(notes)


def train(name, estimator, X_train, y_train, max_iter, live):
    """Fit ``estimator``; return (seconds, note, interrupted).

    ConvergenceWarnings become the note on why training ended. A first Ctrl+C ends the
    fit after the current mini-batch, keeping the best parameters so far (the engine
    warns so; here it is the note and ``interrupted``); other warnings are shown.
    """
    if live:
        estimator.set_callbacks(LiveLine(name, max_iter))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    convergence, interrupted = [], False
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            convergence.append(warning)
        elif str(warning.message).startswith("Training interrupted (KeyboardInterrupt)"):
            interrupted = True
        else:  # anything else is news: show it as Python would
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    if interrupted:
        return seconds, "interrupted (Ctrl+C)", True
    return seconds, stopping_note(estimator, max_iter, convergence), False


# ---------------------------------------------------------------------- plots
#: What each plot file of an estimator shows: its name is ``<slug>_<what>.png``.
PLOTS = ("training_curves", "weights")

#: The margin left on either side of a figure's title, in inches.
_TITLE_MARGIN = 0.2


def slug(name):
    """A file-name stem for an estimator's name: 'MLPClassifierGD (256,)' -> 'mlpclassifiergd_256'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def plot_paths(out_dir, name):
    """The paths of the plot files of the estimator called ``name``, in the order of PLOTS."""
    return [Path(out_dir) / f"{slug(name)}_{what}.png" for what in PLOTS]


def training_curves_figure(estimator, name):
    """The loss and accuracy curves of the fitted ``estimator``, side by side."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    from sknn.plotting import TrainingCurveDisplay

    figure = Figure(figsize=(10, 4), layout="constrained")
    loss_ax, accuracy_ax = figure.subplots(1, 2)
    TrainingCurveDisplay.from_estimator(estimator, kind="loss", ax=loss_ax, name="")
    TrainingCurveDisplay.from_estimator(estimator, kind="accuracy", ax=accuracy_ax, name="")
    _fit_title(figure, figure.suptitle(f"{name}: training curves"))
    return figure


def weights_figure(estimator, name, image_shape):
    """The weights into each unit of the fitted ``estimator`` as images, up to 64 of them."""
    from matplotlib.figure import Figure

    from sknn.plotting import WeightImageDisplay

    figure = Figure(layout="constrained")
    display = WeightImageDisplay.from_estimator(
        estimator, image_shape=image_shape, max_panels=64, figure=figure
    )
    nrows, ncols = display.axes_.shape
    figure.set_size_inches(1.6 * ncols + 1.2, 1.7 * nrows + 0.5)
    _fit_title(figure, figure.suptitle(f"{name}: weights into each unit, as images"))
    return figure


def _fit_title(figure, title):
    """Widen ``figure``, if need be, so that its ``title`` (a Text) fits across it.

    A figure sized for its panels can be narrower than its title: a binary
    LogisticRegressionGD has one panel, 2.8 inches wide, under a title 5 inches wide.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(figure).get_renderer()  # the canvas that savefig draws PNGs on
    title_width = title.get_window_extent(renderer).width / figure.dpi  # inches
    width, height = figure.get_size_inches()
    figure.set_size_inches(max(width, title_width + 2 * _TITLE_MARGIN), height)


def write_plots(estimator, name, out_dir, image_shape):
    """Write ``<slug>_training_curves.png`` and ``<slug>_weights.png``; return their paths."""
    curves_path, weights_path = plot_paths(out_dir, name)
    save_png(training_curves_figure(estimator, name), curves_path)
    save_png(weights_figure(estimator, name, image_shape), weights_path)
    return [curves_path, weights_path]


def save_png(figure, path):
    """Write ``figure`` as the PNG file ``path``, whole or not at all.

    The PNG goes into a temporary file in the same folder, which then replaces
    ``path`` in one step (``os.replace``): a Ctrl+C or a full disk on the way leaves
    the earlier plot, if any, as it was, never a truncated file under its name.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".png")
    try:
        with os.fdopen(handle, "wb") as file:
            figure.savefig(file, format="png", dpi=100)
        umask = os.umask(0)  # (read it: mkstemp makes the file private, 0600)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # the permissions of a file made by open()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
