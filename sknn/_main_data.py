"""The main job's data: its checks of --data-dir and --out, and loading the digits or MNIST.

Each check raises :class:`UsageError` with one line that says what is wrong and what to
do; ``python -m sknn`` prints it on stderr and exits with status 2, before training.
"""

import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from sknn.datasets import _find_idx_file, load_mnist

#: The stems of MNIST's IDX files, per split (each may end in .gz).
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "t10k": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

#: The share early stopping holds out (the estimators' default).
VALIDATION_FRACTION = 0.1


class UsageError(Exception):
    """A bad argument or path: reported as one line on stderr, with exit status 2."""


def check_data_dir(data_dir):
    """Raise a UsageError unless ``data_dir`` is a folder that holds a whole MNIST split."""
    path = Path(data_dir)
    if not path.exists():
        raise UsageError(
            f"--data-dir {data_dir}: no such folder. Put MNIST's IDX files "
            f"({', '.join(MNIST_FILES['t10k'])}, and/or the train-* ones, plain or .gz) "
            "in a folder and give its path (see sknn --help)."
        )
    if not path.is_dir():
        raise UsageError(f"--data-dir {data_dir}: is a file, not a folder; give the folder.")
    present = {
        kind: [_find_idx_file(path, stem) is not None for stem in stems]
        for kind, stems in MNIST_FILES.items()
    }
    for kind, found in present.items():
        if any(found) and not all(found):
            missing = next(stem for stem, ok in zip(MNIST_FILES[kind], found) if not ok)
            raise UsageError(
                f"--data-dir {data_dir}: holds half of MNIST's {kind!r} split, without "
                f"{missing}[.gz]; add it, or remove the other {kind}-* file."
            )
    if not any(all(found) for found in present.values()):
        try:
            names = sorted(entry.name for entry in path.iterdir())
        except OSError as error:
            raise UsageError(
                f"--data-dir {data_dir}: cannot read the folder ({error.strerror or error})."
            ) from error
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise UsageError(
            f"--data-dir {data_dir}: no MNIST IDX files there; expected "
            f"{' and '.join(MNIST_FILES['t10k'])} and/or {' and '.join(MNIST_FILES['train'])} "
            f"(plain or .gz); the folder holds {shown or 'nothing'}."
        )


def check_out_dir(out, file_names=()):
    """Create the folder ``out`` if needed and check that a file can be written there,
    and that each of ``file_names`` can be written (or overwritten) there as a file.

    Return the folders it created, innermost first (for :func:`remove_folders`, should
    a later check refuse the job); on a UsageError it has removed them itself.
    """
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder; give a folder for the plots.")
    created = [folder for folder in [path, *path.parents] if not folder.exists()]
    try:
        try:
            path.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=path):
                pass
        except OSError as error:
            reason = error.strerror or str(error)
            raise UsageError(
                f"--out {out}: cannot write there ({reason}); give a folder you can write to."
            ) from error
        for name in file_names:
            _check_file_writable(out, path / name)
    except UsageError:
        remove_folders(created)
        raise
    return created


def remove_folders(folders):
    """Remove ``folders`` (innermost first) where they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty, or gone: leave it
            break


def _check_file_writable(out, file):
    """Raise a UsageError unless ``file``, in the folder ``out``, is absent or a file
    that can be overwritten: the job writes it after training."""
    if not (file.is_symlink() or file.exists()):
        return  # the folder is writable: the file will be created
    if file.is_dir():
        raise UsageError(
            f"--out {out}: {file.name} is a folder there, where the job writes a plot; "
            "remove or rename it, or give another folder."
        )
    if not file.is_file():
        raise UsageError(
            f"--out {out}: {file.name} is there but is not a file (a broken link, a pipe or "
            "a device), where the job writes a plot; remove it, or give another folder."
        )
    try:
        with open(file, "ab"):  # opened to append, not truncated: the plot is not lost yet
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise UsageError(
            f"--out {out}: cannot overwrite {file.name} there ({reason}); remove it or make "
            "it writable, or give another folder."
        ) from error


def check_plotting():
    """Raise a UsageError, saying how to install it, when matplotlib is missing."""
    from sknn.plotting._utils import check_matplotlib

    try:
        check_matplotlib("--out")
    except ImportError as error:
        raise UsageError(str(error)) from error


# ---------------------------------------------------------------------- data
def load_data(data_dir, random_state):
    """Training and test data with intensities in [0, 1], a description and the image shape.

    Without ``data_dir``, the built-in digits split 75/25. With it (checked by
    :func:`check_data_dir` first), MNIST: the 'train' split for training and 't10k'
    for testing when both are there, else whichever one is there, split 75/25. A
    damaged file, splits whose images differ in size, or too few images to split,
    raise a UsageError.
    """
    if data_dir is None:
        X, y = load_digits(return_X_y=True)
        X = X / 16.0  # the digits' intensities are 0..16
        data = _split(X, y, random_state)
        return data, f"digits ({X.shape[0]} images of 8x8)", (8, 8)

    splits = {}
    for kind in MNIST_FILES:
        try:
            splits[kind] = load_mnist(data_dir, kind=kind, return_X_y=False)
        except FileNotFoundError:
            continue  # check_data_dir made sure that one split is whole
        except (ValueError, OSError) as error:
            raise UsageError(f"--data-dir {data_dir}: {one_line(error)}") from error
    image_shape = next(iter(splits.values())).image_shape
    if len(splits) == 2:
        train, test = splits["train"], splits["t10k"]
        if train.image_shape != test.image_shape:
            raise UsageError(
                f"--data-dir {data_dir}: the 'train' images are "
                f"{_pixels(train.image_shape)} but the 't10k' images "
                f"{_pixels(test.image_shape)}; a model tests on images of the size it "
                "trained on. Put the two splits of one data set in the folder, or only one "
                "split (it is then split 75/25)."
            )
        data = (train.data, test.data, train.target, test.target)
        description = f"MNIST from {data_dir} ('train' and 't10k' IDX files)"
    else:
        ((kind, bunch),) = splits.items()
        data = _split(bunch.data, bunch.target, random_state)
        description = f"MNIST from {data_dir} ({bunch.data.shape[0]} images of the {kind!r} split)"
    return data, description, image_shape


def _pixels(image_shape):
    """'28x28 pixels' for the image shape (28, 28)."""
    return "x".join(str(size) for size in image_shape) + " pixels"


def _split(X, y, random_state):
    """Split 75/25, stratified when every class has at least two samples."""
    stratify = y if np.bincount(np.unique(y, return_inverse=True)[1]).min() >= 2 else None
    try:
        return train_test_split(X, y, test_size=0.25, stratify=stratify, random_state=random_state)
    except ValueError as error:
        raise UsageError(
            f"too few images to split 75/25 into training and test data ({X.shape[0]} "
            f"images): {one_line(error)}"
        ) from error


def check_training_labels(y_train, random_state):
    """Raise a UsageError unless the training labels make a classification task from
    which early stopping can hold out its stratified validation set, as the engine does."""
    classes = np.unique(y_train)
    if classes.size < 2:
        raise UsageError(
            f"the training data holds one class only (label {classes[0]}); the models "
            "need images of two or more classes."
        )
    try:
        _, validation = train_test_split(
            np.arange(y_train.shape[0]),
            test_size=VALIDATION_FRACTION,
            stratify=y_train,
            random_state=random_state,
        )
    except ValueError as error:
        validation, reason = None, one_line(error)
    else:
        reason = "the validation set would hold fewer than 2 images"
    if validation is None or validation.shape[0] < 2:
        raise UsageError(
            f"too few training images ({y_train.shape[0]} in {classes.size} classes) to hold "
            f"out a stratified {VALIDATION_FRACTION:.0%} for early stopping: {reason}"
        )


def one_line(error):
    return " ".join(str(error).split())
