"""DvP settlement and cash distributions against the model: random sequences through the SDK.

A hypothesis `RuleBasedStateMachine` drives the DvP escrow and the distributions contract on the
in-process EVM, over four registered wallets of three investors holding shares and stablecoin
cash, and an unregistered wallet holding cash only: trades proposed (legs pulled or locked, by a
party or the venue), affirmed on-chain (locking or not), settled, settled with signed
affirmations, cancelled, expired and settled in netted batches, while time passes and holders
move units away; record dates, distributions announced and funded, claimed, pushed and
reclaimed. Every operation must end as the model says (the exact error, or the dry run's codes),
and after every step: each wallet's balances, the escrow's locked balance per token and owner
equals the model's open locked legs and the token's encumbrance to the escrow, each supply is
the sum of the balances, no unregistered wallet holds a share, every trade's recorded state is
the model's, and no distribution paid more than it was funded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from tests.model.harness import Market
from tests.model.profiles import budget
from tests.model.settlement_model import Asset, Outcome, SettlementModel

from permledger.chain import Account
from permledger.errors import BatchRejected, ContractRevert, SettlementRejected, TransferRestricted
from permledger.settlement import Trade, TradeStatus
from permledger.types import InvestorClass

HOUR, DAY = 3600, 86_400
MAX = 2**256 - 1
SHARES = (600, 300, 200, 100)
"""Units issued to the four registered wallets; the first and last are one investor's."""
CASH = 50_000
ISSUER_CASH = 10**9
INVESTORS = [bytes([n + 1]) * 32 for n in range(3)]
OWNERS = (0, 1, 2, 0)
"""The investor of each registered wallet."""
MAX_TRADES = 10
MAX_RECORDS = 3

EVERY_OPERATION = {
    "propose",
    "propose locked",
    "affirm",
    "affirm locked",
    "settle",
    "settle_with_affirmations",
    "cancel",
    "expire",
    "settle_batch",
    "move",
    "record_date",
    "announce",
    "claim",
    "push",
    "reclaim",
}
"""The operations the machine makes; each must succeed at least once in a run of the test."""

durations = st.integers(1, HOUR) | st.integers(HOUR, 2 * DAY)
ACTORS = (
    ["propose"] * 3
    + ["affirm"] * 3
    + ["settle"] * 2
    + [
        "signed",
        "cancel",
        "expire",
        "batch",
        "time",
        "move",
        "record",
        "announce",
        "claim",
        "claim",
        "push",
        "reclaim",
    ]
)


@dataclass
class Desk:
    """The model market after setup: who holds what, and its snapshot."""

    market: Market
    wallets: list[Account]
    outsider: Account
    snapshot: int


@pytest.fixture(scope="module")
def desk(market: Market) -> Desk:
    """Four registered wallets (three investors) with shares and cash, an outsider with cash;
    everyone approved the escrow for both tokens, the issuer the distributions contract."""
    market.reset()
    ledger, chain = market.ledger, market.chain
    wallets, outsider = market.holders[:4], market.holders[4]
    expiry = market.now + 10 * 365 * DAY
    for n, wallet in enumerate(wallets):
        investor = INVESTORS[OWNERS[n]]
        if n == OWNERS[n]:
            ledger.registry.register_investor(
                investor,
                country=840,
                investor_class=InvestorClass.ACCREDITED,
                kyc_expiry=expiry,
                wallet=wallet,
            )
        else:
            ledger.registry.add_wallet(investor, wallet)
    issuer, minter = market.role("issuer"), market.role("minter")
    ledger.token.mint_batch(list(zip(wallets, SHARES, strict=True)), sender=issuer)
    for holder in [*wallets, outsider]:
        ledger.cash.mint(holder, CASH, sender=minter)
        ledger.token.approve(ledger.dvp.address, MAX, sender=holder)
        ledger.cash.approve(ledger.dvp.address, MAX, sender=holder)
    ledger.cash.mint(issuer, ISSUER_CASH, sender=minter)
    ledger.cash.approve(ledger.distributions.address, MAX, sender=issuer)
    return Desk(market, wallets, outsider, chain.snapshot())


def observe(action: Callable[..., object], *args: Any, **kwargs: Any) -> Outcome:
    """Run an SDK call: None if it succeeded, else its error in the model's terms."""
    try:
        action(*args, **kwargs)
    except SettlementRejected as e:
        return ("SettlementRejected", e.state.code, e.legs["security"].code, e.legs["cash"].code)
    except BatchRejected as e:
        short = frozenset((p.token, p.party, p.check.code) for p in e.short)
        blocked = frozenset((m.token, m.source, m.to, m.check.code) for m in e.blocked)
        return ("BatchRejected", e.state.code, e.trade_index, short, blocked)
    except TransferRestricted as e:
        return ("TransferRestricted", e.code)
    except ContractRevert as e:
        return (e.error_name, *e.arguments.values())
    return None


class SettlementMachine(RuleBasedStateMachine):
    """The escrow and distributions on the chain and in the model, stepped together."""

    def __init__(self, desk: Desk, outcomes: Counter[str]) -> None:
        super().__init__()
        market = desk.market
        market.chain.revert(desk.snapshot)
        self.desk, self.market, self.ledger = desk, market, market.ledger
        self.dvp, self.token, self.cash = market.ledger.dvp, market.token, market.ledger.cash
        self.distributions = market.ledger.distributions
        self.outcomes = outcomes
        self.wallets = [w.address for w in desk.wallets]
        self.everyone = [*desk.wallets, desk.outsider]
        self.venue = market.role("venue")
        issuer = market.role("issuer")
        owner = {str(w): INVESTORS[OWNERS[n]] for n, w in enumerate(self.wallets)}
        shares = Asset(self.token.address, dict(zip(self.wallets, SHARES, strict=True)))
        shares.registered = set(self.wallets)
        cash = Asset(self.cash.address, {a.address: CASH for a in self.everyone})
        cash.balances[issuer.address] = ISSUER_CASH
        self.model = SettlementModel(
            shares,
            cash,
            escrow=self.dvp.address,
            venue=self.venue.address,
            issuer=issuer.address,
            distributor=self.distributions.address,
            owner=owner,
        )
        self.trades: list[Trade] = []
        self.record_ids: list[int] = []
        self.distribution_ids: list[int] = []
        self.touched: set[bytes] = set()
        """Trades the current step may have changed."""

    # ------------------------------------------------------------ helpers

    @property
    def now(self) -> int:
        return self.market.now

    def agree(
        self, name: str, expected: Outcome, action: Callable[..., object], *args: Any, **kw: Any
    ) -> None:
        """The SDK call ends as the model predicted."""
        for arg in args:
            for trade in arg if isinstance(arg, list) else [arg]:
                if isinstance(trade, Trade):
                    self.touched.add(trade.id)
        actual = observe(action, *args, **kw)
        self.outcomes[f"{name}: {'ok' if expected is None else expected[0]}"] += 1
        assert actual == expected, f"{name}: chain {actual}, model {expected}"

    def account(self, address: str) -> Account:
        return next(a for a in [*self.everyone, self.venue] if a.address == address)

    def new_trade(self, data: st.DataObject) -> Trade:
        """Terms leaning towards ones that can settle: a holder with free shares sells."""
        shares = self.model.shares
        sellers = sorted(self.wallets, key=shares.available, reverse=True)
        seller = data.draw(st.sampled_from(sellers[:2] + [a.address for a in self.everyone]))
        buyers = [a.address for a in self.everyone if a.address != seller]
        buyer = data.draw(st.sampled_from(buyers))
        free = shares.available(seller)
        units = data.draw(
            st.sampled_from([max(free // 3, 1), free, 1, free + 1]) | st.integers(1, 200)
        )
        cash_free = self.model.cash.available(buyer)
        price = data.draw(
            st.sampled_from([max(cash_free // 4, 1), 1, cash_free + 1]) | st.integers(1, 9_000)
        )
        deadline = self.now + data.draw(st.integers(-1, 60) | durations)
        ref = len(self.trades).to_bytes(32, "big")
        trade = Trade.new(
            seller=seller,
            buyer=buyer,
            security_token=self.token.address,
            security_amount=max(units, 1),
            cash_token=self.cash.address,
            cash_amount=max(price, 1),
            deadline=deadline,
            ref=ref,
        )
        if len(self.trades) < MAX_TRADES:
            self.trades.append(trade)
        return trade

    def pick_trade(self, data: st.DataObject, prefer: Callable[[Trade], bool]) -> Trade | None:
        """A known trade, mostly one that `prefer`s."""
        if not self.trades:
            return None
        preferred = [t for t in self.trades if prefer(t)]
        if preferred and data.draw(st.sampled_from([True, True, True, False])):
            return data.draw(st.sampled_from(preferred))
        return data.draw(st.sampled_from(self.trades))

    def status(self, trade: Trade) -> TradeStatus:
        record = self.model.trades.get(trade.id)
        return record.status if record else TradeStatus.NONE

    def open(self, trade: Trade) -> bool:
        return self.status(trade) == TradeStatus.PROPOSED and self.now <= trade.deadline

    def matched(self, trade: Trade) -> bool:
        return self.open(trade) and self.model.state_code(trade, self.now) == 0

    # ------------------------------------------------------------ rules

    @initialize()
    def start(self) -> None:
        """Nothing to do: the desk's snapshot is the start."""

    @rule(data=st.data(), actor=st.sampled_from(ACTORS))
    def step(self, data: st.DataObject, actor: str) -> None:
        """One operation, by weight (a single rule, so that swarm testing never drops one)."""
        if actor in ("record", "announce", "claim", "push", "reclaim"):
            self.do_distribution(data, actor)
        else:
            getattr(self, f"do_{actor}")(data)

    def do_propose(self, data: st.DataObject) -> None:
        """A party proposes (locking its leg or not), or the venue, or an outsider."""
        trade = self.new_trade(data)
        proposer = data.draw(
            st.sampled_from([trade.seller, trade.buyer, trade.seller, self.venue.address])
        )
        lock = data.draw(st.booleans())
        expected = self.model.propose(trade, proposer, lock, self.now)
        name = "propose locked" if lock else "propose"
        self.agree(
            name, expected, self.dvp.propose, trade, lock=lock, sender=self.account(proposer)
        )
        if expected is None and data.draw(st.booleans()):
            self.affirm(data, trade)  # matched at once, as on most venues

    def do_affirm(self, data: st.DataObject) -> None:
        """A party affirms a trade (mostly an open one, mostly the party that has not)."""
        trade = self.pick_trade(
            data, lambda t: self.open(t) and self.model.state_code(t, self.now) != 0
        )
        if trade is not None:
            self.affirm(data, trade)

    def affirm(self, data: st.DataObject, trade: Trade) -> None:
        """A party affirms `trade`, mostly the one that has not."""
        self.touched.add(trade.id)
        record = self.model.trades.get(trade.id)
        missing = trade.buyer if record and record.seller_affirmed else trade.seller
        sender = data.draw(st.sampled_from([missing, missing, trade.seller, trade.buyer]))
        lock = data.draw(st.booleans())
        expected = self.model.affirm(trade, sender, lock, self.now)
        name = "affirm locked" if lock else "affirm"
        self.agree(name, expected, self.dvp.affirm, trade, lock=lock, sender=self.account(sender))

    def do_settle(self, data: st.DataObject) -> None:
        """Anyone settles a trade (mostly a matched one)."""
        trade = self.pick_trade(data, self.matched)
        if trade is None:
            return
        sender = data.draw(st.sampled_from([trade.buyer, trade.seller, self.venue.address]))
        expected = self.model.settle(trade, self.now)
        self.agree("settle", expected, self.dvp.settle, trade, sender=self.account(sender))

    def do_signed(self, data: st.DataObject) -> None:
        """Settle with signed affirmations: a new trade or a known one; one party signs and the
        other sends, or both sign and the venue sends, or a consent is missing."""
        trade: Trade | None
        if data.draw(st.booleans()) or not self.trades:
            trade = self.new_trade(data)
        else:
            trade = self.pick_trade(data, self.open)
            assert trade is not None
        how = data.draw(st.sampled_from(["seller signs", "buyer signs", "both sign", "venue"]))
        seller_signed = how in ("seller signs", "both sign")
        buyer_signed = how in ("buyer signs", "both sign")
        sender = {
            "seller signs": trade.buyer,
            "buyer signs": trade.seller,
            "both sign": self.venue.address,
            "venue": self.venue.address,
        }[how]
        signatures = {
            "seller_signature": self.dvp.sign_affirmation(trade, self.account(trade.seller))
            if seller_signed
            else b"",
            "buyer_signature": self.dvp.sign_affirmation(trade, self.account(trade.buyer))
            if buyer_signed
            else b"",
        }
        expected = self.model.settle_with_affirmations(
            trade, sender, seller_signed=seller_signed, buyer_signed=buyer_signed, now=self.now
        )
        self.agree(
            "settle_with_affirmations",
            expected,
            self.dvp.settle_with_affirmations,
            trade,
            **signatures,
            sender=self.account(sender),
        )

    def do_cancel(self, data: st.DataObject) -> None:
        """A party, the venue or an outsider cancels a trade (mostly an open one)."""
        trade = self.pick_trade(data, self.open)
        if trade is None:
            return
        others = [a.address for a in self.everyone if a.address not in (trade.seller, trade.buyer)]
        sender = data.draw(
            st.sampled_from([trade.seller, trade.buyer, self.venue.address, others[0]])
        )
        expected = self.model.cancel(trade, sender)
        self.agree("cancel", expected, self.dvp.cancel, trade, sender=self.account(sender))

    def do_expire(self, data: st.DataObject) -> None:
        """Anyone expires a trade (mostly a proposed one past its deadline)."""

        def lapsed(t: Trade) -> bool:
            return self.status(t) == TradeStatus.PROPOSED and self.now > t.deadline

        proposed = [t for t in self.trades if self.status(t) == TradeStatus.PROPOSED]
        if proposed and not any(map(lapsed, self.trades)) and data.draw(st.booleans()):
            # Let the deadline of a proposed trade pass first.
            deadline = data.draw(st.sampled_from(proposed)).deadline
            self.market.chain.advance_time(
                max(deadline + 1 - self.now, 0) + data.draw(st.integers(0, 1))
            )
        trade = self.pick_trade(data, lapsed)
        if trade is None:
            return
        expected = self.model.expire(trade, self.now)
        self.agree("expire", expected, self.dvp.expire, trade, sender=self.venue)

    def do_batch(self, data: st.DataObject) -> None:
        """The venue settles up to three distinct trades netted (mostly matched ones)."""
        matched = [t for t in self.trades if self.matched(t)]
        pool = (
            matched if matched and data.draw(st.sampled_from([True, True, False])) else self.trades
        )
        if not pool:
            return
        batch = data.draw(
            st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique_by=lambda t: t.id)
        )
        expected = self.model.settle_batch(batch, self.now)
        self.agree("settle_batch", expected, self.dvp.settle_batch, batch, sender=self.venue)

    def do_time(self, data: st.DataObject) -> None:
        """Time passes: deadlines and claim periods end."""
        self.market.chain.advance_time(data.draw(durations))

    def do_move(self, data: st.DataObject) -> None:
        """A holder sends free shares to another registered wallet, or free cash to anyone."""
        asset_name = data.draw(st.sampled_from(["shares", "cash"]))
        asset = self.model.shares if asset_name == "shares" else self.model.cash
        holders = [a.address for a in self.everyone if asset.available(a.address) > 0]
        if not holders:
            return
        source = data.draw(st.sampled_from(holders))
        targets = self.wallets if asset is self.model.shares else [a.address for a in self.everyone]
        to = data.draw(st.sampled_from([w for w in targets if w != source]))
        amount = data.draw(st.integers(1, asset.available(source)))
        driver = self.token if asset is self.model.shares else self.cash
        asset.move(source, to, amount)
        self.agree("move", None, driver.transfer, to, amount, sender=self.account(source))

    def do_distribution(self, data: st.DataObject, which: str) -> None:
        """A record date, an announcement, a claim, a push or a reclaim."""
        issuer = self.market.role("issuer")
        if which == "record" or not self.record_ids:
            if len(self.record_ids) >= MAX_RECORDS:
                return
            record_id = self.token.schedule_record_date(self.now, sender=issuer)
            self.model.record(record_id)
            self.record_ids.append(record_id)
            self.outcomes["record_date: ok"] += 1
            self.market.chain.advance_time(60)
            return
        if not self.record_ids:
            return
        if which == "announce" or not self.distribution_ids:
            record_id = data.draw(st.sampled_from(self.record_ids))
            amount = data.draw(st.integers(1, 10**6))
            deadline = self.now + data.draw(durations)
            distribution_id = self.distributions.announce(
                self.token.address,
                record_id=record_id,
                cash=self.cash.address,
                amount=amount,
                claim_deadline=deadline,
                sender=issuer,
            )
            self.model.announce(distribution_id, record_id, amount, deadline)
            self.distribution_ids.append(distribution_id)
            self.outcomes["announce: ok"] += 1
            return
        distribution_id = data.draw(st.sampled_from(self.distribution_ids))
        if which == "claim":
            wallet = data.draw(st.sampled_from(self.everyone))
            expected = self.model.claim(distribution_id, wallet.address, self.now)
            self.agree("claim", expected, self.distributions.claim, distribution_id, sender=wallet)
        elif which == "push":
            wallets = data.draw(st.lists(st.sampled_from(self.wallets), min_size=1, max_size=4))
            expected = self.model.push(distribution_id, wallets, self.now)
            agent = self.market.role("agent")
            self.agree(
                "push", expected, self.distributions.push, distribution_id, wallets, sender=agent
            )
        else:
            deadline = self.model.distributions[distribution_id].deadline
            if self.now <= deadline and data.draw(st.booleans()):
                self.market.chain.advance_time(deadline + 1 - self.now)  # the claim period ends
            expected = self.model.reclaim(distribution_id, self.now)
            self.agree(
                "reclaim",
                expected,
                self.distributions.reclaim,
                distribution_id,
                issuer,
                sender=issuer,
            )

    # ------------------------------------------------------------ checks

    @invariant()
    def chain_matches_model(self) -> None:
        """Balances, locks and encumbrances, supplies, trade states, distributions."""
        escrow = self.dvp.address
        holders = [a.address for a in self.everyone]
        for driver, asset in ((self.token, self.model.shares), (self.cash, self.model.cash)):
            balances = {w: driver.balance_of(w) for w in asset.balances}
            assert balances == asset.balances, f"{driver.address} balances"
            assert driver.total_supply() == sum(balances.values()) == asset.supply()
            for w in holders:
                locked = asset.locked.get(w, 0)
                assert self.dvp.locked_balance(driver.address, w) == locked, f"locked {w}"
                assert driver.encumbrances(w, escrow) == locked, f"encumbrance {w}"
        assert self.token.balance_of(self.desk.outsider) == 0, "an unregistered wallet holds shares"
        for trade in self.trades:
            if trade.id not in self.touched:
                continue
            state = self.dvp.trade_state(trade)
            record = self.model.trades.get(trade.id)
            if record is None:
                assert state.status == TradeStatus.NONE
                continue
            assert (
                state.status,
                state.seller_affirmed,
                state.buyer_affirmed,
                state.security_locked,
                state.cash_locked,
                state.deadline,
                state.proposer,
            ) == (
                record.status,
                record.seller_affirmed,
                record.buyer_affirmed,
                record.security_locked,
                record.cash_locked,
                record.deadline,
                record.proposer,
            ), f"trade {trade.id.hex()}"
        for distribution_id, expected in self.model.distributions.items():
            d = self.distributions.distribution(distribution_id)
            assert (d.funded, d.disbursed, d.held) == (expected.funded, expected.disbursed, 0)
            assert d.disbursed <= d.funded
        self.touched.clear()


def test_settlement_agrees_with_model_over_random_sequences(desk: Desk) -> None:
    outcomes: Counter[str] = Counter()
    run_state_machine_as_test(
        lambda: SettlementMachine(desk, outcomes),
        settings=settings(max_examples=budget(ci=20, deep=400), stateful_step_count=25),
    )
    print("outcomes:", dict(sorted(outcomes.items())))
    succeeded = {key.split(":")[0] for key in outcomes if key.endswith(": ok")}
    assert succeeded >= EVERY_OPERATION, f"never succeeded: {sorted(EVERY_OPERATION - succeeded)}"
