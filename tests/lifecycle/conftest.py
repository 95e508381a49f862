"""Fixtures for the lifecycle contracts: a cash token with a blacklist and holders of record."""

from __future__ import annotations

import pytest
from tests.conftest import Onboard

from permledger.binding import ContractBinding, encode
from permledger.chain import Account
from permledger.drivers import EntitlementToken, IdentityRegistry
from permledger.drivers.base import artifact
from permledger.drivers.collateral_vault import CollateralVault
from permledger.drivers.erc20 import ERC20
from permledger.drivers.price_feed import PriceFeed
from permledger.drivers.redemptions import Redemptions
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.types import investor_id

CASH_SUPPLY = 2**100
HOLDINGS = {"alice": 400, "erin": 200, "bob": 300, "carol": 100}
"""Record-date holdings by wallet: alice holds through two wallets (alice and erin)."""
DAY = 24 * 3600


class BlockingCash(ERC20):
    """The test cash token: a plain ERC-20 whose deployer can blacklist accounts."""

    def set_blocked(self, account: Account, blocked: bool) -> None:
        """Blacklist `account` (or lift it), as the deployer."""
        binding = ContractBinding(self.chain, self.address, artifact("BlockingERC20").abi)
        binding.transact("setBlocked", account.address, blocked, sender=self._sender(None, "block"))


@pytest.fixture
def cash(chain: LocalChain, issuer: Account) -> BlockingCash:
    """A 6-decimal cash token; the issuer holds the whole supply and keeps the blacklist."""
    built = artifact("BlockingERC20")
    at = chain.deploy(issuer, built.bytecode + encode(["uint256"], [CASH_SUPPLY]))
    return BlockingCash(chain, at, sender=issuer)


@pytest.fixture
def record_id(
    chain: LocalChain,
    onboard: Onboard,
    registry: IdentityRegistry,
    token: EntitlementToken,
    issuer: Account,
) -> int:
    """alice (wallets alice, erin), bob and carol hold `HOLDINGS`; dave is registered with
    nothing. A record date then passes; its id."""
    accounts = chain.accounts
    for name in ("alice", "bob", "carol", "dave"):
        onboard(accounts[name])
    registry.add_wallet(investor_id("alice"), accounts["erin"])
    token.mint_batch([(accounts[n], units) for n, units in HOLDINGS.items()], sender=issuer)
    record = token.schedule_record_date(chain.next_timestamp, sender=issuer)
    chain.advance_time(60)
    return record


@pytest.fixture
def vault(ledger: Ledger) -> CollateralVault:
    """The system's collateral vault."""
    return ledger.vault


@pytest.fixture
def feed(ledger: Ledger) -> PriceFeed:
    """The price feed the vault values with."""
    return ledger.price_feed


@pytest.fixture
def redemptions(ledger: Ledger) -> Redemptions:
    """The system's redemptions contract."""
    return ledger.redemptions


@pytest.fixture
def fund(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    record_id: int,
) -> int:
    """A fund redeemed in `cash` from the issuer's treasury, maturing in 90 days, with a
    dealing closing in a day; every holder lets the contract lock its units. Returns the cut-off."""
    redemptions.configure_fund(
        token, cash=cash, treasury=issuer, maturity=chain.timestamp + 90 * DAY, sender=issuer
    )
    cash.approve(redemptions.address, 2**255)
    for name in HOLDINGS:
        token.approve(redemptions.address, 2**255, sender=chain.accounts[name])
    cutoff = chain.timestamp + DAY
    redemptions.schedule_dealing(token, cutoff)
    return cutoff
