"""The stochastic optimizers, each written as the textbook update it implements.

An optimizer owns its state (a velocity, moment estimates, a step count) and its
learning-rate schedule. The training loop calls :meth:`step` once per mini-batch with
the flat parameter vector ``w`` and the gradient ``g = dJ/dw`` of the objective there
(the L2 penalty's ``2 alpha W`` is already in ``g``: see ``_objective.py``), and
:meth:`epoch_ends` once per epoch. Its state is plain numbers and arrays
(:meth:`state_dict`), kept between ``partial_fit`` calls and loaded by skops safely.

Every update is a few in-place NumPy operations on whole vectors: one step costs a few
passes over the parameters, however many layers there are. (Not SciPy's BLAS ``axpy``:
pip's SciPy brings its own OpenBLAS, whose threads, spinning beside NumPy's, made a
two-thread fit of the MLP many times slower; see docs/performance.rst.)
"""

import math

from . import _kernels
from ._primitives import apply_, namespace, zeros_like

#: How much the "adaptive" schedule divides the learning rate by, and where it stops.
ADAPTIVE_DIVISOR = 5.0
ADAPTIVE_MIN_LEARNING_RATE = 1e-6


class SGD:
    """Stochastic gradient descent with classical or Nesterov momentum.

    With ``g`` the gradient of ``J`` at ``w``, classical (Polyak) momentum is::

        v <- mu v - eta g
        w <- w + v

    and Nesterov's, in the form scikit-learn uses (Sutskever et al., 2013)::

        v <- mu v - eta g
        w <- w + mu v - eta g

    With ``mu = 0`` both are plain SGD, ``w <- w - eta g`` (and ``v = -eta g``).

    The step size ``eta`` follows a schedule, as in scikit-learn: "constant";
    "invscaling", ``eta = eta_0 / (t + 1) ** power_t`` after each epoch, t the number
    of samples seen; "adaptive", which divides ``eta`` by 5 each time training stalls
    (:meth:`stalled`) until it falls below 1e-6.

    Parameters
    ----------
    velocity : ndarray of shape (n_parameters,)
        The velocity ``v`` to start from (zeros for a fresh start); updated in place.
    learning_rate : float
        The current step size ``eta``.
    learning_rate_init : float
        ``eta_0`` of the "invscaling" schedule.
    momentum : float
        ``mu``, in [0, 1].
    nesterov : bool
        Whether to use Nesterov's momentum.
    schedule : {"constant", "invscaling", "adaptive"}, default="constant"
        The learning-rate schedule.
    power_t : float, default=0.5
        Exponent of "invscaling".
    """

    name = "sgd"

    def __init__(
        self,
        velocity,
        learning_rate,
        learning_rate_init,
        momentum,
        nesterov,
        schedule="constant",
        power_t=0.5,
    ):
        self.velocity = velocity
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.nesterov = nesterov
        self.schedule = schedule
        self.power_t = power_t

    def step(self, params, grads):
        """One update of ``params`` (in place) from the gradient ``grads`` (overwritten).

        No array is allocated: the intermediate results go into ``grads``, which holds
        the next batch's gradient anyway. With Numba, the same update runs as one
        compiled loop (``_kernels.sgd_step``).
        """
        mu, v, g = self.momentum, self.velocity, grads
        fused = _kernels.compiled("sgd_step", params, v, g)
        if fused is not None:
            as_dtype = params.dtype.type  # NumPy rounds a Python scalar to it first
            fused(params, v, g, as_dtype(self.learning_rate), as_dtype(mu), self.nesterov)
            return
        g *= self.learning_rate  # g is now eta g
        v *= mu
        v -= g  # v <- mu v - eta g
        if self.nesterov:
            params -= g
            params += apply_(namespace(v).multiply, g, v, mu)  # w <- w + mu v - eta g
        else:
            params += v  # w <- w + v

    @staticmethod
    def stable_step_limit(momentum, nesterov):
        """The bound on ``h = eta * lambda`` below which these steps converge on a
        quadratic ``lambda w^2 / 2`` (the penalty alone is one, with ``lambda = 2 alpha``).

        There ``g = lambda w``, and a step is a linear map of ``(w, v)``, which
        converges when both roots ``z`` of its characteristic polynomial lie inside
        the unit circle::

            classical: z^2 - (1 + mu - h) z + mu = 0           iff  0 < h < 2 (1 + mu)
            Nesterov:  z^2 - (1 + mu - h (1 + mu)) z + mu (1 - h) = 0
                                                   iff  0 < h < 2 (1 + mu) / (1 + 2 mu)

        (the Jury conditions ``|c| < 1`` and ``|b| < 1 + c`` for ``z^2 - b z + c``).
        Without momentum both are plain SGD, ``w <- (1 - h) w``: ``h < 2``.
        """
        if nesterov:
            return 2 * (1 + momentum) / (1 + 2 * momentum)
        return 2 * (1 + momentum)

    def epoch_ends(self, n_samples_seen):
        """After each epoch: "invscaling" sets ``eta = eta_0 / (t + 1) ** power_t``."""
        if self.schedule == "invscaling":
            self.learning_rate = invscaling_learning_rate(
                self.learning_rate_init, n_samples_seen, self.power_t
            )

    def stalled(self):
        """Training stopped improving: return True to go on with a smaller step.

        Only "adaptive" goes on, dividing ``eta`` by 5, as long as ``eta`` stays above
        1e-6; every other schedule stops.
        """
        if self.schedule == "adaptive" and self.learning_rate > ADAPTIVE_MIN_LEARNING_RATE:
            self.learning_rate /= ADAPTIVE_DIVISOR
            return True
        return False

    def state_dict(self):
        """The state to carry to the next ``partial_fit``: plain numbers and arrays."""
        return {"name": self.name, "learning_rate": self.learning_rate, "velocity": self.velocity}


class Adam:
    """Adam (Kingma and Ba, 2015): steps scaled by running moments of the gradient.

    Algorithm 1 of the paper, with ``g`` the gradient of ``J`` at ``w`` (the penalty's
    ``2 alpha W`` included, so the moments see it) and ``t`` the number of steps::

        t <- t + 1
        m <- beta_1 m + (1 - beta_1) g              first moment (mean) estimate
        v <- beta_2 v + (1 - beta_2) g^2            second moment estimate
        m_hat = m / (1 - beta_1^t)                  bias corrections: m and v start at 0
        v_hat = v / (1 - beta_2^t)
        w <- w - eta m_hat / (sqrt(v_hat) + epsilon)

    Each parameter gets its own step, about ``eta`` in size whatever the scale of its
    gradient. (scikit-learn folds both corrections into the step size, which puts its
    ``epsilon`` at ``epsilon / sqrt(1 - beta_2^t)`` in this formula: the same method.)
    :meth:`step` writes its intermediate results into ``grads``, which holds the
    next batch's gradient anyway, and into a scratch vector allocated once: a step
    allocates no array.

    Parameters
    ----------
    first_moment, second_moment : ndarray of shape (n_parameters,)
        ``m`` and ``v`` to start from (zeros for a fresh start); updated in place.
    steps : int
        ``t``, the steps taken so far.
    learning_rate : float
        ``eta``.
    beta_1, beta_2 : float
        Decay rates of the moment estimates, in [0, 1).
    epsilon : float
        Keeps the division finite.
    """

    name = "adam"

    def __init__(self, first_moment, second_moment, steps, learning_rate, beta_1, beta_2, epsilon):
        self.first_moment = first_moment
        self.second_moment = second_moment
        self.steps = steps
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self._scratch = zeros_like(first_moment)  # for (1 - beta) g: no array per step

    def step(self, params, grads):
        """One update of ``params`` (in place) from the gradient ``grads`` (overwritten).

        With Numba, the same update runs as one compiled loop (``_kernels.adam_step``).
        """
        beta_1, beta_2, m, v, g = (
            self.beta_1,
            self.beta_2,
            self.first_moment,
            self.second_moment,
            grads,
        )
        self.steps += 1
        t = self.steps
        fused = _kernels.compiled("adam_step", params, m, v, g)
        if fused is not None:
            as_dtype = params.dtype.type  # NumPy rounds a Python scalar to it first
            constants = (beta_1, beta_2, 1 - beta_1, 1 - beta_2, 1 / math.sqrt(1 - beta_2**t))
            rate = self.learning_rate / (1 - beta_1**t)
            fused(params, m, v, g, *map(as_dtype, (*constants, self.epsilon, rate)))
            return
        xp, scratch = namespace(v), self._scratch
        m *= beta_1
        m += apply_(xp.multiply, scratch, g, 1 - beta_1)  # m <- beta_1 m + (1 - beta_1) g
        g *= g
        v *= beta_2
        v += apply_(xp.multiply, scratch, g, 1 - beta_2)  # v <- beta_2 v + (1 - beta_2) g^2
        denominator = apply_(xp.sqrt, g, v)
        denominator *= 1 / math.sqrt(1 - beta_2**t)
        denominator += self.epsilon  # sqrt(v_hat) + epsilon
        step = apply_(xp.divide, denominator, m, denominator)
        step *= self.learning_rate / (1 - beta_1**t)  # eta m_hat / (sqrt(v_hat) + epsilon)
        params -= step

    def epoch_ends(self, n_samples_seen):
        """Adam has no learning-rate schedule."""

    def stalled(self):
        """Training stopped improving: stop (no schedule to lower the step)."""
        return False

    def state_dict(self):
        return {
            "name": self.name,
            "learning_rate": self.learning_rate,
            "first_moment": self.first_moment,
            "second_moment": self.second_moment,
            "steps": self.steps,
        }


#: The estimator parameters that configure the optimizers (as scikit-learn names them).
OPTIMIZER_PARAMETERS = (
    "learning_rate_init",
    "learning_rate",
    "power_t",
    "momentum",
    "nesterovs_momentum",
    "beta_1",
    "beta_2",
    "epsilon",
)


def make_optimizer(
    solver,
    flat,
    saved,
    *,
    learning_rate_init,
    learning_rate,
    power_t,
    momentum,
    nesterovs_momentum,
    beta_1,
    beta_2,
    epsilon,
):
    """The optimizer of ``solver`` ("sgd" or "adam") for the parameter vector ``flat``.

    ``saved`` is a :meth:`state_dict` to go on from (the state that ``partial_fit``
    carries from call to call), or ``{}`` for a fresh start: zero velocity or
    moments, and the step size ``learning_rate_init``. A state of another solver, or
    of parameters of another size, is not carried over.
    """
    # All or nothing: Adam's step count without its moments would mis-scale the bias
    # corrections, SGD's decayed step size without its velocity restart half-way.
    vectors = [value for value in saved.values() if hasattr(value, "shape")]
    carried = saved.get("name") == solver and all(v.shape == flat.shape for v in vectors)
    eta = float(learning_rate_init)

    def vector(name):
        if carried:
            return namespace(flat).astype(saved[name], flat.dtype)
        return zeros_like(flat)

    learning_rate_now = saved["learning_rate"] if carried else eta
    if solver == "adam":
        steps = saved["steps"] if carried else 0
        first, second = vector("first_moment"), vector("second_moment")
        return Adam(first, second, steps, learning_rate_now, beta_1, beta_2, epsilon)
    if solver == "sgd":
        return SGD(
            vector("velocity"),
            learning_rate_now,
            learning_rate_init=eta,
            momentum=momentum,
            nesterov=nesterovs_momentum,
            schedule=learning_rate,
            power_t=power_t,
        )
    # (A solver added to SOLVERS needs its branch here, not SGD's steps by default.)
    raise ValueError(f"make_optimizer builds no optimizer for solver={solver!r}.")


def invscaling_learning_rate(learning_rate_init, n_samples_seen, power_t):
    """``eta_t = eta_0 / (t + 1) ** power_t``, t the number of samples seen so far.

    Raises
    ------
    ValueError
        When the power overflows (a ``power_t`` far too large for ``t``).
    """
    try:
        return learning_rate_init / (n_samples_seen + 1) ** power_t
    except OverflowError:
        raise ValueError(
            f"The 'invscaling' schedule overflows: (t + 1) ** power_t with t = "
            f"{n_samples_seen} samples seen and power_t = {power_t} is beyond floating "
            "point. Use a power_t of at most about 1."
        ) from None
