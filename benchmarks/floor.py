"""The floor: an epoch's row gathers and matrix products alone, timed like a model.

For a network of ``L`` weight layers (``L = 1`` for the linear models), one
mini-batch step of gradient descent needs these matrix products, with ``a_0`` the
batch's rows of X, ``a_j`` the output of layer j and ``delta_j`` dC/dz_j::

    forward         z_j = a_{j-1} W_j                 j = 1..L        L products
    weight gradient dC/dW_j = a_{j-1}^T delta_j       j = L..1        L products
    back-propagate  dC/da_{j-1} = delta_j W_j^T       j = L..2        L - 1 products

that is ``3L - 1`` products: 5 for one hidden layer, 8 for two, 2 for a linear
model (``X W`` and ``X^T dC/dZ``). :class:`Floor` does exactly that per batch of a
shuffled epoch, with the row gather before it, and nothing else: no intercepts
(neither their addition nor the ``1^T delta`` products of their gradients), no
activation or its derivative, no loss, no optimizer step, no input validation.
It still pays what every implementation of mini-batch SGD must pay besides: the
shuffle of an index vector per epoch, one allocation of the buffers per fit, and
Python's loop over the batches. No NumPy implementation of the same algorithm
can be faster on the same BLAS, so ``sknn / floor`` measures how much time sknn
spends on everything but the products.

The step is laid out as sknn lays out its own (``sknn/_base.py``, ``_mlp.py``,
``_linear.py``), so that the products run the same BLAS kernels on the same
shapes and memory orders:

- the batch is gathered with ``X.take(indices, axis=0, out=X_buffer[:n],
  mode="clip")`` and ``y.take(...)`` into buffers of ``batch_size`` rows allocated
  once, in X's dtype; the last batch of an epoch is short (nothing is dropped), and
  a batch of all the samples is not gathered (the rows are used in place);
- hidden outputs ``a_j`` and their deltas are C-ordered (n, units_j) buffers; the
  logits, which are also the output delta, a Fortran-ordered (n, n_outputs) one;
  the products of a short batch write into the first n rows of the same buffers;
- weights and weight gradients are C-contiguous (fan_in, fan_out) arrays;
  ``a^T`` and ``W^T`` are transposed views, never copies.

The values are finite and of ordinary size (unit-variance data times weights of
variance 1/fan_in), so no product is slowed down by subnormal numbers.
"""

import numpy as np


class Floor:
    """The matrix products and row gathers of mini-batch SGD, with a ``fit`` to time.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int
        Units of the hidden layers; ``()`` for a linear model.
    batch_size : int
        Rows per batch; capped at the number of samples, as sknn does.
    epochs : int
        Passes over the data per ``fit``.
    random_state : int, default=0
        Seed of the shuffles and of the weights.
    n_outputs : int, default=None
        Output units; the number of classes in ``y`` when None (``1`` for
        LogisticRegressionGD on two classes).

    Attributes
    ----------
    n_batches_ : int
        Batches processed by the last ``fit``: ``epochs * ceil(n_samples / batch)``.
    t_ : int
        Samples processed by the last ``fit``, as sknn's ``t_``.
    n_products_per_batch_ : int
        ``3 L - 1`` for ``L`` weight layers.
    """

    def __init__(self, hidden_layer_sizes, batch_size, epochs, random_state=0, n_outputs=None):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.batch_size = batch_size
        self.epochs = epochs
        self.random_state = random_state
        self.n_outputs = n_outputs

    def fit(self, X, y):
        n_samples, n_features = X.shape
        dtype = X.dtype
        rng = np.random.RandomState(self.random_state)
        n_outputs = self.n_outputs or int(y.max()) + 1
        units = [n_features, *self.hidden_layer_sizes, n_outputs]
        shapes = list(zip(units[:-1], units[1:]))
        last = len(shapes) - 1
        batch_size = min(self.batch_size, n_samples)

        weights = [
            (rng.standard_normal(shape) / np.sqrt(shape[0])).astype(dtype) for shape in shapes
        ]
        weight_gradients = [np.empty(shape, dtype) for shape in shapes]
        outputs = [np.empty((batch_size, fan_out), dtype) for _, fan_out in shapes]
        outputs[last] = np.asfortranarray(outputs[last])  # column-major logits, as sknn's
        deltas = [np.empty_like(A) for A in outputs[:last]]
        X_buffer = np.empty((batch_size, n_features), dtype)
        y_buffer = np.empty(batch_size, y.dtype)
        order = np.arange(n_samples)
        shuffle = batch_size < n_samples  # one batch of everything: rows used in place

        n_batches = 0
        for _ in range(self.epochs):
            if shuffle:
                rng.shuffle(order)
            for start in range(0, n_samples, batch_size):
                stop = min(start + batch_size, n_samples)
                n = stop - start
                if shuffle:
                    indices = order[start:stop]
                    X_batch = X.take(indices, axis=0, out=X_buffer[:n], mode="clip")
                    y.take(indices, out=y_buffer[:n], mode="clip")
                else:
                    X_batch = X[start:stop]
                inputs = [X_batch]  # inputs[j] = a_{j-1}, the input of layer j
                for j in range(last + 1):
                    np.matmul(inputs[j], weights[j], out=outputs[j][:n])  # z_j = a_{j-1} W_j
                    inputs.append(outputs[j][:n])
                delta = outputs[last][:n]  # the logits' buffer holds the output delta
                for j in range(last, -1, -1):
                    np.matmul(inputs[j].T, delta, out=weight_gradients[j])  # a_{j-1}^T delta_j
                    if j > 0:
                        previous = deltas[j - 1][:n]
                        np.matmul(delta, weights[j].T, out=previous)  # delta_j W_j^T
                        delta = previous
                n_batches += 1
        self.n_batches_ = n_batches
        self.t_ = self.epochs * n_samples
        self.n_products_per_batch_ = 3 * len(shapes) - 1
        return self

    def score(self, X, y):
        """No predictions: the floor trains nothing. Returns NaN."""
        return float("nan")


def recorded_products(fit, X, y):
    """The matrix products that ``fit(X, y)`` makes through ``np.matmul``, as a count.

    Each product of two matrices is recorded as its shapes and memory orders,
    ``((A.shape, A order), (B.shape, B order), out order)`` with orders "C", "F"
    or "strided"; vector products (sknn's intercept gradients ``1^T delta``) and
    the optimizer's ``(n, 3) x (3, 2)`` step are left out. Comparing the count of
    sknn's fit with the floor's shows whether the floor times the same products.
    """
    from collections import Counter

    counts = Counter()
    matmul = np.matmul

    def order(array):
        if array.flags.c_contiguous:
            return "C"
        return "F" if array.flags.f_contiguous else "strided"

    def recording_matmul(A, B, *args, **kwargs):
        out = kwargs.get("out", args[0] if args else None)
        is_step = getattr(B, "shape", None) == (3, 2)
        if np.ndim(A) == 2 and np.ndim(B) == 2 and not is_step:
            out_order = None if out is None else order(out)
            counts[((A.shape, order(A)), (B.shape, order(B)), out_order)] += 1
        return matmul(A, B, *args, **kwargs)

    np.matmul = recording_matmul
    try:
        fit(X, y)
    finally:
        np.matmul = matmul
    return counts
