"""The model-based tests' market: one ledger deployed per module, reset by snapshot."""

from __future__ import annotations

import pytest
from tests.model import profiles  # noqa: F401  (registers and loads the hypothesis profile)
from tests.model.harness import Market

from permledger.ledger import Ledger
from permledger.local_chain import LocalChain

GENESIS = 1_893_456_000 + 20 * 3600
"""2030-01-01 20:00 UTC: fixed so that examples replay at the same times (and UTC days)."""

HOLDERS = 10


@pytest.fixture(scope="module")
def market() -> Market:
    """A freshly deployed ledger with `HOLDERS` funded accounts to hold units."""
    chain = LocalChain(genesis_timestamp=GENESIS)
    ledger = Ledger.local(chain=chain)
    holders = [chain.create_account(f"holder{i}") for i in range(HOLDERS)]
    return Market(ledger, chain, holders, chain.snapshot())
