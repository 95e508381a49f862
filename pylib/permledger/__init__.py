"""permledger: a permissioned tokenisation ledger and its Python SDK."""

import permledger._keccak  # noqa: F401  (first: picks eth-hash's backend before any hashing)
from permledger.drivers import (
    EntitlementToken,
    IdentityRegistry,
    PermledgerAuthority,
    Stablecoin,
    TransferCompliance,
)
from permledger.errors import (
    CashCheck,
    CashRejected,
    ConfigurationError,
    ContractRevert,
    InvalidInput,
    LedgerError,
    PreCheckFailed,
    TransferRestricted,
)
from permledger.ledger import Ledger, TokenSpec
from permledger.types import CashSpec, InvestorClass, RestrictionCode, Role, Rule, investor_id

__all__ = [
    "CashCheck",
    "CashRejected",
    "CashSpec",
    "ConfigurationError",
    "ContractRevert",
    "EntitlementToken",
    "IdentityRegistry",
    "InvalidInput",
    "InvestorClass",
    "Ledger",
    "LedgerError",
    "PermledgerAuthority",
    "PreCheckFailed",
    "RestrictionCode",
    "Role",
    "Rule",
    "Stablecoin",
    "TokenSpec",
    "TransferCompliance",
    "TransferRestricted",
    "investor_id",
]
