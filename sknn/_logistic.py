"""LogisticRegressionGD: sigmoid units trained on the binary cross-entropy."""

from ._docstrings import fill_docstring
from ._linear import LinearClassifierGD


class LogisticRegressionGD(LinearClassifierGD):
    r"""Logistic regression trained by mini-batch gradient descent with momentum.

    A binary problem has one sigmoid unit; K > 2 classes have K sigmoid units,
    one per class against the rest, trained jointly as one matrix. For a batch of
    N samples with features ``x_i``, targets ``t_i`` in {0, 1} (per unit) and
    sample weights ``s_i`` normalised to mean 1 over the training set:

    .. math::

        \hat y_i = \sigma(z_i) = \frac{1}{1 + e^{-z_i}}, \qquad z_i = w^\top x_i + b

        C = -\frac{1}{N} \sum_i s_i \left[ t_i \log \hat y_i
            + (1 - t_i) \log (1 - \hat y_i) \right]

        \frac{\partial C}{\partial w} = -\frac{1}{N} \sum_i s_i (t_i - \hat y_i) x_i,
        \qquad
        \frac{\partial C}{\partial b} = -\frac{1}{N} \sum_i s_i (t_i - \hat y_i)

    and the objective is ``J = C + alpha ||W||^2`` (summed over units), whose
    weight gradient gains ``2 alpha W``. The derivative follows from
    ``sigma'(z) = sigma(z) (1 - sigma(z))``, which cancels the denominators of the
    cross-entropy's derivative. ``C`` is computed from the logits as
    ``-log sigma(z) + (1 - t) z``, finite for any finite z.

    ``predict_proba`` is ``[1 - sigma(z), sigma(z)]`` for a binary problem and the
    row-normalised sigmoid outputs for more classes, as scikit-learn does for
    one-vs-rest; for multi-label targets, each label's ``sigma(z)`` as it is.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Whether the model has intercepts ``b``. Without them ``intercept_`` is zeros,
        as in scikit-learn.

    %(engine_parameters)s

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights of the sigmoid units (one row per unit).

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts of the sigmoid units.

    %(engine_attributes)s

    See Also
    --------
    SoftmaxGD : Multinomial (softmax) regression on the same engine.
    sklearn.linear_model.LogisticRegression : scikit-learn's exact solvers.

    Notes
    -----
    %(differences)s

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn import LogisticRegressionGD
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), LogisticRegressionGD(random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.97
    True
    >>> model[-1].coef_.shape
    (1, 30)
    """

    _output = "logistic"
    _multilabel = True


fill_docstring(
    LogisticRegressionGD,
    learning_rate_init=0.01,
    differences=[
        "Indicator targets (multi-label) are accepted, one sigmoid unit per label (LogisticRegression refuses them): these units are the multi-label output layer of MLPClassifierGD, at no extra cost.",
        "K > 2 classes are fitted one-vs-rest jointly, by one solver on one matrix.",
    ],
)
