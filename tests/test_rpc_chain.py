"""RpcChain against anvil: batched views, decoded reverts, safe re-broadcasts, confirmations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from eth_typing import ChecksumAddress
from eth_utils import function_signature_to_4byte_selector as selector

from permledger.anvil import AnvilChain, AnvilNode, free_port
from permledger.binding import ErrorDecoder
from permledger.chain import CallRequest, TransactionRejected, TransactionReverted
from permledger.rpc_chain import NodeUnavailable, ReceiptTimeout, RpcChain, RpcSettings

PROBE = json.loads((Path(__file__).parent / "fixtures" / "Probe.json").read_text())


def calldata(signature: str, *words: int) -> bytes:
    return selector(signature) + b"".join(w.to_bytes(32, "big") for w in words)


@pytest.fixture
def chain(anvil_node: AnvilNode) -> AnvilChain:
    return AnvilChain(anvil_node.url)


@pytest.fixture
def probe(chain: AnvilChain) -> ChecksumAddress:
    initcode = bytes.fromhex(PROBE["bytecode"][2:]) + (10**24).to_bytes(32, "big")
    return chain.deploy(chain.accounts["deployer"], initcode)


def rejected_amount(data: bytes) -> int:
    decoded = ErrorDecoder(PROBE["abi"]).decode(data)
    assert decoded is not None
    assert decoded.name == "ProbeRejected"
    return int(decoded.args["amount"])


class Counting:
    """Wraps a provider's request functions to count round trips (and optionally lose answers)."""

    def __init__(self, chain: RpcChain) -> None:
        self.single: list[str] = []
        self.batches: list[int] = []
        self.lose_next_broadcast_answer = False
        provider = chain._provider
        make_request, make_batch = provider.make_request, provider.make_batch_request

        def request(method: Any, params: Any) -> Any:
            self.single.append(method)
            answer = make_request(method, params)
            if method == "eth_sendRawTransaction" and self.lose_next_broadcast_answer:
                self.lose_next_broadcast_answer = False
                raise requests.exceptions.ConnectionError("connection reset after sending")
            return answer

        def batch(calls: Any) -> Any:
            self.batches.append(len(calls))
            return make_batch(calls)

        provider.make_request = request  # type: ignore[method-assign]
        provider.make_batch_request = batch  # type: ignore[method-assign]


def test_call_many_is_one_round_trip(chain: AnvilChain, probe: ChecksumAddress) -> None:
    counting = Counting(chain)
    requests_ = [CallRequest(probe, calldata("clock()")) for _ in range(40)]
    outputs = chain.call_many(requests_)
    assert len(outputs) == 40
    assert len(set(outputs)) == 1
    assert counting.batches == [40]
    assert counting.single == []


def test_call_many_raises_the_revert_of_one_call(chain: AnvilChain, probe: ChecksumAddress) -> None:
    with pytest.raises(TransactionReverted) as raised:
        chain.call_many([CallRequest(probe, calldata("clock()")),
                         CallRequest(probe, calldata("rejectCustom(uint256)", 7))])  # fmt: skip
    assert rejected_amount(raised.value.data) == 7


def test_a_transaction_that_would_revert_is_not_sent(
    chain: AnvilChain, probe: ChecksumAddress
) -> None:
    alice = chain.accounts["alice"]
    with pytest.raises(TransactionReverted) as raised:
        chain.transact(alice, probe, calldata("rejectCustom(uint256)", 9))
    assert raised.value.tx_hash is None
    assert rejected_amount(raised.value.data) == 9
    assert chain.get_nonce(alice.address) == 0


def test_a_mined_revert_carries_its_data_and_hash(
    chain: AnvilChain, probe: ChecksumAddress
) -> None:
    alice = chain.accounts["alice"]
    with pytest.raises(TransactionReverted) as raised:
        chain.transact(alice, probe, calldata("rejectCustom(uint256)", 9), gas=100_000)
    assert raised.value.receipt is not None
    assert raised.value.receipt.status == 0
    assert raised.value.tx_hash == raised.value.receipt.tx_hash
    assert rejected_amount(raised.value.data) == 9
    assert chain.get_nonce(alice.address) == 1


def test_nonces_are_counted_locally(chain: AnvilChain, probe: ChecksumAddress) -> None:
    counting = Counting(chain)
    alice = chain.accounts["alice"]
    for value in range(5):
        chain.transact(alice, probe, calldata("store(uint256)", value), gas=100_000)
    assert counting.single.count("eth_getTransactionCount") == 1
    assert chain.get_nonce(alice.address) == 5


def test_a_lost_broadcast_answer_is_not_a_second_transaction(
    chain: AnvilChain, probe: ChecksumAddress
) -> None:
    counting = Counting(chain)
    alice = chain.accounts["alice"]
    counting.lose_next_broadcast_answer = True
    receipt = chain.transact(alice, probe, calldata("store(uint256)", 1), gas=100_000)
    assert receipt.status == 1
    assert counting.single.count("eth_sendRawTransaction") == 1  # known by hash: not resent
    signed = chain.sign_transaction(alice, probe, calldata("store(uint256)", 2), gas=100_000)
    chain.broadcast(signed)
    chain.broadcast(signed)  # the same bytes again: one transaction, one nonce
    chain.wait_for_receipt(signed.tx_hash)
    assert chain.get_nonce(alice.address) == 2


def test_a_refused_transaction_is_rejected_and_frees_its_nonce(chain: AnvilChain) -> None:
    poor = chain.create_account("poor", balance=0)
    with pytest.raises(TransactionRejected):
        chain.transact(poor, chain.accounts["alice"].address, value=1, gas=21_000)
    assert chain.get_nonce(poor.address) == 0
    chain.request("anvil_setBalance", [poor.address, hex(10**18)])
    chain.transact(poor, chain.accounts["alice"].address, value=1, gas=21_000)
    assert chain.get_nonce(poor.address) == 1


@pytest.fixture
def quiet_chain() -> Iterator[AnvilChain]:
    with AnvilNode(automine=False) as node:
        yield AnvilChain(node.url, names=("alice",))


def test_confirmations_wait_for_blocks_on_top(quiet_chain: AnvilChain) -> None:
    alice = quiet_chain.accounts["alice"]
    signed = quiet_chain.sign_transaction(alice, alice.address, gas=21_000)
    quiet_chain.broadcast(signed)
    with pytest.raises(ReceiptTimeout, match="may still be mined"):
        quiet_chain.wait_for_receipt(signed.tx_hash, confirmations=1, timeout=0.1)
    quiet_chain.request("evm_mine")
    with pytest.raises(ReceiptTimeout):
        quiet_chain.wait_for_receipt(signed.tx_hash, confirmations=3, timeout=0.1)
    quiet_chain.request("anvil_mine", [2])
    receipt = quiet_chain.wait_for_receipt(signed.tx_hash, confirmations=3, timeout=1)
    assert receipt.block_number == quiet_chain.block_number - 2


def test_an_unreachable_node_raises_node_unavailable() -> None:
    chain = RpcChain(
        f"http://127.0.0.1:{free_port()}", settings=RpcSettings(retries=1, backoff=0.01)
    )
    with pytest.raises(NodeUnavailable, match="eth_chainId"):
        _ = chain.chain_id


def test_dev_chain_time_and_snapshots(chain: AnvilChain, probe: ChecksumAddress) -> None:
    start = chain.snapshot()
    chain.advance_time(3600)
    moved = chain.next_timestamp
    number, time = (
        chain.call(probe, calldata("clock()"))[:32],
        chain.call(probe, calldata("clock()"))[32:],
    )
    assert int.from_bytes(time, "big") == moved  # calls see the next block's clock
    assert int.from_bytes(number, "big") == chain.block_number + 1
    chain.transact(chain.accounts["alice"], probe, calldata("store(uint256)", 5), gas=100_000)
    assert chain.timestamp == moved
    chain.revert(start)
    assert chain.get_nonce(chain.accounts["alice"].address) == 0
    assert chain.next_timestamp < moved
    chain.revert(start)  # still usable
