"""WeightImageDisplay: the weights of the output units or first hidden layer as images."""

import math
import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._utils import check_count, check_matplotlib, final_estimator


class WeightImageDisplay:
    """The weights into each unit, reshaped to the input image, on a shared colour scale.

    A unit that reads images of ``image_shape`` pixels has one weight per pixel;
    drawn as an image, they show which pixels push the unit's logit up (red) and
    which push it down (blue). All panels share one symmetric diverging colour
    scale, ``vmin = -vmax`` with ``vmax`` the largest absolute weight drawn, so
    that zero is the same neutral colour everywhere and panels compare directly.

    Build it from a fitted estimator with :meth:`from_estimator`, or from a
    weight matrix.

    Parameters
    ----------
    weights : array-like of shape (n_panels, n_pixels)
        One row per panel, at least one; ``n_pixels`` must equal the product of
        ``image_shape``.

    image_shape : tuple of two int
        Shape ``(height, width)`` of each image, such as ``(8, 8)`` for the digits
        data or ``(28, 28)`` for MNIST.

    titles : list of str, default=None
        Title of each panel; none when None.

    Attributes
    ----------
    figure_ : matplotlib Figure
        Figure containing the panels.

    axes_ : ndarray of matplotlib Axes of shape (n_rows, n_cols)
        The grid of axes; those past the last panel are hidden.

    images_ : list of matplotlib AxesImage
        One image per panel, in the order of the rows of ``weights``.

    colorbar_ : matplotlib Colorbar or None
        The shared colour bar; None when drawn without one.

    See Also
    --------
    TrainingCurveDisplay : Loss and accuracy against the epoch.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import scale
    >>> from sknn import SoftmaxGD
    >>> from sknn.plotting import WeightImageDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> model = SoftmaxGD(alpha=1e-3, random_state=0).fit(scale(X), y)
    >>> display = WeightImageDisplay.from_estimator(model, image_shape=(8, 8))
    >>> len(display.images_), display.axes_.shape
    (10, (2, 5))
    >>> vmin, vmax = display.images_[0].get_clim()
    >>> vmin == -vmax
    True
    """

    def __init__(self, weights, image_shape, *, titles=None):
        self.weights = weights
        self.image_shape = image_shape
        self.titles = titles

    @classmethod
    def from_estimator(
        cls, estimator, *, image_shape, max_panels=None, ncols=None, cmap="RdBu_r", figure=None
    ):
        """Draw the weights of a fitted sknn estimator as images.

        For a linear model (:class:`~sknn.LogisticRegressionGD`,
        :class:`~sknn.SoftmaxGD`) each row of ``coef_`` is one panel, titled by its
        class; a binary LogisticRegressionGD has a single sigmoid unit, whose
        panel is titled ``"<positive class> vs <negative class>"``. For
        :class:`~sknn.MLPClassifierGD` each column of ``coefs_[0]`` (the weights
        into one unit of the first hidden layer) is one panel.

        Parameters
        ----------
        estimator : fitted sknn estimator or Pipeline ending in one
            The estimator whose weights are drawn.

        image_shape : tuple of two int
            Shape ``(height, width)`` of each image; its product must equal
            ``n_features_in_``.

        max_panels : int >= 1, default=None
            Draw only the first ``max_panels`` units; all when None.

        ncols : int >= 1, default=None
            Number of columns of the grid; see :meth:`plot`.

        cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colour map.

        figure : matplotlib Figure, default=None
            Figure to draw into; a new one when None.

        Returns
        -------
        display : WeightImageDisplay
            The display, with the artists in ``figure_``, ``axes_``, ``images_``
            and ``colorbar_``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.preprocessing import scale
        >>> from sknn import MLPClassifierGD
        >>> from sknn.plotting import WeightImageDisplay
        >>> X, y = load_digits(return_X_y=True)
        >>> mlp = MLPClassifierGD((32,), early_stopping=True, random_state=0).fit(scale(X), y)
        >>> display = WeightImageDisplay.from_estimator(mlp, image_shape=(8, 8), max_panels=16)
        >>> len(display.images_), display.axes_[0, 0].get_title()
        (16, 'unit 0')
        """
        check_matplotlib(f"{cls.__name__}.from_estimator")
        estimator = final_estimator(estimator)
        if hasattr(estimator, "coefs_"):
            check_is_fitted(estimator)
            weights = np.asarray(estimator.coefs_[0]).T  # (n_hidden, n_features)
            titles = [f"unit {unit}" for unit in range(weights.shape[0])]
        elif hasattr(estimator, "coef_"):
            check_is_fitted(estimator)
            weights = np.asarray(estimator.coef_)  # (n_units, n_features)
            classes = estimator.classes_
            if weights.shape[0] == len(classes):
                titles = [str(label) for label in classes]
            else:  # one sigmoid unit: the probability of classes[1]
                titles = [f"{classes[1]} vs {classes[0]}"]
        else:
            check_is_fitted(estimator)
            raise TypeError(
                f"{type(estimator).__name__} has neither coef_ nor coefs_: "
                "WeightImageDisplay draws the weights of sknn's estimators."
            )
        check_count(max_panels, "max_panels", none_means="to draw every unit")
        if max_panels is not None:
            weights, titles = weights[:max_panels], titles[:max_panels]
        display = cls(weights, image_shape, titles=titles)
        return display.plot(ncols=ncols, cmap=cmap, figure=figure)

    def plot(self, *, ncols=None, cmap="RdBu_r", figure=None, colorbar=True):
        """Draw one image per row of ``weights``, on a grid.

        Parameters
        ----------
        ncols : int >= 1, default=None
            Number of columns of the grid (at most ``n_panels`` are used). When
            None, ``n_panels`` up to 5 panels, else the larger of 5 and
            ``ceil(sqrt(n_panels))``.

        cmap : str or matplotlib Colormap, default="RdBu_r"
            A diverging colour map.

        figure : matplotlib Figure, default=None
            Figure to draw into; a new one when None.

        colorbar : bool, default=True
            Whether to draw the shared colour bar.

        Returns
        -------
        display : WeightImageDisplay
            This display, with the artists in ``figure_``, ``axes_``, ``images_``
            and ``colorbar_``.
        """
        check_matplotlib(f"{type(self).__name__}.plot")
        check_count(ncols, "ncols", none_means="to choose it from the number of panels")
        weights = np.asarray(self.weights, dtype=float)
        if weights.ndim != 2:
            raise ValueError(
                f"weights must have shape (n_panels, n_pixels); got shape {weights.shape}."
            )
        if weights.shape[0] == 0:
            raise ValueError(
                f"weights has no rows (shape {weights.shape}), so there is no panel to "
                "draw; give at least one row, of shape (n_panels, n_pixels)."
            )
        image_shape = _check_image_shape(self.image_shape)
        n_panels, n_pixels = weights.shape
        if math.prod(image_shape) != n_pixels:
            raise ValueError(
                f"image_shape={image_shape} has {math.prod(image_shape)} pixels, but each "
                f"unit has {n_pixels} weights."
            )
        if self.titles is not None and len(self.titles) != n_panels:
            raise ValueError(f"{len(self.titles)} titles were given for {n_panels} panels.")
        if ncols is None:
            ncols = n_panels if n_panels <= 5 else max(5, math.ceil(math.sqrt(n_panels)))
        ncols = min(ncols, n_panels)
        nrows = math.ceil(n_panels / ncols)

        if figure is None:
            import matplotlib.pyplot as plt

            figure = plt.figure(figsize=(1.6 * ncols + 1.2, 1.7 * nrows))
        axes = figure.subplots(nrows, ncols, squeeze=False)
        # One symmetric scale for every panel: zero is the neutral colour everywhere.
        vmax = float(np.abs(weights).max()) if weights.size else 0.0
        vmax = vmax if vmax > 0 else 1.0
        self.images_ = []
        for panel, ax in enumerate(axes.ravel()):
            ax.set_xticks([])
            ax.set_yticks([])
            if panel >= n_panels:
                ax.set_visible(False)
                continue
            image = ax.imshow(
                weights[panel].reshape(image_shape),
                cmap=cmap,
                vmin=-vmax,
                vmax=vmax,
                interpolation="nearest",
            )
            if self.titles is not None:
                ax.set_title(self.titles[panel], fontsize="small")
            self.images_.append(image)
        self.colorbar_ = None
        if colorbar and self.images_:
            self.colorbar_ = figure.colorbar(self.images_[0], ax=axes.ravel().tolist(), shrink=0.8)
        self.figure_ = figure
        self.axes_ = axes
        return self


def _check_image_shape(image_shape):
    """``image_shape`` as a tuple (height, width) of Python ints; raise if it is not one."""
    expected = (
        "image_shape must be a tuple of two positive integers (height, width), such as "
        "(8, 8) for the digits or (28, 28) for MNIST"
    )
    sizes = image_shape
    if isinstance(sizes, np.ndarray) and sizes.ndim == 1:
        sizes = sizes.tolist()
    if not isinstance(sizes, (tuple, list)) or not all(
        isinstance(size, numbers.Integral) and not isinstance(size, bool) for size in sizes
    ):
        raise TypeError(f"{expected}; got {image_shape!r}.")
    if len(sizes) != 2 or min(sizes) < 1:
        raise ValueError(f"{expected}; got {image_shape!r}.")
    return tuple(int(size) for size in sizes)
