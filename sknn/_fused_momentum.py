r"""SGD's momentum step and the penalty's gradient as one matrix product per step.

:class:`~sknn._optimizers.SGD` writes the update as the textbook lines, after
``Objective.add_penalty`` has added ``2 alpha W`` to the gradient: six to eight
passes over the parameters per mini-batch (six with classical momentum, eight with
Nesterov's). The same update is linear in
``(w, v, g)``, with ``g = dC/dw`` the data gradient, ``a = -eta``, ``mu`` the
momentum and ``c = -2 alpha eta`` on the weights (``c = 0`` on the intercepts)::

    v' = mu v + a (g + 2 alpha w)        = c w + mu v + a g
    w' = w + v'                          = (1 + c) w + mu v + a g            (classical)
    w' = w + mu v' + a (g + 2 alpha w)   = (1 + c + mu c) w + mu^2 v + a (1 + mu) g
                                                                             (Nesterov)

so ``[w', v'] = [w, v, g] M`` for a 3 x 2 matrix ``M`` of those coefficients: one
BLAS product that reads the three vectors once and writes two. It is faster than
the textbook lines with each OpenBLAS kernel measured (``benchmarks/before_after.py``
and docs/performance.rst); ``tests/test_optimizers.py`` checks that both give the
same trajectory.

The product cannot write over its own input, so the vectors live twice, side by
side in one buffer of five sections of ``n`` numbers (each padded to start on a
64-byte boundary), with the gradient in the middle::

    [ v_a | w_a | g | w_b | v_b ]
      \____ side a ___/
                  \___ side b ___/

Seen as ``(n, 3)`` column-major matrices, ``[v_a, w_a, g]`` and ``[g, w_b, v_b]``
are the two sides; a step from side a writes ``[w_b, v_b]`` and one from side b
writes ``[v_a, w_a]``, with the rows of ``M`` in each side's order. The gradient
stays where it is; the parameters the training loop sees move to the other side
at each step (:meth:`Parameters.view`, one assignment).
"""

import numpy as np

from ._optimizers import SGD
from ._primitives import copy_of


def momentum_coefficients(eta, mu, nesterov, penalty_factor):
    """``M`` with rows for ``(w, v, g)`` and columns for ``(w', v')``, as derived above.

    ``penalty_factor`` is the ``2 alpha`` of ``dJ/dW = dC/dW + 2 alpha W`` (0 for the
    intercepts).
    """
    a, c = -eta, -penalty_factor * eta
    v_new = [c, mu, a]  # v' = c w + mu v + a g
    if nesterov:
        w_new = [1 + c + mu * c, mu * mu, a * (1 + mu)]
    else:
        w_new = [1 + c, mu, a]
    return np.array([w_new, v_new]).T


def aligned_zeros(shape, dtype, alignment=64):
    """Zeros of C order whose first element lies on an ``alignment``-byte boundary."""
    size, itemsize = int(np.prod(shape)), np.dtype(dtype).itemsize
    raw = np.zeros(size + alignment // itemsize, dtype=dtype)
    start = (-raw.ctypes.data % alignment) // itemsize
    return raw[start : start + size].reshape(shape)


class FusedMomentum(SGD):
    """:class:`SGD`'s update, the penalty's gradient included, as one matrix product.

    For NumPy parameters. The training loop calls :meth:`bind` before the first step
    (it lays the parameters, the velocity and the gradient out side by side and
    returns the gradient's :class:`Parameters`), :meth:`step` with that gradient
    holding ``dC/dtheta`` (the objective adds no penalty: :attr:`folds_penalty`),
    and :meth:`unbind` at the end, which moves the parameters back to their own
    vector. Same parameters as :class:`SGD`.
    """

    folds_penalty = True

    def bind(self, params, penalty_factor):
        """Lay out ``[v_a | w_a | g | w_b | v_b]``; ``params`` sees ``w_a``; return ``g``.

        ``penalty_factor`` is the ``2 alpha`` of the objective.
        """
        n, k = params.n_parameters, params.n_weights
        self._params, self._own = params, params.views_of(params.flat)
        self._n_weights, self._penalty_factor = k, penalty_factor
        # Each of the five vectors starts on a 64-byte boundary (its section padded to
        # a multiple of 16 numbers): measured faster than packing them end to end.
        stride = -(-n // 16) * 16
        sections = aligned_zeros((5, stride), params.flat.dtype)
        v_a, w_a, g, w_b, v_b = sections[:, :n]
        w_a[...], v_a[...] = params.flat, self._velocity
        # (n, 3) and (n, 2) column-major views: a side, and what a step from it writes.
        side_a, side_b = sections[0:3, :n].T, sections[2:5, :n].T
        writes_a, writes_b = sections[3:5, :n].T, sections[0:2, :n].T
        # Per side, keyed by its parameter vector: the side, what a step writes, the
        # order of M's rows (w, v, g = 0, 1, 2) and columns (w', v'), the parameters'
        # views after the step, and the side's velocity.
        self._sides = {
            id(w_a): (side_a, writes_a, ((1, 0, 2), (0, 1)), params.views_of(w_b), v_a),
            id(w_b): (side_b, writes_b, ((2, 0, 1), (1, 0)), params.views_of(w_a), v_b),
        }
        self._coefficients_for = None
        params.view(params.views_of(w_a))
        return params.like(g)

    def _coefficients(self, order):
        """``M`` of the weights and of the intercepts, rows and columns in ``order``."""
        if self._coefficients_for != self.learning_rate:
            dtype, args = self._own[0].dtype, (self.learning_rate, self.momentum, self.nesterov)
            matrices = [
                momentum_coefficients(*args, factor) for factor in (self._penalty_factor, 0.0)
            ]
            self._ordered = {
                key: [np.asarray(M[list(key[0])][:, list(key[1])], dtype) for M in matrices]
                for key in [((1, 0, 2), (0, 1)), ((2, 0, 1), (1, 0))]
            }
            self._coefficients_for = self.learning_rate
        return self._ordered[order]

    def step(self, params, grads):
        """``[w', v'] = [w, v, g] M`` into the other side, which the bound parameters
        then see; ``params`` and ``grads`` are their vectors (``grads`` holds ``dC/dw``)."""
        side, writes, order, after, _ = self._sides[id(params)]
        weights, intercepts = self._coefficients(order)
        k = self._n_weights
        np.matmul(side[:k], weights, out=writes[:k])
        if k < side.shape[0]:
            np.matmul(side[k:], intercepts, out=writes[k:])
        self._params.view(after)  # (one assignment: the velocity follows the parameters)

    def unbind(self, params):
        """Copy the parameters back to their own vector, and the velocity to its own."""
        self._velocity = copy_of(self.velocity)
        self._own[0][...] = params.flat
        params.view(self._own)
        del self._sides, self._params

    @property
    def velocity(self):
        """The velocity ``v`` (while bound, the one beside the parameters' current side)."""
        sides = getattr(self, "_sides", None)
        if sides is None:
            return self._velocity
        return sides[id(self._params.flat)][-1]

    @velocity.setter
    def velocity(self, value):
        self._velocity = value
