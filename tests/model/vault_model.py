"""An independent model of the collateral vault and its price feed.

Assets are pledged in place (an ERC-7246 encumbrance to the vault: the entitlement token and the
stablecoin) or taken into custody (a plain ERC-20). An account's value is, per pledged asset in
listing order, position x price x (1 - haircut), each term rounded down; it is fresh when every
pledged asset's price is younger than the asset's maximum age. Each operation returns None when
it succeeds (and then applies its effects) or the error the SDK must raise, as a tuple: the
error's name, then its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.model.settlement_model import Asset, Outcome, SettlementModel

BPS = 10_000
PRICE_SCALE = 10**18


@dataclass(frozen=True)
class Listing:
    """An eligible asset: its haircut, its prices' maximum age and how it is held."""

    asset: Asset
    haircut_bps: int
    max_price_age: int
    in_place: bool
    """Pledged by an encumbrance to the vault (else moved into the vault's custody)."""


@dataclass
class MarginAccount:
    """What the vault records about an account besides its positions."""

    requirement: int = 0
    call_deadline: int = 0


@dataclass
class VaultModel:
    """The vault's listings, positions and margin accounts, and the feed's prices."""

    address: str
    cure_window: int
    ledger: SettlementModel
    """The shares and the cash, shared with the escrow's model."""
    listings: dict[str, Listing] = field(default_factory=dict)
    """By asset address, in listing order."""
    prices: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Each asset's last price and when it was posted."""
    positions: dict[tuple[str, str], int] = field(default_factory=dict)
    accounts: dict[str, MarginAccount] = field(default_factory=dict)

    def list_asset(self, listing: Listing) -> None:
        self.listings[listing.asset.address] = listing

    def position(self, account: str, asset: str) -> int:
        return self.positions.get((account, asset), 0)

    def account(self, account: str) -> MarginAccount:
        return self.accounts.setdefault(account, MarginAccount())

    def pledged(self, account: str) -> list[Listing]:
        """The listings `account` has a position in, in listing order."""
        return [c for a, c in self.listings.items() if self.position(account, a)]

    def stale(self, listing: Listing, now: int) -> bool:
        updated_at = self.prices.get(listing.asset.address, (0, 0))[1]
        return updated_at == 0 or now > updated_at + listing.max_price_age

    def value(self, account: str, now: int) -> tuple[int, bool]:
        """The haircut value of `account`, and whether every price it used is fresh."""
        total, fresh = 0, True
        for c in self.pledged(account):
            price = self.prices.get(c.asset.address, (0, 0))[0]
            units = self.position(account, c.asset.address)
            total += units * price * (BPS - c.haircut_bps) // (PRICE_SCALE * BPS)
            fresh = fresh and not self.stale(c, now)
        return total, fresh

    def _fresh_value(self, account: str, now: int, pledged: list[Listing]) -> Outcome | int:
        """The value, or the error naming the first stale price among `pledged`."""
        for c in pledged:
            if self.stale(c, now):
                _, updated_at = self.prices.get(c.asset.address, (0, 0))
                return ("VaultPriceStale", c.asset.address, updated_at, c.max_price_age)
        return self.value(account, now)[0]

    # ---------------------------------------------------------------- operations

    def set_price(self, asset: str, value: int, now: int) -> Outcome:
        """The feeder posts a price."""
        if value == 0:
            return ("PriceFeedPriceInvalid", asset)
        self.prices[asset] = (value, now)
        return None

    def set_requirement(self, account: str, requirement: int) -> Outcome:
        self.account(account).requirement = requirement
        return None

    def deposit(self, account: str, asset: str, amount: int, now: int) -> Outcome:
        """Pledge `amount` (encumbered in place, or moved into custody); a deposit that makes a
        called account's value (at fresh prices) cover its requirement closes the call."""
        c = self.listings.get(asset)
        if c is None:
            return ("VaultAssetNotListed", asset)
        if amount == 0:
            return ("VaultAmountInvalid", asset, 0, 0)
        if c.in_place:
            if error := self.ledger.lock_error(c.asset, account, amount, self.address):
                return error
            c.asset.pledge(account, amount)
        else:
            if c.asset.available(account) < amount:
                return ("ERC20InsufficientBalance", account, c.asset.balance(account), amount)
            c.asset.move(account, self.address, amount)
        self.positions[account, asset] = self.position(account, asset) + amount
        margin = self.account(account)
        if margin.call_deadline:
            value, fresh = self.value(account, now)
            if fresh and value >= margin.requirement:
                margin.call_deadline = 0
        return None

    def _release(self, c: Listing, owner: str, to: str, amount: int) -> None:
        if not c.in_place:
            c.asset.move(self.address, to, amount)
            return
        c.asset.pledge(owner, -amount)
        c.asset.move(owner, to, amount)

    def withdraw(self, account: str, asset: str, amount: int, now: int) -> Outcome:
        """Take back collateral while the value left, at fresh prices, covers the requirement."""
        c = self.listings.get(asset)
        if c is None:
            return ("VaultAssetNotListed", asset)
        held = self.position(account, asset)
        if amount == 0 or amount > held:
            return ("VaultAmountInvalid", asset, amount, held)
        pledged = self.pledged(account)
        self.positions[account, asset] = held - amount
        value = self._fresh_value(account, now, pledged)
        margin = self.account(account)
        if not isinstance(value, int) or value < margin.requirement:
            self.positions[account, asset] = held
            if isinstance(value, int):
                return ("VaultWithdrawalExceedsExcess", account, value, margin.requirement)
            return value
        self._release(c, account, account, amount)
        return None

    def margin_call(self, account: str, now: int) -> Outcome:
        """The clearing agent calls an account short of its requirement at fresh prices."""
        margin = self.account(account)
        if margin.call_deadline:
            return ("VaultMarginCallOpen", account, margin.call_deadline)
        value = self._fresh_value(account, now, self.pledged(account))
        if not isinstance(value, int):
            return value
        if value >= margin.requirement:
            return ("VaultMarginSufficient", account, value, margin.requirement)
        margin.call_deadline = now + self.cure_window
        return None

    def cure(self, account: str, now: int) -> Outcome:
        """Anyone closes a call the account's value now covers."""
        margin = self.account(account)
        if not margin.call_deadline:
            return ("VaultNoMarginCall", account)
        value = self._fresh_value(account, now, self.pledged(account))
        if not isinstance(value, int):
            return value
        if value < margin.requirement:
            return ("VaultMarginSufficient", account, value, margin.requirement)
        margin.call_deadline = 0
        return None

    def recipient_rejected(self, c: Listing, account: str, recipient: str, amount: int) -> bool:
        """The vault's check of the asset's rules before a liquidation of a restricted asset.

        The token answers as for a transfer by the owner; its "exceeds the unencumbered balance"
        is the vault's own encumbrance, which the vault spends first, so only the rules and the
        balance itself can refuse.
        """
        if c.asset.registered is None:
            return False
        return bool(c.asset.rules_code(account, recipient)) or amount > c.asset.balance(account)

    def liquidate(self, account: str, asset: str, amount: int, recipient: str, now: int) -> Outcome:
        """After the cure deadline of a call still short at fresh prices, the clearing agent
        takes collateral to `recipient`; its market value comes off the requirement."""
        c = self.listings.get(asset)
        if c is None:
            return ("VaultAssetNotListed", asset)
        margin = self.account(account)
        if not margin.call_deadline:
            return ("VaultNoMarginCall", account)
        if now <= margin.call_deadline:
            return ("VaultCureWindowOpen", account, margin.call_deadline)
        value = self._fresh_value(account, now, self.pledged(account))
        if not isinstance(value, int):
            return value
        if value >= margin.requirement:
            return ("VaultMarginSufficient", account, value, margin.requirement)
        held = self.position(account, asset)
        if amount == 0 or amount > held:
            return ("VaultAmountInvalid", asset, amount, held)
        if self.recipient_rejected(c, account, recipient, amount):
            return ("VaultRecipientRejected", asset, recipient)
        self.positions[account, asset] = held - amount
        market_value = amount * self.prices[asset][0] // PRICE_SCALE
        margin.requirement = max(margin.requirement - market_value, 0)
        self._release(c, account, recipient, amount)
        if self.value(account, now)[0] >= margin.requirement:
            margin.call_deadline = 0
        return None
