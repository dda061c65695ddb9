"""The main job: train every sknn estimator on the digits data and report.

Run ``python -m sknn`` (or the ``sknn`` console script); ``--help`` lists options.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD


def build_estimators(random_state, verbose):
    """The three estimators the main job trains, with early stopping."""
    common = dict(early_stopping=True, random_state=random_state, verbose=verbose)
    return {
        "LogisticRegressionGD": LogisticRegressionGD(**common),
        "SoftmaxGD": SoftmaxGD(**common),
        "MLPClassifierGD (64,)": MLPClassifierGD(hidden_layer_sizes=(64,), **common),
    }


def parameter_count(estimator):
    if hasattr(estimator, "n_parameters_"):
        return estimator.n_parameters_
    return estimator.coef_.size + estimator.intercept_.size


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="sknn", description="Train sknn's estimators on the digits data and print a table."
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress lines")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    data_name = "digits (1797 images of 8x8)"
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=args.random_state
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    print(f"Data: {data_name}; {X_train.shape[0]} training, {X_test.shape[0]} test samples")

    rows = []
    for name, estimator in build_estimators(args.random_state, not args.quiet).items():
        print(f"\n== {name}")
        start = time.perf_counter()
        estimator.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(estimator.predict(X_test) == y_test))
        rows.append((name, accuracy, estimator.n_iter_, seconds, parameter_count(estimator)))

    print(f"\n{'model':<24} {'test accuracy':>13} {'epochs':>7} {'seconds':>8} {'parameters':>11}")
    for name, accuracy, epochs, seconds, n_parameters in rows:
        print(f"{name:<24} {accuracy:>13.4f} {epochs:>7d} {seconds:>8.2f} {n_parameters:>11,d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
