"""The pytest plugin: one deployed ledger per session, each test isolated by snapshot and revert.

Enable with ``-p permledger.testing`` (or ``pytest_plugins = ["permledger.testing"]``).
Fixtures: ``ledger`` (a deployed system, reverted after each test), ``chain``, ``token``,
``registry``, ``compliance``, ``authority`` and the named actors ``deployer``, ``issuer``,
``agent``, ``officer`` (compliance officer), ``pauser``, ``upgrader``, ``venue``, ``alice``,
``bob``, ``carol``, ``dave``; ``dvp`` and ``repo``, the settlement contracts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from permledger.chain import Account
from permledger.drivers import (
    EntitlementToken,
    IdentityRegistry,
    PermledgerAuthority,
    TransferCompliance,
)
from permledger.drivers.dvp import DvPEscrow
from permledger.drivers.repo import Repo
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain


@pytest.fixture(scope="session")
def _session_ledger() -> Ledger:
    return Ledger.local()


@pytest.fixture
def ledger(_session_ledger: Ledger) -> Iterator[Ledger]:
    """The session's ledger; every change a test makes is reverted after it."""
    chain = _session_ledger.chain
    assert isinstance(chain, LocalChain)
    tokens = dict(_session_ledger.tokens)
    with chain.isolate():
        yield _session_ledger
    _session_ledger.tokens.clear()
    _session_ledger.tokens.update(tokens)


@pytest.fixture
def chain(ledger: Ledger) -> LocalChain:
    """The in-process chain under the ledger."""
    assert isinstance(ledger.chain, LocalChain)
    return ledger.chain


@pytest.fixture
def token(ledger: Ledger) -> EntitlementToken:
    """The ledger's first token."""
    return ledger.token


@pytest.fixture
def registry(ledger: Ledger) -> IdentityRegistry:
    """The identity registry, sending as the compliance officer."""
    return ledger.registry


@pytest.fixture
def compliance(ledger: Ledger) -> TransferCompliance:
    """The compliance contract, sending as the compliance officer."""
    return ledger.compliance


@pytest.fixture
def authority(ledger: Ledger) -> PermledgerAuthority:
    """The authority, sending as the deployer (default admin)."""
    return ledger.authority


@pytest.fixture
def dvp(ledger: Ledger) -> DvPEscrow:
    """The DvP escrow."""
    return ledger.dvp


@pytest.fixture
def repo(ledger: Ledger) -> Repo:
    """The repo contract."""
    return ledger.repo


def _actor(name: str) -> object:
    @pytest.fixture(name="officer" if name == "compliance" else name)
    def fixture(ledger: Ledger) -> Account:
        return ledger.accounts[name]

    fixture.__doc__ = f"The named account {name!r}."
    return fixture


deployer = _actor("deployer")
issuer = _actor("issuer")
agent = _actor("agent")
officer = _actor("compliance")
pauser = _actor("pauser")
upgrader = _actor("upgrader")
venue = _actor("venue")
alice = _actor("alice")
bob = _actor("bob")
carol = _actor("carol")
dave = _actor("dave")
