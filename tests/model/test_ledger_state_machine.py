"""The whole ledger against the model: random sequences of every operation, through the SDK.

A hypothesis `RuleBasedStateMachine` drives the registry, the compliance desk and the token on
the in-process EVM: investors registered, updated and frozen; wallets added, removed and
replaced; units issued and burnt (one by one and in batches), transferred (checked by the SDK,
or sent unchecked, or on allowances), forced, frozen and recovered; pauses, record dates, time
passing and rule changes. Every operation must end as the model says, with the exact error and
arguments when it fails.

After every step the chain must match the model on supply, investor count and pause; after
every step that moves or freezes units, also on every wallet's balance and frozen units, and the
ledger's invariants must hold: the supply is the sum of the balances, no wallet that was never
registered holds a unit, frozen never exceeds balance, and the supply and the moved wallets'
balances at every passed record date are the model's. The `audit` step compares the rest:
locked and transferable units, investor balances, and every wallet's and investor's balance at
every record date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from tests.model.harness import Market, observe, read, restricted
from tests.model.ledger_model import (
    CLASSES,
    DAY,
    UNLIMITED_ALLOWANCE,
    ZERO,
    Code,
    LedgerModel,
    Revert,
    Rule,
    Token,
)
from tests.model.markets import COUNTRIES, HOUR, some_rules
from tests.model.profiles import budget

from permledger.chain import Account
from permledger.types import Rule as SdkRule

WALLETS = 7
INVESTORS = [bytes([n + 1]) * 32 for n in range(4)]
MAX_RECORD_DATES = 4
"""Record dates one run schedules at most: each passed one adds views to the checks."""

EVERY_OPERATION = {
    "register_investor",
    "update_investor",
    "set_investor_frozen",
    "add_wallet",
    "remove_wallet",
    "replace_wallet",
    "mint",
    "mint_batch",
    "burn",
    "burn_batch",
    "schedule_record_date",
    "transfer",
    "transfer_unchecked",
    "approve",
    "transfer_from",
    "forced_transfer",
    "set_frozen_tokens",
    "recover_wallet",
    "pause",
    "unpause",
    "set_rules",
    "set_allowed_classes",
    "set_jurisdictions",
    "set_investor_limits",
    "set_lockup_period",
    "set_circuit_breaker",
}
"""The SDK calls the machine makes; each must succeed at least once in a run of the test."""

countries = st.sampled_from(COUNTRIES)
classes = st.sampled_from(CLASSES)
kyc_ttls = st.integers(-HOUR, 0) | st.integers(HOUR, 90 * DAY) | st.integers(HOUR, 90 * DAY)
rule_masks = some_rules(list(Rule), most=4).map(lambda rules: sum(rules, 0))
"""Up to four rules (both jurisdiction modes together are refused)."""
investor_limits = st.tuples(st.integers(0, 5), st.integers(0, 3_000), st.integers(0, 2_000))
investor_limits = st.tuples(st.integers(0, 5), st.integers(0, 3_000), st.integers(0, 2_000))
ACTORS = (
    ["holder"] * 4 + ["agent"] * 2 + ["issuer"] * 2 + ["officer"] * 2 + ["pauser", "time", "audit"]
)
"""Who acts in a step, by weight: mostly units moving."""
record_offsets = st.integers(-2, 3) | st.integers(0, 3 * DAY)
"""Seconds from now to a record date: a few (it falls on a following step's block), or days;
in the past it is refused."""
durations = st.integers(1, HOUR) | st.integers(HOUR, 3 * DAY) | st.integers(10 * DAY, 40 * DAY)


class LedgerMachine(RuleBasedStateMachine):
    """The ledger on the chain and in the model, stepped together.

    Rules draw their arguments, leaning towards ones that can succeed (holders send, registered
    wallets receive), and administrative changes share a few rules, so that sequences spend
    most steps moving units, where the rules bite.
    """

    def __init__(self, market: Market, outcomes: Counter[str]) -> None:
        super().__init__()
        market.reset()
        self.market = market
        self.model = LedgerModel(market.token.address)
        self.accounts: list[Account] = market.holders[:WALLETS]
        self.outcomes = outcomes
        """How often each SDK call ended which way, over every run."""
        self.moved: set[str] = set()
        """Wallets whose balance or frozen units the current step may have changed."""

    # ------------------------------------------------------------ helpers

    @property
    def token(self) -> Token:
        """The model's token."""
        return self.model.token

    @property
    def now(self) -> int:
        """The time the next transaction, and every view, runs at."""
        return self.market.now

    def agree(
        self, expected: Revert | None, action: Callable[..., object], *args: Any, **kwargs: Any
    ) -> None:
        """The SDK call `action(*args, **kwargs)` ends as the model predicted."""
        actual = observe(action, *args, **kwargs)
        name = getattr(action, "__name__", repr(action))
        outcome = "ok" if expected is None else expected.error
        if expected and expected.error in ("TransferRestricted", "ComplianceTransferRejected"):
            outcome += f"({Code(expected.args[-1]).name})"
        self.outcomes[f"{name}: {outcome}"] += 1
        assert actual == expected, f"{name}: chain {actual}, model {expected}"

    # hypothesis draws the first entries of a list most often: the lists below put the
    # likeliest useful choice first.

    def draw_wallet(
        self,
        data: st.DataObject,
        prefer: Callable[[str], bool],
        *,
        other_than: str = ZERO,
        first: Callable[[str], int] | None = None,
    ) -> str:
        """A wallet of the pool: mostly one that `prefer`s other than `other_than`, the highest
        `first` (by default the richest) first; sometimes any.
        """
        preferred = [
            a.address for a in self.accounts if a.address != other_than and prefer(a.address)
        ]
        preferred.sort(key=first or self.token.balance, reverse=True)
        if preferred and data.draw(st.sampled_from([True, True, True, False])):
            return data.draw(st.sampled_from(preferred))
        return data.draw(st.sampled_from([a.address for a in self.accounts]))

    def draw_holder(self, data: st.DataObject) -> str:
        """A wallet, mostly one that holds units."""
        return self.draw_wallet(data, lambda w: self.token.balance(w) > 0)

    def draw_registered(self, data: st.DataObject, *, other_than: str = ZERO) -> str:
        """A wallet, mostly a registered one other than `other_than`."""
        return self.draw_wallet(data, self.model.registry.is_registered, other_than=other_than)

    def draw_amount(self, data: st.DataObject, wallet: str) -> int:
        """An amount where the wallet's rules change, or any amount up to its balance."""
        h = self.token.holding(wallet)
        transferable = self.token.transferable(wallet, self.now)
        edges = [
            transferable,
            h.balance,
            h.balance - h.frozen,
            1,
            transferable + 1,
            h.balance + 1,
            0,
        ]
        choices = st.sampled_from(list(dict.fromkeys(edges)))
        return data.draw(choices | st.integers(0, max(h.balance, 10)))

    def account(self, wallet: str) -> Account:
        """The pool account of a wallet, to sign with."""
        return next(a for a in self.accounts if a.address == wallet)

    def role(self, name: str) -> Account:
        """The account holding a role."""
        return self.market.role(name)

    # ------------------------------------------------------------ rules

    @initialize(
        profiles=st.lists(
            st.tuples(countries, classes, st.integers(HOUR, 90 * DAY)), min_size=2, max_size=3
        ),
        issues=st.lists(st.integers(1, 1_000), min_size=3, max_size=3),
        data=st.data(),
    )
    def onboard(
        self, profiles: list[tuple[int, int, int]], issues: list[int], data: st.DataObject
    ) -> None:
        """A few investors with a wallet and units each, the first with a second wallet; then
        rule settings, so that every run moves units under some rules.
        """
        for n, (country, investor_class, ttl) in enumerate(profiles):
            self.register_investor(
                INVESTORS[n], self.accounts[n].address, country, investor_class, ttl
            )
        self.add_wallet(INVESTORS[0], self.accounts[len(profiles)].address)
        self.mint_batch([(self.accounts[n].address, issues[n]) for n in range(len(profiles))])
        self.set_lockup_period(data.draw(st.integers(1, 20 * DAY)))
        self.set_investor_limits(*data.draw(investor_limits))
        self.set_circuit_breaker(
            data.draw(st.integers(1, 10_000)), data.draw(st.integers(1, 2 * DAY))
        )
        self.set_allowed_classes(data.draw(st.integers(0, 15)) << 1)
        self.set_jurisdictions(data.draw(st.lists(countries, min_size=1, max_size=3)), True)
        self.set_rules(data.draw(rule_masks))

    # One rule draws who acts, by weight, and that role draws its operation. With a rule per
    # operation, hypothesis's swarm testing (each run switches off a random share of the rules)
    # left whole operations out of the few runs py-evm's speed allows, and spent runs on
    # registering investors; a single rule is never switched off.

    @rule(data=st.data(), actor=st.sampled_from(ACTORS))
    def step(self, data: st.DataObject, actor: str) -> None:
        """One operation by one role, or time passing, or an audit of every view."""
        {
            "holder": self.holder_acts,
            "agent": self.transfer_agent_acts,
            "issuer": self.issuer_acts,
            "officer": self.compliance_officer_acts,
            "pauser": self.pauser_acts,
            "time": self.time_passes,
            "audit": self.audit,
        }[actor](data)

    def compliance_officer_acts(self, data: st.DataObject) -> None:
        """Register or change an investor, add, retire or replace a wallet, or change a rule
        setting.
        """
        which = data.draw(st.sampled_from(["register", "investor", "wallets", "rules"]))
        {
            "register": self.register,
            "investor": self.change_investor,
            "wallets": self.change_wallets,
            "rules": self.change_rules,
        }[which](data)

    def issuer_acts(self, data: st.DataObject) -> None:
        """Issue units, burn units, or schedule a record date."""
        which = data.draw(st.sampled_from(["issue", "cancel", "record date"]))
        if which == "record date" and len(self.token.record_dates) < MAX_RECORD_DATES:
            # A few seconds ahead, the record date falls on the block of a following step.
            self.schedule_record_date(self.now + data.draw(record_offsets))
        elif which == "cancel":
            self.cancel(data)
        else:
            self.issue(data)

    def holder_acts(self, data: st.DataObject) -> None:
        """Transfer units: checked by the SDK first, sent as is (then the chain itself must
        refuse what the rules forbid), or by a spender on an allowance.
        """
        which = data.draw(st.sampled_from(["checked", "unchecked", "allowance"]))
        if which == "allowance":
            self.spend_allowance(data)
            return
        sender = self.draw_holder(data)
        receiver = self.draw_registered(data, other_than=sender)
        amount = self.draw_amount(data, sender)
        self.transfer(sender, receiver, amount, unchecked=which == "unchecked")

    def transfer_agent_acts(self, data: st.DataObject) -> None:
        """Force a transfer, freeze part of a wallet's units, or recover a lost wallet."""
        which = data.draw(st.sampled_from(["force", "freeze", "recover"]))
        if which == "recover":
            self.recover(data)
            return
        if which == "force":
            # Forcing frozen units out of a wallet must release them: lean towards such wallets.
            frozen = [a.address for a in self.accounts if self.token.holding(a.address).frozen]
            lean = bool(frozen) and data.draw(st.booleans())
            wallet = data.draw(st.sampled_from(frozen)) if lean else self.draw_holder(data)
            receiver = self.draw_registered(data, other_than=wallet)
            self.forced_transfer(wallet, receiver, self.draw_amount(data, wallet))
        else:
            wallet = self.draw_holder(data)
            self.set_frozen_tokens(wallet, self.draw_amount(data, wallet))

    def pauser_acts(self, data: st.DataObject) -> None:
        """Pause or (more often: a paused token refuses most steps) unpause the token."""
        if data.draw(st.sampled_from([False, False, True])):
            self.pause()
        else:
            self.unpause()

    def time_passes(self, data: st.DataObject) -> None:
        """Let time pass: KYC expires, lock-ups end, days and breaker windows turn."""
        self.market.chain.advance_time(data.draw(durations))

    # ------------------------------------------------------------ drawing an operation

    def register(self, data: st.DataObject) -> None:
        """Register an investor (more often a new one) with a wallet (more often a new one)."""
        new = [i for i in INVESTORS if i not in self.model.registry.investors]
        investor = data.draw(st.sampled_from(new * 3 + INVESTORS))
        wallet = self.draw_wallet(data, lambda w: w not in self.model.registry.owner)
        self.register_investor(
            investor, wallet, *data.draw(st.tuples(countries, classes, kyc_ttls))
        )

    def change_investor(self, data: st.DataObject) -> None:
        """Update an investor's profile, or freeze or release it (more often a known investor)."""
        known = [i for i in INVESTORS if i in self.model.registry.investors]
        if known and data.draw(st.sampled_from([True, True, True, False])):
            investor = data.draw(st.sampled_from(known))
        else:
            investor = data.draw(st.sampled_from(INVESTORS))
        if data.draw(st.booleans()):
            self.update_investor(investor, *data.draw(st.tuples(countries, classes, kyc_ttls)))
        else:
            self.set_investor_frozen(investor, data.draw(st.booleans()))

    def change_wallets(self, data: st.DataObject) -> None:
        """Add, retire or replace a wallet."""
        which = data.draw(st.sampled_from(["add", "remove", "replace"]))
        unbound = self.draw_wallet(data, lambda w: w not in self.model.registry.owner)
        if which == "add":
            self.add_wallet(data.draw(st.sampled_from(INVESTORS)), unbound)
        elif which == "remove":
            self.remove_wallet(self.draw_registered(data))
        else:
            self.replace_wallet(self.draw_registered(data), unbound)

    def change_rules(self, data: st.DataObject) -> None:
        """Change one compliance setting (invalid values included)."""
        which = data.draw(
            st.sampled_from(["rules", "classes", "jurisdictions", "limits", "lockup", "breaker"])
        )
        if which == "rules":
            self.set_rules(data.draw(rule_masks))
        elif which == "classes":
            self.set_allowed_classes(data.draw(st.integers(0, 31)))
        elif which == "jurisdictions":
            self.set_jurisdictions(
                data.draw(st.lists(countries, max_size=3)), data.draw(st.booleans())
            )
        elif which == "limits":
            self.set_investor_limits(*data.draw(investor_limits))
        elif which == "lockup":
            self.set_lockup_period(data.draw(st.integers(0, 20 * DAY)))
        else:
            self.set_circuit_breaker(
                data.draw(st.integers(0, 10_001)), data.draw(st.integers(0, 2 * DAY))
            )

    def issue(self, data: st.DataObject) -> None:
        """Issue to a wallet, or to several in one batch."""
        count = data.draw(st.sampled_from([1, 2, 1, 3]))
        batch = [(self.draw_registered(data), data.draw(st.integers(0, 800))) for _ in range(count)]
        if count == 1:
            self.mint(*batch[0])
        else:
            self.mint_batch(batch)

    def cancel(self, data: st.DataObject) -> None:
        """Burn from a wallet, or from several in one batch."""
        holders = [self.draw_holder(data) for _ in range(data.draw(st.integers(1, 3)))]
        batch = [(w, self.draw_amount(data, w)) for w in holders]
        if len(batch) == 1:
            self.burn(*batch[0])
        else:
            self.burn_batch(batch)

    def spend_allowance(self, data: st.DataObject) -> None:
        """Approve a spender (or keep the allowance it has), which then moves the units."""
        owner = self.draw_holder(data)
        receiver = self.draw_registered(data, other_than=owner)
        amount = self.draw_amount(data, owner)
        spender = data.draw(st.sampled_from(self.accounts)).address
        allowance = data.draw(st.sampled_from(["exact", "short", "unlimited", "kept"]))
        if allowance != "kept":
            value = {
                "exact": amount,
                "short": max(amount - 1, 0),
                "unlimited": UNLIMITED_ALLOWANCE,
            }[allowance]
            self.approve(owner, spender, value)
        self.transfer_from(spender, owner, receiver, amount)

    def recover(self, data: st.DataObject) -> None:
        """Recover a lost wallet onto another wallet of its investor (more often a valid pair)."""
        registry = self.model.registry

        def has_sibling(wallet: str) -> bool:
            investor = registry.investor_of(wallet)
            return investor is not None and any(w != wallet for w in investor.wallets)

        # Wallets with frozen units first: recovery must carry them over.
        lost = self.draw_wallet(data, has_sibling, first=lambda w: self.token.holding(w).frozen)
        owner = registry.owner.get(lost)
        new = self.draw_wallet(data, lambda w: w != lost and registry.owner.get(w) == owner)
        self.recover_wallet(lost, new)

    # ------------------------------------------------------------ operations: registry

    def register_investor(
        self, investor: bytes, wallet: str, country: int, investor_class: int, ttl: int
    ) -> None:
        """Register an investor with its first wallet."""
        now = self.now
        profile = {"country": country, "investor_class": investor_class, "kyc_expiry": now + ttl}
        self.agree(
            self.model.registry.register_investor(investor, **profile, wallet=wallet, now=now),
            self.market.ledger.registry.register_investor,
            investor,
            **profile,
            wallet=wallet,
        )

    def update_investor(self, investor: bytes, country: int, investor_class: int, ttl: int) -> None:
        """Change an investor's jurisdiction, class and KYC expiry."""
        now = self.now
        profile = {"country": country, "investor_class": investor_class, "kyc_expiry": now + ttl}
        self.agree(
            self.model.registry.update_investor(investor, **profile, now=now),
            self.market.ledger.registry.update_investor,
            investor,
            **profile,
        )

    def set_investor_frozen(self, investor: bytes, frozen: bool) -> None:
        """Freeze or release an investor."""
        self.agree(
            self.model.registry.set_investor_frozen(investor, frozen),
            self.market.ledger.registry.set_investor_frozen,
            investor,
            frozen,
        )

    def add_wallet(self, investor: bytes, wallet: str) -> None:
        """Bind a wallet to an investor."""
        self.agree(
            self.model.registry.add_wallet(investor, wallet),
            self.market.ledger.registry.add_wallet,
            investor,
            wallet,
        )

    def remove_wallet(self, wallet: str) -> None:
        """Retire a wallet."""
        self.agree(
            self.model.registry.remove_wallet(wallet),
            self.market.ledger.registry.remove_wallet,
            wallet,
        )

    def replace_wallet(self, old: str, new: str) -> None:
        """Retire a wallet and bind another to the same investor."""
        self.agree(
            self.model.registry.replace_wallet(old, new),
            self.market.ledger.registry.replace_wallet,
            old,
            new,
        )

    # ------------------------------------------------------------ operations: token

    def mint(self, wallet: str, amount: int) -> None:
        """Issue units to one wallet."""
        self.moved.add(wallet)
        self.agree(
            self.token.mint(wallet, amount, self.now),
            self.market.token.mint,
            wallet,
            amount,
            sender=self.role("issuer"),
        )

    def mint_batch(self, batch: list[tuple[str, int]]) -> None:
        """Issue to several wallets in one transaction."""
        self.moved.update(w for w, _ in batch)
        self.agree(
            self.token.mint_batch(batch, self.now),
            self.market.token.mint_batch,
            batch,
            sender=self.role("issuer"),
        )

    def burn(self, wallet: str, amount: int) -> None:
        """Cancel units of one wallet."""
        self.moved.add(wallet)
        self.agree(
            self.token.burn(wallet, amount, self.now),
            self.market.token.burn,
            wallet,
            amount,
            sender=self.role("issuer"),
        )

    def burn_batch(self, batch: list[tuple[str, int]]) -> None:
        """Cancel units of several wallets in one transaction."""
        self.moved.update(w for w, _ in batch)
        self.agree(
            self.token.burn_batch(batch, self.now),
            self.market.token.burn_batch,
            batch,
            sender=self.role("issuer"),
        )

    def schedule_record_date(self, time: int) -> None:
        """Schedule a record date."""
        self.agree(
            self.token.schedule_record_date(time, self.now),
            self.market.token.schedule_record_date,
            time,
            sender=self.role("issuer"),
        )

    def transfer(self, sender: str, receiver: str, amount: int, *, unchecked: bool) -> None:
        """An ordinary transfer signed by the sender."""
        self.moved.update((sender, receiver))
        token, now = self.market.token.using(self.account(sender)), self.now
        code = self.token.restriction(sender, receiver, amount, now)
        if unchecked:
            self.agree(
                self.token.transfer(sender, receiver, amount, now),
                token.transfer_unchecked,
                receiver,
                amount,
            )
            return
        expected = restricted(code) if code else self.token.transfer(sender, receiver, amount, now)
        self.agree(expected, token.transfer, receiver, amount)

    def approve(self, owner: str, spender: str, amount: int) -> None:
        """Let `spender` move up to `amount` of the owner's units."""
        self.agree(
            self.token.approve(owner, spender, amount, self.now),
            self.market.token.using(self.account(owner)).approve,
            spender,
            amount,
        )

    def transfer_from(self, spender: str, owner: str, receiver: str, amount: int) -> None:
        """A transfer signed by a spender, on the owner's allowance."""
        self.moved.update((owner, receiver))
        now = self.now
        code = self.token.restriction(owner, receiver, amount, now)
        expected = (
            restricted(code)
            if code
            else self.token.transfer_from(spender, owner, receiver, amount, now)
        )
        self.agree(
            expected,
            self.market.token.using(self.account(spender)).transfer_from,
            owner,
            receiver,
            amount,
        )

    def forced_transfer(self, sender: str, receiver: str, amount: int) -> None:
        """The transfer agent moves units past the investor rules."""
        self.moved.update((sender, receiver))
        self.agree(
            self.token.forced_transfer(sender, receiver, amount, self.now),
            self.market.token.forced_transfer,
            sender,
            receiver,
            amount,
            sender=self.role("agent"),
        )

    def set_frozen_tokens(self, wallet: str, amount: int) -> None:
        """The transfer agent freezes part of a wallet's units."""
        self.moved.add(wallet)
        self.agree(
            self.token.set_frozen(wallet, amount, self.now),
            self.market.token.set_frozen_tokens,
            wallet,
            amount,
            sender=self.role("agent"),
        )

    def recover_wallet(self, lost: str, new: str) -> None:
        """The transfer agent moves a lost wallet's holding to another wallet of its investor."""
        self.moved.update((lost, new))
        self.agree(
            self.token.recover_wallet(lost, new, self.now),
            self.market.token.recover_wallet,
            lost,
            new,
            sender=self.role("agent"),
        )

    def pause(self) -> None:
        """Pause the token."""
        self.agree(self.token.pause(self.now), self.market.token.pause, sender=self.role("pauser"))

    def unpause(self) -> None:
        """Unpause the token."""
        self.agree(
            self.token.unpause(self.now), self.market.token.unpause, sender=self.role("pauser")
        )

    # ------------------------------------------------------------ operations: compliance

    def set_rules(self, rules: int) -> None:
        """Switch rules on and off (both jurisdiction modes at once are refused)."""
        self.agree(
            self.token.set_rules(rules, self.now),
            self.market.ledger.compliance.set_rules,
            self.market.token.address,
            SdkRule(rules),
        )

    def set_allowed_classes(self, mask: int) -> None:
        """Set the classes the class rule admits (bit 0 is no class: refused)."""
        self.agree(
            self.token.set_allowed_classes(mask, self.now),
            self.market.ledger.compliance.set_allowed_classes,
            self.market.token.address,
            mask,
        )

    def set_jurisdictions(self, countries_: list[int], listed: bool) -> None:
        """Put jurisdictions on the list or take them off."""
        self.agree(
            self.token.set_jurisdictions(countries_, listed=listed, now=self.now),
            self.market.ledger.compliance.set_jurisdictions,
            self.market.token.address,
            countries_,
            listed=listed,
        )

    def set_investor_limits(self, max_investors: int, max_balance: int, daily: int) -> None:
        """Set the investor limits."""
        self.agree(
            self.token.set_investor_limits(
                max_investors=max_investors,
                max_balance=max_balance,
                daily_limit=daily,
                now=self.now,
            ),
            self.market.ledger.compliance.set_investor_limits,
            self.market.token.address,
            max_investors=max_investors,
            max_balance_per_investor=max_balance,
            daily_limit_per_investor=daily,
        )

    def set_lockup_period(self, period: int) -> None:
        """Set the lock-up of future issues."""
        self.agree(
            self.token.set_lockup_period(period, self.now),
            self.market.ledger.compliance.set_lockup_period,
            self.market.token.address,
            period,
        )

    def set_circuit_breaker(self, share: int, window: int) -> None:
        """Set the circuit breaker (a zero share or window, or a share above 100%, is refused)."""
        self.agree(
            self.token.set_circuit_breaker(share, window, self.now),
            self.market.ledger.compliance.set_circuit_breaker,
            self.market.token.address,
            share_bps=share,
            window=window,
        )

    # ------------------------------------------------------------ checks (and `audit`)

    @invariant()
    def chain_matches_model(self) -> None:
        """Supply, investor count and pause; after units moved, every balance and frozen amount,
        the ledger's invariants, and the record-date views of the wallets that moved.
        """
        token, model, now = self.market.token, self.token, self.now
        supply = token.total_supply()
        assert (supply, token.investor_count(), token.paused()) == (
            model.supply(),
            model.investor_count(),
            model.paused,
        )
        if not self.moved:
            return
        balances = {a.address: token.balance_of(a) for a in self.accounts}
        frozen = {a.address: token.frozen_tokens(a) for a in self.accounts}
        assert supply == sum(balances.values()), "supply is not the sum of the balances"
        never_registered = [w for w, b in balances.items() if b and w not in model.registry.owner]
        assert not never_registered, f"never registered wallets hold units: {never_registered}"
        assert all(frozen[w] <= balances[w] for w in balances), f"frozen above balance: {frozen}"
        assert balances == {w: model.balance(w) for w in balances}
        assert frozen == {w: model.holding(w).frozen for w in frozen}
        for record in range(1, model.passed_record_dates(now) + 1):
            assert token.total_supply_at(record) == model.supply_at(record, now)
            for wallet in sorted(self.moved - {ZERO}):
                assert token.balance_of_at(wallet, record) == model.balance_at(wallet, record, now)
        self.moved.clear()

    def audit(self, data: st.DataObject) -> None:
        """Locked and transferable units, investor balances, and every wallet's and investor's
        balance at every record date (and the error for one that has not passed).
        """
        token, model, now = self.market.token, self.token, self.now
        for a in self.accounts:
            assert token.locked_tokens(a) == model.locked(a.address, now)
            assert token.transferable_balance(a) == model.transferable(a.address, now)
        for i in INVESTORS:
            assert token.investor_balance(i) == model.investor_balance(i)
        for record in range(len(model.record_dates) + 2):
            assert read(token.total_supply_at, record) == model.supply_at(record, now)
            for a in self.accounts:
                expected = model.balance_at(a.address, record, now)
                assert read(token.balance_of_at, a, record) == expected
            for i in INVESTORS:
                expected = model.investor_balance_at(i, record, now)
                assert read(token.investor_balance_at, i, record) == expected


def test_chain_agrees_with_model_over_random_operation_sequences(market: Market) -> None:
    outcomes: Counter[str] = Counter()
    run_state_machine_as_test(
        lambda: LedgerMachine(market, outcomes),
        settings=settings(max_examples=budget(ci=30, deep=400), stateful_step_count=25),
    )
    print("outcomes:", dict(sorted(outcomes.items())))
    # Each operation must have succeeded at least once, or the sequences prove little about it.
    succeeded = {key.split(":")[0] for key in outcomes if key.endswith(": ok")}
    assert succeeded >= EVERY_OPERATION, f"never succeeded: {sorted(EVERY_OPERATION - succeeded)}"
