"""The deployment manifest: what is deployed where, written atomically after every step.

A manifest is JSON::

    {
      "format": 1,
      "chain_id": 11155111,
      "network": "sepolia",
      "deployer": "0x...",
      "compiler": {"version": "0.8.30+commit.73712a01", "settings": {...}, "source_hash": "..."},
      "contracts": {
        "authority": {"contract": "PermledgerAuthority", "address": "0x...", "tx_hash": "0x...",
                      "block_number": 123, "code_hash": "0x<keccak of the runtime code>"},
        "identity_registry": {"contract": "ERC1967Proxy", "implementation": "identity_...", ...}
      },
      "steps": {"grant ISSUER to 0x...": {"tx_hash": "0x...", "block_number": 130}},
      "pending": {"step": "...", "tx_hash": "0x...", "nonce": 7, "raw": "0x<signed bytes>"},
      "admin_transfer": {"new_admin": "0x...", "accept_after": 1767225600}
    }

`pending` is the one transaction signed and perhaps sent but not yet recorded: a resumed
deployment looks it up by hash (or re-broadcasts the same signed bytes) before sending anything.
Saving writes a temporary file in the same folder, syncs it and renames it over the manifest
(`os.replace`), so a crash leaves either the old manifest or the new one, never a torn file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils.address import is_hex_address, to_checksum_address

from permledger.errors import ManifestChainMismatch, ManifestCorrupt, ManifestError

FORMAT = 1
"""Version of the manifest layout."""


@dataclass
class Manifest:
    """A deployment's record; `path=None` keeps it in memory (local chains)."""

    chain_id: int
    network: str
    deployer: ChecksumAddress
    compiler: dict[str, Any]
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending: dict[str, Any] | None = None
    admin_transfer: dict[str, Any] | None = None
    path: Path | None = None

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read and check a manifest file.

        Raises:
            ManifestCorrupt: unreadable, not JSON, or a field missing or malformed.
        """
        try:
            data = json.loads(path.read_text())
        except OSError as error:
            raise ManifestCorrupt(f"cannot read manifest {path}: {error.strerror}") from None
        except ValueError as error:
            raise ManifestCorrupt(f"manifest {path} is not JSON: {error}") from None
        try:
            return cls._parse(data, path)
        except (KeyError, TypeError, ValueError) as error:
            raise ManifestCorrupt(f"manifest {path} is malformed: {error}") from None

    @classmethod
    def _parse(cls, data: Any, path: Path) -> Manifest:
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r} is not {FORMAT}")
        chain_id = data["chain_id"]
        if not isinstance(chain_id, int) or isinstance(chain_id, bool):
            raise TypeError("chain_id is not an integer")
        contracts = data["contracts"]
        for name, entry in contracts.items():
            for key in ("contract", "address", "tx_hash", "block_number", "code_hash"):
                if key not in entry:
                    raise KeyError(f"contracts.{name}.{key}")
            _address(entry["address"], f"contracts.{name}.address")
        pending = data.get("pending")
        if pending is not None:
            for key in ("step", "tx_hash", "nonce", "raw"):
                if key not in pending:
                    raise KeyError(f"pending.{key}")
        return cls(
            chain_id=chain_id,
            network=str(data["network"]),
            deployer=_address(data["deployer"], "deployer"),
            compiler=dict(data["compiler"]),
            contracts={k: dict(v) for k, v in contracts.items()},
            steps={k: dict(v) for k, v in data.get("steps", {}).items()},
            pending=pending,
            admin_transfer=data.get("admin_transfer"),
            path=path,
        )

    def check_target(self, chain_id: int, deployer: ChecksumAddress) -> None:
        """Check that this manifest belongs to this chain and this deployer.

        Raises:
            ManifestChainMismatch: it was written for another chain or by another deployer.
        """
        if self.chain_id != chain_id:
            raise ManifestChainMismatch(
                f"manifest {self.path} records a deployment on chain {self.chain_id}, "
                f"but the node is on chain {chain_id}"
            )
        if self.deployer != deployer:
            raise ManifestChainMismatch(
                f"manifest {self.path} was deployed by {self.deployer}, not by {deployer} "
                "(the deployer key given)"
            )

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON data."""
        return {
            "format": FORMAT,
            "chain_id": self.chain_id,
            "network": self.network,
            "deployer": self.deployer,
            "compiler": self.compiler,
            "contracts": self.contracts,
            "steps": self.steps,
            "pending": self.pending,
            "admin_transfer": self.admin_transfer,
        }

    def save(self) -> None:
        """Write the manifest atomically (temporary file, fsync, `os.replace`); no-op in memory."""
        if self.path is None:
            return
        folder = self.path.parent
        temporary = folder / f".{self.path.name}.{os.getpid()}.tmp"
        with temporary.open("w") as out:
            json.dump(self.to_json(), out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(self.path)
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)

    # Queries

    def address(self, name: str) -> ChecksumAddress:
        """The address of the contract recorded as `name`.

        Raises:
            ManifestError: no such contract in the manifest.
        """
        entry = self.contracts.get(name)
        if entry is None:
            raise ManifestError(f"the manifest records no contract {name!r}")
        return to_checksum_address(entry["address"])

    def done(self, key: str) -> bool:
        """Whether the step `key` is recorded as done."""
        return key in self.contracts or key in self.steps

    def addresses(self) -> Mapping[str, ChecksumAddress]:
        """Every recorded contract's address, by name."""
        return {name: to_checksum_address(e["address"]) for name, e in self.contracts.items()}


def _address(value: Any, where: str) -> ChecksumAddress:
    if not isinstance(value, str) or not is_hex_address(value):
        raise ValueError(f"{where} is not an address: {value!r}")
    return to_checksum_address(value)
