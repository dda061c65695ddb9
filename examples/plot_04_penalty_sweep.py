"""
=========================================
The penalty sweep: accuracy against alpha
=========================================

How strong should the L2 penalty :math:`\\alpha \\|W\\|^2` be? We sweep ``alpha``
over five orders of magnitude (1e-5 to 1) for :class:`~sknn.SoftmaxGD` on the digits and draw

- the training and cross-validated accuracy against ``alpha`` with scikit-learn's
  :class:`~sklearn.model_selection.ValidationCurveDisplay`: too small a penalty
  overfits a little, too large a one underfits badly;
- the squared L2 norm of the fitted weights against ``alpha``: weight decay
  shrinks the weights as ``alpha`` grows.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import ValidationCurveDisplay
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import SoftmaxGD

X, y = load_digits(return_X_y=True)
alphas = np.logspace(-5, 0, 6)
model = make_pipeline(
    StandardScaler(),
    SoftmaxGD(batch_size=50, learning_rate_init=0.05, early_stopping=True, random_state=0),
)

# %%
# Accuracy against ``alpha``, 3-fold cross-validation.
fig, ax_score = plt.subplots(figsize=(6.5, 4.5))
curve = ValidationCurveDisplay.from_estimator(
    model,
    X,
    y,
    param_name="softmaxgd__alpha",
    param_range=alphas,
    cv=3,
    scoring="accuracy",
    score_name="accuracy",
    ax=ax_score,
)
ax_score.set_title("Accuracy against alpha")
# sphinx_gallery_thumbnail_number = 1
ax_score.set_xlabel("alpha")
validation = curve.test_scores.mean(axis=1)
for alpha, train, test in zip(alphas, curve.train_scores.mean(axis=1), validation):
    print(f"alpha={alpha:8.0e}: training accuracy {train:.4f}, validation accuracy {test:.4f}")
print(f"best alpha by validation accuracy: {alphas[np.argmax(validation)]:g}")

# %%
# The squared norm of the weights of a model fitted on all the data, per ``alpha``.
squared_norms = []
for alpha in alphas:
    model.set_params(softmaxgd__alpha=alpha).fit(X, y)
    squared_norms.append(np.sum(model[-1].coef_ ** 2))
    print(f"alpha={alpha:8.0e}: ||W||^2 = {squared_norms[-1]:.3f}")
fig, ax_norm = plt.subplots(figsize=(6.5, 4.5))
ax_norm.loglog(alphas, squared_norms, "o-")
ax_norm.set_xlabel("alpha")
ax_norm.set_ylabel("squared L2 norm of the weights")
ax_norm.set_title("Weight decay shrinks the weights")
fig.tight_layout()
plt.show()
