"""A hostile token that calls back into settlement and claim paths never gets a second bite."""

from __future__ import annotations

import pytest
from tests.settlement.conftest import DAY, MAX, USD, Market, MockToken

from permledger import errors
from permledger.chain import Account
from permledger.drivers.base import error_decoder
from permledger.settlement import RepoStatus, Trade, TradeStatus


@pytest.fixture
def evil(market: Market) -> MockToken:
    """The hostile token as cash: bob holds 1,000,000 and approved the escrow and repo."""
    token = MockToken.deploy(market.chain, "ReentrantToken")
    token.mint(market.buyer, 1_000_000 * USD)
    token.mint(market.seller, 1_000_000 * USD)
    for party in (market.seller, market.buyer):
        for spender in (market.dvp.address, market.repo.address):
            token.approve(party, spender)
    return token


def _arm(evil: MockToken, target: str, payload: bytes, *, bubble: bool) -> None:
    evil.send("arm", target, payload, bubble, sender=evil.chain.accounts["deployer"])


def _last_error(evil: MockToken) -> str:
    decoded = error_decoder().decode(bytes(evil.call("lastError")))
    return decoded.name if decoded else "none"


def _matched(market: Market, evil: MockToken, *, lock_cash: bool = False) -> Trade:
    trade = market.trade(cash_token=evil.address)
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, lock=lock_cash, sender=market.buyer)
    return trade


@pytest.mark.parametrize("reentry", ["settle", "cancel", "settleWithAffirmations"])
def test_reentering_settlement_reverts_everything(
    market: Market, evil: MockToken, reentry: str
) -> None:
    trade = _matched(market, evil)
    args: tuple[object, ...] = (trade.as_tuple(),)
    if reentry == "settleWithAffirmations":
        args += (b"", b"")
    _arm(evil, market.dvp.address, market.dvp.binding.encode(reentry, *args), bubble=True)
    before = market.holdings(market.shares, evil)
    block = market.chain.block_number
    with pytest.raises(errors.ReentrancyGuardReentrantCall):
        market.dvp.settle(trade, sender=market.buyer)  # the simulation trips it: nothing sent
    assert market.chain.block_number == block
    with pytest.raises(errors.ReentrancyGuardReentrantCall):
        market.dvp.settle(trade, sender=market.buyer, precheck=False)
    assert market.holdings(market.shares, evil) == before
    assert market.dvp.trade_state(trade).status == TradeStatus.PROPOSED


def test_swallowed_reentry_settles_exactly_once(market: Market, evil: MockToken) -> None:
    trade = _matched(market, evil)
    _arm(
        evil,
        market.dvp.address,
        market.dvp.binding.encode("settle", trade.as_tuple()),
        bubble=False,
    )
    market.dvp.settle(trade, sender=market.buyer, precheck=False)
    assert not evil.call("reentered")
    assert _last_error(evil) == "ReentrancyGuardReentrantCall"
    assert market.shares.balance_of(market.buyer) == 100
    assert evil.balance_of(market.seller) == 1_000_000 * USD + 5_000 * USD
    assert market.dvp.trade_state(trade).status == TradeStatus.SETTLED


@pytest.mark.parametrize("reentry", ["expire", "cancel", "settle"])
def test_reentering_from_release_cannot_release_twice(
    market: Market, evil: MockToken, reentry: str
) -> None:
    trade = _matched(market, evil, lock_cash=True)
    market.chain.advance_time(DAY + 1)
    _arm(
        evil, market.dvp.address, market.dvp.binding.encode(reentry, trade.as_tuple()), bubble=False
    )
    market.dvp.expire(trade, sender=market.third, precheck=False)
    assert not evil.call("reentered")
    assert _last_error(evil) == "ReentrancyGuardReentrantCall"
    assert evil.encumbrances(market.buyer, market.dvp.address) == 0
    assert market.dvp.locked_balance(evil.address, market.buyer) == 0
    assert market.dvp.trade_state(trade).status == TradeStatus.EXPIRED


def test_reentering_release_excess_is_blocked(market: Market, evil: MockToken) -> None:
    evil.encumber(market.buyer, market.dvp.address, 10)
    _arm(
        evil,
        market.dvp.address,
        market.dvp.binding.encode("releaseExcess", evil.address),
        bubble=True,
    )
    with pytest.raises(errors.ReentrancyGuardReentrantCall):
        market.dvp.release_excess(evil.address, sender=market.buyer, precheck=False)
    assert evil.encumbrances(market.buyer, market.dvp.address) == 10


def test_reentering_a_netted_batch_is_blocked(
    market: Market, evil: MockToken, venue: Account
) -> None:
    trade = _matched(market, evil)
    payload = market.dvp.binding.encode("settleBatch", [trade.as_tuple()])
    _arm(evil, market.dvp.address, payload, bubble=True)
    before = market.holdings(market.shares, evil)
    with pytest.raises(errors.ReentrancyGuardReentrantCall):
        market.dvp.settle_batch([trade], sender=venue, precheck=False)
    assert market.holdings(market.shares, evil) == before


def test_reentering_repo_close_and_claim_is_blocked(market: Market, evil: MockToken) -> None:
    terms = market.repo_terms(cash_token=evil.address)
    market.repo.propose(terms, sender=market.buyer)
    market.repo.affirm(terms, sender=market.seller)
    market.chain.set_time(terms.maturity)
    _arm(
        evil,
        market.repo.address,
        market.repo.binding.encode("close", terms.as_tuple()),
        bubble=True,
    )
    before = market.holdings(market.shares, evil)
    with pytest.raises(errors.ReentrancyGuardReentrantCall):
        market.repo.close(terms, sender=market.seller, precheck=False)
    assert market.holdings(market.shares, evil) == before
    assert market.repo.repo_state(terms).status == RepoStatus.OPEN


def test_reentering_the_lenders_claim_from_release_is_blocked(market: Market) -> None:
    evil = MockToken.deploy(market.chain, "ReentrantToken")
    evil.mint(market.seller, 1_000)
    for party in (market.seller, market.buyer):
        evil.approve(party, market.repo.address, MAX)
    terms = market.repo_terms(security_token=evil.address)
    market.repo.propose(terms, lock_return=True, sender=market.buyer)
    market.repo.affirm(terms, sender=market.seller)
    market.chain.set_time(terms.maturity + terms.grace + 1)
    payload = market.repo.binding.encode("claimSecurities", terms.as_tuple())
    _arm(evil, market.repo.address, payload, bubble=False)
    market.repo.claim_securities(terms, sender=market.buyer, precheck=False)
    assert _last_error(evil) == "ReentrancyGuardReentrantCall"
    assert evil.encumbrances(market.buyer, market.repo.address) == 0
    assert market.repo.repo_state(terms).status == RepoStatus.BORROWER_DEFAULTED
