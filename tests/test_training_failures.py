"""Training that goes wrong: divergence, extreme inputs, and Ctrl+C.

Divergence
    As soon as the loss or a parameter becomes infinite or NaN, training stops with a
    ``FloatingPointError`` that says what happened, in which epoch, and what to do. The
    estimator keeps everything it had before the call (parameters, ``loss_curve_``,
    ``n_iter_``, ``classes_``), and no RuntimeWarning is emitted on the way.

Extreme but finite input
    Features of order 1e6 at prediction time and logits of order 1e4 give finite
    probabilities that sum to one within 1e-6, finite log-probabilities and losses, and
    no overflow, divide or invalid RuntimeWarning.

KeyboardInterrupt during ``fit`` (and ``partial_fit``)
    The interrupt is raised from inside the training loop by wrapping the objective's
    ``value_and_gradient``, which each mini-batch calls once. What the user gets, and
    what these tests assert:

    - training stops at a mini-batch boundary and a UserWarning says so;
    - the batch whose gradient was being computed when the interrupt arrived is dropped,
      not applied: its gradient is unfinished, so no correct update exists for it. The
      parameters are *exactly* those after the last completed update (never a
      half-applied step); with early stopping, those of the epoch with the best
      validation loss (or, before any epoch was validated, those after the last
      completed update);
    - only completed epochs are recorded: ``n_iter_ == len(loss_curve_)`` counts them,
      and ``loss_curve_`` is what an uninterrupted fit of that many epochs records (a
      partial epoch's mean loss, over some of the batches, would not be comparable);
    - no ConvergenceWarning, and the estimator is usable: it predicts, and training
      can be continued.
"""

import copy
import re
import signal
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sknn import MLPClassifierGD
from sknn._objective import Objective
from sknn.utils import all_estimators, objective_and_gradients

ESTIMATORS = [Estimator for _, Estimator in all_estimators()]
ids = [name for name, _ in all_estimators()]

rng = np.random.RandomState(1)
X = rng.normal(size=(60, 5))
y = np.tile([0, 1, 2], 20)
X[:, 0] += 0.8 * y
X_unscaled = X * 1e3 + 1e6 * rng.uniform(size=5)  # features of order 1e6
# Features so large that a step of 1e6 overflows. (The gradient of a linear model's
# cross-entropy is bounded by |x|: without a penalty, only such data overflow it.)
X_diverging = X_unscaled * 1e290


def make(Estimator, **params):
    defaults = dict(batch_size=10, max_iter=5, random_state=0)
    if "hidden_layer_sizes" in Estimator().get_params():
        defaults["hidden_layer_sizes"] = (8,)
    return Estimator(**{**defaults, **params})


def parameters(estimator):
    if hasattr(estimator, "coefs_"):
        return [*estimator.coefs_, *estimator.intercepts_]
    return [estimator.coef_, estimator.intercept_]


def flat_parameters(estimator):
    weights, intercepts = estimator._fitted_parameters()
    return np.concatenate([np.ravel(w) for w in weights] + [np.ravel(b) for b in intercepts])


def fitted_state(estimator):
    """Copies of everything a failed call must leave alone."""
    return {
        "parameters": [array.copy() for array in parameters(estimator)],
        "classes_": estimator.classes_.copy(),
        "loss_curve_": list(estimator.loss_curve_),
        "n_iter_": estimator.n_iter_,
        "t_": estimator.t_,
        "n_features_in_": estimator.n_features_in_,
    }


def assert_state_equal(before, after):
    for a, b in zip(before["parameters"], after["parameters"], strict=True):
        assert_array_equal(a, b)
        assert np.isfinite(b).all()
    for name in ("classes_", "loss_curve_", "n_iter_", "t_", "n_features_in_"):
        assert_array_equal(before[name], after[name])


def quiet_fit(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


#: The objective of every mini-batch step, as the engine defines it.
ORIGINAL_STEP = Objective.value_and_gradient


def wrap_steps(monkeypatch, before=None, after=None):
    """Wrap every mini-batch's ``Objective.value_and_gradient`` (replacing any wrapper).

    ``before(params)`` runs before the batch's gradient is computed and ``after(loss)``
    after it; ``monkeypatch.undo()`` puts the engine's own back.
    """

    def wrapped(self, params, grads, X, T, sample_weight, workspace, rng=None):
        if before is not None:
            before(params)
        loss = ORIGINAL_STEP(self, params, grads, X, T, sample_weight, workspace, rng)
        if after is not None:
            after(loss)
        return loss

    monkeypatch.setattr(Objective, "value_and_gradient", wrapped)


def record_calls(monkeypatch):
    """Record the parameters each mini-batch starts from, and its loss J."""
    calls = []
    wrap_steps(
        monkeypatch,
        before=lambda params: calls.append({"params": params.flat.copy()}),
        after=lambda loss: calls[-1].update(loss=loss),
    )
    return calls


def interrupt_on_call(monkeypatch, k):
    """Raise KeyboardInterrupt from the k-th mini-batch (after computing its gradient).

    Returns the list of the parameters each call started from: ``starts[k - 1]`` is the
    state after the last completed update when the interrupt arrives.
    """
    starts = []

    def interrupt(loss):
        if len(starts) == k:
            raise KeyboardInterrupt

    wrap_steps(
        monkeypatch, before=lambda params: starts.append(params.flat.copy()), after=interrupt
    )
    return starts


# ------------------------------------------------------------------ divergence
DIVERGED = (
    r"Training diverged in epoch (\d+): the loss or the parameters became infinite or NaN\. "
    r"The features reach \|x\| = \S+: scale them \(for example with StandardScaler\)"
)


def diverging(Estimator, **params):
    """learning_rate_init=1e6 on unscaled data, with nothing to stop it early.

    (No penalty: with alpha > 0 so large a step is refused before training, see
    test_parity.py::test_a_penalty_step_is_refused_exactly_where_it_cannot_converge.)
    """
    return make(
        Estimator,
        **{
            "learning_rate_init": 1e6,
            "alpha": 0.0,
            "max_iter": 300,
            "n_iter_no_change": 1000,
            **params,
        },
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_divergence_stops_at_once_with_a_clear_error(Estimator, monkeypatch):
    model = diverging(Estimator)
    calls = record_calls(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow warnings on the way
        with pytest.raises(FloatingPointError, match=DIVERGED) as error:
            model.fit(X_diverging, y)
    assert not hasattr(model, "classes_")  # an unfitted estimator stays unfitted
    with pytest.raises(NotFittedError):
        model.predict(X)
    # As soon as: every batch but the last started from finite parameters and had a
    # finite loss, so training never went on past a non-finite value.
    alpha = model.alpha
    for call in calls[:-1]:
        assert np.isfinite(call["params"]).all()
        with np.errstate(over="ignore"):
            assert np.isfinite(call["loss"] + alpha * np.sum(call["params"] ** 2))
    # The epoch in the message is the first bad one: one epoch fewer trains to the end,
    # with finite parameters and losses.
    epoch = int(re.match(DIVERGED, str(error.value)).group(1))
    assert epoch >= 1
    if epoch > 1:
        shorter = quiet_fit(diverging(Estimator, max_iter=epoch - 1), X_diverging, y)
        assert len(shorter.loss_curve_) == epoch - 1
        assert np.isfinite(shorter.loss_curve_).all()
        assert all(np.isfinite(array).all() for array in parameters(shorter))


# Note: a continuing call (warm_start fit, partial_fit) keeps the learning rate of the
# training state, so the diverging rate is set before the first fit.


def test_an_lbfgs_divergence_from_an_extreme_alpha_names_alpha():
    from sknn import MLPClassifierGD

    X, y = np.random.RandomState(0).normal(size=(30, 3)), np.arange(30) % 3
    with pytest.raises(FloatingPointError, match=r"and alpha \(now 1e\+300\): too small"):
        MLPClassifierGD((4,), solver="lbfgs", alpha=1e300, max_iter=5).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_divergence_in_warm_start_keeps_the_previous_fit(Estimator):
    model = quiet_fit(diverging(Estimator, max_iter=1), X, y)  # one epoch: still finite
    before = fitted_state(model)
    predictions = model.predict_proba(X)
    model.set_params(warm_start=True, max_iter=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(FloatingPointError, match=DIVERGED):
            model.fit(X_diverging, y)
    assert_state_equal(before, fitted_state(model))
    assert_array_equal(model.predict_proba(X), predictions)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_a_call_that_fails_after_recording_epochs_leaves_the_books_as_they_were(
    Estimator, method, monkeypatch
):
    """Training writes its epochs into a copy of the fitted books: a call that fails
    after some epochs (here at the check after training) leaves them as they were,
    and the next call counts on from them."""
    import sknn._base

    model = make(Estimator, max_iter=3, warm_start=True)
    quiet_fit(model, X, y)
    model.partial_fit(X, y)
    books = copy.deepcopy(model._training_state)

    def failing_check(*args):
        raise MemoryError("after the epochs")

    with monkeypatch.context() as patch:
        patch.setattr(sknn._base, "check_finite_outputs", failing_check)
        with pytest.raises(MemoryError, match="after the epochs"):
            quiet_fit(model, X, y) if method == "fit" else model.partial_fit(X, y)
    after = dict(model._training_state)
    velocity = after.pop("optimizer")["velocity"]
    assert after == {name: value for name, value in books.items() if name != "optimizer"}
    assert_array_equal(velocity, books["optimizer"]["velocity"])
    assert len(after["loss_curve"]) == 4
    model.partial_fit(X, y)
    assert model.n_iter_ == 5 and len(model.loss_curve_) == 5


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_divergence_in_partial_fit_keeps_the_previous_fit(Estimator):
    # (Identity hidden units: after two steps of 1e6, ReLUs would be dead, passing no
    # gradient back to the overflowing first layer.)
    extra = {"activation": "identity"} if Estimator is MLPClassifierGD else {}
    model = make(Estimator, learning_rate_init=1e6, alpha=0.0, **extra)
    model.partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for _ in range(300):  # one epoch per call, until the loss blows up
            before = fitted_state(model)
            try:
                model.partial_fit(X_diverging, y)
            except FloatingPointError as error:
                assert error.args[0].startswith(
                    f"Training diverged in epoch {before['n_iter_'] + 1}:"
                )
                break
        else:
            pytest.fail("partial_fit with learning_rate_init=1e6 never diverged")
    assert_state_equal(before, fitted_state(model))
    assert len(before["loss_curve_"]) >= 2  # it did train on before diverging
    model.predict(X)


# ------------------------------------------------------------------ extreme input
def assert_sane_probabilities(model, X_test):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning of any kind
        proba = model.predict_proba(X_test)
        log_proba = model.predict_log_proba(X_test)
        scores = model.decision_function(X_test)
        predicted = model.predict(X_test)
    assert np.isfinite(proba).all() and np.isfinite(log_proba).all() and np.isfinite(scores).all()
    assert ((proba >= 0) & (proba <= 1)).all()
    assert_allclose(proba.sum(axis=1), 1, atol=1e-6)
    assert (log_proba <= 0).all()
    assert_allclose(np.exp(log_proba), proba, atol=1e-12)
    # The predicted class has the largest probability. Saturated one-vs-rest sigmoids can
    # tie in probability (expit(z) == 1.0 for several z), while predict still ranks the
    # logits, so ties are allowed here.
    rows = np.arange(len(predicted))
    assert_array_equal(proba[rows, np.searchsorted(model.classes_, predicted)], proba.max(axis=1))
    return proba, log_proba


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_features_of_order_1e6_at_prediction(Estimator, n_classes):
    keep = y < n_classes
    model = quiet_fit(make(Estimator), X[keep], y[keep])
    X_huge = X[keep] * 1e6
    proba, log_proba = assert_sane_probabilities(model, X_huge)
    assert proba.max() == 1.0 and log_proba.min() < -1e3  # the logits really are huge


def set_logits_scale(model, scale, rng):
    """Make the last layer's weights so large that the logits are of order ``scale``."""
    if hasattr(model, "coefs_"):
        model.coefs_[-1] = rng.normal(size=model.coefs_[-1].shape) * scale
    else:
        model.coef_ = rng.normal(size=model.coef_.shape) * scale


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_logits_of_order_1e4(Estimator, n_classes, dtype):
    keep = y < n_classes
    X_k, y_k = X[keep].astype(dtype), y[keep]
    model = quiet_fit(make(Estimator), X_k, y_k)
    set_logits_scale(model, 1e4, np.random.RandomState(0))
    logits = np.abs(model.decision_function(X_k))
    assert logits.max() > 1e3
    assert_sane_probabilities(model, X_k)
    # The loss and its gradient, computed from the logits, stay finite, with no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, gradients = objective_and_gradients(model, X_k, y_k)
    assert np.isfinite(loss) and loss > 10  # confidently wrong on some samples: a large loss
    assert all(np.isfinite(gradient).all() for gradient in gradients.values())
    # Training on from there keeps everything finite.
    model.set_params(warm_start=True, max_iter=2, learning_rate_init=1e-3)
    quiet_fit(model, X_k, y_k)
    assert np.isfinite(model.loss_curve_).all()
    assert all(np.isfinite(array).all() for array in parameters(model))


# ------------------------------------------------------------------ KeyboardInterrupt
INTERRUPTED = (
    r"Training interrupted \(KeyboardInterrupt\) during epoch {epoch} of this call; keeping {kept}"
)
AFTER_LAST_BATCH = "the parameters after the last completed mini-batch"
BEST_VALIDATION = "the parameters of the epoch with the best validation loss"
BATCHES_PER_EPOCH = 6  # 60 samples in batches of 10


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_interrupt_keeps_the_last_completed_update(Estimator, monkeypatch):
    # The interrupt arrives in the 2nd batch of epoch 3: two epochs and one batch are done.
    k = 2 * BATCHES_PER_EPOCH + 2
    model = make(Estimator, max_iter=10)
    starts = interrupt_on_call(monkeypatch, k)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.warns(UserWarning, match=INTERRUPTED.format(epoch=3, kept=AFTER_LAST_BATCH)):
            model.fit(X, y)
    assert len(starts) == k  # it stopped there
    # The interrupted batch was not applied, and no half step was: exactly the parameters
    # after update k - 1.
    assert_array_equal(flat_parameters(model), starts[k - 1])
    assert not np.array_equal(starts[k - 1], starts[k - 2])  # (the last update did move them)
    # Only the two completed epochs are recorded, as an uninterrupted 2-epoch fit records them.
    assert model.n_iter_ == len(model.loss_curve_) == 2
    reference = quiet_fit(make(Estimator, max_iter=2), X, y)
    assert_allclose(model.loss_curve_, reference.loss_curve_, rtol=1e-12)
    assert model.loss_ == model.loss_curve_[-1]
    # Usable: fitted attributes set, predictions from the kept parameters.
    assert_array_equal(model.classes_, [0, 1, 2])
    assert model.n_features_in_ == 5
    proba = model.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1)
    assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    # and training can go on from there
    monkeypatch.undo()
    quiet_fit(model.set_params(warm_start=True, max_iter=1), X, y)
    assert len(model.loss_curve_) == 3


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_interrupt_in_the_first_epoch(Estimator, monkeypatch):
    model = make(Estimator)
    starts = interrupt_on_call(monkeypatch, 3)
    with pytest.warns(UserWarning, match=INTERRUPTED.format(epoch=1, kept=AFTER_LAST_BATCH)):
        model.fit(X, y)
    assert_array_equal(flat_parameters(model), starts[2])
    assert model.n_iter_ == 0 and model.loss_curve_ == [] and model.loss_ is None
    assert model.predict(X).shape == (60,)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_interrupt_with_early_stopping_keeps_the_best_validation_epoch(Estimator, monkeypatch):
    # 42 training samples (30% held out) in batches of 10: 5 batches per epoch.
    batches_per_epoch = 5
    params = dict(early_stopping=True, validation_fraction=0.3, learning_rate_init=0.05)
    params.update(max_iter=20, n_iter_no_change=100)
    completed = 6
    model = make(Estimator, **params)
    starts = interrupt_on_call(monkeypatch, completed * batches_per_epoch + 3)
    with pytest.warns(
        UserWarning, match=INTERRUPTED.format(epoch=completed + 1, kept=BEST_VALIDATION)
    ):
        model.fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == len(model.validation_loss_curve_) == completed
    best_epoch = int(np.argmin(model.validation_loss_curve_)) + 1
    assert best_epoch < completed  # so that "best" and "last" differ in this test
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    # The parameters at the end of the best epoch are those the next epoch started from.
    assert_array_equal(flat_parameters(model), starts[best_epoch * batches_per_epoch])
    # The same as an uninterrupted fit of `completed` epochs, which restores its best too.
    reference = quiet_fit(make(Estimator, **{**params, "max_iter": completed}), X, y)
    assert_allclose(model.validation_loss_curve_, reference.validation_loss_curve_, rtol=1e-12)
    assert_allclose(flat_parameters(model), flat_parameters(reference), rtol=1e-12, atol=1e-15)
    model.predict(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_interrupt_with_early_stopping_before_any_validation(Estimator, monkeypatch):
    model = make(Estimator, early_stopping=True, validation_fraction=0.3)
    starts = interrupt_on_call(monkeypatch, 4)
    with pytest.warns(UserWarning, match=INTERRUPTED.format(epoch=1, kept=AFTER_LAST_BATCH)):
        model.fit(X, y)
    # Better than the initial parameters: the three updates made so far are kept.
    assert_array_equal(flat_parameters(model), starts[3])
    # Validation data, but no epoch completed: empty curves, like loss_curve_.
    assert model.n_iter_ == 0 and model.loss_curve_ == model.validation_loss_curve_ == []
    assert model.best_validation_loss_ is None
    model.predict_proba(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_interrupt_in_partial_fit_and_warm_start(Estimator, monkeypatch):
    model = make(Estimator).partial_fit(X, y, classes=[0, 1, 2])
    model.partial_fit(X, y)
    before = fitted_state(model)
    starts = interrupt_on_call(monkeypatch, 2)
    with pytest.warns(UserWarning, match=INTERRUPTED.format(epoch=1, kept=AFTER_LAST_BATCH)):
        model.partial_fit(X, y)
    assert_array_equal(flat_parameters(model), starts[1])
    assert model.n_iter_ == before["n_iter_"] == 2  # the running total of completed epochs
    assert model.loss_curve_ == before["loss_curve_"]
    monkeypatch.undo()

    model.set_params(warm_start=True, max_iter=5)
    starts = interrupt_on_call(monkeypatch, BATCHES_PER_EPOCH + 1)  # after one epoch of this call
    with pytest.warns(UserWarning, match=INTERRUPTED.format(epoch=2, kept=AFTER_LAST_BATCH)):
        model.fit(X, y)
    assert_array_equal(flat_parameters(model), starts[BATCHES_PER_EPOCH])
    assert model.n_iter_ == 1  # fit counts the epochs of this call
    assert len(model.loss_curve_) == 3
    assert model.loss_curve_[:2] == before["loss_curve_"]


def record_starts(monkeypatch, sigints_on_call=None, sigints=0):
    """Record the parameters each mini-batch starts from.

    On call number ``sigints_on_call``, send ``sigints`` real SIGINTs (Ctrl+C) before
    computing the gradient. Returns the list of recorded parameters.
    """
    starts = []

    def record(params):
        starts.append(params.flat.copy())
        if len(starts) == sigints_on_call:
            for _ in range(sigints):
                signal.raise_signal(signal.SIGINT)

    wrap_steps(monkeypatch, before=record)
    return starts


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_a_real_sigint_stops_at_the_end_of_the_batch(Estimator, monkeypatch):
    """Ctrl+C is a SIGINT: training defers it to the end of the current mini-batch."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by someone else here")
    model = make(Estimator, max_iter=10)
    starts = record_starts(monkeypatch, sigints_on_call=BATCHES_PER_EPOCH + 2, sigints=1)
    with pytest.warns(UserWarning, match=INTERRUPTED.format(epoch=2, kept=AFTER_LAST_BATCH)):
        model.fit(X, y)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    # The signal waits for the end of the batch it arrived in: that batch's update is
    # applied, and training stops there. The parameters are those that the next batch
    # of an uninterrupted fit starts from.
    reference = make(Estimator, max_iter=10)
    reference_starts = record_starts(monkeypatch)
    quiet_fit(reference, X, y)
    assert_array_equal(starts, reference_starts[: len(starts)])
    assert_array_equal(flat_parameters(model), reference_starts[len(starts)])
    assert model.n_iter_ == len(model.loss_curve_) == 1


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=ids)
def test_a_second_sigint_interrupts_at_once(Estimator, monkeypatch):
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT is handled by someone else here")
    model = make(Estimator, max_iter=10)
    starts = record_starts(monkeypatch, sigints_on_call=3, sigints=2)  # impatient: no end of batch
    with pytest.warns(UserWarning, match=INTERRUPTED.format(epoch=1, kept=AFTER_LAST_BATCH)):
        model.fit(X, y)
    assert len(starts) == 3
    assert_array_equal(flat_parameters(model), starts[-1])  # the batch in flight is dropped
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ---------------------------------------------------------------- finite divergence
def test_a_finite_loss_that_rises_is_reported_as_divergence():
    from sklearn.datasets import load_iris

    from sknn import SoftmaxGD

    X_iris, y_iris = load_iris(return_X_y=True)
    model = SoftmaxGD(learning_rate_init=0.3, batch_size=150, max_iter=30, random_state=0)
    with pytest.warns(ConvergenceWarning, match="the optimization (is diverging|diverged)"):
        model.fit(X_iris * 10, y_iris)  # unscaled features, too large a step
    assert model.loss_curve_[-1] > 10 * model.loss_curve_[0]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_loss_that_explodes_within_the_first_epoch_is_reported_as_divergence():
    """Far too large a step: the first epoch's mean loss is already huge, and later
    epochs may fall (so the epoch-to-epoch rise misses it); measured from the first
    mini-batch, the loss went up by orders of magnitude. The old advice was to raise
    the learning rate."""
    from sklearn.datasets import load_digits

    X_digits, y_digits = load_digits(return_X_y=True)
    model = MLPClassifierGD((100,), learning_rate_init=10.0, max_iter=30, random_state=0)
    model.set_params(monitor="batch_loss")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X_digits, y_digits)  # unscaled pixels, 0..16
    messages = [str(w.message) for w in caught]
    assert model.loss_curve_[-1] < model.loss_curve_[0]  # falling, from far above
    first = model.batch_loss_curve_[0]
    assert model.loss_curve_[-1] > 1000 * first
    assert any(f"went from {first:.4g} on the first mini-batch" in m for m in messages)
    assert not any("raise the learning rate" in m for m in messages), messages


def test_one_easy_first_mini_batch_of_a_warm_start_is_not_called_divergence():
    """Batches of one sample of a trained model: the first (an easy one) loses 0.002,
    the epochs about 1.1. Ten times more, yet no divergence: the loss did not explode."""
    rng = np.random.RandomState(0)
    X_noisy, y_noisy = rng.normal(size=(200, 2)), rng.randint(1, 10, 200)
    X_noisy[:100] += 8  # an easy, separated class; the others are noise
    y_noisy[:100] = 0
    for seed in range(4):
        model = make(MLPClassifierGD, batch_size=1, max_iter=20, random_state=seed)
        model.set_params(learning_rate_init=0.01, hidden_layer_sizes=(10,))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_noisy, y_noisy)
        model.set_params(warm_start=True, max_iter=3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(X_noisy, y_noisy)
        assert not any("diverg" in str(w.message) for w in caught), seed


def test_sgd_noise_after_a_warm_start_is_not_called_divergence():
    # A warm start at the optimum: the stopping rule ends the call after a few epochs
    # whose loss moves by SGD's noise, a little up or down; no ConvergenceWarning.
    from sknn import SoftmaxGD

    noise = np.random.RandomState(0)
    X_noisy = noise.randn(300, 5)
    y_noisy = (X_noisy[:, 0] + 0.5 * noise.randn(300) > 0).astype(int)
    model = SoftmaxGD(random_state=0, max_iter=300, warm_start=True, batch_size=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_noisy, y_noisy)
    n_before = model.n_iter_
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X_noisy, y_noisy)
    losses = model.loss_curve_[n_before:]
    assert model.n_iter_ < n_before + 300  # the stopping rule ended it
    assert abs(losses[-1] - losses[0]) < 0.01 * losses[0]
