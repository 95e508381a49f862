"""Locked legs (ERC-7246): the escrow holds exactly the open locked legs, and gives them back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.settlement.conftest import DAY, USD, Market, MockToken

from permledger import errors
from permledger.settlement import Trade, TradeStatus


@pytest.fixture
def bonds(market: Market) -> MockToken:
    """An ERC-7246 security token: alice holds 1,000 and allowed the escrow 10,000."""
    token = MockToken.deploy(market.chain, "SettlementLegToken", "Bond", "BND", 0)
    token.mint(market.seller, 1_000)
    token.approve(market.seller, market.dvp.address, 10_000)
    return token


def _held(market: Market, token: MockToken, owner: object) -> tuple[int, int]:
    """(encumbered to the escrow, the escrow's locked balance) for an owner."""
    return (
        token.encumbrances(owner, market.dvp.address),
        market.dvp.locked_balance(token.address, owner),
    )


def test_locking_encumbers_from_the_allowance(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.seller)
    market.cash.approve(market.buyer, market.dvp.address, 7_000 * USD)
    receipt = market.dvp.affirm(trade, lock=True, sender=market.buyer)
    assert market.dvp.binding.events("LegLocked", receipt) == [
        {
            "id": trade.id,
            "owner": market.buyer.address,
            "token": market.cash.address,
            "amount": 5_000 * USD,
        }
    ]
    assert _held(market, market.cash, market.buyer) == (5_000 * USD, 5_000 * USD)
    assert market.cash.allowance(market.buyer, market.dvp.address) == 2_000 * USD
    assert market.cash.balance_of(market.buyer) == 1_000_000 * USD  # still in the wallet
    assert market.dvp.trade_state(trade).cash_locked


def test_locking_uses_units_the_owner_encumbered_itself(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.seller)
    market.cash.approve(market.buyer, market.dvp.address, 0)
    market.cash.encumber(market.buyer, market.dvp.address, 5_000 * USD)
    market.dvp.affirm(trade, lock=True, sender=market.buyer)
    assert _held(market, market.cash, market.buyer) == (5_000 * USD, 5_000 * USD)
    market.dvp.settle(trade, sender=market.third)
    assert market.cash.balance_of(market.seller) == 5_000 * USD
    assert _held(market, market.cash, market.buyer) == (0, 0)


def test_locking_a_token_without_encumbrances_is_refused(
    market: Market, mock_token: Callable[..., MockToken]
) -> None:
    plain = mock_token("PlainERC20", 1_000)
    trade = market.trade(security_token=plain.address)
    with pytest.raises(errors.SettlementLockUnsupported) as raised:
        market.dvp.propose(trade, lock=True, sender=market.seller)
    assert raised.value.arguments == {"token": plain.address}


def test_locking_more_than_the_free_balance_is_refused(market: Market) -> None:
    trade = market.trade(cash_amount=2_000_000 * USD)
    market.dvp.propose(trade, sender=market.seller)
    with pytest.raises(errors.ERC20InsufficientBalance):
        market.dvp.affirm(trade, lock=True, sender=market.buyer)
    assert _held(market, market.cash, market.buyer) == (0, 0)


def test_locked_security_settles_without_allowance(market: Market, bonds: MockToken) -> None:
    trade = market.trade(security_token=bonds.address)
    market.dvp.propose(trade, lock=True, sender=market.seller)
    bonds.approve(market.seller, market.dvp.address, 0)
    market.dvp.affirm(trade, sender=market.buyer)
    market.dvp.settle(trade, sender=market.buyer)
    assert (bonds.balance_of(market.seller), bonds.balance_of(market.buyer)) == (900, 100)
    assert _held(market, bonds, market.seller) == (0, 0)


def test_cancel_releases_both_locked_legs(market: Market, bonds: MockToken) -> None:
    trade = market.trade(security_token=bonds.address)
    market.dvp.propose(trade, lock=True, sender=market.seller)
    market.dvp.affirm(trade, lock=True, sender=market.buyer)
    receipt = market.dvp.cancel(trade, sender=market.buyer)
    released = market.dvp.binding.events("LegReleased", receipt)
    assert [(e["owner"], e["amount"]) for e in released] == [
        (market.seller.address, 100),
        (market.buyer.address, 5_000 * USD),
    ]
    assert _held(market, bonds, market.seller) == (0, 0)
    assert _held(market, market.cash, market.buyer) == (0, 0)


def test_expiry_releases_even_when_the_token_is_paused_and_the_owner_blocked(
    market: Market, bonds: MockToken
) -> None:
    trade = market.trade(security_token=bonds.address)
    market.dvp.propose(trade, lock=True, sender=market.seller)
    bonds.set_paused(True)
    bonds.set_blocked(market.seller, True)
    market.chain.advance_time(DAY + 1)
    market.dvp.expire(trade, sender=market.seller)
    assert market.dvp.trade_state(trade).status == TradeStatus.EXPIRED
    assert _held(market, bonds, market.seller) == (0, 0)
    assert bonds.balance_of(market.seller) == 1_000


def test_pulled_leg_does_not_eat_another_trades_lock(market: Market, bonds: MockToken) -> None:
    locked = market.trade(security_token=bonds.address, security_amount=300)
    market.dvp.propose(locked, lock=True, sender=market.seller)
    pulled = market.trade(security_token=bonds.address, security_amount=200)
    market.dvp.propose(pulled, sender=market.seller)
    market.dvp.affirm(pulled, sender=market.buyer)
    allowance = bonds.allowance(market.seller, market.dvp.address)

    market.dvp.settle(pulled, sender=market.buyer)

    # The token spent the escrow's encumbrance first; the escrow encumbered the lost part again
    # from the allowance, so the pulled leg cost allowance and the lock is whole.
    assert _held(market, bonds, market.seller) == (300, 300)
    assert bonds.allowance(market.seller, market.dvp.address) == allowance - 200
    assert bonds.balance_of(market.buyer) == 200
    market.dvp.affirm(locked, sender=market.buyer)
    market.dvp.settle(locked, sender=market.buyer)
    assert bonds.balance_of(market.buyer) == 500
    assert _held(market, bonds, market.seller) == (0, 0)


def test_pulled_leg_without_allowance_fails_whole_even_with_a_lock_to_spend(
    market: Market, bonds: MockToken
) -> None:
    locked = market.trade(security_token=bonds.address, security_amount=300)
    market.dvp.propose(locked, lock=True, sender=market.seller)
    pulled = market.trade(security_token=bonds.address, security_amount=200)
    market.dvp.propose(pulled, sender=market.seller)
    market.dvp.affirm(pulled, sender=market.buyer)
    bonds.approve(market.seller, market.dvp.address, 0)
    assert market.dvp.check_settlement(pulled).security.code == 32  # ALLOWANCE_INSUFFICIENT
    with pytest.raises(errors.ERC20InsufficientAllowance):
        market.dvp.settle(pulled, sender=market.buyer, precheck=False)
    assert _held(market, bonds, market.seller) == (300, 300)
    assert bonds.balance_of(market.buyer) == 0


def test_release_excess_returns_only_what_no_leg_uses(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, lock=True, sender=market.buyer)
    market.cash.encumber(market.buyer, market.dvp.address, 700 * USD)
    receipt = market.dvp.release_excess(market.cash.address, sender=market.buyer)
    assert market.dvp.binding.events("ExcessReleased", receipt) == [
        {"owner": market.buyer.address, "token": market.cash.address, "amount": 700 * USD}
    ]
    assert _held(market, market.cash, market.buyer) == (5_000 * USD, 5_000 * USD)


def test_release_excess_on_a_token_without_encumbrances_is_refused(
    market: Market, mock_token: Callable[..., MockToken]
) -> None:
    plain = mock_token("PlainERC20", 1_000)
    with pytest.raises(errors.SettlementLockUnsupported):
        market.dvp.release_excess(plain.address, sender=market.seller)


def test_settled_trade_terms_round_trip_through_events(market: Market, bonds: MockToken) -> None:
    trade = market.trade(security_token=bonds.address)
    market.dvp.propose(trade, lock=True, sender=market.seller)
    assert market.dvp.trade(trade.id) == trade
    assert isinstance(market.dvp.trade(trade.id), Trade)


def test_dry_run_counts_units_encumbered_to_the_escrow_by_hand(
    market: Market, bonds: MockToken
) -> None:
    # Found by the Foundry invariant campaign: a pulled leg spends the escrow's encumbrance first,
    # so units the seller encumbered by hand cover it even with no free balance left.
    bonds.encumber(market.seller, market.dvp.address, 100)
    bonds.transfer(market.seller, market.third.address, 900)
    trade = market.trade(security_token=bonds.address)
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, sender=market.buyer)
    assert market.dvp.check_settlement(trade).ok
    market.dvp.settle(trade, sender=market.buyer)
    assert bonds.balance_of(market.buyer) == 100
    assert _held(market, bonds, market.seller) == (0, 0)
