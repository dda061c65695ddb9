"""
==============================================================
Softmax regression on the ten digits, without and with L2
==============================================================

:class:`~sknn.SoftmaxGD` has one output unit per digit; the weights into unit
:math:`k` form an 8 x 8 image, a template that the image of a :math:`k` should
match. We train it twice, without a penalty and with a strong L2 penalty
:math:`\\alpha \\|W\\|^2`, compare the learning curves, and look at the weights
as images: the penalty (weight decay) shrinks every weight, about by half here,
while the templates keep their pattern.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import SoftmaxGD
from sknn.plotting import TrainingCurveDisplay, WeightImageDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# Two models that differ only in ``alpha``.
models = {}
for alpha in (0.0, 1e-2):
    model = SoftmaxGD(
        alpha=alpha,
        batch_size=50,
        learning_rate_init=0.01,
        early_stopping=True,
        monitor="train_score",
        max_iter=200,
        random_state=0,
    )
    models[alpha] = model.fit(X_train, y_train)
    print(
        f"alpha={alpha:g}: {model.n_iter_} epochs, "
        f"test accuracy {model.score(X_test, y_test):.4f}, "
        f"||W||^2 = {np.sum(model.coef_**2):.2f}"
    )

# %%
# Learning curves: loss (left) and accuracy (right) of both models.
fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(12, 4.5))
for alpha, model in models.items():
    name = f"alpha={alpha:g}"
    TrainingCurveDisplay.from_estimator(model, kind="loss", ax=ax_loss, name=name)
    TrainingCurveDisplay.from_estimator(model, kind="accuracy", ax=ax_accuracy, name=name)
ax_loss.set_yscale("log")
ax_loss.legend(fontsize="small")
ax_accuracy.legend(fontsize="small")
fig.tight_layout()

# %%
# The weights without a penalty: every pixel's weight, on one colour scale
# shared by the ten panels (red pushes the unit's logit up, blue down).
display = WeightImageDisplay.from_estimator(models[0.0], image_shape=(8, 8))
_ = display.figure_.suptitle("SoftmaxGD weights, alpha=0")

# %%
# With the L2 penalty the weights are smaller, and nearly proportional to those
# without it: each figure has its own colour scale, so the templates look alike
# (the code below prints how much smaller, and how alike, the two sets are).
weights_0, weights_2 = models[0.0].coef_, models[1e-2].coef_
print(
    f"norm with alpha=0.01 / without: {np.linalg.norm(weights_2) / np.linalg.norm(weights_0):.3f}"
)
print(
    f"correlation of the two sets of weights: {np.corrcoef(weights_0.ravel(), weights_2.ravel())[0, 1]:.3f}"
)
display = WeightImageDisplay.from_estimator(models[1e-2], image_shape=(8, 8))
_ = display.figure_.suptitle("SoftmaxGD weights, alpha=0.01")
plt.show()
# sphinx_gallery_thumbnail_number = 3
