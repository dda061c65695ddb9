"""The models that the benchmarks race, each built by a factory with the shared settings.

Every MLP in a comparison trains the same network (784 inputs, the hidden layers,
a softmax output over 10 classes) with the same optimizer (SGD, learning rate
0.01, Nesterov momentum 0.9) and the same L2 penalty, each in its library's
convention. The floor (``floor.py``) is built here too, beside the model it is the
floor of.
"""

import numpy as np
from floor import Floor

#: Settings every MLP in the comparison shares.
LEARNING_RATE = 0.01
SKLEARN_ALPHA = 1e-4  # MLPClassifier's default L2 penalty

#: sknn's name of each activation, and scikit-learn's and PyTorch's names for it.
SKLEARN_ACTIVATIONS = {"relu": "relu", "sigmoid": "logistic"}
TORCH_ACTIVATIONS = {"relu": "ReLU", "sigmoid": "Sigmoid"}


def sknn_mlp(hidden, batch_size, epochs, seed, activation="relu"):
    from sknn import MLPClassifierGD

    # sknn's penalty is alpha ||W||^2 on the mean loss; scikit-learn's is
    # (alpha / 2) ||W||^2 / batch_size: the same objective with this alpha.
    return MLPClassifierGD(
        hidden,
        activation=activation,
        batch_size=batch_size,
        max_iter=epochs,
        learning_rate_init=LEARNING_RATE,
        alpha=SKLEARN_ALPHA / (2 * batch_size),
        momentum=0.9,
        nesterovs_momentum=True,
        weight_init="glorot_uniform",  # scikit-learn's initialisation
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


def sklearn_mlp(hidden, batch_size, epochs, seed, activation="relu"):
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden,
        activation=SKLEARN_ACTIVATIONS[activation],
        solver="sgd",
        momentum=0.9,
        nesterovs_momentum=True,
        batch_size=batch_size,
        max_iter=epochs,
        learning_rate_init=LEARNING_RATE,
        alpha=SKLEARN_ALPHA,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


def floor_mlp(hidden, batch_size, epochs, seed, activation="relu"):
    """The floor of sknn_mlp; the activation changes no product, so it is unused."""
    return Floor(hidden, batch_size, epochs, random_state=seed)


class TorchMLP:
    """The same network and optimizer in PyTorch, with a fit/score interface."""

    def __init__(self, hidden, batch_size, epochs, seed, activation="relu"):
        self.hidden, self.batch_size, self.epochs, self.seed = hidden, batch_size, epochs, seed
        self.activation = activation

    def fit(self, X, y):
        import torch

        torch.manual_seed(self.seed)
        dtype = torch.float32 if X.dtype == np.float32 else torch.float64
        units = [X.shape[1], *self.hidden, int(y.max()) + 1]
        activation = getattr(torch.nn, TORCH_ACTIVATIONS[self.activation])
        layers = []
        for fan_in, fan_out in zip(units[:-1], units[1:]):
            layers += [torch.nn.Linear(fan_in, fan_out, dtype=dtype), activation()]
        self.model = model = torch.nn.Sequential(*layers[:-1])
        weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
        optimizer = torch.optim.SGD(
            [
                {"params": weights, "weight_decay": SKLEARN_ALPHA / self.batch_size},
                {"params": biases, "weight_decay": 0.0},
            ],
            lr=LEARNING_RATE,
            momentum=0.9,
            nesterov=True,
        )
        X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
        loss_function = torch.nn.CrossEntropyLoss()
        for _ in range(self.epochs):
            order = torch.randperm(X.shape[0])
            for start in range(0, X.shape[0], self.batch_size):
                indices = order[start : start + self.batch_size]
                optimizer.zero_grad()
                loss = loss_function(
                    model(X_t.index_select(0, indices)), y_t.index_select(0, indices)
                )
                loss.backward()
                optimizer.step()
        return self

    def score(self, X, y):
        import torch

        with torch.no_grad():
            return float((self.model(torch.from_numpy(X)).argmax(1).numpy() == y).mean())


def torch_available():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def sknn_linear(name, batch_size, epochs, seed):
    import sknn

    # SGDClassifier's penalty is (alpha / 2) ||w||^2 on the mean loss.
    return getattr(sknn, name)(
        batch_size=batch_size,
        max_iter=epochs,
        alpha=SKLEARN_ALPHA / 2,
        learning_rate_init=LEARNING_RATE,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


def linear_outputs(name, n_classes):
    """Output units of sknn's linear model ``name``: W has shape (n_features, this)."""
    # LogisticRegressionGD has one sigmoid unit for two classes, else one per class.
    return 1 if name == "LogisticRegressionGD" and n_classes == 2 else n_classes


def floor_linear(name, n_classes, batch_size, epochs, seed):
    """The floor of sknn_linear: ``X W`` and ``X^T dC/dZ`` with W of the model's shape."""
    n_outputs = linear_outputs(name, n_classes)
    return Floor((), batch_size, epochs, random_state=seed, n_outputs=n_outputs)


def sgd_classifier(epochs, seed):
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss", alpha=SKLEARN_ALPHA, max_iter=epochs, tol=None, random_state=seed
    )


def logistic_regression(seed):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(random_state=seed)
