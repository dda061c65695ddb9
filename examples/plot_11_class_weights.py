"""
==============================================
Class weights on an imbalanced problem
==============================================

When one class is rare, the mean cross-entropy is dominated by the common one: a
model can lower it by predicting the common class almost everywhere, and the rare
class is missed. ``class_weight="balanced"`` weighs each sample by
:math:`n / (K \\, n_k)`, the inverse of its class's frequency, so that both classes
count equally in :math:`C = \\frac{1}{N} \\sum_i s_i \\ell_i` (scikit-learn's
MLPClassifier has no ``class_weight``; sknn's estimators take it as
SGDClassifier and LogisticRegression do).

Two overlapping Gaussian classes in two features, so that the decision boundaries
can be drawn, the second 5 % of the samples; fitted with and without balanced weights.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import recall_score
from sklearn.model_selection import train_test_split

from sknn import MLPClassifierGD

rng = np.random.RandomState(0)
common = rng.normal(0.0, 1.0, size=(1900, 2))  # class 0: 95 %
rare = rng.normal(1.6, 0.7, size=(100, 2))  # class 1: 5 %, overlapping class 0
X, y = np.vstack([common, rare]), np.repeat([0, 1], [1900, 100])
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)
print(f"class 1 is {np.mean(y_train == 1):.1%} of the training samples")

models = {}
for class_weight in (None, "balanced"):
    model = MLPClassifierGD(
        (16,), solver="lbfgs", class_weight=class_weight, max_iter=2000, random_state=0
    )
    models[class_weight] = model.fit(X_train, y_train)
    predicted = model.predict(X_test)
    print(
        f"class_weight={class_weight!s:8}: recall of class 1 "
        f"{recall_score(y_test, predicted):.2f}, of class 0 "
        f"{recall_score(y_test, predicted, pos_label=0):.2f}"
    )

# %%
# The balanced model moves its boundary into the common class: it finds more of
# the rare class, at the price of some false alarms among the common one.
fig, ax = plt.subplots(figsize=(6, 5))
grid = np.linspace(-3.5, 4, 300)
xx, yy = np.meshgrid(grid, grid)
points = np.column_stack([xx.ravel(), yy.ravel()])
ax.scatter(*X_test[y_test == 0].T, s=6, color="tab:blue", alpha=0.4, label="class 0 (95 %)")
ax.scatter(*X_test[y_test == 1].T, s=14, color="tab:red", label="class 1 (5 %)")
for (class_weight, model), style in zip(models.items(), ["-", "--"]):
    proba = model.predict_proba(points)[:, 1].reshape(xx.shape)
    ax.contour(xx, yy, proba, levels=[0.5], colors="black", linestyles=style)
    ax.plot([], [], "k" + style, label=f"boundary, class_weight={class_weight}")  # legend
ax.set_xlabel("feature 1")
ax.set_ylabel("feature 2")
ax.set_title("Decision boundaries: plain and balanced class weights")
ax.legend(loc="upper left", fontsize="small")
fig.tight_layout()
plt.show()
