"""Values shared by the SDK and the contracts: roles, classes, rules, restriction codes."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from eth_utils.crypto import keccak


class Role(bytes, enum.Enum):
    """The roles of the one authority (contracts/access/Roles.sol)."""

    DEFAULT_ADMIN = bytes(32)
    ISSUER = keccak(text="permledger.role.issuer")
    TRANSFER_AGENT = keccak(text="permledger.role.transfer-agent")
    COMPLIANCE_OFFICER = keccak(text="permledger.role.compliance-officer")
    PAUSER = keccak(text="permledger.role.pauser")
    UPGRADER = keccak(text="permledger.role.upgrader")
    MASTER_MINTER = keccak(text="permledger.role.master-minter")
    BLACKLISTER = keccak(text="permledger.role.blacklister")
    RESCUER = keccak(text="permledger.role.rescuer")
    NAV_ADMINISTRATOR = keccak(text="permledger.role.nav-administrator")
    CLEARING_AGENT = keccak(text="permledger.role.clearing-agent")
    PRICE_FEEDER = keccak(text="permledger.role.price-feeder")


class InvestorClass(enum.IntEnum):
    """Investor classes (contracts/types/InvestorClass.sol)."""

    RETAIL = 1
    ACCREDITED = 2
    QUALIFIED = 3
    INSTITUTIONAL = 4

    @staticmethod
    def mask(*classes: InvestorClass) -> int:
        """The class bit mask a token's class rule takes."""
        return sum(1 << c for c in set(classes))


class Rule(enum.IntFlag):
    """Switchable transfer rules (contracts/compliance/Rule.sol)."""

    NONE = 0
    KYC = 1 << 0
    INVESTOR_CLASS = 1 << 1
    JURISDICTION_ALLOWLIST = 1 << 2
    JURISDICTION_BLOCKLIST = 1 << 3
    MAX_INVESTORS = 1 << 4
    MAX_BALANCE = 1 << 5
    LOCKUP = 1 << 6
    DAILY_LIMIT = 1 << 7
    CIRCUIT_BREAKER = 1 << 8


ELIGIBILITY_RULES = Rule.KYC | Rule.INVESTOR_CLASS | Rule.JURISDICTION_ALLOWLIST
"""The eligibility rules: KYC, investor class and (allowlisted) jurisdiction."""

EVERY_RULE = ELIGIBILITY_RULES | (
    Rule.MAX_INVESTORS | Rule.MAX_BALANCE | Rule.LOCKUP | Rule.DAILY_LIMIT | Rule.CIRCUIT_BREAKER
)
"""Every rule, with jurisdictions as an allowlist."""


class RestrictionCode(enum.IntEnum):
    """ERC-1404 reason codes (contracts/compliance/RestrictionCode.sol), in check order.

    Codes 17 on are the stablecoin's, which checks pause, blacklists, registry, then balances.
    """

    SUCCESS = 0
    TOKEN_PAUSED = 1
    SENDER_NOT_REGISTERED = 2
    SENDER_FROZEN = 3
    SENDER_KYC_EXPIRED = 4
    SENDER_JURISDICTION_NOT_ALLOWED = 5
    RECEIVER_NOT_REGISTERED = 6
    RECEIVER_FROZEN = 7
    RECEIVER_KYC_EXPIRED = 8
    RECEIVER_CLASS_NOT_ALLOWED = 9
    RECEIVER_JURISDICTION_NOT_ALLOWED = 10
    INSUFFICIENT_BALANCE = 11
    BALANCE_FROZEN = 12
    TOKENS_LOCKED = 13
    MAX_INVESTORS_REACHED = 14
    MAX_BALANCE_EXCEEDED = 15
    DAILY_LIMIT_EXCEEDED = 16
    SENDER_BLACKLISTED = 17
    RECEIVER_BLACKLISTED = 18
    BALANCE_ENCUMBERED = 19


MAX_AMOUNT = 2**96 - 1
"""The largest balance or supply a token holds, in base units."""

CASH_MAX_SUPPLY = 2**120 - 1
"""The largest supply (hence balance) of the stablecoin, in base units."""


@dataclass(frozen=True, slots=True)
class Investor:
    """An investor as the identity registry records it."""

    investor_id: bytes
    number: int
    country: int
    investor_class: InvestorClass
    kyc_expiry: int
    frozen: bool
    wallet_count: int


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """A token's rule settings."""

    rules: Rule
    allowed_classes: int
    investor_tracking: bool
    max_investors: int
    max_balance_per_investor: int
    daily_limit_per_investor: int
    lockup_period: int
    breaker_share_bps: int
    breaker_window: int


@dataclass(frozen=True, slots=True)
class Restriction:
    """The outcome of a transfer check: a code and its message."""

    code: RestrictionCode
    message: str

    @property
    def allowed(self) -> bool:
        """Whether the transfer would succeed."""
        return self.code == RestrictionCode.SUCCESS


def investor_id(reference: str) -> bytes:
    """A 32-byte investor id from the registrar's reference (its keccak-256 hash)."""
    return keccak(text=reference)


@dataclass(frozen=True, slots=True)
class TokenSpec:
    """What a new entitlement token is."""

    name: str = "Acme Corp Class A Shares"
    symbol: str = "ACME"
    decimals: int = 0
    nominee: str = "Cede & Co."
    security_id: str = "US0000000000"
    terms_uri: str = "ipfs://acme-class-a-terms"
    terms_hash: bytes = bytes(32)
    investor_tracking: bool = True


@dataclass(frozen=True, slots=True)
class CashSpec:
    """What the stablecoin is; `restricted` admits only the identity registry's eligible wallets
    (a tokenised deposit)."""

    name: str = "Permledger USD"
    symbol: str = "PUSD"
    restricted: bool = False
