"""Regression tests for the places where the model-based tests found the chain departing from
the documented rules, each reduced to its smallest reproduction.
"""

from __future__ import annotations

import pytest
from tests.conftest import Onboard

from permledger.chain import Account
from permledger.drivers import EntitlementToken, TransferCompliance
from permledger.types import RestrictionCode, Rule


@pytest.fixture
def at_investor_cap(
    onboard: Onboard,
    token: EntitlementToken,
    compliance: TransferCompliance,
    issuer: Account,
    alice: Account,
    bob: Account,
) -> None:
    """alice holds 10 and is the one investor a cap of one allows; bob is registered, holds 0."""
    onboard(alice)
    onboard(bob)
    compliance.set_rules(token.address, Rule.MAX_INVESTORS)
    compliance.set_investor_limits(
        token.address, max_investors=1, max_balance_per_investor=0, daily_limit_per_investor=0
    )
    token.mint(alice, 10, sender=issuer)


@pytest.mark.usefixtures("at_investor_cap")
def test_zero_transfer_to_a_non_holder_at_the_investor_cap_is_allowed(
    token: EntitlementToken, alice: Account, bob: Account
) -> None:
    # Rule.MAX_INVESTORS: "A new investor may not raise the investor count above the maximum";
    # a zero amount makes bob no holder, and ERC-20 allows zero transfers.
    assert token.detect_transfer_restriction(alice, bob, 0).code == RestrictionCode.SUCCESS


@pytest.mark.usefixtures("at_investor_cap")
def test_zero_mint_to_a_non_holder_at_the_investor_cap_is_allowed(
    token: EntitlementToken, issuer: Account, bob: Account
) -> None:
    token.mint(bob, 0, sender=issuer)
    assert token.investor_count() == 1


def test_locked_tokens_report_nothing_once_the_locked_units_left(
    onboard: Onboard,
    token: EntitlementToken,
    compliance: TransferCompliance,
    issuer: Account,
    agent: Account,
    alice: Account,
    bob: Account,
) -> None:
    onboard(alice)
    onboard(bob)
    compliance.set_lockup_period(token.address, 30 * 24 * 3600)
    compliance.set_rules(token.address, Rule.LOCKUP)
    token.mint(alice, 100, sender=issuer)
    token.forced_transfer(alice, bob, 100, sender=agent)
    # IEntitlementToken.lockedTokens: "The units of `wallet` that are locked and until when".
    assert token.locked_tokens(alice) == (0, 0)
