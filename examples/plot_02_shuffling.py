"""
==========================================
Shuffling against no shuffling
==========================================

Stochastic gradient descent assumes that each mini-batch is a fair sample of the
data. Data often arrive sorted, here by class: without shuffling, every
mini-batch then holds a single digit, and each step drags the model towards that
digit and away from the ones seen before. With ``shuffle=True`` (the default) sknn
draws a new permutation of the samples every epoch, so every batch mixes the
classes.

We train a small :class:`~sknn.MLPClassifierGD` (32 hidden units) one epoch at a time with ``partial_fit`` on
training data sorted by class, and measure the loss and accuracy on a held-out
validation set after every epoch.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
by_class = np.argsort(y_train, kind="stable")  # the data arrive sorted by class
X_train, y_train = X_train[by_class], y_train[by_class]
classes = np.unique(y)

# %%
# One model per setting, the same in all else; one ``partial_fit`` call is one epoch.
n_epochs = 30
curves = {}
for shuffle in (True, False):
    model = MLPClassifierGD(
        (32,), shuffle=shuffle, batch_size=20, learning_rate_init=0.05, random_state=0
    )
    history = {"training loss": [], "validation loss": [], "validation accuracy": []}
    for _ in range(n_epochs):
        model.partial_fit(X_train, y_train, classes=classes)
        history["training loss"].append(model.loss_curve_[-1])
        history["validation loss"].append(log_loss(y_val, model.predict_proba(X_val)))
        history["validation accuracy"].append(model.score(X_val, y_val))
    curves[shuffle] = history
    print(
        f"shuffle={shuffle!s:5}: after {n_epochs} epochs validation loss "
        f"{history['validation loss'][-1]:.3f}, validation accuracy "
        f"{history['validation accuracy'][-1]:.3f} (best {max(history['validation accuracy']):.3f})"
    )

# %%
# The validation error rate of the two models, epoch by epoch.
epochs = np.arange(1, n_epochs + 1)
fig, ax = plt.subplots(figsize=(7, 4.5))
for shuffle in (True, False):
    error_rate = 1 - np.array(curves[shuffle]["validation accuracy"])
    ax.plot(epochs, error_rate, label=f"shuffle={shuffle}")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("validation error rate")
ax.set_title("MLPClassifierGD on digits sorted by class")
ax.legend()
fig.tight_layout()
# sphinx_gallery_thumbnail_number = 1

# %%
# Side by side: the loss curves and the validation error rate. Without shuffling
# the last batches of every epoch are all nines, so the model ends each epoch
# pulled towards the last classes it saw, and the validation curves show it.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, shuffle in zip(axes, (True, False)):
    history = curves[shuffle]
    ax.plot(epochs, history["training loss"], label="training loss")
    ax.plot(epochs, history["validation loss"], "--", label="validation loss")
    ax.plot(epochs, 1 - np.array(history["validation accuracy"]), ":", label="validation error")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title(f"shuffle={shuffle}")
    ax.legend()
axes[0].set_ylabel("loss / error rate")
fig.suptitle("MLPClassifierGD on digits sorted by class")
fig.tight_layout()
plt.show()
