"""Public helpers: the objective and its gradients, activations, estimator discovery."""

from .._activations import register_activation
from ._discovery import all_estimators
from ._gradient_check import check_gradients, objective_and_gradients

__all__ = ["all_estimators", "check_gradients", "objective_and_gradients", "register_activation"]
