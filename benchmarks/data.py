"""Synthetic data of MNIST's shape for the benchmarks (real MNIST: ``mnist_idx.py``)."""

import numpy as np


def make_data(n_samples, n_features=784, n_classes=10, dtype=np.float32, seed=0):
    """Gaussian classes: unit-variance noise around class centers, like standardised pixels."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=0.1, size=(n_classes, n_features)).astype(dtype)
    y = rng.integers(n_classes, size=n_samples)
    X = rng.standard_normal((n_samples, n_features), dtype=np.float32).astype(dtype, copy=False)
    X += centers[y]
    return X, y
