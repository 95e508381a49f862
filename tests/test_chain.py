"""LocalChain: signed transactions, reverts, calls, logs, snapshots and the clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import decode, encode
from eth_typing import ChecksumAddress
from eth_utils.crypto import keccak

from permledger.chain import (
    DEFAULT_BALANCE,
    Account,
    CallRequest,
    DevChain,
    TransactionRejected,
    TransactionReverted,
)
from permledger.local_chain import NAMED_ACCOUNTS, LocalChain, account_key

GENESIS = 1_750_000_000
SUPPLY = 10**24
PROBE = json.loads((Path(__file__).parent / "fixtures" / "Probe.json").read_text())
TRANSFER_TOPIC = keccak(text="Transfer(address,address,uint256)")


def calldata(signature: str, *args: Any) -> bytes:
    types = signature[signature.index("(") + 1 : -1]
    return keccak(text=signature)[:4] + encode(types.split(",") if types else [], args)


def word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def topic(address: ChecksumAddress) -> bytes:
    return bytes.fromhex(address[2:]).rjust(32, b"\x00")


@pytest.fixture(scope="module")
def chain() -> LocalChain:
    return LocalChain(genesis_timestamp=GENESIS)


@pytest.fixture(scope="module")
def probe(chain: LocalChain) -> ChecksumAddress:
    initcode = bytes.fromhex(PROBE["bytecode"][2:]) + encode(["uint256"], [SUPPLY])
    return chain.deploy(chain.accounts["deployer"], initcode)


@pytest.fixture(autouse=True)
def isolated(chain: LocalChain, probe: ChecksumAddress) -> Iterator[None]:
    with chain.isolate():
        yield


@pytest.fixture
def deployer(chain: LocalChain) -> Account:
    return chain.accounts["deployer"]


@pytest.fixture
def alice(chain: LocalChain) -> Account:
    return chain.accounts["alice"]


def balance_of(chain: LocalChain, token: ChecksumAddress, holder: ChecksumAddress) -> int:
    output = chain.call(token, calldata("balanceOf(address)", holder))
    value: int = decode(["uint256"], output)[0]
    return value


def test_local_chain_implements_the_dev_chain_protocol() -> None:
    chain: DevChain = LocalChain()  # checked by mypy
    assert chain.block_number == 0


# Accounts


def test_accounts_are_named_funded_and_deterministic(chain: LocalChain) -> None:
    fresh = LocalChain()
    assert tuple(fresh.accounts)[: len(NAMED_ACCOUNTS)] == NAMED_ACCOUNTS
    for name in NAMED_ACCOUNTS:
        account = fresh.accounts[name]
        assert account.private_key == account_key(name)
        assert fresh.get_balance(account.address) == DEFAULT_BALANCE
    assert fresh.accounts["alice"] == chain.accounts["alice"]


def test_account_repr_hides_the_key(alice: Account) -> None:
    assert alice.private_key.hex() not in repr(alice)


def test_create_account_funds_it_from_the_faucet(chain: LocalChain) -> None:
    grace = chain.create_account("grace", balance=5 * 10**18)
    assert chain.accounts["grace"] == grace
    assert chain.get_balance(grace.address) == 5 * 10**18


def test_create_account_rejects_a_taken_name(chain: LocalChain) -> None:
    with pytest.raises(ValueError, match="already exists"):
        chain.create_account("alice")


# Transactions


def test_deploy_returns_an_address_holding_the_runtime_code(
    chain: LocalChain, probe: ChecksumAddress
) -> None:
    assert chain.get_code(probe) == bytes.fromhex(PROBE["deployedBytecode"][2:])


def test_transact_mines_one_block_and_returns_the_receipt(
    chain: LocalChain, probe: ChecksumAddress, deployer: Account, alice: Account
) -> None:
    before = chain.block_number
    receipt = chain.transact(
        deployer, probe, calldata("transfer(address,uint256)", alice.address, 5)
    )
    assert receipt.status == 1
    assert receipt.block_number == before + 1 == chain.block_number
    assert 21_000 < receipt.gas_used < 100_000
    assert receipt.contract_address is None
    [log] = receipt.logs
    assert log.address == probe
    assert log.topics == (TRANSFER_TOPIC, topic(deployer.address), topic(alice.address))
    assert log.data == word(5)
    assert (log.block_number, log.tx_hash, log.log_index) == (
        before + 1,
        receipt.tx_hash,
        0,
    )
    assert balance_of(chain, probe, alice.address) == 5


def test_transact_pays_gas_at_the_base_fee(
    chain: LocalChain, deployer: Account, alice: Account
) -> None:
    before = chain.get_balance(deployer.address)
    receipt = chain.transact(deployer, alice.address, value=10**18)
    assert receipt.gas_used == 21_000
    spent = before - chain.get_balance(deployer.address) - 10**18
    assert 0 < spent <= 2 * 10**9 * 21_000
    assert chain.get_balance(alice.address) == DEFAULT_BALANCE + 10**18


def test_transact_sender_is_recovered_from_the_signature(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    bob = chain.accounts["bob"]
    forged = Account("forged", alice.address, bob.private_key)
    chain.transact(forged, probe, calldata("store(uint256)", 1))
    assert chain.get_nonce(bob.address) == 1
    assert chain.get_nonce(alice.address) == 0


def test_transact_reverts_with_revert_data_and_is_mined(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    before = chain.block_number
    with pytest.raises(TransactionReverted) as raised:
        chain.transact(alice, probe, calldata("rejectCustom(uint256)", 9))
    error = raised.value
    selector = keccak(text="ProbeRejected(address,uint256,string)")[:4]
    assert error.data == selector + encode(
        ["address", "uint256", "string"], [alice.address, 9, "too much"]
    )
    assert error.receipt is not None
    assert error.receipt.status == 0
    assert error.tx_hash == error.receipt.tx_hash
    assert error.receipt.gas_used > 21_000
    assert error.receipt.block_number == before + 1 == chain.block_number
    assert chain.get_nonce(alice.address) == 1
    assert "execution reverted" in str(error)


def test_transact_out_of_gas_reverts_without_data(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    with pytest.raises(TransactionReverted, match="OutOfGas") as raised:
        chain.transact(alice, probe, calldata("exhaust()"), gas=100_000)
    assert raised.value.data == b""
    assert raised.value.receipt is not None
    assert raised.value.receipt.gas_used == 100_000


def test_transact_rejected_below_intrinsic_gas_mines_nothing(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    before = chain.block_number
    with pytest.raises(TransactionRejected):
        chain.transact(alice, probe, calldata("store(uint256)", 1), gas=20_000)
    assert chain.block_number == before
    assert chain.transact(alice, probe, calldata("store(uint256)", 1)).status == 1


def test_transact_rejected_when_value_exceeds_balance(chain: LocalChain, alice: Account) -> None:
    with pytest.raises(TransactionRejected):
        chain.transact(alice, chain.accounts["bob"].address, value=DEFAULT_BALANCE + 1)


def test_transact_with_estimated_gas_succeeds(
    chain: LocalChain, probe: ChecksumAddress, deployer: Account, alice: Account
) -> None:
    data = calldata("transfer(address,uint256)", alice.address, 5)
    chain.transact(deployer, probe, data)  # alice now holds: the estimate is for an existing holder
    estimate = chain.estimate_gas(deployer.address, probe, data)
    receipt = chain.transact(deployer, probe, data, gas=estimate)
    assert receipt.gas_used <= estimate < receipt.gas_used + 21_000


def test_estimate_gas_raises_the_revert_data(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    with pytest.raises(TransactionReverted) as raised:
        chain.estimate_gas(alice.address, probe, calldata("rejectEmpty()"))
    assert raised.value.data == keccak(text="ProbeEmpty()")[:4]


def test_estimate_gas_of_a_deployment(chain: LocalChain, deployer: Account) -> None:
    initcode = bytes.fromhex(PROBE["bytecode"][2:]) + encode(["uint256"], [1])
    assert 500_000 < chain.estimate_gas(deployer.address, None, initcode) < 3_000_000


# Calls


def test_call_sees_the_next_block(chain: LocalChain, probe: ChecksumAddress) -> None:
    number, time = decode(["uint256", "uint256"], chain.call(probe, calldata("clock()")))
    assert (number, time) == (chain.block_number + 1, chain.next_timestamp)


def test_call_uses_the_given_sender(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    output = chain.call(probe, calldata("whoami()"), sender=alice.address)
    assert decode(["address"], output)[0] == alice.address.lower()
    anonymous = chain.call(probe, calldata("whoami()"))
    assert decode(["address"], anonymous)[0] == "0x" + "00" * 20


def test_call_does_not_change_state(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    chain.call(probe, calldata("store(uint256)", 42), sender=alice.address)
    assert decode(["uint256"], chain.call(probe, calldata("stored()")))[0] == 0
    assert chain.get_nonce(alice.address) == 0


def test_call_at_a_past_block(
    chain: LocalChain, probe: ChecksumAddress, deployer: Account, alice: Account
) -> None:
    chain.transact(deployer, probe, calldata("transfer(address,uint256)", alice.address, 5))
    earlier = chain.block_number
    chain.transact(deployer, probe, calldata("transfer(address,uint256)", alice.address, 5))
    output = chain.call(probe, calldata("balanceOf(address)", alice.address), block=earlier)
    assert decode(["uint256"], output)[0] == 5
    with pytest.raises(ValueError, match="not mined"):
        chain.call(probe, calldata("stored()"), block=chain.block_number + 1)


def test_call_reverts_with_revert_data(chain: LocalChain, probe: ChecksumAddress) -> None:
    with pytest.raises(TransactionReverted) as raised:
        chain.call(probe, calldata("divide(uint256,uint256)", 1, 0))
    assert raised.value.data == keccak(text="Panic(uint256)")[:4] + word(0x12)
    assert raised.value.tx_hash is None


def test_call_many_returns_outputs_in_order(
    chain: LocalChain, probe: ChecksumAddress, deployer: Account, alice: Account
) -> None:
    requests = [
        CallRequest(probe, calldata("balanceOf(address)", deployer.address)),
        CallRequest(probe, calldata("balanceOf(address)", alice.address)),
        CallRequest(probe, calldata("whoami()"), sender=alice.address),
    ]
    assert chain.call_many(requests) == [word(SUPPLY), word(0), topic(alice.address)]


# Logs


def test_get_logs_filters_by_address_topics_and_blocks(
    chain: LocalChain, probe: ChecksumAddress, deployer: Account, alice: Account
) -> None:
    first = chain.transact(deployer, probe, calldata("transfer(address,uint256)", alice.address, 1))
    chain.transact(alice, probe, calldata("transfer(address,uint256)", deployer.address, 1))
    transfers = chain.get_logs(
        address=probe, topics=[TRANSFER_TOPIC], from_block=first.block_number
    )
    assert [log.data for log in transfers] == [word(1), word(1)]
    from_alice = chain.get_logs(topics=[TRANSFER_TOPIC, topic(alice.address)])
    assert [log.block_number for log in from_alice] == [chain.block_number]
    assert chain.get_logs(address=probe, to_block=first.block_number - 1)[0].topics[1] == word(0)
    assert chain.get_logs(address=alice.address) == []


# Snapshots


def test_revert_restores_state_blocks_nonces_and_clock(
    chain: LocalChain, probe: ChecksumAddress, deployer: Account, alice: Account
) -> None:
    block, clock = chain.block_number, chain.next_timestamp
    snapshot = chain.snapshot()
    chain.transact(deployer, probe, calldata("transfer(address,uint256)", alice.address, 5))
    chain.advance_time(1000)
    chain.revert(snapshot)
    assert (chain.block_number, chain.next_timestamp) == (block, clock)
    assert balance_of(chain, probe, alice.address) == 0
    receipt = chain.transact(
        deployer, probe, calldata("transfer(address,uint256)", alice.address, 7)
    )
    assert receipt.block_number == block + 1
    chain.revert(snapshot)  # a snapshot can be reverted to again
    assert balance_of(chain, probe, alice.address) == 0


def test_revert_forgets_the_abandoned_blocks(
    chain: LocalChain, probe: ChecksumAddress, deployer: Account, alice: Account
) -> None:
    snapshot = chain.snapshot()
    chain.transact(deployer, probe, calldata("transfer(address,uint256)", alice.address, 5))
    chain.transact(deployer, probe, calldata("transfer(address,uint256)", alice.address, 5))
    chain.revert(snapshot)
    receipt = chain.transact(
        deployer, probe, calldata("transfer(address,uint256)", alice.address, 7)
    )
    logs = chain.get_logs(address=probe, from_block=receipt.block_number)
    assert [log.data for log in logs] == [word(7)]
    with pytest.raises(ValueError, match="not mined"):
        chain.call(probe, calldata("stored()"), block=receipt.block_number + 1)


def test_revert_to_genesis(alice: Account) -> None:
    chain = LocalChain()
    genesis = chain.snapshot()
    chain.transact(alice, chain.accounts["bob"].address, value=1)
    chain.revert(genesis)
    assert chain.block_number == 0
    assert chain.get_balance(chain.accounts["bob"].address) == DEFAULT_BALANCE
    assert chain.transact(alice, chain.accounts["bob"].address, value=1).block_number == 1


def test_revert_unknown_snapshot_raises(chain: LocalChain) -> None:
    with pytest.raises(KeyError):
        chain.revert(10**9)


def test_isolate_reverts_on_exit_even_on_error(chain: LocalChain, alice: Account) -> None:
    block = chain.block_number

    def send_then_fail() -> None:
        with chain.isolate():
            chain.transact(alice, chain.accounts["bob"].address, value=1)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert chain.block_number == block
    assert chain.get_nonce(alice.address) == 0


# The clock


def test_blocks_are_one_second_apart_from_genesis() -> None:
    chain = LocalChain(genesis_timestamp=GENESIS)
    assert (chain.timestamp, chain.next_timestamp) == (GENESIS, GENESIS + 1)
    alice, bob = chain.accounts["alice"], chain.accounts["bob"]
    chain.transact(alice, bob.address, value=1)
    chain.transact(alice, bob.address, value=1)
    assert (chain.block_number, chain.timestamp) == (2, GENESIS + 2)


def test_set_time_sets_the_next_block_timestamp(
    chain: LocalChain, probe: ChecksumAddress, alice: Account
) -> None:
    target = chain.timestamp + 3600
    chain.set_time(target)
    assert decode(["uint256", "uint256"], chain.call(probe, calldata("clock()")))[1] == target
    chain.transact(alice, probe, calldata("store(uint256)", 1))
    assert chain.timestamp == target
    assert chain.next_timestamp == target + 1


def test_set_time_rejects_the_past(chain: LocalChain) -> None:
    with pytest.raises(ValueError, match="not after"):
        chain.set_time(chain.timestamp)


def test_advance_time_accumulates(chain: LocalChain, alice: Account) -> None:
    start = chain.next_timestamp
    chain.advance_time(100)
    chain.advance_time(50)
    chain.transact(alice, chain.accounts["bob"].address, value=1)
    assert chain.timestamp == start + 150


def test_advance_time_rejects_negative_seconds(chain: LocalChain) -> None:
    with pytest.raises(ValueError, match="forward"):
        chain.advance_time(-1)
