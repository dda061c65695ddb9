"""The main job, ``python -m sknn``: its output, its table, its errors, its plots (--out)
and MNIST IDX input (--data-dir)."""

import gzip
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import sknn.__main__ as mainjob
from sknn.__main__ import main
from sknn._callbacks import CallbackSupportMixin
from sknn._main_output import LiveLine, write_plots

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MODELS = ["LogisticRegressionGD", "SoftmaxGD", "MLPClassifierGD (256,)"]
ESTIMATOR_SLUGS = ["logisticregressiongd", "softmaxgd", "mlpclassifiergd_256"]
HEADER = "model  test accuracy  epoch kept  epochs run  seconds  parameters"


def parameters(n_features, n_classes, n_hidden=256):
    """Weights plus intercepts of the linear models and of the MLP, counted by hand."""
    linear = n_features * n_classes + n_classes
    mlp = (n_features * n_hidden + n_hidden) + (n_hidden * n_classes + n_classes)
    return [linear, linear, mlp]


def table_rows(output):
    """The results table: name -> (accuracy, epoch kept, epochs run, seconds, parameters)."""
    lines = output[output.index("\nmodel ") + 1 :].splitlines()
    assert " ".join(lines[0].split()) == " ".join(HEADER.split())
    rows = {}
    for line in lines[1:]:
        if not line.strip():
            break
        *name, accuracy, kept, epochs, seconds, n_parameters = line.split()
        rows[" ".join(name)] = (
            float(accuracy),
            int(kept),
            int(epochs),
            float(seconds),
            int(n_parameters.replace(",", "")),
        )
    return rows


@pytest.fixture
def fitted(monkeypatch):
    """The estimators the main job builds, and its data, as it ran them."""
    seen = {}
    build, load = mainjob.build_estimators, mainjob.load_data

    def build_estimators(*args, **kwargs):
        seen["estimators"] = build(*args, **kwargs)
        return seen["estimators"]

    def load_data(*args, **kwargs):
        seen["data"] = load(*args, **kwargs)
        return seen["data"]

    monkeypatch.setattr(mainjob, "build_estimators", build_estimators)
    monkeypatch.setattr(mainjob, "load_data", load_data)
    return seen


def test_default_output_is_short_and_the_table_matches_the_models(capsys, fitted):
    assert main([]) == 0  # the main job as a user runs it: early stopping ends each model
    output = capsys.readouterr().out

    lines = output.splitlines()
    assert len(lines) == 9, output  # data, one line per model, blank, header, three rows
    assert lines[0] == (
        "Data: digits (1797 images of 8x8), intensities scaled to [0, 1]; "
        "1347 training, 450 test samples"
    )
    for index, (line, name) in enumerate(zip(lines[1:4], MODELS), start=1):
        assert re.fullmatch(
            rf"\[{index}/3\] {re.escape(name)}: \d+ epochs in [\d.]+ s, stopped early", line
        )
    assert "Epoch" not in output and "\r" not in output

    rows = table_rows(output)
    assert list(rows) == MODELS
    assert [row[4] for row in rows.values()] == parameters(64, 10)
    (X_train, X_test, y_train, y_test), _, _ = fitted["data"]
    assert X_train.min() == 0 and X_train.max() == 1  # the digits' 0..16, divided by 16
    for (name, estimator), row in zip(fitted["estimators"].items(), rows.values()):
        accuracy, kept, epochs, seconds, _ = row
        assert estimator.solver == "adam" and estimator.early_stopping
        assert accuracy == pytest.approx(estimator.score(X_test, y_test), abs=5e-5)
        assert accuracy > 0.94, name
        assert epochs == estimator.n_iter_ < 500  # stopped early, before --max-iter
        # The epoch kept is the one of the lowest validation loss, whose parameters
        # early stopping restored: the first epoch reaching best_validation_loss_.
        assert kept == estimator.validation_loss_curve_.index(estimator.best_validation_loss_) + 1
        assert 1 <= kept <= epochs
        assert seconds >= 0


def test_verbose_prints_every_epoch(capsys):
    assert main(["--verbose", "--max-iter", "3"]) == 0
    output = capsys.readouterr().out
    for epoch in (1, 2, 3):
        assert output.count(f"Epoch {epoch}, loss = ") == 3  # once per model
    assert "Epoch 4" not in output
    assert output.count("validation accuracy = ") == 9
    for index, name in enumerate(MODELS, start=1):
        assert f"== [{index}/3] {name}\n" in output
        assert f"[{index}/3] {name}: 3 epochs in " in output


def test_quiet_prints_only_the_data_line_and_the_table(capsys):
    assert main(["--quiet", "--max-iter", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6
    assert lines[0].startswith("Data: digits") and lines[1] == ""
    assert list(table_rows("\n".join(lines))) == MODELS


def test_help_says_which_settings_and_why(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for said in [
        'trained by Adam (solver="adam")',
        "intensities in [0, 1]",
        "Standardising each pixel on its own does not suit MNIST",
        '"epoch kept"',
        "--verbose",
        "--quiet",
        "t10k-images-idx3-ubyte",
        "2 for a bad argument or path",
    ]:
        assert said in help_text


def test_verbose_and_quiet_exclude_each_other(capsys):
    assert main(["--verbose", "--quiet"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_max_iter_reached_is_said_not_warned(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # none may escape
        assert main(["--max-iter", "2"]) == 0
    output = capsys.readouterr().out
    assert output.count("2 epochs in ") == 3
    assert output.count("reached --max-iter 2 first") == 3
    for _, kept, epochs, _, _ in table_rows(output).values():
        assert epochs == 2 and 1 <= kept <= 2


@pytest.mark.skipif(
    not hasattr(CallbackSupportMixin, "set_callbacks"), reason="scikit-learn < 1.9: no callbacks"
)
def test_on_a_terminal_one_line_per_model_is_rewritten_after_each_epoch(capsys, monkeypatch):
    monkeypatch.setattr(mainjob, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(LiveLine, "__init__", _every_epoch(LiveLine.__init__))
    assert main(["--max-iter", "3"]) == 0
    output = capsys.readouterr().out

    for index, name in enumerate(MODELS, start=1):
        prefix = f"\r[{index}/3] {name}"
        assert f"{prefix}: starting\x1b[K" in output
        for epoch in (1, 2, 3):
            assert re.search(
                rf"{re.escape(prefix)}: epoch {epoch}/3, validation accuracy [\d.]+\x1b\[K", output
            )
        assert f"{prefix}: 3 epochs in " in output
    # What the terminal shows in the end: each line as its last rewrite left it.
    shown = [line.split("\r")[-1].replace("\x1b[K", "") for line in output.split("\n")]
    assert len([line for line in shown if line]) == 8  # data, three models, header, rows
    assert [line.split(":")[0] for line in shown[1:4]] == [
        f"[{i}/3] {name}" for i, name in enumerate(MODELS, start=1)
    ]


def _every_epoch(init):
    """LiveLine.__init__ with no minimum interval: every epoch is shown."""

    def __init__(self, prefix, max_iter, min_interval=0.1):
        init(self, prefix, max_iter, min_interval=0)

    return __init__


def test_without_callbacks_a_terminal_gets_plain_lines(capsys, monkeypatch):
    # scikit-learn < 1.9 has no set_callbacks: one line per model when it ends.
    monkeypatch.setattr(mainjob, "stdout_is_terminal", lambda: True)
    if hasattr(CallbackSupportMixin, "set_callbacks"):
        monkeypatch.delattr(CallbackSupportMixin, "set_callbacks")
    assert main(["--max-iter", "2"]) == 0
    output = capsys.readouterr().out
    assert "\r" not in output and "\x1b" not in output
    assert output.count("2 epochs in ") == 3


class CtrlCAfterEpoch:
    """A callback that presses Ctrl+C (sends SIGINT) at the end of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch" and context.task_id + 1 == self.epoch:
            os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.skipif(
    not hasattr(CallbackSupportMixin, "set_callbacks"), reason="scikit-learn < 1.9: no callbacks"
)
@pytest.mark.skipif(
    signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
    reason="SIGINT is handled by someone else here (or ignored, as in a background job)",
)
def test_ctrl_c_ends_the_job_with_the_table_of_the_models_trained(capsys, monkeypatch):
    build = mainjob.build_estimators

    def build_estimators(*args, **kwargs):
        estimators = build(*args, **kwargs)
        estimators["LogisticRegressionGD"].set_callbacks(CtrlCAfterEpoch(2))
        return estimators

    monkeypatch.setattr(mainjob, "build_estimators", build_estimators)
    assert main([]) == 130
    captured = capsys.readouterr()
    # The engine stops after the mini-batch in flight; only completed epochs count.
    assert "[1/3] LogisticRegressionGD: 2 epochs in " in captured.out
    assert "interrupted (Ctrl+C)" in captured.out and "[2/3]" not in captured.out
    rows = table_rows(captured.out)
    assert list(rows) == ["LogisticRegressionGD"] and rows["LogisticRegressionGD"][2] == 2
    assert captured.err == "sknn: interrupted (Ctrl+C); the table shows the models trained\n"


# ---------------------------------------------------------------------- bad input
@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if the main job builds its models (it trains them right after)."""

    def build_estimators(*args, **kwargs):
        raise AssertionError("the main job went on to train")

    monkeypatch.setattr(mainjob, "build_estimators", build_estimators)


def assert_usage_error(capsys, argv, *fragments):
    """Exit status 2, one line on stderr that says ``fragments``, nothing on stdout."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("sknn: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "argv, fragments",
    [
        (["--max-iter", "0"], ["--max-iter", "positive whole number", "'0'"]),
        (["--max-iter", "ten"], ["--max-iter", "'ten'"]),
        (["--threads", "-2"], ["--threads", "'-2'"]),
        (["--threads", "1025"], ["--threads", "from 1 to 1024", "'1025'"]),
        (
            ["--threads", "99999999999999999999"],
            ["--threads", "from 1 to 1024", "'99999999999999999999'"],
        ),
        (["--random-state", "-1"], ["--random-state", "[0, 2**32)"]),
        (["--random-state", "4294967296"], ["--random-state"]),
        (["--bogus"], ["unrecognized arguments: --bogus"]),
        (["--verbose", "--quiet"], ["--quiet", "not allowed"]),
        (["--out"], ["--out", "expected one argument"]),
    ],
)
def test_bad_arguments(capsys, no_training, argv, fragments):
    assert_usage_error(capsys, argv, *fragments)


def test_threads_up_to_the_bound_are_accepted():
    assert mainjob.make_parser().parse_args(["--threads", "1024"]).threads == 1024


def test_missing_data_dir_says_it_is_missing(capsys, no_training, tmp_path):
    missing = tmp_path / "mnist"
    assert_usage_error(
        capsys,
        ["--data-dir", str(missing)],
        str(missing),
        "no such folder",
        "t10k-images-idx3-ubyte",
    )


def test_data_dir_that_is_a_file(capsys, no_training, tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(b"")
    assert_usage_error(capsys, ["--data-dir", str(path)], "is a file, not a folder")


def test_data_dir_without_mnist_files_lists_what_it_expects_and_holds(
    capsys, no_training, tmp_path
):
    (tmp_path / "notes.txt").write_text("")
    assert_usage_error(
        capsys,
        ["--data-dir", str(tmp_path)],
        "no MNIST IDX files",
        "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte",
        "train-images-idx3-ubyte and train-labels-idx1-ubyte",
        "holds notes.txt",
    )


def test_data_dir_with_half_a_split(capsys, no_training, tmp_path):
    write_tiny_mnist(tmp_path, "t10k", 60, seed=0)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((4, 28, 28)))
    assert_usage_error(
        capsys,
        ["--data-dir", str(tmp_path)],
        "half of MNIST's 'train' split",
        "train-labels-idx1-ubyte",
    )


@pytest.mark.parametrize(
    "damage, fragment",
    [
        (lambda data: data[:-100], "is truncated"),
        (lambda data: data + b"\x00", "longer than its header says"),
        (lambda data: b"\x08\x03" + data[2:], "is not an IDX file"),
    ],
    ids=["truncated", "trailing data", "bad magic"],
)
def test_damaged_idx_file(capsys, no_training, tmp_path, damage, fragment):
    write_tiny_mnist(tmp_path, "t10k", 60, seed=0)
    images = tmp_path / "t10k-images-idx3-ubyte.gz"
    images.write_bytes(gzip.compress(damage(gzip.decompress(images.read_bytes()))))
    assert_usage_error(capsys, ["--data-dir", str(tmp_path)], str(images), fragment)


def test_damaged_gzip_file(capsys, no_training, tmp_path):
    write_tiny_mnist(tmp_path, "t10k", 60, seed=0)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:-12])  # the gzip stream cut short
    assert_usage_error(capsys, ["--data-dir", str(tmp_path)], str(labels), "damaged or truncated")


@pytest.mark.parametrize(
    "type_code, dtype, fragment",
    [(0x0E, ">f8", "holds float64 images"), (0x0B, ">i2", "holds int16 images")],
    ids=["float64", "int16"],
)
def test_images_that_are_not_uint8_are_refused_before_training(
    capsys, no_training, tmp_path, type_code, dtype, fragment
):
    """NaN or negative intensities never reach a model: the file is named, exit 2."""
    write_tiny_mnist(tmp_path, "t10k", 60, seed=0)
    images = np.full((60, 28, 28), -1.0)
    images[:, 0, 0] = np.nan if dtype == ">f8" else -32768
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    header = struct.pack(">BBBBIII", 0, 0, type_code, 3, *images.shape)
    path.write_bytes(gzip.compress(header + images.astype(dtype).tobytes()))
    assert_usage_error(capsys, ["--data-dir", str(tmp_path)], str(path), fragment, "uint8")


def test_labels_outside_the_digits_are_refused_before_training(capsys, no_training, tmp_path):
    write_tiny_mnist(tmp_path, "t10k", 60, seed=0)
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    write_idx(path, np.arange(60) % 3 + 8)  # 8, 9, 10, 8, ...
    assert_usage_error(
        capsys, ["--data-dir", str(tmp_path)], str(path), "20 of 60 labels outside the digits"
    )


@pytest.mark.parametrize(
    "header, fragment",
    [
        (struct.pack(">BBBBIII", 0, 0, 0x08, 3, 60, 0, 28), "without pixels"),
        (struct.pack(">BBBB", 0, 0, 0x08, 255) + bytes(4 * 255), "255 dimensions"),
    ],
    ids=["zero-height", "255-dimensions"],
)
def test_damaged_idx_header(capsys, no_training, tmp_path, header, fragment):
    write_tiny_mnist(tmp_path, "t10k", 60, seed=0)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(header))
    assert_usage_error(capsys, ["--data-dir", str(tmp_path)], str(path), fragment)


def test_splits_with_images_of_different_sizes_are_refused_before_training(
    capsys, no_training, tmp_path
):
    write_tiny_mnist(tmp_path, "train", 60, seed=0)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((21, 20, 20)))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.arange(21) % 3)
    assert_usage_error(
        capsys,
        ["--data-dir", str(tmp_path)],
        "the 'train' images are 28x28 pixels but the 't10k' images 20x20 pixels",
    )


def test_too_few_images_for_early_stopping(capsys, no_training, tmp_path):
    write_tiny_mnist(tmp_path, "t10k", 12, seed=0)  # 9 training images of 3 classes
    assert_usage_error(
        capsys, ["--data-dir", str(tmp_path)], "too few training images", "early stopping"
    )


def test_one_class_only(capsys, no_training, tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((40, 28, 28)))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(40, 7))
    assert_usage_error(capsys, ["--data-dir", str(tmp_path)], "one class only (label 7)")


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_out_that_cannot_be_a_folder_is_refused_before_training(
    capsys, no_training, tmp_path, where
):
    path = tmp_path / "plots.png"
    path.write_bytes(b"")
    out = path if where == "a file" else path / "digits"
    assert_usage_error(capsys, ["--out", str(out)], f"--out {out}")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere"
)
def test_out_not_writable_is_refused_before_training(capsys, no_training, tmp_path):
    out = tmp_path / "read-only"
    out.mkdir(mode=0o500)
    assert_usage_error(capsys, ["--out", str(out)], "cannot write there")


def test_out_where_writing_fails_is_refused_before_training(
    capsys, no_training, monkeypatch, tmp_path
):
    # As root (this test's usual user in containers) no folder is read-only: make the
    # check's trial file fail as it would in a folder without write permission.
    def trial_file(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", trial_file)
    assert_usage_error(
        capsys,
        ["--out", str(tmp_path)],
        f"--out {tmp_path}: cannot write there (Permission denied)",
    )


PLOT_NAMES = [
    f"{slug}_{what}.png" for slug in ESTIMATOR_SLUGS for what in ("training_curves", "weights")
]


@pytest.mark.parametrize("name", PLOT_NAMES)
def test_out_where_a_plot_would_go_is_a_folder_is_refused_before_training(
    capsys, no_training, tmp_path, name
):
    (tmp_path / name).mkdir()
    assert_usage_error(
        capsys, ["--out", str(tmp_path)], f"--out {tmp_path}: {name} is a folder there"
    )


def test_out_where_a_plot_would_go_is_a_broken_link_is_refused_before_training(
    capsys, no_training, tmp_path
):
    (tmp_path / "softmaxgd_weights.png").symlink_to(tmp_path / "missing" / "weights.png")
    assert_usage_error(
        capsys, ["--out", str(tmp_path)], "softmaxgd_weights.png is there but is not a file"
    )


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere"
)
def test_out_where_a_plot_is_read_only_is_refused_before_training(capsys, no_training, tmp_path):
    path = tmp_path / "softmaxgd_weights.png"
    path.write_bytes(b"an older plot")
    path.chmod(0o400)
    assert_usage_error(capsys, ["--out", str(tmp_path)], "cannot overwrite softmaxgd_weights.png")
    assert path.read_bytes() == b"an older plot"


def test_out_where_a_plot_cannot_be_overwritten_is_refused_before_training(
    capsys, no_training, monkeypatch, tmp_path
):
    # As root no file is read-only: make opening the plot fail as it would without
    # write permission (for that module only: it looks open up before the builtins).
    import sknn._main_data

    def refuse(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    (tmp_path / "softmaxgd_weights.png").write_bytes(b"an older plot")
    monkeypatch.setattr(sknn._main_data, "open", refuse, raising=False)
    assert_usage_error(
        capsys,
        ["--out", str(tmp_path)],
        "cannot overwrite softmaxgd_weights.png there (Permission denied)",
    )


def test_out_with_plots_of_an_earlier_run_is_accepted(capsys, no_training, tmp_path):
    for name in PLOT_NAMES:
        (tmp_path / name).write_bytes(b"an older plot")
    with pytest.raises(AssertionError, match="went on to train"):  # the checks passed
        main(["--out", str(tmp_path)])
    assert all((tmp_path / name).read_bytes() == b"an older plot" for name in PLOT_NAMES)


def test_out_is_checked_before_the_data_is_read(capsys, no_training, monkeypatch, tmp_path):
    def load_data(*args, **kwargs):
        raise AssertionError("the data was read before --out was checked")

    monkeypatch.setattr(mainjob, "load_data", load_data)
    path = tmp_path / "plots.png"
    path.write_bytes(b"")
    assert_usage_error(capsys, ["--out", str(path)], "is a file, not a folder")


def test_out_without_matplotlib(capsys, no_training, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert_usage_error(capsys, ["--out", str(tmp_path / "plots")], 'pip install "sknn[plot]"')
    assert not (tmp_path / "plots").exists()


# ---------------------------------------------------------------------- plots and MNIST
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
    assert "Wrote 6 plots" in capsys.readouterr().out


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

    assert main(["--max-iter", "5", "--data-dir", str(data_dir), "--out", str(out)]) == 0

    output = capsys.readouterr().out
    assert "MNIST from" in output and "60 training, 21 test samples" in output
    rows = table_rows(output)
    assert [row[4] for row in rows.values()] == parameters(784, 3)
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


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_plot_titles_fit_their_figures(tmp_path, monkeypatch):
    """Each title, that of the one-panel figure of a binary LogisticRegressionGD
    included, lies within its figure as the Agg backend draws it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from sklearn.datasets import load_digits

    saved = []
    save = Figure.savefig

    def savefig(figure, *args, **kwargs):
        saved.append(figure)
        return save(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    X, y = load_digits(n_class=2, return_X_y=True)
    estimators = mainjob.build_estimators(0, monitor="train_score", max_iter=2)
    for name, estimator in estimators.items():
        write_plots(estimator.fit(X / 16, y), name, tmp_path, (8, 8))
    assert estimators["LogisticRegressionGD"].coef_.shape == (1, 64)  # one sigmoid unit

    assert len(saved) == 6
    for figure in saved:
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        (title,) = figure.texts  # the suptitle
        box = title.get_window_extent(canvas.get_renderer())
        assert title.get_text().split(":")[0] in estimators
        assert 0 <= box.x0 and box.x1 <= figure.bbox.width, title.get_text()
        assert 0 <= box.y0 and box.y1 <= figure.bbox.height, title.get_text()


@pytest.mark.parametrize("argv", [["--max-iter", "1"], ["--max-iter", "1", "--quiet"]])
def test_closed_stdout_ends_the_job_quietly(argv):
    """As ``python -m sknn | head -1`` once head has gone: no traceback, status 141
    (128 + SIGPIPE). Without --quiet the first progress line meets the closed pipe
    while the models train; with it, the table at the end."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the job writes a line
    try:
        job = subprocess.run(
            [sys.executable, "-m", "sknn", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(write_end)
    assert job.stderr == ""
    assert job.returncode == 141


# ---------------------------------------------------------------------- found by review
def test_a_refused_job_leaves_no_out_folder_behind(capsys, no_training, tmp_path):
    data = tmp_path / "mnist"
    data.mkdir()
    write_tiny_mnist(data, "t10k", 12, seed=0)  # too few images: refused after --out
    out = tmp_path / "new" / "plots"
    assert_usage_error(
        capsys, ["--data-dir", str(data), "--out", str(out)], "too few training images"
    )
    assert not (tmp_path / "new").exists()
    existing = tmp_path / "existing"
    existing.mkdir()
    assert_usage_error(
        capsys,
        ["--data-dir", str(data), "--out", str(existing / "plots")],
        "too few training images",
    )
    assert existing.is_dir() and not any(existing.iterdir())  # only what it made is gone


def test_no_stdout_is_no_terminal(monkeypatch):
    from sknn._main_output import stdout_is_terminal

    monkeypatch.setattr(sys, "stdout", None)  # python -m sknn >&-
    assert stdout_is_terminal() is False
    closed = tempfile.TemporaryFile(mode="w")
    closed.close()
    monkeypatch.setattr(sys, "stdout", closed)
    assert stdout_is_terminal() is False


def test_a_plot_is_written_whole_or_not_at_all(tmp_path):
    from matplotlib.figure import Figure

    from sknn._main_output import save_png

    path = tmp_path / "model_weights.png"
    path.write_bytes(b"the earlier plot")

    class InterruptedFigure(Figure):
        def savefig(self, file, **kwargs):
            file.write(PNG_SIGNATURE + b"half of it")
            raise KeyboardInterrupt  # Ctrl+C while the PNG is written

    with pytest.raises(KeyboardInterrupt):
        save_png(InterruptedFigure(), path)
    assert path.read_bytes() == b"the earlier plot"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    save_png(Figure(figsize=(1, 1)), path)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_ctrl_c_while_plotting_ends_the_job_with_the_table(capsys, monkeypatch, tmp_path):
    def write_plots(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mainjob, "write_plots", write_plots)
    assert main(["--out", str(tmp_path), "--max-iter", "3"]) == 130
    captured = capsys.readouterr()
    assert list(table_rows(captured.out)) == ["LogisticRegressionGD"]
    assert captured.err == "sknn: interrupted (Ctrl+C); the table shows the models trained\n"


def test_the_digits_are_split_75_25_in_every_class():
    """Stratified: each digit is in the training part in its share of the data."""
    from sknn._main_data import load_data

    (X_train, X_test, y_train, y_test), _, _ = load_data(None, 0)
    counts = np.bincount(np.r_[y_train, y_test])
    assert len(y_test) == int(np.ceil(0.25 * counts.sum()))  # 450 of 1797
    assert np.all(np.abs(np.bincount(y_train) - 0.75 * counts) <= 1)
