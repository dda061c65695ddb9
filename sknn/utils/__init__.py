"""Public helpers: gradient checking and estimator discovery."""

from ._discovery import all_estimators
from ._gradient_check import check_gradients

__all__ = ["all_estimators", "check_gradients"]
