"""A hyper-parameter sweep on a local Dask cluster (docs/scaling_out.rst)."""

import joblib
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD


def main():
    X, y = load_digits(return_X_y=True)
    mlp = MLPClassifierGD(early_stopping=True, tol=1e-3, random_state=0)
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), mlp),
        {
            "mlpclassifiergd__alpha": [1e-4, 1e-2],
            "mlpclassifiergd__hidden_layer_sizes": [(16,), (32,)],
        },
        cv=3,
    )
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        grid.fit(X, y)
    print(grid.best_params_, round(grid.best_score_, 3))


# Each worker process starts by importing this script. Without the
# guard, it would run the sweep again and start processes of its own
# before it has finished starting: Python refuses ("An attempt has been
# made to start a new process before the current process has finished
# its bootstrapping phase"), and the cluster fails to start.
if __name__ == "__main__":
    main()
