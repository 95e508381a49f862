"""anvil (Foundry's development node) as a second development chain: the process and its controls.

`AnvilNode` runs anvil on 127.0.0.1 on a free port and stops it by its process id.
`AnvilChain` is an `RpcChain` that is also a `DevChain`: the same named, funded accounts as
`LocalChain` (the same keys), snapshots (`evm_snapshot`/`evm_revert`), and a clock that moves one
second per block unless moved (`anvil_setBlockTimestampInterval`, `evm_setNextBlockTimestamp`).
Calls run against the pending block, so they see the next block's number and time, as on
`LocalChain`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

from eth_keys.datatypes import PrivateKey

from permledger.chain import DEFAULT_BALANCE, Account
from permledger.errors import ConfigurationError
from permledger.local_chain import NAMED_ACCOUNTS, account_key
from permledger.rpc_chain import NodeUnavailable, RpcChain, RpcSettings

ANVIL_CHAIN_ID = 31337
"""anvil's default chain id."""

_START_TIMEOUT = 10.0


def anvil_binary() -> str:
    """Where anvil is: `ANVIL_BINARY`, then PATH, then the repository's node_modules.

    Raises:
        ConfigurationError: anvil is not installed (`npm ci` installs it).
    """
    candidates = [os.environ.get("ANVIL_BINARY"), shutil.which("anvil")]
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidates.append(str(root / "node_modules" / ".bin" / "anvil"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ConfigurationError("anvil not found: run `npm ci` (or set ANVIL_BINARY)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class AnvilNode:
    """An anvil process on 127.0.0.1 (Prague, as the in-process EVM), stopped by its pid."""

    def __init__(
        self,
        *,
        chain_id: int = ANVIL_CHAIN_ID,
        automine: bool = True,
        extra_args: Sequence[str] = (),
    ) -> None:
        """Describe the node; `start` (or `with`) runs it."""
        self.chain_id = chain_id
        self.automine = automine
        self.extra_args = tuple(extra_args)
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The node's HTTP JSON-RPC URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The anvil process id.

        Raises:
            ConfigurationError: not running.
        """
        if self._process is None:
            raise ConfigurationError("anvil is not running")
        return self._process.pid

    def start(self) -> Self:
        """Start anvil and wait until it answers (a few tries if a port is taken meanwhile).

        Raises:
            ConfigurationError: anvil is missing or did not start.
        """
        binary = anvil_binary()
        for _ in range(3):
            self.port = free_port()
            command = [
                binary,
                "--host", "127.0.0.1",
                "--port", str(self.port),
                "--hardfork", "prague",
                "--chain-id", str(self.chain_id),
                "--silent",
                *(() if self.automine else ("--no-mining",)),
                *self.extra_args,
            ]  # fmt: skip
            self._process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if self._wait_ready():
                return self
            self.stop()
        raise ConfigurationError(f"anvil did not start ({binary})")

    def _wait_ready(self) -> bool:
        probe = RpcChain(self.url, settings=RpcSettings(retries=0, request_timeout=1.0))
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            try:
                probe.request("eth_chainId")
                return True
            except NodeUnavailable:
                time.sleep(0.02)
        return False

    def stop(self) -> None:
        """Stop anvil by its process id: SIGTERM, then SIGKILL if it lingers."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def dev_account(name: str) -> Account:
    """The named development account `LocalChain` also has (public key: never on a real network)."""
    key = PrivateKey(account_key(name))
    return Account(name, key.public_key.to_checksum_address(), key.to_bytes())


class AnvilChain(RpcChain):
    """An anvil node driven as a development chain with `LocalChain`'s named accounts."""

    def __init__(
        self,
        url: str,
        *,
        names: Sequence[str] = NAMED_ACCOUNTS,
        balance: int = DEFAULT_BALANCE,
        settings: RpcSettings | None = None,
    ) -> None:
        """Connect, fund each of `names` with `balance` wei and make blocks one second apart."""
        super().__init__(
            url,
            settings=settings
            or RpcSettings(poll_interval=0.01, call_block="pending", retries=1, backoff=0.1),
        )
        self._snapshots: dict[int, str] = {}
        self._snapshot_count = 0
        self.request("anvil_setBlockTimestampInterval", [1])
        for name in names:
            self.create_account(name, balance=balance)

    def create_account(self, name: str, *, balance: int = DEFAULT_BALANCE) -> Account:
        """Sign for the named development account and set its balance.

        Raises:
            ValueError: the name is taken.
        """
        if name in self.accounts:
            raise ValueError(f"account {name!r} already exists")
        account = dev_account(name)
        self.add_account(account)
        self.request("anvil_setBalance", [account.address, hex(balance)])
        return account

    def snapshot(self) -> int:
        """Remember the current state; returns an id for `revert`."""
        snapshot_id = self._snapshot_count
        self._snapshot_count += 1
        self._snapshots[snapshot_id] = self.request("evm_snapshot")
        return snapshot_id

    def revert(self, snapshot_id: int) -> None:
        """Return to a snapshot; it stays usable (anvil's is spent, so it is taken again).

        Raises:
            KeyError: unknown snapshot id, or one that an earlier revert discarded.
        """
        if not self.request("evm_revert", [self._snapshots[snapshot_id]]):
            raise KeyError(snapshot_id)
        self._snapshots[snapshot_id] = self.request("evm_snapshot")
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
        pending = self.request("eth_getBlockByNumber", ["pending", False])
        return int(pending["timestamp"], 16)

    def set_time(self, timestamp: int) -> None:
        """Set the next block's timestamp.

        Raises:
            ValueError: not after the latest block's timestamp.
        """
        latest = self.timestamp
        if timestamp <= latest:
            raise ValueError(f"timestamp {timestamp} is not after the latest block's {latest}")
        self.request("evm_setNextBlockTimestamp", [timestamp])

    def advance_time(self, seconds: int) -> None:
        """Move the next block's timestamp forward by `seconds`.

        Raises:
            ValueError: `seconds` is negative.
        """
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.set_time(self.next_timestamp + seconds)
