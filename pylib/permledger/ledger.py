"""A whole permledger system: authority, registry, compliance and tokens, deployed and bound."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode
from eth_typing import ChecksumAddress

from permledger.binding import ContractBinding, canonical_type
from permledger.chain import Account, Chain
from permledger.drivers import (
    EntitlementToken,
    IdentityRegistry,
    PermledgerAuthority,
    TransferCompliance,
)
from permledger.drivers.ballots import Ballots
from permledger.drivers.base import artifact
from permledger.drivers.collateral_vault import CollateralVault
from permledger.drivers.disclosures import Disclosures
from permledger.drivers.distributions import Distributions
from permledger.drivers.price_feed import PriceFeed
from permledger.drivers.redemptions import Redemptions
from permledger.errors import ConfigurationError
from permledger.local_chain import LocalChain
from permledger.types import Role

ADMIN_TRANSFER_DELAY = 3 * 24 * 3600
"""Seconds a new default admin of the authority waits before accepting (three days)."""

CURE_WINDOW = 24 * 3600
"""Seconds an account has to cure a margin call on a local ledger (one day)."""

ROLE_HOLDERS: Mapping[Role, str] = {
    Role.ISSUER: "issuer",
    Role.TRANSFER_AGENT: "agent",
    Role.COMPLIANCE_OFFICER: "compliance",
    Role.PAUSER: "pauser",
    Role.UPGRADER: "upgrader",
    Role.NAV_ADMINISTRATOR: "administrator",
    Role.CLEARING_AGENT: "clearing",
    Role.PRICE_FEEDER: "feeder",
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
        lifecycle: Mapping[str, ChecksumAddress] | None = None,
    ) -> None:
        """Bind an already deployed system on `chain`."""
        self.chain = chain
        accounts = chain.accounts
        self.authority = PermledgerAuthority(chain, authority, sender=accounts.get("deployer"))
        self.registry = IdentityRegistry(chain, registry, sender=accounts.get("compliance"))
        self.compliance = TransferCompliance(chain, compliance, sender=accounts.get("compliance"))
        self.token_implementation = token_implementation
        self.tokens = {symbol: EntitlementToken(chain, at) for symbol, at in tokens.items()}
        self.lifecycle = dict(lifecycle or {})
        """Lifecycle contracts by name (see `deploy_lifecycle`)."""

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The chain's named accounts."""
        return self.chain.accounts

    @property
    def token(self) -> EntitlementToken:
        """The first token deployed."""
        return next(iter(self.tokens.values()))

    @property
    def distributions(self) -> Distributions:
        """Cash distributions, sending as the issuer.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Distributions(
            self.chain, self._lifecycle("Distributions"), sender=self.accounts.get("issuer")
        )

    @property
    def ballots(self) -> Ballots:
        """Holder votes, sending as the issuer.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Ballots(self.chain, self._lifecycle("Ballots"), sender=self.accounts.get("issuer"))

    @property
    def disclosures(self) -> Disclosures:
        """Disclosure documents, sending as the issuer.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Disclosures(
            self.chain, self._lifecycle("Disclosures"), sender=self.accounts.get("issuer")
        )

    @property
    def redemptions(self) -> Redemptions:
        """Fund redemptions at NAV, sending as the NAV administrator.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Redemptions(
            self.chain, self._lifecycle("Redemptions"), sender=self.accounts.get("administrator")
        )

    @property
    def vault(self) -> CollateralVault:
        """The collateral vault, sending as the clearing agent.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return CollateralVault(
            self.chain, self._lifecycle("CollateralVault"), sender=self.accounts.get("clearing")
        )

    @property
    def price_feed(self) -> PriceFeed:
        """The collateral price feed, sending as the price feeder.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return PriceFeed(
            self.chain, self._lifecycle("PriceFeed"), sender=self.accounts.get("feeder")
        )

    def _lifecycle(self, name: str) -> ChecksumAddress:
        if name not in self.lifecycle:
            raise ConfigurationError(f"this ledger has no {name} contract")
        return self.lifecycle[name]

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
    ledger.lifecycle.update(deploy_lifecycle(chain, deployer, ledger.authority, registry=registry))
    return ledger


def deploy_lifecycle(
    chain: Chain, deployer: Account, authority: PermledgerAuthority, *, registry: ChecksumAddress
) -> dict[str, ChecksumAddress]:
    """Deploy the lifecycle contracts behind their proxies; their addresses by name."""
    deployed: dict[str, ChecksumAddress] = {}
    contracts: tuple[tuple[str, tuple[Any, ...]], ...] = (
        ("Distributions", (authority.address, registry)),
        ("Ballots", (authority.address, registry)),
        ("Disclosures", (authority.address,)),
        ("Redemptions", (authority.address,)),
        ("PriceFeed", (authority.address,)),
    )
    for name, args in contracts:
        implementation = _deploy(chain, deployer, name)
        deployed[name] = _proxy(chain, deployer, implementation, name, "initialize", *args)
    vault_args = (authority.address, deployed["PriceFeed"], CURE_WINDOW)
    vault = _deploy(chain, deployer, "CollateralVault")
    deployed["CollateralVault"] = _proxy(
        chain, deployer, vault, "CollateralVault", "initialize", *vault_args
    )
    # Settlement burns the redeemed shares; the token's burn asks for the issuer role.
    authority.grant_role(Role.ISSUER, deployed["Redemptions"], sender=deployer)
    return deployed


def _deploy(chain: Chain, sender: Account, contract: str, *args: Any) -> ChecksumAddress:
    built = artifact(contract)
    constructor: Mapping[str, Any] = next(
        (e for e in built.abi if e.get("type") == "constructor"), {"inputs": []}
    )
    types = [canonical_type(p) for p in constructor["inputs"]]
    return chain.deploy(sender, built.bytecode + encode(types, list(args)))


def _proxy(
    chain: Chain,
    sender: Account,
    implementation: ChecksumAddress,
    contract: str,
    initializer: str,
    *args: Any,
) -> ChecksumAddress:
    init = ContractBinding(chain, implementation, artifact(contract).abi).encode(initializer, *args)
    return _deploy(chain, sender, "ERC1967Proxy", implementation, init)
