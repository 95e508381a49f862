"""``permledger status``: what a manifest records, and with a node, what the chain says now.

    permledger status --manifest PATH [--rpc-url URL]

Without a node (no ``--rpc-url`` and no ``PERMLEDGER_RPC_URL``) it prints the manifest. With one:
each contract's code checked against the manifest, the roles and who holds them (replayed from
the authority's events), the default admin and any handover under way, and per token its paused
state, supply and number of investors holding it, plus the investors registered.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from eth_typing import ChecksumAddress
from eth_utils.crypto import keccak

from permledger.chain import ChainError
from permledger.deployment.manifest import Manifest
from permledger.errors import LedgerError, NodeUnreachable
from permledger.ledger import Ledger
from permledger.rpc_chain import NodeUnavailable, RpcChain
from permledger.types import Role

RPC_URL_VARIABLE = "PERMLEDGER_RPC_URL"


@dataclass(frozen=True, slots=True)
class TokenStatus:
    """One token as the chain reports it."""

    symbol: str
    name: str
    address: ChecksumAddress
    paused: bool
    total_supply: int
    investors: int


@dataclass(frozen=True, slots=True)
class SystemStatus:
    """A deployed system as the chain reports it."""

    code_problems: dict[str, str]
    roles: dict[str, list[ChecksumAddress]]
    default_admin: ChecksumAddress
    pending_admin: ChecksumAddress | None
    accept_after: int
    admin_delay: int
    registered_investors: int
    tokens: list[TokenStatus] = field(default_factory=list)


def collect(chain: RpcChain, manifest: Manifest) -> SystemStatus:
    """Ask the chain about every contract the manifest records.

    Raises:
        ManifestChainMismatch: the node is on another chain.
    """
    manifest.check_target(chain.chain_id, manifest.deployer)
    ledger = Ledger.from_manifest(chain, manifest)
    problems: dict[str, str] = {}
    for name, entry in manifest.contracts.items():
        code = chain.get_code(manifest.address(name))
        if not code:
            problems[name] = "no code"
        elif "0x" + keccak(code).hex() != entry["code_hash"]:
            problems[name] = "code differs from the manifest"
    authority = ledger.authority
    holders = authority.role_holders(from_block=manifest.contracts["authority"]["block_number"])
    pending, accept_after = authority.pending_default_admin()
    tokens = [
        TokenStatus(
            symbol=symbol,
            name=token.name,
            address=token.address,
            paused=token.paused(),
            total_supply=token.total_supply(),
            investors=token.investor_count(),
        )
        for symbol, token in ledger.tokens.items()
    ]
    return SystemStatus(
        code_problems=problems,
        roles={_role_name(role): members for role, members in holders.items()},
        default_admin=authority.default_admin(),
        pending_admin=None if int(pending, 16) == 0 else pending,
        accept_after=accept_after,
        admin_delay=authority.default_admin_delay(),
        registered_investors=ledger.registry.investor_count(),
        tokens=tokens,
    )


def _role_name(role: bytes) -> str:
    return role.name if isinstance(role, Role) else "0x" + role.hex()


def main(argv: Sequence[str]) -> int:
    """Run the command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="permledger status", description="Print a deployment: its manifest and its state."
    )
    parser.add_argument("--manifest", required=True, type=Path, help="the deployment's manifest")
    parser.add_argument("--rpc-url", help=f"JSON-RPC URL of the node (or {RPC_URL_VARIABLE})")
    args = parser.parse_args(argv)
    try:
        show(args.manifest, args.rpc_url or os.environ.get(RPC_URL_VARIABLE), out=sys.stdout)
    except (LedgerError, ChainError) as error:
        print(f"permledger status: {error}", file=sys.stderr)
        return 2
    return 0


def show(manifest_path: Path, rpc_url: str | None, *, out: TextIO) -> None:
    """Print the manifest, and the chain's state when `rpc_url` is given.

    Raises:
        ManifestCorrupt, NodeUnreachable, ManifestChainMismatch.
    """
    manifest = Manifest.load(manifest_path)
    compiler = manifest.compiler.get("version", "?")
    print(
        f"deployment on {manifest.network} (chain {manifest.chain_id}) by {manifest.deployer}, "
        f"compiled with solc {compiler}",
        file=out,
    )
    if manifest.pending:
        print(f"UNFINISHED: transaction {manifest.pending['tx_hash']} pending", file=out)
    state = None
    if rpc_url:
        chain = RpcChain(rpc_url)
        try:
            chain.chain_id  # noqa: B018  (the first request: is anyone there?)
        except NodeUnavailable as error:
            raise NodeUnreachable(f"no JSON-RPC node answers at {rpc_url}: {error}") from None
        state = collect(chain, manifest)
    print("contracts:", file=out)
    for name, entry in manifest.contracts.items():
        check = "" if state is None else f"  {state.code_problems.get(name, 'code ok')}"
        print(f"  {name:<36} {entry['address']}  block {entry['block_number']}{check}", file=out)
    if state is None:
        print("(no --rpc-url: the manifest only)", file=out)
        return
    print("roles:", file=out)
    print(f"  DEFAULT_ADMIN (delay {state.admin_delay} s): {state.default_admin}", file=out)
    if state.pending_admin:
        print(
            f"  pending admin {state.pending_admin} may accept at unix time {state.accept_after}",
            file=out,
        )
    for role, members in state.roles.items():
        if role != "DEFAULT_ADMIN":
            print(f"  {role}: {', '.join(members)}", file=out)
    print(f"investors registered: {state.registered_investors}", file=out)
    print("tokens:", file=out)
    for token in state.tokens:
        print(
            f"  {token.symbol} ({token.name}) {token.address}: "
            f"{'PAUSED' if token.paused else 'active'}, supply {token.total_supply}, "
            f"{token.investors} investors holding",
            file=out,
        )
