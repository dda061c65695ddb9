"""The main job: train every sknn estimator on the digits data (or MNIST) and report.

Run ``python -m sknn`` (or the ``sknn`` console script); ``--help`` lists options and
explains the settings. While the models train, one line per model shows progress
(rewritten in place after each epoch when stdout is a terminal); then a table gives
each model's test accuracy, the epoch whose parameters it kept, the epochs it ran,
its seconds and its parameters. ``--verbose`` prints every epoch instead.
``--out DIR`` writes each estimator's training curves and weight images there as
PNG files; ``--data-dir DIR`` reads MNIST from its IDX files instead of the digits.

A bad argument or path is reported as one line on stderr, with exit status 2, before
any model trains.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn.datasets import _find_idx_file, load_mnist

#: The stems of MNIST's IDX files, per split (each may end in .gz).
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "t10k": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: The settings of the main job, and why: shown by --help.
SETTINGS = """\
settings:
  Every pixel is put on one scale, intensities in [0, 1] (the digits' 0..16
  divided by 16, MNIST's 0..255 by 255). Standardising each pixel on its own
  does not suit MNIST: a border pixel inked in a handful of images becomes a
  feature of dozens of standard deviations, and the models do worse.

  Every model is trained by Adam (solver="adam"), which divides each weight's
  step by the running size of that weight's gradient, so one step size serves
  the 64 pixels of the digits and the 784 of MNIST. Plain SGD's largest stable
  step falls as the squared norm of an image grows (about 15 for the digits,
  89 for MNIST, in [0, 1]): it would need a step per data set. Steps: 0.01 for
  the two linear models (convex objectives), 0.001 (scikit-learn's default)
  for the MLP, which has 256 ReLU units and dropout 0.2 against overfitting.

  Early stopping: 10 % of the training data is held out; training stops once
  the validation loss has failed to improve (by 1e-4) for more than 10 epochs
  in a row, or at --max-iter, and the parameters of the epoch with the lowest
  validation loss are restored: that is the "epoch kept" of the table.

progress:
  One line per model when it has trained; on a terminal (with scikit-learn
  1.9 or later, whose callbacks report each epoch) the line shows the epoch
  and the validation accuracy while it trains. Ctrl+C stops training after
  the current mini-batch, keeps that model's best epoch so far, and ends the
  job with the table of the models trained.

data:
  Without --data-dir: scikit-learn's digits (1797 images of 8x8), split 75/25.
  With --data-dir DIR: MNIST's IDX files in DIR, plain or .gz, as distributed
  by LeCun, Cortes and Burges (sknn downloads nothing; see README.md):
  train-images-idx3-ubyte, train-labels-idx1-ubyte (the 60000 training
  images) and t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (the 10000 test
  images). With both splits, the models train on 'train' and are tested on
  't10k'; with one, it is split 75/25.

exit status:
  0 on success; 2 for a bad argument or path (one line on stderr, before any
  training); 130 when Ctrl+C ended the job."""


class UsageError(Exception):
    """A bad argument or path: reported as one line on stderr, with exit status 2."""


class _ArgumentParser(argparse.ArgumentParser):
    """argparse, whose errors become a :class:`UsageError` (one line, no usage block)."""

    def error(self, message):
        raise UsageError(f"{message} (see sknn --help)")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return value


def _seed(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be a whole number in [0, 2**32), got {text!r}")
    return value


def make_parser():
    """The command line of the main job."""
    parser = _ArgumentParser(
        prog="sknn",
        description="Train sknn's three estimators on the digits data (or MNIST) and print\n"
        "a table: test accuracy, epoch kept, epochs run, seconds and parameters.",
        epilog=SETTINGS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--random-state",
        type=_seed,
        default=0,
        metavar="SEED",
        help="seed of the test split, the initial weights, the shuffling and the "
        "validation split (default 0)",
    )
    parser.add_argument(
        "--max-iter",
        type=_positive_int,
        default=500,
        metavar="N",
        help="most epochs per model (default 500); early stopping usually ends training "
        "well before",
    )
    parser.add_argument(
        "--threads",
        type=_positive_int,
        default=1,
        metavar="N",
        help="BLAS threads while training (default 1: a mini-batch's matrix products are "
        "small, and on a busy machine more threads can be many times slower)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--verbose",
        action="store_true",
        help="print every epoch of every model: training loss, validation loss and "
        "accuracy, seconds",
    )
    shown.add_argument(
        "--quiet",
        action="store_true",
        help="no progress lines: only the data line and the table",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="also write each model's training curves (loss, accuracy) and weight "
        "images there as PNG files (the folder is created if missing; needs matplotlib: "
        'pip install "sknn[plot]"); records the training accuracy of every epoch',
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="train on MNIST from the IDX files in DIR instead of the digits (see 'data')",
    )
    return parser


#: The share of the training data that early stopping holds out.
VALIDATION_FRACTION = 0.1


def build_estimators(random_state, verbose=False, monitor=None, max_iter=500):
    """The three estimators the main job trains: Adam, early stopping (see SETTINGS)."""
    common = dict(
        solver="adam",
        early_stopping=True,
        validation_fraction=VALIDATION_FRACTION,
        random_state=random_state,
        verbose=verbose,
        monitor=monitor,
        max_iter=max_iter,
    )
    return {
        "LogisticRegressionGD": LogisticRegressionGD(learning_rate_init=0.01, **common),
        "SoftmaxGD": SoftmaxGD(learning_rate_init=0.01, **common),
        "MLPClassifierGD (256,)": MLPClassifierGD(
            hidden_layer_sizes=(256,), dropout=0.2, learning_rate_init=0.001, **common
        ),
    }


def parameter_count(estimator):
    if hasattr(estimator, "n_parameters_"):
        return estimator.n_parameters_
    return estimator.coef_.size + estimator.intercept_.size


def epoch_kept(estimator):
    """The epoch whose parameters the fitted ``estimator`` holds.

    With early stopping, the one with the lowest validation loss, which training
    restored (the first of equals, as the engine keeps it); otherwise the last.
    """
    curve = estimator.validation_loss_curve_
    if estimator.early_stopping and curve:
        return 1 + int(np.argmin(curve))
    return estimator.n_iter_


# ---------------------------------------------------------------------- arguments
def check_data_dir(data_dir):
    """Raise a UsageError unless ``data_dir`` is a folder that holds a whole MNIST split."""
    path = Path(data_dir)
    if not path.exists():
        raise UsageError(
            f"--data-dir {data_dir}: no such folder. Put MNIST's IDX files "
            f"({', '.join(MNIST_FILES['t10k'])}, and/or the train-* ones, plain or .gz) "
            "in a folder and give its path (see sknn --help)."
        )
    if not path.is_dir():
        raise UsageError(f"--data-dir {data_dir}: is a file, not a folder; give the folder.")
    present = {
        kind: [_find_idx_file(path, stem) is not None for stem in stems]
        for kind, stems in MNIST_FILES.items()
    }
    for kind, found in present.items():
        if any(found) and not all(found):
            missing = next(stem for stem, ok in zip(MNIST_FILES[kind], found) if not ok)
            raise UsageError(
                f"--data-dir {data_dir}: holds half of MNIST's {kind!r} split, without "
                f"{missing}[.gz]; add it, or remove the other {kind}-* file."
            )
    if not any(all(found) for found in present.values()):
        try:
            names = sorted(entry.name for entry in path.iterdir())
        except OSError as error:
            raise UsageError(
                f"--data-dir {data_dir}: cannot read the folder ({error.strerror or error})."
            ) from error
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise UsageError(
            f"--data-dir {data_dir}: no MNIST IDX files there; expected "
            f"{' and '.join(MNIST_FILES['t10k'])} and/or {' and '.join(MNIST_FILES['train'])} "
            f"(plain or .gz); the folder holds {shown or 'nothing'}."
        )


def check_out_dir(out):
    """Create the folder ``out`` if needed and check that a file can be written there."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder; give a folder for the plots.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(
            f"--out {out}: cannot write there ({reason}); give a folder you can write to."
        ) from error


def check_plotting():
    """Raise a UsageError, saying how to install it, when matplotlib is missing."""
    from sknn.plotting._utils import check_matplotlib

    try:
        check_matplotlib("--out")
    except ImportError as error:
        raise UsageError(str(error)) from error


# ---------------------------------------------------------------------- data
def load_data(data_dir, random_state):
    """Training and test data with intensities in [0, 1], a description and the image shape.

    Without ``data_dir``, the built-in digits split 75/25. With it (checked by
    :func:`check_data_dir` first), MNIST: the 'train' split for training and 't10k'
    for testing when both are there, else whichever one is there, split 75/25. A
    damaged file, or too few images to split, raises a UsageError.
    """
    if data_dir is None:
        X, y = load_digits(return_X_y=True)
        X = X / 16.0  # the digits' intensities are 0..16
        data = _split(X, y, random_state)
        return data, f"digits ({X.shape[0]} images of 8x8)", (8, 8)

    splits = {}
    for kind in MNIST_FILES:
        try:
            splits[kind] = load_mnist(data_dir, kind=kind, return_X_y=False)
        except FileNotFoundError:
            continue  # check_data_dir made sure that one split is whole
        except (ValueError, OSError) as error:
            raise UsageError(f"--data-dir {data_dir}: {_one_line(error)}") from error
    image_shape = next(iter(splits.values())).image_shape
    if len(splits) == 2:
        train, test = splits["train"], splits["t10k"]
        data = (train.data, test.data, train.target, test.target)
        description = f"MNIST from {data_dir} ('train' and 't10k' IDX files)"
    else:
        ((kind, bunch),) = splits.items()
        data = _split(bunch.data, bunch.target, random_state)
        description = f"MNIST from {data_dir} ({bunch.data.shape[0]} images of the {kind!r} split)"
    return data, description, image_shape


def _split(X, y, random_state):
    """Split 75/25, stratified when every class has at least two samples."""
    stratify = y if np.bincount(np.unique(y, return_inverse=True)[1]).min() >= 2 else None
    try:
        return train_test_split(X, y, test_size=0.25, stratify=stratify, random_state=random_state)
    except ValueError as error:
        raise UsageError(
            f"too few images to split 75/25 into training and test data ({X.shape[0]} "
            f"images): {_one_line(error)}"
        ) from error


def check_training_labels(y_train, random_state):
    """Raise a UsageError unless the training labels make a classification task from
    which early stopping can hold out its stratified validation set, as the engine does."""
    classes = np.unique(y_train)
    if classes.size < 2:
        raise UsageError(
            f"the training data holds one class only (label {classes[0]}); the models "
            "need images of two or more classes."
        )
    try:
        _, validation = train_test_split(
            np.arange(y_train.shape[0]),
            test_size=VALIDATION_FRACTION,
            stratify=y_train,
            random_state=random_state,
        )
    except ValueError as error:
        validation, reason = None, _one_line(error)
    else:
        reason = "the validation set would hold fewer than 2 images"
    if validation is None or validation.shape[0] < 2:
        raise UsageError(
            f"too few training images ({y_train.shape[0]} in {classes.size} classes) to hold "
            f"out a stratified {VALIDATION_FRACTION:.0%} for early stopping: {reason}"
        )


def _one_line(error):
    return " ".join(str(error).split())


# ---------------------------------------------------------------------- progress
def stdout_is_terminal():
    """Whether progress may be rewritten in place: stdout is a terminal that can."""
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


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
def slug(name):
    """A file-name stem for an estimator's name: 'MLPClassifierGD (256,)' -> 'mlpclassifiergd_256'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def write_plots(estimator, name, out_dir, image_shape):
    """Write ``<slug>_training_curves.png`` and ``<slug>_weights.png``; return their paths."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    from sknn.plotting import TrainingCurveDisplay, WeightImageDisplay

    stem = Path(out_dir) / slug(name)
    figure = Figure(figsize=(10, 4), layout="constrained")
    loss_ax, accuracy_ax = figure.subplots(1, 2)
    TrainingCurveDisplay.from_estimator(estimator, kind="loss", ax=loss_ax, name="")
    TrainingCurveDisplay.from_estimator(estimator, kind="accuracy", ax=accuracy_ax, name="")
    figure.suptitle(f"{name}: training curves")
    curves_path = stem.with_name(stem.name + "_training_curves.png")
    figure.savefig(curves_path, dpi=100)

    figure = Figure(layout="constrained")
    display = WeightImageDisplay.from_estimator(
        estimator, image_shape=image_shape, max_panels=64, figure=figure
    )
    nrows, ncols = display.axes_.shape
    figure.set_size_inches(1.6 * ncols + 1.2, 1.7 * nrows + 0.5)
    figure.suptitle(f"{name}: weights into each unit, as images")
    weights_path = stem.with_name(stem.name + "_weights.png")
    figure.savefig(weights_path, dpi=100)
    return [curves_path, weights_path]


# ---------------------------------------------------------------------- main
def prepare(args):
    """Check every argument and path, and load the data; raise UsageError if one is bad."""
    if args.data_dir is not None:
        check_data_dir(args.data_dir)
    if args.out is not None:
        check_plotting()
        check_out_dir(args.out)
    data, data_name, image_shape = load_data(args.data_dir, args.random_state)
    check_training_labels(data[2], args.random_state)
    return data, data_name, image_shape


def run(args):
    """Train the three estimators and print the table; return the exit status (130
    when Ctrl+C ended training early)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # scikit-learn needs it

    (X_train, X_test, y_train, y_test), data_name, image_shape = prepare(args)
    print(f"Data: {data_name}, intensities scaled to [0, 1]; ", end="")
    print(f"{X_train.shape[0]} training, {X_test.shape[0]} test samples")

    # The training accuracy of each epoch costs one extra pass; record it only for the plots.
    monitor = "train_score" if args.out is not None else None
    estimators = build_estimators(args.random_state, args.verbose, monitor, args.max_iter)
    live = (
        not (args.quiet or args.verbose)
        and stdout_is_terminal()
        and all(hasattr(estimator, "set_callbacks") for estimator in estimators.values())
    )  # scikit-learn < 1.9 has no callbacks: then one line per model when it ends
    rows, written = [], []
    for index, (name, estimator) in enumerate(estimators.items(), start=1):
        prefix = f"[{index}/{len(estimators)}] {name}"
        if args.verbose:
            print(f"\n== {prefix}")
        with threadpool_limits(args.threads, user_api="blas"):
            seconds, note, interrupted = train(
                prefix, estimator, X_train, y_train, args.max_iter, live
            )
        if not args.quiet:
            line = f"{prefix}: {estimator.n_iter_} epochs in {seconds:.2f} s, {note}"
            print(f"\r{line}\x1b[K" if live else line, flush=True)
        accuracy = float(np.mean(estimator.predict(X_test) == y_test))
        rows.append(
            (
                name,
                accuracy,
                epoch_kept(estimator),
                estimator.n_iter_,
                seconds,
                parameter_count(estimator),
            )
        )
        if args.out is not None and estimator.n_iter_ > 0:
            written += write_plots(estimator, name, args.out, image_shape)
        if interrupted:
            break  # Ctrl+C: no more models; the table of those trained

    print(
        f"\n{'model':<24} {'test accuracy':>13} {'epoch kept':>11} {'epochs run':>11} "
        f"{'seconds':>8} {'parameters':>11}"
    )
    for name, accuracy, kept, epochs, seconds, n_parameters in rows:
        print(
            f"{name:<24} {accuracy:>13.4f} {kept:>11d} {epochs:>11d} {seconds:>8.2f} "
            f"{n_parameters:>11,d}"
        )
    if written:
        print(f"\nWrote {len(written)} plots to {args.out}:")
        for path in written:
            print(f"  {path.name}")
    if interrupted:
        print("sknn: interrupted (Ctrl+C); the table shows the models trained", file=sys.stderr)
        return 130
    return 0


def main(argv=None):
    """Run the main job; return the exit status (2 for a bad argument or path)."""
    try:
        return run(make_parser().parse_args(argv))
    except UsageError as error:
        print(f"sknn: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # between two models' training, or a second Ctrl+C
        print("\nsknn: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
