"""Every error the SDK raises, in one tree.

::

    LedgerError
     +-- ConfigurationError         the SDK was set up wrongly (missing artifact, bad manifest)
     +-- InvalidInput               an argument is malformed (address, amount); nothing was sent
     +-- PreCheckFailed(code, msg)  the chain's own views reject the action; nothing was sent
     |    +-- TransferRestricted    a transfer the token's rules reject (ERC-1404 code)
     +-- ContractRevert             a transaction or call reverted with a decoded error
          +-- AccessError           roles (AccessControl*)
          +-- IdentityError         the identity registry (Identity*)
          +-- ComplianceError       transfer rules (Compliance*)
          +-- TokenError            the entitlement token (Token*, ERC20*, ERC7943*)
          +-- UpgradeError          proxies and initializers (ERC1967*, UUPS*, ...)
          +-- PanicError            Panic(uint256): an assertion or arithmetic fault
          +-- UnknownRevert         revert data no ABI explains

Each Solidity custom error has a class of the same name under its domain base;
`revert_class` maps a selector to it, built from the shipped ABIs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from permledger.binding import DecodedError


class LedgerError(Exception):
    """Base of every permledger error."""


class ConfigurationError(LedgerError):
    """The SDK was set up wrongly: a missing artifact, a bad manifest, a wrong chain."""


class InvalidInput(LedgerError, ValueError):
    """An argument is malformed; nothing was sent."""


class PreCheckFailed(LedgerError):
    """The chain's own views reject an action before anything is sent."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message


class TransferRestricted(PreCheckFailed):
    """A transfer the token's rules reject, with its ERC-1404 code and message."""

    def __init__(self, code: int, message: str, *, sender: str, receiver: str, amount: int) -> None:
        super().__init__(code, message)
        self.sender = sender
        self.receiver = receiver
        self.amount = amount


class ContractRevert(LedgerError):
    """A transaction or call reverted; `arguments` are the decoded error arguments by name."""

    def __init__(
        self,
        contract: str,
        selector: bytes,
        args: Mapping[str, Any],
        tx_hash: bytes | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self.contract = contract
        self.selector = selector
        self.arguments = dict(args)
        self.tx_hash = tx_hash
        self.error_name = name or type(self).__name__
        shown = ", ".join(f"{k}={_show(v)}" for k, v in self.arguments.items())
        super().__init__(f"{contract}: {self.error_name}({shown})")


class AccessError(ContractRevert):
    """The caller lacks a role, or a role operation broke the authority's rules."""


class IdentityError(ContractRevert):
    """The identity registry refused an operation."""


class ComplianceError(ContractRevert):
    """A transfer rule, or a change of the rules, was refused."""


class TokenError(ContractRevert):
    """The entitlement token refused an operation."""


class UpgradeError(ContractRevert):
    """A proxy, upgrade or initializer check failed."""


class PanicError(ContractRevert):
    """Panic(uint256): an assertion, overflow or division by zero in a contract."""


class UnknownRevert(ContractRevert):
    """Revert data that no known ABI explains (empty data: out of gas or invalid opcode)."""


def _error(name: str, base: type[ContractRevert], doc: str) -> type[ContractRevert]:
    return type(name, (base,), {"__doc__": doc, "__module__": __name__})


# One class per custom error in the shipped ABIs (tests/test_errors.py keeps the two in step).
AccessControlUnauthorizedAccount = _error(
    "AccessControlUnauthorizedAccount", AccessError, "The caller lacks the role."
)
AccessControlBadConfirmation = _error(
    "AccessControlBadConfirmation", AccessError, "renounceRole was not called by the account."
)
AccessControlEnforcedDefaultAdminDelay = _error(
    "AccessControlEnforcedDefaultAdminDelay",
    AccessError,
    "The admin transfer delay has not passed.",
)
AccessControlEnforcedDefaultAdminRules = _error(
    "AccessControlEnforcedDefaultAdminRules",
    AccessError,
    "The default admin role is not granted directly.",
)
AccessControlInvalidDefaultAdmin = _error(
    "AccessControlInvalidDefaultAdmin", AccessError, "The new default admin is invalid."
)
AccessAuthorityInvalid = _error(
    "AccessAuthorityInvalid", AccessError, "The authority is not a contract."
)

IdentityInvestorIdZero = _error("IdentityInvestorIdZero", IdentityError, "The investor id is zero.")
IdentityInvestorExists = _error(
    "IdentityInvestorExists", IdentityError, "The investor is registered."
)
IdentityInvestorUnknown = _error("IdentityInvestorUnknown", IdentityError, "No such investor.")
IdentityCountryInvalid = _error(
    "IdentityCountryInvalid", IdentityError, "Not an ISO 3166 numeric code."
)
IdentityClassInvalid = _error("IdentityClassInvalid", IdentityError, "Not an investor class.")
IdentityKycExpiryInPast = _error(
    "IdentityKycExpiryInPast", IdentityError, "KYC expiry not in the future."
)
IdentityWalletZero = _error("IdentityWalletZero", IdentityError, "The wallet is the zero address.")
IdentityWalletRegistered = _error(
    "IdentityWalletRegistered", IdentityError, "The wallet is registered."
)
IdentityWalletOfOtherInvestor = _error(
    "IdentityWalletOfOtherInvestor", IdentityError, "The wallet belongs to another investor."
)
IdentityWalletUnknown = _error(
    "IdentityWalletUnknown", IdentityError, "The wallet is not registered."
)
IdentityWalletLimitReached = _error(
    "IdentityWalletLimitReached", IdentityError, "The investor has the maximum number of wallets."
)
IdentityLifetimeWalletLimitReached = _error(
    "IdentityLifetimeWalletLimitReached",
    IdentityError,
    "The investor has had the maximum number of distinct wallets.",
)

ComplianceTransferRejected = _error(
    "ComplianceTransferRejected", ComplianceError, "A transfer broke a rule; `code` says which."
)
ComplianceInvestorTrackingUnavailable = _error(
    "ComplianceInvestorTrackingUnavailable",
    ComplianceError,
    "Investor rules need tracking from issuance.",
)
ComplianceRuleUnknown = _error("ComplianceRuleUnknown", ComplianceError, "An unknown rule bit.")
ComplianceJurisdictionModeConflict = _error(
    "ComplianceJurisdictionModeConflict", ComplianceError, "Allowlist and blocklist at once."
)
ComplianceClassMaskInvalid = _error(
    "ComplianceClassMaskInvalid", ComplianceError, "An unknown class bit."
)
ComplianceCountryInvalid = _error(
    "ComplianceCountryInvalid", ComplianceError, "Not an ISO 3166 code."
)
ComplianceBreakerInvalid = _error(
    "ComplianceBreakerInvalid", ComplianceError, "Invalid breaker settings."
)
ComplianceTokenNotBound = _error(
    "ComplianceTokenNotBound", ComplianceError, "Token not bound here."
)
ComplianceBreakerNotConfigured = _error(
    "ComplianceBreakerNotConfigured", ComplianceError, "Breaker switched on before its settings."
)

TokenDependencyInvalid = _error(
    "TokenDependencyInvalid", TokenError, "Registry or compliance invalid."
)
TokenCallerNotCompliance = _error(
    "TokenCallerNotCompliance", TokenError, "Only the compliance contract."
)
TokenPaused = _error("TokenPaused", TokenError, "The token is paused.")
TokenAmountTooLarge = _error(
    "TokenAmountTooLarge", TokenError, "The amount exceeds 2^96 - 1 units."
)
TokenBatchLengthMismatch = _error(
    "TokenBatchLengthMismatch", TokenError, "Batch arrays differ in length."
)
TokenFrozenExceedsBalance = _error(
    "TokenFrozenExceedsBalance", TokenError, "Frozen above the balance not encumbered."
)
TokenAmountEncumbered = _error(
    "TokenAmountEncumbered", TokenError, "The amount reaches into units encumbered to a taker."
)
TokenEncumbranceRejected = _error(
    "TokenEncumbranceRejected", TokenError, "The owner cannot encumber this; `code` says why."
)
TokenEncumbranceExceeded = _error(
    "TokenEncumbranceExceeded", TokenError, "The taker holds less encumbered on the owner."
)
TokenForcedTransferToSelf = _error(
    "TokenForcedTransferToSelf", TokenError, "Forced transfer to itself."
)
TokenRecoveryInvalid = _error("TokenRecoveryInvalid", TokenError, "Recovery across investors.")
TokenRecordDateInvalid = _error("TokenRecordDateInvalid", TokenError, "Record date in the past.")
TokenRecordDateNotPassed = _error("TokenRecordDateNotPassed", TokenError, "Record date not passed.")
TokenRecordDateUnknown = _error(
    "TokenRecordDateUnknown", TokenError, "Record date never scheduled."
)
ERC20InsufficientAllowance = _error("ERC20InsufficientAllowance", TokenError, "Allowance too low.")
ERC20InsufficientBalance = _error("ERC20InsufficientBalance", TokenError, "Balance too low.")
ERC20InvalidApprover = _error("ERC20InvalidApprover", TokenError, "Invalid approver.")
ERC20InvalidReceiver = _error("ERC20InvalidReceiver", TokenError, "Invalid receiver.")
ERC20InvalidSender = _error("ERC20InvalidSender", TokenError, "Invalid sender.")
ERC20InvalidSpender = _error("ERC20InvalidSpender", TokenError, "Invalid spender.")
ERC7943CannotReceive = _error("ERC7943CannotReceive", TokenError, "The account may not receive.")
ERC7943CannotSend = _error("ERC7943CannotSend", TokenError, "The account may not send.")
ERC7943CannotTransfer = _error("ERC7943CannotTransfer", TokenError, "The transfer breaks a rule.")
ERC7943InsufficientUnfrozenBalance = _error(
    "ERC7943InsufficientUnfrozenBalance", TokenError, "Amount above the unfrozen balance."
)

ERC1967InvalidImplementation = _error(
    "ERC1967InvalidImplementation", UpgradeError, "Not a contract."
)
ERC1967NonPayable = _error("ERC1967NonPayable", UpgradeError, "Value sent to a non-payable init.")
UUPSUnauthorizedCallContext = _error("UUPSUnauthorizedCallContext", UpgradeError, "Not via proxy.")
UUPSUnsupportedProxiableUUID = _error("UUPSUnsupportedProxiableUUID", UpgradeError, "Not UUPS.")
InvalidInitialization = _error("InvalidInitialization", UpgradeError, "Already initialized.")
NotInitializing = _error("NotInitializing", UpgradeError, "Not in an initializer.")
AddressEmptyCode = _error("AddressEmptyCode", UpgradeError, "Delegate target has no code.")
FailedCall = _error("FailedCall", UpgradeError, "A low-level call failed.")
SafeCastOverflowedUintDowncast = _error(
    "SafeCastOverflowedUintDowncast", PanicError, "A value does not fit its type."
)

ERROR_CLASSES: dict[str, type[ContractRevert]] = {
    name: cls
    for name, cls in globals().items()
    if isinstance(cls, type)
    and issubclass(cls, ContractRevert)
    and cls.__module__ == __name__
    and name
    not in {
        "ContractRevert",
        "AccessError",
        "IdentityError",
        "ComplianceError",
        "TokenError",
        "UpgradeError",
        "PanicError",
        "UnknownRevert",
    }
}
"""Custom error name -> class."""


def revert_class(name: str) -> type[ContractRevert]:
    """The class for a custom error name; `UnknownRevert` when there is none."""
    return ERROR_CLASSES.get(name, UnknownRevert)


def from_revert(
    contract: str, decoded: DecodedError | None, data: bytes, tx_hash: bytes | None
) -> ContractRevert:
    """The exception for revert `data` that `decoded` explains (or not)."""
    if decoded is None:
        return UnknownRevert(contract, data[:4], {"data": data}, tx_hash, name="UnknownRevert")
    if decoded.name == "Panic":
        return PanicError(contract, decoded.selector, decoded.args, tx_hash, name="Panic")
    if decoded.name == "Error":
        return UnknownRevert(contract, decoded.selector, decoded.args, tx_hash, name="Error")
    return revert_class(decoded.name)(contract, decoded.selector, decoded.args, tx_hash)


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return repr(value) if isinstance(value, str) else str(value)
