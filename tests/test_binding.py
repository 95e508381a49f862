"""ContractBinding: calls by name, overloads, events, revert decoding, batches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from permledger.binding import (
    Artifact,
    ContractBinding,
    DecodedError,
    ErrorDecoder,
    calls,
    deploy,
)
from permledger.chain import Account, TransactionReverted
from permledger.local_chain import LocalChain

FIXTURES = Path(__file__).parent / "fixtures"
SUPPLY = 10**24


@pytest.fixture(scope="module")
def artifact() -> Artifact:
    return Artifact.load(FIXTURES / "Probe.json")


@pytest.fixture(scope="module")
def chain() -> LocalChain:
    return LocalChain()


@pytest.fixture(scope="module")
def probe(chain: LocalChain, artifact: Artifact) -> ContractBinding:
    return deploy(chain, artifact, SUPPLY, sender=chain.accounts["deployer"])


@pytest.fixture(autouse=True)
def isolated(chain: LocalChain, probe: ContractBinding) -> Iterator[None]:
    with chain.isolate():
        yield


@pytest.fixture
def deployer(chain: LocalChain) -> Account:
    return chain.accounts["deployer"]


@pytest.fixture
def alice(chain: LocalChain) -> Account:
    return chain.accounts["alice"]


# Artifacts and deployment


def test_artifact_from_json_reads_hex_with_or_without_prefix() -> None:
    artifact = Artifact.from_json({"abi": [], "bytecode": "0x6001", "deployedBytecode": "6002"})
    assert (artifact.bytecode, artifact.deployed_bytecode) == (b"\x60\x01", b"\x60\x02")


def test_artifact_rejects_unlinked_bytecode() -> None:
    with pytest.raises(ValueError, match="unlinked"):
        Artifact.from_json({"abi": [], "bytecode": "0x73__$f00$__"})


def test_deploy_encodes_constructor_args_and_value(chain: LocalChain, artifact: Artifact) -> None:
    issuer = chain.accounts["issuer"]
    token = deploy(chain, artifact, 123, sender=issuer, value=10**18)
    assert token.call("balanceOf", issuer.address) == 123
    assert chain.get_balance(token.address) == 10**18
    assert chain.get_code(token.address) == artifact.deployed_bytecode


# Calls and transactions


def test_call_decodes_one_value(probe: ContractBinding, deployer: Account) -> None:
    assert probe.call("balanceOf", deployer.address) == SUPPLY
    assert probe.call("name") == "Probe"


def test_call_decodes_several_outputs_as_a_tuple(probe: ContractBinding) -> None:
    assert probe.call("pair") == (7, "seven")


def test_call_decodes_a_struct_as_a_tuple(probe: ContractBinding) -> None:
    assert probe.call("point") == (1, -2)


def test_call_returns_checksummed_addresses(probe: ContractBinding, alice: Account) -> None:
    assert probe.call("whoami", sender=alice.address) == alice.address


def test_call_at_a_past_block(
    chain: LocalChain, probe: ContractBinding, deployer: Account, alice: Account
) -> None:
    before = chain.block_number
    probe.transact("transfer", alice.address, 5, sender=deployer)
    assert probe.call("balanceOf", alice.address, block=before) == 0
    assert probe.call("balanceOf", alice.address) == 5


def test_transact_returns_a_receipt_without_outputs(probe: ContractBinding, alice: Account) -> None:
    receipt = probe.transact("store", 5, 6, sender=alice)
    assert receipt.status == 1
    assert probe.call("stored") == 11


def test_overloads_resolve_by_argument_type(probe: ContractBinding, alice: Account) -> None:
    probe.transact("store", alice.address, sender=alice)
    assert probe.call("stored") == int(alice.address, 16)


def test_overloads_resolve_by_signature(probe: ContractBinding, alice: Account) -> None:
    probe.transact("store(uint128)", 5, sender=alice)
    assert probe.call("stored") == 6
    probe.transact("store(uint256)", 5, sender=alice)
    assert probe.call("stored") == 5


def test_ambiguous_overload_lists_the_signatures(probe: ContractBinding) -> None:
    with pytest.raises(ValueError, match=r"store\(uint256\), store\(uint128\)"):
        probe.encode("store", 5)


def test_unknown_function_raises(probe: ContractBinding) -> None:
    with pytest.raises(ValueError, match="no function missing"):
        probe.encode("missing")
    with pytest.raises(ValueError, match="taking 3 arguments"):
        probe.encode("transfer", 1, 2, 3)


def test_encode_is_selector_and_arguments(probe: ContractBinding, alice: Account) -> None:
    data = probe.encode("transfer", alice.address, 1)
    assert data[:4] == keccak(text="transfer(address,uint256)")[:4]
    assert len(data) == 4 + 64


def test_estimate_gas_covers_the_transaction(
    probe: ContractBinding, deployer: Account, alice: Account
) -> None:
    estimate = probe.estimate_gas("transfer", alice.address, 5, sender=deployer)
    receipt = probe.transact("transfer", alice.address, 5, sender=deployer, gas=estimate)
    assert receipt.gas_used <= estimate


# Batches


def test_calls_runs_a_batch_across_contracts(
    chain: LocalChain,
    artifact: Artifact,
    probe: ContractBinding,
    deployer: Account,
    alice: Account,
) -> None:
    other = deploy(chain, artifact, 9, sender=alice)
    batch = [
        probe.prepare("balanceOf", deployer.address),
        other.prepare("balanceOf", alice.address),
        probe.prepare("pair"),
        probe.prepare("whoami", sender=alice.address),
    ]
    assert calls(chain, batch) == [SUPPLY, 9, (7, "seven"), alice.address]


def test_calls_raises_when_one_reverts(chain: LocalChain, probe: ContractBinding) -> None:
    with pytest.raises(TransactionReverted):
        calls(chain, [probe.prepare("pair"), probe.prepare("divide", 1, 0)])


# Events


def test_events_decodes_by_name(probe: ContractBinding, deployer: Account, alice: Account) -> None:
    receipt = probe.transact("transfer", alice.address, 5, sender=deployer)
    assert probe.events("Transfer", receipt) == [
        {"from": deployer.address, "to": alice.address, "value": 5}
    ]
    assert probe.events("Approval", receipt) == []


def test_events_returns_hashes_for_indexed_dynamic_args(
    probe: ContractBinding, alice: Account
) -> None:
    receipt = probe.transact("note", "kyc", 3, "renewed", sender=alice)
    assert probe.events("Noted", receipt) == [
        {"who": alice.address, "tag": keccak(text="kyc"), "amount": 3, "text": "renewed"}
    ]


def test_events_decodes_structs_and_arrays(probe: ContractBinding, alice: Account) -> None:
    ids = [b"\x01" * 32, b"\x02" * 32]
    receipt = probe.transact("move", (4, -5), ids, sender=alice)
    assert probe.events("Moved", receipt) == [{"point": (4, -5), "ids": tuple(ids)}]


def test_events_from_get_logs_ignore_other_contracts(
    chain: LocalChain, artifact: Artifact, probe: ContractBinding, alice: Account
) -> None:
    other = deploy(chain, artifact, 1, sender=alice)
    other.transact("transfer", probe.address, 1, sender=alice)
    logs = chain.get_logs(from_block=chain.block_number)
    assert probe.events("Transfer", logs) == []
    assert other.events("Transfer", logs) == [
        {"from": alice.address, "to": probe.address, "value": 1}
    ]


def test_binding_checksums_its_address(
    chain: LocalChain, artifact: Artifact, probe: ContractBinding, deployer: Account
) -> None:
    lower = ContractBinding(chain, probe.address.lower(), artifact.abi)  # type: ignore[arg-type]
    assert lower.address == probe.address
    receipt = probe.transact("transfer", deployer.address, 1, sender=deployer)
    assert len(lower.events("Transfer", receipt)) == 1


def test_events_unknown_name_raises(probe: ContractBinding) -> None:
    with pytest.raises(ValueError, match="no event Missing"):
        probe.events("Missing", [])


# Revert data


def test_decode_error_of_a_mined_revert(probe: ContractBinding, alice: Account) -> None:
    with pytest.raises(TransactionReverted) as raised:
        probe.transact("rejectCustom", 9, sender=alice)
    assert probe.decode_error(raised.value.data) == DecodedError(
        "ProbeRejected",
        keccak(text="ProbeRejected(address,uint256,string)")[:4],
        {"who": alice.address, "amount": 9, "reason": "too much"},
    )


def test_decode_error_without_arguments(probe: ContractBinding) -> None:
    with pytest.raises(TransactionReverted) as raised:
        probe.call("rejectEmpty")
    assert probe.decode_error(raised.value.data) == DecodedError(
        "ProbeEmpty", keccak(text="ProbeEmpty()")[:4], {}
    )


def test_decode_error_of_a_reason_string(probe: ContractBinding) -> None:
    with pytest.raises(TransactionReverted) as raised:
        probe.call("rejectString")
    decoded = probe.decode_error(raised.value.data)
    assert decoded is not None
    assert (decoded.name, decoded.args) == ("Error", {"message": "plain reason"})


def test_decode_error_of_a_panic(probe: ContractBinding) -> None:
    with pytest.raises(TransactionReverted) as raised:
        probe.call("divide", 1, 0)
    decoded = probe.decode_error(raised.value.data)
    assert decoded is not None
    assert (decoded.name, decoded.args) == ("Panic", {"code": 0x12})


def test_decode_error_of_an_openzeppelin_error(
    probe: ContractBinding, alice: Account, deployer: Account
) -> None:
    with pytest.raises(TransactionReverted) as raised:
        probe.transact("transfer", deployer.address, 1, sender=alice)
    decoded = probe.decode_error(raised.value.data)
    assert decoded is not None
    assert decoded.name == "ERC20InsufficientBalance"
    assert decoded.args == {"sender": alice.address, "balance": 0, "needed": 1}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01",
        keccak(text="Unknown()")[:4],
        keccak(text="ProbeRejected(address,uint256,string)")[:4] + b"\x01",
    ],
)
def test_decode_error_returns_none_for_empty_unknown_or_malformed(
    probe: ContractBinding, data: bytes
) -> None:
    assert probe.decode_error(data) is None


def test_error_decoder_merges_abis(artifact: Artifact) -> None:
    registry_error = {
        "type": "error",
        "name": "IdentityWalletUnknown",
        "inputs": [{"name": "wallet", "type": "address"}],
    }
    decoder = ErrorDecoder([*artifact.abi, registry_error])
    selector = keccak(text="IdentityWalletUnknown(address)")[:4]
    decoded = decoder.decode(selector + b"\x00" * 12 + b"\xab" * 20)
    assert decoded is not None
    assert decoded.args == {"wallet": to_checksum_address(b"\xab" * 20)}
