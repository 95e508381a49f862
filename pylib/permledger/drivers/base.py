"""What every driver shares: the binding, the sender, input checks and error decoding."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any, ClassVar, Self

from eth_typing import ChecksumAddress
from eth_utils.address import is_checksum_address, is_hex_address, to_checksum_address

from permledger.binding import Artifact, ContractBinding, ErrorDecoder, PreparedCall, calls
from permledger.chain import Account, Chain, Receipt, TransactionReverted
from permledger.errors import ConfigurationError, InvalidInput, from_revert


@functools.cache
def artifact(name: str) -> Artifact:
    """The shipped artifact of contract `name`.

    Raises:
        ConfigurationError: the package ships no such artifact.
    """
    try:
        text = resources.files("permledger.artifacts").joinpath(f"{name}.json").read_text()
    except FileNotFoundError as error:
        raise ConfigurationError(f"no artifact for contract {name}") from error
    return Artifact.from_json(json.loads(text))


@functools.cache
def error_decoder() -> ErrorDecoder:
    """Decodes the custom errors of every shipped contract (errors bubble across contracts)."""
    folder = resources.files("permledger.artifacts")
    abi: list[dict[str, Any]] = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json") and not entry.name.startswith("_"):
            abi += [e for e in json.loads(entry.read_text())["abi"] if e.get("type") == "error"]
    return ErrorDecoder(abi)


def address(value: AddressLike, what: str = "address") -> ChecksumAddress:
    """A checksummed address from an account or a hex string.

    Raises:
        InvalidInput: not 20 hex bytes, or mixed-case with a wrong EIP-55 checksum.
    """
    if isinstance(value, Account | Driver):
        return value.address
    if not isinstance(value, str) or not is_hex_address(value):
        raise InvalidInput(f"{what} {value!r} is not a 20-byte hex address")
    body = value[2:]
    if body != body.lower() and body != body.upper() and not is_checksum_address(value):
        raise InvalidInput(f"{what} {value!r} has an invalid EIP-55 checksum")
    return to_checksum_address(value)


def amount(value: int, what: str = "amount", *, maximum: int = 2**256 - 1) -> int:
    """A non-negative integer amount no larger than `maximum`.

    Raises:
        InvalidInput: not an int, negative, or too large.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{what} must be an integer, got {value!r}")
    if value < 0:
        raise InvalidInput(f"{what} must not be negative, got {value}")
    if value > maximum:
        raise InvalidInput(f"{what} {value} exceeds the maximum {maximum}")
    return value


checked_amount = amount
"""`amount` under a name that a parameter called `amount` does not shadow."""


def bytes32(value: bytes, what: str) -> bytes:
    """A 32-byte value.

    Raises:
        InvalidInput: not exactly 32 bytes.
    """
    if not isinstance(value, bytes) or len(value) != 32:
        raise InvalidInput(f"{what} must be 32 bytes, got {value!r}")
    return value


class Driver:
    """A deployed contract driven through typed methods, sending as `sender` by default."""

    CONTRACT: ClassVar[str]
    EXTENSIONS: ClassVar[tuple[str, ...]] = ()
    """Contracts whose functions the contract serves at its own address (through its fallback)."""

    def __init__(self, chain: Chain, at: str, *, sender: Account | None = None) -> None:
        """Bind the contract at `at` on `chain`."""
        self.chain = chain
        self.address = address(at, f"{self.CONTRACT} address")
        self.sender = sender
        abi = [*artifact(self.CONTRACT).abi]
        for extension in self.EXTENSIONS:
            abi += [e for e in artifact(extension).abi if e not in abi]
        self.binding = ContractBinding(chain, self.address, abi)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.address})"

    def using(self, sender: Account) -> Self:
        """The same contract, sending as `sender`."""
        return type(self)(self.chain, self.address, sender=sender)

    def _call(self, name: str, *args: Any) -> Any:
        with self._decoded():
            return self.binding.call(
                name, *args, sender=self.sender.address if self.sender else None
            )

    def _calls(self, prepared: list[PreparedCall]) -> list[Any]:
        with self._decoded():
            return calls(self.chain, prepared)

    def _send(self, name: str, *args: Any, sender: Account | None = None) -> Receipt:
        account = self._sender(sender, name)
        with self._decoded():
            return self.binding.transact(name, *args, sender=account)

    def _send_checked(self, name: str, *args: Any, sender: Account | None = None) -> Receipt:
        """Dry-run the transaction as a call from the sender first: a revert raises its typed
        error and nothing is sent."""
        account = self._sender(sender, name)
        with self._decoded():
            self.binding.call(name, *args, sender=account.address)
            return self.binding.transact(name, *args, sender=account)

    def _sender(self, sender: Account | None, action: str) -> Account:
        account = sender or self.sender
        if account is None:
            raise ConfigurationError(f"{type(self).__name__}.{action}: no sender given")
        return account

    def _events(self, name: str, receipt: Receipt) -> list[dict[str, Any]]:
        return self.binding.events(name, receipt)

    @contextmanager
    def _decoded(self) -> Iterator[None]:
        try:
            yield
        except TransactionReverted as error:
            decoded = error_decoder().decode(error.data)
            raise from_revert(self.CONTRACT, decoded, error.data, error.tx_hash) from error


AddressLike = Account | Driver | str
"""An account, a driven contract, or an address as a hex string (EIP-55 checksummed when
mixed-case)."""
