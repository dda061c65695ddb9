"""Hidden-layer activations, each defined once beside its derivative.

Every activation overwrites its argument: ``forward(Z)`` turns the pre-activation
``Z`` into the activation ``A = f(Z)`` in place, and ``derivative(A, delta)``
multiplies ``delta`` in place by ``f'(Z)``, written in terms of the stored output
``A``. Working in place saves one array allocation per layer and training step;
expressing ``f'`` through ``A`` means the pre-activation need not be kept.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit

#: The "improved sigmoid" of LeCun et al., 1.7159 * tanh(2x / 3): f(1) = 1, f(-1) = -1.
LECUN_TANH_SCALE = 1.7159
LECUN_TANH_SLOPE = 2.0 / 3.0


class Activation(NamedTuple):
    """An activation function and its derivative, both in place."""

    forward: Callable[[np.ndarray], None]
    derivative: Callable[[np.ndarray, np.ndarray], None]


def identity(Z):
    """f(z) = z."""


def identity_derivative(A, delta):
    """f'(z) = 1: delta is unchanged."""


def sigmoid(Z):
    """f(z) = 1 / (1 + exp(-z)), computed without overflow."""
    expit(Z, out=Z)


def sigmoid_derivative(A, delta):
    """f'(z) = f(z) (1 - f(z)) = A (1 - A)."""
    delta *= A
    delta *= 1 - A


def tanh(Z):
    """f(z) = tanh(z)."""
    np.tanh(Z, out=Z)


def tanh_derivative(A, delta):
    """f'(z) = 1 - tanh(z)^2 = 1 - A^2."""
    delta *= 1 - A * A


def lecun_tanh(Z):
    """f(z) = 1.7159 tanh(2z/3), the "improved sigmoid"."""
    Z *= LECUN_TANH_SLOPE
    np.tanh(Z, out=Z)
    Z *= LECUN_TANH_SCALE


def lecun_tanh_derivative(A, delta):
    """f'(z) = 1.7159 (2/3) (1 - tanh(2z/3)^2) = (2/3) (1.7159 - A^2 / 1.7159)."""
    delta *= LECUN_TANH_SLOPE * (LECUN_TANH_SCALE - A * A / LECUN_TANH_SCALE)


def relu(Z):
    """f(z) = max(z, 0)."""
    np.maximum(Z, 0, out=Z)


def relu_derivative(A, delta):
    """f'(z) = 1 where z > 0 (equivalently A > 0), else 0."""
    # Multiplying by the 0/1 mask is several times faster than `delta[A <= 0] = 0`.
    np.multiply(delta, A > 0, out=delta)


ACTIVATIONS = {
    "identity": Activation(identity, identity_derivative),
    "sigmoid": Activation(sigmoid, sigmoid_derivative),
    "tanh": Activation(tanh, tanh_derivative),
    "lecun_tanh": Activation(lecun_tanh, lecun_tanh_derivative),
    "relu": Activation(relu, relu_derivative),
}
