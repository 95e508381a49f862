"""An independent Python model of the ledger: the oracle of the model-based tests.

Written from the documented rules (the README's reason-code table, `Rule.sol`,
`RestrictionCode.sol` and the NatSpec of the token and registry interfaces), not from the SDK:
nothing here imports `permledger`. It says what the ledger is *meant* to do.

Conventions: wallets are checksummed address strings, investors 32-byte ids, amounts ints.
Every operation takes `now`, the timestamp of the block it runs in, and returns `None` when it
succeeds or the `Revert` the contract raises, leaving the model unchanged. The token is assumed to
track investors (as `Ledger.local()` deploys it), so the investor rules are always available.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

ZERO = "0x0000000000000000000000000000000000000000"
MAX_AMOUNT = 2**96 - 1
"""The largest supply (and so balance) a token holds."""
UNLIMITED_ALLOWANCE = 2**256 - 1
"""An allowance that spending never decreases (ERC-20 convention)."""
MAX_WALLETS = 16
"""Active wallets an investor may have."""
MAX_LOCK_TRANCHES = 8
"""Live lock-up tranches a wallet keeps; more merge the earliest into the later date."""
DAY = 86_400


class Code(enum.IntEnum):
    """ERC-1404 reason codes, in the order the rules are checked (sender before receiver)."""

    SUCCESS = 0
    TOKEN_PAUSED = 1
    SENDER_NOT_REGISTERED = 2
    SENDER_FROZEN = 3
    SENDER_KYC_EXPIRED = 4
    SENDER_JURISDICTION_NOT_ALLOWED = 5
    RECEIVER_NOT_REGISTERED = 6
    RECEIVER_FROZEN = 7
    RECEIVER_KYC_EXPIRED = 8
    RECEIVER_CLASS_NOT_ALLOWED = 9
    RECEIVER_JURISDICTION_NOT_ALLOWED = 10
    INSUFFICIENT_BALANCE = 11
    BALANCE_FROZEN = 12
    TOKENS_LOCKED = 13
    MAX_INVESTORS_REACHED = 14
    MAX_BALANCE_EXCEEDED = 15
    DAILY_LIMIT_EXCEEDED = 16


class Rule(enum.IntFlag):
    """The switchable rules; registration and the investor freeze always apply."""

    KYC = 1 << 0
    INVESTOR_CLASS = 1 << 1
    JURISDICTION_ALLOWLIST = 1 << 2
    JURISDICTION_BLOCKLIST = 1 << 3
    MAX_INVESTORS = 1 << 4
    MAX_BALANCE = 1 << 5
    LOCKUP = 1 << 6
    DAILY_LIMIT = 1 << 7
    CIRCUIT_BREAKER = 1 << 8


ALL_RULES = (1 << 9) - 1
INVESTOR_RULES = Rule.MAX_INVESTORS | Rule.MAX_BALANCE | Rule.DAILY_LIMIT
CLASSES = (1, 2, 3, 4)
"""Retail, accredited, qualified, institutional."""
ALL_CLASSES = sum(1 << c for c in CLASSES)


@dataclass(frozen=True)
class Revert:
    """A contract error by its Solidity name, with its arguments in declaration order."""

    error: str
    args: tuple[Any, ...] = ()


def rejected(sender: str, receiver: str, amount: int, code: Code) -> Revert:
    """The revert of a transfer (or an issue, from the zero address) that breaks rule `code`."""
    return Revert("ComplianceTransferRejected", (sender, receiver, amount, int(code)))


# ---------------------------------------------------------------- identity registry


@dataclass
class Investor:
    """An investor: its profile, and its active and retired wallets."""

    number: int
    country: int
    investor_class: int
    kyc_expiry: int
    frozen: bool = False
    wallets: list[str] = field(default_factory=list)
    retired: set[str] = field(default_factory=set)


class Registry:
    """Investors and their wallets. A wallet belongs to one investor forever, active or retired."""

    def __init__(self) -> None:
        self.investors: dict[bytes, Investor] = {}
        self.owner: dict[str, bytes] = {}

    def register_investor(
        self,
        investor_id: bytes,
        *,
        country: int,
        investor_class: int,
        kyc_expiry: int,
        wallet: str,
        now: int,
    ) -> Revert | None:
        """A new investor with its first wallet."""
        if investor_id == bytes(32):
            return Revert("IdentityInvestorIdZero")
        if investor_id in self.investors:
            return Revert("IdentityInvestorExists", (investor_id,))
        problem = _profile_problem(country, investor_class, kyc_expiry, now)
        if problem:
            return problem
        entry = Investor(len(self.investors) + 1, country, investor_class, kyc_expiry)
        problem = self._bind_problem(investor_id, entry, wallet)
        if problem:
            return problem
        self.investors[investor_id] = entry
        self._bind(investor_id, wallet)
        return None

    def update_investor(
        self, investor_id: bytes, *, country: int, investor_class: int, kyc_expiry: int, now: int
    ) -> Revert | None:
        """New jurisdiction, class and KYC expiry, on every wallet of the investor."""
        entry = self.investors.get(investor_id)
        if entry is None:
            return Revert("IdentityInvestorUnknown", (investor_id,))
        problem = _profile_problem(country, investor_class, kyc_expiry, now)
        if problem:
            return problem
        entry.country, entry.investor_class, entry.kyc_expiry = country, investor_class, kyc_expiry
        return None

    def set_investor_frozen(self, investor_id: bytes, frozen: bool) -> Revert | None:
        """Freeze or release an investor (on every token)."""
        entry = self.investors.get(investor_id)
        if entry is None:
            return Revert("IdentityInvestorUnknown", (investor_id,))
        entry.frozen = frozen
        return None

    def add_wallet(self, investor_id: bytes, wallet: str) -> Revert | None:
        """Bind another wallet (new, or one of the investor's retired wallets)."""
        entry = self.investors.get(investor_id)
        if entry is None:
            return Revert("IdentityInvestorUnknown", (investor_id,))
        problem = self._bind_problem(investor_id, entry, wallet)
        if problem:
            return problem
        self._bind(investor_id, wallet)
        return None

    def remove_wallet(self, wallet: str) -> Revert | None:
        """Retire a wallet: it keeps its investor and its units, but may not send or receive."""
        if not self.is_registered(wallet):
            return Revert("IdentityWalletUnknown", (wallet,))
        entry = self.investors[self.owner[wallet]]
        entry.wallets.remove(wallet)
        entry.retired.add(wallet)
        return None

    def replace_wallet(self, old: str, new: str) -> Revert | None:
        """Retire `old` and bind `new` to the same investor; all or nothing."""
        if not self.is_registered(old):
            return Revert("IdentityWalletUnknown", (old,))
        investor_id = self.owner[old]
        entry = self.investors[investor_id]
        entry.wallets.remove(old)
        entry.retired.add(old)
        problem = self._bind_problem(investor_id, entry, new)
        if problem:
            entry.retired.discard(old)
            entry.wallets.append(old)
            return problem
        self._bind(investor_id, new)
        return None

    def is_registered(self, wallet: str) -> bool:
        """Whether the wallet is an active wallet of some investor."""
        owner = self.owner.get(wallet)
        return owner is not None and wallet in self.investors[owner].wallets

    def investor_of(self, wallet: str) -> Investor | None:
        """The investor a wallet belongs or belonged to."""
        owner = self.owner.get(wallet)
        return None if owner is None else self.investors[owner]

    def _bind_problem(self, investor_id: bytes, entry: Investor, wallet: str) -> Revert | None:
        if wallet == ZERO:
            return Revert("IdentityWalletZero")
        if self.is_registered(wallet):
            return Revert("IdentityWalletRegistered", (wallet,))
        former = self.owner.get(wallet)
        if former is not None and former != investor_id:
            return Revert("IdentityWalletOfOtherInvestor", (wallet, former))
        if len(entry.wallets) >= MAX_WALLETS:
            return Revert("IdentityWalletLimitReached", (investor_id, MAX_WALLETS))
        return None

    def _bind(self, investor_id: bytes, wallet: str) -> None:
        entry = self.investors[investor_id]
        entry.wallets.append(wallet)
        entry.retired.discard(wallet)
        self.owner[wallet] = investor_id


def _profile_problem(country: int, investor_class: int, kyc_expiry: int, now: int) -> Revert | None:
    if not 1 <= country <= 999:
        return Revert("IdentityCountryInvalid", (country,))
    if investor_class not in CLASSES:
        return Revert("IdentityClassInvalid", (investor_class,))
    if kyc_expiry <= now:
        return Revert("IdentityKycExpiryInPast", (kyc_expiry, now))
    return None


# ---------------------------------------------------------------- entitlement token


@dataclass
class Lot:
    """A tranche of units issued under lock-up: they may not be sent before `until` while the
    rule is on.
    """

    amount: int
    until: int


@dataclass
class Holding:
    """One wallet's units: its balance, the part the transfer agent froze, its locked lots."""

    balance: int = 0
    frozen: int = 0
    lots: list[Lot] = field(default_factory=list)

    def live_lots(self, now: int) -> list[Lot]:
        """The lots still locked at `now`, earliest first."""
        return [lot for lot in self.lots if lot.until > now]

    def lock(self, lots: Iterable[Lot], now: int) -> None:
        """Add lots: one per date, earliest first; over `MAX_LOCK_TRANCHES`, the two earliest
        merge into the later of their dates (no unit unlocks early).
        """
        by_date: dict[int, int] = {}
        for lot in [*self.lots, *lots]:
            if lot.until > now:
                by_date[lot.until] = by_date.get(lot.until, 0) + lot.amount
        tidy = [Lot(amount, until) for until, amount in sorted(by_date.items())]
        while len(tidy) > MAX_LOCK_TRANCHES:
            tidy[:2] = [Lot(tidy[0].amount + tidy[1].amount, tidy[1].until)]
        self.lots = tidy


@dataclass
class Settings:
    """A token's rule settings, as the compliance officer sets them."""

    rules: int = 0
    allowed_classes: int = ALL_CLASSES
    max_investors: int = 0
    max_balance: int = 0
    daily_limit: int = 0
    lockup_period: int = 0
    breaker_share_bps: int = 0
    breaker_window: int = 0
    jurisdictions: set[int] = field(default_factory=set)

    def on(self, rule: Rule) -> bool:
        """Whether `rule` is switched on."""
        return self.rules & rule != 0


@dataclass
class RecordSnapshot:
    """Wallet balances and the supply as they stood at a record date."""

    balances: dict[str, int]
    supply: int


class Token:
    """An entitlement token at `address`, bound to `registry`: an ERC-20 held only by
    registered wallets.
    """

    def __init__(self, registry: Registry, address: str) -> None:
        self.registry = registry
        self.address = address
        self.settings = Settings()
        self.paused = False
        self.holdings: dict[str, Holding] = {}
        self.allowances: dict[tuple[str, str], int] = {}
        # investor id -> (UTC day, units the investor sent to other investors that day).
        self.sent_today: dict[bytes, tuple[int, int]] = {}
        self.window_start = 0
        self.window_moved = 0
        self.record_dates: list[int] = []
        self.snapshots: list[RecordSnapshot] = []

    # ------------------------------------------------------------ reading

    def holding(self, wallet: str) -> Holding:
        """A wallet's holding (empty if it never held)."""
        return self.holdings.get(wallet) or Holding()

    def balance(self, wallet: str) -> int:
        """A wallet's balance."""
        return self.holding(wallet).balance

    def supply(self) -> int:
        """Units in issue: the sum of every wallet's balance."""
        return sum(h.balance for h in self.holdings.values())

    def investor_balance(self, investor_id: bytes) -> int:
        """An investor's units across all its wallets, active and retired."""
        return sum(
            h.balance for w, h in self.holdings.items() if self.registry.owner.get(w) == investor_id
        )

    def investor_count(self) -> int:
        """Investors holding at least one unit (investors, not wallets)."""
        return sum(1 for i in self.registry.investors if self.investor_balance(i) > 0)

    def locked(self, wallet: str, now: int) -> tuple[int, int]:
        """Units under a live lock-up and when the first of them unlock; (0, 0) when nothing is
        locked.
        """
        live = self.holding(wallet).live_lots(now)
        if not live:
            return 0, 0
        return sum(lot.amount for lot in live), live[0].until

    def restricted(self, wallet: str, now: int) -> int:
        """Units the wallet may not send: frozen, plus locked while the lock-up rule is on."""
        h = self.holding(wallet)
        held = h.frozen
        if self.settings.on(Rule.LOCKUP):
            held += sum(lot.amount for lot in h.live_lots(now))
        return min(held, h.balance)

    def transferable(self, wallet: str, now: int) -> int:
        """Units the wallet may send now."""
        return self.balance(wallet) - self.restricted(wallet, now)

    def sent_on(self, investor_id: bytes, now: int) -> int:
        """Units the investor sent to other investors on the UTC day of `now`."""
        day, volume = self.sent_today.get(investor_id, (-1, 0))
        return volume if day == now // DAY else 0

    def allowance(self, owner: str, spender: str) -> int:
        """What `spender` may move from `owner`."""
        return self.allowances.get((owner, spender), 0)

    # ------------------------------------------------------------ the rules

    def restriction(self, sender: str, receiver: str, amount: int, now: int) -> Code:
        """The first rule an ordinary transfer breaks (ERC-1404), or SUCCESS."""
        if self.paused:
            return Code.TOKEN_PAUSED
        code = self._eligibility(sender, now, sending=True)
        if code:
            return code
        code = self._eligibility(receiver, now, sending=False)
        if code:
            return code
        h = self.holding(sender)
        if amount > h.balance:
            return Code.INSUFFICIENT_BALANCE
        if amount > h.balance - h.frozen:
            return Code.BALANCE_FROZEN
        if amount > self.transferable(sender, now):
            return Code.TOKENS_LOCKED
        sending_id, receiving_id = self.registry.owner[sender], self.registry.owner[receiver]
        # Moving units between wallets of one investor never counts against investor limits.
        if sending_id == receiving_id:
            return Code.SUCCESS
        sender_exits = self.investor_balance(sending_id) == amount
        code = self._receiver_limits(receiving_id, amount, sender_exits=sender_exits)
        if code:
            return code
        s = self.settings
        if s.on(Rule.DAILY_LIMIT) and self.sent_on(sending_id, now) + amount > s.daily_limit:
            return Code.DAILY_LIMIT_EXCEEDED
        return Code.SUCCESS

    def _eligibility(self, wallet: str, now: int, *, sending: bool) -> Code:
        """Registration, investor freeze, KYC, class (receivers only) and jurisdiction."""
        s = self.settings

        def side(for_sender: Code, for_receiver: Code) -> Code:
            return for_sender if sending else for_receiver

        if not self.registry.is_registered(wallet):
            return side(Code.SENDER_NOT_REGISTERED, Code.RECEIVER_NOT_REGISTERED)
        investor = self.registry.investor_of(wallet)
        assert investor is not None
        if investor.frozen:
            return side(Code.SENDER_FROZEN, Code.RECEIVER_FROZEN)
        if s.on(Rule.KYC) and investor.kyc_expiry <= now:
            return side(Code.SENDER_KYC_EXPIRED, Code.RECEIVER_KYC_EXPIRED)
        class_allowed = s.allowed_classes & (1 << investor.investor_class) != 0
        if not sending and s.on(Rule.INVESTOR_CLASS) and not class_allowed:
            return Code.RECEIVER_CLASS_NOT_ALLOWED
        listed = investor.country in s.jurisdictions
        allowlist_breach = s.on(Rule.JURISDICTION_ALLOWLIST) and not listed
        blocklist_breach = s.on(Rule.JURISDICTION_BLOCKLIST) and listed
        if allowlist_breach or blocklist_breach:
            return side(
                Code.SENDER_JURISDICTION_NOT_ALLOWED, Code.RECEIVER_JURISDICTION_NOT_ALLOWED
            )
        return Code.SUCCESS

    def _receiver_limits(self, receiving_id: bytes, amount: int, *, sender_exits: bool) -> Code:
        """Maximum investors and maximum balance for the investor receiving `amount`."""
        s = self.settings
        held = self.investor_balance(receiving_id)
        # A new holder raises the count unless the sending investor leaves at the same time; a
        # zero amount makes nobody a holder.
        newcomer = held == 0 and amount > 0 and not sender_exits
        if s.on(Rule.MAX_INVESTORS) and newcomer and self.investor_count() >= s.max_investors:
            return Code.MAX_INVESTORS_REACHED
        if s.on(Rule.MAX_BALANCE) and held + amount > s.max_balance:
            return Code.MAX_BALANCE_EXCEEDED
        return Code.SUCCESS

    # ------------------------------------------------------------ holders' operations

    def transfer(self, sender: str, receiver: str, amount: int, now: int) -> Revert | None:
        """An ordinary transfer under every rule."""
        self.settle(now)
        if receiver == ZERO:
            return Revert("ERC20InvalidReceiver", (ZERO,))
        code = self.restriction(sender, receiver, amount, now)
        if code:
            return rejected(sender, receiver, amount, code)
        sending_id, receiving_id = self.registry.owner[sender], self.registry.owner[receiver]
        self._debit(sender, amount, now)
        self._credit(receiver, amount)
        if sending_id != receiving_id:
            if self.settings.on(Rule.DAILY_LIMIT):
                self.sent_today[sending_id] = (now // DAY, self.sent_on(sending_id, now) + amount)
            if self.settings.on(Rule.CIRCUIT_BREAKER):
                self._count_for_breaker(amount, now)
        return None

    def transfer_from(
        self, spender: str, owner: str, receiver: str, amount: int, now: int
    ) -> Revert | None:
        """A transfer by a spender on the owner's allowance (checked before the rules)."""
        self.settle(now)
        allowed = self.allowance(owner, spender)
        if allowed != UNLIMITED_ALLOWANCE and allowed < amount:
            return Revert("ERC20InsufficientAllowance", (spender, allowed, amount))
        problem = self.transfer(owner, receiver, amount, now)
        if problem is None and allowed != UNLIMITED_ALLOWANCE:
            self.allowances[(owner, spender)] = allowed - amount
        return problem

    def approve(self, owner: str, spender: str, amount: int, now: int) -> Revert | None:
        """Let `spender` move up to `amount` of the owner's units."""
        self.settle(now)
        if spender == ZERO:
            return Revert("ERC20InvalidSpender", (ZERO,))
        self.allowances[(owner, spender)] = amount
        return None

    # ------------------------------------------------------------ issuer

    def mint(self, receiver: str, amount: int, now: int) -> Revert | None:
        """Issue units to a wallet that passes the receiver's rules; locked under lock-up."""
        self.settle(now)
        if self.paused:
            return Revert("TokenPaused")
        if receiver == ZERO:
            return Revert("ERC20InvalidReceiver", (ZERO,))
        if amount > MAX_AMOUNT - self.supply():
            return Revert("TokenAmountTooLarge", (amount,))
        code = self._eligibility(receiver, now, sending=False)
        if not code:
            code = self._receiver_limits(self.registry.owner[receiver], amount, sender_exits=False)
        if code:
            return rejected(ZERO, receiver, amount, code)
        s = self.settings
        if s.on(Rule.LOCKUP) and s.lockup_period:
            self.holdings.setdefault(receiver, Holding()).lock(
                [Lot(amount, now + s.lockup_period)], now
            )
        self._credit(receiver, amount)
        return None

    def burn(self, wallet: str, amount: int, now: int) -> Revert | None:
        """Cancel unfrozen units (locked units may be burnt)."""
        self.settle(now)
        if self.paused:
            return Revert("TokenPaused")
        h = self.holding(wallet)
        if amount > h.balance:
            return Revert("ERC20InsufficientBalance", (wallet, h.balance, amount))
        if amount > h.balance - h.frozen:
            return Revert(
                "ERC7943InsufficientUnfrozenBalance", (wallet, amount, h.balance - h.frozen)
            )
        self._debit(wallet, amount, now)
        return None

    def mint_batch(self, issues: Iterable[tuple[str, int]], now: int) -> Revert | None:
        """Issue to many wallets, one after the other; all or nothing."""
        self.settle(now)
        return self._all_or_nothing([partial(self.mint, w, a, now) for w, a in issues])

    def burn_batch(self, burns: Iterable[tuple[str, int]], now: int) -> Revert | None:
        """Burn from many wallets, one after the other; all or nothing."""
        self.settle(now)
        return self._all_or_nothing([partial(self.burn, w, a, now) for w, a in burns])

    def schedule_record_date(self, time: int, now: int) -> Revert | None:
        """A record date at `time`: now or later, and not before the last one scheduled."""
        self.settle(now)
        earliest = max([now, *self.record_dates[-1:]])
        if time < earliest:
            return Revert("TokenRecordDateInvalid", (time, earliest))
        self.record_dates.append(time)
        self.settle(now)
        return None

    # ------------------------------------------------------------ transfer agent

    def forced_transfer(self, sender: str, receiver: str, amount: int, now: int) -> Revert | None:
        """Move units past every investor rule, freeze and pause; the receiver must be registered.

        Frozen and locked units go first only as far as the rest does not cover the amount.
        """
        self.settle(now)
        if sender == receiver:
            return Revert("TokenForcedTransferToSelf", (sender,))
        if receiver == ZERO:
            return Revert("ERC20InvalidReceiver", (ZERO,))
        if not self.registry.is_registered(receiver):
            return rejected(sender, receiver, amount, Code.RECEIVER_NOT_REGISTERED)
        balance = self.balance(sender)
        if amount > balance:
            return Revert("ERC20InsufficientBalance", (sender, balance, amount))
        self._debit(sender, amount, now)
        self._credit(receiver, amount)
        return None

    def set_frozen(self, wallet: str, amount: int, now: int) -> Revert | None:
        """Freeze exactly `amount` of a wallet's units (zero releases them)."""
        self.settle(now)
        balance = self.balance(wallet)
        if amount > balance:
            return Revert("TokenFrozenExceedsBalance", (wallet, amount, balance))
        self.holdings.setdefault(wallet, Holding()).frozen = amount
        return None

    def recover_wallet(self, lost: str, new: str, now: int) -> Revert | None:
        """Move a lost wallet's whole holding (frozen and locked units too) to another wallet of
        the same investor; investor balances do not change.
        """
        self.settle(now)
        owner = self.registry.owner.get(lost)
        same_investor = owner is not None and owner == self.registry.owner.get(new)
        if lost == new or not self.registry.is_registered(new) or not same_investor:
            return Revert("TokenRecoveryInvalid", (lost, new))
        gone = self.holdings.pop(lost, Holding())
        gain = self.holdings.setdefault(new, Holding())
        gain.balance += gone.balance
        gain.frozen += gone.frozen
        gain.lock(gone.live_lots(now), now)
        return None

    # ------------------------------------------------------------ pauser

    def pause(self, now: int) -> Revert | None:
        """Stop transfers, issues and burns (forced transfers and recoveries still work)."""
        self.settle(now)
        self.paused = True
        return None

    def unpause(self, now: int) -> Revert | None:
        """Resume, with a new circuit-breaker window starting now."""
        self.settle(now)
        self.paused = False
        self.window_start, self.window_moved = now, 0
        return None

    # ------------------------------------------------------------ compliance officer

    def set_rules(self, rules: int, now: int) -> Revert | None:
        """Switch rules on and off; the two jurisdiction modes exclude each other, and the
        circuit breaker needs its settings first.
        """
        self.settle(now)
        if rules & ~ALL_RULES:
            return Revert("ComplianceRuleUnknown", (rules,))
        both = Rule.JURISDICTION_ALLOWLIST | Rule.JURISDICTION_BLOCKLIST
        if rules & both == both:
            return Revert("ComplianceJurisdictionModeConflict", (rules,))
        if rules & Rule.CIRCUIT_BREAKER and not self.settings.breaker_share_bps:
            return Revert("ComplianceBreakerNotConfigured", (self.address,))
        self.settings.rules = rules
        return None

    def set_allowed_classes(self, mask: int, now: int) -> Revert | None:
        """The classes the class rule admits (bit `1 << class`)."""
        self.settle(now)
        if mask & ~ALL_CLASSES:
            return Revert("ComplianceClassMaskInvalid", (mask,))
        self.settings.allowed_classes = mask
        return None

    def set_jurisdictions(
        self, countries: Iterable[int], *, listed: bool, now: int
    ) -> Revert | None:
        """Put jurisdictions on the list or take them off."""
        self.settle(now)
        codes = list(countries)
        bad = next((c for c in codes if not 1 <= c <= 999), None)
        if bad is not None:
            return Revert("ComplianceCountryInvalid", (bad,))
        for country in codes:
            if listed:
                self.settings.jurisdictions.add(country)
            else:
                self.settings.jurisdictions.discard(country)
        return None

    def set_investor_limits(
        self, *, max_investors: int, max_balance: int, daily_limit: int, now: int
    ) -> Revert | None:
        """Maximum investors, maximum balance per investor, daily limit per investor."""
        self.settle(now)
        s = self.settings
        s.max_investors, s.max_balance, s.daily_limit = max_investors, max_balance, daily_limit
        return None

    def set_lockup_period(self, seconds: int, now: int) -> Revert | None:
        """How long units issued from now on stay locked."""
        self.settle(now)
        self.settings.lockup_period = seconds
        return None

    def set_circuit_breaker(self, share_bps: int, window: int, now: int) -> Revert | None:
        """Pause when more than `share_bps` of supply moves within `window`; a change starts a
        new window.
        """
        self.settle(now)
        if not 1 <= share_bps <= 10_000 or window == 0:
            return Revert("ComplianceBreakerInvalid", (share_bps, window))
        s = self.settings
        if (share_bps, window) != (s.breaker_share_bps, s.breaker_window):
            s.breaker_share_bps, s.breaker_window = share_bps, window
            self.window_start, self.window_moved = now, 0
        return None

    # ------------------------------------------------------------ record dates

    def passed_record_dates(self, now: int) -> int:
        """Record dates whose time has come (a record date at `now` has passed)."""
        return sum(1 for t in self.record_dates if t <= now)

    def settle(self, now: int) -> None:
        """Take the holders of record of every record date that has come by `now`.

        Called before anything changes at `now`: a change in the block of a record date comes
        after it.
        """
        while len(self.snapshots) < self.passed_record_dates(now):
            balances = {w: h.balance for w, h in self.holdings.items() if h.balance}
            self.snapshots.append(RecordSnapshot(balances, self.supply()))

    def balance_at(self, wallet: str, record_id: int, now: int) -> int | Revert:
        """A wallet's balance at a passed record date."""
        snapshot = self._snapshot(record_id, now)
        return snapshot if isinstance(snapshot, Revert) else snapshot.balances.get(wallet, 0)

    def investor_balance_at(self, investor_id: bytes, record_id: int, now: int) -> int | Revert:
        """An investor's balance, across all its wallets, at a passed record date (zero for an
        investor the registry does not know, like a wallet that never held).
        """
        snapshot = self._snapshot(record_id, now)
        if isinstance(snapshot, Revert):
            return snapshot
        return sum(
            b for w, b in snapshot.balances.items() if self.registry.owner.get(w) == investor_id
        )

    def supply_at(self, record_id: int, now: int) -> int | Revert:
        """The supply at a passed record date."""
        snapshot = self._snapshot(record_id, now)
        return snapshot if isinstance(snapshot, Revert) else snapshot.supply

    def _snapshot(self, record_id: int, now: int) -> RecordSnapshot | Revert:
        self.settle(now)
        if not 1 <= record_id <= len(self.record_dates):
            return Revert("TokenRecordDateUnknown", (record_id,))
        if record_id > self.passed_record_dates(now):
            return Revert("TokenRecordDateNotPassed", (record_id,))
        return self.snapshots[record_id - 1]

    # ------------------------------------------------------------ balance changes

    def _debit(self, wallet: str, amount: int, now: int) -> None:
        """Take units; frozen and locked units shrink only as far as the balance no longer
        covers them.
        """
        h = self.holdings[wallet] if amount else self.holding(wallet)
        h.balance -= amount
        h.frozen = min(h.frozen, h.balance)
        # What leaves releases the earliest locks first: what stays is locked longest.
        excess = sum(lot.amount for lot in h.live_lots(now)) - h.balance
        kept = []
        for lot in h.live_lots(now):
            if excess > 0 and lot.amount <= excess:
                excess -= lot.amount
                continue
            if excess > 0:
                lot, excess = Lot(lot.amount - excess, lot.until), 0
            kept.append(lot)
        h.lots = kept

    def _credit(self, wallet: str, amount: int) -> None:
        self.holdings.setdefault(wallet, Holding()).balance += amount

    def _count_for_breaker(self, amount: int, now: int) -> None:
        s = self.settings
        if now >= self.window_start + s.breaker_window:
            self.window_start, self.window_moved = now, 0
        self.window_moved += amount
        if self.window_moved * 10_000 > self.supply() * s.breaker_share_bps:
            self.paused = True

    def _all_or_nothing(self, steps: list[Callable[[], Revert | None]]) -> Revert | None:
        saved = copy.deepcopy(self.holdings)
        for step in steps:
            problem = step()
            if problem:
                self.holdings = saved
                return problem
        return None


class LedgerModel:
    """The registry and one token bound to it, at `token_address`."""

    def __init__(self, token_address: str) -> None:
        self.registry = Registry()
        self.token = Token(self.registry, token_address)
