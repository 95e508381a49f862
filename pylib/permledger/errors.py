"""Every error the SDK raises, in one tree.

::

    LedgerError
     +-- ConfigurationError         the SDK was set up wrongly (missing artifact, bad manifest)
     |    +-- NodeUnreachable       no JSON-RPC node answers at the URL
     |    +-- ChainIdMismatch       the node's chain is not the network named
     |    +-- KeyUnavailable        no deployer key, or one that cannot be read
     |    +-- DeployerUnfunded      the deployer cannot pay for what is left to deploy
     |    +-- ManifestError         a deployment manifest that cannot be used as it is
     |         +-- ManifestCorrupt        not a manifest (bad JSON, missing fields)
     |         +-- ManifestChainMismatch  written for another chain or another deployer
     |         +-- ManifestCodeMismatch   recorded contracts whose code on chain differs
     +-- DeploymentFailed           a deployment step reverted; what was done stays recorded
     +-- InvalidInput               an argument is malformed (address, amount); nothing was sent
     +-- PreCheckFailed(code, msg)  the chain's own views reject the action; nothing was sent
     |    +-- TransferRestricted    a transfer the token's rules reject (ERC-1404 code)
     |    +-- CashRejected          a stablecoin action its views reject for an account (CashCheck)
     |    +-- SettlementRejected    a DvP or repo step the dry run rejects (state and each leg)
     |    +-- BatchRejected         a netted batch the dry run rejects (trade, short parties)
     +-- ContractRevert             a transaction or call reverted with a decoded error
          +-- AccessError           roles (AccessControl*)
          +-- IdentityError         the identity registry (Identity*)
          +-- ComplianceError       transfer rules (Compliance*)
          +-- TokenError            the entitlement token (Token*, ERC20*, ERC7943*)
          +-- CashError             the stablecoin (Cash*, ERC2612*, ECDSA*, nonces, SafeERC20)
          +-- UpgradeError          proxies and initializers (ERC1967*, UUPS*, ...)
          +-- CallError             guarded and ERC-20 calls (ReentrancyGuard*, SafeERC20*)
          +-- DistributionError     cash distributions (Distribution*)
          +-- VoteError             holder votes (Vote*)
          +-- DisclosureError       disclosure documents (Disclosure*)
          +-- RedemptionError       fund redemptions at NAV (Redemption*)
          +-- CollateralError       collateral vault and price feed (Vault*, PriceFeed*)
          +-- SettlementError       the DvP escrow and the repo contract (Settlement*)
          |    +-- RepoError        repo remedies and terms (Repo*)
          +-- PanicError            Panic(uint256): an assertion or arithmetic fault
          +-- UnknownRevert         revert data no ABI explains

Each Solidity custom error has a class of the same name under its domain base;
`revert_class` maps a selector to it, built from the shipped ABIs.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from permledger.binding import DecodedError

if TYPE_CHECKING:
    from permledger.settlement import LegCheck, Movement, NetPosition


class LedgerError(Exception):
    """Base of every permledger error."""


class ConfigurationError(LedgerError):
    """The SDK was set up wrongly: a missing artifact, a bad manifest, a wrong chain."""


class NodeUnreachable(ConfigurationError):
    """No JSON-RPC node answers at the URL given."""


class ChainIdMismatch(ConfigurationError):
    """The node's chain id is not the one of the network named."""

    def __init__(self, network: str, expected: int, actual: int) -> None:
        super().__init__(
            f"the node is on chain {actual}, but network {network!r} is chain {expected}"
        )
        self.network = network
        self.expected = expected
        self.actual = actual


class KeyUnavailable(ConfigurationError):
    """No deployer key was given, or the one given cannot be read (never shows the key)."""


class DeployerUnfunded(ConfigurationError):
    """The deployer's balance cannot pay for the steps left to deploy."""

    def __init__(self, deployer: str, balance: int, needed: int) -> None:
        super().__init__(
            f"deployer {deployer} holds {balance} wei but the steps left need up to "
            f"{needed} wei: fund it with at least {needed - balance} wei more"
        )
        self.deployer = deployer
        self.balance = balance
        self.needed = needed


class ManifestError(ConfigurationError):
    """A deployment manifest that cannot be used as it is; the file is left untouched."""


class ManifestCorrupt(ManifestError):
    """The file is not a deployment manifest (bad JSON, missing or malformed fields)."""


class ManifestChainMismatch(ManifestError):
    """The manifest was written for another chain, or by another deployer."""


class ManifestCodeMismatch(ManifestError):
    """Contracts the manifest records have other code on chain; nothing is replaced."""

    def __init__(self, mismatches: Mapping[str, str]) -> None:
        listed = "; ".join(f"{name}: {problem}" for name, problem in mismatches.items())
        super().__init__(f"on-chain code differs from the manifest: {listed}")
        self.mismatches = dict(mismatches)


class DeploymentFailed(LedgerError):
    """A deployment step reverted (or would): what was done before it stays recorded."""

    def __init__(self, step: str, reason: str, tx_hash: bytes | None = None) -> None:
        sent = f" in transaction 0x{tx_hash.hex()}" if tx_hash else " (nothing was sent)"
        super().__init__(f"step {step} failed{sent}: {reason}")
        self.step = step
        self.reason = reason
        self.tx_hash = tx_hash


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


class CashCheck(enum.IntEnum):
    """Why the stablecoin driver refused an action for an account, before sending anything."""

    TOKEN_PAUSED = 1
    ACCOUNT_BLACKLISTED = 2
    ACCOUNT_NOT_BLACKLISTED = 3
    NOT_A_MINTER = 4
    MINT_ALLOWANCE_EXCEEDED = 5
    ALLOWANCE_EXCEEDED = 6
    ENCUMBRANCE_EXCEEDED = 7
    AVAILABLE_BALANCE_EXCEEDED = 8
    AUTHORIZATION_NOT_YET_VALID = 9
    AUTHORIZATION_EXPIRED = 10
    AUTHORIZATION_USED = 11
    INVALID_SIGNATURE = 12
    CALLER_NOT_PAYEE = 13
    SUPPLY_CAP_EXCEEDED = 14


class CashRejected(PreCheckFailed):
    """A stablecoin action its views reject for `account` (`check` says why); nothing was sent."""

    def __init__(self, check: CashCheck, message: str, *, account: str) -> None:
        super().__init__(check, message)
        self.check = check
        self.account = account


class SettlementRejected(PreCheckFailed):
    """A DvP or repo step the chain's dry run rejects: the deal's own state and each leg's reason.

    `code` and `message` are the first failing verdict's; `state` and `legs` ("security",
    "cash") hold them all.
    """

    def __init__(self, deal_id: bytes, *, state: LegCheck, legs: Mapping[str, LegCheck]) -> None:
        first = next(check for check in (state, *legs.values()) if not check.ok)
        verdicts = "".join(f"; {name} leg: {check}" for name, check in legs.items())
        super().__init__(first.code, f"deal 0x{deal_id.hex()} rejected: state: {state}{verdicts}")
        self.deal_id = deal_id
        self.state = state
        self.legs = dict(legs)

    @property
    def security(self) -> LegCheck | None:
        """The security leg's verdict (None when the step was refused on the deal's state alone)."""
        return self.legs.get("security")

    @property
    def cash(self) -> LegCheck | None:
        """The cash leg's verdict (None when the step was refused on the deal's state alone)."""
        return self.legs.get("cash")


class BatchRejected(PreCheckFailed):
    """A netted batch the chain's dry run rejects.

    `trade_index` is the first trade that cannot settle (None when all can), `short` the net
    positions the escrow cannot take, `blocked` the transfers a token's rules refuse.
    """

    def __init__(
        self,
        *,
        state: LegCheck,
        trade_index: int | None,
        short: Sequence[NetPosition],
        blocked: Sequence[Movement],
    ) -> None:
        first = state if not state.ok else (short or blocked)[0].check
        parts = [] if state.ok else [f"trade #{trade_index}: {state}"]
        parts += [f"{p.party} short of {p.token}: {p.check}" for p in short]
        parts += [f"{m.source} -> {m.to} in {m.token}: {m.check}" for m in blocked]
        super().__init__(first.code, "batch rejected: " + "; ".join(parts))
        self.state = state
        self.trade_index = trade_index
        self.short = list(short)
        self.blocked = list(blocked)


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


class CashError(ContractRevert):
    """The stablecoin refused an operation (including its permits and authorizations)."""


class UpgradeError(ContractRevert):
    """A proxy, upgrade or initializer check failed."""


class CallError(ContractRevert):
    """A re-entrant call was refused, or an ERC-20 call failed."""


class DistributionError(ContractRevert):
    """A cash distribution refused an announcement, payment or reclaim."""


class VoteError(ContractRevert):
    """A proposal or a vote was refused."""


class DisclosureError(ContractRevert):
    """A disclosure document operation was refused."""


class RedemptionError(ContractRevert):
    """A fund setting, NAV, redemption request or settlement was refused."""


class CollateralError(ContractRevert):
    """The collateral vault or its price feed refused an operation."""


class SettlementError(ContractRevert):
    """The DvP escrow or the repo contract refused a step."""


class RepoError(SettlementError):
    """The repo contract refused a step specific to repos."""


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
TokenSplitRatioInvalid = _error(
    "TokenSplitRatioInvalid", TokenError, "A split ratio needs two non-zero terms that differ."
)
TokenSplitRecordDatePending = _error(
    "TokenSplitRecordDatePending", TokenError, "A record date is scheduled after now."
)
TokenSplitSupplyOverflow = _error(
    "TokenSplitSupplyOverflow", TokenError, "The supply after the split would not fit 96 bits."
)
TokenSplitRemainderWalletInvalid = _error(
    "TokenSplitRemainderWalletInvalid", TokenError, "Split remainders go to a registered wallet."
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

CashPaused = _error("CashPaused", CashError, "The stablecoin is paused.")
CashAccountBlacklisted = _error("CashAccountBlacklisted", CashError, "The account is blacklisted.")
CashAccountNotBlacklisted = _error(
    "CashAccountNotBlacklisted", CashError, "A seizure needs a blacklisted account."
)
CashWalletNotEligible = _error(
    "CashWalletNotEligible", CashError, "The registry does not admit the wallet; `code` says why."
)
CashInsufficientAvailableBalance = _error(
    "CashInsufficientAvailableBalance", CashError, "Amount above the unencumbered balance."
)
CashAmountZero = _error("CashAmountZero", CashError, "The amount is zero.")
CashAmountTooLarge = _error("CashAmountTooLarge", CashError, "The amount exceeds the maximum.")
CashNotMinter = _error("CashNotMinter", CashError, "The account is not a minter.")
CashMintAllowanceExceeded = _error(
    "CashMintAllowanceExceeded", CashError, "The mint exceeds the minter's allowance."
)
CashAuthorizationNotYetValid = _error(
    "CashAuthorizationNotYetValid", CashError, "The authorization is not valid yet."
)
CashAuthorizationExpired = _error(
    "CashAuthorizationExpired", CashError, "The authorization has expired."
)
CashAuthorizationUsed = _error(
    "CashAuthorizationUsed", CashError, "The authorization was used or cancelled."
)
CashInvalidSignature = _error(
    "CashInvalidSignature", CashError, "Not the signer's signature for this token and chain."
)
CashCallerNotPayee = _error("CashCallerNotPayee", CashError, "Only the payee may receive.")
CashReleaseExceedsEncumbrance = _error(
    "CashReleaseExceedsEncumbrance", CashError, "Release above the caller's encumbrance."
)
CashRegistryInvalid = _error("CashRegistryInvalid", CashError, "The registry is not a contract.")
ERC2612ExpiredSignature = _error("ERC2612ExpiredSignature", CashError, "The permit has expired.")
ERC2612InvalidSigner = _error(
    "ERC2612InvalidSigner", CashError, "The permit is not the owner's signature."
)
InvalidAccountNonce = _error("InvalidAccountNonce", CashError, "The nonce is not the next one.")
ECDSAInvalidSignature = _error("ECDSAInvalidSignature", CashError, "The signature is invalid.")
ECDSAInvalidSignatureLength = _error(
    "ECDSAInvalidSignatureLength", CashError, "The signature has a wrong length."
)
ECDSAInvalidSignatureS = _error(
    "ECDSAInvalidSignatureS", CashError, "The signature's s is in the upper half order."
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
SafeCastOverflowedUintToInt = _error(
    "SafeCastOverflowedUintToInt", PanicError, "An amount does not fit a signed net position."
)
InvalidShortString = _error("InvalidShortString", UpgradeError, "An EIP-712 name is malformed.")
StringTooLong = _error("StringTooLong", UpgradeError, "An EIP-712 name is too long.")

SettlementPartyZero = _error("SettlementPartyZero", SettlementError, "A party is address zero.")
SettlementSelfDeal = _error(
    "SettlementSelfDeal", SettlementError, "Both sides are the same account."
)
SettlementAmountZero = _error(
    "SettlementAmountZero", SettlementError, "An amount, price or value is zero."
)
SettlementSameToken = _error(
    "SettlementSameToken", SettlementError, "Security and cash are the same token."
)
SettlementTokenInvalid = _error(
    "SettlementTokenInvalid", SettlementError, "A token address holds no contract."
)
SettlementDeadlinePassed = _error(
    "SettlementDeadlinePassed", SettlementError, "The deal's deadline has passed."
)
SettlementDeadlineNotPassed = _error(
    "SettlementDeadlineNotPassed", SettlementError, "The deal's deadline has not passed."
)
SettlementExists = _error(
    "SettlementExists", SettlementError, "A deal with these terms exists already."
)
SettlementUnknown = _error("SettlementUnknown", SettlementError, "No deal with this id.")
SettlementWrongStatus = _error(
    "SettlementWrongStatus", SettlementError, "The deal's status does not allow this step."
)
SettlementNotParty = _error(
    "SettlementNotParty", SettlementError, "The caller may not act on this deal."
)
SettlementAlreadyAffirmed = _error(
    "SettlementAlreadyAffirmed", SettlementError, "The party affirmed already."
)
SettlementVenueCannotLock = _error(
    "SettlementVenueCannotLock", SettlementError, "A venue holds nothing to lock."
)
SettlementLockUnsupported = _error(
    "SettlementLockUnsupported", SettlementError, "The token cannot lock (no ERC-7246)."
)
SettlementLockShort = _error(
    "SettlementLockShort",
    SettlementError,
    "The owner's encumbrance is below its locked legs (a reverse split): the leg cannot settle.",
)
SettlementNotAffirmed = _error(
    "SettlementNotAffirmed", SettlementError, "A party has not affirmed the trade."
)
SettlementSignatureInvalid = _error(
    "SettlementSignatureInvalid",
    SettlementError,
    "Not the party's affirmation of this trade on this chain and escrow.",
)
SettlementBatchEmpty = _error("SettlementBatchEmpty", SettlementError, "A batch without trades.")

RepoHaircutInvalid = _error("RepoHaircutInvalid", RepoError, "The haircut is 100% or more.")
RepoScheduleInvalid = _error(
    "RepoScheduleInvalid", RepoError, "Maturity does not come after the opening deadline."
)
RepoNotDue = _error("RepoNotDue", RepoError, "The step is not due yet.")
RepoReturnLockNotLender = _error(
    "RepoReturnLockNotLender", RepoError, "Only the lender locks the return leg."
)
RepoRepaymentNotReady = _error(
    "RepoRepaymentNotReady", RepoError, "The borrower's own repayment would fail."
)
RepoReturnNotLenderFault = _error(
    "RepoReturnNotLenderFault", RepoError, "The return would succeed, or fails not by the lender."
)

ReentrancyGuardReentrantCall = _error(
    "ReentrancyGuardReentrantCall", CallError, "A guarded function was re-entered."
)
SafeERC20FailedOperation = _error(
    "SafeERC20FailedOperation", CallError, "An ERC-20 transfer failed or returned false."
)
BlockingERC20Blocked = _error(
    "BlockingERC20Blocked", CallError, "Test cash token: the account is blacklisted."
)

DistributionUnknown = _error(
    "DistributionUnknown", DistributionError, "No distribution has this id (none announced)."
)
DistributionTokenInvalid = _error(
    "DistributionTokenInvalid", DistributionError, "The token is not bound to this registry."
)
DistributionRecordDateNotPassed = _error(
    "DistributionRecordDateNotPassed", DistributionError, "The record date has not passed."
)
DistributionNoHoldersOfRecord = _error(
    "DistributionNoHoldersOfRecord", DistributionError, "Nobody held the token at the record date."
)
DistributionAmountInvalid = _error(
    "DistributionAmountInvalid", DistributionError, "The amount is zero or above 2^96 - 1."
)
DistributionFundingMismatch = _error(
    "DistributionFundingMismatch", DistributionError, "Less cash arrived than was announced."
)
DistributionDeadlineInvalid = _error(
    "DistributionDeadlineInvalid", DistributionError, "The claim deadline is not in the future."
)
DistributionWalletNotRegistered = _error(
    "DistributionWalletNotRegistered", DistributionError, "The wallet is not registered."
)
DistributionNothingOwed = _error(
    "DistributionNothingOwed", DistributionError, "The investor held nothing at the record date."
)
DistributionAlreadyPaid = _error(
    "DistributionAlreadyPaid", DistributionError, "The investor's share was already paid."
)
DistributionClaimPeriodOver = _error(
    "DistributionClaimPeriodOver", DistributionError, "The claim deadline has passed."
)
DistributionClaimPeriodOpen = _error(
    "DistributionClaimPeriodOpen", DistributionError, "The claim deadline has not passed."
)
DistributionShareExceedsFunds = _error(
    "DistributionShareExceedsFunds", DistributionError, "A share exceeds the unreserved funds."
)
DistributionNothingToReclaim = _error(
    "DistributionNothingToReclaim", DistributionError, "Nothing is left to reclaim."
)

VoteProposalUnknown = _error("VoteProposalUnknown", VoteError, "No proposal has this id.")
VoteTokenInvalid = _error("VoteTokenInvalid", VoteError, "The token is not bound to this registry.")
VoteRecordDateNotPassed = _error(
    "VoteRecordDateNotPassed", VoteError, "The record date has not passed."
)
VoteNoHoldersOfRecord = _error(
    "VoteNoHoldersOfRecord", VoteError, "Nobody held the token at the record date."
)
VoteWindowInvalid = _error(
    "VoteWindowInvalid", VoteError, "The window is empty or starts in the past."
)
VoteQuorumInvalid = _error("VoteQuorumInvalid", VoteError, "The quorum is not 1-10,000 bps.")
VoteNotOpen = _error("VoteNotOpen", VoteError, "The vote is outside the voting window.")
VoteWalletNotRegistered = _error(
    "VoteWalletNotRegistered", VoteError, "The wallet is not registered."
)
VoteAlreadyCast = _error("VoteAlreadyCast", VoteError, "The investor has already voted.")
VoteNoWeight = _error("VoteNoWeight", VoteError, "The investor held nothing at the record date.")

DisclosureDocumentInvalid = _error(
    "DisclosureDocumentInvalid", DisclosureError, "The name is zero or the URI empty."
)
DisclosureDocumentUnknown = _error(
    "DisclosureDocumentUnknown", DisclosureError, "The token has no document of this name."
)

RedemptionCutoffInvalid = _error(
    "RedemptionCutoffInvalid", RedemptionError, "The cut-off is not in the future."
)
RedemptionCutoffNotReached = _error(
    "RedemptionCutoffNotReached", RedemptionError, "The cut-off has not come: too early to settle."
)
RedemptionCutoffPassed = _error(
    "RedemptionCutoffPassed", RedemptionError, "The cut-off has passed: too late to cancel."
)
RedemptionDealingClosed = _error(
    "RedemptionDealingClosed", RedemptionError, "No dealing is open for requests."
)
RedemptionFundInvalid = _error(
    "RedemptionFundInvalid", RedemptionError, "The cash token or the treasury is zero."
)
RedemptionFundUnknown = _error(
    "RedemptionFundUnknown", RedemptionError, "The token has no fund configured."
)
RedemptionNavInvalid = _error(
    "RedemptionNavInvalid",
    RedemptionError,
    "The NAV is zero, dated in the future or before the last.",
)
RedemptionNavStale = _error(
    "RedemptionNavStale",
    RedemptionError,
    "The NAV is older than the cut-off or maturity it must price.",
)
RedemptionNotMatured = _error(
    "RedemptionNotMatured", RedemptionError, "The fund has no maturity, or it has not come."
)
RedemptionNotRequester = _error(
    "RedemptionNotRequester", RedemptionError, "Only the requesting wallet may cancel."
)
RedemptionRequestClosed = _error(
    "RedemptionRequestClosed", RedemptionError, "The request is no longer pending."
)
RedemptionRequestUnknown = _error(
    "RedemptionRequestUnknown", RedemptionError, "No request has this id."
)
RedemptionUnitsInvalid = _error(
    "RedemptionUnitsInvalid",
    RedemptionError,
    "Zero units, or more than the wallet can still redeem.",
)

VaultAmountInvalid = _error(
    "VaultAmountInvalid", CollateralError, "Zero, or more than the position."
)
VaultAssetConfigInvalid = _error(
    "VaultAssetConfigInvalid",
    CollateralError,
    "Haircut >= 10,000 bps, zero age limit, or 64 assets listed.",
)
VaultAssetNotListed = _error("VaultAssetNotListed", CollateralError, "The asset is not listed.")
VaultCureWindowOpen = _error(
    "VaultCureWindowOpen", CollateralError, "The cure deadline has not passed."
)
VaultDepositShortfall = _error(
    "VaultDepositShortfall", CollateralError, "Fewer units arrived than were deposited."
)
VaultMarginCallOpen = _error(
    "VaultMarginCallOpen", CollateralError, "A margin call is already open."
)
VaultMarginSufficient = _error(
    "VaultMarginSufficient", CollateralError, "The value covers the requirement."
)
VaultNoMarginCall = _error("VaultNoMarginCall", CollateralError, "No margin call is open.")
VaultPriceStale = _error(
    "VaultPriceStale", CollateralError, "A price is missing or older than the asset's limit."
)
VaultPriceBeforeSplit = _error(
    "VaultPriceBeforeSplit",
    CollateralError,
    "The asset split after its price was posted: the price is per old unit.",
)
VaultRecipientRejected = _error(
    "VaultRecipientRejected", CollateralError, "The recipient fails the asset's transfer rules."
)
VaultWithdrawalExceedsExcess = _error(
    "VaultWithdrawalExceedsExcess",
    CollateralError,
    "The withdrawal would leave the value below the requirement.",
)
PriceFeedPriceInvalid = _error("PriceFeedPriceInvalid", CollateralError, "A price of zero.")
EncumberableInsufficientAvailable = _error(
    "EncumberableInsufficientAvailable",
    CollateralError,
    "Test token: the available balance is too small.",
)
EncumberableInsufficientEncumbrance = _error(
    "EncumberableInsufficientEncumbrance",
    CollateralError,
    "Test token: the taker holds too little encumbrance.",
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
        "CashError",
        "UpgradeError",
        "CallError",
        "DistributionError",
        "VoteError",
        "DisclosureError",
        "RedemptionError",
        "CollateralError",
        "SettlementError",
        "RepoError",
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
