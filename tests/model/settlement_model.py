"""An independent model of DvP settlement and cash distributions over two tokens.

The shares are an entitlement token held only by registered wallets (no transfer rules are
switched on); the cash is the unrestricted stablecoin. Every holder approved the escrow for
everything, so allowances never bind; a wallet's encumbrance to the escrow is its locked legs,
and units it pledged to the collateral vault (`tests.model.vault_model`) are encumbered too, so
not free for the escrow. Each operation returns None when it succeeds (and
then applies its effects) or the outcome the SDK must raise, as a tuple: the error's name, then
its arguments or codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from permledger.settlement import Trade, TradeStatus

Outcome = tuple[object, ...] | None

SENDER_NOT_REGISTERED = 2
RECEIVER_NOT_REGISTERED = 6
INSUFFICIENT_BALANCE = 11
BALANCE_ENCUMBERED = 19
AVAILABLE_BALANCE_INSUFFICIENT = 34
UNKNOWN, SETTLED, CANCELLED, EXPIRED = 48, 49, 50, 51
SELLER_NOT_AFFIRMED, BUYER_NOT_AFFIRMED = 52, 53
SUPPLIED_BY_SIGNATURES = {0, UNKNOWN, SELLER_NOT_AFFIRMED, BUYER_NOT_AFFIRMED}
"""State codes `settle_with_affirmations` makes good itself (the SDK's dry run ignores them)."""
NOBODY = "0x0000000000000000000000000000000000000000"


@dataclass
class Asset:
    """One token: balances, and the units encumbered to the escrow (`locked`) and to the
    collateral vault (`pledged`), by wallet.

    `registered` is None for a token anyone may hold, else the wallets that may hold it."""

    address: str
    balances: dict[str, int] = field(default_factory=dict)
    locked: dict[str, int] = field(default_factory=dict)
    pledged: dict[str, int] = field(default_factory=dict)
    registered: set[str] | None = None

    def balance(self, wallet: str) -> int:
        return self.balances.get(wallet, 0)

    def available(self, wallet: str) -> int:
        """Units free of encumbrances."""
        return self.balance(wallet) - self.locked.get(wallet, 0) - self.pledged.get(wallet, 0)

    def supply(self) -> int:
        return sum(self.balances.values())

    def move(self, source: str, to: str, amount: int) -> None:
        self.balances[source] = self.balance(source) - amount
        self.balances[to] = self.balance(to) + amount

    def lock(self, wallet: str, amount: int) -> None:
        self.locked[wallet] = self.locked.get(wallet, 0) + amount

    def pledge(self, wallet: str, amount: int) -> None:
        self.pledged[wallet] = self.pledged.get(wallet, 0) + amount

    def rules_code(self, source: str, to: str) -> int:
        """The token's rule verdict on a transfer, blind to balances (as the escrow asks it)."""
        if self.registered is None:
            return 0
        if source not in self.registered:
            return SENDER_NOT_REGISTERED
        return RECEIVER_NOT_REGISTERED if to not in self.registered else 0

    def capacity_code(self, owner: str, amount: int, closing: int) -> int:
        """Whether the escrow can take `amount` from `owner`, `closing` of it from locked legs."""
        if self.balance(owner) < amount:
            return INSUFFICIENT_BALANCE
        if amount <= closing:
            return 0
        return AVAILABLE_BALANCE_INSUFFICIENT if self.available(owner) < amount - closing else 0


@dataclass
class TradeRecord:
    """What the escrow records about a trade."""

    status: TradeStatus
    seller_affirmed: bool
    buyer_affirmed: bool
    security_locked: bool
    cash_locked: bool
    deadline: int
    proposer: str
    struck_at: int = 0  # when it was proposed (0: never)


@dataclass
class DistributionRecord:
    """One funded distribution: each investor's share is fixed at announcement."""

    funded: int
    deadline: int
    shares: dict[bytes, int]
    paid: set[bytes] = field(default_factory=set)
    disbursed: int = 0


@dataclass
class SettlementModel:
    """Shares, cash, the escrow's trades and the distributions."""

    shares: Asset
    cash: Asset
    escrow: str
    venue: str
    issuer: str
    distributor: str
    """The distributions contract, which holds the funded cash."""
    owner: Mapping[str, bytes]
    """Registered wallets' investors."""
    trades: dict[bytes, TradeRecord] = field(default_factory=dict)
    records: dict[int, tuple[int, dict[bytes, int]]] = field(default_factory=dict)
    """Record dates: the supply and each investor's balance at each."""
    distributions: dict[int, DistributionRecord] = field(default_factory=dict)

    # ---------------------------------------------------------------- DvP

    def lock_error(self, asset: Asset, owner: str, amount: int, taker: str = "") -> Outcome:
        """The token's error when `taker` (the escrow unless named) cannot encumber `amount` more
        of `owner`'s units."""
        if asset is self.shares:
            code = 0
            if owner not in (asset.registered or set()):
                code = SENDER_NOT_REGISTERED
            elif amount > asset.balance(owner):
                code = INSUFFICIENT_BALANCE
            elif amount > asset.available(owner):
                code = BALANCE_ENCUMBERED
            rejected = ("TokenEncumbranceRejected", owner, taker or self.escrow, amount, code)
            return rejected if code else None
        available = asset.available(owner)
        if amount > available:
            return ("CashInsufficientAvailableBalance", owner, available, amount)
        return None

    def _party_flags(self, trade: Trade, sender: str, lock: bool) -> Outcome | TradeRecord:
        if sender == trade.seller:
            return TradeRecord(
                TradeStatus.PROPOSED, True, False, lock, False, trade.deadline, sender
            )
        if sender == trade.buyer:
            return TradeRecord(
                TradeStatus.PROPOSED, False, True, False, lock, trade.deadline, sender
            )
        return ("SettlementNotParty", trade.id, sender)

    def _lock_leg(self, trade: Trade, seller: bool) -> Outcome:
        asset, owner, amount = (
            (self.shares, trade.seller, trade.security_amount)
            if seller
            else (self.cash, trade.buyer, trade.cash_amount)
        )
        error = self.lock_error(asset, owner, amount)
        if error is None:
            asset.lock(owner, amount)
        return error

    def propose(self, trade: Trade, sender: str, lock: bool, now: int) -> Outcome:
        """A party proposes (affirming, locking its leg if `lock`), or the venue."""
        if sender in (trade.seller, trade.buyer):
            record = self._party_flags(trade, sender, lock)
            assert isinstance(record, TradeRecord)
        elif sender != self.venue:
            return ("SettlementNotParty", trade.id, sender)
        elif lock:
            return ("SettlementVenueCannotLock", trade.id)
        else:
            record = TradeRecord(
                TradeStatus.PROPOSED, False, False, False, False, trade.deadline, sender
            )
        if now > trade.deadline:
            return ("SettlementDeadlinePassed", trade.id, trade.deadline)
        if trade.id in self.trades:
            return ("SettlementExists", trade.id)
        if lock and (error := self._lock_leg(trade, sender == trade.seller)):
            return error
        record.struck_at = now
        self.trades[trade.id] = record
        return None

    def _open_error(self, trade: Trade, now: int) -> Outcome:
        record = self.trades.get(trade.id)
        if record is None:
            return ("SettlementUnknown", trade.id)
        if record.status != TradeStatus.PROPOSED:
            return ("SettlementWrongStatus", trade.id, int(record.status))
        if now > record.deadline:
            return ("SettlementDeadlinePassed", trade.id, record.deadline)
        return None

    def affirm(self, trade: Trade, sender: str, lock: bool, now: int) -> Outcome:
        """A party affirms on-chain, locking its leg if `lock`."""
        mine = self._party_flags(trade, sender, lock)
        if not isinstance(mine, TradeRecord):
            return mine
        if error := self._open_error(trade, now):
            return error
        record = self.trades[trade.id]
        seller = sender == trade.seller
        if record.seller_affirmed if seller else record.buyer_affirmed:
            return ("SettlementAlreadyAffirmed", trade.id, sender)
        if lock and (error := self._lock_leg(trade, seller)):
            return error
        if seller:
            record.seller_affirmed, record.security_locked = True, record.security_locked or lock
        else:
            record.buyer_affirmed, record.cash_locked = True, record.cash_locked or lock
        return None

    def state_code(self, trade: Trade, now: int) -> int:
        """The escrow's verdict on the trade itself for `settle`."""
        record = self.trades.get(trade.id)
        if record is None:
            return UNKNOWN
        if record.status == TradeStatus.SETTLED:
            return SETTLED
        if record.status == TradeStatus.CANCELLED:
            return CANCELLED
        if record.status == TradeStatus.EXPIRED or now > record.deadline:
            return EXPIRED
        if not record.seller_affirmed:
            return SELLER_NOT_AFFIRMED
        return 0 if record.buyer_affirmed else BUYER_NOT_AFFIRMED

    def _closing(self, trade: Trade) -> tuple[int, int]:
        record = self.trades.get(trade.id)
        if record is None:
            return 0, 0
        return (
            trade.security_amount if record.security_locked else 0,
            trade.cash_amount if record.cash_locked else 0,
        )

    def leg_codes(self, trade: Trade) -> tuple[int, int]:
        """Each leg's verdict: the token's rules, then what the escrow can take."""
        security_closing, cash_closing = self._closing(trade)
        codes = []
        for asset, source, to, amount, closing in (
            (self.shares, trade.seller, trade.buyer, trade.security_amount, security_closing),
            (self.cash, trade.buyer, trade.seller, trade.cash_amount, cash_closing),
        ):
            code = asset.rules_code(source, to)
            codes.append(code or asset.capacity_code(source, amount, closing))
        return codes[0], codes[1]

    def _deliver(self, trade: Trade) -> None:
        security_closing, cash_closing = self._closing(trade)
        for asset, source, to, amount, closing in (
            (self.shares, trade.seller, trade.buyer, trade.security_amount, security_closing),
            (self.cash, trade.buyer, trade.seller, trade.cash_amount, cash_closing),
        ):
            asset.move(source, to, amount)
            asset.lock(source, -closing)

    def settle(self, trade: Trade, now: int) -> Outcome:
        """`settle` after the SDK's dry run."""
        state, security, cash = self.state_code(trade, now), *self.leg_codes(trade)
        if state or security or cash:
            return ("SettlementRejected", state, security, cash)
        self._deliver(trade)
        self.trades[trade.id].status = TradeStatus.SETTLED
        return None

    def settle_with_affirmations(
        self, trade: Trade, sender: str, *, seller_signed: bool, buyer_signed: bool, now: int
    ) -> Outcome:
        """Consents by signature (or as the sender, or given before), then `settle`; a trade
        not proposed yet is proposed by the sender."""
        state, security, cash = self.state_code(trade, now), *self.leg_codes(trade)
        if state in SUPPLIED_BY_SIGNATURES:
            state = 0
        if state or security or cash:
            return ("SettlementRejected", state, security, cash)
        record = self.trades.get(trade.id)
        if record is None:
            if now > trade.deadline:
                return ("SettlementDeadlinePassed", trade.id, trade.deadline)
            record = TradeRecord(
                TradeStatus.PROPOSED,
                sender == trade.seller,
                sender == trade.buyer,
                False,
                False,
                trade.deadline,
                sender,
                now,
            )
        for party, signed, given in (
            (trade.seller, seller_signed, record.seller_affirmed),
            (trade.buyer, buyer_signed, record.buyer_affirmed),
        ):
            if not (signed or given or sender == party):
                return ("SettlementNotAffirmed", trade.id, party)
        self.trades[trade.id] = record
        self._deliver(trade)
        record.status, record.seller_affirmed, record.buyer_affirmed = (
            TradeStatus.SETTLED,
            True,
            True,
        )
        return None

    def _release(self, trade: Trade, record: TradeRecord) -> None:
        if record.security_locked:
            self.shares.lock(trade.seller, -trade.security_amount)
        if record.cash_locked:
            self.cash.lock(trade.buyer, -trade.cash_amount)

    def cancel(self, trade: Trade, sender: str) -> Outcome:
        """A party (or the proposer) cancels a trade that is proposed, or not yet known."""
        record = self.trades.get(trade.id)
        proposer = record.proposer if record else NOBODY
        if sender not in (trade.seller, trade.buyer, proposer):
            return ("SettlementNotParty", trade.id, sender)
        if record is None:
            record = TradeRecord(
                TradeStatus.NONE, False, False, False, False, trade.deadline, NOBODY
            )
        elif record.status != TradeStatus.PROPOSED:
            return ("SettlementWrongStatus", trade.id, int(record.status))
        else:
            self._release(trade, record)
        record.status = TradeStatus.CANCELLED
        self.trades[trade.id] = record
        return None

    def expire(self, trade: Trade, now: int) -> Outcome:
        """Anyone expires a proposed trade past its deadline."""
        record = self.trades.get(trade.id)
        if record is None:
            return ("SettlementUnknown", trade.id)
        if record.status != TradeStatus.PROPOSED:
            return ("SettlementWrongStatus", trade.id, int(record.status))
        if now <= record.deadline:
            return ("SettlementDeadlineNotPassed", trade.id, record.deadline)
        record.status = TradeStatus.EXPIRED
        self._release(trade, record)
        return None

    def settle_batch(self, trades: list[Trade], now: int) -> Outcome:
        """The venue settles distinct trades netted, after the SDK's dry run."""
        state, index = 0, None
        positions: dict[tuple[str, str], list[int]] = {}
        for i, trade in enumerate(trades):
            code = self.state_code(trade, now)
            if code and not state:
                state, index = code, i
            security_closing, cash_closing = self._closing(trade)
            for key, change, closing in (
                ((self.shares.address, trade.seller), -trade.security_amount, security_closing),
                ((self.shares.address, trade.buyer), trade.security_amount, 0),
                ((self.cash.address, trade.buyer), -trade.cash_amount, cash_closing),
                ((self.cash.address, trade.seller), trade.cash_amount, 0),
            ):
                position = positions.setdefault(key, [0, 0])
                position[0] += change
                position[1] += closing
        assets = {self.shares.address: self.shares, self.cash.address: self.cash}
        short = set()
        for (token, party), (net, closing) in positions.items():
            if net < 0 or closing:
                code = assets[token].capacity_code(party, max(-net, 0), closing)
                if code:
                    short.add((token, party, code))
        blocked = set()
        for token, source, to, _ in self._plan(positions):
            code = assets[token].rules_code(source, to)
            if code:
                blocked.add((token, source, to, code))
        if state or short or blocked:
            return ("BatchRejected", state, index, frozenset(short), frozenset(blocked))
        for (token, party), (net, closing) in positions.items():
            assets[token].balances[party] = assets[token].balance(party) + net
            assets[token].lock(party, -closing)
        for trade in trades:
            self.trades[trade.id].status = TradeStatus.SETTLED
        return None

    @staticmethod
    def _plan(positions: dict[tuple[str, str], list[int]]) -> list[tuple[str, str, str, int]]:
        """The batch's transfers: each debtor in order pays the creditors of its token in order."""
        keys = list(positions)
        owed = {k: max(positions[k][0], 0) for k in keys}
        movements = []
        for debtor in keys:
            due = -positions[debtor][0]
            for creditor in keys:
                if due <= 0:
                    break
                if owed[creditor] and creditor[0] == debtor[0]:
                    amount = min(due, owed[creditor])
                    movements.append((debtor[0], debtor[1], creditor[1], amount))
                    owed[creditor] -= amount
                    due -= amount
        return movements

    # ---------------------------------------------------------------- distributions

    def investor_balances(self) -> dict[bytes, int]:
        """Each investor's units across its wallets."""
        totals: dict[bytes, int] = {}
        for wallet, investor in self.owner.items():
            totals[investor] = totals.get(investor, 0) + self.shares.balance(wallet)
        return totals

    def record(self, record_id: int) -> None:
        """A record date passes now: the supply and investor balances are fixed."""
        self.records[record_id] = (self.shares.supply(), self.investor_balances())

    def announce(self, distribution_id: int, record_id: int, amount: int, deadline: int) -> None:
        """The issuer funds a distribution on a passed record date (with holders of record)."""
        supply, balances = self.records[record_id]
        shares = {investor: amount * units // supply for investor, units in balances.items()}
        self.distributions[distribution_id] = DistributionRecord(amount, deadline, shares)
        self.cash.move(self.issuer, self.distributor, amount)

    def _payment(self, distribution_id: int, wallet: str) -> Outcome | bytes:
        if distribution_id not in self.distributions:
            return ("DistributionUnknown", distribution_id)
        if wallet not in self.owner:
            return ("DistributionWalletNotRegistered", wallet)
        return self.owner[wallet]

    def _pay(self, distribution: DistributionRecord, investor: bytes, wallet: str) -> None:
        share = distribution.shares.get(investor, 0)
        distribution.paid.add(investor)
        distribution.disbursed += share
        self.cash.move(self.distributor, wallet, share)

    def claim(self, distribution_id: int, wallet: str, now: int) -> Outcome:
        """An investor claims its share to the claiming wallet."""
        investor = self._payment(distribution_id, wallet)
        if not isinstance(investor, bytes):
            return investor
        d = self.distributions[distribution_id]
        if investor in d.paid:
            return ("DistributionAlreadyPaid", distribution_id, investor)
        if now > d.deadline:
            return ("DistributionClaimPeriodOver", distribution_id, d.deadline)
        if not d.shares.get(investor):
            return ("DistributionNothingOwed", distribution_id, investor)
        self._pay(d, investor, wallet)
        return None

    def push(self, distribution_id: int, wallets: Sequence[str], now: int) -> Outcome:
        """The transfer agent pays the wallets' investors still owed, while claims are open."""
        for wallet in wallets:
            if not isinstance(found := self._payment(distribution_id, wallet), bytes):
                return found
        d = self.distributions[distribution_id]
        for wallet in wallets:
            investor = self.owner[wallet]
            if investor not in d.paid and d.shares.get(investor) and now <= d.deadline:
                self._pay(d, investor, wallet)
        return None

    def reclaim(self, distribution_id: int, now: int) -> Outcome:
        """The issuer takes back what was not paid, after the deadline."""
        if distribution_id not in self.distributions:
            return ("DistributionUnknown", distribution_id)
        d = self.distributions[distribution_id]
        if now <= d.deadline:
            return ("DistributionClaimPeriodOpen", distribution_id, d.deadline)
        amount = d.funded - d.disbursed
        if not amount:
            return ("DistributionNothingToReclaim", distribution_id)
        d.disbursed += amount
        self.cash.move(self.distributor, self.issuer, amount)
        return None
