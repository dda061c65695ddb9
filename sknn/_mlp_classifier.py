"""MLPClassifierGD: a multilayer perceptron classifier, its backpropagation written out by hand."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions

from ._activations import Activation, activation_names, get_activation
from ._classifier import BaseGradientDescentClassifier
from ._docstrings import fill_docstring
from ._mlp import WEIGHT_INITS, MultilayerPerceptron


class MLPClassifierGD(BaseGradientDescentClassifier):
    r"""Multilayer perceptron classifier trained by gradient descent (SGD, Adam or L-BFGS).

    Hidden layers of the chosen activation feed a softmax output layer of one
    unit per class (every K >= 2, binary included) trained on the mean
    cross-entropy; for multi-label targets (a 0/1 indicator ``y``), one logistic
    unit per label on the summed binary cross-entropies, as scikit-learn's
    MLPClassifier. Backpropagation is written out by hand, layer by layer. For a
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

    activation : {"relu", "lecun_tanh", "tanh", "logistic", "identity"} or Activation, default="relu"
        Activation of the hidden layers, with scikit-learn's names: "logistic" is
        the sigmoid ``1 / (1 + e^{-x})`` ("sigmoid" is another name for it);
        "lecun_tanh" is LeCun's "improved sigmoid" ``1.7159 tanh(2x/3)``. A name
        registered with :func:`sknn.utils.register_activation` works too, in the
        process that registered it; the Activation that it returns goes with the
        estimator to the worker processes of a search with ``n_jobs``, and with a
        pickled model (whose functions must then be importable where it is loaded).

    weight_init : {"auto", "lecun_normal", "he_normal", "glorot_uniform", "uniform"}, default="auto"
        Initial weights: "lecun_normal" is ``N(0, 1/fan_in)``, "he_normal"
        ``N(0, 2/fan_in)``, "glorot_uniform"
        ``U(-sqrt(6/(fan_in+fan_out)), +...)`` (scikit-learn's, except for "logistic",
        where it takes 2 for 6 and draws the intercepts too), "uniform" ``U(-1, 1)``; "auto" is
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
        Output units: the number of classes (or of labels).

    out_activation_ : str
        "softmax" for classes (binary included), "logistic" for multi-label
        indicator targets, as scikit-learn names them.

    n_parameters_ : int
        Weights plus intercepts (784-64-10 has 50,890).

    %(engine_attributes)s

    See Also
    --------
    SoftmaxGD : The output layer alone.
    sklearn.neural_network.MLPClassifier : scikit-learn's MLP.

    Notes
    -----
    %(differences)s

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn import MLPClassifierGD
    >>> X, y = load_iris(return_X_y=True)
    >>> mlp = MLPClassifierGD(hidden_layer_sizes=(16,), learning_rate_init=0.1, random_state=0)
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
        "activation": [str, Activation],
        "weight_init": [StrOptions({"auto", *WEIGHT_INITS})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    _output = "softmax"
    _multilabel = True

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        weight_init="auto",
        dropout=0.0,
        solver="sgd",
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
        class_weight=None,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        max_fun=15000,
    ):
        super().__init__(
            solver=solver,
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
            class_weight=class_weight,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            max_fun=max_fun,
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

    def _check_hyperparameters(self, incremental):
        super()._check_hyperparameters(incremental)
        self._hidden_sizes()
        try:
            get_activation(self.activation)
        except ValueError:
            names = ", ".join(repr(name) for name in activation_names())
            raise InvalidParameterError(
                f"The 'activation' parameter of {type(self).__name__} must be a str among "
                f"{{{names}}}. Got {self.activation!r} instead. A new activation is added "
                "with sknn.utils.register_activation, in each process: in worker "
                "processes (a search with n_jobs), pass the Activation it returns as "
                "activation= instead of its name."
            ) from None

    def _encode_targets(self, y, classes, continuing, incremental, dtype, sample_weight=None):
        targets = super()._encode_targets(y, classes, continuing, incremental, dtype, sample_weight)
        # scikit-learn's names: "softmax" for classes, "logistic" for multi-label.
        targets.attributes["out_activation_"] = targets.output_unit.name
        return targets

    def _make_network(self):
        return MultilayerPerceptron(
            self._hidden_sizes(), self.activation, self.weight_init, self.dropout
        )

    def _parameter_names(self, n_layers):
        weights = [f"coefs_[{j}]" for j in range(n_layers)]
        return weights, [f"intercepts_[{j}]" for j in range(n_layers)]

    def _fitted_parameters(self):
        return self.coefs_, self.intercepts_

    def _parameter_attributes(self, weights, intercepts):
        return {
            "coefs_": list(weights),
            "intercepts_": list(intercepts),
            "n_layers_": len(weights) + 1,
            "n_outputs_": weights[-1].shape[1],
            "n_parameters_": sum(
                math.prod(W.shape) + b.shape[0] for W, b in zip(weights, intercepts)
            ),
        }


fill_docstring(
    MLPClassifierGD,
    learning_rate_init=0.01,
    differences=[
        "A binary problem keeps two softmax output units (``n_outputs_ = 2``; MLPClassifier has one logistic unit): one formula for every number of classes.",
        "``class_weight``, ``X_val``/``y_val``, ``dropout`` and ``weight_init`` are sknn's additions; ``weight_init='auto'`` is He's for ReLU and LeCun's otherwise (MLPClassifier uses Glorot's).",
    ],
)
