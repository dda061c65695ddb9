"""Benchmarks of sknn against scikit-learn, and PyTorch when it is installed.

Every model in a comparison is fitted on the same data in this one process, the
models taking turns (the order rotates from one repeat to the next), after a
warm-up fit of each. The table shows the median seconds per epoch over the repeats
and the ratio sknn / reference: below 1 means sknn is faster.

    python benchmarks/run.py --quick                  # a smoke run, well under a minute
    python benchmarks/run.py --full                   # the tables of docs/performance.rst
    python benchmarks/run.py --sections mlp,linear    # some sections only
    python benchmarks/run.py --mnist-dir ../shared/data/mnist-t10k   # real data: accuracy

Sections: ``mlp`` (MLPClassifierGD against MLPClassifier(solver="sgd") and PyTorch),
``linear`` (SoftmaxGD and LogisticRegressionGD against SGDClassifier and
LogisticRegression), ``scaling`` (time against n_samples and hidden width),
``memory`` (resident memory that fit adds after the data is loaded) and ``mnist``
(accuracy on real data, with --mnist-dir). Results are also written as JSON under
benchmarks/results/.

The OpenBLAS kernel matters: run with ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE``
to let OpenBLAS pick the kernel for the CPU; the kernel used is printed and saved.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from mnist_idx import load_mnist  # noqa: E402

#: Settings every MLP in the comparison shares.
LEARNING_RATE = 0.01
SKLEARN_ALPHA = 1e-4  # MLPClassifier's default L2 penalty

MODES = {
    # n_samples of the MLP and linear sections, epochs per fit, repeats after one warm-up,
    # the scaling grids, the MNIST epochs, and the seeds that accuracies are averaged over.
    "quick": dict(
        n_samples=3000,
        epochs=1,
        repeats=2,
        sizes=[1000, 3000],
        widths=[16, 64],
        width_samples=3000,
        mnist_epochs=2,
        accuracy_seeds=[0],
        pause=0.02,  # untimed seconds after each fit in a race
    ),
    "full": dict(
        n_samples=60000,
        # Several epochs per fit: the fixed cost of a fit (input validation, which every
        # library pays) then weighs little in the time per epoch.
        epochs=5,
        repeats=5,
        sizes=[1000, 3000, 10000, 30000, 60000],
        widths=[16, 64, 128, 256, 512],
        width_samples=20000,
        mnist_epochs=20,
        accuracy_seeds=[0, 1, 2],
        pause=0.3,
    ),
}
SECTIONS = ["mlp", "linear", "scaling", "memory", "mnist"]


# ---------------------------------------------------------------------- data
def make_data(n_samples, n_features=784, n_classes=10, dtype=np.float32, seed=0):
    """Gaussian classes: unit-variance noise around class centers, like standardised pixels."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=0.1, size=(n_classes, n_features)).astype(dtype)
    y = rng.integers(n_classes, size=n_samples)
    X = rng.standard_normal((n_samples, n_features), dtype=np.float32).astype(dtype, copy=False)
    X += centers[y]
    return X, y


# ---------------------------------------------------------------------- models
def sknn_mlp(hidden, batch_size, epochs, seed):
    from sknn import MLPClassifierGD

    # sknn's penalty is alpha ||W||^2 on the mean loss; scikit-learn's is
    # (alpha / 2) ||W||^2 / batch_size: the same objective with this alpha.
    return MLPClassifierGD(
        hidden,
        batch_size=batch_size,
        max_iter=epochs,
        learning_rate_init=LEARNING_RATE,
        alpha=SKLEARN_ALPHA / (2 * batch_size),
        momentum=0.9,
        nesterovs_momentum=True,
        weight_init="glorot_uniform",  # scikit-learn's initialisation
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


def sklearn_mlp(hidden, batch_size, epochs, seed):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden,
        solver="sgd",
        momentum=0.9,
        nesterovs_momentum=True,
        batch_size=batch_size,
        max_iter=epochs,
        learning_rate_init=LEARNING_RATE,
        alpha=SKLEARN_ALPHA,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


class TorchMLP:
    """The same network and optimizer in PyTorch, with a fit/score interface."""

    def __init__(self, hidden, batch_size, epochs, seed):
        self.hidden, self.batch_size, self.epochs, self.seed = hidden, batch_size, epochs, seed

    def fit(self, X, y):
        import torch

        torch.manual_seed(self.seed)
        dtype = torch.float32 if X.dtype == np.float32 else torch.float64
        units = [X.shape[1], *self.hidden, int(y.max()) + 1]
        layers = []
        for fan_in, fan_out in zip(units[:-1], units[1:]):
            layers += [torch.nn.Linear(fan_in, fan_out, dtype=dtype), torch.nn.ReLU()]
        self.model = model = torch.nn.Sequential(*layers[:-1])
        weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
        optimizer = torch.optim.SGD(
            [
                {"params": weights, "weight_decay": SKLEARN_ALPHA / self.batch_size},
                {"params": biases, "weight_decay": 0.0},
            ],
            lr=LEARNING_RATE,
            momentum=0.9,
            nesterov=True,
        )
        X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
        loss_function = torch.nn.CrossEntropyLoss()
        for _ in range(self.epochs):
            order = torch.randperm(X.shape[0])
            for start in range(0, X.shape[0], self.batch_size):
                indices = order[start : start + self.batch_size]
                optimizer.zero_grad()
                loss = loss_function(
                    model(X_t.index_select(0, indices)), y_t.index_select(0, indices)
                )
                loss.backward()
                optimizer.step()
        return self

    def score(self, X, y):
        import torch

        with torch.no_grad():
            return float((self.model(torch.from_numpy(X)).argmax(1).numpy() == y).mean())


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def sknn_linear(name, epochs, seed):
    import sknn

    # SGDClassifier's penalty is (alpha / 2) ||w||^2 on the mean loss.
    return getattr(sknn, name)(
        max_iter=epochs,
        alpha=SKLEARN_ALPHA / 2,
        learning_rate_init=LEARNING_RATE,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


def sgd_classifier(epochs, seed):
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss", alpha=SKLEARN_ALPHA, max_iter=epochs, tol=None, random_state=seed
    )


def logistic_regression(seed):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(random_state=seed)


# ---------------------------------------------------------------------- timing
def race(factories, X, y, repeats, X_test=None, y_test=None, pause=0.3):
    """Fit each model ``1 + repeats`` times, taking turns; return medians in seconds.

    The first round is a warm-up and is not counted. Returns, per name, the median
    and all the timed fits, and the test accuracy of the last fit when X_test is given.
    """
    names = list(factories)
    times = {name: [] for name in names}
    accuracy = {}
    for round_ in range(1 + repeats):
        turn = names[round_ % len(names) :] + names[: round_ % len(names)]  # rotate the order
        for name in turn:
            model = factories[name]()
            start = time.perf_counter()
            model.fit(X, y)
            elapsed = time.perf_counter() - start
            # Let idle worker threads (OpenMP, OpenBLAS) stop spinning before the next
            # model starts, so that no fit is timed against another library's busy-wait.
            time.sleep(pause)
            if round_ > 0:
                times[name].append(elapsed)
            if X_test is not None and round_ == repeats:
                accuracy[name] = float(model.score(X_test, y_test))
    return {
        name: {
            "median": float(np.median(times[name])),
            "times": times[name],
            "accuracy": accuracy.get(name),
        }
        for name in names
    }


def _row(section, config, name, result, epochs, reference=None):
    per_epoch = result["median"] / epochs
    row = {
        "section": section,
        "config": config,
        "model": name,
        "seconds_per_epoch": per_epoch,
        "seconds_all_fits": result["times"],
        "epochs": epochs,
        "accuracy": result["accuracy"],
    }
    if reference is not None:
        row["reference"] = reference[0]
        row["ratio"] = per_epoch / reference[1]
    return row


# ---------------------------------------------------------------------- sections
def section_mlp(mode, use_torch):
    settings = MODES[mode]
    epochs, repeats = settings["epochs"], settings["repeats"]
    configs = [
        ("float32", 128, (64,)),
        ("float32", 32, (64,)),
        ("float64", 128, (64,)),
        ("float32", 128, (64, 64)),
    ]
    data = {}
    rows = []
    for dtype_name, batch_size, hidden in configs:
        if dtype_name not in data:
            data[dtype_name] = make_data(settings["n_samples"], dtype=np.dtype(dtype_name).type)
        X, y = data[dtype_name]
        config = f"{dtype_name}, batch {batch_size}, hidden {hidden}"
        factories = {
            "sknn MLPClassifierGD": partial(sknn_mlp, hidden, batch_size, epochs, 0),
            "sklearn MLPClassifier": partial(sklearn_mlp, hidden, batch_size, epochs, 0),
        }
        if use_torch:
            factories["PyTorch SGD"] = partial(TorchMLP, hidden, batch_size, epochs, 0)
        results = race(factories, X, y, repeats, pause=settings["pause"])
        sknn_time = results["sknn MLPClassifierGD"]["median"] / epochs
        for name, result in results.items():
            reference = None if name.startswith("sknn") else (name, result["median"] / epochs)
            row = _row("mlp", config, name, result, epochs)
            if reference:
                row["reference"] = name
                row["ratio"] = sknn_time / reference[1]
            rows.append(row)
        _print_comparison(rows[-len(results) :])
    return rows


def section_linear(mode):
    settings = MODES[mode]
    epochs, repeats = max(settings["epochs"], 5), settings["repeats"]
    X, y = make_data(settings["n_samples"] + 10000, seed=1)
    X_train, y_train, X_test, y_test = X[:-10000], y[:-10000], X[-10000:], y[-10000:]
    rows = []
    makers = {
        "sknn SoftmaxGD": partial(sknn_linear, "SoftmaxGD", epochs),
        "sknn LogisticRegressionGD": partial(sknn_linear, "LogisticRegressionGD", epochs),
        "sklearn SGDClassifier(log_loss)": partial(sgd_classifier, epochs),
    }
    factories = {name: partial(make, 0) for name, make in makers.items()}
    results = race(factories, X_train, y_train, repeats, pause=settings["pause"])
    # Test accuracy, untimed: the mean over the seeds (each seed shuffles differently),
    # as one seed's 10000 test samples differ by a few tenths of a point.
    seeds = settings["accuracy_seeds"]
    for name, make in makers.items():
        scores = [make(seed).fit(X_train, y_train).score(X_test, y_test) for seed in seeds]
        results[name]["accuracy"] = float(np.mean(scores))
    reference = results["sklearn SGDClassifier(log_loss)"]["median"] / epochs
    config = (
        f"float32, {X_train.shape[0]} x {X_train.shape[1]}, 10 classes, {epochs} epochs; "
        f"accuracy: mean over seeds {seeds}"
    )
    for name, result in results.items():
        row = _row("linear", config, name, result, epochs)
        if name.startswith("sknn"):
            row["reference"] = "sklearn SGDClassifier(log_loss)"
            row["ratio"] = row["seconds_per_epoch"] / reference
        rows.append(row)
    # LogisticRegression (L-BFGS) has no epochs: compare whole fits.
    lbfgs = race(
        {"sklearn LogisticRegression(lbfgs)": lambda: logistic_regression(0)},
        X_train,
        y_train,
        1,
        X_test,
        y_test,
    )
    for name, result in lbfgs.items():
        row = _row("linear", config + " (whole fit)", name, result, 1)
        rows.append(row)
    _print_comparison(rows)
    return rows


def section_scaling(mode):
    settings = MODES[mode]
    epochs, repeats = settings["epochs"], settings["repeats"]
    rows = []
    X_all, y_all = make_data(max(settings["sizes"]))
    for n_samples in settings["sizes"]:
        X, y = X_all[:n_samples], y_all[:n_samples]
        factories = {
            "sknn MLPClassifierGD": lambda: sknn_mlp((64,), 128, epochs, 0),
            "sklearn MLPClassifier": lambda: sklearn_mlp((64,), 128, epochs, 0),
        }
        rows += _scaling_rows(
            f"n_samples={n_samples}",
            race(factories, X, y, repeats, pause=settings["pause"]),
            epochs,
            n_samples,
        )
    X, y = X_all[: settings["width_samples"]], y_all[: settings["width_samples"]]
    for width in settings["widths"]:
        factories = {
            "sknn MLPClassifierGD": partial(sknn_mlp, (width,), 128, epochs, 0),
            "sklearn MLPClassifier": partial(sklearn_mlp, (width,), 128, epochs, 0),
        }
        rows += _scaling_rows(
            f"hidden=({width},), n_samples={X.shape[0]}",
            race(factories, X, y, repeats, pause=settings["pause"]),
            epochs,
            X.shape[0],
        )
    _print_comparison(rows, extra="microseconds_per_sample")
    return rows


def _scaling_rows(config, results, epochs, n_samples):
    rows = []
    sknn_time = results["sknn MLPClassifierGD"]["median"] / epochs
    for name, result in results.items():
        row = _row("scaling", config, name, result, epochs)
        row["microseconds_per_sample"] = 1e6 * row["seconds_per_epoch"] / n_samples
        if not name.startswith("sknn"):
            row["reference"] = name
            row["ratio"] = sknn_time / row["seconds_per_epoch"]
        rows.append(row)
    return rows


def section_memory(mode, use_torch):
    if not Path("/proc/self/clear_refs").exists():
        print("memory: skipped (needs Linux /proc to reset the peak resident size)")
        return []
    n_samples = MODES[mode]["n_samples"]
    rows = []
    models = [
        "sknn MLPClassifierGD",
        "sknn SoftmaxGD",
        "sklearn MLPClassifier",
        "sklearn SGDClassifier(log_loss)",
    ]
    if use_torch:
        models.append("PyTorch SGD")
    for name in models:
        command = [
            sys.executable,
            __file__,
            "--memory-child",
            name,
            "--memory-samples",
            str(n_samples),
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        rows.append(
            {"section": "memory", "config": f"float32, {n_samples} x 784", "model": name, **result}
        )
    print(
        f"\n== memory: resident size that fit adds after the data is loaded (float32, {n_samples} x 784)"
    )
    print(f"{'model':40s} {'data MiB':>9s} {'added MiB':>10s}")
    for row in rows:
        print(f"{row['model']:40s} {row['data_mib']:9.1f} {row['added_mib']:10.1f}")
    return rows


def _memory_child(name, n_samples):
    """Run in a fresh process: fit one model, print the peak RSS added by fit as JSON."""

    def status(field):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024  # kB -> MiB

    warnings.filterwarnings("ignore")
    X, y = make_data(n_samples)
    factory = {
        "sknn MLPClassifierGD": lambda: sknn_mlp((64,), 128, 2, 0),
        "sknn SoftmaxGD": lambda: sknn_linear("SoftmaxGD", 2, 0),
        "sklearn MLPClassifier": lambda: sklearn_mlp((64,), 128, 2, 0),
        "sklearn SGDClassifier(log_loss)": lambda: sgd_classifier(2, 0),
        "PyTorch SGD": lambda: TorchMLP((64,), 128, 2, 0),
    }[name]
    # A tiny fit first, so that one-time allocations (BLAS thread buffers, imports)
    # count as part of the loaded state rather than of the fit.
    factory().fit(X[:500], y[:500])
    before = status("VmRSS:")
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    factory().fit(X, y)
    peak = status("VmHWM:")
    print(
        json.dumps(
            {
                "data_mib": X.nbytes / 2**20,
                "rss_before_mib": before,
                "peak_mib": peak,
                "added_mib": peak - before,
            }
        )
    )


def section_mnist(mode, mnist_dir):
    from sklearn.model_selection import train_test_split

    settings = MODES[mode]
    X, y = load_mnist(mnist_dir)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    epochs = settings["mnist_epochs"]
    rows = []
    config = f"MNIST {Path(mnist_dir).name}: {X_train.shape[0]} train / {X_test.shape[0]} test, {epochs} epochs"
    factories = {
        "sknn MLPClassifierGD (64,)": lambda seed: sknn_mlp((64,), 128, epochs, seed),
        "sklearn MLPClassifier (64,)": lambda seed: sklearn_mlp((64,), 128, epochs, seed),
        "sknn SoftmaxGD": lambda seed: sknn_linear("SoftmaxGD", epochs, seed),
        "sknn LogisticRegressionGD": lambda seed: sknn_linear("LogisticRegressionGD", epochs, seed),
        "sklearn SGDClassifier(log_loss)": lambda seed: sgd_classifier(epochs, seed),
    }
    print(f"\n== mnist: test accuracy, mean over seeds {settings['accuracy_seeds']} ({config})")
    for name, factory in factories.items():
        scores, times = [], []
        for seed in settings["accuracy_seeds"]:
            model = factory(seed)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            times.append(time.perf_counter() - start)
            scores.append(float(model.score(X_test, y_test)))
        rows.append(
            {
                "section": "mnist",
                "config": config,
                "model": name,
                "accuracy": float(np.mean(scores)),
                "accuracies": scores,
                "seconds_per_epoch": float(np.median(times)) / epochs,
            }
        )
        print(
            f"{name:40s} accuracy {100 * np.mean(scores):6.2f} %   ({float(np.median(times)) / epochs:.4f} s / epoch)"
        )
    by_name = {row["model"]: row["accuracy"] for row in rows}
    gap = 100 * (by_name["sknn MLPClassifierGD (64,)"] - by_name["sklearn MLPClassifier (64,)"])
    print(f"MLP accuracy, sknn minus scikit-learn: {gap:+.2f} points")
    return rows


# ---------------------------------------------------------------------- report
def _print_comparison(rows, extra=None):
    """One table per configuration; 'ratio' is sknn's time over the reference's."""
    by_config = {}
    for row in rows:
        by_config.setdefault((row["section"], row["config"]), []).append(row)
    for (section, config), group in by_config.items():
        print(f"\n== {section}: {config}")
        header = (
            f"{'model':36s} {'s / epoch':>10s} {'ratio':>7s}  {'ratio of':36s} {'accuracy':>8s}"
        )
        print(header + (f" {'us / sample':>12s}" if extra else ""))
        for row in group:
            ratio = f"{row['ratio']:.2f}" if "ratio" in row else ""
            if "ratio" not in row:
                against = ""
            elif row["model"].startswith("sknn"):
                against = f"this / {row['reference']}"
            else:
                against = "sknn / this"
            accuracy = "" if row["accuracy"] is None else f"{100 * row['accuracy']:.2f}"
            line = f"{row['model']:36s} {row['seconds_per_epoch']:10.4f} {ratio:>7s}  {against:36s} {accuracy:>8s}"
            print(line + (f" {row[extra]:12.2f}" if extra else ""))


def environment():
    import numpy
    import scipy
    import sklearn
    import threadpoolctl

    import sknn

    info = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "sknn": getattr(sknn, "__version__", "dev"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "threadpools": [
            {
                key: pool.get(key)
                for key in (
                    "user_api",
                    "internal_api",
                    "prefix",
                    "architecture",
                    "num_threads",
                    "version",
                )
            }
            for pool in threadpoolctl.threadpool_info()
        ],
    }
    if torch_available():
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small data, few repeats: a smoke run")
    size.add_argument("--full", action="store_true", help="the full benchmark (the default)")
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated, from {SECTIONS}"
    )
    parser.add_argument(
        "--mnist-dir", help="directory of MNIST IDX files (t10k-images-idx3-ubyte[.gz], ...)"
    )
    parser.add_argument("--repeats", type=int, help="timed fits per model (after one warm-up)")
    parser.add_argument("--threads", type=int, help="limit BLAS/OpenMP/PyTorch threads")
    parser.add_argument(
        "--no-torch", action="store_true", help="leave PyTorch out even if installed"
    )
    parser.add_argument(
        "--output", help="JSON file to write (default: benchmarks/results/<time>-<mode>.json)"
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--memory-samples", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_child:
        _memory_child(args.memory_child, args.memory_samples)
        return 0

    mode = "quick" if args.quick else "full"
    if args.repeats:
        MODES[mode]["repeats"] = args.repeats
    sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    use_torch = torch_available() and not args.no_torch

    import threadpoolctl

    limits = threadpoolctl.threadpool_limits(args.threads) if args.threads else None
    if use_torch and args.threads:
        import torch

        torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")  # ConvergenceWarning: epochs are fixed on purpose

    import sklearn.neural_network  # noqa: F401

    import sknn  # noqa: F401  (loads the BLAS libraries, so that they are reported)

    info = environment()
    blas = [
        f"{p['prefix']} {p['version']} kernel={p['architecture']} threads={p['num_threads']}"
        for p in info["threadpools"]
        if p["user_api"] == "blas"
    ]
    print(
        f"sknn benchmarks, {mode} mode; {info['cpu_count']} CPUs; numpy {info['numpy']}, scikit-learn {info['sklearn']}"
        + (f", torch {info['torch']}" if use_torch else ", no PyTorch")
    )
    print("BLAS: " + "; ".join(blas) + f"  (OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']})")

    start = time.perf_counter()
    rows = []
    if "mlp" in sections:
        rows += section_mlp(mode, use_torch)
    if "linear" in sections:
        rows += section_linear(mode)
    if "scaling" in sections:
        rows += section_scaling(mode)
    if "memory" in sections:
        rows += section_memory(mode, use_torch)
    if "mnist" in sections and args.mnist_dir:
        rows += section_mnist(mode, args.mnist_dir)
    elapsed = time.perf_counter() - start
    print(f"\n{elapsed:.1f} s in all")

    output = (
        Path(args.output)
        if args.output
        else HERE / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}-{mode}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "mode": mode,
                "sections": sections,
                "environment": info,
                "seconds": elapsed,
                "rows": rows,
            },
            indent=1,
        )
    )
    print(f"results written to {output}")
    if limits is not None:
        limits.restore_original_limits()
    return 0


if __name__ == "__main__":
    sys.exit(main())
