"""DvP settlement, distributions and the collateral vault against the models: random sequences
through the SDK.

A hypothesis `RuleBasedStateMachine` drives the DvP escrow, the distributions contract, the
collateral vault and its price feed on the in-process EVM of a desk of its own (`tests.model.
desk`): trades proposed (legs pulled or locked, by a party or the venue), affirmed on-chain
(locking or not), settled, settled with signed affirmations, cancelled, expired and settled in
netted batches; record dates, distributions announced, claimed, pushed and reclaimed; collateral
deposited, topped up and withdrawn, prices posted and let go stale, requirements set, margin
called, cured and liquidated after the cure deadline; holders moving units; time passing.

Most steps are built to succeed (matched, funded, affirmed trades; batches that net out; calls
on accounts that are short at fresh prices), the rest are drawn at random so that rejections
are met too. Every operation must end as the models say (success, or the exact error with its
arguments or the dry run's codes), and after every step, in one batch of views: every balance
and supply; for each holder its locked legs per token (the escrow's record and the token's
encumbrance to the escrow), its pledges (the vault's positions, and the encumbrance to the vault
of an asset pledged in place); the vault holds exactly the custody pledges; each margin account's
value, requirement, call deadline and freshness; every trade the step touched; every
distribution's funding and payments (never more paid than funded); no unregistered wallet holds
a share.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
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
from tests.model.desk import (
    BONDS,
    CASH,
    DAY,
    HAIRCUTS,
    HOUR,
    INVESTORS,
    ISSUER_CASH,
    MAX_AGES,
    OWNERS,
    PRICE,
    SHARES,
    Desk,
    build_desk,
    observe,
)
from tests.model.profiles import budget
from tests.model.settlement_model import NOBODY, Asset, Outcome, SettlementModel
from tests.model.vault_model import BPS, Listing, VaultModel

from permledger.binding import PreparedCall, calls
from permledger.chain import Account
from permledger.settlement import Trade, TradeStatus

MAX_RECORDS = 3
STEPS = 30
"""Steps per example; the examples per run are the profile's budget."""

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
    "set_price",
    "set_requirement",
    "deposit",
    "top_up",
    "withdraw",
    "margin_call",
    "cure",
    "liquidate",
}
"""Each must succeed in a run of the test, `MIN_SUCCESSES` times."""
MIN_SUCCESSES = 1
"""Far below what a run reaches (4 to 100 and more each, see the printed summary): the examples
drawn depend on the modules loaded before (hypothesis draws constants it finds in them), and the
gate must hold for any of them."""
EVERY_REJECTION = {
    "withdraw: VaultPriceStale",
    "liquidate: VaultPriceStale",
    "liquidate: VaultCureWindowOpen",
    "settle: SettlementRejected",
    "settle_batch: BatchRejected",
}
"""Rejections the machine provokes on purpose; each must be met in a run."""

durations = st.integers(1, HOUR) | st.integers(HOUR, 2 * DAY)
ACTORS = (
    *("liquidate", "settle", "push", "claim", "signed", "batch", "cure", "withdraw", "move"),
    *("expire", "cancel", "reclaim", "propose", "affirm", "time", "record", "announce"),
    *("settle", "push", "claim", "signed", "batch", "cure", "withdraw", "move", "deposit"),
    *("price", "stale", "requirement", "call", "audit", "top_up", "expire", "cancel", "stale"),
    *("reclaim", "settle", "push", "claim", "signed", "batch", "cure", "move", "deposit"),
    *("expire", "cancel", "reclaim", "deposit", "liquidate", "withdraw"),
)
"""Each step's operation; hypothesis draws the ends of a list more often than the middle."""
PURPOSE = st.sampled_from([True, True, False, True, True])
"""Whether a step is built to succeed (most) or drawn at random (the middle of the list)."""


@pytest.fixture(scope="module")
def desk() -> Desk:
    """A desk on a chain of its own: nothing run before this module can change it."""
    return build_desk()


class SettlementMachine(RuleBasedStateMachine):
    """The escrow, the distributions and the vault, on the chain and in the models."""

    def __init__(self, desk: Desk, outcomes: Counter[str]) -> None:
        super().__init__()
        desk.chain.revert(desk.snapshot)
        self.desk, self.chain, ledger = desk, desk.chain, desk.ledger
        self.dvp, self.token, self.cash = ledger.dvp, ledger.token, ledger.cash
        self.distributions, self.vault, self.feed = (
            ledger.distributions,
            ledger.vault,
            ledger.price_feed,
        )
        self.outcomes = outcomes
        self.wallets = [w.address for w in desk.wallets]
        self.everyone = [*desk.wallets, desk.outsider]
        self.holders = [a.address for a in self.everyone]
        self.venue, self.issuer = desk.role("venue"), desk.role("issuer")
        owner: dict[str, bytes] = {w: INVESTORS[OWNERS[n]] for n, w in enumerate(self.wallets)}
        shares = Asset(self.token.address, dict(zip(self.wallets, SHARES, strict=True)))
        shares.registered = set(self.wallets)
        cash = Asset(self.cash.address, dict.fromkeys(self.holders, CASH))
        cash.balances[self.issuer.address] = ISSUER_CASH
        bond = Asset(desk.bond.address, dict.fromkeys(self.holders, BONDS))
        bond.balances[self.issuer.address] = BONDS * 10 - BONDS * len(self.holders)
        self.model = SettlementModel(
            shares,
            cash,
            escrow=self.dvp.address,
            venue=self.venue.address,
            issuer=self.issuer.address,
            distributor=self.distributions.address,
            owner=owner,
        )
        self.bond = bond
        self.vault_model = VaultModel(self.vault.address, int(self.vault.cure_window()), self.model)
        for name, asset, in_place in (
            ("shares", shares, True),
            ("cash", cash, True),
            ("bond", bond, False),
        ):
            self.vault_model.list_asset(Listing(asset, HAIRCUTS[name], MAX_AGES[name], in_place))
            # The desk's opening prices, posted when it was set up.
            self.vault_model.prices[asset.address] = self.feed.price(asset.address)
        self.trades: list[Trade] = []
        self.record_ids: list[int] = []
        self.distribution_ids: list[int] = []
        self.touched: set[bytes] = set()
        """Trades the current step may have changed."""
        self.bindings = {d.address: d.binding for d in (self.token, self.cash, desk.bond)}
        self.checked: dict[View, object] = {}
        """The views compared so far, with the answers they gave."""
        self.audited = False
        """Whether the last step's checks passed (the end of a failed run checks nothing)."""

    # ------------------------------------------------------------ helpers

    @property
    def now(self) -> int:
        return self.chain.next_timestamp

    def agree(
        self, name: str, expected: Outcome, action: Callable[..., object], *args: Any, **kw: Any
    ) -> bool:
        """The SDK call ends as the model predicted; whether it succeeded."""
        for arg in args:
            for trade in arg if isinstance(arg, list) else [arg]:
                if isinstance(trade, Trade):
                    self.touched.add(trade.id)
        block = self.chain.block_number
        actual = observe(action, *args, **kw)
        self.outcomes[f"{name}: {'ok' if expected is None else expected[0]}"] += 1
        assert actual == expected, f"{name}: chain {actual}, model {expected}"
        sent = self.chain.block_number - block
        assert sent == (expected is None), f"{name}: {sent} transactions for outcome {expected}"
        return expected is None

    def account(self, address: str) -> Account:
        return next(a for a in [*self.everyone, self.venue] if a.address == address)

    def status(self, trade: Trade) -> TradeStatus:
        record = self.model.trades.get(trade.id)
        return record.status if record else TradeStatus.NONE

    def open(self, trade: Trade) -> bool:
        return self.status(trade) == TradeStatus.PROPOSED and self.now <= trade.deadline

    def matched(self, trade: Trade) -> bool:
        return self.open(trade) and self.model.state_code(trade, self.now) == 0

    def settleable(self, trade: Trade) -> bool:
        """Matched, and both legs can move now."""
        return self.matched(trade) and self.model.leg_codes(trade) == (0, 0)

    def trade(self, seller: str, buyer: str, units: int, price: int, deadline: int) -> Trade:
        trade = Trade.new(
            seller=seller,
            buyer=buyer,
            security_token=self.token.address,
            security_amount=units,
            cash_token=self.cash.address,
            cash_amount=price,
            deadline=deadline,
            ref=len(self.trades).to_bytes(32, "big"),
        )
        self.trades.append(trade)
        return trade

    def random_trade(self, data: st.DataObject) -> Trade:
        """Terms of any kind: unregistered parties, more than is free, deadlines passed."""
        seller = data.draw(st.sampled_from(self.holders))
        buyer = data.draw(st.sampled_from([h for h in self.holders if h != seller]))
        free = self.model.shares.available(seller)
        units = data.draw(st.sampled_from([max(free, 1), free + 1]) | st.integers(1, 200))
        cash_free = self.model.cash.available(buyer)
        price = data.draw(
            st.sampled_from([max(cash_free, 1), cash_free + 1]) | st.integers(1, 9_000)
        )
        deadline = self.now + data.draw(st.integers(-1, 60) | durations)
        return self.trade(seller, buyer, units, price, deadline)

    def funded_trade(self, data: st.DataObject, *, deadline: int | None = None) -> Trade | None:
        """Terms that can settle: registered wallets, at most a quarter of the seller's free
        shares and of the buyer's free cash, a deadline a day or more away."""
        sellers = [w for w in self.wallets if self.model.shares.available(w) >= 4]
        if not sellers:
            return None
        seller = data.draw(st.sampled_from(sellers))
        buyers = [w for w in self.wallets if w != seller and self.model.cash.available(w) >= 4]
        if not buyers:
            return None
        buyer = data.draw(st.sampled_from(buyers))
        units = data.draw(st.integers(1, self.model.shares.available(seller) // 4))
        price = data.draw(st.integers(1, self.model.cash.available(buyer) // 4))
        if deadline is None:
            deadline = self.now + data.draw(st.integers(DAY, 3 * DAY))
        return self.trade(seller, buyer, units, price, deadline)

    def propose(self, data: st.DataObject, trade: Trade, proposer: str, lock: bool) -> bool:
        expected = self.model.propose(trade, proposer, lock, self.now)
        name = "propose locked" if lock else "propose"
        return self.agree(
            name, expected, self.dvp.propose, trade, lock=lock, sender=self.account(proposer)
        )

    def affirm(self, data: st.DataObject, trade: Trade, sender: str) -> bool:
        lock = data.draw(st.booleans())
        expected = self.model.affirm(trade, sender, lock, self.now)
        name = "affirm locked" if lock else "affirm"
        return self.agree(
            name, expected, self.dvp.affirm, trade, lock=lock, sender=self.account(sender)
        )

    def missing(self, trade: Trade) -> list[str]:
        """The parties that have not affirmed a proposed trade."""
        record = self.model.trades[trade.id]
        return [
            party
            for party, done in (
                (trade.seller, record.seller_affirmed),
                (trade.buyer, record.buyer_affirmed),
            )
            if not done
        ]

    def proposed(self, data: st.DataObject, *, deadline: int | None = None) -> Trade | None:
        """A funded trade proposed by a party (locking or not) or by the venue."""
        trade = self.funded_trade(data, deadline=deadline)
        if trade is None:
            return None
        proposer = data.draw(st.sampled_from([trade.seller, trade.buyer, self.venue.address]))
        lock = proposer != self.venue.address and data.draw(st.booleans())
        return trade if self.propose(data, trade, proposer, lock) else None

    def matched_trade(self, data: st.DataObject) -> Trade | None:
        """A funded trade proposed and affirmed by both parties, as on most venues."""
        trade = self.proposed(data)
        if trade is None:
            return None
        for party in self.missing(trade):
            self.affirm(data, trade, party)
        return trade if self.settleable(trade) else None

    # ------------------------------------------------------------ rules

    @initialize()
    def start(self) -> None:
        """The desk's snapshot is the start: every view compared once per desk."""
        if self.desk.start_views is None:
            self.compare(self.expected_views())
            self.desk.start_views = dict(self.checked)
        self.checked = dict(self.desk.start_views)

    @rule(data=st.data(), actor=st.sampled_from(ACTORS))
    def step(self, data: st.DataObject, actor: str) -> None:
        """One operation, by weight (a single rule, so that swarm testing never drops one)."""
        self.audited = False
        getattr(self, f"do_{actor}")(data)

    def do_propose(self, data: st.DataObject) -> None:
        """A funded trade proposed and often affirmed at once; or any terms, by anyone
        (a party, the venue, an outsider), or a trade proposed again."""
        if data.draw(PURPOSE):
            trade = self.proposed(data)
            if trade is not None and data.draw(st.booleans()):
                for party in self.missing(trade):
                    self.affirm(data, trade, party)
            return
        if self.trades and data.draw(st.integers(0, 4)) == 0:
            trade = data.draw(st.sampled_from(self.trades))
        else:
            trade = self.random_trade(data)
        proposer = data.draw(
            st.sampled_from([trade.seller, trade.buyer, self.venue.address, self.holders[-1]])
        )
        self.propose(data, trade, proposer, data.draw(st.booleans()))

    def do_affirm(self, data: st.DataObject) -> None:
        """The party that has not affirmed an open trade does; or anyone affirms any trade."""
        if data.draw(PURPOSE):
            waiting = [t for t in self.trades if self.open(t) and self.missing(t)]
            trade = data.draw(st.sampled_from(waiting)) if waiting else self.proposed(data)
            if trade is not None and self.missing(trade):
                self.affirm(data, trade, data.draw(st.sampled_from(self.missing(trade))))
            return
        if self.trades:
            trade = data.draw(st.sampled_from(self.trades))
            sender = data.draw(st.sampled_from([trade.seller, trade.buyer, self.holders[-1]]))
            self.affirm(data, trade, sender)

    def do_settle(self, data: st.DataObject) -> None:
        """Anyone settles a matched, funded trade; if none is waiting, one is proposed, settled
        too early (refused: an affirmation is missing), affirmed and settled. Or anyone settles
        a known trade that cannot settle, if there is one."""
        trade: Trade | None
        if data.draw(PURPOSE):
            ready = [t for t in self.trades if self.settleable(t)]
            if ready:
                trade = data.draw(st.sampled_from(ready))
            else:
                trade = self.proposed(data)
                if trade is None:
                    return
                self.settle(data, trade)
                for party in self.missing(trade):
                    self.affirm(data, trade, party)
        else:
            stuck = [t for t in self.trades if not self.settleable(t)]
            trade = data.draw(st.sampled_from(stuck or self.trades)) if self.trades else None
        if trade is not None:
            self.settle(data, trade)

    def settle(self, data: st.DataObject, trade: Trade) -> None:
        sender = data.draw(st.sampled_from([trade.buyer, trade.seller, self.venue.address]))
        expected = self.model.settle(trade, self.now)
        self.agree("settle", expected, self.dvp.settle, trade, sender=self.account(sender))

    def do_signed(self, data: st.DataObject) -> None:
        """Settle with signed affirmations: one party signs and the other sends, or both sign
        and the venue sends; on purpose a new funded trade, else any trade, or the venue with a
        consent missing."""
        trade: Trade | None
        hows = ["seller signs", "buyer signs", "both sign"]
        if data.draw(PURPOSE):
            trade = self.funded_trade(data)
        else:
            hows.append("venue")
            trade = data.draw(st.sampled_from(self.trades)) if self.trades else None
        if trade is None:
            return
        how = data.draw(st.sampled_from(hows))
        seller_signed = how in ("seller signs", "both sign")
        buyer_signed = how in ("buyer signs", "both sign")
        sender = {"seller signs": trade.buyer, "buyer signs": trade.seller}.get(
            how, self.venue.address
        )
        signatures = {
            "seller_signature": self.dvp.sign_affirmation(trade, self.account(trade.seller))
            if seller_signed
            else b"",
            "buyer_signature": self.dvp.sign_affirmation(trade, self.account(trade.buyer))
            if buyer_signed
            else b"",
        }
        expected = self.model.settle_with_affirmations(
            trade,
            sender,
            seller_signed=seller_signed,
            buyer_signed=buyer_signed,
            now=self.now,
        )
        self.agree(
            "settle_with_affirmations",
            expected,
            self.dvp.settle_with_affirmations,
            trade,
            **signatures,
            sender=self.account(sender),
        )

    def do_batch(self, data: st.DataObject) -> None:
        """The venue settles distinct trades netted: on purpose two or three matched, funded
        ones that net out (made now if too few are waiting), first submitted with a trade that
        cannot settle (refused, nothing moves) if there is one; else any up to three."""
        if data.draw(PURPOSE):
            ready = [t for t in self.trades if self.settleable(t)]
            batch = (
                data.draw(st.lists(st.sampled_from(ready), max_size=2, unique_by=_id))
                if ready
                else []
            )
            size = data.draw(st.integers(2, 3))
            while len(batch) < size:
                trade = self.matched_trade(data)
                if trade is None:
                    break
                batch.append(trade)
            while batch and copy.deepcopy(self.model).settle_batch(batch, self.now) is not None:
                batch.pop(0)
            done = [t for t in self.trades if not self.open(t) and t not in batch]
            if batch and done:
                self.settle_batch([*batch, data.draw(st.sampled_from(done))])
        else:
            pool = self.trades
            batch = (
                data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique_by=_id))
                if pool
                else []
            )
        if batch:
            self.settle_batch(batch)

    def settle_batch(self, batch: list[Trade]) -> None:
        expected = self.model.settle_batch(batch, self.now)
        self.agree("settle_batch", expected, self.dvp.settle_batch, batch, sender=self.venue)

    def do_cancel(self, data: st.DataObject) -> None:
        """A party cancels an open trade; or a party, the venue or an outsider any trade."""
        if data.draw(PURPOSE):
            waiting = [t for t in self.trades if self.open(t)]
            trade = data.draw(st.sampled_from(waiting)) if waiting else self.proposed(data)
            if trade is None:
                return
            sender = data.draw(st.sampled_from([trade.seller, trade.buyer]))
        else:
            if not self.trades:
                return
            trade = data.draw(st.sampled_from(self.trades))
            others = [h for h in self.holders if h not in (trade.seller, trade.buyer)]
            sender = data.draw(st.sampled_from([self.venue.address, others[0], trade.seller]))
        expected = self.model.cancel(trade, sender)
        self.agree("cancel", expected, self.dvp.cancel, trade, sender=self.account(sender))

    def do_expire(self, data: st.DataObject) -> None:
        """Anyone expires a proposed trade once its deadline passed (time passing first, a trade
        with a near deadline proposed first if none is open); or any trade."""
        trade: Trade | None
        if data.draw(PURPOSE):
            lapsed = [
                t
                for t in self.trades
                if self.status(t) == TradeStatus.PROPOSED and self.now > t.deadline
            ]
            if lapsed:
                trade = data.draw(st.sampled_from(lapsed))
            else:
                waiting = [t for t in self.trades if self.open(t)]
                trade = (
                    data.draw(st.sampled_from(waiting))
                    if waiting
                    else self.proposed(data, deadline=self.now + 60)
                )
                if trade is None:
                    return
                self.chain.advance_time(
                    trade.deadline + 1 - self.now + data.draw(st.integers(0, 9))
                )
        else:
            trade = data.draw(st.sampled_from(self.trades)) if self.trades else None
            if trade is None:
                return
        expected = self.model.expire(trade, self.now)
        self.agree("expire", expected, self.dvp.expire, trade, sender=self.venue)

    def do_time(self, data: st.DataObject) -> None:
        """Time passes: deadlines, claim periods, cure windows end; prices age."""
        self.chain.advance_time(data.draw(durations))

    def do_move(self, data: st.DataObject) -> None:
        """A holder sends free shares to another registered wallet, or free cash to anyone."""
        asset_name = data.draw(st.sampled_from(["shares", "cash"]))
        asset = self.model.shares if asset_name == "shares" else self.model.cash
        holders = [h for h in self.holders if asset.available(h) > 0]
        if not holders:
            return
        source = data.draw(st.sampled_from(holders))
        targets = self.wallets if asset is self.model.shares else self.holders
        to = data.draw(st.sampled_from([w for w in targets if w != source]))
        amount = data.draw(st.integers(1, asset.available(source)))
        driver = self.token if asset is self.model.shares else self.cash
        asset.move(source, to, amount)
        self.agree("move", None, driver.transfer, to, amount, sender=self.account(source))

    # ------------------------------------------------------------ distributions

    def do_record(self, data: st.DataObject) -> None:
        """The issuer schedules a record date now (a few per example)."""
        if len(self.record_ids) >= MAX_RECORDS:
            return
        record_id = self.token.schedule_record_date(self.now, sender=self.issuer)
        self.model.record(record_id)
        self.record_ids.append(record_id)
        self.outcomes["record_date: ok"] += 1
        self.chain.advance_time(60)

    def do_announce(self, data: st.DataObject) -> None:
        """The issuer funds a distribution on a passed record date (one scheduled if none)."""
        if not self.record_ids:
            self.do_record(data)
        record_id = data.draw(st.sampled_from(self.record_ids))
        amount = data.draw(st.integers(1, 10**6))
        deadline = self.now + data.draw(durations)
        distribution_id = self.distributions.announce(
            self.token.address,
            record_id=record_id,
            cash=self.cash.address,
            amount=amount,
            claim_deadline=deadline,
            sender=self.issuer,
        )
        self.model.announce(distribution_id, record_id, amount, deadline)
        self.distribution_ids.append(distribution_id)
        self.outcomes["announce: ok"] += 1

    def distribution(self, data: st.DataObject, purpose: bool, wanted: list[int]) -> int:
        """With `purpose` one of the `wanted` distributions (a new one if there is none), else
        any."""
        if not self.distribution_ids or (purpose and not wanted):
            self.do_announce(data)
            return self.distribution_ids[-1]
        return data.draw(st.sampled_from(wanted if purpose else self.distribution_ids))

    def claimable(self) -> list[int]:
        """Distributions whose claim period is open."""
        return [i for i, d in self.model.distributions.items() if self.now <= d.deadline]

    def do_claim(self, data: st.DataObject) -> None:
        """A holder claims (on purpose an unpaid investor's wallet while claims are open)."""
        distribution_id = self.distribution(data, data.draw(PURPOSE), self.claimable())
        d = self.model.distributions[distribution_id]
        owed = [w for w, i in self.model.owner.items() if d.shares.get(i) and i not in d.paid]
        wallet = data.draw(st.sampled_from(owed if data.draw(PURPOSE) and owed else self.holders))
        expected = self.model.claim(distribution_id, wallet, self.now)
        self.agree(
            "claim",
            expected,
            self.distributions.claim,
            distribution_id,
            sender=self.account(wallet),
        )

    def do_push(self, data: st.DataObject) -> None:
        """The transfer agent pays wallets' investors (an outsider among them at random)."""
        distribution_id = self.distribution(data, data.draw(PURPOSE), self.claimable())
        pool = self.wallets if data.draw(PURPOSE) else self.holders
        wallets = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4))
        expected = self.model.push(distribution_id, wallets, self.now)
        agent = self.desk.role("agent")
        self.agree(
            "push", expected, self.distributions.push, distribution_id, wallets, sender=agent
        )

    def do_reclaim(self, data: st.DataObject) -> None:
        """The issuer takes back what was not paid (on purpose from a distribution with cash
        left, its claim period ending first)."""
        purpose = data.draw(PURPOSE)
        left = [i for i, d in self.model.distributions.items() if d.disbursed < d.funded]
        distribution_id = self.distribution(data, purpose, left)
        deadline = self.model.distributions[distribution_id].deadline
        if self.now <= deadline and purpose:
            self.chain.advance_time(deadline + 1 - self.now)
        expected = self.model.reclaim(distribution_id, self.now)
        self.agree(
            "reclaim",
            expected,
            self.distributions.reclaim,
            distribution_id,
            self.issuer,
            sender=self.issuer,
        )

    # ------------------------------------------------------------ collateral

    def listing(
        self, data: st.DataObject, account: str, purpose: bool, *, pledged: bool = False
    ) -> Listing:
        """An asset listing, with `purpose` one `account` has pledged (or holds, not
        `pledged`)."""
        listings = list(self.vault_model.listings.values())
        if pledged:
            mine = self.vault_model.pledged(account)
        else:
            mine = [c for c in listings if c.asset.available(account) > 0]
        return data.draw(st.sampled_from(mine if mine and purpose else listings))

    def post_price(self, asset: str, value: int) -> bool:
        expected = self.vault_model.set_price(asset, value, self.now)
        return self.agree("set_price", expected, self.feed.set_price, asset, value)

    def refresh(self, account: str) -> None:
        """The feeder posts again every stale price of the assets `account` pledged."""
        for c in self.vault_model.pledged(account):
            if self.vault_model.stale(c, self.now):
                self.post_price(c.asset.address, self.vault_model.prices[c.asset.address][0])

    def set_requirement(self, account: str, requirement: int) -> None:
        expected = self.vault_model.set_requirement(account, requirement)
        self.agree("set_requirement", expected, self.vault.set_requirement, account, requirement)

    def do_price(self, data: st.DataObject) -> None:
        """The feeder posts a price: the same again, a move of up to half, any, or zero."""
        c = data.draw(st.sampled_from(list(self.vault_model.listings.values())))
        last = self.vault_model.prices[c.asset.address][0]
        value = data.draw(
            st.sampled_from([last, last // 2 + 1, last * 3 // 2, last * 9 // 10, last * 11 // 10])
            | st.integers(0, 20 * PRICE)
        )
        self.post_price(c.asset.address, value)

    def do_stale(self, data: st.DataObject) -> None:
        """Time passes beyond a listing's maximum price age; on purpose beyond a called
        account's cure deadline too, and then stale prices must block its withdrawal and its
        liquidation."""
        purpose = data.draw(PURPOSE)
        account = self.called(data) if purpose else None
        if account is not None and not self.vault_model.pledged(account):
            bond = self.vault_model.listings[self.bond.address]
            self.deposit(account, bond, max(self.bond.available(account) // 4, 1))
        c = self.listing(data, account or self.holders[0], purpose, pledged=True)
        target = self.vault_model.prices[c.asset.address][1] + c.max_price_age + 1
        if account is not None:
            target = max(target, self.vault_model.account(account).call_deadline + 1)
        self.chain.advance_time(max(target - self.now, 1))
        if account is not None:
            amount = max(self.vault_model.position(account, c.asset.address) // 2, 1)
            self.withdraw(account, c, amount)
            self.liquidate(account, c, amount, data.draw(st.sampled_from(self.wallets)))

    def do_requirement(self, data: st.DataObject) -> None:
        """The clearing agent sets an account's requirement around its value."""
        account = data.draw(st.sampled_from(self.holders))
        value = self.vault_model.value(account, self.now)[0]
        requirement = data.draw(
            st.sampled_from([value // 2, value * 9 // 10, value, value + 1, value * 3 // 2])
            | st.integers(0, 20_000)
        )
        self.set_requirement(account, requirement)

    def deposit(self, account: str, c: Listing, amount: int) -> bool:
        """Post collateral; a deposit into an account under a margin call is a top-up."""
        called = bool(self.vault_model.account(account).call_deadline)
        expected = self.vault_model.deposit(account, c.asset.address, amount, self.now)
        return self.agree(
            "top_up" if called else "deposit",
            expected,
            self.vault.deposit,
            c.asset.address,
            amount,
            sender=self.account(account),
        )

    def do_deposit(self, data: st.DataObject) -> None:
        """A holder posts up to half of an asset's free units; or any amount of any asset."""
        account, purpose = data.draw(st.sampled_from(self.holders)), data.draw(PURPOSE)
        c = self.listing(data, account, purpose)
        free = c.asset.available(account)
        if purpose and free > 1:
            amount = data.draw(st.integers(1, free // 2))
        else:
            amount = data.draw(st.sampled_from([0, free + 1, free]) | st.integers(1, 500))
        self.deposit(account, c, amount)

    def do_withdraw(self, data: st.DataObject) -> None:
        """A holder with pledges (cash posted first if nobody has any) takes back what its
        requirement leaves free (prices refreshed first; the requirement lowered first if nothing
        is free); or any holder any amount, stale prices or not."""
        purpose = data.draw(PURPOSE)
        pledging = [h for h in self.holders if self.vault_model.pledged(h)]
        account = data.draw(st.sampled_from(pledging if pledging and purpose else self.holders))
        if purpose and not pledging:
            cash = self.vault_model.listings[self.cash.address]
            self.deposit(account, cash, max(self.model.cash.available(account) // 4, 1))
        c = self.listing(data, account, purpose, pledged=True)
        held = self.vault_model.position(account, c.asset.address)
        if purpose and held:
            self.refresh(account)
            value = self.vault_model.value(account, self.now)[0]
            if value <= self.vault_model.account(account).requirement:
                self.set_requirement(account, value // 2)
            fits = [n for n in (held, held // 2, held // 4, 1) if n and self.leaves(account, c, n)]
            amount = fits[0] if fits else 1
        else:
            amount = data.draw(st.sampled_from([held, held + 1, 1]) | st.integers(0, 300))
        self.withdraw(account, c, amount)

    def withdraw(self, account: str, c: Listing, amount: int) -> None:
        asset = c.asset.address
        expected = self.vault_model.withdraw(account, asset, amount, self.now)
        self.agree(
            "withdraw", expected, self.vault.withdraw, asset, amount, sender=self.account(account)
        )

    def leaves(self, account: str, c: Listing, amount: int) -> bool:
        """Whether `account` still covers its requirement without `amount` of `c`."""
        trial = copy.deepcopy(self.vault_model)
        return trial.withdraw(account, c.asset.address, amount, self.now) is None

    def called(self, data: st.DataObject) -> str | None:
        """An account under a margin call: one short at fresh prices is called if none is."""
        accounts = [a for a in self.holders if self.vault_model.account(a).call_deadline]
        if accounts:
            return data.draw(st.sampled_from(accounts))
        account = data.draw(st.sampled_from(self.holders))
        return account if self.call(data, account) else None

    def call(self, data: st.DataObject, account: str) -> bool:
        """Prices refreshed, the requirement raised above the value if it is not, margin
        called."""
        self.refresh(account)
        value = self.vault_model.value(account, self.now)[0]
        if self.vault_model.account(account).requirement <= value:
            self.set_requirement(account, value + data.draw(st.integers(1, 2_000)))
        expected = self.vault_model.margin_call(account, self.now)
        return self.agree("margin_call", expected, self.vault.margin_call, account)

    def do_call(self, data: st.DataObject) -> None:
        """The clearing agent calls a short account (made short on purpose, and then tries to
        liquidate it at once, within the cure window), or any account."""
        account = data.draw(st.sampled_from(self.holders))
        if data.draw(PURPOSE) and not self.vault_model.account(account).call_deadline:
            pledged = self.vault_model.pledged(account)
            if self.call(data, account) and pledged and data.draw(st.booleans()):
                # Too early: the cure window is open.
                self.liquidate(account, pledged[0], 1, data.draw(st.sampled_from(self.wallets)))
            return
        expected = self.vault_model.margin_call(account, self.now)
        self.agree("margin_call", expected, self.vault.margin_call, account)

    def do_top_up(self, data: st.DataObject) -> None:
        """A called account posts enough free cash or bonds to cover its requirement (which
        closes the call), or less."""
        account = self.called(data)
        if account is None:
            return
        self.refresh(account)
        margin = self.vault_model.account(account)
        short = margin.requirement - self.vault_model.value(account, self.now)[0]
        listings = list(self.vault_model.listings.values())[1:]
        c = data.draw(st.sampled_from(listings))
        price = self.vault_model.prices[c.asset.address][0]
        needed = -(-max(short, 0) * PRICE * BPS // (price * (BPS - c.haircut_bps))) + 1
        free = c.asset.available(account)
        amount = min(needed, free) if data.draw(PURPOSE) else data.draw(st.integers(1, needed))
        if amount:
            self.deposit(account, c, amount)

    def do_cure(self, data: st.DataObject) -> None:
        """Anyone closes a call the value covers again (the requirement lowered or a price
        raised first, on purpose), or any account's."""
        account = self.called(data) if data.draw(PURPOSE) else None
        if account is not None:
            self.refresh(account)
            value = self.vault_model.value(account, self.now)[0]
            if data.draw(st.booleans()) or not self.vault_model.pledged(account):
                self.set_requirement(account, value)
            else:
                c = self.vault_model.pledged(account)[-1]
                self.post_price(c.asset.address, self.vault_model.prices[c.asset.address][0] * 4)
        else:
            account = data.draw(st.sampled_from(self.holders))
        expected = self.vault_model.cure(account, self.now)
        self.agree("cure", expected, self.vault.cure, account, sender=self.account(account))

    def do_liquidate(self, data: st.DataObject) -> None:
        """After the cure deadline the clearing agent seizes part of a position to a registered
        wallet; on purpose the call made first and bonds posted if nothing is, then a try too
        early (the cure window open) and one with stale prices, each refused; or any account,
        asset, amount and recipient."""
        if data.draw(PURPOSE):
            account = self.called(data)
            if account is None:
                return
            if not self.vault_model.pledged(account):
                bond = self.vault_model.listings[self.bond.address]
                self.deposit(account, bond, max(self.bond.available(account) // 10, 1))
            deadline = self.vault_model.account(account).call_deadline
            pledged = self.vault_model.pledged(account)
            first = data.draw(st.sampled_from(self.wallets))
            if deadline and self.now <= deadline:
                if pledged:  # too early: the cure window is open
                    self.liquidate(account, pledged[0], 1, first)
                self.chain.advance_time(deadline + 1 - self.now)
            if any(self.vault_model.stale(c, self.now) for c in pledged):
                self.liquidate(account, pledged[0], 1, first)  # blocked until prices are posted
            self.refresh(account)
            value = self.vault_model.value(account, self.now)[0]
            if self.vault_model.account(account).requirement <= value:
                self.set_requirement(account, value + 1)
            c = self.listing(data, account, True, pledged=True)
            held = self.vault_model.position(account, c.asset.address)
            amount = data.draw(st.integers(1, max(held, 1)))
            if c.asset.registered is not None:
                amount = max(min(amount, c.asset.available(account)), 1)
            recipient = data.draw(st.sampled_from(self.wallets))
        else:
            account = data.draw(st.sampled_from(self.holders))
            c = self.listing(data, account, data.draw(st.booleans()), pledged=True)
            held = self.vault_model.position(account, c.asset.address)
            amount = data.draw(st.sampled_from([held, held + 1]) | st.integers(0, 300))
            recipient = data.draw(st.sampled_from(self.holders))
        self.liquidate(account, c, amount, recipient)

    def liquidate(self, account: str, c: Listing, amount: int, recipient: str) -> None:
        asset = c.asset.address
        expected = self.vault_model.liquidate(account, asset, amount, recipient, self.now)
        self.agree(
            "liquidate", expected, self.vault.liquidate, account, asset, amount, recipient=recipient
        )

    # ------------------------------------------------------------ checks

    def do_audit(self, data: st.DataObject) -> None:
        """Compare every view, not only those the models say changed."""
        self.compare(self.expected_views())

    def expected_views(self) -> dict[View, object]:
        """What every view must answer now, by the models: balances and supplies; each holder's
        locked legs (the escrow's record, and the encumbrance to the escrow) and pledges (the
        vault's position, and the encumbrance to the vault of an asset pledged in place); the
        vault's own balances (the custody pledges, and nothing of the others); margin accounts;
        the state of every trade and distribution."""
        views: dict[View, object] = {}
        escrow, vault = self.dvp.address, self.vault.address
        for c in self.vault_model.listings.values():
            asset = c.asset
            for w, balance in asset.balances.items():
                views["balanceOf", asset.address, w] = balance
            views["totalSupply", asset.address] = asset.supply()
            custody = sum(self.vault_model.position(w, asset.address) for w in self.holders)
            views["balanceOf", asset.address, vault] = 0 if c.in_place else custody
            for w in self.holders:
                position = self.vault_model.position(w, asset.address)
                views["position", asset.address, w] = position
                if c.in_place:
                    locked = asset.locked.get(w, 0)
                    views["lockedBalance", asset.address, w] = locked
                    views["encumbrances", asset.address, w, escrow] = locked
                    views["encumbrances", asset.address, w, vault] = position
        views["balanceOf", self.token.address, self.desk.outsider.address] = 0
        for w in self.holders:
            value, fresh = self.vault_model.value(w, self.now)
            margin = self.vault_model.account(w)
            views["marginStatus", w] = (value, margin.requirement, margin.call_deadline, fresh)
        for trade in self.trades:
            record = self.model.trades.get(trade.id)
            views["tradeState", trade.id] = (
                (
                    record.status,
                    record.seller_affirmed,
                    record.buyer_affirmed,
                    record.security_locked,
                    record.cash_locked,
                    record.deadline,
                    record.proposer,
                    record.struck_at,
                )
                if record
                else (TradeStatus.NONE, False, False, False, False, 0, NOBODY, 0)
            )
        for distribution_id, d in self.model.distributions.items():
            views["distribution", distribution_id] = (d.funded, d.disbursed, 0)
        return views

    def prepare(self, view: View) -> PreparedCall:
        name, *args = view
        if name in ("balanceOf", "totalSupply", "encumbrances"):
            return self.bindings[args[0]].prepare(name, *args[1:])
        if name == "position":
            return self.vault.binding.prepare(name, args[1], args[0])
        if name == "marginStatus":
            return self.vault.binding.prepare(name, *args)
        if name == "distribution":
            return self.distributions.binding.prepare(name, *args)
        return self.dvp.binding.prepare(name, *args)

    def compare(self, views: dict[View, object]) -> None:
        """The chain answers each view in `views` as the models expect, in one batch of calls."""
        keys = list(views)
        answers = calls(self.chain, [self.prepare(k) for k in keys])
        for key, answer in zip(keys, answers, strict=True):
            if key[0] == "distribution":
                _, _, _, held, funded, disbursed, _, _ = answer
                assert disbursed <= funded, f"{key}: paid more than was funded"
                answer = (funded, disbursed, held)
            elif isinstance(answer, list | tuple):
                answer = tuple(answer)
            assert answer == views[key], f"{key}: chain {answer}, model {views[key]}"
        self.checked.update(views)

    @invariant()
    def chain_matches_model(self) -> None:
        """After every step, each view whose expected answer changed, and the touched trades
        (every view at the first step of a run, and in `audit` steps and at the end)."""
        views = self.expected_views()
        changed = {
            k: v
            for k, v in views.items()
            if self.checked.get(k, _UNSEEN) != v or (k[0] == "tradeState" and k[1] in self.touched)
        }
        self.compare(changed)
        self.touched.clear()
        self.audited = True

    def teardown(self) -> None:
        """Every view once more at the end of a run that passed its steps."""
        if self.audited:
            self.compare(self.expected_views())


View = tuple[Any, ...]
"""A view call by name and arguments, the contract implied (see `SettlementMachine.prepare`)."""
_UNSEEN = object()


def _id(trade: Trade) -> bytes:
    return trade.id


def test_settlement_and_collateral_agree_with_models_over_random_sequences(desk: Desk) -> None:
    outcomes: Counter[str] = Counter()
    run_state_machine_as_test(
        lambda: SettlementMachine(desk, outcomes),  # type: ignore[arg-type]
        settings=settings(max_examples=budget(ci=12, deep=300), stateful_step_count=STEPS),
    )
    successes = Counter({k.split(":")[0]: n for k, n in outcomes.items() if k.endswith(": ok")})
    print(f"\n{sum(outcomes.values())} operations, {successes.total()} succeeded")
    for name in sorted(EVERY_OPERATION | set(successes)):
        rejected = {k.split(": ")[1]: n for k, n in outcomes.items() if k.startswith(f"{name}: ")}
        rejected.pop("ok", None)
        print(f"  {name}: {successes[name]} ok, rejected {rejected}")
    short = {name for name in EVERY_OPERATION if successes[name] < MIN_SUCCESSES}
    assert not short, f"succeeded fewer than {MIN_SUCCESSES} times: {sorted(short)}"
    assert not EVERY_REJECTION - set(outcomes), f"never met: {EVERY_REJECTION - set(outcomes)}"
