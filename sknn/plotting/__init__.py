"""Displays that show how an sknn estimator trained, following scikit-learn's Display API.

Each display computes what it draws in ``from_estimator`` and draws it in ``plot``,
which returns the display with the matplotlib artists stored in attributes ending
in ``_``. matplotlib is imported only when something is drawn; install it with
``pip install "sknn[plot]"``.

scikit-learn's own displays work with sknn's estimators unchanged:
:class:`~sklearn.model_selection.ValidationCurveDisplay` (accuracy against ``alpha``),
:class:`~sklearn.model_selection.LearningCurveDisplay` and
:class:`~sklearn.metrics.ConfusionMatrixDisplay`.
"""

from ._training_curve import TrainingCurveDisplay
from ._weight_image import WeightImageDisplay

__all__ = ["TrainingCurveDisplay", "WeightImageDisplay"]
