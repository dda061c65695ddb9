"""Timing: the race of several models on one machine, and what that machine is.

:func:`race` times whole fits; :func:`race_trajectories` times training step by
step (an epoch, or an L-BFGS fit of more iterations) with the validation accuracy
after each, for times to a target accuracy.

A timing means little without the CPU, the BLAS kernel and the number of threads
it was taken with, so :func:`machine_line` states them as they are at the moment
it is called (inside :func:`blas_threads`, the limit in force).
"""

import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np


def race(
    factories, X, y, repeats, X_test=None, y_test=None, pause=0.3, data=None, synchronize=None
):
    """Fit each model ``1 + repeats`` times, taking turns; return medians in seconds.

    The first round is a warm-up and is not counted; the order of the models
    rotates from one round to the next, so none is always first after the pause or
    always after the same neighbour. Returns, per name, the median and all the
    timed fits, the model of the last round (to check what it did), and its test
    accuracy when X_test is given.

    ``data`` maps a name to its own ``(X, y)`` (the same data in another array
    library or on another device); the other models fit ``X, y``. ``synchronize``,
    if given, is called before each reading of the clock: a GPU runs asynchronously,
    and a fit's time is only known once the work it queued is done
    (``torch.cuda.synchronize``).
    """
    names = list(factories)
    data = data or {}
    times = {name: [] for name in names}
    accuracy, last_models = {}, {}
    for round_ in range(1 + repeats):
        turn = names[round_ % len(names) :] + names[: round_ % len(names)]  # rotate the order
        for name in turn:
            model = factories[name]()
            X_fit, y_fit = data.get(name, (X, y))
            if synchronize is not None:
                synchronize()
            start = time.perf_counter()
            model.fit(X_fit, y_fit)
            if synchronize is not None:
                synchronize()
            elapsed = time.perf_counter() - start
            # Let idle worker threads (OpenMP, OpenBLAS) stop spinning before the next
            # model starts, so that no fit is timed against another library's busy-wait.
            time.sleep(pause)
            if round_ > 0:
                times[name].append(elapsed)
            if round_ == repeats:
                last_models[name] = model
                if X_test is not None:
                    accuracy[name] = float(model.score(X_test, y_test))
    return {
        name: {
            "median": float(np.median(times[name])),
            "times": times[name],
            "accuracy": accuracy.get(name),
            "model": last_models[name],
        }
        for name in names
    }


class EpochTrainer:
    """A stochastic solver's model trained an epoch at a time by ``partial_fit``.

    ``factory()`` makes the model. Each :meth:`advance` is one timed epoch; the
    trajectory's seconds add up the epochs, and nothing else (no evaluation).
    """

    unit = "epochs"

    def __init__(self, factory, budget):
        self.factory, self.budget = factory, budget
        self.model, self.steps, self.seconds = None, 0, 0.0

    def warm_up(self, X, y, classes):
        """One untimed epoch of a throwaway model, so that no first call is timed."""
        self.factory().partial_fit(X, y, classes=classes)

    @property
    def done(self):
        return self.steps >= self.budget

    def advance(self, X, y, classes):
        """Train one more epoch; return the model, the seconds trained so far, the epochs."""
        if self.model is None:
            self.model = self.factory()
        start = time.perf_counter()
        self.model.partial_fit(X, y, classes=classes)
        self.seconds += time.perf_counter() - start
        self.steps += 1
        return self.model, self.seconds, self.steps


class LadderTrainer:
    """A full-batch solver's model fitted from scratch with ``max_iter`` on a ladder.

    ``factory(max_iter)`` makes the model. A fit is deterministic, so the fit of k
    iterations is the first k iterations of any longer one: the ladder's fits are
    points of one trajectory, each timed whole (the fit's fixed costs included, as
    a user pays them). :func:`iteration_ladder` gives the rungs. The ladder ends
    early when a fit stops before its ``max_iter`` (converged): a longer fit would
    repeat it.
    """

    unit = "iterations"

    def __init__(self, factory, ladder):
        self.factory, self.ladder = factory, list(ladder)
        self.budget, self.rung, self.stopped = self.ladder[-1], 0, False

    def warm_up(self, X, y, classes):
        self.factory(1).fit(X, y)

    @property
    def done(self):
        return self.stopped or self.rung >= len(self.ladder)

    def advance(self, X, y, classes):
        """Fit the next rung; return the model, the fit's seconds and its iterations."""
        max_iter = self.ladder[self.rung]
        self.rung += 1
        model = self.factory(max_iter)
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
        iterations = int(model.n_iter_)
        self.stopped = iterations < max_iter
        return model, seconds, iterations


def iteration_ladder(max_iter):
    """1, 2, 3, 4, 6, 8, 12, 16, ... up to ``max_iter`` (included): half-octave rungs.

    Rungs a factor sqrt(2) apart or less bound the overestimate of a time to target
    read off the ladder (the first rung at or past it) at about 1.5 times.
    """
    rungs = {max_iter}
    power = 1
    while power <= max_iter:
        rungs.update(rung for rung in (power, 3 * power // 2) if 1 <= rung <= max_iter)
        power *= 2
    return sorted(rungs)


def race_trajectories(trainers, X, y, X_validation, y_validation, pause=0.3):
    """Train every model step by step, taking turns; record (seconds, accuracy) per step.

    ``trainers`` maps names to :class:`EpochTrainer` or :class:`LadderTrainer`. Each
    does one untimed warm-up on a slice of the data first. Then in each round every
    trainer that has steps left takes one (an epoch, or the next rung of its ladder),
    the order rotating from one round to the next as in :func:`race`, so that a change
    in the machine's load falls on all of them alike. The validation accuracy is
    measured after each step, outside the timed region. Returns, per name, a list of
    ``{"steps", "seconds", "accuracy"}``: steps in the trainer's ``unit``.
    """
    classes = np.unique(y)
    warm = slice(0, min(500, X.shape[0]))
    for trainer in trainers.values():
        trainer.warm_up(X[warm], y[warm], classes)
        time.sleep(pause)
    names = list(trainers)
    trajectories = {name: [] for name in names}
    round_ = 0
    while not all(trainer.done for trainer in trainers.values()):
        turn = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in turn:
            trainer = trainers[name]
            if trainer.done:
                continue
            model, seconds, steps = trainer.advance(X, y, classes)
            accuracy = float(model.score(X_validation, y_validation))
            trajectories[name].append({"steps": steps, "seconds": seconds, "accuracy": accuracy})
            time.sleep(pause)
        round_ += 1
    return trajectories


def time_to_target(trajectory, target):
    """The first point of ``trajectory`` whose accuracy reaches ``target``, or None."""
    for point in trajectory:
        if point["accuracy"] >= target:
            return point
    return None


@contextmanager
def blas_threads(n_threads):
    """Limit BLAS and OpenMP pools (threadpoolctl) and PyTorch to ``n_threads``.

    ``None`` leaves every library as it is. Libraries loaded after entering are
    not limited: import them first.
    """
    if n_threads is None:
        yield
        return
    import threadpoolctl

    torch = sys.modules.get("torch")
    torch_threads = torch.get_num_threads() if torch is not None else None
    with threadpoolctl.threadpool_limits(limits=n_threads):
        if torch is not None:
            torch.set_num_threads(n_threads)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(torch_threads)


def cpu_model():
    """The CPU's model name, with the x86 family and model numbers when known."""
    fields = {}
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
            if not line.strip():
                break  # the first processor is enough
    name = fields.get("model name") or platform.processor() or platform.machine()
    if "cpu family" in fields and "model" in fields:
        # A virtual machine may show a bare "AMD EPYC": the family tells the generation.
        name += f" (family {fields['cpu family']}, model {fields['model']})"
    return name


def numpy_blas():
    """threadpoolctl's record of the BLAS that NumPy's matmul calls (None if not found)."""
    import threadpoolctl

    pools = [pool for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas"]
    for pool in pools:
        # NumPy's wheel ships its OpenBLAS in numpy.libs/ (SciPy's has its own, unused here).
        if Path(pool["filepath"]).parent.name == "numpy.libs":
            return pool
    return pools[0] if pools else None


def blas_line():
    """NumPy's BLAS, its kernel and its threads now, e.g. "openblas 0.3.31, Haswell, 1 thread"."""
    pool = numpy_blas()
    if pool is None:
        return "BLAS unknown"
    threads = pool.get("num_threads")
    return (
        f"{pool.get('internal_api')} {pool.get('version')}, kernel {pool.get('architecture')}, "
        f"{threads} thread{'s' if threads != 1 else ''}"
    )


def torch_threads():
    torch = sys.modules.get("torch")
    return None if torch is None else torch.get_num_threads()


def machine_line():
    """What a timing depends on: CPU, NumPy's BLAS with its kernel and threads, PyTorch's."""
    line = f"CPU {cpu_model()}; NumPy BLAS {blas_line()}"
    threads = torch_threads()
    if threads is not None:
        line += f"; PyTorch {threads} thread{'s' if threads != 1 else ''}"
    return line


def environment():
    import numpy
    import scipy
    import sklearn
    import threadpoolctl

    import sknn

    info = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "sknn": getattr(sknn, "__version__", "dev"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
        "SCIPY_ARRAY_API": os.environ.get("SCIPY_ARRAY_API"),
        "numpy_blas": numpy_blas(),
        "threadpools": [
            {
                key: pool.get(key)
                for key in (
                    "user_api",
                    "internal_api",
                    "prefix",
                    "filepath",
                    "architecture",
                    "num_threads",
                    "version",
                )
            }
            for pool in threadpoolctl.threadpool_info()
        ],
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    return info
