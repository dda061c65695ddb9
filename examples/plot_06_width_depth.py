"""
======================================================
Width and depth
======================================================

How many hidden units, and how many layers? On the digits we compare
:class:`~sknn.MLPClassifierGD` with

- one hidden layer of 32, 64 and 128 units;
- two hidden layers with about as many parameters as the 64-unit network;
- ten hidden layers of sigmoid units, where the gradient *vanishes*: each layer
  of backpropagation multiplies the error by :math:`\\sigma'(z) \\le 1/4`, so the
  first layers hardly learn. The same ten layers with the improved sigmoid
  :math:`1.7159 \\tanh(2x/3)`, whose slope at the origin is about 1.14, pass the
  gradient on.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD
from sknn.plotting import TrainingCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
n_features, n_classes = X.shape[1], len(np.unique(y))


def n_parameters(hidden):
    """Weights and intercepts of a network with these hidden layers."""
    units = [n_features, *hidden, n_classes]
    return sum(fan_in * fan_out + fan_out for fan_in, fan_out in zip(units[:-1], units[1:]))


# Two equal hidden layers with the parameter count closest to one layer of 64.
target = n_parameters((64,))
width = min(range(1, 100), key=lambda h: abs(n_parameters((h, h)) - target))
architectures = {
    "32": dict(hidden_layer_sizes=(32,)),
    "64": dict(hidden_layer_sizes=(64,)),
    "128": dict(hidden_layer_sizes=(128,)),
    f"{width}-{width}": dict(hidden_layer_sizes=(width, width)),
    "10 x 32 sigmoid": dict(hidden_layer_sizes=(32,) * 10, activation="sigmoid"),
    "10 x 32 lecun_tanh": dict(hidden_layer_sizes=(32,) * 10, activation="lecun_tanh"),
}

# %%
# Training: the same step size, batches and number of epochs for all.
models = {}
print(f"{'hidden layers':>20} {'parameters':>10} {'final loss':>10} {'test accuracy':>13}")
for name, architecture in architectures.items():
    model = MLPClassifierGD(
        **architecture, learning_rate_init=0.02, batch_size=32, max_iter=40, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs
        models[name] = model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    print(f"{name:>20} {model.n_parameters_:>10} {model.loss_:>10.4f} {accuracy:>13.4f}")

# %%
# Vanishing gradients, measured: with momentum 0, no penalty and one batch of all
# the data, a ``partial_fit`` step moves the weights by exactly
# ``-learning_rate_init`` times the gradient, so the difference between two
# consecutive steps gives the gradient of each layer at the start of training.
eta = 0.01
gradient_norms = {}
for activation in ("sigmoid", "lecun_tanh"):
    probe = MLPClassifierGD(
        (32,) * 10,
        activation=activation,
        alpha=0.0,
        momentum=0.0,
        batch_size=len(X_train),
        learning_rate_init=eta,
        random_state=0,
    )
    probe.partial_fit(X_train, y_train, classes=np.unique(y))
    before = [W.copy() for W in probe.coefs_]
    probe.partial_fit(X_train, y_train)
    gradient_norms[activation] = [
        np.linalg.norm(W - W_before) / eta for W, W_before in zip(probe.coefs_, before)
    ]
    norms = gradient_norms[activation]
    print(
        f"{activation:>10}: gradient norm of layer 1 {norms[0]:.2e}, of layer 11 "
        f"{norms[-1]:.2e}, ratio {norms[0] / norms[-1]:.1e}"
    )

# %%
# First, the loss curves of the shallow networks; second, ten sigmoid layers
# against ten improved-sigmoid layers; third, the norm of the gradient of each
# layer's weights, from the input (layer 1) to the output (layer 11), on a log
# scale: with the sigmoid it shrinks by orders of magnitude towards the input.
fig_width, ax_width = plt.subplots(figsize=(7, 4.5))
fig_depth, ax_depth = plt.subplots(figsize=(7, 4.5))
fig_gradient, ax_gradient = plt.subplots(figsize=(7, 4.5))
for name in ("32", "64", "128", f"{width}-{width}"):
    TrainingCurveDisplay.from_estimator(models[name], ax=ax_width, name=name)
for name in ("10 x 32 sigmoid", "10 x 32 lecun_tanh"):
    TrainingCurveDisplay.from_estimator(models[name], ax=ax_depth, name=name)
for ax in (ax_width, ax_depth):
    ax.set_yscale("log")
ax_width.set_title("Width, and two layers")
ax_depth.set_title("Ten hidden layers")
for activation, norms in gradient_norms.items():
    ax_gradient.semilogy(np.arange(1, len(norms) + 1), norms, "o-", label=activation)
ax_gradient.set_xlabel("layer (1 = input side)")
ax_gradient.set_ylabel("norm of dJ/dW at the start")
ax_gradient.set_title("Gradient per layer")
ax_gradient.legend()
for fig in (fig_width, fig_depth, fig_gradient):
    fig.tight_layout()
plt.show()
# sphinx_gallery_thumbnail_number = 3
