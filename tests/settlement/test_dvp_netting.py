"""Netted batches: the chain's net movements equal an independent model's, all or nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import Onboard
from tests.settlement.conftest import MAX, USD, Market, MockToken

from permledger import errors
from permledger.chain import Account, TransactionReverted
from permledger.drivers import IdentityRegistry
from permledger.drivers.base import error_decoder
from permledger.errors import BatchRejected
from permledger.settlement import SettlementCode, Trade, TradeStatus
from permledger.types import RestrictionCode, investor_id

PARTIES = ("alice", "bob", "carol", "dave", "erin")
HOLDING = 100_000


@dataclass(frozen=True)
class Deal:
    """A trade drawn by hypothesis: parties by index, which security, amounts, locks."""

    seller: int
    buyer: int
    bonds: bool
    securities: int
    cash: int
    lock_security: bool
    lock_cash: bool


@dataclass
class Netting:
    """The batch market: five registered parties holding shares, bonds and cash."""

    market: Market
    parties: list[Account]
    bonds: MockToken

    def trade(self, deal: Deal) -> Trade:
        return self.market.trade(
            seller=self.parties[deal.seller],
            buyer=self.parties[deal.buyer],
            security_token=(self.bonds if deal.bonds else self.market.shares).address,
            security_amount=deal.securities,
            cash_amount=deal.cash,
        )

    def agree(self, deal: Deal) -> Trade:
        trade = self.trade(deal)
        dvp = self.market.dvp
        dvp.propose(trade, lock=deal.lock_security and deal.bonds, sender=self.parties[deal.seller])
        dvp.affirm(trade, lock=deal.lock_cash, sender=self.parties[deal.buyer])
        return trade

    def tokens(self) -> list[MockToken | object]:
        return [self.market.shares, self.bonds, self.market.cash]

    def balances(self) -> dict[tuple[str, str], int]:
        return {
            (t.address, p.address): t.balance_of(p)  # type: ignore[attr-defined]
            for t in self.tokens()
            for p in self.parties
        }

    def locks(self) -> dict[tuple[str, str], tuple[int, int]]:
        escrow = self.market.dvp
        return {
            (t.address, p.address): (
                t.encumbrances(p, escrow.address),
                escrow.locked_balance(t.address, p),
            )
            for t in (self.bonds, self.market.cash)
            for p in self.parties
        }


@pytest.fixture
def netting(market: Market, onboard: Onboard) -> Netting:
    chain = market.chain
    parties = [chain.accounts[name] for name in PARTIES]
    for party in parties[3:]:
        onboard(party)
    bonds = MockToken.deploy(chain, "SettlementLegToken", "Bond", "BND", 0)
    for party in parties:
        market.shares.mint(party, HOLDING, sender=market.issuer)
        market.shares.approve(market.dvp.address, MAX, sender=party)
        for token in (bonds, market.cash):
            token.mint(party, HOLDING * (USD if token is market.cash else 1))
            token.approve(party, market.dvp.address)
    return Netting(market, parties, bonds)


def model_nets(trades: list[Trade]) -> dict[tuple[str, str], int]:
    """The oracle: each party's net change per token, summed trade by trade."""
    net: dict[tuple[str, str], int] = defaultdict(int)
    for t in trades:
        net[(t.security_token, t.seller)] -= t.security_amount
        net[(t.security_token, t.buyer)] += t.security_amount
        net[(t.cash_token, t.buyer)] -= t.cash_amount
        net[(t.cash_token, t.seller)] += t.cash_amount
    return net


deals = st.builds(
    Deal,
    seller=st.integers(0, 4),
    buyer=st.integers(0, 4),
    bonds=st.booleans(),
    securities=st.integers(1, 500),
    cash=st.integers(1, 10**6).map(lambda units: units * USD // 100),
    lock_security=st.booleans(),
    lock_cash=st.booleans(),
).filter(lambda d: d.seller != d.buyer)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(deals, min_size=1, max_size=8), outside=st.none() | deals)
def test_batch_moves_exactly_the_models_net_positions(
    netting: Netting, venue: Account, batch: list[Deal], outside: Deal | None
) -> None:
    market = netting.market
    with market.chain.isolate():
        # A locked trade outside the batch: netting must leave its lock whole.
        kept = netting.agree(outside) if outside else None
        locks_kept = netting.locks()
        trades = [netting.agree(deal) for deal in batch]
        before = netting.balances()

        receipt = market.dvp.settle_batch(trades, sender=venue)

        after = netting.balances()
        expected = model_nets(trades)
        for key in before:
            assert after[key] - before[key] == expected.get(key, 0), key
        # Only net positions move: no party both pays and receives a token in the batch.
        for token in netting.tokens():
            transfers = token.binding.events("Transfer", receipt)  # type: ignore[attr-defined]
            senders = {e["from"] for e in transfers}
            assert not senders & {e["to"] for e in transfers}
        for trade in trades:
            assert market.dvp.trade_state(trade).status == TradeStatus.SETTLED
        # Locks of the batch's trades are gone; the outside trade's lock is whole.
        for key, (encumbered, locked) in netting.locks().items():
            assert encumbered == locked, key
            assert locked == (locks_kept[key][1] if kept else 0), key


def test_netting_a_cycle_moves_no_securities(netting: Netting, venue: Account) -> None:
    market = netting.market
    a, b, c = (Deal(i, (i + 1) % 3, False, 50, 100 * USD, False, False) for i in range(3))
    trades = [netting.agree(d) for d in (a, b, c)]
    receipt = market.dvp.settle_batch(trades, sender=venue)
    assert market.shares.binding.events("Transfer", receipt) == []
    assert market.cash.binding.events("Transfer", receipt) == []
    settled = market.dvp.binding.events("BatchSettled", receipt)
    assert [(e["trades"], e["movements"]) for e in settled] == [(3, 0)]


def test_short_party_is_named_and_nothing_moves(netting: Netting, venue: Account) -> None:
    market = netting.market
    dave = netting.parties[3]
    market.cash.transfer(dave, netting.parties[0].address, market.cash.balance_of(dave))
    trades = [
        netting.agree(Deal(0, 3, False, 10, 500 * USD, False, False)),
        netting.agree(Deal(3, 1, False, 5, 200 * USD, False, False)),
    ]
    before = netting.balances()
    check = market.dvp.check_batch(trades)
    assert [(p.party, p.token, p.net, p.check.code) for p in check.short] == [
        (dave.address, market.cash.address, -300 * USD, SettlementCode.INSUFFICIENT_BALANCE)
    ]
    block = market.chain.block_number
    with pytest.raises(BatchRejected) as rejected:
        market.dvp.settle_batch(trades, sender=venue)
    assert [p.party for p in rejected.value.short] == [dave.address]
    assert market.chain.block_number == block
    with pytest.raises(errors.ERC20InsufficientBalance):
        market.dvp.settle_batch(trades, sender=venue, precheck=False)
    assert netting.balances() == before
    assert all(market.dvp.trade_state(t).status == TradeStatus.PROPOSED for t in trades)


def test_transfer_refused_by_the_rules_is_named(
    netting: Netting, registry: IdentityRegistry, venue: Account
) -> None:
    market = netting.market
    erin = netting.parties[4]
    trades = [netting.agree(Deal(0, 4, False, 10, 500 * USD, False, False))]
    registry.set_investor_frozen(investor_id("erin"), True)
    check = market.dvp.check_batch(trades)
    assert [(m.source, m.to, m.check.code) for m in check.blocked] == [
        (netting.parties[0].address, erin.address, RestrictionCode.RECEIVER_FROZEN)
    ]
    with pytest.raises(BatchRejected):
        market.dvp.settle_batch(trades, sender=venue)


def test_trade_that_cannot_settle_is_pointed_out(netting: Netting, venue: Account) -> None:
    market = netting.market
    matched = netting.agree(Deal(0, 1, False, 10, 500 * USD, False, False))
    proposed = netting.trade(Deal(1, 2, False, 10, 500 * USD, False, False))
    market.dvp.propose(proposed, sender=netting.parties[1])
    check = market.dvp.check_batch([matched, proposed])
    assert (check.trade.code, check.trade_index) == (SettlementCode.BUYER_NOT_AFFIRMED, 1)
    with pytest.raises(errors.SettlementNotAffirmed):
        market.dvp.settle_batch([matched, proposed], sender=venue, precheck=False)
    with pytest.raises(errors.SettlementWrongStatus):
        market.dvp.settle_batch([matched, matched], sender=venue, precheck=False)


def test_only_a_venue_settles_batches(netting: Netting, venue: Account) -> None:
    market = netting.market
    trade = netting.agree(Deal(0, 1, False, 10, 500 * USD, False, False))
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        market.dvp.settle_batch([trade], sender=netting.parties[0])
    with pytest.raises(TransactionReverted) as reverted:
        market.dvp.binding.call("settleBatch", [], sender=venue.address)
    assert error_decoder().decode(reverted.value.data).name == "SettlementBatchEmpty"  # type: ignore[union-attr]
