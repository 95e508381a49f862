"""The pytest plugin: one deployed ledger per session, each test isolated by snapshot and revert.

Enable with ``-p permledger.testing`` (or ``pytest_plugins = ["permledger.testing"]``).
Fixtures: ``ledger`` (a deployed system, reverted after each test), ``chain``, ``token``,
``registry``, ``compliance``, ``authority``, ``cash`` (the stablecoin) and the named actors
``deployer``, ``issuer``, ``agent``, ``officer`` (compliance officer), ``pauser``, ``upgrader``,
``master_minter``, ``minter`` (may mint on the stablecoin), ``blacklister``, ``rescuer``,
``alice``, ``bob``, ``carol``, ``dave``; ``anvil_node``, a fresh anvil process per test (stopped
by its pid).

``--backend anvil`` runs the same tests against an anvil node over JSON-RPC instead of the
in-process EVM: one anvil per session, each test isolated by ``evm_snapshot``/``evm_revert``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from permledger.anvil import AnvilChain, AnvilNode
from permledger.chain import Account, DevChain
from permledger.drivers import (
    EntitlementToken,
    IdentityRegistry,
    PermledgerAuthority,
    Stablecoin,
    TransferCompliance,
)
from permledger.ledger import Ledger, deploy_system
from permledger.local_chain import LocalChain
from permledger.types import TokenSpec

BACKENDS = ("local", "anvil")
"""Chains the fixtures can run on: the in-process EVM, or anvil over JSON-RPC."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--backend``: the chain under the fixtures."""
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default="local",
        help="chain the ledger fixtures run on (default: the in-process EVM)",
    )


@pytest.fixture(scope="session")
def _session_ledger(request: pytest.FixtureRequest) -> Iterator[Ledger]:
    if request.config.getoption("--backend") == "local":
        yield Ledger.local()
        return
    with AnvilNode() as node:
        yield deploy_system(AnvilChain(node.url), TokenSpec())


@pytest.fixture
def anvil_node() -> Iterator[AnvilNode]:
    """A fresh anvil on 127.0.0.1 on a free port, stopped by its process id after the test."""
    with AnvilNode() as node:
        yield node


@pytest.fixture
def ledger(_session_ledger: Ledger) -> Iterator[Ledger]:
    """The session's ledger; every change a test makes is reverted after it."""
    chain = _session_ledger.chain
    assert isinstance(chain, LocalChain | AnvilChain)
    tokens = dict(_session_ledger.tokens)
    with chain.isolate():
        yield _session_ledger
    _session_ledger.tokens.clear()
    _session_ledger.tokens.update(tokens)


@pytest.fixture
def chain(ledger: Ledger) -> DevChain:
    """The development chain under the ledger (in-process, or anvil with ``--backend anvil``)."""
    assert isinstance(ledger.chain, LocalChain | AnvilChain)
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
def cash(ledger: Ledger) -> Stablecoin:
    """The stablecoin; the named account ``minter`` may mint on it."""
    return ledger.cash


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
master_minter = _actor("master_minter")
minter = _actor("minter")
blacklister = _actor("blacklister")
rescuer = _actor("rescuer")
alice = _actor("alice")
bob = _actor("bob")
carol = _actor("carol")
dave = _actor("dave")
