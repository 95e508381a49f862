"""Driver for IdentityRegistry: investors and their registered wallets."""

from __future__ import annotations

from eth_typing import ChecksumAddress

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, amount, bytes32
from permledger.errors import InvalidInput
from permledger.types import Investor, InvestorClass


def _profile(country: int, investor_class: InvestorClass, kyc_expiry: int) -> tuple[int, int, int]:
    if isinstance(country, bool) or not isinstance(country, int) or not 1 <= country <= 999:
        raise InvalidInput(f"country {country!r} is not an ISO 3166 numeric code (1-999)")
    try:
        cls = InvestorClass(investor_class)
    except ValueError as error:
        raise InvalidInput(f"investor class {investor_class!r} is not an InvestorClass") from error
    return country, int(cls), amount(kyc_expiry, "kyc_expiry", maximum=2**40 - 1)


class IdentityRegistry(Driver):
    """Registered wallets of known investors, shared by every token of a deployment."""

    CONTRACT = "IdentityRegistry"

    def register_investor(
        self,
        investor_id: bytes,
        *,
        country: int,
        investor_class: InvestorClass,
        kyc_expiry: int,
        wallet: AddressLike,
        sender: Account | None = None,
    ) -> Receipt:
        """Register an investor with its first wallet.

        Raises:
            InvalidInput: a malformed argument.
            IdentityInvestorExists, IdentityWalletRegistered, IdentityKycExpiryInPast, ...
            AccessControlUnauthorizedAccount: the sender is not a compliance officer.
        """
        profile = _profile(country, investor_class, kyc_expiry)
        return self._send(
            "registerInvestor",
            bytes32(investor_id, "investor_id"),
            *profile,
            address(wallet, "wallet"),
            sender=sender,
        )

    def update_investor(
        self,
        investor_id: bytes,
        *,
        country: int,
        investor_class: InvestorClass,
        kyc_expiry: int,
        sender: Account | None = None,
    ) -> Receipt:
        """Change an investor's jurisdiction, class and KYC expiry on all its wallets.

        Raises:
            InvalidInput, IdentityInvestorUnknown, AccessControlUnauthorizedAccount.
        """
        profile = _profile(country, investor_class, kyc_expiry)
        return self._send(
            "updateInvestor", bytes32(investor_id, "investor_id"), *profile, sender=sender
        )

    def set_investor_frozen(
        self, investor_id: bytes, frozen: bool, *, sender: Account | None = None
    ) -> Receipt:
        """Freeze or release an investor on every token.

        Raises:
            IdentityInvestorUnknown, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "setInvestorFrozen", bytes32(investor_id, "investor_id"), bool(frozen), sender=sender
        )

    def add_wallet(
        self, investor_id: bytes, wallet: AddressLike, *, sender: Account | None = None
    ) -> Receipt:
        """Bind another wallet to an investor.

        Raises:
            IdentityWalletRegistered, IdentityWalletOfOtherInvestor, IdentityWalletLimitReached, ...
        """
        return self._send(
            "addWallet",
            bytes32(investor_id, "investor_id"),
            address(wallet, "wallet"),
            sender=sender,
        )

    def remove_wallet(self, wallet: AddressLike, *, sender: Account | None = None) -> Receipt:
        """Retire a wallet.

        Raises:
            IdentityWalletUnknown, AccessControlUnauthorizedAccount.
        """
        return self._send("removeWallet", address(wallet, "wallet"), sender=sender)

    def replace_wallet(
        self, old_wallet: AddressLike, new_wallet: AddressLike, *, sender: Account | None = None
    ) -> Receipt:
        """Retire `old_wallet` and bind `new_wallet` to the same investor.

        Raises:
            IdentityWalletUnknown, IdentityWalletRegistered, IdentityWalletOfOtherInvestor.
        """
        return self._send(
            "replaceWallet",
            address(old_wallet, "old_wallet"),
            address(new_wallet, "new_wallet"),
            sender=sender,
        )

    def is_registered(self, wallet: AddressLike) -> bool:
        """Whether `wallet` is registered."""
        return bool(self._call("isRegistered", address(wallet, "wallet")))

    def investor_of(self, wallet: AddressLike) -> bytes:
        """The id of the investor a wallet belongs or belonged to (32 zero bytes if none)."""
        return bytes(self._call("investorOf", address(wallet, "wallet")))

    def investor(self, investor_id: bytes) -> Investor | None:
        """The investor with this id, or None."""
        number, country, cls, expiry, frozen, wallets = self._call(
            "investor", bytes32(investor_id, "investor_id")
        )
        if number == 0:
            return None
        return Investor(investor_id, number, country, InvestorClass(cls), expiry, frozen, wallets)

    def wallets_of(self, investor_id: bytes) -> list[ChecksumAddress]:
        """An investor's active wallets."""
        return list(self._call("walletsOf", bytes32(investor_id, "investor_id")))

    def retired_wallets_of(self, investor_id: bytes) -> list[ChecksumAddress]:
        """An investor's retired wallets."""
        return list(self._call("retiredWalletsOf", bytes32(investor_id, "investor_id")))

    def investor_count(self) -> int:
        """Investors ever registered: numbers are given out 1, 2, 3, ..., so bisect `investorIdOf`."""
        empty = bytes(32)
        high = 1
        while self._call("investorIdOf", high) != empty:
            high *= 2
        low = high // 2  # investorIdOf(low) is set (or low is 0)
        while high - low > 1:
            middle = (low + high) // 2
            if self._call("investorIdOf", middle) != empty:
                low = middle
            else:
                high = middle
        return low
