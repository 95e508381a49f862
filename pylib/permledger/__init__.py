"""permledger: a permissioned tokenisation ledger and its Python SDK."""

from permledger.drivers import EntitlementToken, IdentityRegistry, PermledgerAuthority, TransferCompliance
from permledger.errors import (
    ConfigurationError,
    ContractRevert,
    InvalidInput,
    LedgerError,
    PreCheckFailed,
    TransferRestricted,
)
from permledger.ledger import Ledger, TokenSpec
from permledger.types import InvestorClass, RestrictionCode, Role, Rule, investor_id

__all__ = [
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
    "TokenSpec",
    "TransferCompliance",
    "TransferRestricted",
    "investor_id",
]
