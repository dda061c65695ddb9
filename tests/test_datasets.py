"""sknn.datasets: IDX files written here byte by byte, read back by load_idx and load_mnist."""

import gzip
import struct
import time
import tracemalloc
import zlib

import numpy as np
import pytest

from sknn.datasets import load_idx, load_mnist

#: The IDX type codes, with the dtype of the values written for each.
TYPE_CODES = {0x08: "u1", 0x09: "i1", 0x0B: "i2", 0x0C: "i4", 0x0D: "f4", 0x0E: "f8"}


def idx_bytes(array, type_code):
    """The IDX encoding of ``array``, written independently of load_idx."""
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(">" + TYPE_CODES[type_code]).tobytes()


def write_idx(path, array, type_code=0x08, compress=False):
    content = idx_bytes(np.asarray(array), type_code)
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def write_mnist(folder, kind, images, labels, compress=True):
    suffix = ".gz" if compress else ""
    write_idx(folder / f"{kind}-images-idx3-ubyte{suffix}", images, compress=compress)
    write_idx(folder / f"{kind}-labels-idx1-ubyte{suffix}", labels, compress=compress)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("type_code", sorted(TYPE_CODES))
@pytest.mark.parametrize("shape", [(5,), (2, 3, 4)])
def test_load_idx_round_trip(tmp_path, type_code, shape, compress):
    rng = np.random.default_rng(type_code)
    dtype = np.dtype(TYPE_CODES[type_code])
    if dtype.kind == "f":
        array = rng.normal(size=shape).astype(dtype)
    else:
        info = np.iinfo(dtype)
        array = rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
    path = write_idx(tmp_path / "data-idx", array, type_code, compress)

    loaded = load_idx(path)

    assert loaded.shape == shape
    assert loaded.dtype == dtype and loaded.dtype.isnative
    np.testing.assert_array_equal(loaded, array)
    loaded[...] = 0  # a writeable copy, not a view of the file's bytes


def test_load_idx_recognises_gzip_by_content(tmp_path):
    labels = np.array([7, 2, 1, 0], dtype=np.uint8)
    path = write_idx(tmp_path / "labels-idx1-ubyte", labels, compress=True)  # no .gz suffix
    np.testing.assert_array_equal(load_idx(path), labels)


def test_load_idx_big_endian_sizes(tmp_path):
    """Dimensions above 255 need all four bytes of the big-endian size."""
    labels = np.arange(300) % 10
    np.testing.assert_array_equal(load_idx(write_idx(tmp_path / "l", labels)), labels)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x01\x02\x08\x01" + bytes(8), "not an IDX file"),
        (b"PK", "not an IDX file"),
        (b"\x00\x00\x07\x01" + struct.pack(">I", 1) + b"\x00", "unknown IDX type code 0x07"),
        (b"\x00\x00\x08\x03" + struct.pack(">I", 2), "truncated: its header announces 3"),
        (b"\x00\x00\x08\x02" + struct.pack(">II", 2, 3) + bytes(5), "is truncated"),
        (b"\x00\x00\x0c\x01" + struct.pack(">I", 2) + bytes(7), "is truncated"),
        (b"\x00\x00\x08\x01" + struct.pack(">I", 2) + bytes(3), "longer than its header"),
    ],
    ids=["magic", "short", "type-code", "header", "data", "int32-data", "extra"],
)
def test_load_idx_errors(tmp_path, content, message, compress):
    path = tmp_path / "bad-idx"
    path.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(ValueError, match=message) as info:
        load_idx(path)
    assert str(path) in str(info.value)


def test_load_idx_truncated_gzip(tmp_path):
    path = write_idx(tmp_path / "l.gz", np.arange(100, dtype=np.uint8), compress=True)
    path.write_bytes(path.read_bytes()[:-12])
    with pytest.raises(ValueError, match="damaged or truncated gzip"):
        load_idx(path)


def test_load_idx_checks_the_gzip_checksum(tmp_path):
    """Reading stops at the announced size, but still reaches the gzip trailer's CRC-32."""
    path = write_idx(tmp_path / "l.gz", np.arange(100, dtype=np.uint8), compress=True)
    content = bytearray(path.read_bytes())
    content[-8] ^= 0xFF  # the first byte of the CRC-32 of the uncompressed data
    path.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="damaged or truncated gzip"):
        load_idx(path)


def gzip_bomb(content, n_mebibytes_of_zeros):
    """A valid gzip file: ``content``, then that many MiB of zeros, built in milliseconds.

    After a full flush, deflate forgets its history, so every MiB of zeros compresses to
    the same 1 KiB or so: compress one MiB and repeat its bytes. The gzip trailer (the
    CRC-32 and the length of the uncompressed data, RFC 1952) is written for the whole.
    """
    zeros = bytes(2**20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits=31: the gzip container
    start = compressor.compress(content) + compressor.flush(zlib.Z_FULL_FLUSH)
    zeros_block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_block = compressor.flush()[:-8]  # drop the trailer, which counted one MiB only
    checksum = zlib.crc32(content)
    for _ in range(n_mebibytes_of_zeros):
        checksum = zlib.crc32(zeros, checksum)
    length = len(content) + n_mebibytes_of_zeros * len(zeros)
    trailer = struct.pack("<II", checksum, length % 2**32)
    return start + zeros_block * n_mebibytes_of_zeros + final_block + trailer


def test_gzip_bomb_is_a_valid_gzip_file():
    """The helper above, checked against gzip's own decompressor on a small size."""
    content = b"IDX header"
    bomb = gzip_bomb(content, n_mebibytes_of_zeros=3)
    assert gzip.decompress(bomb) == content + bytes(3 * 2**20)
    assert len(bomb) < 3 * 2**20 // 500


def test_load_idx_gzip_bomb_is_refused_after_reading_its_header(tmp_path):
    """60 images of 28x28 announced, 256 MiB of zeros behind them: 16 + 47040 + 1 bytes read."""
    header = struct.pack(">BBBBIII", 0, 0, 0x08, 3, 60, 28, 28)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip_bomb(header, n_mebibytes_of_zeros=256))
    assert path.stat().st_size < 300_000

    tracemalloc.start()
    try:
        start = time.perf_counter()
        with pytest.raises(ValueError, match="longer than its header says"):
            load_idx(path)
        seconds = time.perf_counter() - start
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_bytes < 2 * 2**20
    assert seconds < 1.0


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_load_idx_refuses_absurd_dimensions(tmp_path, compress):
    """Three sizes of 2**32 - 1 announce 8e28 bytes: refused before any data is read."""
    header = struct.pack(">BBBBIII", 0, 0, 0x08, 3, *[2**32 - 1] * 3)
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(gzip.compress(header) if compress else header)
    with pytest.raises(ValueError, match=r"more than max_bytes=67,108,864") as info:
        load_idx(path)
    message = str(info.value)
    assert str(path) in message and "(4294967295, 4294967295, 4294967295)" in message
    assert "pass a larger max_bytes" in message


def test_load_idx_default_limit_fits_the_mnist_training_images(tmp_path):
    """A header announcing MNIST's 60000 training images passes the limit (then is truncated)."""
    header = struct.pack(">BBBBIII", 0, 0, 0x08, 3, 60000, 28, 28)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(header)
    with pytest.raises(ValueError, match="is truncated"):
        load_idx(path)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_load_idx_max_bytes_can_be_raised_or_removed(tmp_path, compress):
    array = np.arange(24, dtype=np.int32).reshape(2, 3, 4)  # 96 bytes of data
    path = write_idx(tmp_path / "data-idx", array, 0x0C, compress)

    with pytest.raises(ValueError, match="96 bytes of data, more than max_bytes=95"):
        load_idx(path, max_bytes=95)
    np.testing.assert_array_equal(load_idx(path, max_bytes=96), array)
    np.testing.assert_array_equal(load_idx(path, max_bytes=None), array)


@pytest.mark.parametrize("max_bytes", [-1, 1.5, "64 MiB"])
def test_load_idx_max_bytes_is_checked(tmp_path, max_bytes):
    path = write_idx(tmp_path / "l", np.arange(3))
    with pytest.raises(ValueError, match="max_bytes must be a non-negative integer or None"):
        load_idx(path, max_bytes=max_bytes)


def tiny_mnist(n_images, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n_images, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n_images).astype(np.uint8)
    return images, labels


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("kind", ["train", "t10k"])
def test_load_mnist_scaled(tmp_path, kind, compress):
    images, labels = tiny_mnist(6)
    write_mnist(tmp_path, kind, images, labels, compress)

    X, y = load_mnist(tmp_path, kind=kind)

    assert X.shape == (6, 784) and X.dtype == np.float32
    np.testing.assert_allclose(X, images.reshape(6, -1) / 255.0, rtol=1e-6)
    assert X.min() >= 0 and X.max() <= 1
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_raw_and_bunch(tmp_path):
    images, labels = tiny_mnist(4)
    write_mnist(tmp_path, "train", images, labels)

    data = load_mnist(tmp_path, scale=False, return_X_y=False)

    assert data.data.dtype == np.uint8
    np.testing.assert_array_equal(data.data, images.reshape(4, 784))
    np.testing.assert_array_equal(data.images, images)
    np.testing.assert_array_equal(data.target, labels)
    np.testing.assert_array_equal(data.target_names, np.arange(10))
    assert data.image_shape == (28, 28)


def test_load_mnist_accepts_dotted_names(tmp_path):
    """Some archives unpack to 'train-images.idx3-ubyte'."""
    images, labels = tiny_mnist(3)
    write_idx(tmp_path / "train-images.idx3-ubyte", images)
    write_idx(tmp_path / "train-labels.idx1-ubyte", labels)
    X, y = load_mnist(tmp_path)
    assert X.shape == (3, 784)
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_missing_files_are_named(tmp_path):
    images, labels = tiny_mnist(3)
    write_mnist(tmp_path, "t10k", images, labels)
    with pytest.raises(FileNotFoundError) as info:
        load_mnist(tmp_path, kind="train")
    message = str(info.value)
    assert "train-images-idx3-ubyte[.gz]" in message
    assert "train-labels-idx1-ubyte[.gz]" in message
    assert "t10k-images-idx3-ubyte.gz" in message  # what the folder holds instead

    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="expected t10k-labels-idx1-ubyte") as info:
        load_mnist(tmp_path, kind="t10k")
    assert "t10k-images-idx3-ubyte[.gz]" not in str(info.value)


def test_load_mnist_inconsistent_files(tmp_path):
    images, labels = tiny_mnist(5)
    write_mnist(tmp_path, "train", images, labels[:4])
    with pytest.raises(ValueError, match=r"labels of shape \(4,\) for 5 images"):
        load_mnist(tmp_path)
    write_mnist(tmp_path, "train", images.reshape(5, -1), labels)
    with pytest.raises(ValueError, match="3-d array of images"):
        load_mnist(tmp_path)


def test_load_mnist_refuses_zero_images(tmp_path):
    write_mnist(tmp_path, "train", np.zeros((0, 28, 28)), np.zeros(0))
    with pytest.raises(
        ValueError, match=r"holds no images: its header announces shape \(0, 28, 28\)"
    ):
        load_mnist(tmp_path)


@pytest.mark.parametrize(
    "labels",
    [[7.0, np.nan, 1.0], [0.5, 1.5, 2.0], [7.0, 2.0, 1.0]],
    ids=["nan", "fractional", "whole-floats"],
)
@pytest.mark.parametrize("type_code, dtype_name", [(0x0D, "float32"), (0x0E, "float64")])
def test_load_mnist_refuses_float_labels(tmp_path, labels, type_code, dtype_name):
    """MNIST labels are integers: a float label file is refused, not cast to int64."""
    images, _ = tiny_mnist(3)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    labels_path = write_idx(tmp_path / "train-labels-idx1-ubyte", np.array(labels), type_code)
    with pytest.raises(ValueError, match=f"holds {dtype_name} labels") as info:
        load_mnist(tmp_path)
    assert str(labels_path) in str(info.value) and "0x08 (uint8)" in str(info.value)


@pytest.mark.parametrize("type_code", [0x08, 0x09, 0x0B, 0x0C])
def test_load_mnist_accepts_every_integer_label_type(tmp_path, type_code):
    images, labels = tiny_mnist(4)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels, type_code)
    _, y = load_mnist(tmp_path)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, labels)


def test_load_mnist_max_bytes_applies_to_each_file(tmp_path):
    images, labels = tiny_mnist(2)  # 1568 bytes of images, 2 of labels
    write_mnist(tmp_path, "train", images, labels)
    with pytest.raises(ValueError, match="1,568 bytes of data, more than max_bytes=1,567"):
        load_mnist(tmp_path, max_bytes=1567)
    X, _ = load_mnist(tmp_path, max_bytes=1568)
    assert X.shape == (2, 784)


def test_load_mnist_kind_is_checked(tmp_path):
    with pytest.raises(ValueError, match='kind must be "train" or "t10k"'):
        load_mnist(tmp_path, kind="test")


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("n_dims", [33, 255])
def test_load_idx_refuses_too_many_dimensions(tmp_path, n_dims, compress):
    """A damaged header byte announcing up to 255 dimensions is refused by name, before
    NumPy is asked for an array of more dimensions than it holds."""
    header = struct.pack(f">BBBB{n_dims}I", 0, 0, 0x08, n_dims, *[1] * n_dims)
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(gzip.compress(header + b"\x00") if compress else header + b"\x00")
    with pytest.raises(ValueError, match=f"announces an array of {n_dims} dimensions") as info:
        load_idx(path)
    assert str(path) in str(info.value) and "at most 32" in str(info.value)


def test_load_idx_reads_32_dimensions(tmp_path):
    array = np.arange(4, dtype=np.uint8).reshape((2, 2) + (1,) * 30)
    np.testing.assert_array_equal(load_idx(write_idx(tmp_path / "data-idx", array)), array)


@pytest.mark.parametrize("shape", [(6, 0, 28), (6, 28, 0)])
def test_load_mnist_refuses_images_without_pixels(tmp_path, shape):
    images_path = write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros(shape))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.arange(6))
    with pytest.raises(ValueError, match="without pixels") as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert str(images_path) in message and f"announces shape {shape}" in message


@pytest.mark.parametrize(
    "type_code, images",
    [
        (0x0E, np.where(np.eye(28) > 0, np.nan, 0.5)),  # float64, NaN on the diagonal
        (0x0D, np.full((28, 28), 300.0)),  # float32, outside 0..255
        (0x0B, np.full((28, 28), -100)),  # int16, negative
        (0x09, np.full((28, 28), 7)),  # int8: in range, but not MNIST's type
    ],
    ids=["float64-nan", "float32", "int16-negative", "int8"],
)
def test_load_mnist_refuses_images_that_are_not_uint8(tmp_path, type_code, images):
    """Only uint8 intensities 0..255 are scaled to [0, 1]: any other type is refused."""
    images_path = write_idx(tmp_path / "train-images-idx3-ubyte", np.stack([images] * 3), type_code)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.array([7, 2, 1]))
    dtype_name = np.dtype(TYPE_CODES[type_code]).name
    with pytest.raises(ValueError, match=f"holds {dtype_name} images") as info:
        load_mnist(tmp_path, scale=False)
    message = str(info.value)
    assert str(images_path) in message and "uint8" in message and "0x08" in message


@pytest.mark.parametrize(
    "labels, type_code, first",
    [
        ([7, 10, 1], 0x08, "the first, 10, is the label of image 1"),
        ([-1, 2, 1], 0x09, "the first, -1, is the label of image 0"),
        ([7, 2, 1007], 0x0C, "the first, 1007, is the label of image 2"),
    ],
    ids=["ten", "negative", "large"],
)
def test_load_mnist_refuses_labels_outside_the_digits(tmp_path, labels, type_code, first):
    """target_names are the digits 0..9: so must every label be."""
    images, _ = tiny_mnist(3)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    labels_path = write_idx(tmp_path / "train-labels-idx1-ubyte", np.array(labels), type_code)
    with pytest.raises(ValueError, match="1 of 3 labels outside the digits 0..9") as info:
        load_mnist(tmp_path)
    message = str(info.value)
    assert str(labels_path) in message and first in message


def test_load_mnist_labels_are_among_the_target_names(tmp_path):
    images, _ = tiny_mnist(10)
    write_mnist(tmp_path, "t10k", images, np.arange(10)[::-1])  # the extreme digits 0 and 9
    data = load_mnist(tmp_path, kind="t10k", return_X_y=False)
    assert np.isin(data.target, data.target_names).all()
    np.testing.assert_array_equal(data.target, np.arange(10)[::-1])
