"""
===========================================================
Binary logistic regression: digits 2 against 3
===========================================================

A single sigmoid unit, :class:`~sknn.LogisticRegressionGD`, learns to tell the
handwritten digit 2 from the digit 3. Training records the loss and the accuracy
of every epoch; early stopping holds out a fifth of the training data, stops when
its loss has not improved for ``n_iter_no_change`` epochs and restores the
parameters of the best epoch.
"""

# %%
# The data: only the images of 2 and 3, scaled to zero mean and unit variance.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import LogisticRegressionGD
from sknn.plotting import TrainingCurveDisplay

X, y = load_digits(return_X_y=True)
two_or_three = (y == 2) | (y == 3)
X, y = X[two_or_three], y[two_or_three]
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
print(f"{len(y_train)} training and {len(y_test)} test images")

# %%
# Training with early stopping; ``monitor="train_score"`` also records the
# training accuracy of every epoch.
model = LogisticRegressionGD(
    learning_rate_init=0.05,
    batch_size=20,
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
# The curves: the dotted line marks the epoch of least validation loss, whose
# parameters the fitted model keeps. Training stops once the validation loss has
# failed to improve by more than ``tol`` for more than ``n_iter_no_change`` epochs
# in a row: when it has started to rise (overfitting), the restored epoch lies
# before the last; when it merely creeps down by less than ``tol`` per epoch, as
# two well-separated digits may allow, the two coincide. The training loss
# includes the L2 term, the validation loss does not.
fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(11, 4))
TrainingCurveDisplay.from_estimator(model, kind="loss", ax=ax_loss, name="")
TrainingCurveDisplay.from_estimator(model, kind="accuracy", ax=ax_accuracy, name="")
ax_loss.set_yscale("log")
ax_loss.set_title("Cross-entropy")
ax_accuracy.set_title("Accuracy")
fig.suptitle("LogisticRegressionGD, digits 2 vs 3")
fig.tight_layout()
plt.show()
