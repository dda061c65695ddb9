"""Stochastic gradient descent with momentum, and its learning-rate schedules.

The optimizer works on the flat parameter vector (see ``_base.Parameters``), so one
step is one small matrix product however many layers the model has.
Its state, the velocity and the current learning rate, is plain numbers that the
estimator keeps between ``partial_fit`` calls.
"""

import numpy as np


class SGDMomentum:
    """SGD with classical or Nesterov momentum, and the L2 penalty, on a flat vector.

    With ``g = dC/dw`` the data gradient, the gradient of ``J`` is
    ``G = g + 2 alpha w`` on the penalised entries (the weights; the intercepts have
    no penalty term). Classical momentum (Polyak)::

        v <- mu v - eta G
        w <- w + v

    Nesterov's momentum, in the form scikit-learn uses (Sutskever et al., 2013)::

        v <- mu v - eta G
        w <- w + mu v - eta G

    With ``mu = 0`` both are plain SGD, ``w <- w - eta G``, and ``v`` is left as is.

    Both updates are linear in ``(w, v, g)``, so one step is one matrix product. The
    optimizer owns two column-major arrays ``S = [w, v, g]`` of shape (n, 3), whose
    columns are :attr:`params`, :attr:`velocity` and :attr:`gradient`; a step reads
    the :attr:`current` one and writes ``[w', v'] = S M`` into the other, which
    becomes current (two buffers save copying ``[w', v']`` back), with, for
    ``a = -eta`` and ``c = -2 alpha eta`` (``c = 0`` on the intercepts)::

        classical:  M = [[1 + c, c], [mu, mu], [a, a]]
        Nesterov:   M = [[1 + c + mu c, c], [mu^2, mu], [a (1 + mu), a]]

    (expand ``w + mu v' + a g + c w`` with ``v' = mu v + a g + c w`` for Nesterov).
    One BLAS product reads the three vectors once and writes two, where the same
    update written with NumPy ufuncs takes eight passes over the parameters.

    Parameters
    ----------
    params : ndarray of shape (n_parameters,)
        Initial parameters, copied; the penalised ones first.
    velocity : ndarray of shape (n_parameters,)
        Initial velocity, copied; zeros at the start of training.
    learning_rate : float
        The current step size ``eta``; may be changed between steps.
    momentum : float
        ``mu`` in [0, 1].
    nesterov : bool
        Whether to use Nesterov's momentum.
    alpha : float, default=0.0
        The L2 penalty ``alpha`` of ``J = C + alpha ||w||^2``.
    n_penalised : int, default=0
        How many leading entries of the parameters the penalty applies to.
    """

    def __init__(
        self, params, velocity, learning_rate, momentum, nesterov, alpha=0.0, n_penalised=0
    ):
        self.momentum = momentum
        self.nesterov = nesterov and momentum > 0
        self.alpha = alpha
        self.n_penalised = n_penalised
        self._buffers = [np.zeros((params.shape[0], 3), params.dtype, order="F") for _ in "ab"]
        self.current = 0
        self.params[...] = params
        self.velocity[...] = velocity
        self.learning_rate = learning_rate

    @property
    def buffers(self):
        """``(params, gradient)`` of each buffer: contiguous vectors to take views of."""
        return [(S[:, 0], S[:, 2]) for S in self._buffers]

    @property
    def params(self):
        """The current parameters ``w``."""
        return self._buffers[self.current][:, 0]

    @property
    def velocity(self):
        """The current velocity ``v``."""
        return self._buffers[self.current][:, 1]

    @property
    def gradient(self):
        """Where the data gradient ``g = dC/dw`` at :attr:`params` is written."""
        return self._buffers[self.current][:, 2]

    @property
    def learning_rate(self):
        """The step size ``eta``; setting it recomputes the coefficients ``M``."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = value
        self._penalised = self._coefficients(-value, -2 * self.alpha * value)
        self._unpenalised = self._coefficients(-value, 0.0)

    def _coefficients(self, a, c):
        mu = self.momentum
        if mu == 0:
            M = [[1 + c, 0], [0, 1], [a, 0]]  # w' = w + a g + c w;  v' = v
        elif self.nesterov:
            M = [[1 + c + mu * c, c], [mu * mu, mu], [a * (1 + mu), a]]
        else:
            M = [[1 + c, c], [mu, mu], [a, a]]
        return np.array(M, dtype=self._buffers[0].dtype)

    def step(self):
        """One step from the data gradient in :attr:`gradient`; flips :attr:`current`."""
        k = self.n_penalised
        S, updated = self._buffers[self.current], self._buffers[1 - self.current]
        np.matmul(S[:k], self._penalised, out=updated[:k, :2])  # [w', v'] = [w, v, g] M
        np.matmul(S[k:], self._unpenalised, out=updated[k:, :2])
        self.current = 1 - self.current


def invscaling_learning_rate(learning_rate_init, n_samples_seen, power_t):
    """``eta_t = eta_0 / (t + 1) ** power_t``, t the number of samples seen so far."""
    return learning_rate_init / (n_samples_seen + 1) ** power_t


#: How much the 'adaptive' schedule divides the learning rate by, and where it stops.
ADAPTIVE_DIVISOR = 5.0
ADAPTIVE_MIN_LEARNING_RATE = 1e-6
