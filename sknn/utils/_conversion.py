"""Moving a fitted estimator's arrays back to NumPy."""

import copy

import numpy as np
from sklearn.externals import array_api_compat

from .._primitives import to_numpy


def _converted(value):
    if array_api_compat.is_array_api_obj(value):
        # A copy: on the CPU, to_numpy may share the tensor's memory (DLPack).
        return np.array(to_numpy(value), copy=True)
    if isinstance(value, list):
        return [_converted(item) for item in value]
    if isinstance(value, dict):
        return {key: _converted(item) for key, item in value.items()}
    return value


def estimator_to_numpy(estimator):
    """A copy of a fitted estimator whose arrays are NumPy arrays on the host.

    An estimator fitted under ``sklearn.set_config(array_api_dispatch=True)`` on
    PyTorch tensors or CuPy arrays keeps its fitted attributes (``coefs_``,
    ``classes_``, the optimizer's state, ...) in that library, on that device.
    ``pickle`` saves PyTorch's tensors as they are; skops trusts NumPy arrays but not
    other libraries' types, so convert first to save with skops, or to use the model
    without the library (or its GPU).

    Parameters
    ----------
    estimator : LogisticRegressionGD, SoftmaxGD or MLPClassifierGD
        Fitted. Not modified.

    Returns
    -------
    estimator : the same class
        A copy with every array attribute (in lists and dicts too) on the host.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn import SoftmaxGD
    >>> from sknn.utils import estimator_to_numpy
    >>> model = SoftmaxGD(solver="lbfgs").fit(np.eye(4), [0, 1, 0, 1])
    >>> type(estimator_to_numpy(model).coef_).__name__
    'ndarray'
    """
    converted = copy.copy(estimator)
    converted.__dict__ = {name: _converted(value) for name, value in vars(estimator).items()}
    return converted
