"""One typed driver per contract, named after it."""

from permledger.drivers.entitlement_token import EntitlementToken
from permledger.drivers.identity_registry import IdentityRegistry
from permledger.drivers.permledger_authority import PermledgerAuthority
from permledger.drivers.stablecoin import Stablecoin
from permledger.drivers.transfer_compliance import TransferCompliance

__all__ = [
    "EntitlementToken",
    "IdentityRegistry",
    "PermledgerAuthority",
    "Stablecoin",
    "TransferCompliance",
]
