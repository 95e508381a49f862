"""The collateral vault: haircuts, fresh prices, margin calls, cure, liquidation, pledges."""

from __future__ import annotations

import pytest
from tests.conftest import Onboard
from tests.lifecycle.conftest import BlockingCash

from permledger import errors
from permledger.binding import encode
from permledger.chain import Account
from permledger.deployment.config import CURE_WINDOW
from permledger.drivers.base import artifact
from permledger.drivers.collateral_vault import CollateralVault, MarginState
from permledger.drivers.erc20 import ERC20
from permledger.drivers.price_feed import PRICE_SCALE, PriceFeed
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain

HOUR = 3600
MAX_AGE = HOUR


@pytest.fixture
def bond(chain: LocalChain, issuer: Account) -> ERC20:
    """An ERC-7246 asset (pledged in place), 10^9 units, the issuer holding them all."""
    built = artifact("EncumberableERC20")
    return ERC20(chain, chain.deploy(issuer, built.bytecode + encode(["uint256"], [10**9])))


@pytest.fixture
def posted(
    vault: CollateralVault,
    feed: PriceFeed,
    cash: BlockingCash,
    bond: ERC20,
    chain: LocalChain,
    issuer: Account,
) -> Account:
    """bob posts 1,000 cash (haircut 2%) and 100 bonds at 10.00 (haircut 20%): value 980 + 800;
    his requirement is 1,500."""
    bob = chain.accounts["bob"]
    cash.transfer(bob, 10_000)
    bond.transfer(bob, 1_000, sender=issuer)
    vault.list_asset(cash, haircut_bps=200, max_price_age=MAX_AGE)
    vault.list_asset(bond, haircut_bps=2_000, max_price_age=MAX_AGE)
    feed.set_price(cash, PRICE_SCALE)
    feed.set_price(bond, 10 * PRICE_SCALE)
    vault.set_requirement(bob, 1_500)
    cash.approve(vault.address, 2**256 - 1, sender=bob)
    bond.approve(vault.address, 2**256 - 1, sender=bob)
    vault.deposit(cash, 1_000, sender=bob)
    vault.deposit(bond, 100, sender=bob)
    return bob


def test_value_is_after_haircuts_and_pledged_units_stay_with_the_owner(
    vault: CollateralVault, cash: BlockingCash, bond: ERC20, posted: Account
) -> None:
    status = vault.margin_status(posted)
    assert (status.value, status.requirement, status.state) == (1_780, 1_500, MarginState.COVERED)
    assert cash.balance_of(vault.address) == 1_000
    assert bond.balance_of(posted) == 1_000  # encumbered, not moved
    assert bond.balance_of(vault.address) == 0
    assert vault.asset_config(bond).encumbered
    assert not vault.asset_config(cash).encumbered


def test_withdraw_takes_only_the_excess(
    vault: CollateralVault, cash: BlockingCash, posted: Account, chain: LocalChain
) -> None:
    vault.withdraw(cash, 280, sender=posted)  # 720 * 0.98 + 800 = 1,505.6 -> 1,505
    with pytest.raises(errors.VaultWithdrawalExceedsExcess) as raised:
        vault.withdraw(cash, 10, sender=posted)
    assert raised.value.arguments["requirement"] == 1_500
    assert vault.position(posted, cash) == 720


def test_stale_price_blocks_withdrawal_and_sends_nothing(
    vault: CollateralVault, cash: BlockingCash, bond: ERC20, posted: Account, chain: LocalChain
) -> None:
    chain.advance_time(MAX_AGE + 1)
    block = chain.block_number
    with pytest.raises(errors.VaultPriceStale) as raised:
        vault.withdraw(cash, 1, sender=posted)
    assert raised.value.arguments["maxPriceAge"] == MAX_AGE
    assert chain.block_number == block
    assert vault.margin_status(posted).state is MarginState.STALE


def test_margin_call_cure_by_top_up(
    vault: CollateralVault, feed: PriceFeed, cash: BlockingCash, bond: ERC20, posted: Account
) -> None:
    with pytest.raises(errors.VaultMarginSufficient):
        vault.margin_call(posted)
    feed.set_price(bond, 5 * PRICE_SCALE)  # bonds now worth 400: value 1,380
    deadline = vault.margin_call(posted)
    status = vault.margin_status(posted)
    assert (status.state, status.call_deadline) == (MarginState.CALLED, deadline)
    with pytest.raises(errors.VaultMarginCallOpen):
        vault.margin_call(posted)
    vault.deposit(cash, 200, sender=posted)  # 1,200 * 0.98 + 400 = 1,576
    assert vault.margin_status(posted).call_deadline == 0


def test_liquidation_after_the_deadline_moves_collateral_to_the_recipient(
    vault: CollateralVault,
    feed: PriceFeed,
    cash: BlockingCash,
    bond: ERC20,
    posted: Account,
    chain: LocalChain,
) -> None:
    buyer = chain.accounts["carol"]
    feed.set_price(bond, 5 * PRICE_SCALE)
    vault.margin_call(posted)
    with pytest.raises(errors.VaultCureWindowOpen):
        vault.liquidate(posted, bond, 50, recipient=buyer)
    chain.advance_time(CURE_WINDOW + 1)
    feed.set_price(cash, PRICE_SCALE)
    with pytest.raises(errors.VaultPriceStale):
        vault.liquidate(posted, bond, 50, recipient=buyer)
    feed.set_price(bond, 5 * PRICE_SCALE)
    vault.liquidate(posted, bond, 50, recipient=buyer)
    assert bond.balance_of(buyer) == 50
    assert bond.balance_of(posted) == 950
    status = vault.margin_status(posted)
    # 250 of market value applied: requirement 1,250; value 980 + 200 = 1,180, still short.
    assert (status.requirement, status.value) == (1_250, 1_180)
    assert status.state is MarginState.LIQUIDATABLE
    vault.liquidate(posted, cash, 100, recipient=buyer)
    assert cash.balance_of(buyer) == 100
    status = vault.margin_status(posted)
    assert (status.requirement, status.value) == (1_150, 882 + 200)
    feed.set_price(bond, 10 * PRICE_SCALE)  # bonds recover: 882 + 400 covers 1,150
    with pytest.raises(errors.VaultMarginSufficient):
        vault.liquidate(posted, bond, 1, recipient=buyer)
    vault.cure(posted, sender=buyer)
    assert vault.margin_status(posted).state is MarginState.COVERED


def test_only_the_clearing_agent_calls_and_liquidates(
    vault: CollateralVault, posted: Account, chain: LocalChain, cash: BlockingCash
) -> None:
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        vault.margin_call(posted, sender=posted)
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        vault.liquidate(posted, cash, 1, recipient=posted, sender=posted)


def test_bad_deposits_and_listings_are_refused(
    vault: CollateralVault, cash: BlockingCash, posted: Account, ledger: Ledger
) -> None:
    with pytest.raises(errors.VaultAssetNotListed):
        vault.deposit(ledger.token, 1, sender=posted)
    with pytest.raises(errors.VaultAmountInvalid):
        vault.deposit(cash, 0, sender=posted)
    with pytest.raises(errors.VaultAmountInvalid):
        vault.withdraw(cash, 1_001, sender=posted)
    with pytest.raises(errors.InvalidInput):
        vault.list_asset(cash, haircut_bps=10_000, max_price_age=1)
    with pytest.raises(errors.VaultAssetConfigInvalid):
        vault.list_asset(cash, haircut_bps=0, max_price_age=0)


def test_margin_statuses_cover_every_account(
    vault: CollateralVault, posted: Account, chain: LocalChain
) -> None:
    vault.set_requirement(chain.accounts["dave"], 10)
    statuses = {s.account: s.state for s in vault.margin_statuses()}
    assert statuses == {
        posted.address: MarginState.COVERED,
        chain.accounts["dave"].address: MarginState.SHORT,
    }


def test_liquidation_seizes_securities_pledged_in_place_to_registered_wallets_only(
    vault: CollateralVault,
    feed: PriceFeed,
    ledger: Ledger,
    onboard: Onboard,
    chain: LocalChain,
    issuer: Account,
) -> None:
    """Every unit alice holds is pledged: the token calls none of them free, yet the vault spends
    its own encumbrance, so liquidation reaches a registered buyer and never a stranger (a finding
    of the settlement state machine)."""
    token = ledger.token
    alice, bob, stranger = (chain.accounts[n] for n in ("alice", "bob", "frank"))
    onboard(alice)
    onboard(bob)
    token.mint(alice, 100, sender=issuer)
    vault.list_asset(token, haircut_bps=2_000, max_price_age=MAX_AGE)
    feed.set_price(token, 10 * PRICE_SCALE)
    token.approve(vault.address, 100, sender=alice)
    vault.deposit(token, 100, sender=alice)  # worth 800 after the haircut
    assert (token.balance_of(alice), token.available_balance_of(alice)) == (100, 0)
    vault.set_requirement(alice, 900)
    vault.margin_call(alice)
    chain.advance_time(CURE_WINDOW + 1)
    feed.set_price(token, 10 * PRICE_SCALE)
    with pytest.raises(errors.VaultRecipientRejected):
        vault.liquidate(alice, token, 50, recipient=stranger)
    vault.liquidate(alice, token, 50, recipient=bob)
    assert (token.balance_of(alice), token.balance_of(bob)) == (50, 50)
    assert (vault.position(alice, token), token.encumbrances(alice, vault.address)) == (50, 50)
