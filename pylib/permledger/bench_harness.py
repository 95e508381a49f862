"""ERC-20 transfers per second: plain web3 against permledger's LocalChain.

Both measure the same thing on the same contract: `transfer(recipient, 1)`
from the deployer to an existing holder, each transaction mined in its own
block, the best of a few timed rounds. The artifact is an ERC-20 whose
constructor leaves its whole supply with the deployer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from permledger._web3_baseline import best_rate
from permledger.binding import Artifact, deploy
from permledger.local_chain import LocalChain


def web3_default_tps(
    artifact: Artifact,
    *,
    constructor_args: Sequence[Any] = (),
    transfers: int = 30,
    rounds: int = 5,
) -> float:
    """Transfers per second through web3 + EthereumTesterProvider at its defaults.

    Runs in a fresh interpreter without ETH_HASH_BACKEND, so that permledger's
    own setup (its faster keccak backend) does not speed up the baseline.
    """
    settings = {
        "abi": list(artifact.abi),
        "bytecode": "0x" + artifact.bytecode.hex(),
        "constructor_args": list(constructor_args),
        "transfers": transfers,
        "rounds": rounds,
    }
    env = {k: v for k, v in os.environ.items() if k != "ETH_HASH_BACKEND"}
    result = subprocess.run(
        # -P: the script's folder (this package, whose types.py would shadow the
        # standard library's) stays off sys.path.
        [sys.executable, "-P", str(Path(__file__).with_name("_web3_baseline.py"))],
        input=json.dumps(settings),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return float(result.stdout)


def permledger_tps(
    artifact: Artifact,
    *,
    constructor_args: Sequence[Any] = (),
    transfers: int = 100,
    rounds: int = 5,
) -> float:
    """Transfers per second through LocalChain and ContractBinding."""
    chain = LocalChain()
    sender, recipient = chain.accounts["alice"], chain.accounts["bob"].address
    token = deploy(chain, artifact, *constructor_args, sender=sender)

    def send() -> None:
        token.transact("transfer", recipient, 1, sender=sender)

    return best_rate(send, transfers, rounds)
