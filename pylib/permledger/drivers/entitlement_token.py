"""Driver for EntitlementToken: the whitelisted ERC-20 of entitlements."""

from __future__ import annotations

from collections.abc import Sequence

from eth_typing import ChecksumAddress

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, address, amount, bytes32
from permledger.drivers.erc20 import EncumberableERC20
from permledger.errors import ComplianceTransferRejected, TransferRestricted
from permledger.types import MAX_AMOUNT, Restriction, RestrictionCode, Rule, RuleSettings


class EntitlementToken(EncumberableERC20):
    """An entitlement token. Transfers are checked against the chain's own rules before sending."""

    CONTRACT = "EntitlementToken"
    EXTENSIONS = ("EntitlementTokenRecords",)

    # ERC-20

    def transfer(self, to: AddressLike, value: int, *, sender: Account | None = None) -> Receipt:
        """Transfer after the token's views approve it; a rejected transfer sends nothing.

        Raises:
            InvalidInput: a malformed address or amount.
            TransferRestricted: the token's rules reject it (code and message).
        """
        account = self._sender(sender, "transfer")
        receiver = address(to, "receiver")
        units = amount(value, maximum=MAX_AMOUNT)
        self.require_transferable(account.address, receiver, units)
        return self._send("transfer", receiver, units, sender=account)

    def transfer_unchecked(
        self, to: AddressLike, value: int, *, sender: Account | None = None
    ) -> Receipt:
        """Transfer without asking the views first: a rejected transfer is mined and reverts.

        Raises:
            InvalidInput, ComplianceTransferRejected (the rule's code), ERC20InvalidReceiver.
        """
        receiver = address(to, "receiver")
        return self._send("transfer", receiver, amount(value, maximum=MAX_AMOUNT), sender=sender)

    def transfer_from(
        self, owner: AddressLike, to: AddressLike, value: int, *, sender: Account | None = None
    ) -> Receipt:
        """Move `value` from `owner`, out of the sender's encumbrance first (ERC-7246), then its
        allowance, after the chain approves it.

        A taker's transfer is checked by running it as a call first: no view answers for the
        units encumbered to it.

        Raises:
            InvalidInput, TransferRestricted, ERC20InsufficientAllowance (nothing sent).
        """
        account = self._sender(sender, "transferFrom")
        source, receiver = address(owner, "owner"), address(to, "receiver")
        units = amount(value, maximum=MAX_AMOUNT)
        if self.encumbrances(source, account.address) == 0:
            self.require_transferable(source, receiver, units)
        else:
            self._require_taker_transfer(account, source, receiver, units)
        return self._send("transferFrom", source, receiver, units, sender=account)

    def _require_taker_transfer(
        self, taker: Account, source: ChecksumAddress, receiver: ChecksumAddress, units: int
    ) -> None:
        try:
            with self._decoded():
                self.binding.call("transferFrom", source, receiver, units, sender=taker.address)
        except ComplianceTransferRejected as error:
            code = RestrictionCode(error.arguments["code"])
            message = self.message_for_transfer_restriction(code)
            raise TransferRestricted(
                code, message, sender=source, receiver=receiver, amount=units
            ) from error

    # ERC-7246 encumbrance

    def encumber(self, taker: AddressLike, value: int, *, sender: Account | None = None) -> Receipt:
        """Pledge `value` of the sender's available units to `taker`: they stay in its balance,
        but only the taker can move (`transfer_from`) or release them.

        Raises:
            InvalidInput, TokenEncumbranceRejected (with the restriction code), ERC20InvalidSpender.
        """
        return self._send(
            "encumber", address(taker, "taker"), amount(value, maximum=MAX_AMOUNT), sender=sender
        )

    def encumber_from(
        self,
        owner: AddressLike,
        taker: AddressLike,
        value: int,
        *,
        sender: Account | None = None,
    ) -> Receipt:
        """Pledge `value` of `owner`'s available units to `taker`, on the sender's allowance.

        Raises:
            InvalidInput, ERC20InsufficientAllowance, TokenEncumbranceRejected,
            ERC20InvalidSpender.
        """
        return self._send(
            "encumberFrom",
            address(owner, "owner"),
            address(taker, "taker"),
            amount(value, maximum=MAX_AMOUNT),
            sender=sender,
        )

    def release(self, owner: AddressLike, value: int, *, sender: Account | None = None) -> Receipt:
        """Give back `value` of the units the sender holds encumbered on `owner`. Works whatever
        the token's or the owner's state (paused, KYC lapsed, frozen).

        Raises:
            InvalidInput, TokenEncumbranceExceeded.
        """
        return self._send(
            "release", address(owner, "owner"), amount(value, maximum=MAX_AMOUNT), sender=sender
        )

    # Restriction views

    def detect_transfer_restriction(
        self, sender: AddressLike, to: AddressLike, value: int
    ) -> Restriction:
        """The code and message the token gives a transfer now (ERC-1404)."""
        code = RestrictionCode(
            self._call(
                "detectTransferRestriction",
                address(sender, "sender"),
                address(to, "receiver"),
                amount(value),
            )
        )
        message = "No restriction" if code == 0 else self.message_for_transfer_restriction(code)
        return Restriction(code, message)

    def check_transfers(
        self, transfers: Sequence[tuple[AddressLike, AddressLike, int]]
    ) -> list[Restriction]:
        """Check many transfers in one batch of views."""
        prepared = [
            self.binding.prepare(
                "detectTransferRestriction", address(s, "sender"), address(t, "receiver"), amount(v)
            )
            for s, t, v in transfers
        ]
        codes = [RestrictionCode(c) for c in self._calls(prepared)]
        messages = {c: self.message_for_transfer_restriction(c) for c in set(codes) if c != 0}
        return [Restriction(c, messages.get(c, "No restriction")) for c in codes]

    def require_transferable(self, sender: AddressLike, to: AddressLike, value: int) -> None:
        """Raise unless the token's views allow the transfer.

        Raises:
            TransferRestricted: with the code and message.
        """
        restriction = self.detect_transfer_restriction(sender, to, value)
        if not restriction.allowed:
            raise TransferRestricted(
                restriction.code,
                restriction.message,
                sender=address(sender),
                receiver=address(to),
                amount=value,
            )

    def message_for_transfer_restriction(self, code: int) -> str:
        """The token's message for a restriction code."""
        return str(self._call("messageForTransferRestriction", code))

    def can_transfer(self, sender: AddressLike, to: AddressLike, value: int) -> bool:
        """Whether the transfer would succeed now (ERC-7943)."""
        return bool(self._call("canTransfer", address(sender), address(to), amount(value)))

    def can_send(self, wallet: AddressLike) -> bool:
        """Whether the wallet may send (ERC-7943)."""
        return bool(self._call("canSend", address(wallet, "wallet")))

    def can_receive(self, wallet: AddressLike) -> bool:
        """Whether the wallet may receive (ERC-7943)."""
        return bool(self._call("canReceive", address(wallet, "wallet")))

    def supports_interface(self, interface_id: bytes) -> bool:
        """ERC-165."""
        return bool(self._call("supportsInterface", interface_id))

    # Issuer

    def mint(self, to: AddressLike, value: int, *, sender: Account | None = None) -> Receipt:
        """Issue units to a registered wallet.

        Raises:
            InvalidInput, ComplianceTransferRejected (receiver's rules), TokenPaused,
            TokenAmountTooLarge, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "mint", address(to, "receiver"), amount(value, maximum=MAX_AMOUNT), sender=sender
        )

    def mint_batch(
        self, issues: Sequence[tuple[AddressLike, int]], *, sender: Account | None = None
    ) -> Receipt:
        """Issue to many wallets in one transaction; all or nothing.

        Raises:
            as `mint`.
        """
        wallets = [address(w, "receiver") for w, _ in issues]
        values = [amount(v, maximum=MAX_AMOUNT) for _, v in issues]
        return self._send("mintBatch", wallets, values, sender=sender)

    def burn(self, wallet: AddressLike, value: int, *, sender: Account | None = None) -> Receipt:
        """Cancel a wallet's unfrozen units.

        Raises:
            InvalidInput, ERC20InsufficientBalance, ERC7943InsufficientUnfrozenBalance,
            TokenAmountEncumbered, TokenPaused, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "burn", address(wallet, "wallet"), amount(value, maximum=MAX_AMOUNT), sender=sender
        )

    def burn_batch(
        self, burns: Sequence[tuple[AddressLike, int]], *, sender: Account | None = None
    ) -> Receipt:
        """Burn from many wallets in one transaction; all or nothing.

        Raises:
            as `burn`.
        """
        wallets = [address(w, "wallet") for w, _ in burns]
        values = [amount(v, maximum=MAX_AMOUNT) for _, v in burns]
        return self._send("burnBatch", wallets, values, sender=sender)

    def schedule_record_date(self, time: int, *, sender: Account | None = None) -> int:
        """Schedule a record date at `time` (now or later); returns its id.

        Raises:
            TokenRecordDateInvalid, AccessControlUnauthorizedAccount.
        """
        receipt = self._send(
            "scheduleRecordDate", amount(time, "time", maximum=2**40 - 1), sender=sender
        )
        return int(self._events("RecordDateScheduled", receipt)[0]["recordId"])

    def set_security_info(
        self,
        *,
        nominee: str,
        security_id: str,
        terms_uri: str,
        terms_hash: bytes,
        sender: Account | None = None,
    ) -> Receipt:
        """Set the nominee, security identifier and terms document reference.

        Raises:
            InvalidInput, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "setSecurityInfo",
            nominee,
            security_id,
            terms_uri,
            bytes32(terms_hash, "terms_hash"),
            sender=sender,
        )

    # Transfer agent

    def forced_transfer(
        self, source: AddressLike, to: AddressLike, value: int, *, sender: Account | None = None
    ) -> Receipt:
        """Move units past the investor rules (the receiver must still be registered).

        Raises:
            InvalidInput, TokenForcedTransferToSelf, ComplianceTransferRejected,
            ERC20InsufficientBalance, TokenAmountEncumbered, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "forcedTransfer",
            address(source, "source"),
            address(to, "receiver"),
            amount(value, maximum=MAX_AMOUNT),
            sender=sender,
        )

    def set_frozen_tokens(
        self, wallet: AddressLike, value: int, *, sender: Account | None = None
    ) -> Receipt:
        """Set how many of a wallet's units are frozen (at most those not encumbered).

        Raises:
            InvalidInput, TokenFrozenExceedsBalance, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "setFrozenTokens", address(wallet, "wallet"), amount(value), sender=sender
        )

    def recover_wallet(
        self, lost: AddressLike, new: AddressLike, *, sender: Account | None = None
    ) -> Receipt:
        """Move a lost wallet's holding to another wallet of the same investor (all but its
        encumbered units, which stay with their takers).

        Raises:
            TokenRecoveryInvalid, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "recoverWallet", address(lost, "lost wallet"), address(new, "new wallet"), sender=sender
        )

    def pause(self, *, sender: Account | None = None) -> Receipt:
        """Pause transfers, issuance and burns.

        Raises:
            AccessControlUnauthorizedAccount.
        """
        return self._send("pause", sender=sender)

    def unpause(self, *, sender: Account | None = None) -> Receipt:
        """Unpause and start a new circuit-breaker window.

        Raises:
            AccessControlUnauthorizedAccount.
        """
        return self._send("unpause", sender=sender)

    # Views

    def paused(self) -> bool:
        """Whether the token is paused."""
        return bool(self._call("paused"))

    def rule_settings(self) -> RuleSettings:
        """The token's rule settings."""
        values = self._call("ruleSettings")
        return RuleSettings(Rule(values[0]), *values[1:])

    def frozen_tokens(self, wallet: AddressLike) -> int:
        """A wallet's frozen units."""
        return int(self._call("getFrozenTokens", address(wallet, "wallet")))

    def locked_tokens(self, wallet: AddressLike) -> tuple[int, int]:
        """A wallet's locked units now and the time the first of them unlocks (0, 0 if none)."""
        locked, until = self._call("lockedTokens", address(wallet, "wallet"))
        return int(locked), int(until)

    def transferable_balance(self, wallet: AddressLike) -> int:
        """Units a wallet can send now (the same as `available_balance_of`)."""
        return int(self._call("transferableBalance", address(wallet, "wallet")))

    def investor_balance(self, investor_id: bytes) -> int:
        """An investor's balance across its wallets."""
        return int(self._call("investorBalance", bytes32(investor_id, "investor_id")))

    def investor_count(self) -> int:
        """Investors holding units (tracked tokens)."""
        return int(self._call("investorCount"))

    def record_date_count(self) -> int:
        """Record dates scheduled."""
        return int(self._call("recordDateCount"))

    def record_date(self, record_id: int) -> int:
        """The time of a record date.

        Raises:
            TokenRecordDateUnknown.
        """
        return int(self._call("recordDate", record_id))

    def passed_record_dates(self) -> int:
        """Record dates whose time has come."""
        return int(self._call("passedRecordDates"))

    def balance_of_at(self, wallet: AddressLike, record_id: int) -> int:
        """A wallet's balance at a passed record date.

        Raises:
            TokenRecordDateUnknown, TokenRecordDateNotPassed.
        """
        return int(self._call("balanceOfAt", address(wallet, "wallet"), record_id))

    def investor_balance_at(self, investor_id: bytes, record_id: int) -> int:
        """An investor's balance across all its wallets at a passed record date (0 for an
        investor the registry does not know, as for a wallet that never held).

        Raises:
            TokenRecordDateUnknown, TokenRecordDateNotPassed.
        """
        return int(self._call("investorBalanceAt", bytes32(investor_id, "investor_id"), record_id))

    def total_supply_at(self, record_id: int) -> int:
        """The supply at a passed record date.

        Raises:
            TokenRecordDateUnknown, TokenRecordDateNotPassed.
        """
        return int(self._call("totalSupplyAt", record_id))

    def nominee(self) -> str:
        """The nominee, legal owner of record."""
        return str(self._call("nominee"))

    def security_id(self) -> str:
        """The security identifier (e.g. an ISIN)."""
        return str(self._call("securityId"))

    def terms(self) -> tuple[str, bytes]:
        """The terms document's URI and content hash."""
        uri, content_hash = self._call("terms")
        return str(uri), bytes(content_hash)

    def identity_registry(self) -> ChecksumAddress:
        """The identity registry the token asks."""
        return address(self._call("identityRegistry"))

    def compliance(self) -> ChecksumAddress:
        """The compliance contract that sets the token's rules."""
        return address(self._call("compliance"))

    # Stock splits (served by EntitlementTokenRecords)

    def split(self, numerator: int, denominator: int, *, sender: Account | None = None) -> int:
        """Split every unit by `numerator:denominator` (2:1 forward, 1:10 reverse); returns the
        split's record date id (balances at it stay in the old units). Dry-run first: a rejected
        split sends nothing.

        Raises:
            InvalidInput: a term that is not an integer in 0..2**32-1.
            TokenSplitRatioInvalid: a zero term, or equal terms.
            TokenSplitRecordDatePending: a record date is scheduled after now.
            TokenSplitSupplyOverflow, AccessControlUnauthorizedAccount.
        """
        terms = (
            amount(numerator, "numerator", maximum=2**32 - 1),
            amount(denominator, "denominator", maximum=2**32 - 1),
        )
        receipt = self._send_checked("split", *terms, sender=sender)
        return int(self._events("SplitExecuted", receipt)[0]["recordId"])

    def settle_splits(
        self, wallets: Sequence[AddressLike], *, sender: Account | None = None
    ) -> Receipt:
        """Convert wallets (and on tracked tokens their investors) to today's units; anyone may.

        Raises:
            InvalidInput: a malformed address.
        """
        return self._send("settleSplits", [address(w, "wallet") for w in wallets], sender=sender)

    def claim_split_remainder(self, wallet: AddressLike, *, sender: Account | None = None) -> int:
        """Credit the whole units splits' roundings left over to a registered issuer wallet;
        returns the amount. Dry-run first.

        Raises:
            TokenSplitRemainderWalletInvalid, AccessControlUnauthorizedAccount.
        """
        receipt = self._send_checked(
            "claimSplitRemainder", address(wallet, "wallet"), sender=sender
        )
        return int(self._events("SplitRemainderClaimed", receipt)[0]["amount"])

    def split_remainder(self) -> int:
        """The whole units `claim_split_remainder` would credit now."""
        return int(self._call("splitRemainder"))

    def last_split_record(self) -> int:
        """The record date id of the last split (0 before any)."""
        return int(self._call("lastSplitRecord"))

    def last_split_time(self) -> int:
        """When the last split took effect (0 before any): prices from before it are per old unit."""
        return int(self._call("lastSplitTime"))

    def split_ratio(self, record_id: int) -> tuple[int, int]:
        """The (numerator, denominator) of the split taken at a record date; (0, 0) if none."""
        numerator, denominator = self._call("splitRatio", record_id)
        return int(numerator), int(denominator)

    def split_factor_since(self, record_id: int) -> tuple[int, int]:
        """The factor (numerator, denominator) from the units at a record date to today's.

        Raises:
            TokenRecordDateUnknown.
        """
        numerator, denominator = self._call("splitFactorSince", record_id)
        return int(numerator), int(denominator)
