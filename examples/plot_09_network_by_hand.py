"""
===============================================================
A network by hand: its loss and every gradient, checked
===============================================================

Textbooks work backpropagation through a tiny network with chosen weights: two
inputs, three sigmoid hidden units, two softmax outputs. This example builds that
network in sknn, asks :func:`sknn.utils.objective_and_gradients` for the objective

.. math::

    J = -\\frac{1}{N} \\sum_i \\log \\hat y_{i, y_i} + \\alpha \\sum_j \\|W_j\\|^2

and the gradient of every weight and intercept, computes the same numbers by hand
with the formulas of the user guide, and compares both with central finite
differences.
"""

# %%
# The network and its data
# ------------------------
# Weights are given as the fitted attributes of an :class:`~sknn.MLPClassifierGD`
# would hold them: ``coefs_[j]`` of shape (fan_in, fan_out), ``intercepts_[j]``.
import matplotlib.pyplot as plt
import numpy as np

from sknn import MLPClassifierGD
from sknn.utils import objective_and_gradients

W1 = np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
b1 = np.array([0.01, 0.02, -0.03])
W2 = np.array([[0.7, -0.8], [-0.9, 1.0], [0.2, 0.3]])
b2 = np.array([0.05, -0.05])
parameters = {"coefs_": [W1, W2], "intercepts_": [b1, b2]}
X = np.array([[1.0, -1.0], [0.5, 2.0]])
y = np.array([0, 1])
alpha = 0.1

network = MLPClassifierGD(hidden_layer_sizes=(3,), activation="logistic", alpha=alpha)
J, gradients = objective_and_gradients(network, X, y, parameters=parameters)
print(f"J = {J:.6f}")
for name, gradient in gradients.items():
    print(f"dJ/d{name} =\n{np.round(gradient, 6)}")

# %%
# The same by hand
# ----------------
# Forward: :math:`a_1 = \sigma(X W_1 + b_1)`, :math:`\hat Y = \mathrm{softmax}(a_1 W_2 + b_2)`.
# Backward: :math:`\delta_2 = (\hat Y - Y) / N`,
# :math:`\delta_1 = a_1 (1 - a_1) \odot (\delta_2 W_2^\top)`, and
# :math:`\partial J / \partial W_j = a_{j-1}^\top \delta_j + 2 \alpha W_j`.
N, Y = len(y), np.eye(2)[y]
A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
Z2 = A1 @ W2 + b2
P = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
J_by_hand = -np.mean(np.log(P[np.arange(N), y])) + alpha * ((W1**2).sum() + (W2**2).sum())
delta2 = (P - Y) / N
delta1 = A1 * (1 - A1) * (delta2 @ W2.T)
by_hand = {
    "coefs_[0]": X.T @ delta1 + 2 * alpha * W1,
    "coefs_[1]": A1.T @ delta2 + 2 * alpha * W2,
    "intercepts_[0]": delta1.sum(axis=0),
    "intercepts_[1]": delta2.sum(axis=0),
}
print(f"J by hand = {J_by_hand:.6f}")
for name in gradients:
    difference = np.abs(gradients[name] - by_hand[name]).max()
    print(f"{name:15}: largest difference from the hand computation {difference:.1e}")

# %%
# Central finite differences
# --------------------------
# Each parameter moved by :math:`\pm\epsilon`, the objective evaluated again:
# :math:`(J(\theta + \epsilon e_i) - J(\theta - \epsilon e_i)) / 2\epsilon`.
epsilon = 1e-6


def objective_at(values):
    return objective_and_gradients(network, X, y, parameters=values)[0]


numeric = {}
for name, gradient in gradients.items():
    attribute, index = name[:-3], int(name[-2])
    numeric[name] = np.empty_like(gradient)
    for position in np.ndindex(gradient.shape):
        shifted = {key: [array.copy() for array in arrays] for key, arrays in parameters.items()}
        shifted[attribute][index][position] += epsilon
        plus = objective_at(shifted)
        shifted[attribute][index][position] -= 2 * epsilon
        numeric[name][position] = (plus - objective_at(shifted)) / (2 * epsilon)

analytic = np.concatenate([gradients[name].ravel() for name in gradients])
finite = np.concatenate([numeric[name].ravel() for name in gradients])
print(f"largest difference from finite differences: {np.abs(analytic - finite).max():.1e}")

fig, ax = plt.subplots(figsize=(5, 4.5))
ax.axline((0, 0), slope=1, color="0.8", zorder=0)
ax.scatter(finite, analytic)
ax.set_xlabel("finite differences")
ax.set_ylabel("sknn's backpropagation")
ax.set_title("Every gradient of the 2-3-2 network")
fig.tight_layout()
plt.show()
