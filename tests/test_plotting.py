"""sknn.plotting: every display rendered with the Agg backend, and what it drew checked."""

import importlib
import math
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, scale

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn.plotting import TrainingCurveDisplay, WeightImageDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    return scale(X), y


def fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.fixture(scope="module")
def monitored(digits):
    """SoftmaxGD with every curve recorded."""
    model = SoftmaxGD(
        early_stopping=True,
        monitor=["train_score", "batch_loss"],
        batch_size=100,
        max_iter=25,
        learning_rate_init=0.05,
        random_state=0,
    )
    return fit_quietly(model, *digits)


# ---------------------------------------------------------------- TrainingCurveDisplay
def assert_line(line, values, label):
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(values) + 1))
    np.testing.assert_allclose(line.get_ydata(), values)
    assert line.get_label() == label


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_loss_curves(monitored):
    display = TrainingCurveDisplay.from_estimator(monitored, kind="loss")

    assert set(display.lines_) == {"training loss", "validation loss"}
    assert_line(
        display.lines_["training loss"],
        monitored.loss_curve_,
        "training loss: cross-entropy + penalty (SoftmaxGD)",
    )
    assert_line(
        display.lines_["validation loss"],
        monitored.validation_loss_curve_,
        "validation loss: cross-entropy (SoftmaxGD)",
    )
    # The validation curve is dashed, in the colour of its training curve.
    training, validation = display.lines_["training loss"], display.lines_["validation loss"]
    assert validation.get_color() == training.get_color()
    assert validation.get_linestyle() == "--" and training.get_linestyle() == "-"
    # The epoch whose parameters early stopping kept.
    best_epoch = int(np.argmin(monitored.validation_loss_curve_)) + 1
    np.testing.assert_array_equal(display.best_epoch_line_.get_xdata(), [best_epoch, best_epoch])
    assert len(display.ax_.get_lines()) == 3
    assert display.ax_.get_xlabel() == "epoch" and display.ax_.get_ylabel() == "loss"
    assert legend_texts(display.ax_) == [
        "training loss: cross-entropy + penalty (SoftmaxGD)",
        "validation loss: cross-entropy (SoftmaxGD)",
        f"best validation epoch ({best_epoch})",
    ]
    assert display.figure_ is display.ax_.figure


def test_accuracy_curves(monitored):
    display = TrainingCurveDisplay.from_estimator(monitored, kind="accuracy", name="softmax")

    assert_line(
        display.lines_["training accuracy"], monitored.train_scores_, "training accuracy (softmax)"
    )
    assert_line(
        display.lines_["validation accuracy"],
        monitored.validation_scores_,
        "validation accuracy (softmax)",
    )
    assert display.best_epoch_line_ is not None
    assert display.ax_.get_ylabel() == "accuracy"


def test_batch_loss_curve(monitored, digits):
    display = TrainingCurveDisplay.from_estimator(monitored, kind="batch_loss", name="")

    # 90% of 600 samples train (10% validate) in batches of 100: 6 steps per epoch.
    n_train = len(digits[1]) - math.ceil(0.1 * len(digits[1]))
    assert len(monitored.batch_loss_curve_) == monitored.n_iter_ * math.ceil(n_train / 100)
    assert_line(
        display.lines_["batch loss"],
        monitored.batch_loss_curve_,
        "batch loss: cross-entropy + penalty",
    )
    assert list(display.lines_) == ["batch loss"]
    assert display.best_epoch_line_ is None
    assert len(display.ax_.get_lines()) == 1
    assert display.ax_.get_xlabel() == "time step (mini-batch)"


def test_curves_without_early_stopping(digits):
    model = fit_quietly(SoftmaxGD(max_iter=8, random_state=0), *digits)

    display = TrainingCurveDisplay.from_estimator(model)

    assert list(display.lines_) == ["training loss"]
    assert_line(
        display.lines_["training loss"],
        model.loss_curve_,
        "training loss: cross-entropy + penalty (SoftmaxGD)",
    )
    assert display.best_epoch_line_ is None
    assert len(display.ax_.get_lines()) == 1
    with pytest.raises(ValueError, match=r'monitor="train_score".*early_stopping=True'):
        TrainingCurveDisplay.from_estimator(model, kind="accuracy")
    with pytest.raises(ValueError, match='monitor="batch_loss"'):
        TrainingCurveDisplay.from_estimator(model, kind="batch_loss")

    model = fit_quietly(SoftmaxGD(max_iter=8, monitor="train_score", random_state=0), *digits)
    display = TrainingCurveDisplay.from_estimator(model, kind="accuracy")
    assert list(display.lines_) == ["training accuracy"]
    assert_line(
        display.lines_["training accuracy"], model.train_scores_, "training accuracy (SoftmaxGD)"
    )


def test_best_epoch_skips_the_epochs_that_were_not_validated(digits):
    # A warm-started fit that adds early stopping validates only its own epochs: the
    # validation curve is NaN for the earlier ones, and the best epoch is found among
    # the validated ones.
    model = fit_quietly(SoftmaxGD(max_iter=3, warm_start=True, random_state=0), *digits)
    model.set_params(early_stopping=True, n_iter_no_change=50, max_iter=4)
    fit_quietly(model, *digits)
    curve = model.validation_loss_curve_
    assert np.isnan(curve[:3]).all() and not np.isnan(curve[3:]).any()

    display = TrainingCurveDisplay.from_estimator(model)

    best_epoch = int(np.nanargmin(curve)) + 1
    assert best_epoch > 3
    np.testing.assert_array_equal(display.best_epoch_line_.get_xdata(), [best_epoch, best_epoch])
    assert display.best_epoch_line_.get_label() == f"best validation epoch ({best_epoch})"

    never_validated = TrainingCurveDisplay([3.0, 2.0], validation_loss_curve=[np.nan, np.nan])
    assert never_validated.plot().best_epoch_line_ is None


def test_validation_accuracy_alone(digits):
    model = fit_quietly(
        LogisticRegressionGD(early_stopping=True, max_iter=8, random_state=0), *digits
    )
    display = TrainingCurveDisplay.from_estimator(model, kind="accuracy")
    assert list(display.lines_) == ["validation accuracy"]
    assert_line(
        display.lines_["validation accuracy"],
        model.validation_scores_,
        "validation accuracy (LogisticRegressionGD)",
    )


def test_two_estimators_on_one_axes(monitored, digits):
    other = fit_quietly(
        MLPClassifierGD((16,), early_stopping=True, max_iter=10, random_state=0), *digits
    )
    _, ax = plt.subplots()

    first = TrainingCurveDisplay.from_estimator(monitored, ax=ax, name="softmax")
    second = TrainingCurveDisplay.from_estimator(other, ax=ax, name="mlp")

    assert first.ax_ is ax and second.ax_ is ax and second.figure_ is ax.figure
    assert len(ax.get_lines()) == 6  # two curves and one best-epoch line each
    assert first.lines_["training loss"].get_color() != second.lines_["training loss"].get_color()
    assert_line(
        second.lines_["validation loss"],
        other.validation_loss_curve_,
        "validation loss: cross-entropy (mlp)",
    )


def test_display_from_curves_and_pipeline(monitored, digits):
    display = TrainingCurveDisplay([3.0, 2.0, 1.5], validation_loss_curve=[3.1, 2.5, 2.6])
    assert display.plot() is display
    assert_line(
        display.lines_["validation loss"], [3.1, 2.5, 2.6], "validation loss: cross-entropy"
    )
    np.testing.assert_array_equal(display.best_epoch_line_.get_xdata(), [2, 2])
    assert display.plot(mark_best_epoch=False).best_epoch_line_ is None

    pipeline = make_pipeline(StandardScaler(), SoftmaxGD(max_iter=5, random_state=0))
    fit_quietly(pipeline, *digits)
    display = TrainingCurveDisplay.from_estimator(pipeline)
    assert_line(
        display.lines_["training loss"],
        pipeline[-1].loss_curve_,
        "training loss: cross-entropy + penalty (SoftmaxGD)",
    )


def test_training_curve_errors(monitored):
    with pytest.raises(ValueError, match="kind must be one of"):
        TrainingCurveDisplay.from_estimator(monitored, kind="score")
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(SoftmaxGD())


# ---------------------------------------------------------------- WeightImageDisplay
def assert_symmetric_shared_scale(display, weights):
    vmax = np.abs(weights).max()
    for image in display.images_:
        np.testing.assert_allclose(image.get_clim(), (-vmax, vmax))
    np.testing.assert_allclose(display.colorbar_.mappable.get_clim(), (-vmax, vmax))


def test_weight_images_softmax(monitored):
    display = WeightImageDisplay.from_estimator(monitored, image_shape=(8, 8))

    assert len(display.images_) == 10
    for k, image in enumerate(display.images_):
        np.testing.assert_allclose(image.get_array(), monitored.coef_[k].reshape(8, 8))
        assert image.axes.get_title() == str(monitored.classes_[k])
        assert image.get_cmap().name == "RdBu_r"
    assert display.axes_.shape == (2, 5)
    assert all(ax.get_visible() for ax in display.axes_.ravel())
    assert_symmetric_shared_scale(display, monitored.coef_)
    assert display.figure_ is display.axes_[0, 0].figure


def test_weight_images_binary_logistic(digits):
    X, y = digits
    two_three = np.isin(y, [2, 3])
    model = fit_quietly(
        LogisticRegressionGD(max_iter=10, random_state=0), X[two_three], y[two_three]
    )

    display = WeightImageDisplay.from_estimator(model, image_shape=(8, 8), cmap="PuOr")

    assert model.coef_.shape == (1, 64)
    assert len(display.images_) == 1 and display.axes_.shape == (1, 1)
    np.testing.assert_allclose(display.images_[0].get_array(), model.coef_[0].reshape(8, 8))
    assert display.axes_[0, 0].get_title() == "3 vs 2"  # sigmoid(z) = P(3)
    assert display.images_[0].get_cmap().name == "PuOr"
    assert_symmetric_shared_scale(display, model.coef_)


def test_weight_images_mlp_hidden_units(digits):
    model = fit_quietly(MLPClassifierGD((20,), max_iter=5, random_state=0), *digits)
    figure = plt.figure()

    display = WeightImageDisplay.from_estimator(
        model, image_shape=(8, 8), max_panels=12, figure=figure
    )

    assert display.figure_ is figure
    assert len(display.images_) == 12
    for unit, image in enumerate(display.images_):
        np.testing.assert_allclose(image.get_array(), model.coefs_[0][:, unit].reshape(8, 8))
        assert image.axes.get_title() == f"unit {unit}"
    # 12 panels in 5 columns: 3 rows, the last 3 axes hidden.
    assert display.axes_.shape == (3, 5)
    assert [ax.get_visible() for ax in display.axes_.ravel()] == [True] * 12 + [False] * 3
    assert_symmetric_shared_scale(display, model.coefs_[0][:, :12])


def test_weight_images_from_matrix():
    weights = np.array([[1.0, -2.0, 0.5, 0.0], [0.25, 0.0, -0.5, 1.5], [0, 0, 0, 0.1]])

    display = WeightImageDisplay(weights, (2, 2), titles=["a", "b", "c"]).plot(
        ncols=2, colorbar=False
    )

    assert display.axes_.shape == (2, 2)
    assert display.colorbar_ is None
    assert [ax.get_title() for ax in display.axes_.ravel()[:3]] == ["a", "b", "c"]
    for row, image in zip(weights, display.images_, strict=True):
        np.testing.assert_array_equal(image.get_array(), row.reshape(2, 2))
        assert image.get_clim() == (-2.0, 2.0)

    zeros = WeightImageDisplay(np.zeros((1, 4)), (2, 2)).plot()
    assert zeros.images_[0].get_clim() == (-1.0, 1.0)  # a valid scale for all-zero weights


def test_weight_image_errors(monitored):
    with pytest.raises(
        ValueError, match=r"image_shape=\(7, 7\) has 49 pixels, but each unit has 64"
    ):
        WeightImageDisplay.from_estimator(monitored, image_shape=(7, 7))
    with pytest.raises(ValueError, match="2 titles were given for 3 panels"):
        WeightImageDisplay(np.ones((3, 4)), (2, 2), titles=["a", "b"]).plot()
    with pytest.raises(ValueError, match="n_panels, n_pixels"):
        WeightImageDisplay(np.ones(4), (2, 2)).plot()
    with pytest.raises(ValueError, match="max_panels"):
        WeightImageDisplay.from_estimator(monitored, image_shape=(8, 8), max_panels=0)
    with pytest.raises(NotFittedError):
        WeightImageDisplay.from_estimator(SoftmaxGD(), image_shape=(8, 8))
    with pytest.raises(TypeError, match="neither coef_ nor coefs_"):
        WeightImageDisplay.from_estimator(StandardScaler().fit([[0.0], [1.0]]), image_shape=(1,))


#: Bad parameters of WeightImageDisplay.from_estimator, the error and what it says.
BAD_WEIGHT_IMAGE_PARAMETERS = [
    ({"ncols": 0}, ValueError, "ncols must be a positive integer, or None .*; got 0"),
    ({"ncols": -1}, ValueError, "ncols must be a positive integer, or None .*; got -1"),
    ({"ncols": 2.0}, TypeError, "ncols must be a positive integer.*got 2.0 of type float"),
    ({"max_panels": 2.5}, TypeError, "max_panels must be a positive integer, or None to"),
    ({"max_panels": True}, TypeError, "max_panels must be .*got True of type bool"),
    ({"image_shape": 64}, TypeError, r"image_shape must be a tuple of two positive .*\(8, 8\)"),
    ({"image_shape": (8.0, 8.0)}, TypeError, "image_shape must be a tuple of two positive"),
    ({"image_shape": (64,)}, ValueError, r"image_shape must be .*; got \(64,\)"),
    ({"image_shape": (8, 8, 1)}, ValueError, r"image_shape must be .*; got \(8, 8, 1\)"),
    ({"image_shape": (-8, -8)}, ValueError, "image_shape must be a tuple of two positive"),
]


@pytest.mark.parametrize(
    "kwargs, error, message",
    BAD_WEIGHT_IMAGE_PARAMETERS,
    ids=[
        f"{name}={value!r}"
        for (kwargs, _, _) in BAD_WEIGHT_IMAGE_PARAMETERS
        for name, value in kwargs.items()
    ],
)
def test_weight_image_parameters_are_checked(monitored, kwargs, error, message):
    kwargs = {"image_shape": (8, 8), **kwargs}
    with pytest.raises(error, match=message):
        WeightImageDisplay.from_estimator(monitored, **kwargs)


def test_weight_image_accepts_integers_of_any_kind(monitored):
    display = WeightImageDisplay.from_estimator(
        monitored, image_shape=np.array([8, 8]), max_panels=np.int64(4), ncols=np.int32(2)
    )
    assert display.axes_.shape == (2, 2) and len(display.images_) == 4
    assert display.images_[0].get_array().shape == (8, 8)
    display = WeightImageDisplay(monitored.coef_, [8, 8]).plot(ncols=20)  # at most n_panels
    assert display.axes_.shape == (1, 10)


def test_weight_image_without_panels():
    with pytest.raises(ValueError, match=r"weights has no rows \(shape \(0, 64\)\)"):
        WeightImageDisplay(np.ones((0, 64)), (8, 8)).plot()


@pytest.mark.parametrize(
    "curves, kind, message",
    [
        ({"loss_curve": []}, "loss", "loss_curve is empty, so there is nothing to draw"),
        (
            {"loss_curve": [1, 2, 3], "validation_loss_curve": []},
            "loss",
            "validation_loss_curve is empty.*or None when it was not recorded",
        ),
        ({"loss_curve": [1, 2], "train_scores": []}, "accuracy", "train_scores is empty"),
        ({"loss_curve": [1, 2], "batch_loss_curve": []}, "batch_loss", "one number per mini-batch"),
        ({"loss_curve": [[1, 2], [3, 4]]}, "loss", r"loss_curve must be 1-d.*shape \(2, 2\)"),
        ({"loss_curve": ["low", "lower"]}, "loss", "loss_curve must be a sequence of numbers"),
    ],
    ids=["empty-loss", "empty-validation", "empty-scores", "empty-batch", "2-d", "strings"],
)
def test_training_curves_are_checked(curves, kind, message):
    with pytest.raises(ValueError, match=message):
        TrainingCurveDisplay(**curves).plot(kind=kind)


# ---------------------------------------------------------------- without matplotlib
def test_without_matplotlib(monkeypatch, monitored):
    import sknn

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    monkeypatch.setattr(sknn, "plotting", sknn.plotting)  # restored after the re-import
    for name in [name for name in sys.modules if name.startswith("sknn.plotting")]:
        monkeypatch.delitem(sys.modules, name)
    # The package itself imports without matplotlib ...
    plotting = importlib.import_module("sknn.plotting")

    # ... and each display says how to install it when asked to draw.
    calls = [
        lambda: plotting.TrainingCurveDisplay.from_estimator(monitored),
        lambda: plotting.TrainingCurveDisplay([1.0, 0.5]).plot(),
        lambda: plotting.WeightImageDisplay.from_estimator(monitored, image_shape=(8, 8)),
        lambda: plotting.WeightImageDisplay(np.ones((1, 4)), (2, 2)).plot(),
    ]
    for call in calls:
        with pytest.raises(ImportError, match=r'requires matplotlib.*pip install "sknn\[plot\]"'):
            call()


# ---------------------------------------------------------------- scikit-learn's displays
def test_sklearn_validation_curve_display_over_alpha(digits):
    from sklearn.model_selection import ValidationCurveDisplay

    X, y = digits
    alphas = [1e-4, 1e-2, 10.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        display = ValidationCurveDisplay.from_estimator(
            SoftmaxGD(max_iter=10, random_state=0),
            X[:300],
            y[:300],
            param_name="alpha",
            param_range=alphas,
            cv=3,
            std_display_style=None,
        )

    assert display.test_scores.shape == (3, 3)
    lines = display.ax_.get_lines()
    assert len(lines) == 2  # train and test
    for line in lines:
        np.testing.assert_array_equal(line.get_xdata(), alphas)
    np.testing.assert_allclose(lines[1].get_ydata(), display.test_scores.mean(axis=1))
    # A strong penalty (alpha=10 weighs ||W||^2 ten times the cross-entropy) costs accuracy.
    assert display.test_scores[2].mean() < display.test_scores[0].mean()
