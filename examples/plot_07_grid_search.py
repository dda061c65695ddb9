"""
======================================================
Choosing alpha and the hidden layers with GridSearchCV
======================================================

:class:`~sknn.MLPClassifierGD` is a scikit-learn estimator, so
:class:`~sklearn.model_selection.GridSearchCV` can tune it. The scaler sits in
the same :class:`~sklearn.pipeline.Pipeline`, so that it is fitted on the
training folds only; the model's parameters are addressed as ``mlp__<name>``.
We search the penalty ``alpha`` and the width of the hidden layer, show the
results as a table and as a heat map of the mean validation accuracy, and judge
the chosen model once on a test set the search never saw.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

pipeline = Pipeline(
    [
        ("scale", StandardScaler()),
        ("mlp", MLPClassifierGD(batch_size=50, early_stopping=True, tol=1e-3, random_state=0)),
    ]
)
param_grid = {
    "mlp__alpha": [1e-5, 1e-4, 1e-3, 1e-2, 1e-1],
    "mlp__hidden_layer_sizes": [(16,), (32,), (64,)],
}
search = GridSearchCV(pipeline, param_grid, cv=3, scoring="accuracy", n_jobs=1)
search.fit(X_train, y_train)

# %%
# The results table, best first.
results = pd.DataFrame(search.cv_results_)
results["hidden_layer_sizes"] = results["param_mlp__hidden_layer_sizes"].astype(str)
results["alpha"] = results["param_mlp__alpha"].astype(float)
table = results[
    [
        "alpha",
        "hidden_layer_sizes",
        "mean_test_score",
        "std_test_score",
        "mean_fit_time",
        "rank_test_score",
    ]
].sort_values("rank_test_score")
print(table.to_string(index=False, float_format=lambda value: f"{value:.4g}"))
print(f"best parameters: {search.best_params_}")
print(f"best mean validation accuracy: {search.best_score_:.4f}")
print(f"test accuracy of the refitted best model: {search.score(X_test, y_test):.4f}")

# %%
# The heat map of the mean validation accuracy over the grid. If the best cell
# lay on the edge of the grid, the grid should be widened in that direction.
# Where candidates tie (``rank_test_score`` shared), as small penalties may on
# this data, the search keeps the first of them in the grid's order.
heat = results.pivot(index="alpha", columns="hidden_layer_sizes", values="mean_test_score")
heat = heat[[str(size) for size in param_grid["mlp__hidden_layer_sizes"]]]
fig, ax = plt.subplots(figsize=(6, 4.5))
image = ax.imshow(heat.to_numpy(), cmap="viridis", aspect="auto")
ax.set_xticks(np.arange(heat.shape[1]), labels=heat.columns)
ax.set_yticks(np.arange(heat.shape[0]), labels=[f"{alpha:g}" for alpha in heat.index])
ax.set_xlabel("hidden_layer_sizes")
ax.set_ylabel("alpha")
for row in range(heat.shape[0]):
    for column in range(heat.shape[1]):
        ax.text(column, row, f"{heat.iloc[row, column]:.3f}", ha="center", va="center", color="w")
fig.colorbar(image, ax=ax, label="mean validation accuracy")
ax.set_title("GridSearchCV, 3-fold")
fig.tight_layout()
plt.show()
# sphinx_gallery_thumbnail_number = 1
