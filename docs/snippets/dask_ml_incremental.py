"""Train on a Dask array, block by block, with dask-ml (docs/scaling_out.rst)."""

import numpy as np
from dask_ml.datasets import make_classification
from dask_ml.wrappers import Incremental

from sknn import SoftmaxGD

# 400,000 samples of 64 features, in blocks of 40,000 rows. The array is
# lazy: a block is made (or read from disk) only when it is needed, so
# only a few blocks are in memory at once.
X, y = make_classification(
    n_samples=400_000,
    n_features=64,
    n_informative=16,
    chunks=40_000,
    random_state=0,
)
X_train, y_train = X[:360_000], y[:360_000]  # 9 blocks
X_test, y_test = X[360_000:], y[360_000:]  # 1 block

# fit passes the 9 training blocks, in a random order, to
# SoftmaxGD.partial_fit, one block at a time: one pass over the data.
# score, like predict, works block by block too.
softmax = SoftmaxGD(batch_size=200, random_state=0)
model = Incremental(softmax, random_state=0)
model.fit(X_train, y_train, classes=np.array([0, 1]))
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
