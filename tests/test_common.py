"""scikit-learn's estimator checks, run on every public estimator of sknn."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn.utils import all_estimators

#: The one place where a check may be declared as expected to fail, with its reason.
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {}


@parametrize_with_checks(
    [Estimator() for _, Estimator in all_estimators()],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(type(est).__name__, {}),
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
