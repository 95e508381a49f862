"""Driver for any plain ERC-20, such as a cash token paid out by the lifecycle contracts."""

from __future__ import annotations

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, amount


class ERC20(Driver):
    """A standard ERC-20 (OpenZeppelin's ABI): balances, allowances, transfers."""

    CONTRACT = "PlainERC20"

    @property
    def symbol(self) -> str:
        """The token symbol."""
        return str(self._call("symbol"))

    @property
    def decimals(self) -> int:
        """Decimal places of one unit."""
        return int(self._call("decimals"))

    def balance_of(self, account: AddressLike) -> int:
        """An account's balance."""
        return int(self._call("balanceOf", address(account, "account")))

    def allowance(self, owner: AddressLike, spender: AddressLike) -> int:
        """What `spender` may move from `owner`."""
        return int(self._call("allowance", address(owner, "owner"), address(spender, "spender")))

    def transfer(self, to: AddressLike, value: int, *, sender: Account | None = None) -> Receipt:
        """Send `value` to `to`.

        Raises:
            InvalidInput, ERC20InsufficientBalance, ERC20InvalidReceiver.
        """
        return self._send_checked("transfer", address(to, "receiver"), amount(value), sender=sender)

    def approve(
        self, spender: AddressLike, value: int, *, sender: Account | None = None
    ) -> Receipt:
        """Let `spender` move up to `value` of the sender's balance.

        Raises:
            InvalidInput, ERC20InvalidSpender.
        """
        return self._send("approve", address(spender, "spender"), amount(value), sender=sender)
