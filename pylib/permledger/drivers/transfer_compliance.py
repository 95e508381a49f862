"""Driver for TransferCompliance: the compliance officer's rule settings."""

from __future__ import annotations

from collections.abc import Iterable

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, amount
from permledger.errors import InvalidInput
from permledger.types import Rule


class TransferCompliance(Driver):
    """Sets and validates the transfer rules of the tokens bound to it."""

    CONTRACT = "TransferCompliance"

    def set_rules(
        self, token: AddressLike, rules: Rule, *, sender: Account | None = None
    ) -> Receipt:
        """Switch rules on and off.

        Raises:
            ComplianceJurisdictionModeConflict, ComplianceInvestorTrackingUnavailable,
            AccessControlUnauthorizedAccount.
        """
        return self._send("setRules", address(token, "token"), int(Rule(rules)), sender=sender)

    def set_allowed_classes(
        self, token: AddressLike, class_mask: int, *, sender: Account | None = None
    ) -> Receipt:
        """Set the investor classes the class rule admits (`InvestorClass.mask(...)`).

        Raises:
            ComplianceClassMaskInvalid, AccessControlUnauthorizedAccount.
        """
        mask = amount(class_mask, "class_mask", maximum=255)
        return self._send("setAllowedClasses", address(token, "token"), mask, sender=sender)

    def set_jurisdictions(
        self,
        token: AddressLike,
        countries: Iterable[int],
        *,
        listed: bool,
        sender: Account | None = None,
    ) -> Receipt:
        """Put ISO 3166 numeric jurisdictions on the token's list, or take them off.

        Raises:
            InvalidInput: a code outside 1-999.
            AccessControlUnauthorizedAccount.
        """
        codes = list(countries)
        for code in codes:
            if isinstance(code, bool) or not isinstance(code, int) or not 1 <= code <= 999:
                raise InvalidInput(f"country {code!r} is not an ISO 3166 numeric code (1-999)")
        return self._send(
            "setJurisdictions", address(token, "token"), codes, bool(listed), sender=sender
        )

    def set_investor_limits(
        self,
        token: AddressLike,
        *,
        max_investors: int,
        max_balance_per_investor: int,
        daily_limit_per_investor: int,
        sender: Account | None = None,
    ) -> Receipt:
        """Set the maximum investors, maximum balance and daily limit per investor.

        Raises:
            InvalidInput, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "setInvestorLimits",
            address(token, "token"),
            amount(max_investors, "max_investors", maximum=2**32 - 1),
            amount(max_balance_per_investor, "max_balance_per_investor", maximum=2**96 - 1),
            amount(daily_limit_per_investor, "daily_limit_per_investor", maximum=2**96 - 1),
            sender=sender,
        )

    def set_lockup_period(
        self, token: AddressLike, seconds: int, *, sender: Account | None = None
    ) -> Receipt:
        """Set how long newly issued units stay locked.

        Raises:
            InvalidInput, AccessControlUnauthorizedAccount.
        """
        period = amount(seconds, "lockup period", maximum=2**32 - 1)
        return self._send("setLockupPeriod", address(token, "token"), period, sender=sender)

    def set_circuit_breaker(
        self, token: AddressLike, *, share_bps: int, window: int, sender: Account | None = None
    ) -> Receipt:
        """Pause the token when more than `share_bps` of supply moves within `window` seconds.

        Raises:
            ComplianceBreakerInvalid, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "setCircuitBreaker",
            address(token, "token"),
            amount(share_bps, "share_bps", maximum=2**16 - 1),
            amount(window, "window", maximum=2**32 - 1),
            sender=sender,
        )

    def is_jurisdiction_listed(self, token: AddressLike, country: int) -> bool:
        """Whether a jurisdiction is on the token's list."""
        return bool(self._call("isJurisdictionListed", address(token, "token"), country))

    def message_for_restriction(self, code: int) -> str:
        """The message of a restriction code."""
        return str(self._call("messageForRestriction", code))
