"""Deployment settings: the networks known by chain id, the role holders and the tokens.

A config file is TOML::

    network = "sepolia"                 # the network deployed to (--network overrides it)

    [networks]                          # chain ids besides anvil, sepolia and hoodi
    besu-dev = 1337

    [authority]
    admin = "0x..."                     # receives the default admin role ("deployer": keeps it)
    admin_transfer_delay = 259200       # seconds the next admin handover must wait

    [roles]                             # one address or a list per role ("deployer" allowed)
    issuer = "0x..."
    transfer_agent = "0x..."
    compliance_officer = ["0x...", "0x..."]
    pauser = "0x..."
    upgrader = "0x..."
    master_minter = "0x..."             # configures the stablecoin's minters
    blacklister = "0x..."
    rescuer = "0x..."

    [[tokens]]                          # one table per token to deploy
    name = "Acme Corp Class A Shares"
    symbol = "ACME"
    decimals = 0
    nominee = "Cede & Co."
    security_id = "US0000000000"
    terms_uri = "ipfs://acme-class-a-terms"
    terms_hash = "0x0000000000000000000000000000000000000000000000000000000000000000"
    investor_tracking = true

    [cash]                              # the stablecoin (these are the defaults)
    name = "Permledger USD"
    symbol = "PUSD"
    restricted = false                  # true: only the registry's eligible wallets hold it
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils.address import is_checksum_address, is_hex_address, to_checksum_address

from permledger.errors import ChainIdMismatch, ConfigurationError
from permledger.types import CashSpec, Role, TokenSpec

NETWORKS: Mapping[str, int] = {"anvil": 31337, "sepolia": 11155111, "hoodi": 560048}
"""Networks known by name, with their EIP-155 chain ids."""

DEPLOYER = "deployer"
"""In a config, the deployer itself: a role (or the admin role) it is told to keep."""

ADMIN_TRANSFER_DELAY = 3 * 24 * 3600
"""Seconds a new default admin of the authority waits before accepting (three days)."""

CURE_WINDOW = 24 * 3600
"""Seconds an account has to cure a margin call of the collateral vault (one day)."""

DEV_ROLE_HOLDERS: Mapping[Role, str] = {
    Role.ISSUER: "issuer",
    Role.TRANSFER_AGENT: "agent",
    Role.COMPLIANCE_OFFICER: "compliance",
    Role.PAUSER: "pauser",
    Role.UPGRADER: "upgrader",
    Role.MASTER_MINTER: "master_minter",
    Role.BLACKLISTER: "blacklister",
    Role.RESCUER: "rescuer",
    Role.NAV_ADMINISTRATOR: "administrator",
    Role.CLEARING_AGENT: "clearing",
    Role.PRICE_FEEDER: "feeder",
}
"""Which named development account holds each role: one duty per key."""

_ROLE_KEYS: Mapping[str, Role] = {
    "issuer": Role.ISSUER,
    "transfer_agent": Role.TRANSFER_AGENT,
    "compliance_officer": Role.COMPLIANCE_OFFICER,
    "pauser": Role.PAUSER,
    "upgrader": Role.UPGRADER,
    "master_minter": Role.MASTER_MINTER,
    "blacklister": Role.BLACKLISTER,
    "rescuer": Role.RESCUER,
    "nav_administrator": Role.NAV_ADMINISTRATOR,
    "clearing_agent": Role.CLEARING_AGENT,
    "price_feeder": Role.PRICE_FEEDER,
}

Holder = ChecksumAddress | str
"""A checksummed address, or `DEPLOYER`."""


@dataclass(frozen=True, slots=True)
class SystemConfig:
    """What to deploy and to whom the roles go once it is deployed."""

    roles: Mapping[Role, tuple[Holder, ...]]
    admin: Holder = DEPLOYER
    admin_transfer_delay: int = ADMIN_TRANSFER_DELAY
    tokens: tuple[TokenSpec, ...] = (TokenSpec(),)
    cash: CashSpec = field(default_factory=CashSpec)
    cure_window: int = CURE_WINDOW
    network: str | None = None
    networks: Mapping[str, int] = field(default_factory=lambda: dict(NETWORKS))

    def chain_id_of(self, network: str) -> int:
        """The chain id of a network known by name.

        Raises:
            ConfigurationError: the network is not known.
        """
        if network not in self.networks:
            known = ", ".join(f"{n} ({i})" for n, i in self.networks.items())
            raise ConfigurationError(
                f"unknown network {network!r}: known are {known}; add it under [networks]"
            )
        return self.networks[network]

    def check_chain(self, network: str, chain_id: int) -> None:
        """Check the node's chain id against the network named.

        Raises:
            ConfigurationError: unknown network.
            ChainIdMismatch: the node is on another chain.
        """
        expected = self.chain_id_of(network)
        if chain_id != expected:
            raise ChainIdMismatch(network, expected, chain_id)


def development_config(
    accounts: Mapping[str, ChecksumAddress], tokens: tuple[TokenSpec, ...] = (TokenSpec(),)
) -> SystemConfig:
    """Roles to the named development accounts; the deployer keeps the default admin role."""
    return SystemConfig(
        roles={role: (accounts[name],) for role, name in DEV_ROLE_HOLDERS.items()},
        tokens=tokens,
        network="anvil",
    )


def load_config(path: Path) -> SystemConfig:
    """Read a TOML config file.

    Raises:
        ConfigurationError: unreadable, not TOML, or a field that is missing or malformed.
    """
    try:
        data = tomllib.loads(path.read_text())
    except OSError as error:
        raise ConfigurationError(f"cannot read config {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"config {path} is not valid TOML: {error}") from None
    try:
        return _parse(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigurationError(f"config {path}: {error}") from None


def _parse(data: Mapping[str, Any]) -> SystemConfig:
    networks = dict(NETWORKS)
    for name, chain_id in data.get("networks", {}).items():
        if isinstance(chain_id, bool) or not isinstance(chain_id, int) or chain_id <= 0:
            raise ValueError(f"networks.{name} must be a positive chain id, got {chain_id!r}")
        networks[name] = chain_id
    authority = data.get("authority", {})
    delay = authority.get("admin_transfer_delay", ADMIN_TRANSFER_DELAY)
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay < 2**48:
        raise ValueError(f"authority.admin_transfer_delay must be seconds, got {delay!r}")
    roles: dict[Role, tuple[Holder, ...]] = {}
    for key, value in data.get("roles", {}).items():
        if key not in _ROLE_KEYS:
            raise ValueError(f"roles.{key} is not a role: use one of {', '.join(_ROLE_KEYS)}")
        listed = [value] if isinstance(value, str) else value
        roles[_ROLE_KEYS[key]] = tuple(_holder(h, f"roles.{key}") for h in listed)
    tokens = tuple(_token(t, i) for i, t in enumerate(data.get("tokens", [{}])))
    symbols = [t.symbol for t in tokens]
    if len(set(symbols)) != len(symbols):
        raise ValueError(f"token symbols must be unique, got {symbols}")
    network = data.get("network")
    if network is not None and network not in networks:
        raise ValueError(f"network {network!r} is not known: add it under [networks]")
    return SystemConfig(
        roles=roles,
        admin=_holder(authority.get("admin", DEPLOYER), "authority.admin"),
        admin_transfer_delay=delay,
        tokens=tokens,
        cash=_cash(data.get("cash", {})),
        network=network,
        networks=networks,
    )


def _holder(value: Any, where: str) -> Holder:
    if value == DEPLOYER:
        return DEPLOYER
    if not isinstance(value, str) or not is_hex_address(value):
        raise ValueError(f"{where}: {value!r} is not an address or {DEPLOYER!r}")
    body = value[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(value):
        raise ValueError(f"{where}: {value!r} has an invalid EIP-55 checksum")
    return to_checksum_address(value)


def _token(table: Mapping[str, Any], index: int) -> TokenSpec:
    defaults = TokenSpec()
    known = set(TokenSpec.__dataclass_fields__)
    unknown = set(table) - known
    if unknown:
        raise ValueError(f"tokens[{index}] has unknown fields {sorted(unknown)}")
    values = {**{k: getattr(defaults, k) for k in known}, **table}
    terms_hash = values["terms_hash"]
    if isinstance(terms_hash, str):
        terms_hash = bytes.fromhex(terms_hash.removeprefix("0x"))
    if len(terms_hash) != 32:
        raise ValueError(f"tokens[{index}].terms_hash must be 32 bytes")
    decimals = values["decimals"]
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 18:
        raise ValueError(f"tokens[{index}].decimals must be 0-18, got {decimals!r}")
    return TokenSpec(**{**values, "terms_hash": terms_hash})


def _cash(table: Mapping[str, Any]) -> CashSpec:
    unknown = set(table) - set(CashSpec.__dataclass_fields__)
    if unknown:
        raise ValueError(f"cash has unknown fields {sorted(unknown)}")
    spec = CashSpec(**table)
    if not isinstance(spec.name, str) or not isinstance(spec.symbol, str) or not spec.symbol:
        raise ValueError(
            f"cash.name and cash.symbol must be strings, got {spec.name!r}, {spec.symbol!r}"
        )
    if not isinstance(spec.restricted, bool):
        raise ValueError(f"cash.restricted must be true or false, got {spec.restricted!r}")
    return spec
