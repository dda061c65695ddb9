"""The sections of the benchmark suite: each runs its races and prints its tables.

``mlp`` and ``linear`` race sknn against its floor (``floor.py``), scikit-learn and
(mlp) PyTorch, one configuration at a time, under a limit of BLAS threads; they
return the rows written to JSON and one summary per sknn model and configuration,
which ``report.check_targets`` reads. ``solvers`` returns its rows and one record
per data set of sknn's Adam margin, which ``report.check_adam_margins`` reads.
``scaling``, ``memory``, ``mnist`` and ``gpu`` (sknn on CUDA tensors against sknn on
NumPy and PyTorch on the same GPU) return rows only.
"""

import json
import math
import subprocess
import sys
import textwrap
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from contenders import (
    LEARNING_RATES,
    TorchMLP,
    floor_linear,
    floor_mlp,
    linear_outputs,
    logistic_regression,
    sgd_classifier,
    sklearn_mlp,
    sknn_linear,
    sknn_mlp,
    sknn_mlp_dispatched,
)
from data import make_data
from floor import recorded_products
from mnist_idx import load_mnist
from race import (
    EpochTrainer,
    LadderTrainer,
    blas_threads,
    iteration_ladder,
    machine_line,
    race,
    race_trajectories,
    time_to_target,
)
from report import (
    adam_margin,
    gpu_table,
    linear_table,
    mlp_table,
    print_comparison,
    solver_epochs_table,
    solvers_table,
)

RUN_SCRIPT = Path(__file__).resolve().parent / "run.py"

#: The contenders of the mlp section: short key -> name in tables and JSON.
MLP_CONTENDERS = {
    "sknn": "sknn MLPClassifierGD",
    "floor": "floor (products and gathers)",
    "sklearn": "sklearn MLPClassifier",
    "torch": "PyTorch SGD",
}
LINEAR_MODELS = ["SoftmaxGD", "LogisticRegressionGD"]
SGD_NAME = "sklearn SGDClassifier(log_loss)"


def _threads_label(threads):
    return f"{threads} thread{'s' if threads != 1 else ''}"


def _selected(section, configs, match):
    """The configurations whose label contains every string of ``match``."""
    selected = [config for config in configs if all(text in config["label"] for text in match)]
    if not selected:
        print(f"\n== {section}: no configuration's label contains all of {match}")
    return selected


def _floor_audit(sknn_factory, floor_factory, X, y):
    """None if a short fit of sknn makes the floor's products; else what differs.

    The factories make one-epoch models. A few batches, the last one short, are
    enough: the products of every batch are the same but for the number of rows.
    """
    n = min(4 * floor_factory().batch_size + 5, X.shape[0])
    sknn_products = recorded_products(sknn_factory().fit, X[:n], y[:n])
    floor_products = recorded_products(floor_factory().fit, X[:n], y[:n])
    if sknn_products == floor_products:
        return None
    if not sknn_products:
        return "sknn's products are not made through np.matmul: the floor cannot be compared"
    return (
        "the floor's products differ from sknn's: sknn only "
        f"{_describe(sknn_products - floor_products)}; floor only "
        f"{_describe(floor_products - sknn_products)}"
    )


def _describe(products):
    """``(128, 64) C x (64, 10) C -> F: 4 times, ...`` from recorded_products' count."""
    return (
        ", ".join(
            f"{a_shape} {a_order} x {b_shape} {b_order} -> {out_order}: {count} times"
            for ((a_shape, a_order), (b_shape, b_order), out_order), count in products.items()
        )
        or "nothing"
    )


def _count_check(sknn_model, floor_model, n_samples, batch_size):
    """None if the floor processed the batches and samples that sknn did."""
    batches = sknn_model.n_iter_ * math.ceil(n_samples / min(batch_size, n_samples))
    if floor_model.n_batches_ == batches and floor_model.t_ == sknn_model.t_:
        return None
    return (
        f"the floor did {floor_model.n_batches_} batches ({floor_model.t_} samples), "
        f"sknn {batches} ({sknn_model.t_} samples)"
    )


def _floor_checks(audit, sknn_model, floor_model, n_samples, batch_size):
    """What the audit and the count of batches found wrong with the floor, or None."""
    count = _count_check(sknn_model, floor_model, n_samples, batch_size)
    return "; ".join(problem for problem in (audit, count) if problem) or None


def _summary(section, config, model, results, keys, epochs, floor_check):
    """One configuration of one sknn model: seconds per epoch of each role and ratios.

    ``keys`` maps the roles "sknn", "floor", "sklearn" and, optionally, "torch" to
    the names of the contenders in ``results``.
    """
    seconds = {role: results[key]["median"] / epochs for role, key in keys.items()}
    summary = {
        "section": section,
        "config": config["label"],
        "model": model,
        **{key: value for key, value in config.items() if key != "label"},
    }
    for role in ("sknn", "floor", "sklearn", "torch"):
        summary[role] = seconds.get(role)
    for role in ("floor", "sklearn", "torch"):
        summary[f"ratio_{role}"] = seconds["sknn"] / seconds[role] if role in seconds else None
    summary["floor_check"] = floor_check
    return summary


def _show(table, summary):
    table.row(summary)
    if summary["floor_check"]:
        print(f"   ! {summary['floor_check']}")


def _contender_rows(summary, machine, results, keys, names, epochs):
    """The JSON rows of one summary: per contender, its times and sknn's ratio to it."""
    settings = {
        key: summary[key]
        for key in ("dtype", "batch_size", "activation", "hidden", "threads", "device")
        if key in summary
    }
    rows = []
    for role, key in keys.items():
        row = {
            "section": summary["section"],
            "config": summary["config"],
            "settings": settings,
            "machine": machine,
            "model": names[key],
            "seconds_per_epoch": summary[role],
            "seconds_all_fits": results[key]["times"],
            "epochs": epochs,
            "accuracy": results[key]["accuracy"],
        }
        if role == "sknn":
            row["ratios"] = {other: summary[f"ratio_{other}"] for other in keys if other != role}
            for check in ("floor_check", "trained_on", "device_check"):
                if check in summary:
                    row[check] = summary[check]
        else:
            row["reference"] = names[key]
            row["ratio"] = summary[f"ratio_{role}"]
            row["ratio_of"] = f"{names[keys['sknn']]} / this"
        rows.append(row)
    return rows


# ---------------------------------------------------------------------- mlp
def mlp_configs(threads_list):
    """float32/float64 x batch 128/32 x relu/sigmoid with (64,), and (64, 64), per thread count."""
    configs = []
    for threads in threads_list:
        grid = [
            (dtype, batch_size, activation, (64,))
            for dtype in ("float32", "float64")
            for batch_size in (128, 32)
            for activation in ("relu", "sigmoid")
        ]
        grid.append(("float32", 128, "relu", (64, 64)))
        for dtype, batch_size, activation, hidden in grid:
            configs.append(
                {
                    "dtype": dtype,
                    "batch_size": batch_size,
                    "activation": activation,
                    "hidden": hidden,
                    "threads": threads,
                    "label": f"{dtype}, batch {batch_size}, {activation}, hidden {hidden}, "
                    + _threads_label(threads),
                }
            )
    return configs


def section_mlp(settings, threads_list, use_torch, match=()):
    epochs, repeats, n_samples = settings["epochs"], settings["repeats"], settings["n_samples"]
    configs = _selected("mlp", mlp_configs(threads_list), match)
    keys = {role: role for role in MLP_CONTENDERS if use_torch or role != "torch"}
    data, audits = {}, {}
    rows, summaries = [], []
    for threads in threads_list:
        group = [config for config in configs if config["threads"] == threads]
        if not group:
            continue
        with blas_threads(threads):
            machine = machine_line()
            table = mlp_table(
                f"mlp: {n_samples} x 784, 10 classes, {epochs} epoch(s) per fit, "
                f"median of {repeats} fits; seconds per epoch, and sknn's over each",
                machine,
                use_torch,
            )
            for config in group:
                dtype, batch_size, hidden = config["dtype"], config["batch_size"], config["hidden"]
                if dtype not in data:
                    data[dtype] = make_data(n_samples, dtype=np.dtype(dtype).type)
                X, y = data[dtype]
                args = (hidden, batch_size, epochs, 0, config["activation"])
                factories = {
                    "sknn": partial(sknn_mlp, *args),
                    "floor": partial(floor_mlp, *args),
                    "sklearn": partial(sklearn_mlp, *args),
                    "torch": partial(TorchMLP, *args),
                }
                factories = {role: factories[role] for role in keys}
                # The products depend on neither the activation nor the threads.
                if (dtype, batch_size, hidden) not in audits:
                    one_epoch = (hidden, batch_size, 1, 0)
                    audits[dtype, batch_size, hidden] = _floor_audit(
                        partial(sknn_mlp, *one_epoch), partial(floor_mlp, *one_epoch), X, y
                    )
                results = race(factories, X, y, repeats, pause=settings["pause"])
                floor_check = _floor_checks(
                    audits[dtype, batch_size, hidden],
                    results["sknn"]["model"],
                    results["floor"]["model"],
                    n_samples,
                    batch_size,
                )
                summary = _summary(
                    "mlp", config, MLP_CONTENDERS["sknn"], results, keys, epochs, floor_check
                )
                _show(table, summary)
                summaries.append(summary)
                rows += _contender_rows(summary, machine, results, keys, MLP_CONTENDERS, epochs)
    return rows, summaries


# ---------------------------------------------------------------------- linear
def linear_configs(threads_list):
    return [
        {
            "dtype": dtype,
            "batch_size": batch_size,
            "threads": threads,
            "label": f"{dtype}, batch {batch_size}, {_threads_label(threads)}",
        }
        for threads in threads_list
        for dtype in ("float32", "float64")
        for batch_size in (128, 32)
    ]


def section_linear(settings, threads_list, match=()):
    epochs, repeats, seeds = (
        settings["linear_epochs"],
        settings["repeats"],
        settings["accuracy_seeds"],
    )
    n_test, n_classes = 10000, 10
    configs = _selected("linear", linear_configs(threads_list), match)
    # One floor per shape of W (both models have one output per class here): the
    # contenders' keys in a race, and their names in tables and JSON.
    names, floor_keys = {"sklearn": SGD_NAME}, {}
    for name in LINEAR_MODELS:
        n_outputs = linear_outputs(name, n_classes)
        floor_keys[name] = f"floor {n_outputs}"
        names[name] = f"sknn {name}"
        names[floor_keys[name]] = f"floor (X W and X^T dZ, {n_outputs} outputs)"
    data, audits, accuracies = {}, {}, {}

    def accuracy(key, make, dtype):
        """Test accuracy, untimed: the mean over the seeds (each shuffles differently),
        as one seed's 10000 test samples differ by a few tenths of a point."""
        if key not in accuracies:
            X_train, y_train, X_test, y_test = data[dtype]
            scores = [make(seed).fit(X_train, y_train).score(X_test, y_test) for seed in seeds]
            accuracies[key] = float(np.mean(scores))
        return accuracies[key]

    rows, summaries = [], []
    for threads in threads_list:
        group = [config for config in configs if config["threads"] == threads]
        if not group:
            continue
        with blas_threads(threads):
            machine = machine_line()
            table = linear_table(
                f"linear: {settings['n_samples']} x 784, {n_classes} classes, {epochs} epochs "
                f"per fit, median of {repeats} fits; accuracy: mean over seeds {seeds}",
                machine,
            )
            for config in group:
                dtype, batch_size = config["dtype"], config["batch_size"]
                if dtype not in data:
                    X, y = make_data(
                        settings["n_samples"] + n_test, dtype=np.dtype(dtype).type, seed=1
                    )
                    data[dtype] = X[:-n_test], y[:-n_test], X[-n_test:], y[-n_test:]
                X_train, y_train = data[dtype][:2]
                # As many workers as BLAS threads: the other contenders use them all.
                factories = {"sklearn": partial(sgd_classifier, epochs, 0, n_jobs=threads)}
                for name, floor_key in floor_keys.items():
                    factories[name] = partial(sknn_linear, name, batch_size, epochs, 0)
                    factories[floor_key] = partial(
                        floor_linear, name, n_classes, batch_size, epochs, 0
                    )
                results = race(factories, X_train, y_train, repeats, pause=settings["pause"])
                sgd_accuracy = accuracy(
                    ("sgd", dtype), lambda seed: sgd_classifier(epochs, seed), dtype
                )
                for name, floor_key in floor_keys.items():
                    if (name, dtype, batch_size) not in audits:
                        audits[name, dtype, batch_size] = _floor_audit(
                            partial(sknn_linear, name, batch_size, 1, 0),
                            partial(floor_linear, name, n_classes, batch_size, 1, 0),
                            X_train,
                            y_train,
                        )
                    floor_check = _floor_checks(
                        audits[name, dtype, batch_size],
                        results[name]["model"],
                        results[floor_key]["model"],
                        X_train.shape[0],
                        batch_size,
                    )
                    keys = {"sknn": name, "floor": floor_key, "sklearn": "sklearn"}
                    summary = _summary("linear", config, name, results, keys, epochs, floor_check)
                    summary["accuracy"] = accuracy(
                        (name, dtype, batch_size),
                        partial(sknn_linear, name, batch_size, epochs),
                        dtype,
                    )
                    summary["accuracy_sklearn"] = sgd_accuracy
                    _show(table, summary)
                    summaries.append(summary)
                    rows += _contender_rows(summary, machine, results, keys, names, epochs)
    if configs:
        rows += _lbfgs_rows(data[configs[0]["dtype"]], threads_list[0])
    return rows, summaries


def _lbfgs_rows(data, threads):
    """LogisticRegression (L-BFGS) has no epochs: one whole fit, for reference."""
    X_train, y_train, X_test, y_test = data
    with blas_threads(threads):
        machine = machine_line()
        results = race(
            {"sklearn LogisticRegression(lbfgs)": lambda: logistic_regression(0)},
            X_train,
            y_train,
            1,
            X_test,
            y_test,
        )
    rows = []
    for name, result in results.items():
        rows.append(
            {
                "section": "linear",
                "config": f"{X_train.dtype}, {X_train.shape[0]} x {X_train.shape[1]}, "
                f"whole fit, {_threads_label(threads)}",
                "machine": machine,
                "model": name,
                "seconds_per_epoch": result["median"],
                "seconds_all_fits": result["times"],
                "epochs": 1,
                "accuracy": result["accuracy"],
            }
        )
    print_comparison(rows, machine)
    return rows


# ---------------------------------------------------------------------- scaling
def section_scaling(settings, threads):
    epochs, repeats = settings["epochs"], settings["repeats"]
    rows = []
    X_all, y_all = make_data(max(settings["sizes"]))
    cases = [
        (f"n_samples={n_samples}", (64,), X_all[:n_samples], y_all[:n_samples])
        for n_samples in settings["sizes"]
    ]
    X, y = X_all[: settings["width_samples"]], y_all[: settings["width_samples"]]
    cases += [
        (f"hidden=({width},), n_samples={X.shape[0]}", (width,), X, y)
        for width in settings["widths"]
    ]
    with blas_threads(threads):
        machine = machine_line()
        for config, hidden, X, y in cases:
            factories = {
                MLP_CONTENDERS["sknn"]: partial(sknn_mlp, hidden, 128, epochs, 0),
                MLP_CONTENDERS["floor"]: partial(floor_mlp, hidden, 128, epochs, 0),
                MLP_CONTENDERS["sklearn"]: partial(sklearn_mlp, hidden, 128, epochs, 0),
            }
            results = race(factories, X, y, repeats, pause=settings["pause"])
            sknn_time = results[MLP_CONTENDERS["sknn"]]["median"] / epochs
            for name, result in results.items():
                per_epoch = result["median"] / epochs
                row = {
                    "section": "scaling",
                    "config": config + f", {_threads_label(threads)}",
                    "machine": machine,
                    "model": name,
                    "seconds_per_epoch": per_epoch,
                    "seconds_all_fits": result["times"],
                    "epochs": epochs,
                    "accuracy": None,
                    "microseconds_per_sample": 1e6 * per_epoch / X.shape[0],
                }
                if name != MLP_CONTENDERS["sknn"]:
                    row["reference"] = name
                    row["ratio"] = sknn_time / per_epoch
                rows.append(row)
    print_comparison(rows, machine, extra="microseconds_per_sample")
    return rows


# ---------------------------------------------------------------------- memory
#: Architectures of the memory section: hidden layers (784 inputs, 10 classes).
MEMORY_CASES = [(64,), (1024, 1024)]
MEMORY_BATCH = 128


def section_memory(settings, use_torch):
    if not Path("/proc/self/clear_refs").exists():
        print("memory: skipped (needs Linux /proc to reset the peak resident size)")
        return []
    cases = [
        ((64,), settings["n_samples"], ["sknn MLPClassifierGD", "sklearn MLPClassifier"]),
        (
            (1024, 1024),
            settings["memory_samples_large"],
            ["sknn MLPClassifierGD", "sklearn MLPClassifier"],
        ),
        ((), settings["n_samples"], ["sknn SoftmaxGD", SGD_NAME]),
    ]
    rows = []
    print(
        f"\n== memory: what fit adds to memory (float32 data, batch {MEMORY_BATCH}, 2 epochs). "
        "added: peak resident size during fit less the size before it; sknn/this: sknn's "
        "added over this model's; traced: peak of NumPy's and Python's allocations in a "
        "second fit (tracemalloc; not PyTorch's)"
    )
    print(f"   {machine_line()}")
    print(
        f"{'architecture':18s} {'model':32s} {'samples':>7s} {'data MiB':>9s} {'params MiB':>10s}"
        f" {'added MiB':>10s} {'added/params':>12s} {'sknn/this':>9s} {'traced MiB':>10s}"
    )
    for hidden, n_samples, models in cases:
        if use_torch and hidden and settings["memory_torch"]:
            models = [*models, "PyTorch SGD"]
        architecture = "-".join(str(units) for units in (784, *hidden, 10))
        sknn_added = None
        for name in models:
            command = [
                sys.executable,
                str(RUN_SCRIPT),
                "--memory-child",
                name,
                "--memory-hidden",
                ",".join(str(units) for units in hidden),
                "--memory-samples",
                str(n_samples),
            ]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            result = json.loads(output.strip().splitlines()[-1])
            row = {
                "section": "memory",
                "config": f"{architecture}, float32, {n_samples} x 784, batch {MEMORY_BATCH}",
                "model": name,
                **result,
                "added_over_params": result["added_mib"] / result["params_mib"],
            }
            if name.startswith("sknn"):
                sknn_added = result["added_mib"]
            elif sknn_added is not None and result["added_mib"] > 0:
                row["reference"] = name
                row["ratio"] = sknn_added / result["added_mib"]  # sknn / this
            rows.append(row)
            ratio = f"{row['ratio']:.2f}" if "ratio" in row else ""
            traced = "" if result["traced_mib"] is None else f"{result['traced_mib']:.1f}"
            print(
                f"{architecture:18s} {name:32s} {n_samples:7d} {result['data_mib']:9.1f} "
                f"{result['params_mib']:10.2f} {result['added_mib']:10.1f} "
                f"{row['added_over_params']:12.1f} {ratio:>9s} {traced:>10s}",
                flush=True,
            )
    return rows


def memory_child(name, hidden, n_samples):
    """Run in a fresh process: fit one model, print the memory that fit adds as JSON.

    ``added_mib`` is the peak resident size during the fit less the resident size
    before it; ``traced_mib`` the peak of what Python and NumPy allocate during a
    second fit (tracemalloc; PyTorch's allocations are not traced, so None for it).
    """
    import tracemalloc

    def status(field):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024  # kB -> MiB

    warnings.filterwarnings("ignore")
    X, y = make_data(n_samples)
    factories = {
        "sknn MLPClassifierGD": lambda hidden: sknn_mlp(hidden, MEMORY_BATCH, 2, 0),
        "sknn SoftmaxGD": lambda hidden: sknn_linear("SoftmaxGD", MEMORY_BATCH, 2, 0),
        "sklearn MLPClassifier": lambda hidden: sklearn_mlp(hidden, MEMORY_BATCH, 2, 0),
        SGD_NAME: lambda hidden: sgd_classifier(2, 0),
        "PyTorch SGD": lambda hidden: TorchMLP(hidden, MEMORY_BATCH, 2, 0),
    }
    factory = factories[name]
    # A tiny fit of a tiny network first, so that one-time allocations (imports, BLAS
    # thread buffers) count as part of the loaded state rather than of the fit. Not of
    # the measured network: the allocator would keep its freed buffers for the next fit.
    factory((8,) if hidden else ()).fit(X[:500], y[:500])
    before = status("VmRSS:")
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    model = factory(hidden).fit(X, y)
    peak = status("VmHWM:")
    traced = None
    if name != "PyTorch SGD":
        del model
        tracemalloc.start()
        model = factory(hidden).fit(X, y)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    print(
        json.dumps(
            {
                "data_mib": X.nbytes / 2**20,
                "params_mib": _parameter_bytes(model) / 2**20,
                "rss_before_mib": before,
                "peak_mib": peak,
                "added_mib": peak - before,
                "traced_mib": traced,
            }
        )
    )


def _parameter_bytes(model):
    """Bytes of a fitted model's weights and intercepts, in the dtype it keeps them in."""
    if isinstance(model, TorchMLP):
        return sum(p.numel() * p.element_size() for p in model.model.parameters())
    if hasattr(model, "coefs_"):
        return sum(a.nbytes for a in (*model.coefs_, *model.intercepts_))
    return model.coef_.nbytes + np.asarray(model.intercept_).nbytes


# ---------------------------------------------------------------------- mnist
def section_mnist(settings, mnist_dir, threads):
    from sklearn.model_selection import train_test_split

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
        "sknn SoftmaxGD": lambda seed: sknn_linear("SoftmaxGD", "auto", epochs, seed),
        "sknn LogisticRegressionGD": lambda seed: sknn_linear(
            "LogisticRegressionGD", "auto", epochs, seed
        ),
        SGD_NAME: lambda seed: sgd_classifier(epochs, seed),
    }
    with blas_threads(threads):
        print(f"\n== mnist: test accuracy, mean over seeds {settings['accuracy_seeds']} ({config})")
        print(f"   {machine_line()}")
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


# ---------------------------------------------------------------------- solvers
SOLVERS = ["sgd", "adam", "lbfgs"]
#: The network and batch of the solvers section: 784-64-10, ReLU, float32.
SOLVER_HIDDEN = (64,)
SOLVER_BATCH = 128
TORCH_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "lbfgs": "LBFGS (strong Wolfe)"}


def _solver_model_name(library, solver):
    if library == "torch":
        return f"PyTorch {TORCH_OPTIMIZERS[solver]}"
    return f"{MLP_CONTENDERS[library]}(solver={solver!r})"


def _stochastic_factory(library, solver, epochs, seed):
    """A model of a stochastic solver: ``epochs`` epochs by fit, or one by partial_fit."""
    args = (SOLVER_HIDDEN, SOLVER_BATCH, epochs)
    if library == "sknn":
        return sknn_mlp(*args, seed, solver=solver)
    if library == "sklearn":
        # A RandomState, not an int: MLPClassifier re-seeds an int random_state at every
        # call of partial_fit, which would shuffle every epoch in the same order.
        return sklearn_mlp(*args, np.random.RandomState(seed), solver=solver)
    return TorchMLP(*args, seed, solver=solver)


def _lbfgs_factory(library, n_train, seed, max_iter):
    """A model whose fit runs ``max_iter`` L-BFGS iterations on the whole training set."""
    args = (SOLVER_HIDDEN, SOLVER_BATCH, max_iter, seed)
    if library == "sknn":
        return sknn_mlp(*args, solver="lbfgs", n_train=n_train)
    if library == "sklearn":
        return sklearn_mlp(*args, solver="lbfgs")
    return TorchMLP(*args, solver="lbfgs")


def _solver_datasets(settings, mnist_dir):
    """(label, X, y) of each data set: the synthetic one, and MNIST with --mnist-dir."""
    n_samples = settings["solver_samples"]
    X, y = make_data(n_samples, seed=2)
    datasets = [(f"synthetic {n_samples} x 784", X, y)]
    if mnist_dir:
        X, y = load_mnist(mnist_dir)
        label = f"MNIST {Path(mnist_dir).name}"
        if settings["solver_mnist_slice"]:
            X, y = X[:n_samples], y[:n_samples]
            label += f" (first {n_samples})"
        datasets.append((label, X, y))
    return datasets


def section_solvers(settings, mnist_dir, threads, use_torch):
    """Time to a target accuracy, and seconds per epoch, of sknn's three solvers against
    scikit-learn's and PyTorch's; return the JSON rows and one Adam-margin record per
    data set."""
    from sklearn.model_selection import train_test_split

    libraries = ["sknn", "sklearn"] + (["torch"] if use_torch else [])
    rows, margins = [], []
    for label, X, y in _solver_datasets(settings, mnist_dir):
        X_train, X_validation, y_train, y_validation = train_test_split(
            X, y, test_size=0.2, stratify=y, random_state=0
        )
        config = (
            f"{label}, {X_train.shape[0]} train / {X_validation.shape[0]} validation "
            f"(stratified), {X.dtype}, hidden {SOLVER_HIDDEN} relu, {_threads_label(threads)}"
        )
        with blas_threads(threads):
            machine = machine_line()
            target_rows = _time_to_target(
                settings, config, machine, libraries, X_train, y_train, X_validation, y_validation
            )
            # The same ratios from the trajectories' epochs (partial_fit, interleaved epoch
            # by epoch): a second look at the margin, with other noise.
            per_step = {
                (row["library"], row["solver"]): row["seconds_per_step"] for row in target_rows
            }
            trajectory_ratios = {
                solver: per_step["sknn", solver] / per_step["sklearn", solver]
                for solver in ("sgd", "adam")
            }
            epoch_rows, margin = _solver_epochs(
                settings, label, config, machine, libraries, X_train, y_train, trajectory_ratios
            )
            rows += target_rows + epoch_rows
            margins.append(margin)
    return rows, margins


def _time_to_target(settings, config, machine, libraries, X, y, X_validation, y_validation):
    """Race the trajectories of every library and solver; print and return the rows."""
    epochs, n_train = settings["solver_epochs"], X.shape[0]
    ladder = iteration_ladder(settings["solver_lbfgs_iterations"])
    trainers = {}
    for library in libraries:
        for solver in SOLVERS:
            name = _solver_model_name(library, solver)
            if solver == "lbfgs":
                trainers[name] = LadderTrainer(partial(_lbfgs_factory, library, n_train, 0), ladder)
            else:
                trainers[name] = EpochTrainer(
                    partial(_stochastic_factory, library, solver, epochs, 0), epochs
                )
    trajectories = race_trajectories(
        trainers, X, y, X_validation, y_validation, pause=settings["pause"]
    )
    best = {
        name: max(point["accuracy"] for point in points) for name, points in trajectories.items()
    }
    target = min(best.values())
    # One standard error of an accuracy measured on n validation samples: accuracies
    # closer than this are not told apart, and the target, some contender's best, can
    # lie on its plateau, where the first epoch that touches it is chance.
    standard_error = math.sqrt(target * (1 - target) / X_validation.shape[0])
    relaxed_target = target - standard_error
    table = solvers_table(
        f"solvers: time to {100 * target:.2f} % validation accuracy (and to "
        f"{100 * relaxed_target:.2f} %, one standard error less), {config}",
        machine,
    )
    rows = []
    for library in libraries:
        for solver in SOLVERS:
            name = _solver_model_name(library, solver)
            points, unit = trajectories[name], trainers[name].unit
            reference = trajectories[_solver_model_name("sklearn", solver)]
            if unit == "epochs":
                epoch_seconds = np.diff([0.0] + [point["seconds"] for point in points])
                per_step = float(np.median(epoch_seconds))
            else:
                per_step = points[-1]["seconds"] / max(points[-1]["steps"], 1)
            row = {
                "section": "solvers",
                "config": config,
                "machine": machine,
                "model": name,
                "library": library,
                "solver": solver,
                "unit": unit,
                "budget": trainers[name].budget,
                "trajectory": points,
                "best_accuracy": best[name],
                "seconds_per_step": per_step,
                "reference": _solver_model_name("sklearn", solver),
                "ratio_of": "this / reference, seconds to target",
            }
            for key, accuracy in (("target", target), ("relaxed_target", relaxed_target)):
                point = time_to_target(points, accuracy)
                row[f"{key}_accuracy"] = accuracy
                row[f"steps_to_{key}"] = f"{point['steps']} {unit}"
                row[f"seconds_to_{key}"] = point["seconds"]
                ratio = point["seconds"] / time_to_target(reference, accuracy)["seconds"]
                suffix = "" if key == "target" else "_relaxed"
                row[f"ratio_to_sklearn{suffix}"] = None if library == "sklearn" else ratio
            table.row(row)
            rows.append(row)
    _print_note(
        "target: the lowest of the contenders' best validation accuracies; 1 SE less: "
        f"less one standard error of an accuracy on {X_validation.shape[0]} samples, "
        f"sqrt(p (1 - p) / n) = {100 * standard_error:.2f} points. sgd (lr "
        f"{LEARNING_RATES['sgd']}, Nesterov momentum 0.9) and adam (lr {LEARNING_RATES['adam']}): "
        f"batch {SOLVER_BATCH}, up to {epochs} epochs by partial_fit; lbfgs: fits from scratch "
        f"of {', '.join(map(str, ladder))} iterations. Seconds of training only (lbfgs: of "
        "the first fit that reaches the target); / sklearn: over scikit-learn's with the "
        "same solver; s / step: median seconds per epoch, or per iteration of the longest "
        "fit"
    )
    return rows


def _print_note(text):
    """A table's note, wrapped and indented under it."""
    print(textwrap.fill(text, width=100, initial_indent="   ", subsequent_indent="   "))


def _solver_epochs(settings, label, config, machine, libraries, X, y, trajectory_ratios):
    """Seconds per epoch of sgd and adam, by race() of whole fits; the Adam margin.

    ``trajectory_ratios`` are sknn's over scikit-learn's median epoch of partial_fit in
    the trajectories, per solver: printed beside the margin, not judged.
    """
    epochs, repeats = settings["solver_race_epochs"], settings["solver_race_repeats"]
    factories = {
        (library, solver): partial(_stochastic_factory, library, solver, epochs, 0)
        for solver in ("sgd", "adam")
        for library in libraries
    }
    results = race(factories, X, y, repeats, pause=settings["pause"])
    table = solver_epochs_table(
        f"solvers: seconds per epoch, {config}, batch {SOLVER_BATCH}, {epochs} epoch(s) per "
        f"fit, median of {repeats} fits; and sknn's over each",
        machine,
        "torch" in libraries,
    )
    rows, ratios = [], {}
    for solver in ("sgd", "adam"):
        seconds = {library: results[library, solver]["median"] / epochs for library in libraries}
        summary = {"solver": solver, **seconds}
        for library in libraries[1:]:
            summary[f"ratio_{library}"] = seconds["sknn"] / seconds[library]
        ratios[solver] = summary["ratio_sklearn"]
        table.row(summary)
        for library in libraries:
            row = {
                "section": "solvers",
                "config": f"{config}, batch {SOLVER_BATCH}",
                "machine": machine,
                "model": _solver_model_name(library, solver),
                "seconds_per_epoch": seconds[library],
                "seconds_all_fits": results[library, solver]["times"],
                "epochs": epochs,
                "accuracy": None,
            }
            if library != "sknn":
                row["reference"] = row["model"]
                row["ratio"] = summary[f"ratio_{library}"]
                row["ratio_of"] = f"{_solver_model_name('sknn', solver)} / this"
            rows.append(row)
    margin = {
        "section": "solvers",
        "config": label,
        "adam": ratios["adam"],
        "sgd": ratios["sgd"],
        "holds": ratios["adam"] <= ratios["sgd"],
        "trajectory_adam": trajectory_ratios["adam"],
        "trajectory_sgd": trajectory_ratios["sgd"],
    }
    print(adam_margin(margin))
    return rows, margin


# ---------------------------------------------------------------------- gpu
#: The gpu section's grid, float32 and relu: the mlp section's network and a wide one
#: whose products can fill a GPU, at the mlp section's batch and a large one.
GPU_HIDDEN = [(64,), (1024, 1024)]
GPU_BATCHES = [128, 1024]


def gpu_contenders(device):
    """The gpu section's contenders on ``device``: role -> name in tables and JSON."""
    return {
        "sknn": f"sknn MLPClassifierGD (torch, {device})",
        "numpy": "sknn MLPClassifierGD (NumPy, CPU)",
        "torch": f"PyTorch SGD ({device})",
    }


def gpu_configs(device, threads):
    return [
        {
            "dtype": "float32",
            "batch_size": batch_size,
            "activation": "relu",
            "hidden": hidden,
            "threads": threads,
            "device": device,
            "label": f"float32, batch {batch_size}, relu, hidden {hidden}, {device}, "
            + _threads_label(threads),
        }
        for hidden in GPU_HIDDEN
        for batch_size in GPU_BATCHES
    ]


def gpu_unavailable(device, use_torch):
    """Why the gpu section cannot run on ``device`` here, as the line to print; or None."""
    if not use_torch:
        return (
            "gpu: skipped: no PyTorch (not installed, or left out by --no-torch); run on a "
            "machine with an NVIDIA GPU and torch with CUDA"
        )
    import torch

    if torch.device(device).type == "cuda" and not torch.cuda.is_available():
        build = (
            "a CPU-only build"
            if torch.version.cuda is None
            else f"built for CUDA {torch.version.cuda}"
        )
        return (
            "gpu: skipped: no CUDA device (torch.cuda.is_available() is False; torch "
            f"{torch.__version__}, {build}); run on a machine with an NVIDIA GPU and torch "
            "with CUDA"
        )
    return None


def gpu_line(device):
    """What a timing on ``device`` depends on beyond the CPU: the GPU, torch and its build,
    and whether float32 products may round to TF32 (both torch contenders share it)."""
    import torch

    line = f"torch {torch.__version__}"
    if torch.device(device).type == "cuda":
        index = torch.device(device).index
        index = torch.cuda.current_device() if index is None else index
        line = f"GPU {torch.cuda.get_device_name(index)}; {line} (CUDA {torch.version.cuda})"
    else:
        line = f"no GPU: a dry run on torch CPU tensors; {line}"
    return line + f", float32 matmul precision {torch.get_float32_matmul_precision()!r}"


def _device_checks(results, device):
    """Where the race's last models trained: sknn's fitted ``coefs_[0]`` as text, e.g.
    "Tensor cuda:0", and what is not where it should be (None if all is)."""
    import torch

    expected = torch.device(device).type
    problems = []
    coef = results["sknn"]["model"].model.coefs_[0]
    where = getattr(coef, "device", "cpu")
    trained_on = f"{type(coef).__name__} {where}"
    if not isinstance(coef, torch.Tensor) or coef.device.type != expected:
        problems.append(
            f"sknn on torch: coefs_[0] is a {type(coef).__module__}.{type(coef).__name__} on "
            f"{where}, not a torch tensor on {device}: the fit did not run there"
        )
    elif coef.dtype != torch.float32:
        problems.append(f"sknn on torch trained in {coef.dtype}, not float32")
    if not isinstance(results["numpy"]["model"].coefs_[0], np.ndarray):
        problems.append("sknn on NumPy: coefs_[0] is not a NumPy array")
    weight = results["torch"]["model"].weights[0]
    if weight.device.type != expected:
        problems.append(f"PyTorch's weights are on {weight.device}, not on {device}")
    return trained_on, "; ".join(problems) or None


def section_gpu(settings, device, threads, use_torch, match=()):
    """sknn on torch tensors on ``device`` ("cuda"; "cpu" for a dry run without a GPU)
    against sknn on NumPy on the CPU and PyTorch's own loop on ``device``.

    Returns the JSON rows; none, after one line that says why, when ``device`` is a CUDA
    device and there is none (or no PyTorch).
    """
    reason = gpu_unavailable(device, use_torch)
    if reason:
        print(reason)
        return []
    import torch

    epochs, repeats, n_samples = settings["epochs"], settings["repeats"], settings["n_samples"]
    configs = _selected("gpu", gpu_configs(device, threads), match)
    if not configs:
        return []
    device_type = torch.device(device).type
    names = gpu_contenders(device)
    X, y = make_data(n_samples)  # float32
    # On the device before the race: the copy from the host is not part of a fit.
    X_device, y_device = torch.asarray(X, device=device), torch.asarray(y, device=device)
    on_device = {"sknn": (X_device, y_device), "torch": (X_device, y_device)}
    # CUDA runs asynchronously: a fit's time is known once the work it queued is done.
    synchronize = partial(torch.cuda.synchronize, device) if device_type == "cuda" else None
    dry_run = "" if device_type == "cuda" else "DRY RUN, no GPU (--gpu-device cpu): "
    rows = []
    with blas_threads(threads):
        machine = f"{machine_line()}; {gpu_line(device)}"
        table = gpu_table(
            f"gpu: {dry_run}{n_samples} x 784, 10 classes, float32, relu, {epochs} epoch(s) per "
            f"fit, median of {repeats} fits; seconds per epoch, and sknn on torch's over the others'",
            machine,
            device_type,
        )
        for config in configs:
            args = (config["hidden"], config["batch_size"], epochs, 0)
            factories = {
                "sknn": partial(sknn_mlp_dispatched, *args),
                "numpy": partial(sknn_mlp, *args),
                "torch": partial(TorchMLP, *args, device=device),
            }
            results = race(
                factories,
                X,
                y,
                repeats,
                pause=settings["pause"],
                data=on_device,
                synchronize=synchronize,
            )
            seconds = {role: results[role]["median"] / epochs for role in factories}
            trained_on, device_check = _device_checks(results, device)
            summary = {
                "section": "gpu",
                "config": config["label"],
                "model": names["sknn"],
                **{key: value for key, value in config.items() if key != "label"},
                **seconds,
                "ratio_torch": seconds["sknn"] / seconds["torch"],
                "ratio_numpy": seconds["sknn"] / seconds["numpy"],
                "trained_on": trained_on,
                "device_check": device_check,
            }
            table.row(summary)
            if device_check:
                print(f"   ! {device_check}")
            keys = {role: role for role in factories}
            rows += _contender_rows(summary, machine, results, keys, names, epochs)
    _print_note(
        f"sknn numpy: {names['numpy']}, on NumPy arrays; sknn {device_type}: the same "
        f"estimator fitted on X and y as torch tensors on {device}, inside "
        "sklearn.config_context(array_api_dispatch=True); torch "
        f"{device_type}: {names['torch']}, PyTorch's own training loop. All train the same "
        "network from Glorot's uniform weights (the torch MLP also draws its intercepts, "
        f"which sknn starts at zero) by SGD (lr {LEARNING_RATES['sgd']}, "
        "Nesterov momentum 0.9) with the same L2 penalty. The tensors are on the device "
        "before each fit (the copy is not timed)"
        + ("; CUDA is synchronised before each reading of the clock" if synchronize else "")
        + ". sknn's coefs_[0]: the type and device of its fitted weights, where the fit ran"
        + (
            ". A dry run: torch on the CPU, to check the section end to end; not GPU timings"
            if dry_run
            else ""
        )
    )
    return rows
