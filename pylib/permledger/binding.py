"""A contract bound to its ABI: encode calls, decode results, events and revert data.

Functions are found by name (overloads by argument count, then by which
signature accepts the arguments) or by full signature, `"transfer(address,uint256)"`.
A function with one output returns the value, with several a tuple, with
none `None`; structs come back as tuples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi.codec import ABICodec
from eth_abi.decoding import AddressDecoder
from eth_abi.exceptions import DecodingError
from eth_abi.registry import BaseEquals, registry
from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from permledger.chain import Account, CallRequest, Chain, Log, Receipt

AbiEntry = Mapping[str, Any]
"""One entry of a Solidity JSON ABI (a function, event, error or constructor)."""

ERROR_SELECTOR = bytes.fromhex("08c379a0")
"""Selector of `Error(string)`, what `require(cond, "message")` reverts with."""
PANIC_SELECTOR = bytes.fromhex("4e487b71")
"""Selector of `Panic(uint256)`, what failed asserts and arithmetic revert with."""


class _ChecksumAddressDecoder(AddressDecoder):
    # eth-abi decodes addresses in lower case; the SDK speaks checksummed addresses.
    decoder_fn = staticmethod(to_checksum_address)


# eth-abi leaves copy() and BaseEquals() unannotated.
_registry = registry.copy()  # type: ignore[no-untyped-call]
_registry.unregister_decoder("address")
_registry.register_decoder(
    BaseEquals("address"),  # type: ignore[no-untyped-call]
    _ChecksumAddressDecoder,
    label="address",
)
_codec = ABICodec(_registry)
encode = _codec.encode
decode = _codec.decode
is_encodable = _codec.is_encodable


@dataclass(frozen=True, slots=True)
class Artifact:
    """A compiled contract: ABI, creation bytecode and runtime bytecode."""

    abi: tuple[AbiEntry, ...]
    bytecode: bytes
    deployed_bytecode: bytes = b""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Artifact:
        """Read `{"abi", "bytecode", "deployedBytecode"}` with hex bytecode.

        Raises:
            ValueError: bytecode is not hex (e.g. an unlinked library placeholder).
        """
        return cls(
            abi=tuple(data["abi"]),
            bytecode=_from_hex(data["bytecode"]),
            deployed_bytecode=_from_hex(data.get("deployedBytecode", "")),
        )

    @classmethod
    def load(cls, path: str | Path) -> Artifact:
        """Read an artifact JSON file.

        Raises:
            ValueError: bytecode is not hex.
        """
        return cls.from_json(json.loads(Path(path).read_text()))


def canonical_type(param: AbiEntry) -> str:
    """The ABI type of a parameter as it appears in signatures: tuples spelled out."""
    kind: str = param["type"]
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(component) for component in param["components"])
        return f"({inner}){kind[len('tuple') :]}"
    return kind


def _names(params: Sequence[AbiEntry]) -> tuple[str, ...]:
    return tuple(p.get("name") or f"arg{i}" for i, p in enumerate(params))


@dataclass(frozen=True, slots=True)
class AbiFunction:
    """One ABI function: its selector and how to encode and decode it."""

    name: str
    signature: str
    selector: bytes
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    @classmethod
    def from_abi(cls, entry: AbiEntry) -> AbiFunction:
        """Build from a JSON ABI function entry."""
        inputs = tuple(canonical_type(p) for p in entry.get("inputs", ()))
        signature = f"{entry['name']}({','.join(inputs)})"
        return cls(
            name=entry["name"],
            signature=signature,
            selector=keccak(text=signature)[:4],
            inputs=inputs,
            outputs=tuple(canonical_type(p) for p in entry.get("outputs", ())),
        )

    def encode(self, args: Sequence[Any]) -> bytes:
        """Calldata: selector and ABI-encoded arguments."""
        return self.selector + encode(self.inputs, args)

    def decode(self, output: bytes) -> Any:
        """Decode return data: None, one value, or a tuple of values."""
        values = decode(self.outputs, output)
        if len(values) == 1:
            return values[0]
        return values or None


@dataclass(frozen=True, slots=True)
class AbiEvent:
    """One ABI event: its topic and how to decode its logs."""

    name: str
    signature: str
    topic: bytes
    names: tuple[str, ...]
    types: tuple[str, ...]
    indexed: tuple[bool, ...]

    @classmethod
    def from_abi(cls, entry: AbiEntry) -> AbiEvent:
        """Build from a JSON ABI event entry."""
        params = entry.get("inputs", ())
        types = tuple(canonical_type(p) for p in params)
        signature = f"{entry['name']}({','.join(types)})"
        return cls(
            name=entry["name"],
            signature=signature,
            topic=keccak(text=signature),
            names=_names(params),
            types=types,
            indexed=tuple(bool(p.get("indexed")) for p in params),
        )

    def decode(self, log: Log) -> dict[str, Any]:
        """Decode a log's topics and data into arguments by name.

        Indexed arguments of dynamic type (strings, bytes, arrays, structs)
        are stored as their keccak hash: those come back as the 32-byte topic.
        """
        data_types = [t for t, indexed in zip(self.types, self.indexed, strict=True) if not indexed]
        data_values = iter(decode(data_types, log.data))
        topics = iter(log.topics[1:])
        args: dict[str, Any] = {}
        for name, kind, indexed in zip(self.names, self.types, self.indexed, strict=True):
            if not indexed:
                args[name] = next(data_values)
            elif _is_static_word(kind):
                args[name] = decode([kind], next(topics))[0]
            else:
                args[name] = next(topics)
        return args


def _is_static_word(kind: str) -> bool:
    # Value types are topics as they are; everything else is hashed.
    return not (kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("("))


@dataclass(frozen=True, slots=True)
class DecodedError:
    """Revert data decoded: the error's name, selector and arguments by name.

    `Error(string)` decodes to `("Error", {"message": ...})` and
    `Panic(uint256)` to `("Panic", {"code": ...})`.
    """

    name: str
    selector: bytes
    args: dict[str, Any]


class ErrorDecoder:
    """Maps revert data to the custom errors of one or more ABIs."""

    def __init__(self, abi: Iterable[AbiEntry]) -> None:
        """Index the `error` entries of `abi` (concatenate ABIs to cover several contracts)."""
        self._errors: dict[bytes, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
            ERROR_SELECTOR: ("Error", ("message",), ("string",)),
            PANIC_SELECTOR: ("Panic", ("code",), ("uint256",)),
        }
        for entry in abi:
            if entry.get("type") == "error":
                params = entry.get("inputs", ())
                types = tuple(canonical_type(p) for p in params)
                selector = keccak(text=f"{entry['name']}({','.join(types)})")[:4]
                self._errors[selector] = (entry["name"], _names(params), types)

    def decode(self, data: bytes) -> DecodedError | None:
        """Decode revert data; None when empty, unknown or malformed."""
        selector = data[:4]
        known = self._errors.get(selector)
        if known is None:
            return None
        name, names, types = known
        try:
            values = decode(types, data[4:])
        except DecodingError:
            return None
        return DecodedError(name, selector, dict(zip(names, values, strict=True)))


@dataclass(frozen=True, slots=True)
class PreparedCall:
    """A view call ready to run, alone or in a batch (`calls`)."""

    request: CallRequest
    function: AbiFunction

    def decode(self, output: bytes) -> Any:
        """Decode the call's return data."""
        return self.function.decode(output)


class ContractBinding:
    """A deployed contract on a chain, driven by name through its ABI."""

    def __init__(self, chain: Chain, address: ChecksumAddress, abi: Iterable[AbiEntry]) -> None:
        """Bind `address` on `chain` to `abi`."""
        self.chain = chain
        self.address = to_checksum_address(address)
        self.abi = tuple(abi)
        self._functions: dict[str, list[AbiFunction]] = {}
        self._events: dict[str, list[AbiEvent]] = {}
        for entry in self.abi:
            if entry.get("type") == "function":
                function = AbiFunction.from_abi(entry)
                self._functions.setdefault(function.name, []).append(function)
                self._functions[function.signature] = [function]
            elif entry.get("type") == "event" and not entry.get("anonymous"):
                event = AbiEvent.from_abi(entry)
                self._events.setdefault(event.name, []).append(event)
        self.errors = ErrorDecoder(self.abi)

    def __repr__(self) -> str:
        return f"ContractBinding({self.address})"

    def function(self, name: str, args: Sequence[Any]) -> AbiFunction:
        """The function `name` (or signature) that accepts `args`.

        Raises:
            ValueError: no such function, or several overloads accept `args`.
        """
        candidates = [f for f in self._functions.get(name, ()) if len(f.inputs) == len(args)]
        if len(candidates) > 1:
            candidates = [
                f
                for f in candidates
                if all(is_encodable(t, a) for t, a in zip(f.inputs, args, strict=True))
            ]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise ValueError(f"{self.address} has no function {name} taking {len(args)} arguments")
        overloads = ", ".join(f.signature for f in candidates)
        raise ValueError(f"ambiguous call to {name}: pass one of {overloads}")

    def encode(self, name: str, *args: Any) -> bytes:
        """Calldata for `name(*args)`.

        Raises:
            ValueError: no function accepts the arguments.
        """
        return self.function(name, args).encode(args)

    def call(
        self,
        name: str,
        *args: Any,
        sender: ChecksumAddress | None = None,
        block: int | None = None,
    ) -> Any:
        """Call a view and decode its result.

        Raises:
            TransactionReverted: the call reverted.
        """
        function = self.function(name, args)
        output = self.chain.call(self.address, function.encode(args), sender=sender, block=block)
        return function.decode(output)

    def prepare(self, name: str, *args: Any, sender: ChecksumAddress | None = None) -> PreparedCall:
        """A call to run later, typically batched with others through `calls`."""
        function = self.function(name, args)
        return PreparedCall(CallRequest(self.address, function.encode(args), sender), function)

    def transact(
        self,
        name: str,
        *args: Any,
        sender: Account,
        gas: int | None = None,
        value: int = 0,
    ) -> Receipt:
        """Send a transaction calling `name(*args)`.

        Raises:
            TransactionReverted: it reverted; decode `data` with `decode_error`.
            TransactionRejected: the node refused it.
        """
        data = self.encode(name, *args)
        return self.chain.transact(sender, self.address, data, gas=gas, value=value)

    def estimate_gas(self, name: str, *args: Any, sender: Account, value: int = 0) -> int:
        """Gas that a transaction calling `name(*args)` needs.

        Raises:
            TransactionReverted: it would revert.
        """
        data = self.encode(name, *args)
        return self.chain.estimate_gas(sender.address, self.address, data, value=value)

    def events(self, name: str, source: Receipt | Iterable[Log]) -> list[dict[str, Any]]:
        """Decode this contract's `name` events from a receipt or logs, in order.

        Raises:
            ValueError: the ABI has no such event.
        """
        by_topic = {event.topic: event for event in self._events.get(name, ())}
        if not by_topic:
            raise ValueError(f"{self.address} has no event {name}")
        logs = source.logs if isinstance(source, Receipt) else source
        return [
            by_topic[log.topics[0]].decode(log)
            for log in logs
            if log.address == self.address and log.topics and log.topics[0] in by_topic
        ]

    def decode_error(self, data: bytes) -> DecodedError | None:
        """Decode revert data against this contract's errors, `Error` and `Panic`."""
        return self.errors.decode(data)


def calls(chain: Chain, prepared: Sequence[PreparedCall]) -> list[Any]:
    """Run prepared calls in one batch and decode each result.

    Raises:
        TransactionReverted: one of the calls reverted.
    """
    outputs = chain.call_many([p.request for p in prepared])
    return [p.decode(output) for p, output in zip(prepared, outputs, strict=True)]


def deploy(
    chain: Chain,
    artifact: Artifact,
    *args: Any,
    sender: Account,
    gas: int | None = None,
    value: int = 0,
) -> ContractBinding:
    """Deploy `artifact` with constructor arguments `args`; returns its binding.

    Raises:
        TransactionReverted: the constructor reverted.
        TransactionRejected: the node refused the transaction.
    """
    constructor = next((e for e in artifact.abi if e.get("type") == "constructor"), {})
    types = [canonical_type(p) for p in constructor.get("inputs", ())]
    address = chain.deploy(sender, artifact.bytecode + encode(types, args), gas=gas, value=value)
    return ContractBinding(chain, address, artifact.abi)


def _from_hex(text: str) -> bytes:
    try:
        return bytes.fromhex(text.removeprefix("0x"))
    except ValueError as error:
        raise ValueError(f"bytecode is not hex (unlinked library?): {text[:60]}...") from error
