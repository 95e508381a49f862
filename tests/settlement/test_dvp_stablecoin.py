"""DvP and repo against the real stablecoin (ERC-7246, ERC-1404): no contract change needed."""

from __future__ import annotations

import pytest
from tests.settlement.conftest import DAY, MAX, USD, Market

from permledger import errors
from permledger.chain import Account
from permledger.drivers import DvPEscrow, Stablecoin
from permledger.errors import SettlementRejected
from permledger.ledger import Ledger
from permledger.settlement import SettlementCode, Trade, TradeStatus
from permledger.types import RestrictionCode


@pytest.fixture
def coin(market: Market, ledger: Ledger, minter: Account) -> Stablecoin:
    """The stablecoin: bob holds 1,000,000 USD and approved the escrow and repo contract."""
    cash = ledger.cash
    cash.mint(market.buyer, 1_000_000 * USD, sender=minter)
    for owner in (market.seller, market.buyer):
        for spender in (market.dvp, market.repo):
            cash.approve(spender.address, MAX, sender=owner)
    return cash


def _trade(market: Market, coin: Stablecoin) -> Trade:
    return market.trade(cash_token=coin.address)


def _matched(market: Market, coin: Stablecoin, *, lock_cash: bool = False) -> Trade:
    trade = _trade(market, coin)
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, lock=lock_cash, sender=market.buyer)
    return trade


def _balances(market: Market, coin: Stablecoin) -> tuple[int, ...]:
    parties = (market.seller, market.buyer)
    return tuple(t.balance_of(p) for t in (market.shares, coin) for p in parties)


def test_pulled_cash_settles(market: Market, coin: Stablecoin) -> None:
    trade = _matched(market, coin)
    market.dvp.settle(trade, sender=market.buyer)
    assert coin.balance_of(market.seller) == 5_000 * USD
    assert market.shares.balance_of(market.buyer) == 100


def test_locked_cash_stays_in_the_wallet_until_settlement(market: Market, coin: Stablecoin) -> None:
    trade = _matched(market, coin, lock_cash=True)
    assert coin.encumbrances(market.buyer, market.dvp.address) == 5_000 * USD
    assert coin.balance_of(market.buyer) == 1_000_000 * USD
    assert coin.available_balance_of(market.buyer) == 995_000 * USD
    assert market.dvp.check_settlement(trade).ok  # the token's own view says "encumbered"
    coin.approve(market.dvp.address, 0, sender=market.buyer)
    market.dvp.settle(trade, sender=market.third)
    assert coin.balance_of(market.seller) == 5_000 * USD
    assert coin.encumbrances(market.buyer, market.dvp.address) == 0


def test_signed_affirmation_with_stablecoin_cash(market: Market, coin: Stablecoin) -> None:
    trade = _trade(market, coin)
    signature = market.dvp.sign_affirmation(trade, market.seller)
    market.dvp.settle_with_affirmations(trade, seller_signature=signature, sender=market.buyer)
    assert coin.balance_of(market.seller) == 5_000 * USD


@pytest.mark.parametrize(
    ("incident", "code", "error"),
    [
        ("paused", RestrictionCode.TOKEN_PAUSED, errors.CashPaused),
        ("buyer blacklisted", RestrictionCode.SENDER_BLACKLISTED, errors.CashAccountBlacklisted),
        ("seller blacklisted", RestrictionCode.RECEIVER_BLACKLISTED, errors.CashAccountBlacklisted),
    ],
)
def test_stablecoin_incident_is_named_by_the_dry_run_and_moves_nothing(
    market: Market,
    coin: Stablecoin,
    pauser: Account,
    blacklister: Account,
    incident: str,
    code: int,
    error: type[errors.ContractRevert],
) -> None:
    trade = _matched(market, coin)
    if incident == "paused":
        coin.pause(sender=pauser)
    else:
        party = market.buyer if incident == "buyer blacklisted" else market.seller
        coin.blacklist(party, sender=blacklister)
    before = _balances(market, coin)
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle(trade, sender=market.buyer)
    assert rejected.value.cash == market.dvp.check_settlement(trade).cash
    assert rejected.value.cash.code == code  # type: ignore[union-attr]
    assert rejected.value.security.ok  # type: ignore[union-attr]
    with pytest.raises(error):
        market.dvp.settle(trade, sender=market.buyer, precheck=False)
    assert _balances(market, coin) == before
    assert market.dvp.trade_state(trade).status == TradeStatus.PROPOSED


def test_locked_cash_comes_back_while_paused_and_blacklisted(
    market: Market, coin: Stablecoin, pauser: Account, blacklister: Account
) -> None:
    trade = _matched(market, coin, lock_cash=True)
    coin.pause(sender=pauser)
    coin.blacklist(market.buyer, sender=blacklister)
    market.chain.advance_time(DAY + 1)
    market.dvp.expire(trade, sender=market.third)
    assert coin.encumbrances(market.buyer, market.dvp.address) == 0
    assert market.dvp.locked_balance(coin.address, market.buyer) == 0


def test_cash_encumbered_to_another_taker_is_short(market: Market, coin: Stablecoin) -> None:
    trade = _matched(market, coin)
    coin.encumber(market.third, 999_999 * USD, sender=market.buyer)
    check = market.dvp.check_settlement(trade)
    assert check.cash.code == SettlementCode.AVAILABLE_BALANCE_INSUFFICIENT
    with pytest.raises(errors.CashInsufficientAvailableBalance):
        market.dvp.settle(trade, sender=market.buyer, precheck=False)


def test_repo_round_trip_with_stablecoin_cash(
    market: Market, coin: Stablecoin, minter: Account
) -> None:
    coin.mint(market.seller, 10 * USD, sender=minter)
    terms = market.repo_terms(cash_token=coin.address)
    market.repo.propose(terms, sender=market.buyer, lock_leg=True)
    assert coin.encumbrances(market.buyer, market.repo.address) == 9_800 * USD
    market.repo.affirm(terms, sender=market.seller)
    assert coin.balance_of(market.seller) == 9_810 * USD
    market.chain.set_time(terms.maturity)
    market.repo.close(terms, sender=market.seller)
    assert coin.balance_of(market.seller) == 0
    assert market.shares.balance_of(market.seller) == 1_000


def test_escrow_driver_binds_from_the_ledger(ledger: Ledger) -> None:
    assert isinstance(ledger.dvp, DvPEscrow)
    assert ledger.dvp.address == ledger.settlement["DvPEscrow"]
