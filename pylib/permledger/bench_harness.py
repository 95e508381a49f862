"""ERC-20 transfers per second: plain web3 against permledger's LocalChain.

Both measure the same thing on the same contract: `transfer(recipient, 1)`
from the deployer to an existing holder, each transaction mined in its own
block. The artifact is an ERC-20 whose constructor leaves its whole supply
with the deployer. Each figure is the best of a few timed rounds (as
`timeit` takes the minimum): on a shared machine the best round is the one
least disturbed by other work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from web3 import EthereumTesterProvider, Web3

from permledger.binding import Artifact, deploy
from permledger.local_chain import LocalChain


def web3_default_tps(
    artifact: Artifact,
    *,
    constructor_args: Sequence[Any] = (),
    transfers: int = 30,
    rounds: int = 5,
) -> float:
    """Transfers per second through web3 + EthereumTesterProvider at its defaults."""
    w3 = Web3(EthereumTesterProvider())
    sender, recipient = list(w3.eth.accounts)[:2]  # web3 types it as a 1-tuple
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    tx_hash = factory.constructor(*constructor_args).transact({"from": sender})
    address = w3.eth.get_transaction_receipt(tx_hash)["contractAddress"]
    token = w3.eth.contract(address=address, abi=artifact.abi)

    def send() -> None:
        token.functions.transfer(recipient, 1).transact({"from": sender})

    return _best_rate(send, transfers, rounds)


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

    return _best_rate(send, transfers, rounds)


def _best_rate(send: Callable[[], None], transfers: int, rounds: int) -> float:
    send()  # the recipient becomes a holder: every timed transfer is alike
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(transfers):
            send()
        best = max(best, transfers / (time.perf_counter() - start))
    return best
