"""Where the time above the floor goes: whole fits with the pieces of a step taken out.

    python benchmarks/where_time_goes.py [--processes 3] [--fits 3] [--match TEXT ...]

Timing a piece of the training step alone (the optimizer's update, say) says what it
costs in a loop of its own, not what it adds to a fit, where it shares the caches and
the branch predictors with the matrix products. This tool measures the second: it
races whole fits of the MLP with the pieces of the step removed one after the other,
and the floor (the same epochs' matrix products and row gathers alone, ``floor.py``),
taking turns in one process (:func:`race.race`), with one BLAS thread:

1. ``sknn``: MLPClassifierGD as the suite fits it (``contenders.sknn_mlp``);
2. ``- penalty``: the same with ``alpha=0`` (no ``alpha ||W||^2``, no ``2 alpha W``);
3. ``- step``: and the optimizer's step a no-op (the weights stay where they start);
4. ``- activation``: and ``activation="identity"`` (no ``f(z)``, no ``f'(z)``);
5. ``- loss``: and the output unit's ``loss_gradient`` a no-op (the logits go back as
   ``dC/dZ``, where the softmax, the loss and ``(P - Y) / N`` were);
6. ``floor``.

The *removed* columns, on the row that takes a piece out, are what that piece added:
the row above it less this row, with the pieces below still in. On the floor row they
are what is left beside the products: the intercepts (their addition and the ``1^T
delta`` products), the Python of the forward and backward passes and of the epoch loop
beyond the floor's, and what a fit does once, before and after its epochs (the checks
of X and y, the labels, the initialisation), which a short fit spreads over few steps.
The line under the table times that last part apart: a fit with ``max_iter=0``
(everything but the epochs), its time divided by the steps of the other fits (the
floor's own one-time work, drawing its weights and allocating its buffers, is not
taken off it). Removing a piece changes only the work, not the products: the weights
and batches keep their shapes, and no value leaves ordinary floating-point range (the
fits from row 3 on never move from their initial weights).

Where the buffers of a fit land in memory changes its speed by a few per cent from
one process to the next, so each configuration runs in ``--processes`` fresh
processes; the table prints the median over the processes of each process's median
time per step, and the medians over the processes of each process's ratio and
difference (so the removed columns need not add up exactly), and the spread of the
total.

This is a measurement tool, not a test: it patches two private methods of sknn
(``SGD.step`` and ``Softmax.loss_gradient``) for the fits of rows 3 to 5 only.
"""

import argparse
import json
import subprocess
import sys
import warnings
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

#: (label, dtype, batch, hidden, activation)
CONFIGURATIONS = [
    ("MLP relu float32 batch 128 (64,)", "float32", 128, (64,), "relu"),
    ("MLP relu float32 batch 32 (64,)", "float32", 32, (64,), "relu"),
    ("MLP relu float64 batch 128 (64,)", "float64", 128, (64,), "relu"),
    ("MLP relu float64 batch 32 (64,)", "float64", 32, (64,), "relu"),
    ("MLP sigmoid float32 batch 128 (64,)", "float32", 128, (64,), "sigmoid"),
    ("MLP sigmoid float32 batch 32 (64,)", "float32", 32, (64,), "sigmoid"),
]
ROWS = ["sknn", "- penalty", "- step", "- activation", "- loss", "floor"]
EPOCHS = 2
N_SAMPLES = 60000


def _no_step(self, params, grads):
    """The optimizer's step, taken out: the weights stay as they are."""


def _no_loss(self, Z, y, sample_weight=None):
    """The output unit's loss and gradient, taken out: ``Z`` (the logits) goes back as
    ``dC/dZ``, a finite array of the right shape, and the loss is 0."""
    return 0.0


class Without:
    """A model fitted with some of sknn's methods replaced (``patches``: (target, new))."""

    def __init__(self, model, patches):
        self.model = model
        self.patches = patches

    def fit(self, X, y):
        with ExitStack() as stack:
            for target, new in self.patches:
                stack.enter_context(mock.patch(target, new))
            self.model.fit(X, y)
        return self


def factories(index):
    """The six rows of configuration ``index``, and the ``max_iter=0`` fit, as factories
    of unfitted models."""
    from contenders import sknn_mlp
    from floor import Floor

    _, _, batch, hidden, activation = CONFIGURATIONS[index]
    step = ("sknn._optimizers.SGD.step", _no_step)
    loss = ("sknn._losses.Softmax.loss_gradient", _no_loss)

    def model(activation=activation, alpha=None):
        estimator = sknn_mlp(hidden, batch, EPOCHS, 0, activation)
        return estimator if alpha is None else estimator.set_params(alpha=alpha)

    return {
        "sknn": model,
        "- penalty": lambda: model(alpha=0.0),
        "- step": lambda: Without(model(alpha=0.0), [step]),
        "- activation": lambda: Without(model("identity", alpha=0.0), [step]),
        "- loss": lambda: Without(model("identity", alpha=0.0), [step, loss]),
        "floor": lambda: Floor(hidden, batch, EPOCHS),
        "once per fit": lambda: model().set_params(max_iter=0),
    }


def child(index, fits):
    """One process: race the rows; print their medians (seconds per step) as JSON."""
    from data import make_data
    from race import race
    from threadpoolctl import threadpool_limits

    warnings.simplefilter("ignore")  # (the fits stop at max_iter on purpose)
    _, dtype, batch, _, _ = CONFIGURATIONS[index]
    X, y = make_data(N_SAMPLES, dtype=np.dtype(dtype))
    steps = EPOCHS * -(-N_SAMPLES // batch)
    with threadpool_limits(1):
        result = race(factories(index), X, y, fits)
    print(json.dumps({name: entry["median"] / steps for name, entry in result.items()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--fits", type=int, default=3, help="timed fits per row and process")
    parser.add_argument(
        "--match",
        action="append",
        default=[],
        help="run the configurations whose label contains this text (repeatable: all must "
        "match); without it, all",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child, args.fits)

    import sklearn
    from race import machine_line
    from threadpoolctl import threadpool_limits

    versions = f"numpy {np.__version__}, sklearn {sklearn.__version__}"
    print(f"Where the time above the floor goes; {versions}")
    with threadpool_limits(1):
        print(machine_line())
    print(
        f"{N_SAMPLES} x 784, 10 classes, {EPOCHS} epochs per fit, {args.fits} fits per row in "
        f"each of {args.processes} processes; us per step: median over the processes of each "
        "process's median; removed: the row above less this one, in us per step and as a "
        "share of the floor (medians over the processes)"
    )
    labels = [label for label, *_ in CONFIGURATIONS]
    chosen = [i for i, label in enumerate(labels) if all(text in label for text in args.match)]
    for index in chosen:
        runs = []
        for _ in range(args.processes):
            command = [sys.executable, __file__, "--child", str(index), "--fits", str(args.fits)]
            output = subprocess.run(command, check=True, capture_output=True, text=True)
            runs.append(json.loads(output.stdout.strip().splitlines()[-1]))
        print(f"\n{labels[index]}")
        print(f"  {'row':14s} {'us/step':>8s} {'/ floor':>8s} {'removed us':>11s} {'/ floor':>8s}")
        for above, row in zip([None, *ROWS], ROWS):
            per_step = float(np.median([run[row] for run in runs])) * 1e6
            ratio = float(np.median([run[row] / run["floor"] for run in runs]))
            removed = ""
            if above is not None:
                gone = float(np.median([run[above] - run[row] for run in runs])) * 1e6
                share = float(np.median([(run[above] - run[row]) / run["floor"] for run in runs]))
                removed = f" {gone:11.1f} {share:8.3f}"
            print(f"  {row:14s} {per_step:8.1f} {ratio:8.3f}{removed}")
        once = float(np.median([run["once per fit"] for run in runs])) * 1e6
        share = float(np.median([run["once per fit"] / run["floor"] for run in runs]))
        print(
            f"  of the floor row's removed, once per fit (max_iter=0): {once:.1f} us per step, "
            f"{share:.3f} of the floor"
        )
        totals = [run["sknn"] / run["floor"] for run in runs]
        print(f"  sknn / floor over the processes: [{min(totals):.3f}, {max(totals):.3f}]")


if __name__ == "__main__":
    main()
