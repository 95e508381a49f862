"""The throughput harness runs both paths on the same ERC-20 transfer."""

from __future__ import annotations

from pathlib import Path

from permledger.bench_harness import permledger_tps, web3_default_tps
from permledger.binding import Artifact

TOKEN = Artifact.load(Path(__file__).parent / "fixtures" / "Probe.json")


def test_web3_default_tps_measures_transfers() -> None:
    assert web3_default_tps(TOKEN, constructor_args=(10**24,), transfers=2, rounds=1) > 0


def test_permledger_tps_measures_transfers() -> None:
    assert permledger_tps(TOKEN, constructor_args=(10**24,), transfers=2, rounds=1) > 0
