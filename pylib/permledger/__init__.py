"""permledger: a permissioned tokenisation ledger and its Python SDK."""

import permledger._keccak  # noqa: F401  (first: picks eth-hash's backend before any hashing)
from permledger.drivers import (
    DvPEscrow,
    EntitlementToken,
    IdentityRegistry,
    PermledgerAuthority,
    Repo,
    Stablecoin,
    TransferCompliance,
)
from permledger.errors import (
    BatchRejected,
    CashCheck,
    CashRejected,
    ConfigurationError,
    ContractRevert,
    InvalidInput,
    LedgerError,
    PreCheckFailed,
    SettlementRejected,
    TransferRestricted,
)
from permledger.ledger import Ledger, TokenSpec
from permledger.settlement import RepoTerms, SettlementCode, Trade
from permledger.types import CashSpec, InvestorClass, RestrictionCode, Role, Rule, investor_id

__all__ = [
    "BatchRejected",
    "CashCheck",
    "CashRejected",
    "CashSpec",
    "ConfigurationError",
    "ContractRevert",
    "DvPEscrow",
    "EntitlementToken",
    "IdentityRegistry",
    "InvalidInput",
    "InvestorClass",
    "Ledger",
    "LedgerError",
    "PermledgerAuthority",
    "PreCheckFailed",
    "Repo",
    "RepoTerms",
    "RestrictionCode",
    "Role",
    "Rule",
    "SettlementCode",
    "SettlementRejected",
    "Stablecoin",
    "TokenSpec",
    "Trade",
    "TransferCompliance",
    "TransferRestricted",
    "investor_id",
]
