"""``permledger deploy``: deploy the whole system to a JSON-RPC node, resumable from its manifest.

    permledger deploy --rpc-url URL --manifest PATH [--network NAME] [--config PATH]
                      [--confirmations N] [--dry-run] [--keystore PATH]

The deployer key comes from ``PERMLEDGER_DEPLOYER_KEY`` or an encrypted keystore (see
permledger.deployment.keys), never from an argument. Everything that can be checked is checked
before the first transaction: the key, the config, the manifest, the node, its chain id against
the network, the recorded contracts' code, the deployer's funds and the whole plan (run once on an
in-process chain). Running the same command again resumes an interrupted deployment.

Exit status: 0 done (or dry run), 1 a step failed or the node stopped answering (run again to
resume), 2 a configuration problem (nothing was sent).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from permledger.anvil import dev_account
from permledger.chain import Account, ChainError
from permledger.deployment.config import DEV_ROLE_HOLDERS, SystemConfig, development_config
from permledger.deployment.config import load_config as read_config
from permledger.deployment.executor import CostEstimate, Deployment, compiler_record
from permledger.deployment.keys import load_deployer
from permledger.deployment.manifest import Manifest
from permledger.deployment.plan import system_plan
from permledger.errors import ConfigurationError, LedgerError, NodeUnreachable
from permledger.rpc_chain import NodeUnavailable, RpcChain, RpcSettings

ETHER = 10**18
GWEI = 10**9


@dataclass(frozen=True, slots=True)
class DeployOptions:
    """What `permledger deploy` was asked to do."""

    rpc_url: str
    manifest: Path
    network: str | None = None
    config: Path | None = None
    confirmations: int = 1
    dry_run: bool = False
    keystore: Path | None = None
    poll_interval: float = 2.0


def parse(argv: Sequence[str]) -> DeployOptions:
    """Read the command line (exits with status 2 and a usage message on bad arguments)."""
    parser = argparse.ArgumentParser(
        prog="permledger deploy",
        description="Deploy the permledger system to a JSON-RPC node, resumable from a manifest.",
        epilog="The deployer key: PERMLEDGER_DEPLOYER_KEY, or --keystore / "
        "PERMLEDGER_DEPLOYER_KEYSTORE with PERMLEDGER_DEPLOYER_PASSWORD (or a prompt).",
    )
    parser.add_argument("--rpc-url", required=True, help="HTTP JSON-RPC URL of the node")
    parser.add_argument("--manifest", required=True, type=Path, help="manifest file (resumed)")
    parser.add_argument("--network", help="network name the node must be on (default: config's)")
    parser.add_argument("--config", type=Path, help="TOML config: role holders, tokens, networks")
    parser.add_argument(
        "--confirmations", type=int, default=1, help="blocks each step waits for (default 1)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the plan and cost only")
    parser.add_argument("--keystore", type=Path, help="encrypted keystore file of the deployer")
    parser.add_argument(
        "--poll-interval", type=float, default=2.0, help="seconds between receipt polls"
    )
    args = parser.parse_args(argv)
    if args.confirmations < 1:
        parser.error("--confirmations must be at least 1")
    return DeployOptions(
        rpc_url=args.rpc_url,
        manifest=args.manifest,
        network=args.network,
        config=args.config,
        confirmations=args.confirmations,
        dry_run=args.dry_run,
        keystore=args.keystore,
        poll_interval=args.poll_interval,
    )


def main(argv: Sequence[str]) -> int:
    """Run the command; returns the exit status."""
    options = parse(argv)
    try:
        deploy(options, os.environ, out=sys.stdout)
    except ConfigurationError as error:
        print(f"permledger deploy: {error} (nothing was sent)", file=sys.stderr)
        return 2
    except (LedgerError, ChainError) as error:
        print(f"permledger deploy: {error}", file=sys.stderr)
        print(f"run the same command again to resume from {options.manifest}", file=sys.stderr)
        return 1
    return 0


def deploy(options: DeployOptions, environ: Mapping[str, str], *, out: TextIO) -> Manifest:
    """Check everything, then deploy what the manifest does not record yet (or print the plan).

    Raises:
        KeyUnavailable, ConfigurationError, ManifestCorrupt: before the node is asked anything.
        NodeUnreachable, ChainIdMismatch, ManifestChainMismatch, ManifestCodeMismatch,
        DeployerUnfunded: before anything is sent.
        DeploymentFailed, NodeUnavailable, ReceiptTimeout: during the run; run again to resume.
    """
    config = read_config(options.config) if options.config else None
    deployer = load_deployer(environ, keystore=options.keystore)
    existing = Manifest.load(options.manifest) if options.manifest.exists() else None
    network = (
        options.network
        or (config.network if config else None)
        or (existing.network if existing else None)
        or "anvil"
    )
    config = config or _default_config(network)
    config.chain_id_of(network)
    chain = RpcChain(
        options.rpc_url,
        [deployer],
        RpcSettings(confirmations=options.confirmations, poll_interval=options.poll_interval),
    )
    try:
        chain_id = chain.chain_id
    except NodeUnavailable as error:
        raise NodeUnreachable(f"no JSON-RPC node answers at {options.rpc_url}: {error}") from None
    config.check_chain(network, chain_id)
    if existing is not None:
        existing.check_target(chain_id, deployer.address)
        manifest = existing
    else:
        manifest = Manifest(
            chain_id, network, deployer.address, compiler_record(), path=options.manifest
        )
    deployment = Deployment(
        chain,
        deployer,
        system_plan(config),
        manifest,
        confirmations=options.confirmations,
        log=lambda line: print(line, file=out, flush=True),
    )
    deployment.verify()
    estimate = deployment.estimate()
    if options.dry_run:
        _print_plan(deployment, estimate, chain.get_balance(deployer.address), out)
        return manifest
    deployment.check_funds(estimate)
    print(
        f"deploying {len(deployment.remaining())} of {len(deployment.steps)} steps to {network} "
        f"(chain {chain_id}) as {deployer.address}",
        file=out,
        flush=True,
    )
    deployment.run()
    _print_summary(manifest, deployer, out)
    return manifest


def _default_config(network: str) -> SystemConfig:
    if network != "anvil":
        raise ConfigurationError(
            f"--config is required on network {network!r}: it names who receives each role"
        )
    # On anvil, the same named development accounts as the in-process chain.
    return development_config({n: dev_account(n).address for n in DEV_ROLE_HOLDERS.values()})


def _print_plan(deployment: Deployment, estimate: CostEstimate, balance: int, out: TextIO) -> None:
    manifest = deployment.manifest
    gas_of = {step.key: gas for step, gas in estimate.steps}
    print(
        f"plan for {manifest.network} (chain {manifest.chain_id}), deployer {manifest.deployer}",
        file=out,
    )
    for number, step in enumerate(deployment.steps, start=1):
        if manifest.done(step.key):
            status, gas = "done", "-"
        else:
            status, gas = "to do", f"{gas_of[step.key]:,}"
        print(f"{number:>3}  {status:<6} {gas:>11}  {step.describe()}", file=out)
    if manifest.pending is not None:
        print(
            f"pending transaction {manifest.pending['tx_hash']} ({manifest.pending['step']}) "
            "will be looked up before anything is sent",
            file=out,
        )
    fees = estimate.fees
    print(
        f"steps left: {len(estimate.steps)}, gas {estimate.total_gas:,}\n"
        f"fees now: base {fees.base_fee_per_gas / GWEI:.3f} gwei + tip "
        f"{fees.max_priority_fee_per_gas / GWEI:.3f} gwei (max fee "
        f"{fees.max_fee_per_gas / GWEI:.3f} gwei)\n"
        f"estimated cost: {estimate.expected_wei / ETHER:.6f} ether; "
        f"a balance of {estimate.required_wei / ETHER:.6f} ether surely suffices\n"
        f"deployer balance: {balance / ETHER:.6f} ether "
        f"({'enough' if balance >= estimate.required_wei else 'NOT enough'})",
        file=out,
    )


def _print_summary(manifest: Manifest, deployer: Account, out: TextIO) -> None:
    print(f"deployed; manifest {manifest.path}", file=out)
    for name, entry in manifest.contracts.items():
        print(f"  {name:<40} {entry['address']}", file=out)
    transfer = manifest.admin_transfer
    if transfer:
        print(
            f"default admin: still {deployer.address} until {transfer['new_admin']} calls "
            f"acceptDefaultAdminTransfer() on the authority at or after unix time "
            f"{transfer['accept_after']}",
            file=out,
        )
    else:
        print(f"default admin: {deployer.address} (the deployer keeps it, as configured)", file=out)
