"""
=====================================================
Gradient checking: verifying a new activation
=====================================================

Every gradient in sknn is derived by hand, so every one is checked against an
independent computation: central finite differences,

.. math::

    \\frac{\\partial J}{\\partial \\theta_i} \\approx
    \\frac{J(\\theta + \\epsilon e_i) - J(\\theta - \\epsilon e_i)}{2 \\epsilon}.

:func:`sknn.utils.check_gradients` does this for every parameter of an estimator
and returns, per parameter array, the largest error relative to the size of the
gradient: around 1e-6 or below when the derivation and the code agree, of order 1
when a formula is wrong.

This example checks the built-in activations, then shows how to verify a new one,
the softplus :math:`f(z) = \\log(1 + e^z)`, before using it, and what a wrong
derivative looks like.
"""

# %%
# The built-in activations
# ------------------------
# A small network on a few digits keeps the check fast: it evaluates the
# objective twice per parameter.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn.utils import check_gradients, register_activation

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)[:30]
y = y[:30]

# The linear models start from zero weights, where the L2 term's gradient
# :math:`2 \alpha W` vanishes too; they are checked after one epoch of training
# (``partial_fit``), as a fitted estimator is checked at its current parameters.
largest_error = {}
for name, estimator in [
    ("LogisticRegressionGD", LogisticRegressionGD(alpha=0.1)),
    ("SoftmaxGD", SoftmaxGD(alpha=0.1)),
]:
    estimator.partial_fit(X, y, classes=np.unique(y))
    largest_error[name] = max(check_gradients(estimator, X, y).values())
for activation in ("identity", "logistic", "tanh", "lecun_tanh", "relu"):
    mlp = MLPClassifierGD((6, 5), activation=activation, alpha=0.1, random_state=0)
    largest_error[f"MLP {activation}"] = max(check_gradients(mlp, X, y).values())
for name, error in largest_error.items():
    print(f"{name:22}: largest relative error {error:.1e}")

# %%
# A new activation: the softplus
# ------------------------------
# An activation is a pair of in-place functions, registered by name with
# :func:`sknn.utils.register_activation`: ``forward(Z)`` overwrites the
# pre-activation ``Z`` with ``A = f(Z)``, and ``derivative(A, delta)`` multiplies
# ``delta`` by :math:`f'(z)`, written in terms of the output ``A`` (the
# pre-activation is not kept). For the softplus, :math:`e^{a} = 1 + e^{z}`, so
#
# .. math::
#
#     f'(z) = \sigma(z) = \frac{e^z}{1 + e^z} = 1 - e^{-a}.


def softplus(Z):
    """f(z) = log(1 + exp(z)), without overflow."""
    np.logaddexp(0, Z, out=Z)


def softplus_derivative(A, delta):
    """f'(z) = sigmoid(z) = 1 - exp(-A)."""
    delta *= -np.expm1(-A)


register_activation("softplus", softplus, softplus_derivative)

# %%
# Once registered, the name is a valid ``activation``: check the new gradient
# before training with it.
errors = check_gradients(
    MLPClassifierGD((6, 5), activation="softplus", alpha=0.1, random_state=0), X, y
)
for parameter, error in errors.items():
    print(f"softplus, {parameter:15}: {error:.1e}")
largest_error["MLP softplus"] = max(errors.values())

# %%
# A wrong derivative
# ------------------
# A classic slip: writing the derivative in terms of the pre-activation when the
# code passes the output, here ``sigmoid(A)`` instead of ``sigmoid(z)``. The
# checker catches it at once.


def softplus_wrong_derivative(A, delta):
    """Wrong: sigmoid of the output A, not of the pre-activation z."""
    delta /= 1 + np.exp(-A)


register_activation("softplus_wrong", softplus, softplus_wrong_derivative)
errors = check_gradients(
    MLPClassifierGD((6, 5), activation="softplus_wrong", alpha=0.1, random_state=0), X, y
)
for parameter, error in errors.items():
    print(f"wrong softplus derivative, {parameter:15}: {error:.1e}")
largest_error["MLP softplus, wrong f'"] = max(errors.values())

# %%
# Only the gradients of the layers below a hidden layer are wrong (the output
# layer's gradient does not involve :math:`f'`), and by orders of magnitude more
# than the finite-difference error. On a log scale:
fig, ax = plt.subplots(figsize=(8, 4.5))
names = list(largest_error)
values = [largest_error[name] for name in names]
colors = ["tab:red" if "wrong" in name else "tab:blue" for name in names]
ax.barh(names, values, color=colors)
ax.set_xscale("log")
ax.set_xlabel("largest relative error of the gradient")
ax.invert_yaxis()
ax.set_title("check_gradients: analytic against finite differences")
fig.tight_layout()
plt.show()
# sphinx_gallery_thumbnail_number = 1
