"""Driver for Redemptions: fund shares redeemed at NAV, forward-priced, and at maturity."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from eth_typing import ChecksumAddress

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, amount

NAV_SCALE = 10**18
"""NAV is cash base units per token base unit, times NAV_SCALE."""
SETTLEMENT_WINDOW = 30 * 24 * 3600
"""Seconds after its cut-off an unsettled request waits before its holder may withdraw it
(`Redemptions.SETTLEMENT_WINDOW`)."""


def redemption_value(units: int, nav_per_unit: int) -> int:
    """The cash `units` redeem for at `nav_per_unit`, rounded down as the contract pays."""
    return units * nav_per_unit // NAV_SCALE


class RequestStatus(enum.IntEnum):
    """Where a redemption request stands (IRedemptions.RequestStatus)."""

    NONE = 0
    PENDING = 1
    CANCELLED = 2
    SETTLED = 3


@dataclass(frozen=True, slots=True)
class Fund:
    """How a token is redeemed."""

    cash: ChecksumAddress
    cutoff: int
    maturity: int
    treasury: ChecksumAddress


@dataclass(frozen=True, slots=True)
class Nav:
    """A fund's latest NAV per unit in force after the split of record date `split_record`
    (0: before any split); settlement converts it to today's units."""

    nav_per_unit: int
    as_of: int
    split_record: int


@dataclass(frozen=True, slots=True)
class RedemptionRequest:
    """A holder's request; `units` are those in force after the split of record date
    `split_record` (0: before any split). `Redemptions.redeemable_units` converts them."""

    request_id: int
    wallet: ChecksumAddress
    units: int
    token: ChecksumAddress
    cutoff: int
    status: RequestStatus
    split_record: int


@dataclass(frozen=True, slots=True)
class Redeemed:
    """One settled redemption: units burnt, cash paid, at which NAV."""

    request_id: int
    wallet: ChecksumAddress
    units: int
    cash_paid: int
    nav_per_unit: int


class Redemptions(Driver):
    """Runs a fund's dealing cycle; every action is dry-run first and sends nothing when it
    would revert."""

    CONTRACT = "Redemptions"

    def configure_fund(
        self,
        token: AddressLike,
        *,
        cash: AddressLike,
        treasury: AddressLike,
        maturity: int = 0,
        sender: Account | None = None,
    ) -> Receipt:
        """Set the cash token, the paying treasury and the maturity (0: open-ended) of a fund.

        Raises:
            InvalidInput, RedemptionFundInvalid, AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "configureFund",
            address(token, "token"),
            address(cash, "cash"),
            address(treasury, "treasury"),
            amount(maturity, "maturity", maximum=2**40 - 1),
            sender=sender,
        )

    def schedule_dealing(
        self, token: AddressLike, cutoff: int, *, sender: Account | None = None
    ) -> Receipt:
        """Open the next dealing, closing for requests at `cutoff`.

        Raises:
            RedemptionFundUnknown, RedemptionCutoffInvalid, AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "scheduleDealing",
            address(token, "token"),
            amount(cutoff, "cutoff", maximum=2**40 - 1),
            sender=sender,
        )

    def publish_nav(
        self, token: AddressLike, nav_per_unit: int, as_of: int, *, sender: Account | None = None
    ) -> Receipt:
        """Publish the NAV as of `as_of`.

        Raises:
            InvalidInput, RedemptionFundUnknown, RedemptionNavInvalid,
            AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "publishNav",
            address(token, "token"),
            amount(nav_per_unit, "nav_per_unit", maximum=2**128 - 1),
            amount(as_of, "as_of", maximum=2**40 - 1),
            sender=sender,
        )

    def request_redemption(
        self, token: AddressLike, units: int, *, sender: Account | None = None
    ) -> int:
        """Request redemption of the sender's units at the open dealing and lock them; the
        request id. Units the sender encumbered to this contract beyond its pending requests are
        used first, the rest are encumbered from its token allowance to this contract.

        Raises:
            InvalidInput, RedemptionFundUnknown, RedemptionDealingClosed, RedemptionUnitsInvalid,
            ERC20InsufficientAllowance (the allowance does not cover the units to lock).
        """
        receipt = self._send_checked(
            "requestRedemption",
            address(token, "token"),
            amount(units, "units", maximum=2**96 - 1),
            sender=sender,
        )
        return int(self._events("RedemptionRequested", receipt)[0]["requestId"])

    def cancel_redemption(self, request_id: int, *, sender: Account | None = None) -> int:
        """Withdraw a pending request and release its units: before its cut-off, or once
        `SETTLEMENT_WINDOW` has passed after it without a settlement. Returns the request's units
        released, in today's units (a wallet's last request releases any excess too).

        Raises:
            RedemptionRequestUnknown, RedemptionRequestClosed, RedemptionNotRequester,
            RedemptionCutoffPassed.
        """
        receipt = self._send_checked("cancelRedemption", request_id, sender=sender)
        return int(self._events("RedemptionCancelled", receipt)[0]["units"])

    def release_excess(self, token: AddressLike, *, sender: Account | None = None) -> int:
        """Release the sender's units encumbered to the contract beyond its pending requests
        (units it encumbered by itself); returns the amount (0: nothing to release).

        Raises:
            InvalidInput, RedemptionFundUnknown.
        """
        receipt = self._send_checked("releaseExcess", address(token, "token"), sender=sender)
        released = self._events("RedemptionExcessReleased", receipt)
        return int(released[0]["units"]) if released else 0

    def settle(
        self, request_ids: Sequence[int], *, sender: Account | None = None
    ) -> list[Redeemed]:
        """Burn and pay every request at the NAV of its dealing; all or nothing.

        Raises:
            RedemptionRequestUnknown, RedemptionRequestClosed, RedemptionCutoffNotReached,
            RedemptionNavStale, AccessControlUnauthorizedAccount.
        """
        return self._redeemed(self._send_checked("settle", list(request_ids), sender=sender))

    def redeem_at_maturity(
        self,
        token: AddressLike,
        wallets: Sequence[AddressLike],
        *,
        batch_size: int = 100,
        sender: Account | None = None,
    ) -> list[Redeemed]:
        """Redeem every wallet's holding at maturity, less frozen and encumbered units,
        `batch_size` wallets per transaction.

        Raises:
            InvalidInput, RedemptionNotMatured, RedemptionNavStale,
            AccessControlUnauthorizedAccount.
        """
        target = address(token, "token")
        holders = [address(w, "wallet") for w in wallets]
        done: list[Redeemed] = []
        for start in range(0, len(holders), max(batch_size, 1)):
            batch = holders[start : start + max(batch_size, 1)]
            done += self._redeemed(
                self._send_checked("redeemAtMaturity", target, batch, sender=sender)
            )
        return done

    def fund(self, token: AddressLike) -> Fund:
        """A fund's settings.

        Raises:
            RedemptionFundUnknown.
        """
        return Fund(*self._call("fund", address(token, "token")))

    def nav(self, token: AddressLike) -> Nav:
        """The latest NAV per unit, the time it is as of and the split its units follow."""
        return Nav(*(int(v) for v in self._call("nav", address(token, "token"))))

    def request(self, request_id: int) -> RedemptionRequest:
        """A request.

        Raises:
            RedemptionRequestUnknown.
        """
        wallet, units, token, cutoff, status, split_record = self._call("request", request_id)
        return RedemptionRequest(
            request_id, wallet, units, token, cutoff, RequestStatus(status), split_record
        )

    def pending_units(self, token: AddressLike, wallet: AddressLike) -> int:
        """Units a wallet has requested and not yet had settled or cancelled, in today's units
        (converted by splits since, rounded up)."""
        return int(self._call("pendingUnits", address(token, "token"), address(wallet, "wallet")))

    def redeemable_units(self, request_id: int) -> int:
        """The units settling a pending request would burn now (cancelling it would release):
        converted by splits since it was made, rounded down, at most what its wallet has
        encumbered to the contract; 0 once closed.

        Raises:
            RedemptionRequestUnknown.
        """
        return int(self._call("redeemableUnits", request_id))

    def _redeemed(self, receipt: Receipt) -> list[Redeemed]:
        return [
            Redeemed(e["requestId"], e["wallet"], e["units"], e["cashPaid"], e["navPerUnit"])
            for e in self._events("RedemptionSettled", receipt)
        ]
