"""MLPClassifierGD: a multilayer perceptron with backpropagation written out by hand."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.extmath import safe_sparse_dot

from ._activations import ACTIVATIONS
from ._base import BaseGradientDescentClassifier, _dot_into
from ._docstrings import fill_docstring
from ._losses import softmax_cross_entropy_gradient


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

    ``outputs[j]``: output of layer j (the activation of a hidden layer, the
    logits of the last), shape (n_rows, fan_out_j). ``deltas[j]``: dC/dA of hidden
    layer j. With dropout, ``dropped[j]`` is the masked activation that feeds
    layer j + 1 and ``masks[j]`` the inverted-dropout mask. ``ones`` is a vector of
    ones, for the intercept gradients.
    """

    def __init__(self, n_rows, weight_shapes, dtype, dropout):
        self.outputs = [np.empty((n_rows, fan_out), dtype) for _, fan_out in weight_shapes]
        # Column-major logits: the loss's row-wise max and sum over a few classes run
        # several times faster, as does the product that writes them (see _losses.py).
        self.outputs[-1] = np.asfortranarray(self.outputs[-1])
        self.ones = np.ones(n_rows, dtype)  # the 1 of dC/db_j = 1^T delta_j
        hidden = self.outputs[:-1]
        self.deltas = [np.empty_like(A) for A in hidden]
        self.dropped = [np.empty_like(A) for A in hidden] if dropout else None
        self.masks = [np.empty_like(A) for A in hidden] if dropout else None


class MLPClassifierGD(BaseGradientDescentClassifier):
    r"""Multilayer perceptron classifier trained by mini-batch gradient descent.

    Hidden layers of the chosen activation feed a softmax output layer of one
    unit per class (every K >= 2, binary included) trained on the mean
    cross-entropy. Backpropagation is written out by hand, layer by layer. For a
    batch of N samples, ``a_0 = X`` and layers ``j = 1..L``:

    .. math::

        z_j = a_{j-1} W_j + b_j, \qquad a_j = f(z_j) \ (j < L), \qquad
        \hat Y = \mathrm{softmax}(z_L)

        \delta_L = \frac{1}{N} S (\hat Y - Y), \qquad
        \delta_j = f'(z_j) \odot (\delta_{j+1} W_{j+1}^\top)

        \frac{\partial J}{\partial W_j} = a_{j-1}^\top \delta_j + 2 \alpha W_j,
        \qquad \frac{\partial J}{\partial b_j} = \mathbf{1}^\top \delta_j

    where ``S = diag(s)`` holds the sample weights normalised to mean 1 over the
    training set and ``J = C + alpha sum_j ||W_j||^2``. Shapes: ``a_j`` and
    ``delta_j`` are (N, units_j); ``W_j`` is (units_{j-1}, units_j).

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer; ``()`` gives softmax regression.

    activation : {"relu", "lecun_tanh", "tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden layers. "lecun_tanh" is LeCun's "improved
        sigmoid" ``1.7159 tanh(2x/3)``.

    weight_init : {"auto", "lecun_normal", "he_normal", "glorot_uniform", "uniform"}, default="auto"
        Initial weights: "lecun_normal" is ``N(0, 1/fan_in)``, "he_normal"
        ``N(0, 2/fan_in)``, "glorot_uniform" scikit-learn's
        ``U(-sqrt(6/(fan_in+fan_out)), +...)``, "uniform" ``U(-1, 1)``; "auto" is
        "he_normal" for relu and "lecun_normal" otherwise. Intercepts start at 0.

    dropout : float, default=0.0
        Probability of zeroing each hidden activation during training (inverted
        dropout: survivors are scaled by ``1 / (1 - dropout)``); prediction is
        deterministic. In [0, 1).

    %(engine_parameters)s

    Attributes
    ----------
    coefs_ : list of ndarray
        ``coefs_[j]`` has shape (fan_in, fan_out): weights of layer j + 1. A
        fitted model's ``coefs_`` and ``intercepts_`` may be overwritten (same
        shapes); ``partial_fit`` continues from exactly those values.

    intercepts_ : list of ndarray
        ``intercepts_[j]`` has shape (fan_out,).

    n_layers_ : int
        Layers including input and output: ``len(hidden_layer_sizes) + 2``.

    n_outputs_ : int
        Output units, the number of classes.

    out_activation_ : str
        Always "softmax".

    n_parameters_ : int
        Weights plus intercepts (784-64-10 has 50,890).

    %(engine_attributes)s

    See Also
    --------
    SoftmaxGD : The output layer alone.
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn import MLPClassifierGD
    >>> X, y = load_iris(return_X_y=True)
    >>> mlp = MLPClassifierGD(hidden_layer_sizes=(16,), random_state=0)
    >>> model = make_pipeline(StandardScaler(), mlp).fit(X, y)
    >>> model.score(X, y) > 0.95
    True
    >>> [w.shape for w in mlp.coefs_], mlp.n_parameters_
    ([(4, 16), (16, 3)], 131)
    """

    _parameter_constraints: dict = {
        **BaseGradientDescentClassifier._parameter_constraints,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        # Checked against the registry at fit time, so that a registered activation works.
        "activation": [str],
        "weight_init": [StrOptions({"auto", *WEIGHT_INITS})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    _output = "softmax"

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        weight_init="auto",
        dropout=0.0,
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.01,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        monitor=None,
    ):
        super().__init__(
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            monitor=monitor,
        )
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.weight_init = weight_init
        self.dropout = dropout

    def _hidden_sizes(self):
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes))
        if sizes.ndim != 1 or (sizes.size and (sizes.dtype.kind not in "iu" or sizes.min() < 1)):
            raise ValueError(
                "hidden_layer_sizes must be an int or a sequence of positive ints, got "
                f"{self.hidden_layer_sizes!r}."
            )
        return [int(size) for size in sizes]

    def _weight_shapes(self, n_features, n_outputs):
        units = [n_features, *self._hidden_sizes(), n_outputs]
        return list(zip(units[:-1], units[1:]))

    def _initialize_weights(self, weights, rng):
        name = self.weight_init
        if name == "auto":
            name = "he_normal" if self.activation == "relu" else "lecun_normal"
        for W in weights:
            W[...] = WEIGHT_INITS[name](*W.shape, rng)

    def _parameter_names(self, n_layers):
        return [f"coefs_[{j}]" for j in range(n_layers)], [
            f"intercepts_[{j}]" for j in range(n_layers)
        ]

    def _get_weights_intercepts(self):
        return self.coefs_, self.intercepts_

    def _set_weights_intercepts(self, weights, intercepts):
        self.coefs_ = weights
        self.intercepts_ = intercepts
        self.n_layers_ = len(weights) + 1
        self.n_outputs_ = weights[-1].shape[1]
        self.out_activation_ = "softmax"
        self.n_parameters_ = int(sum(W.size + b.size for W, b in zip(weights, intercepts)))

    def _allocate_workspace(self, n_rows, weight_shapes, dtype):
        return _Workspace(n_rows, weight_shapes, dtype, self.dropout > 0)

    def _logits(self, X, weights, intercepts):
        forward = ACTIVATIONS[self.activation].forward
        A = X
        for j, (W, b) in enumerate(zip(weights, intercepts)):
            Z = safe_sparse_dot(A, W)
            Z += b  # z_j = a_{j-1} W_j + b_j
            if j < len(weights) - 1:
                forward(Z)  # a_j = f(z_j)
            A = Z
        return A

    def _loss_gradient(self, X, y, sample_weight, params, grads, workspace, rng):
        n = X.shape[0]
        activation = ACTIVATIONS[self.activation]
        W, b = params.weights, params.intercepts
        last = len(W) - 1
        outputs = [A[:n] for A in workspace.outputs]
        ones = workspace.ones[:n]

        # Forward pass; inputs[j] is a_{j-1}, the input of layer j.
        inputs = [X]
        for j in range(last + 1):
            Z = outputs[j]
            _dot_into(inputs[j], W[j], Z)
            Z += b[j]  # z_j = a_{j-1} W_j + b_j
            if j < last:
                activation.forward(Z)  # a_j = f(z_j), in place
                inputs.append(self._drop(Z, workspace, j, n, rng))

        # delta_L = dC/dz_L = S (Yhat - Y) / N, written over the logits.
        loss = softmax_cross_entropy_gradient(outputs[last], y, sample_weight)

        # Backward pass.
        delta = outputs[last]
        for j in range(last, -1, -1):
            _dot_into(inputs[j].T, delta, grads.weights[j])  # dC/dW_j = a_{j-1}^T delta_j
            # dC/db_j = 1^T delta_j, as a BLAS product: faster than delta.sum(axis=0).
            np.matmul(ones, delta, out=grads.intercepts[j])
            if j == 0:
                break
            previous = workspace.deltas[j - 1][:n]
            np.matmul(delta, W[j].T, out=previous)  # dC/da_{j-1} = delta_j W_j^T
            if workspace.masks is not None:
                previous *= workspace.masks[j - 1][:n]  # through the dropout mask
            activation.derivative(outputs[j - 1], previous)  # delta_{j-1} = f'(z) * ...
            delta = previous
        return loss

    def _drop(self, A, workspace, j, n, rng):
        """Inverted dropout of hidden activation ``A`` (training only)."""
        if workspace.masks is None:
            return A
        mask = workspace.masks[j][:n]
        keep = 1.0 - self.dropout
        np.less(rng.random_sample(A.shape), keep, out=mask)  # 1 with probability keep
        mask /= keep
        return np.multiply(A, mask, out=workspace.dropped[j][:n])

    def _check_trainable(self):
        super()._check_trainable()
        self._hidden_sizes()
        if self.activation not in ACTIVATIONS:
            raise InvalidParameterError(
                f"The 'activation' parameter of {type(self).__name__} must be a str among "
                f"{set(ACTIVATIONS)}. Got {self.activation!r} instead. A new activation is "
                "added to sknn._activations.ACTIVATIONS with its derivative."
            )


fill_docstring(MLPClassifierGD, learning_rate_init=0.01)
