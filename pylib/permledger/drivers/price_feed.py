"""Driver for PriceFeed: permissioned collateral prices."""

from __future__ import annotations

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, amount

PRICE_SCALE = 10**18
"""Prices are quote base units per asset base unit, times PRICE_SCALE."""


class PriceFeed(Driver):
    """Posts and reads prices."""

    CONTRACT = "PriceFeed"

    def set_price(
        self, asset: AddressLike, value: int, *, sender: Account | None = None
    ) -> Receipt:
        """Post the price of `asset` now.

        Raises:
            InvalidInput, PriceFeedPriceInvalid, AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "setPrice",
            address(asset, "asset"),
            amount(value, "price", maximum=2**128 - 1),
            sender=sender,
        )

    def price(self, asset: AddressLike) -> tuple[int, int]:
        """The last price of `asset` and when it was posted (zeros if never)."""
        value, updated_at = self._call("price", address(asset, "asset"))
        return int(value), int(updated_at)
