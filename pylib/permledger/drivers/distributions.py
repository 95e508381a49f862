"""Driver for Distributions: cash dividends and coupons to the holders at a record date."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from eth_typing import ChecksumAddress

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, bytes32, checked_amount
from permledger.errors import InvalidInput

MAX_CASH = 2**96 - 1
"""The largest amount one distribution can fund, in base units of its cash token."""


class HoldReason(enum.IntEnum):
    """Why a payment was held (IDistributions.HoldReason)."""

    NONE = 0
    INVESTOR_FROZEN = 1
    CASH_TRANSFER_FAILED = 2


@dataclass(frozen=True, slots=True)
class Distribution:
    """One distribution as the chain records it."""

    distribution_id: int
    token: ChecksumAddress
    supply_at_record: int
    cash: ChecksumAddress
    held: int
    funded: int
    disbursed: int
    claim_deadline: int
    record_id: int

    @property
    def unreserved(self) -> int:
        """Cash neither paid nor held: unclaimed shares and rounding dust."""
        return self.funded - self.disbursed - self.held


@dataclass(frozen=True, slots=True)
class Payout:
    """What became of one investor's share in a transaction."""

    investor_id: bytes
    wallet: ChecksumAddress
    amount: int
    held: HoldReason

    @property
    def paid(self) -> bool:
        """Whether the share was paid (not held)."""
        return self.held is HoldReason.NONE


class Distributions(Driver):
    """Announces, pays and reclaims cash distributions. Every action is dry-run first, so a
    rejected one raises its typed error and sends nothing."""

    CONTRACT = "Distributions"

    def announce(
        self,
        token: AddressLike,
        *,
        record_id: int,
        cash: AddressLike,
        amount: int,
        claim_deadline: int,
        sender: Account | None = None,
    ) -> int:
        """Announce and fund a distribution (the sender must have approved the cash); its id.

        Raises:
            InvalidInput, DistributionRecordDateNotPassed, DistributionNoHoldersOfRecord,
            DistributionAmountInvalid, DistributionDeadlineInvalid, DistributionTokenInvalid,
            ERC20InsufficientAllowance, AccessControlUnauthorizedAccount.
        """
        receipt = self._send_checked(
            "announce",
            address(token, "token"),
            checked_amount(record_id, "record_id", maximum=2**24 - 1),
            address(cash, "cash"),
            checked_amount(amount, "amount", maximum=MAX_CASH),
            checked_amount(claim_deadline, "claim_deadline", maximum=2**40 - 1),
            sender=sender,
        )
        return int(self._events("DistributionAnnounced", receipt)[0]["distributionId"])

    def claim(self, distribution_id: int, *, sender: Account | None = None) -> Payout:
        """Claim the sender's investor's share to the sending wallet (held if frozen or refused).

        Raises:
            DistributionUnknown, DistributionWalletNotRegistered, DistributionAlreadyPaid,
            DistributionClaimPeriodOver, DistributionNothingOwed.
        """
        receipt = self._send_checked("claim", distribution_id, sender=sender)
        return self.payouts(receipt)[0]

    def push(
        self,
        distribution_id: int,
        wallets: Sequence[AddressLike],
        *,
        batch_size: int = 100,
        sender: Account | None = None,
    ) -> list[Payout]:
        """Pay each wallet's investor, `batch_size` wallets per transaction (the transfer agent).

        Raises:
            InvalidInput, DistributionUnknown, DistributionWalletNotRegistered,
            AccessControlUnauthorizedAccount.
        """
        if batch_size < 1:
            raise InvalidInput(f"batch_size must be at least 1, got {batch_size}")
        targets = [address(w, "wallet") for w in wallets]
        payouts: list[Payout] = []
        for start in range(0, len(targets), batch_size):
            batch = targets[start : start + batch_size]
            payouts += self.payouts(
                self._send_checked("push", distribution_id, batch, sender=sender)
            )
        return payouts

    def reclaim(
        self, distribution_id: int, to: AddressLike, *, sender: Account | None = None
    ) -> int:
        """Return what is neither paid nor held to `to` after the deadline; the amount.

        Raises:
            DistributionUnknown, DistributionClaimPeriodOpen, DistributionNothingToReclaim,
            AccessControlUnauthorizedAccount.
        """
        receipt = self._send_checked(
            "reclaim", distribution_id, address(to, "receiver"), sender=sender
        )
        return int(self._events("DistributionReclaimed", receipt)[0]["amount"])

    def distribution(self, distribution_id: int) -> Distribution:
        """The distribution with this id.

        Raises:
            DistributionUnknown.
        """
        values = self._call("distribution", distribution_id)
        return Distribution(distribution_id, *values)

    def distribution_count(self) -> int:
        """Distributions announced so far (the last id)."""
        return int(self._call("distributionCount"))

    def owed(self, distribution_id: int, investor_id: bytes) -> tuple[int, bool]:
        """What the investor is owed (0 once paid) and whether its share is held."""
        owed, held = self._call("owed", distribution_id, bytes32(investor_id, "investor_id"))
        return int(owed), bool(held)

    def is_paid(self, distribution_id: int, investor_id: bytes) -> bool:
        """Whether the investor's share was paid."""
        return bool(self._call("isPaid", distribution_id, bytes32(investor_id, "investor_id")))

    def payouts(self, receipt: Receipt) -> list[Payout]:
        """The payments made and held in a transaction, in order."""
        found: list[Payout] = []
        for log in receipt.logs:
            if log.address != self.address:
                continue
            for name, reason in (("DistributionPaid", None), ("DistributionHeld", True)):
                for event in self.binding.events(name, [log]):
                    held = HoldReason(event["reason"]) if reason else HoldReason.NONE
                    found.append(
                        Payout(bytes(event["investorId"]), event["wallet"], event["amount"], held)
                    )
        return found
