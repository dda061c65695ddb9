"""
======================================================
Three solvers on the same objective: SGD, Adam, L-BFGS
======================================================

:class:`~sknn.MLPClassifierGD` minimises one objective,
:math:`J = C + \\alpha \\sum_j \\|W_j\\|^2`, with its hand-derived gradient, and
``solver`` chooses how:

- ``"sgd"``: mini-batch steps :math:`v \\leftarrow \\mu v - \\eta \\nabla J`,
  :math:`w \\leftarrow w + v` (Nesterov's momentum by default), the method this
  package teaches;
- ``"adam"``: mini-batch steps scaled per parameter by running moments of the
  gradient (Kingma and Ba);
- ``"lbfgs"``: SciPy's full-batch quasi-Newton method, with a line search.

We train the same network on the digits (8 x 8 images, MNIST-like) with each, and
watch the validation loss and accuracy after each epoch (each iteration for L-BFGS)
on a validation set of our own (``X_val``, ``y_val``), which early stopping watches:
each solver stops once the validation loss has not improved by 0.001 for more than 10
epochs (or iterations) and keeps its best parameters. L-BFGS may stop sooner, on its own
rule: ``tol`` is also its tolerance on the gradient, which it reaches here after a few
dozen iterations. A small callback records the seconds at
the end of each epoch, so that the curves can also be drawn against time.
"""

# %%
import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifierGD

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)


class EpochClock:
    """A scikit-learn callback (``sklearn.callback``): the seconds at each epoch's end."""

    def setup(self, estimator, context):
        self.start, self.seconds = time.perf_counter(), []

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        # An epoch that completed comes with the model as of its end (L-BFGS's last
        # task, begun for an iteration that did not run, comes without).
        if context.task_name == "epoch" and fitted_estimator is not None:
            self.seconds.append(time.perf_counter() - self.start)


# %%
# The same network, penalty and stopping rule; the step sizes are each solver's
# usual ones (L-BFGS has none: its line search chooses).
settings = {
    "sgd": dict(learning_rate_init=0.05),
    "adam": dict(learning_rate_init=0.005),
    "lbfgs": dict(),
}
curves = {}
for solver, extra in settings.items():
    clock = EpochClock()
    model = MLPClassifierGD(
        (64,), solver=solver, alpha=1e-3, early_stopping=True, tol=1e-3, random_state=0, **extra
    )
    model.set_callbacks(clock).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    curves[solver] = (clock.seconds, model.validation_loss_curve_, model.validation_scores_)
    print(
        f"{solver:6}: {model.n_iter_} epochs or iterations in {clock.seconds[-1]:.2f} s, "
        f"lowest validation loss {model.best_validation_loss_:.3f}, "
        f"validation accuracy of the model kept {model.score(X_val, y_val):.3f}"
    )

# %%
# Against the epoch (or iteration), then against time. An L-BFGS iteration uses the
# whole training set and a few evaluations of :math:`J` for its line search; an epoch
# of SGD or Adam is a pass of mini-batch steps, whose number grows with the data.
fig, ax = plt.subplots(figsize=(6, 4))
for solver, (_, losses, _) in curves.items():
    ax.plot(range(1, len(losses) + 1), losses, label=solver)
ax.set_yscale("log")
ax.set_xlabel("epoch (SGD, Adam) or iteration (L-BFGS)")
ax.set_ylabel("validation cross-entropy")
ax.set_title("Validation loss of the same MLP, three solvers")
ax.legend()
fig.tight_layout()

fig, ax = plt.subplots(figsize=(6, 4))
for solver, (seconds, _, scores) in curves.items():
    ax.plot(seconds, scores, label=solver)
ax.set_xlabel("seconds")
ax.set_ylabel("validation accuracy")
ax.set_ylim(0.8, 1.0)
ax.set_title("Validation accuracy against time")
ax.legend()
fig.tight_layout()
plt.show()

# sphinx_gallery_thumbnail_number = 1
