"""MNIST's IDX files for the benchmarks, read by the package's own reader, :mod:`sknn.datasets`.

The two names here are kept for the benchmark scripts; the reading, and its checks
(size limit, truncation, trailing data, integer labels), live in ``sknn.datasets``.
"""

from sknn.datasets import load_idx
from sknn.datasets import load_mnist as _load_mnist


def read_idx(path):
    """Return the array stored in the IDX file at ``path``, plain or gzip-compressed."""
    return load_idx(path)


def load_mnist(directory, prefix="t10k"):
    """Images as float32 in [0, 1] of shape (n, 784), and labels as int64, from ``directory``.

    Looks for ``{prefix}-images-idx3-ubyte[.gz]`` and ``{prefix}-labels-idx1-ubyte[.gz]``;
    ``prefix`` is ``"train"`` or ``"t10k"``.
    """
    return _load_mnist(directory, kind=prefix)
