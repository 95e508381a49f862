"""Drivers for ERC-20 tokens: the views every token here shares, and a plain ERC-20."""

from __future__ import annotations

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, amount


class ERC20Base(Driver):
    """What every token driver shares: the ERC-20 views and `approve`."""

    @property
    def name(self) -> str:
        """The token name."""
        return str(self._call("name"))

    @property
    def symbol(self) -> str:
        """The token symbol."""
        return str(self._call("symbol"))

    @property
    def decimals(self) -> int:
        """Decimal places of one unit."""
        return int(self._call("decimals"))

    def total_supply(self) -> int:
        """Units in issue."""
        return int(self._call("totalSupply"))

    def balance_of(self, account: AddressLike) -> int:
        """An account's balance (encumbered, frozen and locked units included)."""
        return int(self._call("balanceOf", address(account, "account")))

    def allowance(self, owner: AddressLike, spender: AddressLike) -> int:
        """What `spender` may move from `owner` (beyond any encumbrance to it)."""
        return int(self._call("allowance", address(owner, "owner"), address(spender, "spender")))

    def approve(
        self, spender: AddressLike, value: int, *, sender: Account | None = None
    ) -> Receipt:
        """Let `spender` move up to `value` of the sender's balance.

        Raises:
            InvalidInput, ERC20InvalidSpender.
        """
        return self._send("approve", address(spender, "spender"), amount(value), sender=sender)


class EncumberableERC20(ERC20Base):
    """The ERC-7246 views of a token whose holders can pledge units to a taker."""

    def encumbered_balance_of(self, owner: AddressLike) -> int:
        """The owner's units encumbered to any taker."""
        return int(self._call("encumberedBalanceOf", address(owner, "owner")))

    def available_balance_of(self, owner: AddressLike) -> int:
        """The owner's units it can send or encumber now."""
        return int(self._call("availableBalanceOf", address(owner, "owner")))

    def encumbrances(self, owner: AddressLike, taker: AddressLike) -> int:
        """The owner's units encumbered to `taker`."""
        return int(self._call("encumbrances", address(owner, "owner"), address(taker, "taker")))


class ERC20(ERC20Base):
    """A standard ERC-20 (OpenZeppelin's ABI), such as a cash token the lifecycle contracts pay."""

    CONTRACT = "PlainERC20"

    def transfer(self, to: AddressLike, value: int, *, sender: Account | None = None) -> Receipt:
        """Send `value` to `to`.

        Raises:
            InvalidInput, ERC20InsufficientBalance, ERC20InvalidReceiver.
        """
        return self._send_checked("transfer", address(to, "receiver"), amount(value), sender=sender)
