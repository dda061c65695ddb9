"""The multilayer perceptron: forward pass and backpropagation, written out layer by layer.

For a batch of N samples, ``a_0 = X`` and layers ``j = 1..L``::

    z_j = a_{j-1} W_j + b_j          (N, units_j)
    a_j = f(z_j)                     hidden layers, j < L; z_L are the logits

and, from ``delta_L = dC/dz_L`` (given by the output unit, ``_losses.py``)::

    dC/dW_j = a_{j-1}^T delta_j      (units_{j-1}, units_j)
    dC/db_j = 1^T delta_j            (units_j,)
    delta_{j-1} = f'(z_{j-1}) * (delta_j W_j^T)

With inverted dropout, the input of layer ``j + 1`` is ``a_j * m_j`` for a random mask
``m_j`` of 0 and ``1 / (1 - p)``, and the backward pass multiplies by the same mask.
"""

import numpy as np
from sklearn.utils.extmath import safe_sparse_dot

from ._activations import get_activation
from ._primitives import (
    add_intercept_,
    apply_,
    empty,
    induced_inf_norm,
    largest_magnitude,
    like,
    matmul_into,
    namespace,
    zeros,
)


def lecun_normal(fan_in, fan_out, rng):
    """``N(0, 1/fan_in)``: unit-variance pre-activations for unit-variance inputs."""
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    """``N(0, 2/fan_in)``: LeCun's variance doubled, as ReLU zeroes half the inputs."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def glorot_uniform(fan_in, fan_out, rng):
    """``U(-b, b)`` with ``b = sqrt(6 / (fan_in + fan_out))``, scikit-learn's choice."""
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def uniform(fan_in, fan_out, rng):
    """``U(-1, 1)`` whatever the fan-in: the baseline the fan-in rules improve on."""
    return rng.uniform(-1.0, 1.0, size=(fan_in, fan_out))


WEIGHT_INITS = {
    "lecun_normal": lecun_normal,
    "he_normal": he_normal,
    "glorot_uniform": glorot_uniform,
    "uniform": uniform,
}


class _Workspace:
    """Per-batch buffers of the forward and backward passes, allocated once.

    Layers count from 1, as in the formulas, and Python's lists from 0: ``outputs[j -
    1]`` is the output of layer j (``a_j`` for a hidden layer, the logits ``z_L`` for
    the last), shape (n_rows, fan_out_j); ``deltas[j - 1]`` is dC/da_j of hidden layer
    j. With dropout, ``dropped[j - 1]`` is ``a_j * m_j``, the input of layer j + 1, and
    ``masks[j - 1]`` the inverted-dropout mask ``m_j``. ``ones`` is a vector of ones,
    for the intercept gradients.
    """

    def __init__(self, n_rows, layer_shapes, dtype, dropout, like_array):
        last = len(layer_shapes) - 1

        def buffer(j):
            # Column-major logits: the loss's row-wise max and sum over a few classes run
            # several times faster, as does the product that writes them (measured:
            # docs/performance.rst, "What makes the training loop fast").
            shape = (n_rows, layer_shapes[j][1])
            return empty(shape, dtype, like_array, fortran=j == last)

        self.outputs = [buffer(j) for j in range(last + 1)]
        self.ones = zeros(n_rows, dtype, like_array) + 1  # the 1 of dC/db_j = 1^T delta_j
        hidden = range(last)
        self.deltas = [buffer(j) for j in hidden]
        self.dropped = [buffer(j) for j in hidden] if dropout else None
        self.masks = [buffer(j) for j in hidden] if dropout else None

    def layer_input(self, j, n):
        """``a_{j-1}`` as layer j saw it (after dropout), for j >= 2 (``a_0`` is X)."""
        inputs = self.outputs if self.dropped is None else self.dropped
        return inputs[j - 2][:n, ...]


class MultilayerPerceptron:
    """Hidden layers of one activation, then a linear output layer (the logits).

    Parameters
    ----------
    hidden_layer_sizes : list of int
        Units of each hidden layer.
    activation : str
        A registered activation (``_activations.py``).
    weight_init : str, default="auto"
        A key of :data:`WEIGHT_INITS`, or "auto" (he_normal for relu, else lecun_normal).
    dropout : float, default=0.0
        Probability of zeroing each hidden activation in training.
    """

    def __init__(self, hidden_layer_sizes, activation, weight_init="auto", dropout=0.0):
        self.hidden_layer_sizes = list(hidden_layer_sizes)
        self.activation = get_activation(activation)
        if weight_init == "auto":
            weight_init = "he_normal" if activation == "relu" else "lecun_normal"
        self.weight_init = WEIGHT_INITS[weight_init]
        self.dropout = dropout

    def layer_shapes(self, n_features, n_outputs):
        units = [n_features, *self.hidden_layer_sizes, n_outputs]
        return list(zip(units[:-1], units[1:]))

    def initialize(self, params, rng):
        """Draw every weight matrix (with NumPy, whatever the namespace: the same seed
        gives the same network); the intercepts stay at zero."""
        for W in params.weights:
            W[...] = like(self.weight_init(*W.shape, rng), W, W.dtype)

    def allocate(self, n_rows, params):
        flat = params.flat
        return _Workspace(n_rows, params.layer_shapes, flat.dtype, self.dropout > 0, flat)

    def forward(self, X, weights, intercepts, workspace=None, rng=None):
        """The logits ``z_L``; with ``workspace``, every layer's output is kept for backward.

        ``rng`` draws the dropout masks; without it (prediction, validation) the pass
        is deterministic.
        """
        n, L = X.shape[0], len(weights)
        A = X  # a_0
        for j in range(1, L + 1):  # layer j: W_j = weights[j - 1], b_j = intercepts[j - 1]
            W, b = weights[j - 1], intercepts[j - 1]
            if workspace is None:
                Z = safe_sparse_dot(A, W)
            else:
                Z = matmul_into(A, W, workspace.outputs[j - 1][:n, ...])
            add_intercept_(Z, b)  # z_j = a_{j-1} W_j + b_j
            if j < L:
                self.activation.forward(Z)  # a_j = f(z_j), in place
                A = (
                    Z
                    if rng is None or workspace.masks is None
                    else self._drop(Z, workspace, j, rng)
                )
        return Z  # z_L

    def output_bound(self, weights, intercepts, input_bound):
        """A bound on the logits for inputs with ``|x| <= input_bound``, or None.

        Layer by layer, ``|z_j| <= ||W_j|| |a_{j-1}| + max |b_j|`` (``||W||`` the most
        a product with ``W`` can grow the largest entry, ``_primitives.induced_inf_norm``),
        and the activation bounds ``|a_j|`` from ``|z_j|``. None for an activation whose
        range is not known (a registered one).
        """
        if self.activation.bound is None and len(weights) > 1:
            return None
        bound = input_bound
        for j, (W, b) in enumerate(zip(weights, intercepts)):
            bound = induced_inf_norm(W) * bound + largest_magnitude(b)
            if j < len(weights) - 1:
                bound = self.activation.bound(bound)
        return bound

    def backward(self, X, delta, weights, grads, workspace):
        """Every ``dC/dW_j`` and ``dC/db_j`` into ``grads``, from ``delta = dC/dz_L``."""
        n, L = X.shape[0], len(weights)
        ones = workspace.ones[:n]
        for j in range(L, 0, -1):  # delta = delta_j; layer j's arrays are at [j - 1]
            inputs = X if j == 1 else workspace.layer_input(j, n)  # a_{j-1}
            matmul_into(inputs.T, delta, grads.weights[j - 1])  # dC/dW_j = a_{j-1}^T delta_j
            # dC/db_j = 1^T delta_j, as a BLAS product: faster than delta.sum(axis=0).
            matmul_into(ones, delta, grads.intercepts[j - 1])
            if j == 1:
                break
            previous = workspace.deltas[j - 2][:n, ...]
            matmul_into(delta, weights[j - 1].T, previous)  # dC/da_{j-1} = delta_j W_j^T
            if workspace.masks is not None:
                previous *= workspace.masks[j - 2][:n, ...]  # through the mask m_{j-1}
            # delta_{j-1} = f'(z_{j-1}) * dC/da_{j-1}
            self.activation.derivative(workspace.outputs[j - 2][:n, ...], previous)
            delta = previous

    def _drop(self, A, workspace, j, rng):
        """Inverted dropout of ``A = a_j``: ``a_j * m_j``, ``m_j`` in {0, 1/keep}.

        The mask is drawn with NumPy (on the host, for every namespace: the same seed
        draws the same masks) and moved to ``A``'s device.
        """
        n = A.shape[0]
        mask = workspace.masks[j - 1][:n, ...]
        keep = 1.0 - self.dropout
        if isinstance(mask, np.ndarray):
            np.less(rng.random_sample(A.shape), keep, out=mask)  # 1 with probability keep
        else:
            mask[...] = like(rng.random_sample(A.shape) < keep, mask, mask.dtype)
        mask /= keep
        return apply_(namespace(A).multiply, workspace.dropped[j - 1][:n, ...], A, mask)
