"""The deployment plan: an ordered list of declarative steps, one transaction each.

Three kinds of step: `DeployContract` (an implementation, or any contract with constructor
arguments), `DeployProxy` (an ERC1967Proxy whose constructor calls the implementation's
initializer) and `Call` (a function of a deployed contract: a role grant, a binding, ...).
Arguments may name contracts deployed by earlier steps (`Ref`) or the deployer (`DEPLOYER_ADDRESS`);
they are resolved when the step is sent, from the addresses the manifest records.

Each layer of the system contributes its steps (`LAYERS`); the role handover comes last, so a
layer appended later still runs while the deployer holds the admin role. A later layer adds a
function `config -> list[Step]` to `LAYERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eth_typing import ChecksumAddress

from permledger.binding import AbiFunction, canonical_type, encode
from permledger.deployment.config import DEPLOYER, SystemConfig
from permledger.drivers.base import artifact
from permledger.errors import ConfigurationError
from permledger.types import Role, TokenSpec

TOKEN_PREFIX = "token."  # noqa: S105  (a name prefix, not a secret)
"""Manifest names of token proxies: "token.<SYMBOL>"."""

CASH = "stablecoin"
"""Manifest name of the stablecoin's proxy."""

_NO_REGISTRY = "0x" + "00" * 20


@dataclass(frozen=True, slots=True)
class Ref:
    """The address of the contract an earlier step deployed under `name`."""

    name: str


class _Deployer:
    def __repr__(self) -> str:
        return "DEPLOYER_ADDRESS"


DEPLOYER_ADDRESS: Any = _Deployer()
"""An argument that stands for the deployer's address."""


class Addresses(Protocol):
    """Where resolved names come from: the manifest of the deployment under way."""

    def address(self, name: str) -> ChecksumAddress:
        """The address recorded for `name`."""
        ...


def resolve(value: Any, addresses: Addresses, deployer: ChecksumAddress) -> Any:
    """Replace `Ref`s and `DEPLOYER_ADDRESS` in an argument (tuples and lists included)."""
    if isinstance(value, Ref):
        return addresses.address(value.name)
    if value is DEPLOYER_ADDRESS:
        return deployer
    if isinstance(value, tuple | list):
        return type(value)(resolve(v, addresses, deployer) for v in value)
    return value


def encode_call(contract: str, function: str, args: Sequence[Any]) -> bytes:
    """Calldata for `function(*args)` of `contract`'s ABI (overloads told apart by arity).

    Raises:
        ConfigurationError: no such function, or several take that many arguments.
    """
    entries = [
        e
        for e in artifact(contract).abi
        if e.get("type") == "function"
        and e.get("name") == function
        and len(e.get("inputs", ())) == len(args)
    ]
    if len(entries) != 1:
        raise ConfigurationError(f"{contract} has no single {function} taking {len(args)} args")
    return AbiFunction.from_abi(entries[0]).encode(args)


def initcode(contract: str, args: Sequence[Any]) -> bytes:
    """Creation bytecode of `contract` followed by its encoded constructor arguments."""
    built = artifact(contract)
    constructor = next((e for e in built.abi if e.get("type") == "constructor"), {})
    types = [canonical_type(p) for p in constructor.get("inputs", ())]
    return built.bytecode + encode(types, list(args))


@dataclass(frozen=True, slots=True)
class DeployContract:
    """Deploy `contract` with constructor `args`; the manifest records it as `name`."""

    name: str
    contract: str
    args: tuple[Any, ...] = ()

    @property
    def key(self) -> str:
        """The step's id in the manifest."""
        return self.name

    def describe(self) -> str:
        """One line for the plan."""
        return f"deploy {self.contract} as {self.name}"

    def transaction(
        self, addresses: Addresses, deployer: ChecksumAddress
    ) -> tuple[ChecksumAddress | None, bytes]:
        """The transaction's target (None: a creation) and data."""
        return None, initcode(self.contract, resolve(self.args, addresses, deployer))


@dataclass(frozen=True, slots=True)
class DeployProxy:
    """Deploy an ERC1967Proxy to `implementation` whose constructor calls `initializer(*args)`."""

    name: str
    contract: str
    implementation: str
    initializer: str = "initialize"
    args: tuple[Any, ...] = ()

    @property
    def key(self) -> str:
        """The step's id in the manifest."""
        return self.name

    def describe(self) -> str:
        """One line for the plan."""
        return f"deploy proxy {self.name} to {self.implementation}, calling {self.initializer}"

    def transaction(
        self, addresses: Addresses, deployer: ChecksumAddress
    ) -> tuple[ChecksumAddress | None, bytes]:
        """The transaction's target (None: a creation) and data."""
        init = encode_call(self.contract, self.initializer, resolve(self.args, addresses, deployer))
        return None, initcode("ERC1967Proxy", (addresses.address(self.implementation), init))


@dataclass(frozen=True, slots=True)
class Call:
    """Call `function(*args)` on the contract deployed as `target`, whose ABI is `contract`'s."""

    key: str
    target: str
    contract: str
    function: str
    args: tuple[Any, ...] = ()

    def describe(self) -> str:
        """One line for the plan."""
        return self.key

    def transaction(
        self, addresses: Addresses, deployer: ChecksumAddress
    ) -> tuple[ChecksumAddress | None, bytes]:
        """The transaction's target and data."""
        data = encode_call(self.contract, self.function, resolve(self.args, addresses, deployer))
        return addresses.address(self.target), data


Step = DeployContract | DeployProxy | Call
"""One step of a plan: one transaction from the deployer."""

Layer = Callable[[SystemConfig], list[Step]]
"""What one layer of the system adds to the plan."""


def token_name(symbol: str) -> str:
    """The manifest name of a token proxy."""
    return TOKEN_PREFIX + symbol


def token_proxy(spec: TokenSpec) -> DeployProxy:
    """The step that deploys one entitlement token behind its proxy."""
    params = (
        spec.name,
        spec.symbol,
        spec.decimals,
        Ref("authority"),
        Ref("identity_registry"),
        Ref("transfer_compliance"),
        spec.nominee,
        spec.security_id,
        spec.terms_uri,
        spec.terms_hash,
        spec.investor_tracking,
    )
    return DeployProxy(
        token_name(spec.symbol),
        "EntitlementToken",
        "entitlement_token_implementation",
        args=(params,),
    )


def core_layer(config: SystemConfig) -> list[Step]:
    """Authority, identity registry, transfer compliance and the entitlement tokens."""
    return [
        DeployContract(
            "authority", "PermledgerAuthority", (config.admin_transfer_delay, DEPLOYER_ADDRESS)
        ),
        DeployContract("identity_registry_implementation", "IdentityRegistry"),
        DeployProxy(
            "identity_registry",
            "IdentityRegistry",
            "identity_registry_implementation",
            args=(Ref("authority"),),
        ),
        DeployContract("transfer_compliance_implementation", "TransferCompliance"),
        DeployProxy(
            "transfer_compliance",
            "TransferCompliance",
            "transfer_compliance_implementation",
            args=(Ref("authority"),),
        ),
        DeployContract("entitlement_token_implementation", "EntitlementToken"),
        *(token_proxy(spec) for spec in config.tokens),
    ]


def cash_layer(config: SystemConfig) -> list[Step]:
    """The stablecoin behind its proxy, restricted to the identity registry if so configured."""
    spec = config.cash
    registry = Ref("identity_registry") if spec.restricted else _NO_REGISTRY
    return [
        DeployContract("stablecoin_implementation", "Stablecoin"),
        DeployProxy(
            CASH,
            "Stablecoin",
            "stablecoin_implementation",
            args=(spec.name, spec.symbol, Ref("authority"), registry),
        ),
    ]


LIFECYCLE: Mapping[str, str] = {
    "distributions": "Distributions",
    "ballots": "Ballots",
    "disclosures": "Disclosures",
    "redemptions": "Redemptions",
    "price_feed": "PriceFeed",
    "collateral_vault": "CollateralVault",
}
"""Manifest name -> contract of each lifecycle proxy, in deployment order."""


def lifecycle_layer(config: SystemConfig) -> list[Step]:
    """Distributions, ballots, disclosures, redemptions, the price feed and the collateral vault.

    Redemption settlement burns the redeemed shares, and the token's burn asks for the issuer
    role, so the redemptions contract is granted it.
    """
    authority, registry = Ref("authority"), Ref("identity_registry")
    initializers: Mapping[str, tuple[Any, ...]] = {
        "distributions": (authority, registry),
        "ballots": (authority, registry),
        "disclosures": (authority,),
        "redemptions": (authority,),
        "price_feed": (authority,),
        "collateral_vault": (authority, Ref("price_feed"), config.cure_window),
    }
    steps: list[Step] = []
    for name, contract in LIFECYCLE.items():
        steps.append(DeployContract(f"{name}_implementation", contract))
        steps.append(DeployProxy(name, contract, f"{name}_implementation", args=initializers[name]))
    steps.append(
        Call(
            "grant ISSUER to redemptions",
            "authority",
            "PermledgerAuthority",
            "grantRole",
            (Role.ISSUER.value, Ref("redemptions")),
        )
    )
    return steps


LAYERS: tuple[Layer, ...] = (core_layer, cash_layer, lifecycle_layer)
"""Every layer's steps, in deployment order (later layers may `Ref` earlier contracts)."""


def grant_role(role: Role, holder: str) -> Call:
    """Grant `role` to `holder` (an address, or `DEPLOYER` for the deployer itself)."""
    account = DEPLOYER_ADDRESS if holder == DEPLOYER else holder
    return Call(
        f"grant {role.name} to {holder}",
        "authority",
        "PermledgerAuthority",
        "grantRole",
        (role.value, account),
    )


def handover(config: SystemConfig) -> list[Step]:
    """Grant each role to its holders, then start the default admin's two-step transfer.

    The deployer is granted nothing unless the config names it. Its default admin role moves
    only when the new admin accepts, after `admin_transfer_delay` (AccessControlDefaultAdminRules).
    """
    steps: list[Step] = [
        grant_role(role, holder) for role, holders in config.roles.items() for holder in holders
    ]
    if config.admin != DEPLOYER:
        steps.append(
            Call(
                f"begin default admin transfer to {config.admin}",
                "authority",
                "PermledgerAuthority",
                "beginDefaultAdminTransfer",
                (config.admin,),
            )
        )
    return steps


def system_plan(config: SystemConfig, layers: Sequence[Layer] = LAYERS) -> list[Step]:
    """Every layer's steps, then the role handover.

    Raises:
        ConfigurationError: two steps share a key.
    """
    steps = [step for layer in layers for step in layer(config)] + handover(config)
    keys = [step.key for step in steps]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ConfigurationError(f"the plan has duplicate steps: {duplicates}")
    return steps


def contract_of(step: Step) -> str | None:
    """The artifact a deploy step creates (ERC1967Proxy for proxies); None for calls."""
    if isinstance(step, DeployProxy):
        return "ERC1967Proxy"
    if isinstance(step, DeployContract):
        return step.contract
    return None


def by_key(steps: Sequence[Step]) -> Mapping[str, Step]:
    """The steps by key."""
    return {step.key: step for step in steps}
