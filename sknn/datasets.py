"""Loaders for data sets in their original file formats: IDX files, and MNIST built on them.

MNIST is distributed as four IDX files (LeCun, Cortes and Burges), each optionally
gzip-compressed::

    train-images-idx3-ubyte   60000 images of 28x28 pixels, uint8
    train-labels-idx1-ubyte   their labels, 0..9
    t10k-images-idx3-ubyte    10000 test images
    t10k-labels-idx1-ubyte    their labels

sknn downloads nothing: point :func:`load_mnist` at a folder holding the files.
"""

import gzip
import math
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_idx", "load_mnist"]

#: IDX type codes (the third byte of the magic number) and the big-endian dtypes they name.
IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: The gzip format's first two bytes.
_GZIP_MAGIC = b"\x1f\x8b"


def load_idx(path):
    """Read one IDX file, such as ``t10k-images-idx3-ubyte``, plain or gzip-compressed.

    An IDX file is a 4-byte magic number ``0x00 0x00 <type code> <n_dims>``, then
    ``n_dims`` big-endian 4-byte unsigned sizes, then the data in C order,
    big-endian. The type codes are 0x08 (uint8), 0x09 (int8), 0x0B (int16),
    0x0C (int32), 0x0D (float32) and 0x0E (float64). A gzip-compressed file is
    recognised by its content, whatever its name.

    Parameters
    ----------
    path : str or path-like
        The file to read.

    Returns
    -------
    array : ndarray of shape given by the file
        The data, in the file's type and native byte order.

    Raises
    ------
    ValueError
        When the file does not start with an IDX magic number, names an unknown
        type code, or holds fewer or more bytes than its dimensions say.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from sknn.datasets import load_idx
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny-labels-idx1-ubyte"
    >>> header = bytes([0, 0, 0x08, 1]) + (3).to_bytes(4, "big")
    >>> _ = path.write_bytes(header + bytes([7, 2, 1]))
    >>> load_idx(path)
    array([7, 2, 1], dtype=uint8)
    """
    path = Path(path)
    content = path.read_bytes()
    if content[:2] == _GZIP_MAGIC:
        try:
            content = gzip.decompress(content)
        except (EOFError, OSError) as error:
            raise ValueError(f"{path} is a damaged or truncated gzip file: {error}") from error
    if len(content) < 4 or content[0] != 0 or content[1] != 0:
        raise ValueError(
            f"{path} is not an IDX file: it must start with the magic number "
            f"0x00 0x00 <type code> <n_dims>, but starts with {content[:4].hex(' ')!r}."
        )
    type_code, n_dims = content[2], content[3]
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_DTYPES)
        raise ValueError(
            f"{path} names the unknown IDX type code 0x{type_code:02X}; known: {known}."
        )
    dtype = IDX_DTYPES[type_code]
    header_size = 4 + 4 * n_dims
    if len(content) < header_size:
        raise ValueError(
            f"{path} is truncated: its header announces {n_dims} dimensions "
            f"({header_size} bytes), but the file has {len(content)} bytes."
        )
    shape = tuple(int(size) for size in np.frombuffer(content, ">u4", n_dims, offset=4))
    expected = header_size + math.prod(shape) * dtype.itemsize
    if len(content) != expected:
        problem = "truncated" if len(content) < expected else "longer than its header says"
        raise ValueError(
            f"{path} is {problem}: a {dtype.name} array of shape {shape} needs "
            f"{expected} bytes with the header, but the file has {len(content)}."
        )
    array = np.frombuffer(content, dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a native-order, writeable copy


def _find_idx_file(data_dir, stem):
    """The path of ``stem`` in ``data_dir``, gzip-compressed or not; None if absent."""
    for name in (f"{stem}.gz", stem, f"{stem.replace('-idx', '.idx')}"):
        if (data_dir / name).is_file():
            return data_dir / name
    return None


def load_mnist(data_dir, *, kind="train", scale=True, return_X_y=True):
    """Load the MNIST images and labels of one split from its IDX files.

    Parameters
    ----------
    data_dir : str or path-like
        Folder holding ``{kind}-images-idx3-ubyte`` and ``{kind}-labels-idx1-ubyte``,
        each either plain or with the ``.gz`` suffix (the names of the original
        distribution; ``{kind}-images.idx3-ubyte`` is also accepted).

    kind : {"train", "t10k"}, default="train"
        Which split: the 60000 training images or the 10000 test images.

    scale : bool, default=True
        When True, ``X`` is float32 with the pixel intensities divided by 255, in
        [0, 1]; when False, the raw uint8 intensities 0..255.

    return_X_y : bool, default=True
        When True, return ``(X, y)``; else a :class:`~sklearn.utils.Bunch`.

    Returns
    -------
    X : ndarray of shape (n_samples, 784)
        One flattened 28x28 image per row, row by row.

    y : ndarray of shape (n_samples,)
        The digit of each image, as int64.

    data : :class:`~sklearn.utils.Bunch`
        When ``return_X_y=False``: ``data`` (``X``), ``target`` (``y``), ``images``
        (shape (n_samples, 28, 28)), ``target_names`` (the digits 0..9), and
        ``image_shape`` (``(28, 28)``).

    Raises
    ------
    FileNotFoundError
        When a file is missing; the message names the expected file names.
    ValueError
        When a file is not a valid IDX file, or the images and labels disagree.

    Examples
    --------
    >>> from sknn.datasets import load_mnist
    >>> X, y = load_mnist("path/to/mnist", kind="t10k")  # doctest: +SKIP
    >>> X.shape, X.dtype, y.shape  # doctest: +SKIP
    ((10000, 784), dtype('float32'), (10000,))
    """
    if kind not in ("train", "t10k"):
        raise ValueError(f'kind must be "train" or "t10k"; got {kind!r}.')
    data_dir = Path(data_dir)
    stems = [f"{kind}-images-idx3-ubyte", f"{kind}-labels-idx1-ubyte"]
    paths = [_find_idx_file(data_dir, stem) for stem in stems]
    missing = [stem for stem, path in zip(stems, paths, strict=True) if path is None]
    if missing:
        expected = " and ".join(f"{stem}[.gz]" for stem in missing)
        present = sorted(p.name for p in data_dir.glob("*")) if data_dir.is_dir() else []
        raise FileNotFoundError(
            f"MNIST {kind!r} files not found in {data_dir}: expected {expected} (the "
            f"original IDX files, plain or .gz; kind='t10k' reads the test split). "
            f"The folder holds: {', '.join(present) if present else 'nothing'}."
        )
    images, labels = (load_idx(path) for path in paths)
    if images.ndim != 3:
        raise ValueError(f"{paths[0]} must hold a 3-d array of images; got shape {images.shape}.")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"{paths[1]} holds labels of shape {labels.shape} for {images.shape[0]} images "
            f"in {paths[0]}."
        )
    image_shape = images.shape[1:]
    X = images.reshape(images.shape[0], -1)
    if scale:
        X = X.astype(np.float32) / np.float32(255)
    y = labels.astype(np.int64)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        images=X.reshape(-1, *image_shape),
        target_names=np.arange(10),
        image_shape=image_shape,
    )
