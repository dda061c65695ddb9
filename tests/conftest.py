"""Test configuration: hypothesis profiles.

``ci`` (the default) runs a fixed, derandomized budget of examples, so every run of the
suite sees the same examples and stays fast; ``explore`` draws many fresh ones, for a
fuzzing session: ``HYPOTHESIS_PROFILE=explore python -m pytest tests/test_fuzz.py``.
"""

import os

from hypothesis import HealthCheck, settings

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
