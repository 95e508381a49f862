"""Hypothesis profiles of the model-based tests, chosen with the HYPOTHESIS_PROFILE variable.

``ci`` (the default) is derandomized, so every run checks the same examples and a failure
reproduces; ``deep`` draws fresh random examples, many more of them, for runs by hand:
``HYPOTHESIS_PROFILE=deep .venv/bin/python -m pytest tests/model``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

# Every example deploys nothing but sends transactions to py-evm, which is slow for hypothesis's
# taste; the budgets below are what matters.
_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW,
)
settings.register_profile("deep", deadline=None, print_blob=True, suppress_health_check=_SLOW)
settings.load_profile(PROFILE)


def budget(*, ci: int, deep: int) -> int:
    """A test's number of examples under the current profile."""
    return deep if PROFILE == "deep" else ci
