"""What the SDK needs from a chain: accounts, transactions, calls, logs.

`Chain` is any EVM node; `DevChain` adds what only a development chain can
do (snapshots, time travel, minting ether for new accounts). `LocalChain`
(permledger.local_chain) implements both in process.

Exceptions::

    ChainError
     +-- TransactionReverted   mined (or called) and reverted; carries revert data
     +-- TransactionRejected   refused by the node, nothing mined
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from eth_typing import ChecksumAddress

DEFAULT_BALANCE = 10**24
"""Wei a new development account starts with (one million ether)."""


@dataclass(frozen=True, slots=True)
class Account:
    """A named externally owned account and the key that signs for it."""

    name: str
    address: ChecksumAddress
    private_key: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Log:
    """One event log as emitted by a contract."""

    address: ChecksumAddress
    topics: tuple[bytes, ...]
    data: bytes
    block_number: int
    tx_hash: bytes
    log_index: int


@dataclass(frozen=True, slots=True)
class Receipt:
    """The outcome of a mined transaction."""

    tx_hash: bytes
    block_number: int
    gas_used: int
    status: int
    logs: tuple[Log, ...]
    contract_address: ChecksumAddress | None = None


@dataclass(frozen=True, slots=True)
class CallRequest:
    """One read-only call, for `Chain.call_many`."""

    to: ChecksumAddress
    data: bytes
    sender: ChecksumAddress | None = None
    value: int = 0


class ChainError(Exception):
    """Base of the errors a chain raises."""


class TransactionReverted(ChainError):
    """A transaction or call reverted; `data` is the raw revert data.

    `data` is empty when the EVM failed without revert data (out of gas, an
    invalid opcode). `tx_hash` and `receipt` are set for mined transactions.
    """

    def __init__(
        self,
        data: bytes,
        *,
        tx_hash: bytes | None = None,
        receipt: Receipt | None = None,
        message: str = "execution reverted",
    ) -> None:
        super().__init__(f"{message} (data=0x{data.hex()})")
        self.data = data
        self.tx_hash = tx_hash
        self.receipt = receipt


class TransactionRejected(ChainError):
    """The node refused the transaction (nonce, funds, gas limit); nothing was mined."""


class Chain(Protocol):
    """Any EVM node the SDK can drive."""

    @property
    def chain_id(self) -> int:
        """The EIP-155 chain id."""
        ...

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The accounts this chain can sign for, by name."""
        ...

    @property
    def block_number(self) -> int:
        """Number of the latest mined block."""
        ...

    @property
    def timestamp(self) -> int:
        """Timestamp of the latest mined block."""
        ...

    def transact(
        self,
        sender: Account,
        to: ChecksumAddress | None,
        data: bytes = b"",
        *,
        gas: int | None = None,
        value: int = 0,
    ) -> Receipt:
        """Sign, send and mine a transaction; `to=None` creates a contract.

        Raises:
            TransactionReverted: it was mined and reverted.
            TransactionRejected: the node refused it.
        """
        ...

    def deploy(
        self,
        sender: Account,
        initcode: bytes,
        *,
        gas: int | None = None,
        value: int = 0,
    ) -> ChecksumAddress:
        """Create a contract from `initcode` (bytecode + encoded constructor args).

        Raises:
            TransactionReverted: the constructor reverted.
            TransactionRejected: the node refused the transaction.
        """
        ...

    def estimate_gas(
        self,
        sender: ChecksumAddress,
        to: ChecksumAddress | None,
        data: bytes = b"",
        *,
        value: int = 0,
    ) -> int:
        """Estimate the gas a transaction needs.

        Raises:
            TransactionReverted: it would revert at any gas limit.
        """
        ...

    def call(
        self,
        to: ChecksumAddress,
        data: bytes,
        *,
        sender: ChecksumAddress | None = None,
        value: int = 0,
        block: int | None = None,
    ) -> bytes:
        """Run a read-only call and return its output.

        `block=None` runs on the latest state in the context of the next
        block (its number and timestamp): what the next transaction sees.
        `block=n` runs on the state after block n, in block n's context.

        Raises:
            TransactionReverted: the call reverted.
        """
        ...

    def call_many(self, requests: Sequence[CallRequest]) -> list[bytes]:
        """Run many calls against the same state, in one round trip where possible.

        Raises:
            TransactionReverted: one of the calls reverted.
        """
        ...

    def get_logs(
        self,
        *,
        address: ChecksumAddress | None = None,
        topics: Sequence[bytes | None] = (),
        from_block: int = 0,
        to_block: int | None = None,
    ) -> list[Log]:
        """Logs of mined blocks, filtered by emitter and topics (None matches any)."""
        ...

    def get_balance(self, address: ChecksumAddress) -> int:
        """Ether balance in wei."""
        ...

    def get_code(self, address: ChecksumAddress) -> bytes:
        """Runtime code at `address` (empty for accounts)."""
        ...

    def get_nonce(self, address: ChecksumAddress) -> int:
        """Number of transactions sent from `address`."""
        ...


class DevChain(Chain, Protocol):
    """A chain under the test author's control: snapshots, clock, funded accounts."""

    def create_account(self, name: str, *, balance: int = DEFAULT_BALANCE) -> Account:
        """Create a named, funded account.

        Raises:
            ValueError: the name is taken.
        """
        ...

    def snapshot(self) -> int:
        """Remember the current state; returns an id for `revert`."""
        ...

    def revert(self, snapshot_id: int) -> None:
        """Return to a snapshot (state, blocks and clock); it stays usable.

        Raises:
            KeyError: unknown snapshot id.
        """
        ...

    def isolate(self) -> AbstractContextManager[None]:
        """Context manager: whatever happens inside is reverted on exit."""
        ...

    @property
    def next_timestamp(self) -> int:
        """Timestamp of the next block, which calls also see."""
        ...

    def set_time(self, timestamp: int) -> None:
        """Set the next block's timestamp.

        Raises:
            ValueError: not after the latest block's timestamp.
        """
        ...

    def advance_time(self, seconds: int) -> None:
        """Move the next block's timestamp forward by `seconds`."""
        ...


def iter_matching(
    logs: Sequence[Log], address: ChecksumAddress | None, topics: Sequence[bytes | None]
) -> Iterator[Log]:
    """Logs from `address` whose topics match `topics` position by position."""
    for log in logs:
        if address is not None and log.address != address:
            continue
        if len(topics) > len(log.topics):
            continue
        if all(t is None or t == log.topics[i] for i, t in enumerate(topics)):
            yield log
