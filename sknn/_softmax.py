"""SoftmaxGD: multinomial (softmax) regression trained on the cross-entropy."""

from ._docstrings import fill_docstring
from ._linear import LinearClassifierGD


class SoftmaxGD(LinearClassifierGD):
    r"""Softmax (multinomial logistic) regression trained by mini-batch gradient descent.

    K output units, one per class, for every K >= 2 (a binary problem too). For a
    batch of N samples with one-hot targets ``Y`` and sample weights ``s_i``
    normalised to mean 1 over the training set:

    .. math::

        \hat y_{ik} = \frac{e^{z_{ik}}}{\sum_{k'} e^{z_{ik'}}}, \qquad Z = X W + b

        C = -\frac{1}{N} \sum_i s_i \log \hat y_{i, y_i}

        \frac{\partial C}{\partial W} = -\frac{1}{N} X^\top S (Y - \hat Y), \qquad
        \frac{\partial C}{\partial b} = -\frac{1}{N} \mathbf{1}^\top S (Y - \hat Y)

    with ``S = diag(s)``, and the objective is ``J = C + alpha ||W||^2``, whose
    weight gradient gains ``2 alpha W``. The derivative uses
    ``d yhat_k / d z_k' = yhat_k ([k = k'] - yhat_k')``. ``C`` is computed as
    ``logsumexp(z_i) - z_{i, y_i}``, finite for any finite logits.

    For two classes ``decision_function`` returns ``z_1 - z_0``, whose sign gives
    the prediction.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Whether the model has intercepts ``b``. Without them ``intercept_`` is zeros,
        as in scikit-learn.

    %(engine_parameters)s

    Attributes
    ----------
    coef_ : ndarray of shape (n_classes, n_features)
        Weights, one row per class.

    intercept_ : ndarray of shape (n_classes,)
        Intercepts, one per class.

    %(engine_attributes)s

    See Also
    --------
    LogisticRegressionGD : Sigmoid units, one-vs-rest.
    MLPClassifierGD : The same output layer behind hidden layers.

    Notes
    -----
    %(differences)s

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn import SoftmaxGD
    >>> X, y = load_iris(return_X_y=True)
    >>> softmax = SoftmaxGD(learning_rate_init=0.1, max_iter=300, random_state=0)
    >>> model = make_pipeline(StandardScaler(), softmax)
    >>> model.fit(X, y).score(X, y) > 0.95
    True
    >>> model[-1].predict_proba(X[:1]).sum().round(6)
    np.float64(1.0)
    """

    _output = "softmax"


fill_docstring(
    SoftmaxGD,
    learning_rate_init=0.01,
    differences=[
        "A binary problem keeps two softmax units, so ``coef_`` has two rows, each penalised: one formula for every K. (It is the logistic model with ``w = w_1 - w_0`` and half the penalty.) ``decision_function`` returns ``z_1 - z_0``.",
    ],
)
