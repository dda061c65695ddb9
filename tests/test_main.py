"""The main job, ``python -m sknn``: its table, its plots (--out) and MNIST IDX input (--data-dir)."""

import gzip
import struct
import sys

import numpy as np
import pytest

from sknn.__main__ import main

# Short runs (--max-iter of a few epochs) stop before converging, as intended here.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ESTIMATOR_SLUGS = ["logisticregressiongd", "softmaxgd", "mlpclassifiergd_64"]


def table_rows(output):
    """The rows of the results table: name -> (accuracy, epochs, seconds, parameters)."""
    lines = output[output.index("test accuracy") :].splitlines()[1:]
    rows = {}
    for line in lines:
        if not line.strip():
            break
        *name, accuracy, epochs, seconds, parameters = line.split()
        rows[" ".join(name)] = (
            float(accuracy),
            int(epochs),
            float(seconds),
            int(parameters.replace(",", "")),
        )
    return rows


def test_main_trains_and_prints_the_table(capsys):
    assert main(["--max-iter", "3"]) == 0
    output = capsys.readouterr().out

    assert "Data: digits (1797 images of 8x8); 1347 training, 450 test samples" in output
    assert output.count("Epoch 1, loss = ") == 3  # per-epoch progress of each estimator
    rows = table_rows(output)
    assert list(rows) == ["LogisticRegressionGD", "SoftmaxGD", "MLPClassifierGD (64,)"]
    n_features, n_classes, n_hidden = 64, 10, 64
    linear = n_features * n_classes + n_classes
    mlp = (n_features * n_hidden + n_hidden) + (n_hidden * n_classes + n_classes)
    assert [row[3] for row in rows.values()] == [linear, linear, mlp]
    for accuracy, epochs, seconds, _ in rows.values():
        assert 0 <= accuracy <= 1 and epochs == 3 and seconds >= 0
    assert "Wrote" not in output


def assert_png(path):
    assert path.is_file(), f"{path.name} was not written"
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_main_writes_plots(tmp_path, capsys):
    out = tmp_path / "plots" / "digits"  # created, parents included

    assert main(["--quiet", "--max-iter", "4", "--out", str(out)]) == 0

    written = sorted(path.name for path in out.iterdir())
    expected = sorted(
        f"{slug}_{what}.png" for slug in ESTIMATOR_SLUGS for what in ("training_curves", "weights")
    )
    assert written == expected
    for name in written:
        assert_png(out / name)
    output = capsys.readouterr().out
    assert "Wrote 6 plots" in output
    assert "Epoch 1" not in output  # --quiet


def test_main_out_without_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "sknn\[plot\]"'):
        main(["--quiet", "--out", str(tmp_path)])


def write_idx(path, array):
    """A gzip-compressed uint8 IDX file, written independently of sknn.datasets."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def write_tiny_mnist(folder, kind, n_images, seed):
    """Images of 28x28 pixels in three classes, each class brightest in its own band of rows."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n_images) % 3
    images = rng.integers(0, 60, size=(n_images, 28, 28))
    for image, label in zip(images, labels, strict=True):
        image[9 * label : 9 * label + 9] += 150
    write_idx(folder / f"{kind}-images-idx3-ubyte.gz", images)
    write_idx(folder / f"{kind}-labels-idx1-ubyte.gz", labels)


def test_main_reads_mnist_idx_files(tmp_path, capsys):
    data_dir, out = tmp_path / "mnist", tmp_path / "out"
    data_dir.mkdir()
    write_tiny_mnist(data_dir, "train", 60, seed=0)
    write_tiny_mnist(data_dir, "t10k", 21, seed=1)

    assert main(["--quiet", "--max-iter", "5", "--data-dir", str(data_dir), "--out", str(out)]) == 0

    output = capsys.readouterr().out
    assert "MNIST from" in output and "60 training, 21 test samples" in output
    rows = table_rows(output)
    n_features, n_classes, n_hidden = 784, 3, 64
    mlp = (n_features * n_hidden + n_hidden) + (n_hidden * n_classes + n_classes)
    assert rows["SoftmaxGD"][3] == n_features * n_classes + n_classes
    assert rows["MLPClassifierGD (64,)"][3] == mlp
    assert rows["SoftmaxGD"][0] > 0.9  # the classes differ in their bright rows: easy
    for slug in ESTIMATOR_SLUGS:
        assert_png(out / f"{slug}_training_curves.png")
        assert_png(out / f"{slug}_weights.png")


def test_main_splits_a_single_mnist_split(tmp_path, capsys):
    write_tiny_mnist(tmp_path, "t10k", 60, seed=0)
    assert main(["--quiet", "--max-iter", "2", "--data-dir", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "60 images of the 't10k' split" in output
    assert "45 training, 15 test samples" in output


def test_main_data_dir_without_files(tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["--quiet", "--data-dir", str(tmp_path)])
    message = str(info.value)
    assert "train-images-idx3-ubyte[.gz]" in message and "t10k-labels-idx1-ubyte[.gz]" in message
