"""A small reader of MNIST's IDX files (plain or gzip-compressed), for the benchmarks.

The IDX format: a big-endian header ``0, 0, type code, number of dimensions``,
then one big-endian uint32 per dimension, then the values in row-major order.
MNIST uses type code 0x08 (unsigned bytes) for both images and labels.
"""

import gzip
from pathlib import Path

import numpy as np

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Return the array stored in the IDX file at ``path`` (``.gz`` is decompressed)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, type_code, n_dims = int.from_bytes(data[:2], "big"), data[2], data[3]
    if zero != 0 or type_code not in _IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file (header {data[:4]!r}).")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(n_dims))
    values = np.frombuffer(data, dtype=_IDX_TYPES[type_code], offset=4 + 4 * n_dims)
    return values.reshape(shape)


def load_mnist(directory, prefix="t10k"):
    """Images as float32 in [0, 1] of shape (n, 784), and labels, from ``directory``.

    Looks for ``{prefix}-images-idx3-ubyte[.gz]`` and ``{prefix}-labels-idx1-ubyte[.gz]``.
    """
    directory = Path(directory)

    def find(name):
        for candidate in (directory / f"{name}.gz", directory / name):
            if candidate.exists():
                return candidate
        raise FileNotFoundError(f"No {name}[.gz] in {directory}.")

    images = read_idx(find(f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find(f"{prefix}-labels-idx1-ubyte"))
    X = images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(255)
    return X, labels.astype(np.int64)
