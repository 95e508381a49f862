"""Locked security legs on the entitlement token itself (its ERC-7246 encumbrances): the lock
keeps the units in the seller's wallet, out of reach of the seller, the transfer agent and
other takers, and the token's rules still decide the settlement."""

from __future__ import annotations

import pytest
from tests.settlement.conftest import DAY, HOUR, USD, Market

from permledger import errors
from permledger.chain import Account
from permledger.drivers import IdentityRegistry, TransferCompliance
from permledger.settlement import Trade, TradeStatus
from permledger.types import InvestorClass, RestrictionCode, Rule, investor_id

US = 840


@pytest.fixture
def locked(market: Market) -> Trade:
    """alice proposes to sell 100 shares and locks them; bob has not affirmed yet."""
    trade = market.trade()
    market.dvp.propose(trade, lock=True, sender=market.seller)
    return trade


def _lock(market: Market) -> tuple[int, int]:
    """(shares alice encumbered to the escrow, the escrow's locked balance for alice)."""
    return (
        market.shares.encumbrances(market.seller, market.dvp.address),
        market.dvp.locked_balance(market.shares.address, market.seller),
    )


def test_locked_shares_stay_in_the_wallet_and_out_of_the_sellers_reach(
    market: Market, locked: Trade
) -> None:
    assert _lock(market) == (100, 100)
    assert market.shares.balance_of(market.seller) == 1_000
    assert market.shares.transferable_balance(market.seller) == 900
    verdict = market.shares.detect_transfer_restriction(market.seller, market.third, 901)
    assert verdict.code == RestrictionCode.BALANCE_ENCUMBERED
    with pytest.raises(errors.TransferRestricted):
        market.shares.transfer(market.third, 901, sender=market.seller)
    market.shares.transfer(market.third, 900, sender=market.seller)
    assert _lock(market) == (100, 100)


def test_locked_shares_settle_without_an_allowance(market: Market, locked: Trade) -> None:
    market.shares.approve(market.dvp.address, 0, sender=market.seller)
    market.dvp.affirm(locked, sender=market.buyer)
    market.dvp.settle(locked, sender=market.third)
    assert market.shares.balance_of(market.buyer) == 100
    assert market.shares.balance_of(market.seller) == 900
    assert _lock(market) == (0, 0)
    assert market.shares.encumbered_balance_of(market.seller) == 0


def test_the_transfer_agent_cannot_take_locked_shares(
    market: Market, locked: Trade, agent: Account
) -> None:
    market.shares.transfer(market.third, 900, sender=market.seller)
    with pytest.raises(errors.TokenAmountEncumbered):
        market.shares.forced_transfer(market.seller, market.third, 1, sender=agent)
    with pytest.raises(errors.TokenAmountEncumbered):
        market.shares.burn(market.seller, 1, sender=market.issuer)
    assert market.shares.balance_of(market.seller) == 100
    assert _lock(market) == (100, 100)


def test_a_buyer_whose_kyc_lapsed_cannot_receive_locked_shares(
    market: Market, locked: Trade, registry: IdentityRegistry, compliance: TransferCompliance
) -> None:
    compliance.set_rules(market.shares.address, Rule.KYC)
    market.dvp.affirm(locked, lock=True, sender=market.buyer)
    registry.update_investor(
        investor_id(market.buyer.name),
        country=US,
        investor_class=InvestorClass.ACCREDITED,
        kyc_expiry=market.chain.timestamp + HOUR,
    )
    market.chain.advance_time(HOUR + 1)
    before = market.holdings()

    check = market.dvp.check_settlement(locked)
    assert check.security.code == RestrictionCode.RECEIVER_KYC_EXPIRED
    with pytest.raises(errors.SettlementRejected) as rejected:
        market.dvp.settle(locked, sender=market.buyer)
    assert rejected.value.legs["security"].code == RestrictionCode.RECEIVER_KYC_EXPIRED
    with pytest.raises(errors.ComplianceTransferRejected) as reverted:
        market.dvp.settle(locked, sender=market.buyer, precheck=False)
    assert reverted.value.arguments["code"] == RestrictionCode.RECEIVER_KYC_EXPIRED

    assert market.holdings() == before
    assert _lock(market) == (100, 100)
    state = market.dvp.trade_state(locked)
    assert state.status == TradeStatus.PROPOSED
    assert (state.seller_affirmed, state.buyer_affirmed, state.security_locked) == (
        True,
        True,
        True,
    )


def test_expiry_releases_the_lock_after_the_sellers_kyc_lapsed_and_the_token_paused(
    market: Market,
    locked: Trade,
    registry: IdentityRegistry,
    compliance: TransferCompliance,
    pauser: Account,
) -> None:
    compliance.set_rules(market.shares.address, Rule.KYC)
    registry.update_investor(
        investor_id(market.seller.name),
        country=US,
        investor_class=InvestorClass.ACCREDITED,
        kyc_expiry=market.chain.timestamp + HOUR,
    )
    market.shares.pause(sender=pauser)
    market.chain.advance_time(DAY + 1)
    market.dvp.expire(locked, sender=market.seller)
    assert market.dvp.trade_state(locked).status == TradeStatus.EXPIRED
    assert _lock(market) == (0, 0)
    assert market.shares.balance_of(market.seller) == 1_000


def test_locked_shares_count_for_the_seller_at_a_record_date(market: Market, locked: Trade) -> None:
    record = market.shares.schedule_record_date(market.chain.timestamp + 1, sender=market.issuer)
    market.chain.advance_time(HOUR)
    market.dvp.affirm(locked, sender=market.buyer)
    market.dvp.settle(locked, sender=market.buyer)
    assert market.shares.balance_of_at(market.seller, record) == 1_000
    assert market.shares.investor_balance_at(investor_id(market.seller.name), record) == 1_000
    assert market.shares.balance_of_at(market.dvp.address, record) == 0
    assert market.shares.balance_of_at(market.buyer, record) == 0


def test_the_cash_and_security_legs_both_locked_settle_in_one_step(market: Market) -> None:
    trade = market.trade(cash_amount=5_000 * USD)
    market.dvp.propose(trade, lock=True, sender=market.seller)
    market.dvp.affirm(trade, lock=True, sender=market.buyer)
    market.dvp.settle(trade, sender=market.third)
    assert (market.shares.balance_of(market.buyer), market.cash.balance_of(market.seller)) == (
        100,
        5_000 * USD,
    )
    assert _lock(market) == (0, 0)
    assert market.cash.encumbrances(market.buyer, market.dvp.address) == 0
