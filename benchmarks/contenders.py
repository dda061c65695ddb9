"""The models that the benchmarks race, each built by a factory with the shared settings.

Every MLP in a comparison trains the same network (784 inputs, the hidden layers,
a softmax output over 10 classes) from Glorot's uniform weights, scikit-learn's (whose
MLP and the PyTorch one also draw the intercepts, which sknn starts at zero), with the same
optimizer (by default SGD, learning rate 0.01, Nesterov momentum 0.9; the solvers
section also Adam and L-BFGS) and the same L2 penalty, each in its library's
convention. The floor (``floor.py``) is built here too, beside the model it is the
floor of.
"""

import numpy as np
from floor import Floor

#: Settings every MLP in the comparison shares.
LEARNING_RATE = 0.01
SKLEARN_ALPHA = 1e-4  # MLPClassifier's default L2 penalty
#: The learning rate of each stochastic solver: SGD's above, and Adam's default in
#: scikit-learn (MLPClassifier's 0.001; sknn's default is SGD's 0.01).
LEARNING_RATES = {"sgd": LEARNING_RATE, "adam": 0.001}
#: Limit on L-BFGS's evaluations of the objective: scikit-learn's default max_fun.
MAX_FUN = 15000
#: Curvature pairs that L-BFGS keeps: SciPy's default (maxcor), which scikit-learn
#: and sknn use; PyTorch's LBFGS keeps 100 unless told.
LBFGS_HISTORY = 10

#: sknn's name of each activation, and scikit-learn's and PyTorch's names for it.
SKLEARN_ACTIVATIONS = {"relu": "relu", "sigmoid": "logistic"}
TORCH_ACTIVATIONS = {"relu": "ReLU", "sigmoid": "Sigmoid"}


def sknn_mlp(hidden, batch_size, epochs, seed, activation="relu", solver="sgd", n_train=None):
    """sknn's MLP; ``epochs`` is ``max_iter`` (L-BFGS iterations with solver="lbfgs").

    ``n_train``, the number of training samples, is needed by "lbfgs" only: its
    penalty is converted with the whole training set as the batch.
    """
    from sknn import MLPClassifierGD

    # sknn's penalty is alpha ||W||^2 on the mean loss; scikit-learn's is
    # (alpha / 2) ||W||^2 / n_batch, n_batch the mini-batch (sgd, adam) or the whole
    # training set (lbfgs): the same objective with this alpha.
    n_batch = n_train if solver == "lbfgs" else batch_size
    return MLPClassifierGD(
        hidden,
        activation=activation,
        solver=solver,
        batch_size=batch_size,
        max_iter=epochs,
        learning_rate_init=LEARNING_RATES.get(solver, LEARNING_RATE),
        alpha=SKLEARN_ALPHA / (2 * n_batch),
        momentum=0.9,
        nesterovs_momentum=True,
        weight_init="glorot_uniform",  # Glorot's bound, scikit-learn's for ReLU
        tol=0.0,
        n_iter_no_change=epochs + 1,
        max_fun=MAX_FUN,
        random_state=seed,
    )


def sklearn_mlp(hidden, batch_size, epochs, seed, activation="relu", solver="sgd", n_train=None):
    """scikit-learn's MLP, as :func:`sknn_mlp` (``n_train`` is unused: alpha is its own)."""
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden,
        activation=SKLEARN_ACTIVATIONS[activation],
        solver=solver,
        momentum=0.9,
        nesterovs_momentum=True,
        batch_size=batch_size,
        max_iter=epochs,
        learning_rate_init=LEARNING_RATES.get(solver, LEARNING_RATE),
        alpha=SKLEARN_ALPHA,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        max_fun=MAX_FUN,
        random_state=seed,
    )


def floor_mlp(hidden, batch_size, epochs, seed, activation="relu"):
    """The floor of sknn_mlp; the activation changes no product, so it is unused."""
    return Floor(hidden, batch_size, epochs, random_state=seed)


class TorchMLP:
    """The same network, initialisation and optimizer in PyTorch, with fit/partial_fit/score.

    ``solver`` is "sgd" (``torch.optim.SGD``, Nesterov momentum 0.9), "adam"
    (``torch.optim.Adam``) or "lbfgs" (``torch.optim.LBFGS`` on the full batch, with
    ``line_search_fn="strong_wolfe"``: SciPy's L-BFGS-B, which scikit-learn and sknn
    call, also searches for a step that meets the strong Wolfe conditions; PyTorch's
    default is a fixed step). For "lbfgs", ``epochs`` is the number of iterations.
    The weights and intercepts start as scikit-learn's do, ``U(-b, b)`` with
    ``b = sqrt(6 / (fan_in + fan_out))`` (``sqrt(2 / ...)`` for sigmoid), drawn from a
    generator of the model's own, which also shuffles: models that take turns do not
    share a random stream.

    ``device`` ("cpu", "cuda") is where the model trains: the weights are drawn on the
    host, as on "cpu", then moved there, and so is each epoch's shuffled order (as
    sknn draws its own on the host). ``fit`` takes NumPy arrays, which it copies to the
    device, or tensors, which it uses as they are (already on the device, the copy
    is not part of the fit).
    """

    def __init__(
        self, hidden, batch_size, epochs, seed, activation="relu", solver="sgd", device="cpu"
    ):
        self.hidden, self.batch_size, self.epochs, self.seed = hidden, batch_size, epochs, seed
        self.activation, self.solver, self.device = activation, solver, device

    def _build(self, n_features, n_classes, dtype):
        import torch

        self.generator = torch.Generator().manual_seed(self.seed)
        units = [n_features, *self.hidden, n_classes]
        activation = getattr(torch.nn, TORCH_ACTIVATIONS[self.activation])
        factor = 2.0 if self.activation == "sigmoid" else 6.0  # scikit-learn's _init_coef
        layers = []
        for fan_in, fan_out in zip(units[:-1], units[1:]):
            layer = torch.nn.Linear(fan_in, fan_out, dtype=dtype)
            bound = float(np.sqrt(factor / (fan_in + fan_out)))
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=self.generator)
                layer.bias.uniform_(-bound, bound, generator=self.generator)
            layers += [layer, activation()]
        self.model = model = torch.nn.Sequential(*layers[:-1]).to(self.device)
        self.weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
        self.loss_function = torch.nn.CrossEntropyLoss()
        if self.solver == "lbfgs":
            self.optimizer = None  # made by fit, with its number of iterations
            return
        # scikit-learn's penalty (alpha / 2) ||W||^2 / batch_size has the gradient
        # (alpha / batch_size) W: PyTorch's weight_decay, added to the gradient before
        # the step, also before Adam's moments (torch.optim.Adam's L2, not AdamW).
        groups = [
            {"params": self.weights, "weight_decay": SKLEARN_ALPHA / self.batch_size},
            {"params": biases, "weight_decay": 0.0},
        ]
        if self.solver == "adam":
            self.optimizer = torch.optim.Adam(groups, lr=LEARNING_RATES["adam"])
        else:
            self.optimizer = torch.optim.SGD(
                groups, lr=LEARNING_RATES["sgd"], momentum=0.9, nesterov=True
            )

    @staticmethod
    def _dtype(X):
        """float32 for float32 data (a NumPy array or a tensor), else float64."""
        import torch

        return torch.float32 if str(X.dtype).rsplit(".", 1)[-1] == "float32" else torch.float64

    def _tensors(self, X, y):
        """X and y as tensors on the device: NumPy arrays copied there, tensors as they are."""
        import torch

        return torch.as_tensor(X, device=self.device), torch.as_tensor(y, device=self.device)

    def _epoch(self, X_t, y_t):
        import torch

        n_samples = X_t.shape[0]
        order = torch.randperm(n_samples, generator=self.generator).to(self.device)
        for start in range(0, n_samples, self.batch_size):
            indices = order[start : start + self.batch_size]
            self.optimizer.zero_grad()
            loss = self.loss_function(
                self.model(X_t.index_select(0, indices)), y_t.index_select(0, indices)
            )
            loss.backward()
            self.optimizer.step()

    def _lbfgs(self, X_t, y_t, iterations):
        import torch

        # scikit-learn's full-batch penalty: (alpha / 2) ||W||^2 / n_samples.
        penalty = SKLEARN_ALPHA / (2 * X_t.shape[0])
        self.optimizer = optimizer = torch.optim.LBFGS(
            self.model.parameters(),
            lr=1,
            max_iter=iterations,
            max_eval=MAX_FUN,
            # No tolerance stops it early, as tol=0 stops neither scikit-learn nor sknn.
            tolerance_grad=0.0,
            tolerance_change=0.0,
            history_size=LBFGS_HISTORY,
            line_search_fn="strong_wolfe",
        )

        def closure():
            optimizer.zero_grad()
            loss = self.loss_function(self.model(X_t), y_t)
            loss = loss + penalty * sum((W * W).sum() for W in self.weights)
            loss.backward()
            return loss

        optimizer.step(closure)
        state = optimizer.state[optimizer.param_groups[0]["params"][0]]
        self.n_iter_, self.n_evaluations_ = state["n_iter"], state["func_evals"]

    def fit(self, X, y):
        self._build(X.shape[1], int(y.max()) + 1, self._dtype(X))
        X_t, y_t = self._tensors(X, y)
        if self.solver == "lbfgs":
            self._lbfgs(X_t, y_t, self.epochs)
        else:
            for _ in range(self.epochs):
                self._epoch(X_t, y_t)
            self.n_iter_ = self.epochs
        return self

    def partial_fit(self, X, y, classes=None):
        """One epoch, continuing from the last call (the first needs ``classes``)."""
        if self.solver == "lbfgs":
            raise AttributeError("partial_fit is for the stochastic solvers")
        if not hasattr(self, "model"):
            self._build(X.shape[1], len(classes), self._dtype(X))
            self.n_iter_ = 0
        self._epoch(*self._tensors(X, y))
        self.n_iter_ += 1
        return self

    def score(self, X, y):
        import torch

        X_t, y_t = self._tensors(X, y)
        with torch.no_grad():
            return float((self.model(X_t).argmax(1) == y_t).double().mean())


class ArrayAPIDispatch:
    """``model`` fitted and scored under ``sklearn.config_context(array_api_dispatch=True)``.

    How a scikit-learn estimator trains on the arrays of another library (PyTorch
    tensors, on their device). Entering the context costs microseconds, inside the
    timed fit as it is in a user's. The fitted estimator is ``model``.
    """

    def __init__(self, model):
        self.model = model

    def fit(self, X, y):
        from sklearn import config_context

        with config_context(array_api_dispatch=True):
            self.model.fit(X, y)
        return self

    def score(self, X, y):
        from sklearn import config_context

        with config_context(array_api_dispatch=True):
            return float(self.model.score(X, y))


def sknn_mlp_dispatched(*args, **kwargs):
    """:func:`sknn_mlp` fitted under array API dispatch: on the namespace and device of X."""
    return ArrayAPIDispatch(sknn_mlp(*args, **kwargs))


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


def sgd_classifier(epochs, seed, n_jobs=None):
    """SGDClassifier: one-vs-rest logistic regressions, one sample per update. Its
    binary problems run in parallel only through ``n_jobs`` (not BLAS threads)."""
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss",
        alpha=SKLEARN_ALPHA,
        max_iter=epochs,
        tol=None,
        random_state=seed,
        n_jobs=n_jobs,
    )


def logistic_regression(seed):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(random_state=seed)
