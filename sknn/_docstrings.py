"""Parameter and attribute descriptions that every sknn estimator shares.

Each estimator's docstring has the markers ``%(engine_parameters)s`` and
``%(engine_attributes)s``; :func:`fill_docstring` replaces them, so the text is
written once and numpydoc, Sphinx and ``help()`` see the full docstring.
"""

import textwrap

ENGINE_PARAMETERS = """\
solver : {"sgd", "adam", "lbfgs"}, default="sgd"
        How J is minimised, with scikit-learn's names: "sgd", mini-batch stochastic
        gradient descent with (Nesterov) momentum, the method this package teaches
        and its default (scikit-learn's is "adam"); "adam", mini-batch Adam (Kingma
        and Ba), whose per-parameter steps suit unscaled gradients; "lbfgs", SciPy's
        full-batch L-BFGS on the same objective and gradient, often the best choice
        for small data. ``partial_fit`` and dropout need a stochastic solver.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha * sum ||W||^2`` on the weights, added to
        the mean loss (intercepts are not penalised). Its gradient ``2 alpha W`` is
        weight decay. Note: scikit-learn's MLPClassifier adds
        ``(alpha / 2) * ||W||^2 / |B|`` for each batch ``B`` it steps on: the
        mini-batch with "sgd" and "adam", the whole training set with "lbfgs".

    batch_size : int or "auto", default="auto"
        Samples per mini-batch; "auto" means ``min(200, n_samples)``.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule of solver "sgd", as in scikit-learn: "constant" keeps
        ``learning_rate_init``; "invscaling" uses ``learning_rate_init / (t + 1) **
        power_t`` with t the samples seen; "adaptive" divides the rate by 5 each time
        the monitored loss fails to improve by ``tol`` for more than
        ``n_iter_no_change`` epochs, and stops when it falls below 1e-6. Only used when solver="sgd"
        ("adam" and "lbfgs" ignore it, as in scikit-learn, so that a search over
        both can share one grid).

    learning_rate_init : float, default=%(learning_rate_init)s
        Initial step size ``eta`` of "sgd" and "adam". %(learning_rate_init_why)s

    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.

    max_iter : int, default=200
        Maximum number of epochs (passes over the training data) in ``fit`` for
        "sgd" and "adam"; of iterations for "lbfgs", as in scikit-learn. 0 initialises
        the parameters (or keeps them, with ``warm_start``) and trains nothing, with a
        ConvergenceWarning: a way to look at the starting model. (scikit-learn's
        MLPClassifier refuses 0; its LogisticRegression takes 0, and its default
        "lbfgs" solver still takes one step.)

    shuffle : bool, default=True
        Draw a new permutation of the samples every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, the validation split and dropout. Pass an
        int for reproducible results.

    tol : float, default=1e-4
        Least decrease of the monitored loss that counts as an improvement. For
        "lbfgs" also SciPy's bound on the largest component of the gradient at
        convergence (as in scikit-learn).

    verbose : bool, default=False
        Print one line per epoch: epoch, training loss, validation loss and
        accuracy (with early stopping), and seconds.

    warm_start : bool, default=False
        Continue ``fit`` from the previous solution instead of initialising anew.
        As in scikit-learn, each ``fit`` starts a fresh optimizer (zero velocity,
        ``learning_rate_init``); ``partial_fit`` carries both over between calls.

    momentum : float, default=0.9
        Momentum ``mu`` of the update ``v <- mu v - eta grad J``, ``w <- w + v``
        (solver "sgd").

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum (solver "sgd").

    early_stopping : bool, default=False
        Monitor the validation cross-entropy, on ``X_val`` when ``fit`` is given one,
        else on a stratified ``validation_fraction`` of the training data held out;
        stop when it has not improved by ``tol`` for more than ``n_iter_no_change``
        epochs, and restore the parameters of the epoch with the lowest validation
        loss. Without it the training loss is monitored.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping; in (0, 1).

    n_iter_no_change : int, default=10
        Patience: training stops (or "adaptive" divides the rate) once more than
        ``n_iter_no_change`` consecutive epochs fail to improve by ``tol``, as in
        scikit-learn. "lbfgs" has a patience only with early stopping; without it,
        SciPy's tolerances stop it (scikit-learn's MLPClassifier uses this parameter
        for "sgd" and "adam" only).

    monitor : str or list of str, default=None
        What else to record while training, when asked (the default records only
        the loss curves, and costs nothing more): "train_score", the accuracy on
        the training data after each epoch (one extra forward pass per epoch), in
        ``train_scores_``; "batch_loss", the objective of each mini-batch against
        the time step, in ``batch_loss_curve_`` (with solver="lbfgs" an iteration is
        an epoch, and all the training data its batch). Both are kept with the fitted model
        (and drawn by ``TrainingCurveDisplay``); for any other score, or a progress
        bar, set scikit-learn's callbacks (``set_callbacks(ScoringMonitor(...))``,
        ``ProgressBar()``, scikit-learn 1.9 and later).

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, as in scikit-learn's LogisticRegression: a dict
        ``{class_label: weight}`` (classes not in it weigh 1), or "balanced",
        ``n_samples / (n_classes * np.bincount(y))``, with the classes counted by
        their samples' ``sample_weight`` when it is given (so a sample of weight 0
        counts as one left out). Multiplied by ``sample_weight``; applied to the
        training loss and to the validation loss.
        (scikit-learn's MLPClassifier has no ``class_weight``.) ``partial_fit``
        accepts a dict only.

    beta_1 : float, default=0.9
        Decay rate of Adam's first moment estimate ``m``, in [0, 1) (solver "adam").

    beta_2 : float, default=0.999
        Decay rate of Adam's second moment estimate ``v``, in [0, 1) (solver "adam").

    epsilon : float, default=1e-8
        Adam's ``epsilon`` in ``eta m_hat / (sqrt(v_hat) + epsilon)`` (solver "adam").

    max_fun : int, default=15000
        Maximum number of evaluations of J and its gradient (solver "lbfgs"), as in
        scikit-learn."""

ENGINE_ATTRIBUTES = """\
classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string feature names.

    n_iter_ : int
        Epochs run by the last ``fit`` (for ``partial_fit``, all epochs so far); for
        "lbfgs", its iterations.

    t_ : int
        Training samples seen, over all calls: the time step of "invscaling" (for
        "lbfgs", samples times evaluations of J).

    loss_ : float
        The objective J averaged over the last epoch (for "lbfgs", at the last
        iterate; at the starting point if L-BFGS stopped there, with ``n_iter_`` 0).

    loss_curve_ : list of float
        The objective J (cross-entropy plus penalty) averaged over each epoch (for
        "lbfgs", at each iterate).

    best_loss_ : float or None
        Lowest entry of ``loss_curve_`` (or ``loss_``, if lower), which the stopping
        rule watches; None with early stopping (which watches the validation loss).

    validation_loss_curve_ : list of float or None
        Validation cross-entropy (without the penalty, unlike ``loss_curve_``) after
        each epoch, on ``X_val`` or on the ``validation_fraction`` held out for early
        stopping; None without validation data. Entry k is epoch k + 1 of
        ``loss_curve_``: an epoch of a warm start without validation data is NaN
        (``np.nanargmin`` finds the best epoch).

    validation_scores_ : list of float or None
        Validation accuracy after each epoch, NaN where ``validation_loss_curve_``
        is; None without validation data.

    train_scores_ : list of float or None
        Training accuracy after each epoch, when ``monitor`` asks for
        "train_score" (NaN for the epochs of an earlier warm start that did not);
        else None.

    batch_loss_curve_ : list of float or None
        Objective of each mini-batch, when ``monitor`` asks for "batch_loss";
        else None.

    best_validation_loss_ : float or None
        Lowest validation loss; with early stopping, that of the parameters
        restored (in a warm start, perhaps those it started from: it judges its
        epochs against them). None without validation data."""


#: The deliberate differences from scikit-learn that every estimator shares, each
#: with its reason; an estimator's own come first (``fill_docstring(differences=...)``).
SHARED_DIFFERENCES = [
    "The penalty is ``alpha * sum ||W||^2`` on the mean loss: not halved, nor divided "
    "by the batch size (MLPClassifier), nor weighed against a sum of losses "
    "(LogisticRegression: ``alpha = 1 / (2 n C)``). The same ``alpha`` then means the "
    "same objective whatever the batch and data size (see the user guide's page on the "
    "objective).",
    'The default solver is "sgd" (MLPClassifier\'s is "adam"): the method this package '
    "teaches; ``solver`` takes scikit-learn's three names.",
    "``n_iter_`` is an int, the epochs (or L-BFGS iterations) of the last fit; "
    "LogisticRegression's is an array.",
    "Early stopping watches the validation loss (the cross-entropy that training "
    "minimises; smoother than the accuracy MLPClassifier watches); both restore the "
    "parameters of the best epoch.",
    "A divergence to infinity or NaN raises ``FloatingPointError`` in the epoch it "
    "happens and keeps the previous fit whole (MLPClassifier raises a ValueError after "
    "training, its fitted state already changed); no fit returns a model whose "
    "probabilities are NaN.",
    "``partial_fit`` with an int ``random_state`` draws fresh shuffles and dropout "
    "masks each call, reproducibly (scikit-learn replays the same ones).",
]


def differences_section(own):
    """The "Differences from scikit-learn" part of a docstring's Notes, as lines."""
    lines = ["**Differences from scikit-learn**, each deliberate:", ""]
    for text in [*own, *SHARED_DIFFERENCES]:
        wrapped = textwrap.wrap(text, width=82, break_on_hyphens=False)
        lines += ["- " + wrapped[0], *("  " + line for line in wrapped[1:]), ""]
    return "\n    ".join(lines).rstrip()


def fill_docstring(cls, differences=(), **values):
    """Put the shared parameter, attribute and difference text into ``cls.__doc__``."""
    values = {"learning_rate_init_why": "", **values}
    values["engine_parameters"] = ENGINE_PARAMETERS % values
    values["engine_attributes"] = ENGINE_ATTRIBUTES
    values["differences"] = differences_section(differences)
    cls.__doc__ = cls.__doc__ % values
    return cls
