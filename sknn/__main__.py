"""The main job: train every sknn estimator on the digits data (or MNIST) and report.

Run ``python -m sknn`` (or the ``sknn`` console script); ``--help`` lists options.
``--out DIR`` writes each estimator's training curves and weight images there as
PNG files; ``--data-dir DIR`` reads MNIST from its IDX files instead of the digits.
"""

import argparse
import re
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD


def build_estimators(random_state, verbose, monitor=None, max_iter=200):
    """The three estimators the main job trains, with early stopping."""
    common = dict(
        early_stopping=True,
        random_state=random_state,
        verbose=verbose,
        monitor=monitor,
        max_iter=max_iter,
    )
    # The linear models' objectives are convex: a larger step than the default
    # converges in fewer epochs on standardised features.
    return {
        "LogisticRegressionGD": LogisticRegressionGD(learning_rate_init=0.1, **common),
        "SoftmaxGD": SoftmaxGD(learning_rate_init=0.1, **common),
        "MLPClassifierGD (64,)": MLPClassifierGD(hidden_layer_sizes=(64,), **common),
    }


def parameter_count(estimator):
    if hasattr(estimator, "n_parameters_"):
        return estimator.n_parameters_
    return estimator.coef_.size + estimator.intercept_.size


def load_data(data_dir, random_state):
    """Training and test data, a description and the image shape.

    Without ``data_dir``, the built-in digits split 75/25. With it, MNIST: the
    'train' split for training and 't10k' for testing when both are there, else
    whichever one is there, split 75/25.
    """
    if data_dir is None:
        X, y = load_digits(return_X_y=True)
        return _split(X, y, random_state), f"digits ({X.shape[0]} images of 8x8)", (8, 8)

    from sknn.datasets import load_mnist

    splits, errors = {}, []
    for kind in ("train", "t10k"):
        try:
            splits[kind] = load_mnist(data_dir, kind=kind, return_X_y=False)
        except FileNotFoundError as error:
            errors.append(str(error))
    if not splits:
        raise SystemExit("sknn: error: " + "\n".join(errors))
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
    return train_test_split(X, y, test_size=0.25, stratify=stratify, random_state=random_state)


def slug(name):
    """A file-name stem for an estimator's name: 'MLPClassifierGD (64,)' -> 'mlpclassifiergd_64'."""
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


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="sknn",
        description="Train sknn's estimators on the digits data (or MNIST) and print a table.",
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress lines")
    parser.add_argument(
        "--max-iter", type=int, default=200, help="most epochs per estimator (default 200)"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="write each estimator's training curves (loss, accuracy) and weight images "
        "there as PNG files; needs matplotlib; records the training accuracy per epoch",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="read MNIST from the IDX files there (train-images-idx3-ubyte[.gz], "
        "train-labels-idx1-ubyte[.gz], and/or the t10k-* files) instead of the digits",
    )
    args = parser.parse_args(argv)

    if args.out is not None:
        from sknn.plotting._utils import check_matplotlib

        check_matplotlib("python -m sknn --out")
        Path(args.out).mkdir(parents=True, exist_ok=True)

    (X_train, X_test, y_train, y_test), data_name, image_shape = load_data(
        args.data_dir, args.random_state
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    print(f"Data: {data_name}; {X_train.shape[0]} training, {X_test.shape[0]} test samples")

    # The training accuracy of each epoch costs one extra pass; record it only for the plots.
    monitor = "train_score" if args.out is not None else None
    estimators = build_estimators(args.random_state, not args.quiet, monitor, args.max_iter)
    rows, written = [], []
    for name, estimator in estimators.items():
        print(f"\n== {name}")
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(estimator.predict(X_test) == y_test))
        rows.append((name, accuracy, estimator.n_iter_, seconds, parameter_count(estimator)))
        if args.out is not None:
            written += write_plots(estimator, name, args.out, image_shape)

    print(f"\n{'model':<24} {'test accuracy':>13} {'epochs':>7} {'seconds':>8} {'parameters':>11}")
    for name, accuracy, epochs, seconds, n_parameters in rows:
        print(f"{name:<24} {accuracy:>13.4f} {epochs:>7d} {seconds:>8.2f} {n_parameters:>11,d}")
    if written:
        print(f"\nWrote {len(written)} plots to {args.out}:")
        for path in written:
            print(f"  {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
