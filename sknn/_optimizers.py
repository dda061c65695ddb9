"""Stochastic gradient descent with momentum, and its learning-rate schedules.

The optimizer works on the flat parameter vector (see ``_base.Parameters``), so one
step is a handful of whole-vector operations however many layers the model has.
Its state, the velocity and the current learning rate, is plain numbers that the
estimator keeps between ``partial_fit`` calls.
"""

import numpy as np


class SGDMomentum:
    """SGD with classical or Nesterov momentum on a flat parameter vector.

    Classical momentum (Polyak)::

        v <- mu v - eta grad J
        w <- w + v

    Nesterov's momentum, in the form scikit-learn uses (Sutskever et al., 2013)::

        v <- mu v - eta grad J
        w <- w + mu v - eta grad J

    Parameters
    ----------
    velocity : ndarray of shape (n_parameters,)
        Updated in place; zeros at the start of training.
    learning_rate : float
        The current step size ``eta``.
    momentum : float
        ``mu`` in [0, 1].
    nesterov : bool
        Whether to use Nesterov's momentum.
    """

    def __init__(self, velocity, learning_rate, momentum, nesterov):
        self.velocity = velocity
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov and momentum > 0
        self._scratch = np.empty_like(velocity) if self.nesterov else None

    def step(self, params, grads):
        """Move ``params`` one step along ``-grads``; ``grads`` is overwritten."""
        grads *= -self.learning_rate  # grads now holds -eta grad J
        velocity = self.velocity
        if self.momentum == 0:
            params += grads
            return
        velocity *= self.momentum
        velocity += grads
        if self.nesterov:
            params += np.multiply(velocity, self.momentum, out=self._scratch)
            params += grads
        else:
            params += velocity


def invscaling_learning_rate(learning_rate_init, n_samples_seen, power_t):
    """``eta_t = eta_0 / (t + 1) ** power_t``, t the number of samples seen so far."""
    return learning_rate_init / (n_samples_seen + 1) ** power_t


#: How much the 'adaptive' schedule divides the learning rate by, and where it stops.
ADAPTIVE_DIVISOR = 5.0
ADAPTIVE_MIN_LEARNING_RATE = 1e-6
