"""An in-process EVM: eth-tester's py-evm chain (Prague fork), driven directly.

eth-tester builds the chain (genesis, a pinned block gas limit); transactions
skip its and web3's normalisation layers and go straight to py-evm, one block
per transaction, with receipts taken from what was applied (eth-tester finds
receipts by scanning blocks backwards). Transactions are EIP-1559 transactions
signed with the sender's key; py-evm recovers the sender from the signature as
any node would. A reverted transaction is mined (nonce and gas spent, status 0)
and its revert data comes from the computation that ran it.

Blocks are one second apart unless the clock is moved (`set_time`,
`advance_time`), so a run is reproducible given `genesis_timestamp`.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from types import MappingProxyType
from typing import cast

from eth.abc import (
    BlockAPI,
    BlockHeaderAPI,
    ComputationAPI,
    ReceiptAPI,
    SignedTransactionAPI,
    StateAPI,
)
from eth.chains.base import MiningChain
from eth.constants import GENESIS_PARENT_HASH
from eth.db.header import HeaderDB
from eth.exceptions import Revert, VMError
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth.vm.spoof import SpoofTransaction
from eth_keys.datatypes import PrivateKey
from eth_tester import PyEVMBackend  # type: ignore[import-untyped]  # ships no py.typed
from eth_typing import Address, BlockNumber, ChecksumAddress
from eth_utils.address import to_canonical_address, to_checksum_address
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError

from permledger.chain import (
    DEFAULT_BALANCE,
    Account,
    CallRequest,
    Log,
    Receipt,
    TransactionRejected,
    TransactionReverted,
    iter_matching,
)

NAMED_ACCOUNTS = (
    "deployer",
    "issuer",
    "agent",
    "compliance",
    "pauser",
    "upgrader",
    "administrator",
    "clearing",
    "feeder",
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "master_minter",
    "minter",
    "blacklister",
    "rescuer",
)
"""Accounts every LocalChain starts with, funded with DEFAULT_BALANCE."""

FAUCET = "faucet"
"""The account that funds `create_account`."""

GAS_LIMIT = 15_000_000
"""Gas limit of a transaction sent without one: generous, so nothing is estimated,
and under the 2**24 per-transaction cap of EIP-7825 (Osaka) for real-node parity."""

_FAUCET_BALANCE = 10**30
_ZERO_ADDRESS = Address(b"\x00" * 20)


def account_key(name: str) -> bytes:
    """The private key of a named development account (public: never use on a real network)."""
    return keccak(b"permledger:" + name.encode())


class LocalChain:
    """An in-process development chain with named, funded accounts."""

    def __init__(
        self,
        *,
        genesis_timestamp: int | None = None,
        names: Sequence[str] = NAMED_ACCOUNTS,
        balance: int = DEFAULT_BALANCE,
    ) -> None:
        """Start a chain at genesis, each of `names` holding `balance` wei."""
        genesis_timestamp = int(time.time()) if genesis_timestamp is None else genesis_timestamp
        self._accounts: dict[str, Account] = {}
        self._signers: dict[bytes, PrivateKey] = {}
        for name in names:
            self._register(name)
        self._faucet = self._register(FAUCET)
        genesis_state = {
            to_canonical_address(account.address): {
                "balance": _FAUCET_BALANCE if account is self._faucet else balance,
                "nonce": 0,
                "code": b"",
                "storage": {},
            }
            for account in self._accounts.values()
        }
        backend = PyEVMBackend(
            genesis_parameters=PyEVMBackend.generate_genesis_params(
                {"timestamp": genesis_timestamp}
            ),
            genesis_state=genesis_state,
        )
        self._chain = cast(MiningChain, backend.chain)
        self._chain.header = self._chain.header.copy(timestamp=genesis_timestamp + 1)
        # One fork (Prague) from genesis, so one transaction builder.
        self._builder = cast(
            type[PragueTransactionBuilder],
            self._chain.get_vm().get_transaction_builder(),
        )
        self._nonces: dict[Address, int] = {}
        self._snapshots: dict[int, BlockHeaderAPI] = {}
        self._snapshot_ids = itertools.count()
        self._call_state: tuple[BlockHeaderAPI, StateAPI] | None = None

    # Accounts

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The accounts this chain signs for, by name."""
        return MappingProxyType(self._accounts)

    def create_account(self, name: str, *, balance: int = DEFAULT_BALANCE) -> Account:
        """Create a named account, funded by a transfer from the faucet.

        Raises:
            ValueError: the name is taken.
        """
        if name in self._accounts:
            raise ValueError(f"account {name!r} already exists")
        account = self._register(name)
        if balance:
            self.transact(self._faucet, account.address, value=balance)
        return account

    def _register(self, name: str) -> Account:
        key = PrivateKey(account_key(name))
        address = key.public_key.to_checksum_address()
        account = Account(name, address, key.to_bytes())
        self._accounts[name] = account
        self._signers[account.private_key] = key
        return account

    def _signer(self, account: Account) -> PrivateKey:
        # By key, not address: the signature, not the label, decides the sender.
        key = self._signers.get(account.private_key)
        if key is None:
            key = self._signers[account.private_key] = PrivateKey(account.private_key)
        return key

    # Chain state

    @property
    def chain_id(self) -> int:
        """The EIP-155 chain id (eth-tester's)."""
        return self._chain.chain_id

    @property
    def block_number(self) -> int:
        """Number of the latest mined block."""
        return self._chain.header.block_number - 1

    @property
    def timestamp(self) -> int:
        """Timestamp of the latest mined block."""
        return self._chain.get_canonical_head().timestamp

    def get_balance(self, address: ChecksumAddress) -> int:
        """Ether balance in wei."""
        return self._pending_state().get_balance(to_canonical_address(address))

    def get_code(self, address: ChecksumAddress) -> bytes:
        """Runtime code at `address`."""
        return self._pending_state().get_code(to_canonical_address(address))

    def get_nonce(self, address: ChecksumAddress) -> int:
        """Number of transactions sent from `address`."""
        return self._pending_state().get_nonce(to_canonical_address(address))

    # Transactions

    def transact(
        self,
        sender: Account,
        to: ChecksumAddress | None,
        data: bytes = b"",
        *,
        gas: int | None = None,
        value: int = 0,
    ) -> Receipt:
        """Sign a transaction with the sender's key and mine it in its own block.

        Raises:
            TransactionReverted: it was mined and reverted.
            TransactionRejected: py-evm refused it (funds, gas limit); nothing was mined.
        """
        chain = self._chain
        key = self._signer(sender)
        origin = Address(key.public_key.to_canonical_address())
        nonce = self._nonces.get(origin)
        if nonce is None:
            nonce = self._pending_state().get_nonce(origin)
        base_fee = cast(int, chain.header.base_fee_per_gas)  # set from London on
        transaction = self._builder.new_unsigned_dynamic_fee_transaction(
            chain_id=chain.chain_id,
            nonce=nonce,
            max_priority_fee_per_gas=0,
            max_fee_per_gas=2 * base_fee,
            gas=GAS_LIMIT if gas is None else gas,
            to=Address(b"") if to is None else to_canonical_address(to),
            value=value,
            data=data,
            access_list=(),
        ).as_signed_transaction(key)
        try:
            block, mined, computation = self._mine(transaction)
        except ValidationError as error:
            self._nonces.pop(origin, None)
            raise TransactionRejected(str(error)) from error
        self._nonces[origin] = nonce + 1
        receipt = _receipt(block, transaction, mined, computation)
        if computation.is_error:
            raise TransactionReverted(
                computation.output,
                tx_hash=receipt.tx_hash,
                receipt=receipt,
                message=_describe(computation.error),
            )
        return receipt

    def _mine(
        self, transaction: SignedTransactionAPI
    ) -> tuple[BlockAPI, ReceiptAPI, ComputationAPI]:
        # MiningChain.mine_all's steps, less what only checks or copies our own
        # work (packing no extra fields, validating the block we just built,
        # twice) and with the next header made once, at its timestamp.
        chain = self._chain
        header = chain.header
        vm = chain.get_vm(header)
        filled_header, receipts, computations = vm.apply_all_transactions([transaction], header)
        block = vm.set_block_transactions_and_withdrawals(
            vm.get_block(), filled_header, [transaction], receipts
        )
        block = vm.finalize_block(block).block
        chain.persist_block(block, perform_validation=False)
        chain.header = chain.create_header_from_parent(
            block.header, timestamp=block.header.timestamp + 1
        )
        return block, receipts[0], computations[0]

    def deploy(
        self,
        sender: Account,
        initcode: bytes,
        *,
        gas: int | None = None,
        value: int = 0,
    ) -> ChecksumAddress:
        """Create a contract from `initcode`; returns its address.

        Raises:
            TransactionReverted: the constructor reverted.
            TransactionRejected: py-evm refused the transaction.
        """
        receipt = self.transact(sender, None, initcode, gas=gas, value=value)
        assert receipt.contract_address is not None  # a successful creation has one
        return receipt.contract_address

    def estimate_gas(
        self,
        sender: ChecksumAddress,
        to: ChecksumAddress | None,
        data: bytes = b"",
        *,
        value: int = 0,
    ) -> int:
        """Estimate gas with py-evm's binary search, in the next block's context.

        Raises:
            TransactionReverted: it reverts even at the block gas limit.
            TransactionRejected: py-evm refused it (e.g. value above the balance).
        """
        state = self._pending_state()
        transaction = self._spoof(state, sender, to, data, value)
        try:
            gas: int = self._chain.gas_estimator(state, transaction)
            return gas
        except Revert as error:
            raise TransactionReverted(error.args[0] if error.args else b"") from error
        except VMError as error:
            raise TransactionReverted(b"", message=_describe(error)) from error
        except ValidationError as error:
            raise TransactionRejected(str(error)) from error

    # Calls

    def call(
        self,
        to: ChecksumAddress,
        data: bytes,
        *,
        sender: ChecksumAddress | None = None,
        value: int = 0,
        block: int | None = None,
    ) -> bytes:
        """Run a read-only call; `block=None` sees the latest state in the next block's context.

        The base fee is zero in calls, as in geth's `eth_call`.

        Raises:
            TransactionReverted: the call reverted.
            TransactionRejected: py-evm refused it (e.g. value above the balance).
        """
        state = self._pending_state() if block is None else self._state_at(block)
        transaction = self._spoof(state, sender, to, data, value)
        snapshot = state.snapshot()
        try:
            computation = state.apply_transaction(transaction)
        except ValidationError as error:
            raise TransactionRejected(str(error)) from error
        finally:
            state.revert(snapshot)
        if computation.is_error:
            raise TransactionReverted(computation.output, message=_describe(computation.error))
        return computation.output

    def call_many(self, requests: Sequence[CallRequest]) -> list[bytes]:
        """Run many calls against the pending state (a loop: no round trips here).

        Raises:
            TransactionReverted: one of the calls reverted.
        """
        return [self.call(r.to, r.data, sender=r.sender, value=r.value) for r in requests]

    def _pending_state(self) -> StateAPI:
        # One state per pending header, reused by calls: each call reverts its changes.
        header = self._chain.header
        if self._call_state is None or self._call_state[0] is not header:
            self._call_state = (header, self._free_state(header))
        return self._call_state[1]

    def _state_at(self, block: int) -> StateAPI:
        if not 0 <= block <= self.block_number:
            raise ValueError(f"block {block} is not mined (latest is {self.block_number})")
        return self._free_state(
            self._chain.get_canonical_block_header_by_number(BlockNumber(block))
        )

    def _free_state(self, header: BlockHeaderAPI) -> StateAPI:
        return self._chain.get_vm(header.copy(base_fee_per_gas=0)).state

    def _spoof(
        self,
        state: StateAPI,
        sender: ChecksumAddress | None,
        to: ChecksumAddress | None,
        data: bytes,
        value: int,
    ) -> SignedTransactionAPI:
        origin = _ZERO_ADDRESS if sender is None else to_canonical_address(sender)
        unsigned = self._builder.create_unsigned_transaction(
            nonce=state.get_nonce(origin),
            gas_price=0,
            gas=state.gas_limit,
            to=Address(b"") if to is None else to_canonical_address(to),
            value=value,
            data=data,
        )
        return cast(SignedTransactionAPI, SpoofTransaction(unsigned, from_=origin))

    # Logs

    def get_logs(
        self,
        *,
        address: ChecksumAddress | None = None,
        topics: Sequence[bytes | None] = (),
        from_block: int = 0,
        to_block: int | None = None,
    ) -> list[Log]:
        """Logs of mined blocks in [from_block, to_block], by emitter and topics."""
        chain = self._chain
        last = self.block_number if to_block is None else min(to_block, self.block_number)
        logs: list[Log] = []
        for number in range(from_block, last + 1):
            block = chain.get_canonical_block_by_number(BlockNumber(number))
            receipts = block.get_receipts(chain.chaindb)
            index = 0
            for transaction, receipt in zip(block.transactions, receipts, strict=True):
                mined = _logs(receipt, number, transaction.hash, index)
                index += len(mined)
                logs.extend(iter_matching(mined, address, topics))
        return logs

    # Snapshots and time

    def snapshot(self) -> int:
        """Remember the current blocks, state and clock; returns an id for `revert`."""
        # The pending header is the whole snapshot: its parent is the head block,
        # whose state root holds the state, and it carries the clock.
        snapshot_id = next(self._snapshot_ids)
        self._snapshots[snapshot_id] = self._chain.header
        return snapshot_id

    def revert(self, snapshot_id: int) -> None:
        """Return to a snapshot; it stays usable for further reverts.

        Raises:
            KeyError: unknown snapshot id.
        """
        pending = self._snapshots[snapshot_id]
        chain = self._chain
        head = chain.get_block_header_by_hash(pending.parent_hash)
        # Blocks and state are content-addressed and stay in the database, so
        # moving the canonical head back is enough (eth-tester does the same,
        # then re-imports the head block: ~10 ms that this skips, ~0.1 ms left).
        HeaderDB._set_as_canonical_chain_head(chain.chaindb.db, head, GENESIS_PARENT_HASH)
        chain.header = pending
        self._nonces.clear()

    @contextmanager
    def isolate(self) -> Iterator[None]:
        """Revert whatever happens inside the block on exit."""
        snapshot_id = self.snapshot()
        try:
            yield
        finally:
            self.revert(snapshot_id)
            del self._snapshots[snapshot_id]

    @property
    def next_timestamp(self) -> int:
        """Timestamp of the next block, which calls also see."""
        return self._chain.header.timestamp

    def set_time(self, timestamp: int) -> None:
        """Set the next block's timestamp.

        Raises:
            ValueError: not after the latest block's timestamp.
        """
        if timestamp <= self.timestamp:
            raise ValueError(
                f"timestamp {timestamp} is not after the latest block's {self.timestamp}"
            )
        self._chain.header = self._chain.header.copy(timestamp=timestamp)

    def advance_time(self, seconds: int) -> None:
        """Move the next block's timestamp forward by `seconds`.

        Raises:
            ValueError: `seconds` is negative.
        """
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.set_time(self.next_timestamp + seconds)


def _receipt(
    block: BlockAPI,
    transaction: SignedTransactionAPI,
    receipt: ReceiptAPI,
    computation: ComputationAPI,
) -> Receipt:
    created = transaction.to == b"" and computation.is_success
    return Receipt(
        tx_hash=transaction.hash,
        block_number=block.number,
        gas_used=receipt.gas_used,  # cumulative, and the block has this one transaction
        status=0 if computation.is_error else 1,
        logs=_logs(receipt, block.number, transaction.hash, 0),
        contract_address=_checksum(computation.msg.storage_address) if created else None,
    )


def _logs(
    receipt: ReceiptAPI, block_number: int, tx_hash: bytes, first_index: int
) -> tuple[Log, ...]:
    return tuple(
        Log(
            address=_checksum(log.address),
            topics=tuple(topic.to_bytes(32, "big") for topic in log.topics),
            data=log.data,
            block_number=block_number,
            tx_hash=tx_hash,
            log_index=first_index + i,
        )
        for i, log in enumerate(receipt.logs)
    )


def _describe(error: VMError) -> str:
    # A Revert's str() is its raw data; other errors say what went wrong.
    if isinstance(error, Revert):
        return "execution reverted"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


@lru_cache(maxsize=4096)
def _checksum(address: bytes) -> ChecksumAddress:
    return to_checksum_address(address)
