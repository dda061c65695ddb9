"""Loaders for data sets in their original file formats: IDX files, and MNIST built on them.

MNIST is distributed as four IDX files (LeCun, Cortes and Burges), each optionally
gzip-compressed::

    train-images-idx3-ubyte   60000 images of 28x28 pixels, uint8
    train-labels-idx1-ubyte   their labels, 0..9
    t10k-images-idx3-ubyte    10000 test images
    t10k-labels-idx1-ubyte    their labels

sknn downloads nothing: point :func:`load_mnist` at a folder holding the files.

The files are read as streams, header first. Nothing beyond the header is read until
the size it announces has been checked against ``max_bytes`` (default
:data:`DEFAULT_MAX_BYTES`, 64 MiB of data: room for the 47,040,000 bytes of MNIST's
training images), and then exactly that many bytes are read, plus one to detect
trailing data. A small gzip file that decompresses to gigabytes (a decompression bomb)
therefore costs no more memory than its header announces. A damaged, truncated or
overlong file, an unknown type code, a header announcing more than 32 dimensions and
a size over the limit each get a ``ValueError`` that names the file and says what to
do; so does, in :func:`load_mnist`, a valid IDX file that is not MNIST's: images
that are not uint8 or have no pixels, labels that are not the digits 0..9.
"""

import gzip
import math
import numbers
import zlib
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["DEFAULT_MAX_BYTES", "load_idx", "load_mnist"]

#: IDX type codes (the third byte of the magic number) and the big-endian dtypes they name.
IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: The default limit on the data one IDX file may announce, in bytes (64 MiB): room
#: for MNIST's training images (60000 x 28 x 28 = 47,040,000 bytes). Pass
#: ``max_bytes`` to :func:`load_idx` or :func:`load_mnist` to raise it.
DEFAULT_MAX_BYTES = 64 * 2**20

#: The most dimensions an IDX header may announce. IDX files in use have one to four
#: (MNIST's images three, its labels one); a header announcing more, up to the 255
#: its one byte can say, is damaged. 32 is also the most that every NumPy can hold.
_MAX_DIMS = 32

#: MNIST's classes: its labels are the digits 0..9.
_MNIST_CLASSES = np.arange(10)

#: The gzip format's first two bytes.
_GZIP_MAGIC = b"\x1f\x8b"

#: The data is read in pieces of this many bytes: the most a read adds to the array itself.
_CHUNK_BYTES = 2**20


def load_idx(path, *, max_bytes=DEFAULT_MAX_BYTES):
    """Read one IDX file, such as ``t10k-images-idx3-ubyte``, plain or gzip-compressed.

    An IDX file is a 4-byte magic number ``0x00 0x00 <type code> <n_dims>``, then
    ``n_dims`` big-endian 4-byte unsigned sizes, then the data in C order,
    big-endian. The type codes are 0x08 (uint8), 0x09 (int8), 0x0B (int16),
    0x0C (int32), 0x0D (float32) and 0x0E (float64). ``n_dims`` may be at most 32;
    a size may be 0, making the array empty. A gzip-compressed file is recognised
    by its content, whatever its name.

    The file is read as a stream: the header first, then exactly the number of
    bytes it announces, then one more byte to detect trailing data. A gzip file is
    never decompressed further than that (its checksum is still verified), so a
    small file that decompresses to gigabytes fails after reading its header and
    data, using no more memory than the header announces.

    Parameters
    ----------
    path : str or path-like
        The file to read.

    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        The largest size of data (without the header) that the file may announce,
        in bytes; larger files are refused before their data is read. The default,
        ``64 * 2**20`` (64 MiB), holds MNIST's 60000 training images. Raise it for
        larger files you trust; None removes the limit.

    Returns
    -------
    array : ndarray of shape given by the file
        The data, in the file's type and native byte order.

    Raises
    ------
    ValueError
        When the file does not start with an IDX magic number, names an unknown
        type code, announces more than 32 dimensions or more than ``max_bytes``
        bytes of data, holds fewer or more bytes than its dimensions say, or is a
        damaged gzip file; also when ``max_bytes`` is neither a non-negative
        integer nor None.

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

    A header announcing more data than ``max_bytes`` is refused before any data is read:

    >>> load_idx(path, max_bytes=2)
    Traceback (most recent call last):
        ...
    ValueError: ...tiny-labels-idx1-ubyte announces a uint8 array of shape (3,), 3 bytes of data, more than max_bytes=2 allows. ...
    """
    path = Path(path)
    _check_max_bytes(max_bytes)
    opener = gzip.open if _is_gzip(path) else open
    with opener(path, "rb") as stream:
        try:
            return _read_idx(stream, path, max_bytes)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise ValueError(
                f"{path} is a damaged or truncated gzip file: {error}. Download it again."
            ) from error


def _check_max_bytes(max_bytes):
    """Raise a ValueError unless ``max_bytes`` is a non-negative integer or None."""
    is_count = isinstance(max_bytes, numbers.Integral) and not isinstance(max_bytes, bool)
    if max_bytes is not None and not (is_count and max_bytes >= 0):
        raise ValueError(
            f"max_bytes must be a non-negative integer or None (no limit); got {max_bytes!r}."
        )


def _is_gzip(path):
    """Whether the file at ``path`` starts with the gzip magic number."""
    with open(path, "rb") as file:
        return file.read(2) == _GZIP_MAGIC


def _read_idx(stream, path, max_bytes):
    """The array in the IDX ``stream``: header, then exactly the data it announces."""
    dtype, shape = _read_header(stream, path)
    header_bytes = 4 + 4 * len(shape)
    data_bytes = math.prod(shape) * dtype.itemsize
    if max_bytes is not None and data_bytes > max_bytes:
        raise ValueError(
            f"{path} announces a {dtype.name} array of shape {shape}, {data_bytes:,} bytes "
            f"of data, more than max_bytes={max_bytes:,} allows. If you trust the file, "
            f"pass a larger max_bytes (or max_bytes=None for no limit); otherwise the "
            f"file is damaged: download it again."
        )
    data = np.empty(data_bytes, dtype=np.uint8)
    n_read = _read_into(stream, data)
    if n_read < data_bytes:
        raise ValueError(
            f"{path} is truncated: a {dtype.name} array of shape {shape} needs "
            f"{header_bytes + data_bytes:,} bytes with the header, but the file has "
            f"{header_bytes + n_read:,}. Download it again."
        )
    if stream.read(1):
        raise ValueError(
            f"{path} is longer than its header says: a {dtype.name} array of shape "
            f"{shape} needs {header_bytes + data_bytes:,} bytes with the header, but the "
            f"file holds more (reading stopped there). The file is damaged or is not an "
            f"IDX file: download it again."
        )
    array = data.view(dtype).reshape(shape)
    if not dtype.isnative:  # IDX is big-endian: swap in place, then read as native
        array = array.byteswap(inplace=True).view(dtype.newbyteorder("="))
    return array


def _read_header(stream, path):
    """The dtype and shape announced by the header at the start of ``stream``."""
    magic = stream.read(4)
    if len(magic) < 4 or magic[0] != 0 or magic[1] != 0:
        raise ValueError(
            f"{path} is not an IDX file: it must start with the magic number "
            f"0x00 0x00 <type code> <n_dims>, but starts with {magic.hex(' ')!r}. "
            f"Check the file name, or download the file again."
        )
    type_code, n_dims = magic[2], magic[3]
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_DTYPES)
        raise ValueError(
            f"{path} names the unknown IDX type code 0x{type_code:02X}; known: {known}. "
            f"The file is damaged or is not an IDX file: download it again."
        )
    if n_dims > _MAX_DIMS:
        raise ValueError(
            f"{path} announces an array of {n_dims} dimensions in its header; load_idx "
            f"reads at most {_MAX_DIMS} (MNIST's images have 3, its labels 1). The file "
            f"is damaged or is not an IDX file: download it again."
        )
    sizes = stream.read(4 * n_dims)
    if len(sizes) < 4 * n_dims:
        raise ValueError(
            f"{path} is truncated: its header announces {n_dims} dimensions "
            f"({4 + 4 * n_dims} bytes), but the file has {4 + len(sizes)} bytes. "
            f"Download it again."
        )
    shape = tuple(int.from_bytes(sizes[i : i + 4], "big") for i in range(0, len(sizes), 4))
    return IDX_DTYPES[type_code], shape


def _read_into(stream, buffer):
    """Fill ``buffer`` from ``stream``, a piece at a time; return the bytes read.

    Fewer than ``len(buffer)`` means the stream ended first.
    """
    view = memoryview(buffer)
    n_read = 0
    while n_read < len(view):
        n_new = stream.readinto(view[n_read : n_read + _CHUNK_BYTES])
        if not n_new:
            break
        n_read += n_new
    return n_read


def _find_idx_file(data_dir, stem):
    """The path of ``stem`` in ``data_dir``, gzip-compressed or not; None if absent."""
    for name in (f"{stem}.gz", stem, f"{stem.replace('-idx', '.idx')}"):
        if (data_dir / name).is_file():
            return data_dir / name
    return None


def _check_images_and_labels(images, labels, images_path, labels_path):
    """Raise a ValueError unless the images and labels make an MNIST data set."""
    if images.ndim != 3:
        raise ValueError(
            f"{images_path} must hold a 3-d array of images (n_images, height, width); "
            f"got shape {images.shape}. Check that it is an images file, not a labels file."
        )
    if images.shape[0] == 0:
        raise ValueError(
            f"{images_path} holds no images: its header announces shape {images.shape}. "
            f"The file is damaged or empty: download it again."
        )
    if 0 in images.shape[1:]:
        raise ValueError(
            f"{images_path} holds images of height {images.shape[1]} and width "
            f"{images.shape[2]}, without pixels: its header announces shape "
            f"{images.shape}. The file is damaged: download it again."
        )
    if images.dtype != np.uint8:
        raise ValueError(
            f"{images_path} holds {images.dtype.name} images; MNIST's images are uint8 "
            f"intensities 0..255 (IDX type code 0x08), which load_mnist scales to [0, 1]. "
            f"The file is damaged or is not an MNIST images file: download it again, or "
            f"read it with load_idx and scale it yourself."
        )
    if labels.dtype.kind not in "iu":
        integer_codes = ", ".join(
            f"0x{code:02X} ({dtype.name})"
            for code, dtype in IDX_DTYPES.items()
            if dtype.kind in "iu"
        )
        raise ValueError(
            f"{labels_path} holds {labels.dtype.name} labels; labels must be integers, "
            f"stored with an integer IDX type code: {integer_codes}. Rewrite the file "
            f"with integer labels (MNIST's own use 0x08)."
        )
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"{labels_path} holds labels of shape {labels.shape} for {images.shape[0]} images "
            f"in {images_path}; it needs one label per image. Check that both files are "
            f"from the same split."
        )
    outside = (labels < _MNIST_CLASSES[0]) | (labels > _MNIST_CLASSES[-1])
    if outside.any():
        index = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"{labels_path} holds {outside.sum()} of {labels.size} labels outside the "
            f"digits 0..9 (they range from {labels.min()} to {labels.max()}; the first, "
            f"{labels[index]}, is the label of image {index}). MNIST's labels are the "
            f"digits 0..9: the file is damaged or is not an MNIST labels file. Download "
            f"it again, or read another data set's IDX files with load_idx."
        )


def load_mnist(data_dir, *, kind="train", scale=True, return_X_y=True, max_bytes=DEFAULT_MAX_BYTES):
    """Load the MNIST images and labels of one split from its IDX files.

    Each file is read by :func:`load_idx`, with the same checks, and must then hold
    what MNIST's files hold. The images must be a uint8 IDX file (type code 0x08) of
    one or more images of at least one pixel: a float or wider integer file is
    refused rather than scaled, so NaN, infinite or negative intensities never
    reach a model and the scaled ``X`` is in [0, 1]. The labels must be an integer
    IDX file (type code 0x08, 0x09, 0x0B or 0x0C) of digits 0..9, the ``target_names``
    returned: a float label file is refused rather than cast, so NaN or fractional
    labels never become classes, and so is a label outside 0..9. scikit-learn's
    classifiers refuse such labels only at ``fit`` ("Input y contains NaN.",
    "Unknown label type: continuous"), and zero samples there too; here all of
    them are refused at load time, with the name of the file at fault. To read
    other data sets stored as IDX files, use :func:`load_idx`.

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

    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        The largest size of data (without the header) that each file may announce,
        in bytes; see :func:`load_idx`. The default, 64 MiB, holds the 60000 training
        images (47,040,000 bytes). None removes the limit.

    Returns
    -------
    X : ndarray of shape (n_samples, rows * columns)
        One flattened image per row, row by row: (n_samples, 784) for MNIST's 28x28
        images (files of another image size are read as they are).

    y : ndarray of shape (n_samples,)
        The digit of each image, 0..9, as int64.

    data : :class:`~sklearn.utils.Bunch`
        When ``return_X_y=False``: ``data`` (``X``), ``target`` (``y``), ``images``
        (shape (n_samples, rows, columns): (n_samples, 28, 28) for MNIST),
        ``target_names`` (the digits 0..9), and ``image_shape`` (``(rows, columns)``).

    Raises
    ------
    FileNotFoundError
        When a file is missing; the message names the expected file names.
    ValueError
        When a file is not a valid IDX file or announces more than ``max_bytes``
        bytes of data, when there are no images or they have no pixels, when the
        images are not uint8, when the labels are not integers in 0..9, or when
        the images and labels disagree in number.

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
    images, labels = (load_idx(path, max_bytes=max_bytes) for path in paths)
    _check_images_and_labels(images, labels, *paths)
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
        target_names=_MNIST_CLASSES.copy(),
        image_shape=image_shape,
    )
