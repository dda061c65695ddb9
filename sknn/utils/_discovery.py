"""Find sknn's public estimators, so that tests need no list of them."""

import inspect

from sklearn.base import BaseEstimator


def all_estimators() -> list[tuple[str, type]]:
    """Every public estimator class of sknn, sorted by name.

    Returns
    -------
    estimators : list of (str, type)
        Pairs of class name and class.

    Examples
    --------
    >>> from sknn.utils import all_estimators
    >>> [name for name, _ in all_estimators()]
    ['LogisticRegressionGD', 'MLPClassifierGD', 'SoftmaxGD']
    """
    import sknn

    found = {
        name: obj
        for name, obj in vars(sknn).items()
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator) and not name.startswith("_")
    }
    return sorted(found.items())
