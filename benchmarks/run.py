"""Benchmarks of sknn against its floor, scikit-learn, and PyTorch when it is installed.

Every model in a comparison is fitted on the same data in this one process, the
models taking turns (the order rotates from one repeat to the next), after a
warm-up fit of each. Tables show the median seconds per epoch over the repeats and
sknn's time over each other contender's: below 1 means sknn is faster. The floor
(``floor.py``) is the same epoch's matrix products and row gathers alone, so
``sknn / floor`` is what sknn spends beyond them (1 would be nothing).

    python benchmarks/run.py --quick                  # a smoke run (1 BLAS thread), well
                                                      # under a minute
    python benchmarks/run.py --full                   # the tables of docs/performance.rst
    python benchmarks/run.py --full --check           # and list the configurations that
                                                      # miss the targets (exit status 1)
    python benchmarks/run.py --sections mlp --match "batch 32" --match "1 thread"
    python benchmarks/run.py --mnist-dir ../shared/data/mnist-t10k   # real data: accuracy,
                                                      # and the solvers on MNIST too
    python benchmarks/run.py --sections solvers --mnist-dir ../shared/data/mnist-t10k
    python benchmarks/run.py --sections gpu           # on a machine with a CUDA GPU

Sections: ``mlp`` (MLPClassifierGD against its floor, MLPClassifier(solver="sgd")
and PyTorch: float32/float64 x batch 128/32 x relu/sigmoid, hidden (64,), and
(64, 64)), ``linear`` (SoftmaxGD and LogisticRegressionGD against their floor and
SGDClassifier(log_loss), and one LogisticRegression fit), both at each BLAS thread
count of --threads; ``scaling`` (time against n_samples and hidden width),
``memory`` (peak resident memory that fit adds, 784-64-10 and 784-1024-1024-10
MLPs against MLPClassifier at the same batch size), ``mnist`` (accuracy on real
data, with --mnist-dir) and ``solvers`` (sknn's solvers "sgd", "adam" and "lbfgs"
against scikit-learn's and PyTorch's SGD, Adam and L-BFGS, 784-64-10 ReLU, float32:
the seconds of training until the validation accuracy first reaches the best that
every contender reaches, on the synthetic data and, with --mnist-dir, on MNIST; and
the seconds per epoch of sgd and adam, with whether sknn's Adam beats
scikit-learn's by at least SGD's margin) and ``gpu`` (MLPClassifierGD fitted on
CUDA tensors under array API dispatch, against itself on NumPy and PyTorch's own
loop on the same GPU: float32, relu, hidden (64,) and (1024, 1024) x batch 128 and
1024; at the largest of --threads, else every CPU, as the CPU's best against the
GPU; it skips with one line when there is no CUDA device). Results are also
written as JSON under benchmarks/results/.

Every table states the CPU, NumPy's BLAS with its kernel and the threads it ran
with. The OpenBLAS kernel matters: run with ``env -u OPENBLAS_CORETYPE -u
OPENBLAS_L2_SIZE`` to let OpenBLAS pick the kernel for the CPU.
"""

import os

# The gpu section fits sknn on torch tensors under sklearn's array_api_dispatch=True,
# which scikit-learn refuses unless SciPy's own Array API support is on; SciPy reads
# SCIPY_ARRAY_API once, when it is first imported. So it is set here, before anything
# imports SciPy or scikit-learn (a value already in the environment is kept). It is
# process-wide: the other sections run with it too, on NumPy arrays without dispatch,
# and every run states it (environment(), and the header below).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from contenders import torch_available  # noqa: E402
from race import environment  # noqa: E402
from report import check_adam_margins, check_targets  # noqa: E402
from sections import (  # noqa: E402
    memory_child,
    section_gpu,
    section_linear,
    section_memory,
    section_mlp,
    section_mnist,
    section_scaling,
    section_solvers,
)

MODES = {
    # BLAS threads and n_samples of the mlp and linear sections, their epochs per fit,
    # repeats after one warm-up, the scaling grids, the memory section's samples for 784-1024-1024-10 (the
    # other cases use n_samples) and whether PyTorch is in it, the MNIST epochs, the
    # seeds that accuracies are averaged over, and the solvers section's samples (of the
    # synthetic data, and of MNIST when sliced), epochs of sgd and adam, largest L-BFGS
    # fit, and the epochs per fit and repeats of its seconds-per-epoch race.
    "quick": dict(
        # One BLAS thread only: two threads on a busy 2-core machine (CI's, a shared
        # one) can make a fit many times slower, and the smoke run long.
        threads=[1],
        n_samples=3000,
        epochs=1,
        linear_epochs=2,
        repeats=1,
        sizes=[1000, 3000],
        widths=[16, 64],
        width_samples=3000,
        memory_samples_large=1000,
        memory_torch=False,  # importing PyTorch in each child process takes seconds
        mnist_epochs=2,
        accuracy_seeds=[0],
        solver_samples=3000,
        solver_mnist_slice=True,
        solver_epochs=8,
        solver_lbfgs_iterations=16,
        # Fits of a few milliseconds: more repeats than the other sections' cost little,
        # and the Adam margin compares two ratios of such times.
        solver_race_epochs=2,
        solver_race_repeats=5,
        pause=0.02,  # untimed seconds after each fit in a race
    ),
    "full": dict(
        threads=[1, 2],
        n_samples=60000,
        # Several epochs per fit: the fixed cost of a fit (input validation, which every
        # library pays) then weighs little in the time per epoch.
        epochs=5,
        linear_epochs=5,
        repeats=5,
        sizes=[1000, 3000, 10000, 30000, 60000],
        widths=[16, 64, 128, 256, 512],
        width_samples=20000,
        memory_samples_large=10000,
        memory_torch=True,
        mnist_epochs=20,
        accuracy_seeds=[0, 1, 2],
        solver_samples=10000,
        solver_mnist_slice=False,  # all of it: t10k is 10000 images
        solver_epochs=30,
        solver_lbfgs_iterations=128,
        solver_race_epochs=5,
        solver_race_repeats=9,
        pause=0.3,
    ),
}
SECTIONS = ["mlp", "linear", "scaling", "memory", "mnist", "solvers", "gpu"]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small data, few repeats: a smoke run")
    size.add_argument("--full", action="store_true", help="the full benchmark (the default)")
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated, from {SECTIONS}"
    )
    parser.add_argument(
        "--threads",
        help="BLAS (and PyTorch) thread counts of the mlp and linear sections, comma-"
        "separated (default: 1,2; 1 with --quick); the gpu section runs with the largest "
        "(default: every CPU), the other sections with the first",
    )
    parser.add_argument(
        "--match",
        action="append",
        default=[],
        help="run only the mlp, linear and gpu configurations whose label contains this "
        'text (repeatable: all must match), e.g. --match "batch 32" --match float64',
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="after the tables, list the configurations that miss the speed targets and "
        "exit with status 1 if any does",
    )
    parser.add_argument(
        "--mnist-dir", help="directory of MNIST IDX files (t10k-images-idx3-ubyte[.gz], ...)"
    )
    parser.add_argument("--repeats", type=int, help="timed fits per model (after one warm-up)")
    parser.add_argument("--epochs", type=int, help="epochs per fit (the mode's by default)")
    parser.add_argument(
        "--samples", type=int, help="training samples of the mlp, linear and gpu sections"
    )
    parser.add_argument(
        "--no-torch", action="store_true", help="leave PyTorch out even if installed"
    )
    parser.add_argument(
        "--output", help="JSON file to write (default: benchmarks/results/<time>-<mode>.json)"
    )
    # The gpu section's torch device: "cpu" runs it on torch CPU tensors, a dry run that
    # exercises its code on a machine without a GPU (its tables say so).
    parser.add_argument("--gpu-device", default="cuda", help=argparse.SUPPRESS)
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--memory-hidden", default="", help=argparse.SUPPRESS)
    parser.add_argument("--memory-samples", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    if args.threads is not None:
        try:
            args.threads = [int(n) for n in args.threads.split(",")]
        except ValueError:
            parser.error(f"--threads takes comma-separated integers, got {args.threads!r}")
    if args.gpu_device != "cpu" and not args.gpu_device.startswith("cuda"):
        parser.error(f"--gpu-device is cuda, cuda:<index> or cpu, got {args.gpu_device!r}")
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.memory_child:
        hidden = tuple(int(units) for units in args.memory_hidden.split(",") if units)
        memory_child(args.memory_child, hidden, args.memory_samples)
        return 0

    mode = "quick" if args.quick else "full"
    settings = dict(MODES[mode])
    if args.repeats:
        settings["repeats"] = settings["solver_race_repeats"] = args.repeats
    if args.epochs:
        settings["epochs"] = settings["linear_epochs"] = settings["solver_race_epochs"] = (
            args.epochs
        )
    if args.samples:
        settings["n_samples"] = args.samples
    threads = args.threads or settings["threads"]
    use_torch = torch_available() and not args.no_torch
    warnings.filterwarnings("ignore")  # ConvergenceWarning: epochs are fixed on purpose

    # Load every library with a thread pool before any limit, so that each limit
    # reaches them all and the environment reports them.
    import sklearn.linear_model  # noqa: F401
    import sklearn.neural_network  # noqa: F401

    import sknn  # noqa: F401

    if use_torch:
        import torch  # noqa: F401

    info = environment()
    print(
        f"sknn benchmarks, {mode} mode; {info['cpu_model']}, {info['cpu_count']} CPUs; "
        f"numpy {info['numpy']}, scikit-learn {info['sklearn']}"
        + (f", torch {info['torch']}" if use_torch else ", no PyTorch")
    )
    print(
        "thread pools: "
        + "; ".join(
            f"{pool['internal_api']} {pool['version'] or ''} ({Path(pool['filepath']).name})"
            f" kernel={pool['architecture']} threads={pool['num_threads']}"
            for pool in info["threadpools"]
        )
    )
    print(
        f"OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']} OPENBLAS_L2_SIZE={info['OPENBLAS_L2_SIZE']}"
        f" SCIPY_ARRAY_API={info['SCIPY_ARRAY_API']}"
    )

    start = time.perf_counter()
    rows, summaries, margins = [], [], []
    for section in args.sections:
        section_start = time.perf_counter()
        if section == "mlp":
            new_rows, new_summaries = section_mlp(settings, threads, use_torch, args.match)
            rows += new_rows
            summaries += new_summaries
        elif section == "linear":
            new_rows, new_summaries = section_linear(settings, threads, args.match)
            rows += new_rows
            summaries += new_summaries
        elif section == "scaling":
            rows += section_scaling(settings, threads[0])
        elif section == "memory":
            rows += section_memory(settings, use_torch)
        elif section == "mnist":
            if not args.mnist_dir:
                continue
            rows += section_mnist(settings, args.mnist_dir, threads[0])
        elif section == "solvers":
            new_rows, new_margins = section_solvers(settings, args.mnist_dir, threads[0], use_torch)
            rows += new_rows
            margins += new_margins
        elif section == "gpu":
            # A baseline for a GPU: the CPU at its best, every CPU unless --threads says.
            gpu_threads = max(args.threads) if args.threads else os.cpu_count()
            rows += section_gpu(settings, args.gpu_device, gpu_threads, use_torch, args.match)
        print(f"({section}: {time.perf_counter() - section_start:.1f} s)")
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
                "settings": settings,
                "threads": threads,
                "sections": args.sections,
                "match": args.match,
                "environment": info,
                "seconds": elapsed,
                "summaries": summaries,
                "adam_margins": margins,
                "rows": rows,
            },
            indent=1,
            default=str,
        )
    )
    print(f"results written to {output}")
    if args.check:
        missed = check_targets(summaries)
        if "solvers" in args.sections:
            missed += check_adam_margins(margins)
        if mode == "quick":
            print(
                "(quick mode: fits this short are dominated by each fit's fixed costs and by "
                "noise; judge the targets on a full run)"
            )
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
