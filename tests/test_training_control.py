"""Training control: class weights, a validation set of your own, scikit-learn's callbacks."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn import config_context
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, recall_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from sknn import LogisticRegressionGD, MLPClassifierGD, SoftmaxGD
from sknn.utils import objective_and_gradients

ESTIMATORS = [LogisticRegressionGD, SoftmaxGD, MLPClassifierGD]
SOLVERS = ["sgd", "adam", "lbfgs"]


def make(Estimator, **params):
    if Estimator is MLPClassifierGD:
        params.setdefault("hidden_layer_sizes", (8,))
    return Estimator(random_state=0, **params)


def parameters(model):
    weights, intercepts = model._fitted_parameters()
    return [np.asarray(array) for array in [*weights, *intercepts]]


@pytest.fixture(scope="module")
def iris_split():
    X, y = load_iris(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    return X_train, X_val, y_train, y_val


@pytest.fixture(scope="module")
def imbalanced():
    X, y = make_classification(
        n_samples=2000, n_features=10, n_informative=4, weights=[0.95, 0.05], flip_y=0.0,
        class_sep=0.5, random_state=0,
    )  # fmt: skip
    return train_test_split(X, y, test_size=0.5, stratify=y, random_state=0)


# ---------------------------------------------------------------- class_weight
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_balanced_class_weight_is_the_balanced_sample_weight(Estimator, solver, imbalanced):
    X_train, _, y_train, _ = imbalanced
    settings = dict(solver=solver, max_iter=5)
    balanced = make(Estimator, class_weight="balanced", **settings).fit(X_train, y_train)
    weighted = make(Estimator, **settings).fit(
        X_train, y_train, sample_weight=compute_sample_weight("balanced", y_train)
    )
    for a, b in zip(parameters(balanced), parameters(weighted), strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("Estimator", [LogisticRegressionGD, SoftmaxGD])
def test_balanced_class_weight_counts_the_classes_with_the_sample_weights(Estimator, iris_split):
    """As LogisticRegression: "balanced" weighs class k by W / (K W_k), W_k its samples'
    total weight, so integer weights act as repeated rows and zero weights as rows
    left out; a class whose samples all weigh 0 has nothing to balance."""
    X, _, y, _ = iris_split
    s = np.random.RandomState(0).randint(0, 4, size=len(y))  # zeros included
    settings = dict(solver="lbfgs", class_weight="balanced", alpha=0.01, tol=1e-10, max_iter=1000)
    weighted = Estimator(**settings).fit(X, y, sample_weight=s)
    repeated = Estimator(**settings).fit(np.repeat(X, s, axis=0), np.repeat(y, s))
    for a, b in zip(parameters(weighted), parameters(repeated), strict=True):
        assert_allclose(a, b, rtol=1e-4, atol=1e-5)  # (two L-BFGS paths to one optimum)
    # The weight of each class is scikit-learn's, and a class whose samples all weigh
    # 0 weighs 0 (W / 0 would be infinite, and 0 * inf NaN).
    for weights in (s, np.where(y == 2, 0, s)):
        with np.errstate(divide="ignore"):
            expected = compute_class_weight(
                "balanced", classes=np.unique(y), y=y, sample_weight=weights
            )
        expected[~np.isfinite(expected)] = 0
        J, grads = objective_and_gradients(Estimator(**settings), X, y, weights)
        J_explicit, grads_explicit = objective_and_gradients(
            Estimator(alpha=0.01), X, y, weights * expected[y]
        )
        assert J == pytest.approx(J_explicit, rel=1e-12)
        for name, gradient in grads.items():
            assert_allclose(gradient, grads_explicit[name], rtol=1e-10, atol=1e-14)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_class_weight_multiplies_sample_weight(Estimator, iris_split):
    X, _, y, _ = iris_split
    s = np.random.RandomState(0).uniform(0.5, 2, size=len(y))
    class_weight = {0: 3.0, 2: 0.5}  # class 1 weighs 1
    both = make(Estimator, class_weight=class_weight, max_iter=5).fit(X, y, sample_weight=s)
    per_class = np.array([3.0, 1.0, 0.5])[y]
    product = make(Estimator, max_iter=5).fit(X, y, sample_weight=s * per_class)
    for a, b in zip(parameters(both), parameters(product), strict=True):
        assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("dtype, huge", [(np.float64, 1e308), (np.float32, 1e37)])
def test_class_weight_times_a_huge_sample_weight_does_not_overflow(iris_split, dtype, huge):
    # Only the ratios of the weights matter (they are normalised to mean 1): a finite
    # sample weight times a class weight must not become inf on the way.
    X, _, y, _ = iris_split
    X = X.astype(dtype)
    s = np.ones(len(y), dtype=dtype)
    s[np.flatnonzero(y == 0)[:3]] = huge  # samples of the class of weight 100
    class_weight = {0: 100.0, 1: 1.0, 2: 1.0}
    both = make(SoftmaxGD, class_weight=class_weight, max_iter=3).fit(X, y, sample_weight=s)
    scaled = (s / huge) * np.array([1.0, 0.01, 0.01])[y]
    product = make(SoftmaxGD, max_iter=3).fit(X, y, sample_weight=scaled.astype(dtype))
    assert_allclose(both.coef_, product.coef_, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_balanced_weights_raise_the_minority_recall(Estimator, imbalanced):
    X_train, X_test, y_train, y_test = imbalanced
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    plain = make(Estimator, solver="lbfgs").fit(X_train, y_train)
    balanced = make(Estimator, solver="lbfgs", class_weight="balanced").fit(X_train, y_train)
    recall = recall_score(y_test, plain.predict(X_test))  # of the minority class, 1
    recall_balanced = recall_score(y_test, balanced.predict(X_test))
    assert recall_balanced > recall + 0.1, (recall, recall_balanced)


def test_class_weight_weighs_the_validation_loss(iris_split):
    X, X_val, y, y_val = iris_split
    class_weight = {0: 5.0, 1: 1.0, 2: 0.2}
    model = make(SoftmaxGD, class_weight=class_weight, max_iter=3)
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y, X_val=X_val, y_val=y_val)
    weights = np.array([5.0, 1.0, 0.2])[y_val]
    expected = log_loss(y_val, model.predict_proba(X_val), sample_weight=weights)
    assert model.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)


def test_balanced_validation_weights_are_those_of_the_training_labels():
    # "balanced" is n_samples / (n_classes * bincount(y)) of the training y, as in
    # scikit-learn; y_val's own class counts (here unbalanced) must not change it.
    X, y = load_iris(return_X_y=True)
    validation = np.r_[0:30, 50:55, 100:105]
    train = np.setdiff1d(np.arange(150), validation)
    model = make(SoftmaxGD, class_weight="balanced", max_iter=3)
    with pytest.warns(ConvergenceWarning):
        model.fit(X[train], y[train], X_val=X[validation], y_val=y[validation])
    per_class = compute_sample_weight("balanced", y[train])[np.searchsorted(y[train], [0, 1, 2])]
    y_val = y[validation]
    expected = log_loss(y_val, model.predict_proba(X[validation]), sample_weight=per_class[y_val])
    assert model.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)


def test_balanced_class_weight_takes_a_y_val_without_some_class():
    X, y = load_iris(return_X_y=True)
    validation = np.r_[0:10, 50:60]  # no sample of class 2
    train = np.setdiff1d(np.arange(150), validation)
    model = make(SoftmaxGD, class_weight="balanced", max_iter=3)
    with pytest.warns(ConvergenceWarning):
        model.fit(X[train], y[train], X_val=X[validation], y_val=y[validation])
    assert len(model.validation_loss_curve_) == 3
    assert np.isfinite(model.validation_loss_curve_).all()


def test_partial_fit_takes_class_weight_as_a_dict_only(iris_split):
    X, _, y, _ = iris_split
    with pytest.raises(ValueError, match="class_weight='balanced' is not supported for partial"):
        make(SoftmaxGD, class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])
    model = make(SoftmaxGD, class_weight={0: 2.0}).partial_fit(X[y != 0], y[y != 0], [0, 1, 2])
    assert_array_equal(model.classes_, [0, 1, 2])


# ---------------------------------------------------------------- X_val
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_validation_curves_without_early_stopping(Estimator, solver, iris_split):
    X, X_val, y, y_val = iris_split
    model = make(Estimator, solver=solver, max_iter=8, tol=0.0)
    model.fit(X, y, X_val=X_val, y_val=y_val)
    n = model.n_iter_
    assert len(model.validation_loss_curve_) == len(model.validation_scores_) == n
    assert model.validation_scores_[-1] == pytest.approx(model.score(X_val, y_val))
    if Estimator is not LogisticRegressionGD:  # (one-vs-rest: C sums binary losses)
        expected = log_loss(y_val, model.predict_proba(X_val))
        assert model.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-9)
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    assert model.best_loss_ == min(model.loss_curve_)  # the training loss is watched
    if solver != "lbfgs":  # every training sample trained: none was held out
        assert model.t_ == n * len(y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_watches_the_given_validation_set(Estimator, iris_split):
    X, X_val, y, y_val = iris_split
    model = make(Estimator, early_stopping=True, n_iter_no_change=2, learning_rate_init=0.5)
    model.fit(X, y, X_val=X_val, y_val=y_val)
    curve = model.validation_loss_curve_
    assert model.best_validation_loss_ == min(curve)
    assert model.t_ == model.n_iter_ * len(y)  # all of X trained: nothing held out
    assert model.validation_scores_[int(np.argmin(curve))] == pytest.approx(
        model.score(X_val, y_val)
    )  # the best epoch's parameters were restored


def test_validation_set_errors(iris_split):
    X, X_val, y, y_val = iris_split
    model = make(SoftmaxGD, max_iter=2)
    with pytest.raises(ValueError, match="X_val was given without y_val"):
        model.fit(X, y, X_val=X_val)
    with pytest.raises(ValueError, match="y_val was given without X_val"):
        model.fit(X, y, y_val=y_val)
    with pytest.raises(ValueError, match=r"y_val contains labels \[7\] that are not in"):
        model.fit(X, y, X_val=X_val, y_val=np.full(len(y_val), 7))
    with pytest.raises(ValueError, match="X_val has 3 features, but X has 4"):
        model.fit(X, y, X_val=X_val[:, :3], y_val=y_val)
    with pytest.raises(ValueError, match="X_val has 5 features, but X has 4"):
        model.fit(X, y, X_val=np.c_[X_val, X_val[:, :1]], y_val=y_val)
    with pytest.raises(ValueError, match="X_val has 45 samples but y_val has 44"):
        model.fit(X, y, X_val=X_val, y_val=y_val[:-1])
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcd"))
    other = pd.DataFrame(X_val, columns=list("abdc"))
    with pytest.raises(ValueError, match="X_val's feature names differ from those of X"):
        model.fit(frame, y, X_val=other, y_val=y_val)
    assert not hasattr(model, "classes_")  # every failure left the estimator unfitted


def test_x_val_is_transformed_by_the_pipeline_and_routed_by_a_search(iris_split):
    X, X_val, y, y_val = iris_split
    X, X_val = X * 100 + 50, X_val * 100 + 50  # unscaled: scaling matters
    with config_context(enable_metadata_routing=True):
        mlp = MLPClassifierGD((8,), max_iter=5, random_state=0)
        mlp.set_fit_request(X_val=True, y_val=True)
        pipeline = Pipeline([("scale", StandardScaler()), ("mlp", mlp)], transform_input=["X_val"])
        with pytest.warns(ConvergenceWarning):
            pipeline.fit(X, y, X_val=X_val, y_val=y_val)
        fitted = pipeline[-1]
        # The validation loss is that of the scaled X_val: the scaler transformed it.
        expected = log_loss(y_val, pipeline.predict_proba(X_val))
        assert fitted.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-9)

        search = GridSearchCV(pipeline, {"mlp__alpha": [1e-4, 1e-2]}, cv=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            search.fit(X, y, X_val=X_val, y_val=y_val)
        best = search.best_estimator_[-1]
        assert len(best.validation_loss_curve_) == best.n_iter_ == 5
        expected = log_loss(y_val, search.best_estimator_.predict_proba(X_val))
        assert best.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------- callbacks
callback_module = pytest.importorskip("sklearn.callback")


class Recorder:
    """A FitCallback that records every hook call with its task, and what it can read."""

    def __init__(self, stop_after_epoch=None):
        self.events, self.losses, self.stop_after_epoch = [], [], stop_after_epoch

    def setup(self, estimator, context):
        self.events.append(("setup", None))

    def teardown(self, estimator, context):
        self.events.append(("teardown", None))

    def on_fit_task_begin(self, estimator, context):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, X=None):
        self.events.append(("end", context.task_name))
        if context.task_name == "epoch" and fitted_estimator is not None:
            # A callback reads the current loss and validation score.
            self.losses.append(
                (
                    fitted_estimator.loss_curve_[-1],
                    (fitted_estimator.validation_scores_ or [None])[-1],
                    fitted_estimator.score(X, fitted_estimator.predict(X)),
                )
            )
            return len(self.losses) == self.stop_after_epoch
        return False


def count(events, kind, name):
    return sum(1 for event in events if event == (kind, name))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_callbacks_see_the_fit_its_epochs_and_its_batches(Estimator, iris_split):
    X, X_val, y, y_val = iris_split
    recorder = Recorder()
    model = make(Estimator, max_iter=4, batch_size=50, tol=0.0).set_callbacks(recorder)
    model.fit(X, y, X_val=X_val, y_val=y_val)
    events = recorder.events
    assert events[0] == ("setup", None) and events[-1] == ("teardown", None)
    assert events[1] == ("begin", "fit") and events[-2] == ("end", "fit")
    assert count(events, "begin", "epoch") == count(events, "end", "epoch") == 4
    batches = int(np.ceil(len(y) / 50))
    assert count(events, "begin", "batch") == count(events, "end", "batch") == 4 * batches
    # Each epoch's fitted_estimator is the model as of that epoch.
    assert [loss for loss, _, _ in recorder.losses] == model.loss_curve_
    assert [score for _, score, _ in recorder.losses] == model.validation_scores_
    assert hasattr(model, "coefs_" if Estimator is MLPClassifierGD else "coef_")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_callback_can_stop_training_and_lbfgs_has_iteration_tasks(iris_split):
    X, _, y, _ = iris_split
    model = make(MLPClassifierGD, max_iter=50).set_callbacks(Recorder(stop_after_epoch=3))
    model.fit(X, y)
    assert model.n_iter_ == 3
    recorder = Recorder()
    lbfgs = make(MLPClassifierGD, solver="lbfgs", max_iter=6).set_callbacks(recorder)
    lbfgs.fit(X, y)
    ends = [loss for loss, _, _ in recorder.losses]
    assert ends == lbfgs.loss_curve_ and len(ends) == lbfgs.n_iter_ == 6
    # Begun tasks are all ended (the last one, begun for an iteration SciPy did not run,
    # as an empty task), and L-BFGS iterations have no batch tasks.
    assert count(recorder.events, "begin", "epoch") == count(recorder.events, "end", "epoch")
    assert count(recorder.events, "begin", "batch") == 0


class InterruptingRecorder(Recorder):
    """A Recorder whose end of epoch 2 raises KeyboardInterrupt (Ctrl+C inside it)."""

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, X=None):
        result = super().on_fit_task_end(estimator, context, fitted_estimator=fitted_estimator, X=X)
        if context.task_name == "epoch" and len(self.losses) == 2:
            raise KeyboardInterrupt
        return result


@pytest.mark.parametrize("solver", SOLVERS)
def test_an_epoch_interrupted_in_its_callback_is_ended_once(solver, iris_split):
    X, _, y, _ = iris_split
    recorder = InterruptingRecorder()
    model = make(MLPClassifierGD, solver=solver, max_iter=10, batch_size=50)
    with pytest.warns(UserWarning, match=r"interrupted \(KeyboardInterrupt\) after"):
        model.set_callbacks(recorder).fit(X, y)
    assert model.n_iter_ == 2
    assert count(recorder.events, "begin", "epoch") == count(recorder.events, "end", "epoch")


def test_progress_bar_and_scoring_monitor_in_a_grid_search(iris_split):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar, ScoringMonitor

    X, _, y, _ = iris_split
    monitor = ScoringMonitor(scoring="accuracy")
    search = GridSearchCV(make(SoftmaxGD, max_iter=3), {"alpha": [1e-4, 1e-2]}, cv=2)
    search.set_callbacks(ProgressBar())
    search.estimator.set_callbacks(monitor)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "does not support callbacks" warning
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    rows = monitor.get_logs(select="all")
    epochs = [row for log in rows for row in log.data if row["task_name"] == "epoch"]
    assert len(epochs) == (2 * 2 + 1) * 3  # 4 candidates' fits and the refit, 3 epochs each
    assert all(0 <= row["accuracy"] <= 1 for row in epochs)


def test_without_sklearn_callback_everything_else_works():
    """scikit-learn < 1.9 has no sklearn.callback: simulate its absence."""
    script = textwrap.dedent(
        """
        import sys
        import warnings

        # scikit-learn 1.9 itself is loaded first; then sklearn.callback is hidden, so
        # that sknn's import of it fails as it does with an older scikit-learn.
        from sklearn.datasets import load_iris
        from sklearn.model_selection import GridSearchCV
        sys.modules["sklearn.callback"] = None
        import sknn
        import sknn._callbacks

        assert sknn._callbacks.CallbackSupportMixin.__module__ == "sknn._callbacks"
        X, y = load_iris(return_X_y=True)
        warnings.simplefilter("ignore")
        for Estimator in (sknn.SoftmaxGD, sknn.MLPClassifierGD):
            model = Estimator(max_iter=5, random_state=0)
            assert not hasattr(model, "set_callbacks")
            model.fit(X, y, X_val=X, y_val=y).predict(X)
            assert len(model.validation_loss_curve_) == 5
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


class KeepEpochModels(Recorder):
    """A FitCallback that keeps each epoch's fitted_estimator, as a checkpointer does."""

    def __init__(self):
        super().__init__()
        self.models = []

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, X=None):
        if context.task_name == "epoch" and fitted_estimator is not None:
            self.models.append(fitted_estimator)
        return False


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_an_epochs_fitted_estimator_resumes_as_that_epoch(solver, iris_split):
    """Each snapshot has the books of its own epoch (not lists that training goes on
    filling), the optimizer's state included: continuing it by one epoch is epoch 3 of
    the uninterrupted run."""
    X, _, y, _ = iris_split
    params = dict(solver=solver, batch_size=50, shuffle=False, tol=0.0, learning_rate="invscaling")
    if solver == "adam":
        params.pop("learning_rate")
    keeper = KeepEpochModels()
    model = make(MLPClassifierGD, max_iter=5, **params).set_callbacks(keeper)
    model.fit(X, y)
    second = keeper.models[1].set_callbacks()
    assert second.n_iter_ == len(second._training_state["loss_curve"]) == 2
    assert second.t_ == second._training_state["t"] == 2 * len(y)
    second.partial_fit(X, y)
    assert second.loss_curve_ == pytest.approx(model.loss_curve_[:3], rel=1e-12)
    third = make(MLPClassifierGD, max_iter=3, **params).fit(X, y)
    assert_allclose(second.coefs_[0], third.coefs_[0], rtol=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_refits_snapshot_has_none_of_the_earlier_fits_feature_names(iris_split):
    """Fitted on a DataFrame, then refitted on an array: each epoch's fitted_estimator
    is the new model, which has no feature names (predict(X) does not warn)."""
    pd = pytest.importorskip("pandas")
    X, _, y, _ = iris_split
    model = make(SoftmaxGD, max_iter=2).fit(pd.DataFrame(X, columns=list("abcd")), y)
    keeper = KeepEpochModels()
    model.set_callbacks(keeper).fit(X, y)
    assert not hasattr(model, "feature_names_in_")
    snapshot = keeper.models[-1]
    assert getattr(snapshot, "feature_names_in_", None) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # "X does not have valid feature names"
        assert_array_equal(snapshot.predict(X), model.predict(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_an_lbfgs_iterations_fitted_estimator_counts_the_samples_seen(iris_split):
    """t_ of L-BFGS is the samples of every evaluation of J so far: each iteration's
    snapshot has those of its own evaluations, and the fit's t_ all of them."""
    X, _, y, _ = iris_split
    keeper = KeepEpochModels()
    model = make(SoftmaxGD, solver="lbfgs", max_iter=4, tol=0.0).set_callbacks(keeper)
    model.fit(X, y)
    seen = [snapshot.t_ for snapshot in keeper.models]
    assert seen[0] >= len(y) and all(later > earlier for earlier, later in zip(seen, seen[1:]))
    assert all(t % len(y) == 0 for t in seen) and seen[-1] <= model.t_
    after_first_fit = model.t_
    model.set_params(warm_start=True).fit(X, y)  # a warm start goes on counting
    assert keeper.models[len(seen)].t_ > after_first_fit


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_curves_keep_one_entry_per_epoch_when_a_warm_start_turns_validation_on_or_off(
    Estimator, iris_split
):
    """Entry k of every curve is epoch k + 1 of loss_curve_: NaN for the epochs that
    were not validated (or scored)."""
    X, X_val, y, y_val = iris_split
    model = make(Estimator, max_iter=3, warm_start=True, tol=0.0, n_iter_no_change=50)
    model.fit(X, y)
    assert model.validation_loss_curve_ is None and model.train_scores_ is None
    model.set_params(monitor="train_score").fit(X, y, X_val=X_val, y_val=y_val)
    model.set_params(monitor=None).fit(X, y)
    assert len(model.loss_curve_) == 9
    curves = [
        model.validation_loss_curve_,
        model.validation_scores_,
        model._training_state["train_scores"],
    ]
    for curve in curves:
        assert len(curve) == 9
        assert np.isnan(curve[:3]).all() and np.isfinite(curve[3:6]).all()
    assert np.isnan(model.validation_loss_curve_[6:]).all()
    best = int(np.nanargmin(model.validation_loss_curve_))
    assert model.validation_loss_curve_[best] == model.best_validation_loss_
    assert 3 <= best < 6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_best_loss_is_the_lowest_training_loss_after_early_stopping_is_turned_off(iris_split):
    X, _, y, _ = iris_split
    model = make(MLPClassifierGD, max_iter=30, batch_size=50, warm_start=True, early_stopping=True)
    model.fit(X, y)
    model.set_params(early_stopping=False, max_iter=1).fit(X, y)
    assert model.best_loss_ == min(model.loss_curve_)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_partial_fit_carries_the_learning_rate_of_either_solver(solver, iris_split):
    """As scikit-learn's MLPClassifier keeps its optimizer between partial_fit calls,
    a changed learning_rate_init takes effect at the next fit, for Adam as for SGD."""
    X, _, y, _ = iris_split
    model = make(MLPClassifierGD, solver=solver, batch_size=50, learning_rate_init=0.01)
    model.partial_fit(X, y, classes=np.unique(y))
    before = [W.copy() for W in model.coefs_]
    model.set_params(learning_rate_init=1e-9).partial_fit(X, y)
    change = max(np.abs(W - W0).max() for W, W0 in zip(model.coefs_, before))
    assert change > 1e-4  # the carried 0.01, not 1e-9


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_a_warm_start_with_early_stopping_judges_its_epochs_from_where_it_starts(solver):
    """The books carry an earlier fit's best validation loss, measured on other data
    (or of parameters that were not kept): a warm start judged against it kept its
    starting parameters although its own validation loss fell at every epoch."""
    X, y = make_classification(
        90, 4, n_informative=3, n_redundant=0, n_classes=3, n_clusters_per_class=1,
        flip_y=0.2, random_state=0,
    )  # fmt: skip
    X1, y1, X2, y2, X_val, y_val = X[:30], y[:30], X[30:60], y[30:60], X[60:], y[60:]
    model = make(SoftmaxGD, solver=solver, max_iter=200, early_stopping=True, tol=0.0)
    model.fit(X1, y1, X_val=X1, y_val=y1)  # a best validation loss that fit 2 cannot beat
    start = model.coef_.copy()
    model.set_params(warm_start=True, max_iter=10)
    model.fit(X2, y2, X_val=X_val, y_val=y_val)
    curve = np.array(model.validation_loss_curve_[-model.n_iter_ :])
    assert curve[-1] < curve[0]  # this call's validation loss fell ...
    assert not np.array_equal(model.coef_, start)  # ... and its best epoch is kept
    kept_loss = log_loss(y_val, model.predict_proba(X_val))
    assert model.best_validation_loss_ == pytest.approx(kept_loss, rel=1e-9)
    assert model.best_validation_loss_ == pytest.approx(curve.min(), rel=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_warm_start_whose_epochs_all_do_worse_keeps_its_start_and_reports_its_loss():
    X, y = make_classification(
        90, 4, n_informative=3, n_redundant=0, n_classes=3, n_clusters_per_class=1,
        flip_y=0.2, random_state=0,
    )  # fmt: skip
    X_train, y_train, X_val, y_val = X[:60], y[:60], X[60:], y[60:]
    model = make(MLPClassifierGD, hidden_layer_sizes=(50,), max_iter=200, alpha=0.0)
    model.set_params(learning_rate_init=0.1)
    model.fit(X_train, y_train, X_val=X_val, y_val=y_val)  # overfits: no early stopping
    start = [W.copy() for W in model.coefs_]
    model.set_params(warm_start=True, early_stopping=True, max_iter=30)
    model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    assert all(np.array_equal(W, W0) for W, W0 in zip(model.coefs_, start))
    kept_loss = log_loss(y_val, model.predict_proba(X_val))
    assert model.best_validation_loss_ == pytest.approx(kept_loss, rel=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_warm_start_of_no_epoch_that_turns_validation_on_keeps_the_curves_aligned(iris_split):
    X, X_val, y, y_val = iris_split
    model = make(SoftmaxGD, max_iter=3, tol=0.0).fit(X, y)
    model.set_params(warm_start=True, max_iter=0, monitor="train_score")
    model.fit(X, y, X_val=X_val, y_val=y_val)
    for curve in (model.validation_loss_curve_, model.validation_scores_, model.train_scores_):
        assert len(curve) == len(model.loss_curve_) == 3 and np.isnan(curve).all()
    model.set_params(max_iter=2).fit(X, y, X_val=X_val, y_val=y_val)
    assert len(model.validation_loss_curve_) == len(model.loss_curve_) == 5
    assert np.isfinite(model.validation_loss_curve_[3:]).all()


def replay_patience(curve, tol, n_iter_no_change):
    """The epoch at which the patience rule stops, replayed on a recorded curve (None
    if it never does): an epoch improves if it beats the best so far by more than tol."""
    best, count = np.inf, 0
    for epoch, loss in enumerate(curve, start=1):
        count = 0 if loss < best - tol else count + 1
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch
    return None


@pytest.mark.parametrize("tol", [0.0, 0.02])
def test_early_stopping_stops_where_its_rule_says_on_the_recorded_curve(tol, iris_split):
    X, X_val, y, y_val = iris_split
    settings = dict(max_iter=300, early_stopping=True, n_iter_no_change=3, batch_size=20)
    model = make(SoftmaxGD, tol=tol, **settings).fit(X, y, X_val=X_val, y_val=y_val)
    stop = replay_patience(model.validation_loss_curve_, tol, 3)
    assert stop is not None and model.n_iter_ == stop
    if tol:  # a tol that matters: it stops earlier than without
        plain = make(SoftmaxGD, tol=0.0, **settings).fit(X, y, X_val=X_val, y_val=y_val)
        assert model.n_iter_ < plain.n_iter_


def test_a_warm_start_with_early_stopping_has_its_own_patience(iris_split):
    """A fit that stopped for lack of patience, continued: the patience starts afresh,
    so the new call runs at least n_iter_no_change + 1 epochs."""
    X, X_val, y, y_val = iris_split
    model = make(SoftmaxGD, max_iter=300, early_stopping=True, n_iter_no_change=3, tol=0.02)
    model.fit(X, y, X_val=X_val, y_val=y_val)
    assert model.n_iter_ < 300  # stopped by its patience
    model.set_params(warm_start=True).fit(X, y, X_val=X_val, y_val=y_val)
    assert model.n_iter_ >= 3 + 1


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_recorded_scores_and_validation_loss_are_weighted_means_over_every_batch(
    Estimator, iris_split
):
    """With batches smaller than the data, the per-epoch accuracy and validation loss
    are weighted means over all the batches, equal to scikit-learn's metrics of the
    model of the last epoch."""
    X, X_val, y, y_val = iris_split
    rng = np.random.RandomState(0)
    w, w_val = rng.uniform(0.2, 3, size=len(y)), rng.uniform(0.2, 3, size=len(y_val))
    model = make(Estimator, max_iter=3, batch_size=7, monitor="train_score")
    model.fit(X, y, sample_weight=w, X_val=X_val, y_val=y_val, sample_weight_val=w_val)
    assert model.train_scores_[-1] == pytest.approx(model.score(X, y, sample_weight=w))
    assert model.validation_scores_[-1] == pytest.approx(
        model.score(X_val, y_val, sample_weight=w_val)
    )
    if Estimator is LogisticRegressionGD:  # one sigmoid unit per class: a sum of K losses
        P = expit(model.decision_function(X_val))
        expected = sum(
            log_loss(y_val == k, P[:, k], sample_weight=w_val, labels=[False, True])
            for k in range(3)
        )
    else:
        expected = log_loss(y_val, model.predict_proba(X_val), sample_weight=w_val)
    assert model.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_multilabel_scores_are_the_subset_accuracy(iris_split):
    X, X_val, _, _ = iris_split
    Y = (X[:, :3] > np.median(X[:, :3], axis=0)).astype(int)
    Y_val = (X_val[:, :3] > np.median(X[:, :3], axis=0)).astype(int)
    model = make(MLPClassifierGD, max_iter=3, batch_size=7, monitor="train_score")
    model.fit(X, Y, X_val=X_val, y_val=Y_val)
    assert 0 < model.score(X, Y) < 1  # some rows wrong in one label only
    assert model.train_scores_[-1] == pytest.approx(model.score(X, Y))
    assert model.validation_scores_[-1] == pytest.approx(model.score(X_val, Y_val))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_lbfgs_sees_the_same_objective_in_chunks_of_rows(Estimator, iris_split, monkeypatch):
    """L-BFGS evaluates J on all the data in chunks of FULL_BATCH_ROWS rows: with
    chunks of 7 (and a short last one) it takes the same steps as with one chunk."""
    import sknn._lbfgs

    X, _, y, _ = iris_split
    w = np.random.RandomState(0).uniform(0.2, 3, size=len(y))
    one = make(Estimator, solver="lbfgs", alpha=0.01, max_iter=15).fit(X, y, sample_weight=w)
    monkeypatch.setattr(sknn._lbfgs, "FULL_BATCH_ROWS", 7)
    chunked = make(Estimator, solver="lbfgs", alpha=0.01, max_iter=15)
    chunked.fit(X, y, sample_weight=w)
    assert_allclose(chunked.loss_curve_, one.loss_curve_, rtol=1e-10)
    for a, b in zip(parameters(chunked), parameters(one), strict=True):
        assert_allclose(a, b, rtol=1e-7, atol=1e-9)
