"""The token rules the gas benchmarks measure under: every rule on, with limits that never bind."""

from __future__ import annotations

from permledger.drivers import EntitlementToken, TransferCompliance
from permledger.types import EVERY_RULE, InvestorClass

DAY = 24 * 3600
US = 840
LOCKUP = 30 * DAY
"""Units issued now move after this many seconds."""


def every_rule_on(compliance: TransferCompliance, token: EntitlementToken) -> None:
    """Switch on every rule of `token`: US investors of any class, limits far above the amounts
    benchmarked, a 30-day lock-up and a circuit breaker at half the supply a day."""
    compliance.set_jurisdictions(token.address, [US], listed=True)
    compliance.set_allowed_classes(token.address, InvestorClass.mask(*InvestorClass))
    compliance.set_investor_limits(
        token.address,
        max_investors=1000,
        max_balance_per_investor=10**12,
        daily_limit_per_investor=10**12,
    )
    compliance.set_lockup_period(token.address, LOCKUP)
    compliance.set_circuit_breaker(token.address, share_bps=5000, window=DAY)
    compliance.set_rules(token.address, EVERY_RULE)
