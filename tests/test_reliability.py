"""Reliability, round two: no half-written model, no silent non-answer, no copy of X.

Each test reproduces a defect found by an outside campaign against the previous engine
(see the issue "Reliability, round two") and states the behaviour now required.
"""

import os
import signal
import sys
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import sknn
from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn._objective import Objective

ESTIMATORS = [LogisticRegressionGD, SoftmaxGD, MLPClassifierGD]


def make(Estimator, **params):
    if Estimator is MLPClassifierGD:
        params.setdefault("hidden_layer_sizes", (8,))
    return Estimator(random_state=0, **params)


def flat(model):
    weights, intercepts = model._fitted_parameters()
    return np.concatenate([np.ravel(a) for a in [*weights, *intercepts]])


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def sigint_available():
    return signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ---------------------------------------------------------------- 1. half-written fits
class SecondCtrlC:
    """A profile hook: two SIGINTs (an impatient Ctrl+C) just before the k-th
    ``list.append`` or mini-batch gradient (``value_and_gradient``) of sknn's own code.

    Only files of the sknn package count: not, say, scikit-learn's, whose path
    contains "sknn" when the repository is checked out in a folder of that name.
    """

    package = os.path.dirname(sknn.__file__) + os.sep

    def __init__(self, k):
        self.k, self.seen, self.fired = k, 0, False

    def __call__(self, frame, event, arg):
        if self.fired or not frame.f_code.co_filename.startswith(self.package):
            return
        if event == "c_call" and getattr(arg, "__name__", "") == "append":
            pass
        elif not (event == "call" and frame.f_code.co_name == "value_and_gradient"):
            return
        self.seen += 1
        if self.seen == self.k:
            self.fired = True
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_every_curve_and_counter_agree_after_a_second_ctrl_c_anywhere(Estimator, iris):
    """A second Ctrl+C at each bookkeeping statement and each mini-batch in turn, with
    early stopping: in the first epoch too, where the curves are empty lists."""
    X, y = iris
    completed = set()
    for k in range(1, 400):
        model = make(Estimator, early_stopping=True, max_iter=4, n_iter_no_change=50)
        hook = SecondCtrlC(k)
        sys.setprofile(hook)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X, y)
        except KeyboardInterrupt:
            pass  # the fit was cut short before any result: nothing published
        finally:
            sys.setprofile(None)
        if not hook.fired:
            break  # every append of a whole fit has been tried
        if not hasattr(model, "n_iter_"):
            continue
        n = model.n_iter_
        completed.add(n)
        assert len(model.loss_curve_) == len(model.validation_loss_curve_) == n
        assert len(model.validation_scores_) == n
        assert model.t_ == n * n_train(X)  # the samples of the completed epochs
        assert np.isfinite(model.predict_proba(X)).all()
    else:
        pytest.fail("the sweep did not reach the end of a fit")
    assert completed >= {0, 1, 2, 3}  # interrupted in every epoch


def n_train(X):
    """Training rows after the default 10 % validation split."""
    return X.shape[0] - int(np.ceil(0.1 * X.shape[0]))


# ---------------------------------------------------------------- 3. silent non-answers
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "dtype, scale", [(np.float64, 1e307), (np.float32, 1e37)], ids=["float64", "float32"]
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sample_weights_whose_sum_overflows(Estimator, dtype, scale, iris):
    X, y = iris
    X = X.astype(dtype)
    relative = np.random.RandomState(0).uniform(0.5, 1.0, size=len(y))
    huge = (relative * scale).astype(dtype)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.sum(huge, dtype=dtype))  # their sum overflows
    model = make(Estimator, max_iter=5).fit(X, y, sample_weight=huge)
    reference = make(Estimator, max_iter=5).fit(X, y, sample_weight=relative.astype(dtype))
    assert np.abs(flat(model)).max() > 0  # trained: not left at the initialisation
    assert_allclose(flat(model), flat(reference), rtol=1e-4, atol=1e-5)
    equal = make(Estimator, max_iter=5).fit(X, y, sample_weight=np.full(len(y), scale, dtype))
    assert_allclose(flat(equal), flat(make(Estimator, max_iter=5).fit(X, y)), rtol=1e-5)


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_ctrl_c_during_an_overflowing_update_keeps_finite_parameters(Estimator, iris, monkeypatch):
    X, y = iris
    calls = []
    original = Objective.value_and_gradient

    def step(self, params, grads, *args):
        calls.append(params.flat.copy())
        loss = original(self, params, grads, *args)
        if len(calls) == 8:  # in the 2nd epoch (5 batches of 30 per epoch)
            grads.flat[0] = np.inf  # this update overflows...
            signal.raise_signal(signal.SIGINT)  # ... and Ctrl+C arrives during it
        return loss

    monkeypatch.setattr(Objective, "value_and_gradient", step)
    model = make(Estimator, batch_size=30, max_iter=10)
    with pytest.warns(UserWarning, match=r"keeping the parameters of the last completed epoch"):
        model.fit(X, y)
    assert np.isfinite(flat(model)).all()
    assert_array_equal(flat(model), calls[5])  # where epoch 2 started: epoch 1's end
    assert model.n_iter_ == len(model.loss_curve_) == 1
    assert np.isfinite(model.predict_proba(X)).all()


def test_a_fit_whose_outputs_overflow_raises():
    """Finite parameters, but so large that the logits overflow: NaN probabilities.

    One full-batch step of 1e30 in float32 leaves every weight finite (about 1e29),
    but two layers multiply them past float32's largest number, 3.4e38.
    """
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    model = MLPClassifierGD(
        (8, 8), learning_rate_init=1e30, alpha=0.0, momentum=0, batch_size=len(y), max_iter=1
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(FloatingPointError, match="the model's outputs overflow"):
            model.fit(X, y)
    assert not hasattr(model, "coefs_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_every_fitted_model_gives_finite_probabilities_on_its_training_data(Estimator, iris):
    X, y = iris
    fitted = 0
    for settings in (
        {},
        {"learning_rate_init": 5.0},
        {"solver": "adam", "learning_rate_init": 1.0},
        {"solver": "lbfgs", "alpha": 0.0},
    ):
        try:
            model = make(Estimator, max_iter=20, **settings).fit(X * 100, y)
        except FloatingPointError:
            continue  # a diverged fit is an error, never a model
        fitted += 1
        proba = model.predict_proba(X * 100)
        assert np.isfinite(proba).all()
        assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert fitted >= 2  # the models this test is about: not every fit may diverge


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_rows_of_zero_weight_are_checked_for_overflow_too():
    """A row of X that the fit did not train on (of zero weight) still gets
    probabilities from predict_proba(X): an overflow there is refused as on the rows
    trained on, not returned as NaN. (A row held out for validation is covered by the
    check of the validation loss.)"""
    rng = np.random.RandomState(0)
    X = np.c_[rng.randn(40, 2), np.zeros(40)]
    y = (X[:, 0] > 0).astype(int)
    X[0, 2] = 1e308  # finite, and accepted by fit
    sample_weight = np.ones(40)
    sample_weight[0] = 0
    model = MLPClassifierGD((50,), random_state=0, max_iter=5)
    with pytest.raises(FloatingPointError, match="the model's outputs overflow"):
        model.fit(X, y, sample_weight=sample_weight)
    assert not hasattr(model, "coefs_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_new_data_whose_logits_overflow_gets_probabilities_or_a_clear_error(iris, monkeypatch):
    """After the fit, X may hold larger values than training did. A logit of +inf
    still names its class (probability 1, as LogisticRegression's binary path gives),
    not ``inf - inf = NaN``; a NaN logit (an overflow inside the hidden layers) is
    refused with a message, never returned as a probability or a label."""
    X, y = iris
    y = y > 0
    largest = np.finfo(np.float64).max
    softmax = SoftmaxGD(random_state=0, max_iter=20).fit(X, y)
    w = softmax.coef_[1] - softmax.coef_[0]  # (coef_: one row per class)
    X_far = np.sign(w)[None, :] * largest  # z_1 = +inf, z_0 = -inf
    assert_array_equal(softmax.decision_function(X_far), [np.inf])
    assert_array_equal(softmax.predict_proba(X_far), [[0.0, 1.0]])
    assert_array_equal(softmax.predict_log_proba(X_far), [[-np.inf, 0.0]])
    assert_array_equal(softmax.predict(X_far), [True])
    # Tied infinite logits share the probability, in proba and log_proba alike, for
    # softmax and one-vs-rest units (whose proba normalises log_expit(Z)).
    inf = np.inf
    rows = np.array([[inf, inf, -inf], [-inf, -inf, -inf], [1.0, 2.0, 3.0]])
    for unit in (softmax._output_unit(), LogisticRegressionGD()._output_unit()):
        with np.errstate(under="ignore"):
            proba, log_proba = unit.proba(rows.copy()), unit.log_proba(rows.copy())
        assert_allclose(proba[:2], [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]])
        assert_allclose(np.exp(log_proba), proba, rtol=1e-12)
    # A binary MLP's two softmax logits both +inf: a score of 0, as predict sees them.
    model = MLPClassifierGD((3,), random_state=0, max_iter=2).fit(X, y)
    monkeypatch.setattr(model, "_logits", lambda X, method: np.array([[inf, inf], [1.0, 3.0]]))
    assert_array_equal(model.decision_function(X[:2]), [0.0, 2.0])
    assert_array_equal(model.predict_proba(X[:2])[0], [0.5, 0.5])

    mlp = MLPClassifierGD((5,), activation="identity", random_state=0, max_iter=20).fit(X, y)
    for method in ("predict", "predict_proba", "predict_log_proba", "decision_function"):
        with pytest.raises(ValueError, match=f"{method} cannot score.*1.8e\\+308.*Scale"):
            getattr(mlp, method)(np.full((1, 4), largest))


# ---------------------------------------------------------------- 4. clear messages
def test_clear_messages_for_odd_arguments(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"got unknown entries \[\['x'\]\]; allowed"):
        SoftmaxGD(monitor=[["x"]]).fit(X, y)
    # A set of classes is a fine collection of labels.
    assert_array_equal(SoftmaxGD().partial_fit(X, y, classes={0, 1, 2}).classes_, [0, 1, 2])
    with pytest.raises(ValueError, match="classes contains NaN or infinity"):
        SoftmaxGD().partial_fit(X, y, classes=[0, 1, 2, np.nan])
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        SoftmaxGD(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"The 'invscaling' schedule overflows"):
        SoftmaxGD(learning_rate="invscaling", power_t=1e3).fit(X, y)


def test_a_float32_model_refuses_float64_data_beyond_its_range(iris):
    X, y = iris
    model = SoftmaxGD(max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X.astype(np.float32), y)
    before = model.coef_.copy()
    huge = X * 1e300  # float64, beyond float32's 3.4e38
    with pytest.raises(ValueError, match=r"X holds values up to .*beyond the range of float32"):
        model.set_params(warm_start=True).fit(huge, y)
    with pytest.raises(ValueError, match=r"beyond the range of float32"):
        model.partial_fit(huge, y)
    assert_array_equal(model.coef_, before)
    # Validation data too: cast to float32 it would be infinite, its loss NaN, and early
    # stopping would keep the untrained start.
    X_val = X[:20].copy()
    X_val[0, 0] = 1e39
    for settings in (dict(), dict(early_stopping=True)):
        with pytest.raises(ValueError, match=r"X_val holds values up to 1e\+39, beyond the"):
            SoftmaxGD(max_iter=2, **settings).fit(
                X.astype(np.float32), y, X_val=X_val, y_val=y[:20]
            )


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_validation_data_on_which_the_outputs_overflow_is_refused(iris, solver):
    # In float32's range, but far beyond the training data: the MLP's logits overflow,
    # the validation loss is NaN, and early stopping would keep the untrained start.
    X, y = iris
    X = X.astype(np.float32)
    X_val = X[:20].copy()
    X_val[0] = 3e38
    model = MLPClassifierGD(max_iter=5, early_stopping=True, solver=solver, random_state=0)
    with pytest.raises(FloatingPointError, match="The loss on the validation data is NaN or"):
        model.fit(X, y, X_val=X_val, y_val=y[:20])
    assert not hasattr(model, "coefs_")


# ---------------------------------------------------------------- 5. memory: no copy of X
def peak_during(function):
    """The peak of memory allocated (tracemalloc: NumPy's arrays included) by a call."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "case",
    ["full_batch", "zero_weights", "early_stopping", "float32_model_float64_data", "sparse"],
)
def test_no_path_copies_X(case):
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20000, 50)), np.arange(20000) % 3
    settings = dict(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    kwargs = {}
    if case == "full_batch":
        settings["batch_size"] = 20000
    elif case == "zero_weights":
        kwargs["sample_weight"] = (np.arange(20000) % 2).astype(float)
    elif case == "early_stopping":
        settings["early_stopping"] = True
    elif case == "sparse":
        X = sp.random(20000, 50, density=0.5, format="csr", random_state=0)
    model = MLPClassifierGD(**settings)
    if case == "float32_model_float64_data":
        model.fit(X.astype(np.float32), y)
        model.set_params(warm_start=True)
    size = X.data.nbytes if sp.issparse(X) else X.nbytes  # 8 MB
    peak = peak_during(lambda: model.fit(X, y, **kwargs))
    # Batches, index arrays, weights and (for one full batch) the activations of every
    # sample are small beside X: no copy of X is made.
    assert peak < 0.5 * size, (case, peak / size)


def two_presses():
    signal.raise_signal(signal.SIGINT)
    signal.raise_signal(signal.SIGINT)


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
def test_ctrl_c_after_an_epoch_is_recorded_keeps_that_epochs_books(iris, monkeypatch):
    """Two presses while epoch 2's progress line is printed (after its books are
    written): epoch 2 keeps its mini-batch losses, and its schedule step is carried."""
    X, y = iris
    import sknn._training as training

    printed = training.print_progress

    def progress(state, seconds):
        printed(state, seconds)
        if state.n_iter == 2:
            two_presses()

    monkeypatch.setattr(training, "print_progress", progress)
    params = dict(batch_size=50, verbose=True, monitor="batch_loss", learning_rate="invscaling")
    model = make(MLPClassifierGD, max_iter=5, **params)
    with pytest.warns(UserWarning, match="interrupted .* after epoch 2"):
        model.fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == 2
    assert len(model.batch_loss_curve_) == 2 * 3  # 150 samples, batches of 50
    monkeypatch.setattr(training, "print_progress", printed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        uninterrupted = make(MLPClassifierGD, max_iter=2, **params).fit(X, y)
    rates = [m._training_state["optimizer"]["learning_rate"] for m in (model, uninterrupted)]
    assert rates[0] == rates[1]


def press_while_epoch_is_printed(monkeypatch, epoch):
    """One Ctrl+C while the verbose line of ``epoch`` is printed (after its books)."""
    import sknn._training as training

    printed = training.print_progress

    def progress(state, seconds):
        printed(state, seconds)
        if state.n_iter == epoch:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(training, "print_progress", progress)


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
def test_one_ctrl_c_while_the_last_epoch_is_scored_is_reported(iris, monkeypatch):
    """One press after the last mini-batch's check (here while the last epoch's
    progress line is printed): the fit is whole, and says it was interrupted, instead
    of dropping the press (and warning that max_iter was reached)."""
    X, y = iris
    press_while_epoch_is_printed(monkeypatch, 3)
    model = make(MLPClassifierGD, max_iter=3, batch_size=50, verbose=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    messages = [str(w.message) for w in caught]
    assert any("interrupted (KeyboardInterrupt) after epoch 3 of this call" in m for m in messages)
    assert not any("maximum iterations" in m for m in messages), messages
    assert model.n_iter_ == len(model.loss_curve_) == 3


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_one_ctrl_c_between_two_epochs_stops_before_the_next(iris, solver, monkeypatch):
    """A press while epoch 2 is printed: training stops before epoch 3 takes a step,
    so the model, t_ and the optimizer's state are those of epoch 2's end."""
    X, y = iris
    press_while_epoch_is_printed(monkeypatch, 2)
    settings = dict(solver=solver, batch_size=30, verbose=True, shuffle=False)
    model = make(MLPClassifierGD, max_iter=5, **settings)
    with pytest.warns(UserWarning, match="interrupted .* after epoch 2 of this call"):
        model.fit(X, y)
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        two_epochs = make(MLPClassifierGD, max_iter=2, **settings).fit(X, y)
    assert model.n_iter_ == 2 and model.t_ == two_epochs.t_ == 2 * len(y)
    for W, W2 in zip(model.coefs_, two_epochs.coefs_, strict=True):
        assert_array_equal(W, W2)
    if solver == "adam":
        assert model._training_state["optimizer"]["steps"] == 2 * 5  # 150 samples, 30 a batch


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
def test_two_presses_while_the_fit_is_published_publish_it_then_interrupt(iris, monkeypatch):
    """Publication is critical: the second press waits for it, then interrupts."""
    X, y = iris
    import sknn._base

    published = sknn._base.publish

    def publish_under_two_presses(*args):
        two_presses()
        published(*args)

    monkeypatch.setattr(sknn._base, "publish", publish_under_two_presses)
    model = make(SoftmaxGD, max_iter=3)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    assert model.n_iter_ == 3 and hasattr(model, "coef_")  # published whole, first


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_one_ctrl_c_while_the_outputs_are_checked_is_reported(iris, solver, monkeypatch):
    """The same after the training loop has returned: while the fitted outputs are
    checked for overflow (a forward pass over X for a registered activation)."""
    X, y = iris
    import sknn._base

    checked = sknn._base.check_finite_outputs

    def check_then_press(*args):
        checked(*args)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(sknn._base, "check_finite_outputs", check_then_press)
    model = make(MLPClassifierGD, solver=solver, max_iter=3, batch_size=50)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X, y)
    messages = [str(w.message) for w in caught]
    assert any("interrupted (KeyboardInterrupt) after the last of the 3" in m for m in messages)
    assert not any("maximum iterations" in m for m in messages)  # (SGD's; L-BFGS's comes
    assert model.n_iter_ == 3  # from SciPy, before the press)


@pytest.mark.skipif(not sigint_available(), reason="SIGINT is handled by someone else here")
def test_ctrl_c_while_lbfgs_scores_an_iteration_keeps_the_last_recorded_one(iris, monkeypatch):
    X, y = iris
    import sknn._lbfgs as lbfgs

    scores, calls = lbfgs.epoch_scores, []

    def interrupted_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            two_presses()
        return scores(*args, **kwargs)

    monkeypatch.setattr(lbfgs, "epoch_scores", interrupted_third)
    model = make(SoftmaxGD, solver="lbfgs", max_iter=50, monitor="train_score")
    with pytest.warns(UserWarning, match="interrupted"):
        model.fit(X, y)
    monkeypatch.setattr(lbfgs, "epoch_scores", scores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        two = make(SoftmaxGD, solver="lbfgs", max_iter=2, monitor="train_score").fit(X, y)
    assert model.n_iter_ == 2 and model.loss_curve_ == two.loss_curve_
    assert_allclose(model.coef_, two.coef_, rtol=1e-12)
