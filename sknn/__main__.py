"""The main job: train every sknn estimator on the digits data (or MNIST) and report.

Run ``python -m sknn`` (or the ``sknn`` console script); ``--help`` lists options and
explains the settings. While the models train, one line per model shows progress
(rewritten in place after each epoch when stdout is a terminal); then a table gives
each model's test accuracy, the epoch whose parameters it kept, the epochs it ran,
its seconds and its parameters. ``--verbose`` prints every epoch instead.
``--out DIR`` writes each estimator's training curves and weight images there as
PNG files; ``--data-dir DIR`` reads MNIST from its IDX files instead of the digits.

A bad argument or path is reported as one line on stderr, with exit status 2, before
any model trains. When stdout is closed early (``python -m sknn | head -1``), the job
stops quietly with exit status 141, as a command killed by SIGPIPE does.
"""

import argparse
import os
import sys

import numpy as np

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._main_data import (
    VALIDATION_FRACTION,
    UsageError,
    check_data_dir,
    check_out_dir,
    check_plotting,
    check_training_labels,
    load_data,
    one_line,
    remove_folders,
)
from sknn._main_output import plot_paths, stdout_is_terminal, train, write_plots

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
  training); 130 when Ctrl+C ended the job; 141 when stdout was closed before
  the job had written everything (as by '| head'): it stops quietly, as a
  command killed by SIGPIPE does (128 + 13)."""

#: The names of the three models, in the order they train: the rows of the table and
#: the stems of their plot files.
MODEL_NAMES = ("LogisticRegressionGD", "SoftmaxGD", "MLPClassifierGD (256,)")

#: The most BLAS threads --threads accepts: more than any machine's cores, and a
#: number that every BLAS library takes (threadpoolctl passes it on as a C integer).
MAX_THREADS = 1024

#: The exit status when stdout is closed early: a shell's status for a command killed
#: by SIGPIPE, 128 + 13 (as 130 is 128 + SIGINT, for Ctrl+C).
EXIT_STDOUT_CLOSED = 141


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


def _thread_count(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_THREADS:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_THREADS} (this machine has "
            f"{os.cpu_count() or 'an unknown number of'} CPUs), got {text!r}"
        )
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
        type=_thread_count,
        default=1,
        metavar="N",
        help=f"BLAS threads while training, 1 to {MAX_THREADS} (default 1: a mini-batch's "
        "matrix products are small, and on a busy machine more threads can be many times "
        "slower)",
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
    estimators = (
        LogisticRegressionGD(learning_rate_init=0.01, **common),
        SoftmaxGD(learning_rate_init=0.01, **common),
        MLPClassifierGD(hidden_layer_sizes=(256,), dropout=0.2, learning_rate_init=0.001, **common),
    )
    return dict(zip(MODEL_NAMES, estimators, strict=True))


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


# ---------------------------------------------------------------------- main
def prepare(args):
    """Check every argument and path, and load the data; raise UsageError if one is bad."""
    if args.data_dir is not None:
        check_data_dir(args.data_dir)
    created = []
    if args.out is not None:
        check_plotting()
        plots = [path.name for name in MODEL_NAMES for path in plot_paths(args.out, name)]
        created = check_out_dir(args.out, plots)
    try:
        data, data_name, image_shape = load_data(args.data_dir, args.random_state)
        check_training_labels(data[2], args.random_state)
    except UsageError:
        remove_folders(created)  # a refused job leaves nothing behind
        raise
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
        try:
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
        except KeyboardInterrupt:  # Ctrl+C while testing or plotting: as during training
            interrupted = True
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
    """Run the main job; return the exit status (2 for a bad argument or path, 130
    after Ctrl+C, 141 when stdout was closed early)."""
    try:
        status = run(make_parser().parse_args(argv))
        if sys.stdout is not None:
            sys.stdout.flush()  # a closed stdout raises here, rather than at exit
        return status
    except UsageError as error:
        print(f"sknn: error: {one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # between two models' training, or a second Ctrl+C
        print("\nsknn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout has gone (| head): stop, quietly
        _discard_stdout()
        return EXIT_STDOUT_CLOSED


def _discard_stdout():
    """Point stdout's file descriptor at os.devnull, so that the output still buffered
    goes nowhere when Python flushes it at exit, instead of raising BrokenPipeError
    again (the pattern of the Python docs, signal module, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a file (None, captured)
        pass


if __name__ == "__main__":
    raise SystemExit(main())
