"""sknn with its compiled loops against sknn on NumPy alone, and both against the floor.

Whole fits of MLPClassifierGD (60000 x 784 synthetic, (64,) hidden, SGD with Nesterov
momentum, 2 epochs), in one process, taking turns: with Numba's loops
(``sknn/_kernels.py``), with them switched off (the NumPy code), and the floor
(``floor.py``). Prints the medians' ratios. One BLAS thread::

    python benchmarks/kernels_race.py [rounds]
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).parent))
from floor import Floor  # noqa: E402

from sknn import MLPClassifierGD, _kernels  # noqa: E402

CONFIGS = [
    (np.float32, 128, "relu"),
    (np.float32, 32, "relu"),
    (np.float64, 128, "relu"),
    (np.float32, 128, "logistic"),
    (np.float32, 32, "logistic"),
]
EPOCHS = 2


def data(dtype, n_samples=60000, n_features=784, n_classes=10, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.normal(size=(n_classes, n_features))
    y = rng.randint(0, n_classes, n_samples)
    return (centers[y] + rng.normal(size=(n_samples, n_features))).astype(dtype), y


def sknn_fit(X, y, batch_size, activation, compiled):
    model = MLPClassifierGD(
        (64,),
        activation=activation,
        batch_size=batch_size,
        max_iter=EPOCHS,
        tol=0,
        n_iter_no_change=EPOCHS + 1,
        learning_rate_init=0.01,
        momentum=0.9,
        alpha=1e-4 / (2 * batch_size),
        random_state=0,
    )
    with _kernels.switched(compiled), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged in 2 epochs
        start = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - start


def floor_fit(X, y, batch_size, activation):
    floor = Floor((64,), batch_size, EPOCHS)
    start = time.perf_counter()
    floor.fit(X, y)
    return time.perf_counter() - start


def race(dtype, batch_size, activation, rounds):
    X, y = data(dtype)
    contenders = {
        "compiled": lambda: sknn_fit(X, y, batch_size, activation, True),
        "numpy": lambda: sknn_fit(X, y, batch_size, activation, False),
        "floor": lambda: floor_fit(X, y, batch_size, activation),
    }
    for fit in contenders.values():  # warm-up (and Numba's compilation, if not cached)
        fit()
    seconds = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(rounds):
        for name in names[r % 3 :] + names[: r % 3]:  # the order rotates
            seconds[name].append(contenders[name]())
    return {name: float(np.median(times)) for name, times in seconds.items()}


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not _kernels.available():
        sys.exit("Numba is not installed (pip install '.[fast]'): nothing to race.")
    blas = [p for p in threadpool_info() if p["internal_api"] == "openblas"][:1]
    kernel = blas[0].get("architecture") if blas else "unknown"
    print(f"one BLAS thread; OpenBLAS kernel {kernel}; {EPOCHS} epochs per fit, median of {rounds}")
    print("dtype    batch activation  compiled/floor  numpy/floor  compiled/numpy")
    with threadpool_limits(1):
        for dtype, batch_size, activation in CONFIGS:
            m = race(dtype, batch_size, activation, rounds)
            print(
                f"{np.dtype(dtype).name:8} {batch_size:5} {activation:10}"
                f"  {m['compiled'] / m['floor']:14.3f}  {m['numpy'] / m['floor']:11.3f}"
                f"  {m['compiled'] / m['numpy']:14.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
