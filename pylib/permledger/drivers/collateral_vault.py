"""Driver for CollateralVault: margin collateral, haircuts, margin calls and liquidation."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from eth_typing import ChecksumAddress
from eth_utils.crypto import keccak

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, checked_amount

BPS = 10_000
_ACCOUNT_EVENTS = (
    ("Deposited", "Deposited(address,address,uint256)"),
    ("RequirementSet", "RequirementSet(address,uint256)"),
)


class MarginState(enum.Enum):
    """Where a margin account stands."""

    COVERED = "covered"
    SHORT = "short"  # below requirement, no call yet
    CALLED = "called"  # call open, cure window running
    LIQUIDATABLE = "liquidatable"  # call open, deadline passed
    STALE = "stale"  # a price is stale: nothing can be decided


@dataclass(frozen=True, slots=True)
class AssetConfig:
    """An eligible asset."""

    haircut_bps: int
    max_price_age: int
    index: int
    listed: bool
    encumbered: bool
    restricted: bool
    splits: bool  # an entitlement token: prices from before its last split are stale


@dataclass(frozen=True, slots=True)
class MarginStatus:
    """A margin account now: value after haircuts against its requirement."""

    account: ChecksumAddress
    value: int
    requirement: int
    call_deadline: int
    fresh: bool
    state: MarginState

    @property
    def excess(self) -> int:
        """Value above the requirement (negative when short)."""
        return self.value - self.requirement


class CollateralVault(Driver):
    """Lists collateral, posts and withdraws it, calls margin and liquidates; every action is
    dry-run first and sends nothing when it would revert."""

    CONTRACT = "CollateralVault"

    def list_asset(
        self,
        asset: AddressLike,
        *,
        haircut_bps: int,
        max_price_age: int,
        sender: Account | None = None,
    ) -> Receipt:
        """List (or re-configure) an eligible asset.

        Raises:
            InvalidInput, VaultAssetConfigInvalid, AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "listAsset",
            address(asset, "asset"),
            checked_amount(haircut_bps, "haircut_bps", maximum=BPS - 1),
            checked_amount(max_price_age, "max_price_age", maximum=2**32 - 1),
            sender=sender,
        )

    def set_requirement(
        self, account: AddressLike, requirement: int, *, sender: Account | None = None
    ) -> Receipt:
        """Set an account's margin requirement in quote units.

        Raises:
            InvalidInput, AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "setRequirement",
            address(account, "account"),
            checked_amount(requirement, "requirement", maximum=2**96 - 1),
            sender=sender,
        )

    def deposit(self, asset: AddressLike, amount: int, *, sender: Account | None = None) -> Receipt:
        """Post collateral (approve the vault first).

        Raises:
            InvalidInput, VaultAssetNotListed, VaultAmountInvalid, ERC20InsufficientAllowance.
        """
        return self._send_checked(
            "deposit", address(asset, "asset"), checked_amount(amount), sender=sender
        )

    def withdraw(
        self, asset: AddressLike, amount: int, *, sender: Account | None = None
    ) -> Receipt:
        """Take back excess collateral.

        Raises:
            InvalidInput, VaultAmountInvalid, VaultPriceStale, VaultPriceBeforeSplit,
            VaultWithdrawalExceedsExcess.
        """
        return self._send_checked(
            "withdraw", address(asset, "asset"), checked_amount(amount), sender=sender
        )

    def margin_call(self, account: AddressLike, *, sender: Account | None = None) -> int:
        """Call margin on an account below its requirement; the cure deadline.

        Raises:
            VaultMarginCallOpen, VaultPriceStale, VaultPriceBeforeSplit, VaultMarginSufficient,
            AccessControlUnauthorizedAccount.
        """
        receipt = self._send_checked("marginCall", address(account, "account"), sender=sender)
        return int(self._events("MarginCalled", receipt)[0]["deadline"])

    def cure(self, account: AddressLike, *, sender: Account | None = None) -> Receipt:
        """Close a margin call the account's value now covers.

        Raises:
            VaultNoMarginCall, VaultPriceStale, VaultPriceBeforeSplit, VaultMarginSufficient.
        """
        return self._send_checked("cure", address(account, "account"), sender=sender)

    def liquidate(
        self,
        account: AddressLike,
        asset: AddressLike,
        amount: int,
        *,
        recipient: AddressLike,
        sender: Account | None = None,
    ) -> Receipt:
        """Seize collateral to `recipient` after the cure deadline.

        Raises:
            InvalidInput, VaultNoMarginCall, VaultCureWindowOpen, VaultPriceStale,
            VaultPriceBeforeSplit, VaultMarginSufficient, VaultAmountInvalid, VaultRecipientRejected,
            AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "liquidate",
            address(account, "account"),
            address(asset, "asset"),
            checked_amount(amount),
            address(recipient, "recipient"),
            sender=sender,
        )

    def position(self, account: AddressLike, asset: AddressLike) -> int:
        """Units of `asset` an account has posted (pledged in place: its encumbrance to the vault,
        in the token's units of today)."""
        return int(self._call("position", address(account, "account"), address(asset, "asset")))

    def cure_window(self) -> int:
        """Seconds a called account has to cure before it can be liquidated."""
        return int(self._call("cureWindow"))

    def asset_config(self, asset: AddressLike) -> AssetConfig:
        """A listed asset's configuration.

        Raises:
            VaultAssetNotListed.
        """
        return AssetConfig(*self._call("assetConfig", address(asset, "asset")))

    def margin_status(self, account: AddressLike) -> MarginStatus:
        """An account's value, requirement, call and state now."""
        who = address(account, "account")
        value, requirement, deadline, fresh = self._call("marginStatus", who)
        return MarginStatus(
            who,
            value,
            requirement,
            deadline,
            fresh,
            self._state(value, requirement, deadline, fresh),
        )

    def accounts(self) -> list[ChecksumAddress]:
        """Every account that ever posted collateral or had a requirement (from the events)."""
        seen: dict[ChecksumAddress, None] = {}
        for name, signature in _ACCOUNT_EVENTS:
            topic = keccak(text=signature)
            for log in self.chain.get_logs(address=self.address, topics=[topic]):
                seen.setdefault(self.binding.events(name, [log])[0]["account"], None)
        return list(seen)

    def margin_statuses(self) -> list[MarginStatus]:
        """The margin status of every account."""
        return [self.margin_status(a) for a in self.accounts()]

    def _state(self, value: int, requirement: int, deadline: int, fresh: bool) -> MarginState:
        if not fresh and requirement:
            return MarginState.STALE
        if deadline:
            return (
                MarginState.LIQUIDATABLE if self.chain.timestamp > deadline else MarginState.CALLED
            )
        return MarginState.COVERED if value >= requirement else MarginState.SHORT
