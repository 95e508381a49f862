"""A chain behind a JSON-RPC node: local signing, EIP-1559 fees, its own nonces, safe retries.

The node never holds a key: transactions are signed here with eth-account, priced from the
latest base fee (EIP-1559) and numbered from a nonce counter kept per sender. Sending waits for
the receipt and a configurable number of confirmations; a mined transaction that reverted is
replayed as a call to recover its revert data, so drivers raise the same decoded errors as on
the in-process chain.

What is retried, and why it is safe:
- reads (calls, receipts, blocks, logs) after a transport failure, with backoff: they change
  nothing;
- a broadcast, only by sending the *same signed bytes* again, after asking the node whether it
  already knows the transaction's hash. The same bytes have one hash and one nonce, so they can
  be mined once at most; a new transaction is never signed for an intent that may have been mined.

Views are batched into one JSON-RPC batch request where the node accepts batches (`call_many`),
and one at a time where it does not.

Exceptions (all `ChainError`, besides the reverts and rejections of `permledger.chain`)::

    NodeUnavailable   the node did not answer (connection, timeout, HTTP error) after the retries
    RpcError          the node answered a request with a JSON-RPC error
    ReceiptTimeout    no receipt in time; the transaction may still be mined (look it up by hash)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar, cast

import requests
from eth_account import Account as EthAccount
from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from web3 import HTTPProvider
from web3.types import RPCEndpoint, RPCResponse

from permledger.chain import (
    Account,
    CallRequest,
    ChainError,
    Log,
    Receipt,
    TransactionRejected,
    TransactionReverted,
)

MAX_TRANSACTION_GAS = 2**24
"""The per-transaction gas cap of EIP-7825 (Osaka): no gas limit is set above it."""

_TRANSPORT_ERRORS = (requests.exceptions.RequestException, OSError)
_T = TypeVar("_T")


class NodeUnavailable(ChainError):
    """The node did not answer (connection refused, timeout, HTTP error) after the retries."""


class RpcError(ChainError):
    """The node answered a request with a JSON-RPC error."""

    def __init__(self, method: str, code: int, message: str) -> None:
        super().__init__(f"{method}: {message} (JSON-RPC error {code})")
        self.method = method
        self.code = code
        self.message = message


class ReceiptTimeout(ChainError):
    """No receipt (or not enough confirmations) in time; the transaction may still be mined."""

    def __init__(self, tx_hash: bytes, seconds: float) -> None:
        super().__init__(
            f"no confirmed receipt for 0x{tx_hash.hex()} after {seconds:.0f} s; it may still be "
            "mined: look it up by its hash before sending anything again"
        )
        self.tx_hash = tx_hash


@dataclass(frozen=True, slots=True)
class SignedTransaction:
    """A signed EIP-1559 transaction: what was signed, and the bytes to broadcast."""

    tx_hash: bytes
    raw: bytes = field(repr=False)
    sender: ChecksumAddress
    nonce: int
    to: ChecksumAddress | None
    data: bytes = field(repr=False)
    value: int
    gas: int


@dataclass(frozen=True, slots=True)
class Fees:
    """EIP-1559 fees per gas for the next transaction, in wei."""

    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    base_fee_per_gas: int

    @property
    def expected_per_gas(self) -> int:
        """What a unit of gas costs at the current base fee (the max fee is a ceiling)."""
        return self.base_fee_per_gas + self.max_priority_fee_per_gas


@dataclass(frozen=True, slots=True)
class RpcSettings:
    """How an `RpcChain` talks to its node; the defaults suit a public testnet."""

    confirmations: int = 1
    """Blocks that must include and follow a transaction before `transact` returns (1: mined)."""
    poll_interval: float = 1.0
    """Seconds between receipt polls."""
    receipt_timeout: float = 600.0
    """Seconds to wait for a confirmed receipt before `ReceiptTimeout`."""
    request_timeout: float = 30.0
    """Seconds one HTTP request may take."""
    retries: int = 3
    """Further attempts of a read or re-broadcast after a transport failure."""
    backoff: float = 0.5
    """Seconds before the first retry, doubled for each further one."""
    call_block: str = "latest"
    """Block tag that calls and estimates run against ("pending" on a dev node)."""
    gas_margin: float = 1.2
    """Gas limit over the node's estimate, for state that changes before inclusion."""
    priority_fee: int | None = None
    """Tip per gas in wei; None takes the node's `eth_maxPriorityFeePerGas`."""
    max_fee_cap: int | None = None
    """Refuse to sign when the fee per gas needed is above this (wei); None: no cap."""
    batch_size: int = 100
    """Calls per JSON-RPC batch request."""
    log_block_range: int = 10_000
    """Blocks per `eth_getLogs` request (public nodes cap the range)."""


class RpcChain:
    """Any EVM node reached over HTTP JSON-RPC, with the accounts this process signs for."""

    def __init__(
        self, url: str, accounts: Iterable[Account] = (), settings: RpcSettings | None = None
    ) -> None:
        """Talk to the node at `url`; nothing is requested until first needed."""
        self.url = url
        self.settings = settings or RpcSettings()
        self._provider = HTTPProvider(
            url,
            request_kwargs={"timeout": self.settings.request_timeout},
            # Retries are ours, method by method: web3's would repeat a broadcast blindly.
            exception_retry_configuration=None,
        )
        self._accounts: dict[str, Account] = {a.name: a for a in accounts}
        self._nonces: dict[ChecksumAddress, int] = {}
        self._chain_id: int | None = None
        self._batching = True

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    # JSON-RPC

    def request(self, method: str, params: Sequence[Any] = ()) -> Any:
        """One JSON-RPC request, retried after transport failures; returns its result.

        Only for methods that change nothing, or that are safe to repeat.

        Raises:
            NodeUnavailable: no answer after the retries.
            TransactionReverted: a call or estimate reverted (JSON-RPC error 3 or a revert message).
            RpcError: any other JSON-RPC error.
        """
        response = self._retrying(
            method, lambda: self._provider.make_request(RPCEndpoint(method), list(params))
        )
        return _result(method, response)

    def _batch(self, batch: Sequence[tuple[str, Sequence[Any]]]) -> list[RPCResponse] | None:
        # One round trip for many reads; None when the node refuses batches.
        if not self._batching:
            return None
        requests_ = [(RPCEndpoint(m), list(p)) for m, p in batch]
        response = self._retrying("batch", lambda: self._provider.make_batch_request(requests_))
        if not isinstance(response, list) or len(response) != len(batch):
            self._batching = False
            return None
        return response

    def _retrying(self, method: str, attempt: Callable[[], _T]) -> _T:
        delay = self.settings.backoff
        for remaining in range(self.settings.retries, -1, -1):
            try:
                return attempt()
            except _TRANSPORT_ERRORS as error:
                if not remaining:
                    raise NodeUnavailable(f"{method} to {self.url}: {_describe(error)}") from None
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")  # the loop returns or raises

    # Chain state

    @property
    def chain_id(self) -> int:
        """The EIP-155 chain id (asked once)."""
        if self._chain_id is None:
            self._chain_id = int(self.request("eth_chainId"), 16)
        return self._chain_id

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The accounts this process signs for, by name."""
        return MappingProxyType(self._accounts)

    def add_account(self, account: Account) -> None:
        """Sign for `account` too."""
        self._accounts[account.name] = account

    @property
    def block_number(self) -> int:
        """Number of the latest block."""
        return int(self.request("eth_blockNumber"), 16)

    @property
    def timestamp(self) -> int:
        """Timestamp of the latest block."""
        return int(self.request("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def get_balance(self, address: ChecksumAddress) -> int:
        """Ether balance in wei at the latest block."""
        return int(self.request("eth_getBalance", [address, "latest"]), 16)

    def get_code(self, address: ChecksumAddress) -> bytes:
        """Runtime code at `address` at the latest block."""
        return _bytes(self.request("eth_getCode", [address, "latest"]))

    def get_nonce(self, address: ChecksumAddress, *, pending: bool = False) -> int:
        """Transactions mined from `address` (with `pending`, also those the node holds)."""
        tag = "pending" if pending else "latest"
        return int(self.request("eth_getTransactionCount", [address, tag]), 16)

    def fees(self) -> Fees:
        """EIP-1559 fees for the next transaction: twice the base fee plus the tip.

        Raises:
            TransactionRejected: the fee needed is above `max_fee_cap`.
        """
        block: dict[str, Any]
        suggested: Any = None
        batch = self._batch(
            [("eth_getBlockByNumber", ["latest", False]), ("eth_maxPriorityFeePerGas", [])]
        )
        if batch is not None:
            block = _result("eth_getBlockByNumber", batch[0])
            suggested = batch[1].get("result")
        else:
            block = self.request("eth_getBlockByNumber", ["latest", False])
        base = int(block.get("baseFeePerGas", "0x0"), 16)
        if self.settings.priority_fee is not None:
            tip = self.settings.priority_fee
        else:
            if batch is None:
                suggested = self.request("eth_maxPriorityFeePerGas")
            tip = int(suggested, 16) if isinstance(suggested, str) else 10**9
        max_fee = 2 * base + tip
        cap = self.settings.max_fee_cap
        if cap is not None:
            if base + tip > cap:
                raise TransactionRejected(
                    f"the fee needed ({base + tip} wei per gas) is above the cap of {cap}"
                )
            max_fee = min(max_fee, cap)
        return Fees(max_fee, tip, base)

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
        """Run a read-only call; `block=None` runs against `settings.call_block`.

        Raises:
            TransactionReverted: the call reverted.
        """
        tag = self.settings.call_block if block is None else hex(block)
        return _bytes(self.request("eth_call", [_call_object(to, data, sender, value), tag]))

    def call_many(self, requests: Sequence[CallRequest]) -> list[bytes]:
        """Run many calls in JSON-RPC batches (one round trip per `batch_size` calls).

        Raises:
            TransactionReverted: one of the calls reverted.
        """
        outputs: list[bytes] = []
        size = self.settings.batch_size
        for start in range(0, len(requests), size):
            chunk = requests[start : start + size]
            tag = self.settings.call_block
            batch = self._batch(
                [("eth_call", [_call_object(r.to, r.data, r.sender, r.value), tag]) for r in chunk]
            )
            if batch is None:
                outputs += [self.call(r.to, r.data, sender=r.sender, value=r.value) for r in chunk]
            else:
                outputs += [_bytes(_result("eth_call", response)) for response in batch]
        return outputs

    def estimate_gas(
        self,
        sender: ChecksumAddress,
        to: ChecksumAddress | None,
        data: bytes = b"",
        *,
        value: int = 0,
    ) -> int:
        """The node's gas estimate.

        Raises:
            TransactionReverted: it would revert.
        """
        params = _call_object(to, data, sender, value)
        return int(self.request("eth_estimateGas", [params, self.settings.call_block]), 16)

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
        """Sign, broadcast and wait for the confirmed receipt; `to=None` creates a contract.

        Without `gas`, the node's estimate plus `gas_margin` is used, so a transaction that
        would revert is refused before anything is sent.

        Raises:
            TransactionReverted: it would revert (nothing sent), or was mined and reverted.
            TransactionRejected: the node refused it; nothing was mined.
            NodeUnavailable, ReceiptTimeout: the node stopped answering; the hash is in the message.
        """
        if gas is None:
            gas = self.gas_limit(self.estimate_gas(sender.address, to, data, value=value))
        signed = self.sign_transaction(sender, to, data, gas=gas, value=value)
        self.broadcast(signed)
        receipt = self.wait_for_receipt(signed.tx_hash)
        if not receipt.status:
            raise TransactionReverted(
                self.revert_data(signed, receipt), tx_hash=signed.tx_hash, receipt=receipt
            )
        return receipt

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
            as `transact`.
        """
        receipt = self.transact(sender, None, initcode, gas=gas, value=value)
        assert receipt.contract_address is not None  # a successful creation has one
        return receipt.contract_address

    def gas_limit(self, estimate: int) -> int:
        """The gas limit to sign for an estimate: the margin added, under the EIP-7825 cap."""
        return min(int(estimate * self.settings.gas_margin), MAX_TRANSACTION_GAS)

    def next_nonce(self, sender: ChecksumAddress) -> int:
        """The nonce the next transaction from `sender` takes (counted here after the first)."""
        nonce = self._nonces.get(sender)
        if nonce is None:
            nonce = self._nonces[sender] = self.get_nonce(sender, pending=True)
        return nonce

    def sign_transaction(
        self,
        sender: Account,
        to: ChecksumAddress | None,
        data: bytes = b"",
        *,
        gas: int,
        value: int = 0,
        nonce: int | None = None,
        fees: Fees | None = None,
    ) -> SignedTransaction:
        """Sign an EIP-1559 transaction with the sender's key; nothing is sent.

        Raises:
            TransactionRejected: the fee needed is above `max_fee_cap`.
        """
        nonce = self.next_nonce(sender.address) if nonce is None else nonce
        fees = fees or self.fees()
        fields: dict[str, Any] = {
            "type": 2,
            "chainId": self.chain_id,
            "nonce": nonce,
            "gas": gas,
            "maxFeePerGas": fees.max_fee_per_gas,
            "maxPriorityFeePerGas": fees.max_priority_fee_per_gas,
            "value": value,
            "data": data,
        }
        if to is not None:
            fields["to"] = to
        signed = EthAccount.sign_transaction(fields, sender.private_key)
        return SignedTransaction(
            tx_hash=bytes(signed.hash),
            raw=bytes(signed.raw_transaction),
            sender=sender.address,
            nonce=nonce,
            to=to,
            data=data,
            value=value,
            gas=gas,
        )

    def broadcast(self, signed: SignedTransaction) -> None:
        """Hand the signed bytes to the node; safe to call again for the same transaction.

        After a transport failure or an error answer, the node is asked whether it knows the
        hash (pending or mined) before the same bytes are sent again.

        Raises:
            TransactionRejected: the node refused it (nonce, funds, fee) and does not know it.
            NodeUnavailable: no answer after the retries; the transaction may have reached it.
        """
        raw = "0x" + signed.raw.hex()
        delay = self.settings.backoff
        for remaining in range(self.settings.retries, -1, -1):
            try:
                response = self._provider.make_request(RPCEndpoint("eth_sendRawTransaction"), [raw])
            except _TRANSPORT_ERRORS as error:
                if self._knows(signed.tx_hash):
                    break
                if not remaining:
                    raise NodeUnavailable(
                        f"broadcast of 0x{signed.tx_hash.hex()} to {self.url}: "
                        f"{_describe(error)}; look it up by hash before sending again"
                    ) from None
                time.sleep(delay)
                delay *= 2
                continue
            if "error" in response and not self._knows(signed.tx_hash):
                self._nonces.pop(signed.sender, None)
                raise TransactionRejected(str(response["error"].get("message", response["error"])))
            break
        self._nonces[signed.sender] = max(self._nonces.get(signed.sender, 0), signed.nonce + 1)

    def _knows(self, tx_hash: bytes) -> bool:
        return self.request("eth_getTransactionByHash", ["0x" + tx_hash.hex()]) is not None

    def transaction_state(self, tx_hash: bytes) -> str:
        """ "mined", "pending" (the node holds it) or "unknown" (never reached it, or dropped)."""
        found = self.request("eth_getTransactionByHash", ["0x" + tx_hash.hex()])
        if found is None:
            return "unknown"
        return "pending" if found.get("blockNumber") is None else "mined"

    def find_receipt(self, tx_hash: bytes) -> Receipt | None:
        """The receipt of a mined transaction, or None."""
        raw = self.request("eth_getTransactionReceipt", ["0x" + tx_hash.hex()])
        if not raw or raw.get("blockNumber") is None:
            return None
        return _receipt(raw)

    def wait_for_receipt(
        self, tx_hash: bytes, *, confirmations: int | None = None, timeout: float | None = None
    ) -> Receipt:
        """Poll until the transaction is mined and `confirmations` blocks deep.

        The receipt is read again once deep enough, so a reorganisation that moved the
        transaction is waited out rather than reported.

        Raises:
            ReceiptTimeout: not confirmed in time (it may still be mined).
        """
        depth = self.settings.confirmations if confirmations is None else confirmations
        limit = self.settings.receipt_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            receipt = self.find_receipt(tx_hash)
            if receipt is not None:
                if depth <= 1:
                    return receipt
                if self.block_number - receipt.block_number + 1 >= depth:
                    again = self.find_receipt(tx_hash)
                    if again is not None and again.block_number == receipt.block_number:
                        return again
            if time.monotonic() > deadline:
                raise ReceiptTimeout(tx_hash, limit)
            time.sleep(self.settings.poll_interval)

    def revert_data(self, signed: SignedTransaction, receipt: Receipt) -> bytes:
        """The revert data of a mined, reverted transaction, by replaying it as a call.

        The replay runs on the state before its block, so it is exact when the transaction
        was first in its block; b"" when the replay does not revert.
        """
        try:
            self.request(
                "eth_call",
                [
                    {
                        **_call_object(signed.to, signed.data, signed.sender, signed.value),
                        "gas": hex(signed.gas),
                    },
                    hex(max(receipt.block_number - 1, 0)),
                ],
            )
        except TransactionReverted as error:
            return error.data
        return b""

    # Logs

    def get_logs(
        self,
        *,
        address: ChecksumAddress | None = None,
        topics: Sequence[bytes | None] = (),
        from_block: int = 0,
        to_block: int | None = None,
    ) -> list[Log]:
        """Logs of mined blocks, asked `log_block_range` blocks at a time."""
        last = self.block_number if to_block is None else to_block
        query: dict[str, Any] = {
            "topics": [None if t is None else "0x" + t.hex() for t in topics],
        }
        if address is not None:
            query["address"] = address
        logs: list[Log] = []
        step = self.settings.log_block_range
        for start in range(from_block, last + 1, step):
            end = min(start + step - 1, last)
            found = self.request(
                "eth_getLogs", [{**query, "fromBlock": hex(start), "toBlock": hex(end)}]
            )
            logs += [_log(entry) for entry in found]
        return logs


def _call_object(
    to: ChecksumAddress | None, data: bytes, sender: ChecksumAddress | None, value: int
) -> dict[str, Any]:
    params: dict[str, Any] = {"data": "0x" + data.hex()}
    if to is not None:
        params["to"] = to
    if sender is not None:
        params["from"] = sender
    if value:
        params["value"] = hex(value)
    return params


def _result(method: str, response: RPCResponse | Mapping[str, Any]) -> Any:
    error = response.get("error")
    if error is None:
        return response.get("result")
    if isinstance(error, str):
        raise RpcError(method, -32603, error)
    message = str(error.get("message", ""))
    code = int(error.get("code", -32603))
    data = error.get("data")
    if isinstance(data, Mapping):  # some nodes nest it: {"data": {"data": "0x..."}}
        data = data.get("data")
    if code == 3 or "revert" in message.lower():
        revert = _bytes(data) if isinstance(data, str) and data.startswith("0x") else b""
        raise TransactionReverted(revert, message=message.split(":")[0] or "execution reverted")
    raise RpcError(method, code, message)


def _receipt(raw: Mapping[str, Any]) -> Receipt:
    contract = raw.get("contractAddress")
    return Receipt(
        tx_hash=_bytes(raw["transactionHash"]),
        block_number=int(raw["blockNumber"], 16),
        gas_used=int(raw["gasUsed"], 16),
        status=int(raw.get("status", "0x1"), 16),
        logs=tuple(_log(entry) for entry in raw.get("logs", ())),
        contract_address=to_checksum_address(contract) if contract else None,
    )


def _log(raw: Mapping[str, Any]) -> Log:
    return Log(
        address=to_checksum_address(raw["address"]),
        topics=tuple(_bytes(t) for t in raw["topics"]),
        data=_bytes(raw["data"]),
        block_number=int(raw["blockNumber"], 16),
        tx_hash=_bytes(raw["transactionHash"]),
        log_index=int(raw["logIndex"], 16),
    )


def _bytes(text: Any) -> bytes:
    return bytes.fromhex(cast(str, text).removeprefix("0x"))


def _describe(error: BaseException) -> str:
    # The first line of a transport error: urllib3's full chains repeat themselves.
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
