"""The ``permledger`` command: ``permledger <command> [args]`` runs ``permledger.<command>.main``.

Each command module is imported only when its command runs (demo and bench load the whole
SDK) and parses its own arguments: ``main(argv: Sequence[str]) -> int``, the exit status.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

COMMANDS = {
    "demo": "deploy a market on an in-process chain and walk through its life",
    "build": "compile contracts/ into the packaged artifacts (--check: fail if stale)",
    "bench": "measure gas and throughput per operation",
    "deploy": "deploy the system to a JSON-RPC node, resumable from its manifest",
    "status": "print a deployment: contracts, roles, paused state, supply, investors",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    parser = argparse.ArgumentParser(prog="permledger", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, summary in COMMANDS.items():
        # No help of its own: `permledger build --help` reaches the command's parser.
        commands.add_parser(name, help=summary, add_help=False)
    args, rest = parser.parse_known_args(argv)
    module = importlib.import_module(f"permledger.{args.command}")
    return int(module.main(rest))
