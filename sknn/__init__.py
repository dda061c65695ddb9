"""sknn: scikit-learn classifiers trained by gradient descent with hand-derived gradients."""

from ._logistic import LogisticRegressionGD
from ._mlp_classifier import MLPClassifierGD
from ._softmax import SoftmaxGD

__all__ = ["LogisticRegressionGD", "MLPClassifierGD", "SoftmaxGD"]
__version__ = "0.1.0"
