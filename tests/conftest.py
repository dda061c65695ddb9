"""Test configuration: SciPy's Array API switch, and hypothesis profiles.

``ci`` (the default) runs a fixed, derandomized budget of examples, so every run of the
suite sees the same examples and stays fast; ``explore`` draws many fresh ones, for a
fuzzing session: ``HYPOTHESIS_PROFILE=explore python -m pytest tests/test_fuzz.py``.
"""

import os

# SciPy's own Array API support must be switched on before SciPy is first imported, for
# the estimators to run under sklearn.set_config(array_api_dispatch=True) (and for
# scikit-learn's check_array_api_input to run instead of skipping).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "explore",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
