"""A whole permledger system: authority, registry, compliance and tokens, deployed and bound."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_typing import ChecksumAddress

from permledger.binding import ContractBinding, canonical_type
from permledger.chain import Account, Chain
from permledger.drivers import (
    EntitlementToken,
    IdentityRegistry,
    PermledgerAuthority,
    TransferCompliance,
)
from permledger.drivers.base import artifact
from permledger.drivers.dvp import DvPEscrow
from permledger.drivers.repo import Repo
from permledger.errors import ConfigurationError
from permledger.local_chain import LocalChain
from permledger.types import Role

ADMIN_TRANSFER_DELAY = 3 * 24 * 3600
"""Seconds a new default admin of the authority waits before accepting (three days)."""

ROLE_HOLDERS: Mapping[Role, str] = {
    Role.ISSUER: "issuer",
    Role.TRANSFER_AGENT: "agent",
    Role.COMPLIANCE_OFFICER: "compliance",
    Role.PAUSER: "pauser",
    Role.UPGRADER: "upgrader",
    Role.VENUE: "venue",
}
"""Which named account holds each role on a local ledger: one duty per key."""


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


class Ledger:
    """A deployed system with drivers bound to the accounts that hold each role."""

    def __init__(
        self,
        chain: Chain,
        *,
        authority: ChecksumAddress,
        registry: ChecksumAddress,
        compliance: ChecksumAddress,
        token_implementation: ChecksumAddress,
        tokens: Mapping[str, ChecksumAddress],
        dvp: ChecksumAddress | None = None,
        repo: ChecksumAddress | None = None,
    ) -> None:
        """Bind an already deployed system on `chain` (settlement contracts optional)."""
        self.chain = chain
        accounts = chain.accounts
        self.authority = PermledgerAuthority(chain, authority, sender=accounts.get("deployer"))
        self.registry = IdentityRegistry(chain, registry, sender=accounts.get("compliance"))
        self.compliance = TransferCompliance(chain, compliance, sender=accounts.get("compliance"))
        self.token_implementation = token_implementation
        self.tokens = {symbol: EntitlementToken(chain, at) for symbol, at in tokens.items()}
        self._dvp = DvPEscrow(chain, dvp) if dvp else None
        self._repo = Repo(chain, repo) if repo else None

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The chain's named accounts."""
        return self.chain.accounts

    @property
    def token(self) -> EntitlementToken:
        """The first token deployed."""
        return next(iter(self.tokens.values()))

    @property
    def dvp(self) -> DvPEscrow:
        """The DvP escrow.

        Raises:
            ConfigurationError: this ledger has no escrow deployed.
        """
        if self._dvp is None:
            raise ConfigurationError("this ledger has no DvP escrow; call deploy_settlement()")
        return self._dvp

    @property
    def repo(self) -> Repo:
        """The repo contract.

        Raises:
            ConfigurationError: this ledger has no repo contract deployed.
        """
        if self._repo is None:
            raise ConfigurationError("this ledger has no repo contract; call deploy_settlement()")
        return self._repo

    def deploy_settlement(self) -> None:
        """Deploy the DvP escrow and the repo contract, each behind its own proxy."""
        deployer = self.accounts["deployer"]

        def deploy(contract: str) -> ChecksumAddress:
            implementation = _deploy(self.chain, deployer, contract)
            authority = self.authority.address
            return _proxy(self.chain, deployer, implementation, contract, "initialize", authority)

        self._dvp = DvPEscrow(self.chain, deploy("DvPEscrow"))
        self._repo = Repo(self.chain, deploy("Repo"))

    @classmethod
    def local(cls, spec: TokenSpec = TokenSpec(), *, chain: LocalChain | None = None) -> Ledger:
        """Deploy the whole system and one token on an in-process EVM with named, funded accounts."""
        return deploy_system(chain or LocalChain(), spec)

    def deploy_token(self, spec: TokenSpec) -> EntitlementToken:
        """Deploy another token behind its own proxy, sharing the registry and compliance."""
        deployer = self.accounts["deployer"]
        params = (
            spec.name,
            spec.symbol,
            spec.decimals,
            self.authority.address,
            self.registry.address,
            self.compliance.address,
            spec.nominee,
            spec.security_id,
            spec.terms_uri,
            spec.terms_hash,
            spec.investor_tracking,
        )
        token = _proxy(
            self.chain,
            deployer,
            self.token_implementation,
            "EntitlementToken",
            "initialize",
            params,
        )
        driver = EntitlementToken(self.chain, token)
        self.tokens[spec.symbol] = driver
        return driver


def deploy_system(chain: Chain, spec: TokenSpec) -> Ledger:
    """Deploy authority, registry, compliance and a first token; hand each role to its holder."""
    accounts = chain.accounts
    deployer = accounts["deployer"]
    authority = _deploy(
        chain, deployer, "PermledgerAuthority", ADMIN_TRANSFER_DELAY, deployer.address
    )
    registry = _proxy(
        chain,
        deployer,
        _deploy(chain, deployer, "IdentityRegistry"),
        "IdentityRegistry",
        "initialize",
        authority,
    )
    compliance = _proxy(
        chain,
        deployer,
        _deploy(chain, deployer, "TransferCompliance"),
        "TransferCompliance",
        "initialize",
        authority,
    )
    token_implementation = _deploy(chain, deployer, "EntitlementToken")
    ledger = Ledger(
        chain,
        authority=authority,
        registry=registry,
        compliance=compliance,
        token_implementation=token_implementation,
        tokens={},
    )
    for role, holder in ROLE_HOLDERS.items():
        ledger.authority.grant_role(role, accounts[holder])
    ledger.deploy_token(spec)
    ledger.deploy_settlement()
    return ledger


def _deploy(chain: Chain, sender: Account, contract: str, *args: Any) -> ChecksumAddress:
    built = artifact(contract)
    constructor = next((e for e in built.abi if e.get("type") == "constructor"), {"inputs": []})
    types = [canonical_type(p) for p in constructor["inputs"]]
    return chain.deploy(sender, built.bytecode + encode(types, list(args)))


def _proxy(
    chain: Chain, sender: Account, implementation: str, contract: str, initializer: str, *args: Any
) -> ChecksumAddress:
    init = ContractBinding(chain, implementation, artifact(contract).abi).encode(initializer, *args)
    return _deploy(chain, sender, "ERC1967Proxy", implementation, init)
