"""A whole permledger system: authority, registry, compliance, tokens and cash, deployed and bound.

`Ledger.local()` deploys the system on an in-process chain; `Ledger.connect()` binds a system
that `permledger deploy` put on a real node, from its manifest. Both run the same deployment
plan (permledger.deployment.plan) and give the same typed drivers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from eth_typing import ChecksumAddress

from permledger.chain import Account, Chain
from permledger.deployment.config import ADMIN_TRANSFER_DELAY, DEV_ROLE_HOLDERS, development_config
from permledger.deployment.executor import Deployment, compiler_record
from permledger.deployment.manifest import Manifest
from permledger.deployment.plan import (
    CASH,
    LIFECYCLE,
    SETTLEMENT,
    TOKEN_PREFIX,
    system_plan,
    token_proxy,
)
from permledger.drivers import (
    EntitlementToken,
    IdentityRegistry,
    PermledgerAuthority,
    Stablecoin,
    TransferCompliance,
)
from permledger.drivers.ballots import Ballots
from permledger.drivers.collateral_vault import CollateralVault
from permledger.drivers.disclosures import Disclosures
from permledger.drivers.distributions import Distributions
from permledger.drivers.dvp import DvPEscrow
from permledger.drivers.price_feed import PriceFeed
from permledger.drivers.redemptions import Redemptions
from permledger.drivers.repo import Repo
from permledger.errors import ConfigurationError, NodeUnreachable
from permledger.local_chain import LocalChain
from permledger.rpc_chain import NodeUnavailable, RpcChain, RpcSettings
from permledger.types import Role, TokenSpec

__all__ = ["ADMIN_TRANSFER_DELAY", "ROLE_HOLDERS", "Ledger", "TokenSpec", "deploy_system"]

ROLE_HOLDERS: Mapping[Role, str] = DEV_ROLE_HOLDERS
"""Which named account holds each role on a local ledger: one duty per key."""

LOCAL_MINTER_ALLOWANCE = 10**15
"""What the named account `minter` may mint on a local ledger (one billion at six decimals)."""


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
        sender: Account | None = None,
        cash: ChecksumAddress | None = None,
        lifecycle: Mapping[str, ChecksumAddress] | None = None,
        settlement: Mapping[str, ChecksumAddress] | None = None,
    ) -> None:
        """Bind an already deployed system on `chain`.

        Drivers send as `sender` when given; otherwise as the named account that holds each
        duty on a development chain (deployer, compliance, issuer, ...), if the chain has it.
        """
        self.chain = chain
        self.sender = sender
        """The account every driver sends as, when one was given."""
        self.authority = PermledgerAuthority(chain, authority, sender=self._as("deployer"))
        self.registry = IdentityRegistry(chain, registry, sender=self._as("compliance"))
        self.compliance = TransferCompliance(chain, compliance, sender=self._as("compliance"))
        self.token_implementation = token_implementation
        self.tokens = {
            symbol: EntitlementToken(chain, at, sender=sender) for symbol, at in tokens.items()
        }
        self._cash = None if cash is None else Stablecoin(chain, cash, sender=sender)
        self.lifecycle = dict(lifecycle or {})
        """Lifecycle contracts by manifest name (see `permledger.deployment.plan.LIFECYCLE`)."""
        self.settlement = dict(settlement or {})
        """Settlement contracts by contract name (see `permledger.deployment.plan.SETTLEMENT`)."""

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The chain's named accounts."""
        return self.chain.accounts

    @property
    def token(self) -> EntitlementToken:
        """The first token deployed."""
        return next(iter(self.tokens.values()))

    @property
    def cash(self) -> Stablecoin:
        """The stablecoin.

        Raises:
            ConfigurationError: the deployment has none.
        """
        if self._cash is None:
            raise ConfigurationError("this ledger's deployment has no stablecoin")
        return self._cash

    @property
    def distributions(self) -> Distributions:
        """Cash distributions, sending as the ledger's sender or else the issuer.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Distributions(
            self.chain, self._lifecycle("Distributions"), sender=self._as("issuer")
        )

    @property
    def ballots(self) -> Ballots:
        """Holder votes, sending as the ledger's sender or else the issuer.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Ballots(self.chain, self._lifecycle("Ballots"), sender=self._as("issuer"))

    @property
    def disclosures(self) -> Disclosures:
        """Disclosure documents, sending as the ledger's sender or else the issuer.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Disclosures(self.chain, self._lifecycle("Disclosures"), sender=self._as("issuer"))

    @property
    def redemptions(self) -> Redemptions:
        """Fund redemptions at NAV, sending as the ledger's sender or else the NAV administrator.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Redemptions(
            self.chain, self._lifecycle("Redemptions"), sender=self._as("administrator")
        )

    @property
    def vault(self) -> CollateralVault:
        """The collateral vault, sending as the ledger's sender or else the clearing agent.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return CollateralVault(
            self.chain, self._lifecycle("CollateralVault"), sender=self._as("clearing")
        )

    @property
    def price_feed(self) -> PriceFeed:
        """The collateral price feed, sending as the ledger's sender or else the price feeder.

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return PriceFeed(self.chain, self._lifecycle("PriceFeed"), sender=self._as("feeder"))

    @property
    def dvp(self) -> DvPEscrow:
        """The DvP escrow (gross, signed and netted delivery versus payment).

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return DvPEscrow(self.chain, self._settlement("DvPEscrow"), sender=self.sender)

    @property
    def repo(self) -> Repo:
        """The repo contract (opening and closing legs, remedies).

        Raises:
            ConfigurationError: not deployed with this ledger.
        """
        return Repo(self.chain, self._settlement("Repo"), sender=self.sender)

    def _as(self, duty: str) -> Account | None:
        """The ledger's sender, else the development account named for `duty`, if any."""
        return self.sender or self.chain.accounts.get(duty)

    def _settlement(self, name: str) -> ChecksumAddress:
        if name not in self.settlement:
            raise ConfigurationError(f"this ledger has no {name} contract")
        return self.settlement[name]

    def _lifecycle(self, name: str) -> ChecksumAddress:
        if name not in self.lifecycle:
            raise ConfigurationError(f"this ledger has no {name} contract")
        return self.lifecycle[name]

    @classmethod
    def local(cls, spec: TokenSpec = TokenSpec(), *, chain: LocalChain | None = None) -> Ledger:  # noqa: B008  (frozen)
        """Deploy the whole system, one token and the stablecoin on an in-process EVM with named,
        funded accounts; the account `minter` may mint `LOCAL_MINTER_ALLOWANCE`."""
        return deploy_system(chain or LocalChain(), spec)

    @classmethod
    def from_manifest(
        cls, chain: Chain, manifest: Manifest, *, sender: Account | None = None
    ) -> Ledger:
        """Bind the system a manifest records on `chain`.

        Raises:
            ManifestError: the manifest lacks one of the core contracts.
        """
        return cls(
            chain,
            authority=manifest.address("authority"),
            registry=manifest.address("identity_registry"),
            compliance=manifest.address("transfer_compliance"),
            token_implementation=manifest.address("entitlement_token_implementation"),
            tokens={
                name.removeprefix(TOKEN_PREFIX): address
                for name, address in manifest.addresses().items()
                if name.startswith(TOKEN_PREFIX)
            },
            sender=sender,
            cash=manifest.addresses().get(CASH),
            lifecycle={
                contract: manifest.addresses()[name]
                for name, contract in LIFECYCLE.items()
                if name in manifest.addresses()
            },
            settlement={
                contract: manifest.addresses()[name]
                for name, contract in SETTLEMENT.items()
                if name in manifest.addresses()
            },
        )

    @classmethod
    def connect(
        cls,
        rpc_url: str,
        manifest: str | Path | Manifest,
        account: Account | None = None,
        *,
        settings: RpcSettings | None = None,
    ) -> Ledger:
        """Bind a deployed system over JSON-RPC, signing locally as `account` (None: read only).

        Raises:
            NodeUnreachable: no node answers at `rpc_url`.
            ManifestCorrupt: the manifest file is not a manifest.
            ManifestChainMismatch: the manifest is for another chain.
            ManifestError: it lacks one of the core contracts.
        """
        record = manifest if isinstance(manifest, Manifest) else Manifest.load(Path(manifest))
        chain = RpcChain(rpc_url, [account] if account else [], settings)
        try:
            chain_id = chain.chain_id
        except NodeUnavailable as error:
            raise NodeUnreachable(f"no JSON-RPC node answers at {rpc_url}: {error}") from None
        record.check_target(chain_id, record.deployer)
        return cls.from_manifest(chain, record, sender=account)

    def deploy_token(self, spec: TokenSpec) -> EntitlementToken:
        """Deploy another token behind its own proxy, sharing the registry and compliance."""
        addresses = _Addresses(
            {
                "authority": self.authority.address,
                "identity_registry": self.registry.address,
                "transfer_compliance": self.compliance.address,
                "entitlement_token_implementation": self.token_implementation,
            }
        )
        deployer = self.accounts["deployer"]
        _, initcode = token_proxy(spec).transaction(addresses, deployer.address)
        driver = EntitlementToken(self.chain, self.chain.deploy(deployer, initcode))
        self.tokens[spec.symbol] = driver
        return driver


class _Addresses:
    def __init__(self, known: Mapping[str, ChecksumAddress]) -> None:
        self._known = known

    def address(self, name: str) -> ChecksumAddress:
        return self._known[name]


def deploy_system(chain: Chain, spec: TokenSpec) -> Ledger:
    """Run the deployment plan with the chain's named accounts as role holders.

    The deployer keeps the default admin role; each other role goes to its named account, and
    the master minter makes the account `minter` a minter of `LOCAL_MINTER_ALLOWANCE`.

    Raises:
        DeploymentFailed: a step reverted.
    """
    accounts = chain.accounts
    deployer = accounts["deployer"]
    holders = {name: accounts[name].address for name in ROLE_HOLDERS.values()}
    config = development_config(holders, (spec,))
    manifest = Manifest(chain.chain_id, "development", deployer.address, compiler_record())
    Deployment(chain, deployer, system_plan(config), manifest).run()
    ledger = Ledger.from_manifest(chain, manifest)
    ledger.cash.configure_minter(
        accounts["minter"], LOCAL_MINTER_ALLOWANCE, sender=accounts["master_minter"]
    )
    return ledger
