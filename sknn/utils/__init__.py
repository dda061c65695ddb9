"""Public helpers: the objective and its gradients, activations, conversion, discovery."""

from .._activations import register_activation
from ._conversion import estimator_to_numpy
from ._discovery import all_estimators
from ._gradient_check import check_gradients, objective_and_gradients

__all__ = [
    "all_estimators",
    "check_gradients",
    "estimator_to_numpy",
    "objective_and_gradients",
    "register_activation",
]
