"""DvP and repo legs left open across a stock split of the entitlement token. Legs keep the
numbers of units they were struck in while the token converts every balance and encumbrance: a
forward split leaves a surplus encumbrance the owner takes back with `releaseExcess`; a reverse
split leaves a lock short of its books, which cannot settle without the allowance and must still
release everything when the deal is cancelled, expires or defaults."""

from __future__ import annotations

import pytest
from tests.settlement.conftest import DAY, USD, Market

from permledger import errors
from permledger.chain import Account
from permledger.drivers import DvPEscrow, Repo
from permledger.settlement import RepoStatus, RepoTerms, SettlementCode, Trade, TradeStatus
from permledger.types import RestrictionCode


def _lock(market: Market, contract: DvPEscrow | Repo, owner: Account) -> tuple[int, int]:
    """(owner's shares encumbered to `contract`, `contract`'s books of owner's locked legs)."""
    return (
        market.shares.encumbrances(owner, contract.address),
        contract.locked_balance(market.shares.address, owner),
    )


def _nothing_locked(market: Market, contract: DvPEscrow | Repo, owner: Account) -> None:
    assert _lock(market, contract, owner) == (0, 0)
    assert market.shares.encumbered_balance_of(owner) == 0
    assert market.shares.transferable_balance(owner) == market.shares.balance_of(owner)


@pytest.fixture
def locked(market: Market) -> Trade:
    """alice sells 100 shares to bob and locks them; bob has not affirmed yet."""
    trade = market.trade()
    market.dvp.propose(trade, lock=True, sender=market.seller)
    return trade


# DvP, forward split


def test_forward_split_a_locked_leg_delivers_its_old_units_and_the_surplus_is_released(
    market: Market, locked: Trade
) -> None:
    market.shares.split(2, 1, sender=market.issuer)
    assert _lock(market, market.dvp, market.seller) == (200, 100)
    market.dvp.affirm(locked, sender=market.buyer)
    market.dvp.settle(locked, sender=market.buyer)
    assert market.shares.balance_of(market.buyer) == 100
    assert market.shares.balance_of(market.seller) == 1_900
    assert market.cash.balance_of(market.seller) == 5_000 * USD
    assert _lock(market, market.dvp, market.seller) == (100, 0)
    receipt = market.dvp.release_excess(market.shares.address, sender=market.seller)
    assert market.dvp.binding.events("ExcessReleased", receipt) == [
        {"owner": market.seller.address, "token": market.shares.address, "amount": 100}
    ]
    _nothing_locked(market, market.dvp, market.seller)


def test_forward_split_surplus_is_released_while_the_leg_stays_locked(
    market: Market, locked: Trade
) -> None:
    market.shares.split(2, 1, sender=market.issuer)
    market.dvp.release_excess(market.shares.address, sender=market.seller)
    assert _lock(market, market.dvp, market.seller) == (100, 100)
    assert market.shares.transferable_balance(market.seller) == 1_900
    market.dvp.cancel(locked, sender=market.seller)
    _nothing_locked(market, market.dvp, market.seller)


def test_forward_split_a_pulled_leg_delivers_its_old_units(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.seller)
    market.shares.split(2, 1, sender=market.issuer)
    market.dvp.affirm(trade, sender=market.buyer)
    market.dvp.settle(trade, sender=market.buyer)
    assert (market.shares.balance_of(market.seller), market.shares.balance_of(market.buyer)) == (
        1_900,
        100,
    )
    _nothing_locked(market, market.dvp, market.seller)


# DvP, reverse split


def test_reverse_split_a_short_lock_is_refused_by_the_dry_run_and_the_contract(
    market: Market, locked: Trade
) -> None:
    """The leg's number is not converted: 100 units after a 1:2 split are 200 of the deal's. The
    seller's allowance would cover the shortfall, so the contract refuses too, and nothing moves."""
    market.shares.split(1, 2, sender=market.issuer)
    assert _lock(market, market.dvp, market.seller) == (50, 100)
    market.dvp.affirm(locked, sender=market.buyer)
    assert market.shares.allowance(market.seller, market.dvp.address) >= 50
    before = market.holdings()
    assert market.dvp.check_settlement(locked).security.code == (
        SettlementCode.ENCUMBRANCE_INSUFFICIENT
    )
    with pytest.raises(errors.SettlementRejected) as rejected:
        market.dvp.settle(locked, sender=market.buyer)
    assert rejected.value.legs["security"].code == SettlementCode.ENCUMBRANCE_INSUFFICIENT
    with pytest.raises(errors.SettlementLockShort) as short:
        market.dvp.settle(locked, sender=market.buyer, precheck=False)
    assert short.value.arguments == {
        "token": market.shares.address,
        "owner": market.seller.address,
        "encumbered": 50,
        "locked": 100,
    }
    assert market.holdings() == before
    assert _lock(market, market.dvp, market.seller) == (50, 100)
    assert market.dvp.trade_state(locked).status == TradeStatus.PROPOSED


@pytest.mark.parametrize("end", ["cancel", "expire"])
def test_reverse_split_a_lock_ended_without_settling_is_released_in_full(
    market: Market, locked: Trade, end: str
) -> None:
    market.shares.split(1, 2, sender=market.issuer)
    if end == "cancel":
        receipt = market.dvp.cancel(locked, sender=market.seller)
        status = TradeStatus.CANCELLED
    else:
        market.chain.advance_time(DAY + 1)
        receipt = market.dvp.expire(locked, sender=market.third)
        status = TradeStatus.EXPIRED
    assert market.dvp.trade_state(locked).status == status
    released = market.dvp.binding.events("LegReleased", receipt)
    assert [(e["owner"], e["amount"]) for e in released] == [(market.seller.address, 100)]
    _nothing_locked(market, market.dvp, market.seller)
    assert market.shares.balance_of(market.seller) == 500


def test_reverse_split_closing_one_of_two_locks_keeps_the_other_covered(market: Market) -> None:
    first, second = market.trade(), market.trade(security_amount=60)
    for trade in (first, second):
        market.dvp.propose(trade, lock=True, sender=market.seller)
    market.shares.split(1, 2, sender=market.issuer)
    assert _lock(market, market.dvp, market.seller) == (80, 160)
    market.dvp.cancel(first, sender=market.seller)
    # Nothing beyond the open leg's 60 was encumbered: the whole 80 stays behind it.
    assert _lock(market, market.dvp, market.seller) == (60, 60)
    market.dvp.cancel(second, sender=market.buyer)
    _nothing_locked(market, market.dvp, market.seller)


def test_reverse_split_a_new_lock_also_covers_the_older_short_one_from_the_allowance(
    market: Market, locked: Trade
) -> None:
    market.shares.split(1, 2, sender=market.issuer)
    newer = market.trade(security_amount=60)
    market.dvp.propose(newer, lock=True, sender=market.seller)
    # 50 encumbered before, 110 taken now: the books (160) are covered again.
    assert _lock(market, market.dvp, market.seller) == (160, 160)
    assert market.shares.transferable_balance(market.seller) == 340
    market.dvp.cancel(locked, sender=market.seller)
    assert _lock(market, market.dvp, market.seller) == (60, 60)
    market.dvp.cancel(newer, sender=market.seller)
    _nothing_locked(market, market.dvp, market.seller)


def test_reverse_split_a_batch_with_a_short_lock_moves_nothing_and_the_lock_still_ends(
    market: Market, locked: Trade, venue: Account
) -> None:
    market.dvp.affirm(locked, sender=market.buyer)
    market.shares.split(1, 2, sender=market.issuer)
    check = market.dvp.check_batch([locked])
    short = {(p.party, p.check.code) for p in check.short}
    assert short == {(market.seller.address, SettlementCode.ENCUMBRANCE_INSUFFICIENT)}
    before = market.holdings()
    with pytest.raises(errors.BatchRejected):
        market.dvp.settle_batch([locked], sender=venue)
    assert market.holdings() == before
    market.chain.advance_time(DAY + 1)
    market.dvp.expire(locked, sender=market.buyer)
    _nothing_locked(market, market.dvp, market.seller)


# Repo


@pytest.fixture
def repo_market(market: Market) -> Market:
    """The market, with alice holding the 10 USD of repo interest she owes on top."""
    market.cash.mint(market.seller, 10 * USD)
    return market


@pytest.mark.parametrize("end", ["cancel", "expire"])
def test_reverse_split_a_locked_opening_leg_is_released_in_full(
    repo_market: Market, end: str
) -> None:
    m = repo_market
    terms = m.repo_terms()
    m.repo.propose(terms, lock_leg=True, sender=m.seller)
    m.shares.split(1, 2, sender=m.issuer)
    assert _lock(m, m.repo, m.seller) == (50, 100)
    if end == "cancel":
        m.repo.cancel(terms, sender=m.buyer)
    else:
        m.chain.set_time(terms.open_by + 1)
        m.repo.expire(terms, sender=m.third)
    _nothing_locked(m, m.repo, m.seller)
    assert m.shares.balance_of(m.seller) == 500


def _open_with_return_lock(m: Market) -> RepoTerms:
    """bob lends against alice's 100 shares and locks them for their return."""
    terms = m.repo_terms()
    m.repo.propose(terms, lock_return=True, sender=m.buyer)
    m.repo.affirm(terms, sender=m.seller)
    assert _lock(m, m.repo, m.buyer) == (100, 100)
    return terms


def test_reverse_split_a_lender_short_of_the_return_defaults_and_its_lock_is_released(
    repo_market: Market,
) -> None:
    m = repo_market
    terms = _open_with_return_lock(m)
    m.shares.split(1, 2, sender=m.issuer)
    assert _lock(m, m.repo, m.buyer) == (50, 100)
    m.chain.set_time(terms.maturity)
    check = m.repo.check_closing(terms)
    assert check.security.code == RestrictionCode.INSUFFICIENT_BALANCE
    with pytest.raises(errors.SettlementRejected):
        m.repo.close(terms, sender=m.seller)
    cash_before = m.cash.balance_of(m.seller)
    m.repo.declare_lender_default(terms, sender=m.seller)
    assert m.repo.repo_state(terms).status == RepoStatus.LENDER_DEFAULTED
    assert m.cash.balance_of(m.seller) == cash_before
    _nothing_locked(m, m.repo, m.buyer)
    assert m.shares.balance_of(m.buyer) == 50


def test_reverse_split_the_lender_claiming_after_a_borrower_default_gets_its_lock_released(
    repo_market: Market,
) -> None:
    m = repo_market
    terms = _open_with_return_lock(m)
    m.shares.split(1, 2, sender=m.issuer)
    m.chain.set_time(terms.maturity + terms.grace + 1)
    m.repo.claim_securities(terms, sender=m.buyer)
    assert m.repo.repo_state(terms).status == RepoStatus.BORROWER_DEFAULTED
    _nothing_locked(m, m.repo, m.buyer)
    m.shares.using(m.buyer).transfer(m.third, 50)  # the lender's to keep


def test_forward_split_the_return_leg_delivers_its_old_units_and_the_surplus_is_released(
    repo_market: Market,
) -> None:
    m = repo_market
    terms = _open_with_return_lock(m)
    m.shares.split(2, 1, sender=m.issuer)
    assert _lock(m, m.repo, m.buyer) == (200, 100)
    m.chain.set_time(terms.maturity)
    m.repo.close(terms, sender=m.seller)
    assert (m.shares.balance_of(m.seller), m.shares.balance_of(m.buyer)) == (1_900, 100)
    assert _lock(m, m.repo, m.buyer) == (100, 0)
    m.repo.release_excess(m.shares.address, sender=m.buyer)
    _nothing_locked(m, m.repo, m.buyer)
