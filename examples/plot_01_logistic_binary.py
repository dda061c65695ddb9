"""
===========================================================
Binary logistic regression: odd against even digits
===========================================================

A single sigmoid unit, :class:`~sknn.LogisticRegressionGD`, learns to tell the
odd handwritten digits from the even ones. No straight cut through the 64 pixel
values separates the two classes (the same model tells any two single digits
apart, 2 from 3 say, on about 95 % or more of held-out images, which leaves the curves
nothing to show), so the model keeps making mistakes and can overfit. Training records the loss and the
accuracy of every epoch; early stopping holds out a fifth of the training data,
stops when its loss has not improved for more than ``n_iter_no_change`` epochs and restores
the parameters of the best epoch.
"""

# %%
# The data: all the digits, labelled 1 when odd and 0 when even, scaled to zero
# mean and unit variance.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD
from sknn.plotting import TrainingCurveDisplay

X, digit = load_digits(return_X_y=True)
y = digit % 2
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
print(f"{len(y_train)} training and {len(y_test)} test images")

# %%
# Training with early stopping; ``monitor="train_score"`` also records the
# training accuracy of every epoch.
model = LogisticRegressionGD(
    learning_rate_init=0.01,
    batch_size=50,
    early_stopping=True,
    validation_fraction=0.2,
    n_iter_no_change=10,
    max_iter=300,
    monitor="train_score",
    random_state=0,
)
model.fit(X_train, y_train)

best_epoch = int(np.argmin(model.validation_loss_curve_)) + 1
print(f"epochs run: {model.n_iter_}")
print(f"early stopping kept epoch {best_epoch}: validation loss {model.best_validation_loss_:.4f}")
print(f"validation accuracy at that epoch: {model.validation_scores_[best_epoch - 1]:.4f}")
print(f"test accuracy: {model.score(X_test, y_test):.4f}")

# %%
# The loss curves: the dotted line marks the epoch of least validation loss, whose
# parameters the fitted model keeps. The validation loss levels off above the
# training loss: the gap is what the model has learned about its own training
# images that does not carry over to new ones. Training stops once the validation
# loss has failed to improve by more than ``tol`` for more than
# ``n_iter_no_change`` epochs in a row, so the restored epoch lies before the last.
# The training loss includes the L2 term, the validation loss does not.
fig, ax = plt.subplots(figsize=(7, 4.5))
TrainingCurveDisplay.from_estimator(model, kind="loss", ax=ax, name="")
ax.set_title("LogisticRegressionGD, odd against even digits: cross-entropy")
fig.tight_layout()

# %%
# The accuracy of the same epochs: well below 1 on both sets, since no linear
# model separates these classes.
fig, ax = plt.subplots(figsize=(7, 4.5))
TrainingCurveDisplay.from_estimator(model, kind="accuracy", ax=ax, name="")
ax.set_title("Accuracy")
fig.tight_layout()
plt.show()

# sphinx_gallery_thumbnail_number = 1
