"""sknn before and after a change, head to head: whole fits, in several processes.

    python benchmarks/before_after.py [--commit 620cc3b] [--processes 6] [--fits 3]
                                      [--match TEXT ...]

Extracts the package ``sknn`` as it was at ``--commit`` (``git archive``) into a
temporary folder, as the package ``sknn_before``, and races it against the working
tree's ``sknn``, scikit-learn's MLPClassifier (or SGDClassifier) and the floor (the
same epochs' matrix products and row gathers alone, ``floor.py``), on the suite's data
and settings (``contenders.py``), with one BLAS thread.

Why several processes: where the buffers of a fit land in memory changes its speed
by several per cent from one process to the next (the same code, the same data), so
one process's ratio is one draw. Each configuration runs in ``--processes`` fresh
processes, each racing the four ``--fits`` times in turn
(:func:`race.race`); the table prints the median over the processes of each
process's ratio, and the lowest and highest.

The last section times the optimizer's step alone, as each version computes it,
on the parameter vector of a 784-64-10 network, the penalty's value and gradient
included: the textbook in-place updates after ``Objective.add_penalty`` (after), and,
for a commit that had it, the one ``(n, 3) x (3, 2)`` matrix product that folds the
penalty's gradient into the momentum step (``SGDMomentum``, before).
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import timeit
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

#: (label, model, dtype, batch, hidden, activation): the head-to-head configurations;
#: the first five run by default, the others when ``--match`` selects them.
CONFIGURATIONS = [
    ("MLP float32 batch 128 (64,)", "mlp", "float32", 128, (64,), "relu"),
    ("MLP float32 batch 32 (64,)", "mlp", "float32", 32, (64,), "relu"),
    ("MLP float64 batch 128 (64,)", "mlp", "float64", 128, (64,), "relu"),
    ("MLP float32 batch 128 (64, 64)", "mlp", "float32", 128, (64, 64), "relu"),
    ("SoftmaxGD float32 batch 128", "SoftmaxGD", "float32", 128, (), None),
    ("MLP sigmoid float32 batch 128 (64,)", "mlp", "float32", 128, (64,), "sigmoid"),
    ("MLP sigmoid float32 batch 32 (64,)", "mlp", "float32", 32, (64,), "sigmoid"),
    ("MLP sigmoid float64 batch 128 (64,)", "mlp", "float64", 128, (64,), "sigmoid"),
    ("LogisticRegressionGD float32 batch 128", "LogisticRegressionGD", "float32", 128, (), None),
    ("LogisticRegressionGD float32 batch 32", "LogisticRegressionGD", "float32", 32, (), None),
    ("LogisticRegressionGD float64 batch 128", "LogisticRegressionGD", "float64", 128, (), None),
]
DEFAULT = 5
EPOCHS = 3


def extract(commit, folder):
    """``sknn`` at ``commit`` as the package ``sknn_before`` in ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "sknn"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    shutil.move(folder / "sknn", folder / "sknn_before")


def import_before(folder):
    """The package ``sknn_before`` that :func:`extract` wrote into ``folder``."""
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    import sknn_before

    return sknn_before


def factories(index, before_folder):
    """The four contenders of configuration ``index``, as factories of unfitted models."""
    sknn_before = import_before(before_folder)
    from contenders import sgd_classifier, sklearn_mlp, sknn_linear, sknn_mlp
    from floor import Floor

    _, model, _, batch, hidden, activation = CONFIGURATIONS[index]
    if model == "mlp":

        def after():
            return sknn_mlp(hidden, batch, EPOCHS, 0, activation)

        def reference():
            return sklearn_mlp(hidden, batch, EPOCHS, 0, activation)

    else:

        def after():
            return sknn_linear(model, batch, EPOCHS, 0)

        def reference():
            return sgd_classifier(EPOCHS, 0)

    def before():
        # The same settings, as far as the older version has them.
        cls = getattr(sknn_before, type(after()).__name__)
        known = cls().get_params()
        return cls(**{k: v for k, v in after().get_params().items() if k in known})

    def floor():
        return Floor(hidden, batch, EPOCHS)

    return {"before": before, "after": after, "scikit-learn": reference, "floor": floor}


def child(index, fits, before_folder):
    """One process: race the four contenders; print their medians (s/epoch) as JSON."""
    from data import make_data
    from race import race
    from threadpoolctl import threadpool_limits

    warnings.simplefilter("ignore")
    dtype = CONFIGURATIONS[index][2]
    X, y = make_data(60000, dtype=np.dtype(dtype))
    contenders = factories(index, before_folder)
    for make in contenders.values():
        make()  # every library loaded (SciPy's OpenBLAS, OpenMP): the limit reaches them
    with threadpool_limits(1):
        result = race(contenders, X, y, fits)
    print(json.dumps({name: entry["median"] / EPOCHS for name, entry in result.items()}))


def step_times(before_folder):
    """Microseconds per optimizer step (penalty's gradient included), each version's way."""
    sknn_before = import_before(before_folder)
    from threadpoolctl import threadpool_limits

    from sknn._objective import Objective
    from sknn._optimizers import SGD
    from sknn._parameters import Parameters

    shapes, eta, mu, alpha = [(784, 64), (64, 10)], 0.01, 0.9, 1e-4
    rows = []
    for dtype in (np.float32, np.float64):
        params = Parameters(shapes, dtype)
        params.flat[...] = np.random.default_rng(0).normal(size=params.flat.shape)
        grads, gradient = params.like(), params.flat.copy() * 1e-3
        sgd, objective = (
            SGD(np.zeros_like(params.flat), eta, eta, mu, True),
            Objective(None, None, alpha),
        )

        def textbook(params=params, grads=grads, gradient=gradient, sgd=sgd, objective=objective):
            grads.flat[...] = gradient  # (the step overwrites it; the copy is timed apart)
            objective.add_penalty(params, grads, 0.0)
            sgd.step(params.flat, grads.flat)

        def copy_only(grads=grads, gradient=gradient):
            grads.flat[...] = gradient

        entry = {"dtype": np.dtype(dtype).name, "n": params.flat.shape[0]}
        with threadpool_limits(1):
            entry["after"] = _microseconds(textbook) - _microseconds(copy_only)
            fused = getattr(getattr(sknn_before, "_optimizers", None), "SGDMomentum", None)
            if fused is not None:
                optimizer = fused(
                    params.flat, np.zeros_like(params.flat), eta, mu, True, alpha, params.n_weights
                )

                def before(optimizer=optimizer, weights=params.weight_vector):
                    alpha * float(weights @ weights)  # (the penalty's value, as the loop had it)
                    optimizer.step()

                entry["before"] = _microseconds(before)
        rows.append(entry)
    return rows


def _microseconds(function, number=2000):
    return min(timeit.repeat(function, number=number, repeat=7)) / number * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default="620cc3b", help="the version before (a git revision)")
    parser.add_argument("--processes", type=int, default=6)
    parser.add_argument("--fits", type=int, default=3, help="timed fits per model and process")
    parser.add_argument(
        "--match",
        action="append",
        default=[],
        help="run the configurations whose label contains this text (repeatable: all "
        "must match); without it, the first five",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--before-folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child, args.fits, Path(args.before_folder))

    import sklearn
    from race import machine_line
    from threadpoolctl import threadpool_limits

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        extract(args.commit, folder)
        print(
            f"sknn before ({args.commit}) and after (working tree), head to head; "
            f"numpy {np.__version__}, scikit-learn {sklearn.__version__}"
        )
        with threadpool_limits(1):
            print(machine_line())
        print(
            f"60000 x 784, 10 classes, {EPOCHS} epochs per fit; {args.fits} fits per model "
            f"in each of {args.processes} processes; s/epoch: median over the processes of each "
            "process's median; ratios: median over the processes [lowest, highest]"
        )
        pairs = [
            ("after", "before"),
            ("before", "scikit-learn"),
            ("after", "scikit-learn"),
            ("before", "floor"),
            ("after", "floor"),
        ]
        names = {"scikit-learn": "sklearn"}
        header = f"{'configuration':40s} {'before':>7s} {'after':>7s} {'sklearn':>7s} {'floor':>7s}"
        ratios = [f"{a}/{names.get(b, b)}" for a, b in pairs]
        print(header + "".join(f"  {ratio:>20s}" for ratio in ratios))
        for index in selected(args.match):
            label = CONFIGURATIONS[index][0]
            runs = []
            for _ in range(args.processes):
                command = [sys.executable, __file__, "--child", str(index), "--fits"]
                command += [str(args.fits), "--before-folder", str(folder)]
                output = subprocess.run(command, check=True, capture_output=True, text=True)
                runs.append(json.loads(output.stdout.strip().splitlines()[-1]))
            seconds = {name: np.median([run[name] for run in runs]) for name in runs[0]}
            cells = [_spread([run[a] / run[b] for run in runs]) for a, b in pairs]
            times = " ".join(
                f"{seconds[name]:7.4f}" for name in ("before", "after", "scikit-learn", "floor")
            )
            print(f"{label:40s} {times}" + "".join(f"  {cell:>20s}" for cell in cells), flush=True)
        print("\noptimizer step alone (SGD, Nesterov, with the penalty's gradient), 1 thread, us:")
        for row in step_times(folder):
            before = f"{row['before']:.1f}" if "before" in row else "(no fused step)"
            print(
                f"  {row['dtype']}, {row['n']} parameters: before {before}, after {row['after']:.1f}"
            )


def selected(match):
    """Indices of the configurations whose label contains every text of ``match``; the
    first ``DEFAULT`` when ``match`` is empty."""
    if not match:
        return range(DEFAULT)
    labels = [label for label, *_ in CONFIGURATIONS]
    return [i for i, label in enumerate(labels) if all(text in label for text in match)]


def _spread(ratios):
    return f"{np.median(ratios):.3f} [{min(ratios):.3f}, {max(ratios):.3f}]"


if __name__ == "__main__":
    main()
