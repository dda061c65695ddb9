"""sknn.datasets: IDX files written here byte by byte, read back by load_idx and load_mnist."""

import gzip
import struct

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
def test_load_idx_errors(tmp_path, content, message):
    path = tmp_path / "bad-idx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load_idx(path)


def test_load_idx_truncated_gzip(tmp_path):
    path = write_idx(tmp_path / "l.gz", np.arange(100, dtype=np.uint8), compress=True)
    path.write_bytes(path.read_bytes()[:-12])
    with pytest.raises(ValueError, match="damaged or truncated gzip"):
        load_idx(path)


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


def test_load_mnist_kind_is_checked(tmp_path):
    with pytest.raises(ValueError, match='kind must be "train" or "t10k"'):
        load_mnist(tmp_path, kind="test")
