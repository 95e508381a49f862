"""A settlement market on the session ledger: registered parties, securities, cash, approvals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from tests.conftest import Onboard

from permledger.binding import ContractBinding, deploy
from permledger.chain import Account, TransactionReverted
from permledger.drivers import DvPEscrow, EntitlementToken, Repo
from permledger.drivers.base import AddressLike, address, artifact, error_decoder
from permledger.errors import from_revert
from permledger.local_chain import LocalChain
from permledger.settlement import RepoTerms, Trade

HOUR = 3600
DAY = 24 * HOUR
USD = 10**6
MAX = 2**256 - 1
SHARES = 1_000
CASH = 1_000_000 * USD


class MockToken:
    """A test-only ERC-20 (with ERC-7246 encumbrances, pause and blocklist) driven directly."""

    def __init__(self, chain: LocalChain, binding: ContractBinding) -> None:
        self.chain = chain
        self.binding = binding
        self.address = binding.address

    @classmethod
    def deploy(
        cls, chain: LocalChain, contract: str = "SettlementLegToken", *args: Any
    ) -> MockToken:
        """Deploy `contract` (default a 6-decimal "USD" coin) from the deployer."""
        if contract == "SettlementLegToken" and not args:
            args = ("Test Dollar", "USD", 6)
        binding = deploy(chain, artifact(contract), *args, sender=chain.accounts["deployer"])
        return cls(chain, binding)

    def send(self, name: str, *args: Any, sender: Account) -> None:
        try:
            self.binding.transact(name, *args, sender=sender)
        except TransactionReverted as error:
            decoded = error_decoder().decode(error.data)
            raise from_revert("mock", decoded, error.data, error.tx_hash) from error

    def call(self, name: str, *args: Any) -> Any:
        return self.binding.call(name, *args)

    def mint(self, to: AddressLike, value: int) -> None:
        self.send("mint", address(to), value, sender=self.chain.accounts["deployer"])

    def approve(self, owner: Account, spender: AddressLike, value: int = MAX) -> None:
        self.send("approve", address(spender), value, sender=owner)

    def encumber(self, owner: Account, taker: AddressLike, value: int) -> None:
        self.send("encumber", address(taker), value, sender=owner)

    def transfer(self, owner: Account, to: AddressLike, value: int) -> None:
        self.send("transfer", address(to), value, sender=owner)

    def set_paused(self, paused: bool) -> None:
        self.send("setPaused", paused, sender=self.chain.accounts["deployer"])

    def set_blocked(self, account: AddressLike, blocked: bool) -> None:
        self.send("setBlocked", address(account), blocked, sender=self.chain.accounts["deployer"])

    def balance_of(self, owner: AddressLike) -> int:
        return int(self.call("balanceOf", address(owner)))

    def allowance(self, owner: AddressLike, spender: AddressLike) -> int:
        return int(self.call("allowance", address(owner), address(spender)))

    def encumbrances(self, owner: AddressLike, taker: AddressLike) -> int:
        return int(self.call("encumbrances", address(owner), address(taker)))


@dataclass
class Market:
    """Parties, assets and the settlement contracts of one test."""

    chain: LocalChain
    dvp: DvPEscrow
    repo: Repo
    shares: EntitlementToken
    cash: MockToken
    seller: Account
    buyer: Account
    third: Account
    issuer: Account

    def trade(self, **overrides: Any) -> Trade:
        """alice sells 100 shares to bob for 5,000 USD, settling within a day."""
        terms: dict[str, Any] = {
            "seller": self.seller,
            "buyer": self.buyer,
            "security_token": self.shares.address,
            "security_amount": 100,
            "cash_token": self.cash.address,
            "cash_amount": 5_000 * USD,
            "deadline": self.chain.timestamp + DAY,
        }
        return Trade.new(**(terms | overrides))

    def repo_terms(self, **overrides: Any) -> RepoTerms:
        """alice (borrower) repos 100 shares worth 10,000 USD to bob at a 2% haircut for a week."""
        now = self.chain.timestamp
        terms: dict[str, Any] = {
            "borrower": self.seller,
            "lender": self.buyer,
            "security_token": self.shares.address,
            "security_amount": 100,
            "cash_token": self.cash.address,
            "security_value": 10_000 * USD,
            "haircut_bps": 200,
            "repurchase_price": 9_810 * USD,
            "open_by": now + HOUR,
            "maturity": now + 7 * DAY,
            "grace": DAY,
        }
        return RepoTerms.new(**(terms | overrides))

    def holdings(self, *tokens: Any) -> dict[tuple[str, str], int]:
        """Every party's balance of every token (default: shares and cash)."""
        tokens = tokens or (self.shares, self.cash)
        parties = (self.seller, self.buyer, self.third)
        return {(t.address, p.name): t.balance_of(p) for t in tokens for p in parties}


@pytest.fixture
def market(
    chain: LocalChain,
    dvp: DvPEscrow,
    repo: Repo,
    token: EntitlementToken,
    onboard: Onboard,
    issuer: Account,
    alice: Account,
    bob: Account,
    carol: Account,
) -> Market:
    """alice holds 1,000 shares and bob 1,000,000 USD; both approved the escrow and the repo
    contract for everything. carol is registered but holds nothing."""
    for party in (alice, bob, carol):
        onboard(party)
    token.mint(alice, SHARES, sender=issuer)
    cash = MockToken.deploy(chain)
    cash.mint(bob, CASH)
    for owner in (alice, bob):
        for spender in (dvp, repo):
            token.approve(spender.address, MAX, sender=owner)
            cash.approve(owner, spender.address)
    return Market(chain, dvp, repo, token, cash, alice, bob, carol, issuer)


@pytest.fixture
def mock_token(chain: LocalChain) -> Callable[..., MockToken]:
    """Deploy another test-only token."""

    def make(contract: str = "SettlementLegToken", *args: Any) -> MockToken:
        return MockToken.deploy(chain, contract, *args)

    return make
