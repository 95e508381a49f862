"""Securities pledged to the collateral vault across a split of their token.

A pledge stays in the owner's wallet, encumbered to the vault; the vault reads it back from the
token, so a split changes the position at once, rounded as the token rounds. A price posted before
the split is per old unit: it blocks every decision until the feeder posts one in the new units.
"""

from __future__ import annotations

import pytest
from tests.conftest import Onboard

from permledger import errors
from permledger.chain import Account
from permledger.deployment.config import CURE_WINDOW
from permledger.drivers import EntitlementToken
from permledger.drivers.collateral_vault import CollateralVault, MarginState
from permledger.drivers.price_feed import PRICE_SCALE, PriceFeed
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain

HAIRCUT_BPS = 2_000
MAX_AGE = 3_600


@pytest.fixture
def alice(chain: LocalChain, onboard: Onboard) -> Account:
    account = chain.accounts["alice"]
    onboard(account)
    return account


@pytest.fixture
def pledged(
    ledger: Ledger, vault: CollateralVault, feed: PriceFeed, alice: Account, issuer: Account
) -> EntitlementToken:
    """alice holds 120 units and pledges 101 of them at a price of 10 (value 808)."""
    token = ledger.token
    token.mint(alice, 120, sender=issuer)
    vault.list_asset(token, haircut_bps=HAIRCUT_BPS, max_price_age=MAX_AGE)
    feed.set_price(token, 10 * PRICE_SCALE)
    token.approve(vault.address, 101, sender=alice)
    vault.deposit(token, 101, sender=alice)
    return token


def test_an_entitlement_token_is_listed_as_an_asset_that_splits(
    vault: CollateralVault, pledged: EntitlementToken
) -> None:
    config = vault.asset_config(pledged)
    assert (config.encumbered, config.restricted, config.splits) == (True, True, True)


def test_a_forward_split_doubles_the_pledge_and_blocks_until_a_new_price(
    vault: CollateralVault,
    feed: PriceFeed,
    pledged: EntitlementToken,
    alice: Account,
    issuer: Account,
    chain: LocalChain,
) -> None:
    vault.set_requirement(alice, 700)
    pledged.split(2, 1, sender=issuer)
    assert vault.position(alice, pledged) == pledged.encumbrances(alice, vault.address) == 202

    # The price is per old unit: 202 units at 10 would be worth twice what is pledged.
    status = vault.margin_status(alice)
    assert (status.fresh, status.state) == (False, MarginState.STALE)
    with pytest.raises(errors.VaultPriceBeforeSplit) as raised:
        vault.withdraw(pledged, 100, sender=alice)
    assert raised.value.arguments["splitTime"] == pledged.last_split_time() != 0
    with pytest.raises(errors.VaultPriceBeforeSplit):
        vault.withdraw(pledged, 202, sender=alice)  # the whole pledge waits for a price too
    with pytest.raises(errors.VaultPriceBeforeSplit):
        vault.margin_call(alice)
    assert vault.position(alice, pledged) == 202

    chain.advance_time(1)
    feed.set_price(pledged, 5 * PRICE_SCALE)
    assert vault.margin_status(alice).value == 202 * 5 * 8 // 10  # 808, as before the split
    vault.withdraw(pledged, 27, sender=alice)  # 175 * 4 = 700 left
    with pytest.raises(errors.VaultWithdrawalExceedsExcess):
        vault.withdraw(pledged, 1, sender=alice)
    vault.set_requirement(alice, 0)
    vault.withdraw(pledged, 175, sender=alice)
    assert pledged.encumbrances(alice, vault.address) == 0
    assert pledged.available_balance_of(alice) == pledged.balance_of(alice) == 240


def test_a_reverse_split_rounds_the_pledge_down_and_liquidation_takes_all_of_it(
    vault: CollateralVault,
    feed: PriceFeed,
    pledged: EntitlementToken,
    alice: Account,
    issuer: Account,
    chain: LocalChain,
    onboard: Onboard,
) -> None:
    buyer = chain.accounts["bob"]
    onboard(buyer)
    pledged.split(1, 2, sender=issuer)
    chain.advance_time(1)
    feed.set_price(pledged, 20 * PRICE_SCALE)
    # 101 units become 50 (the token rounds each pledge down, like each wallet).
    assert vault.position(alice, pledged) == pledged.encumbrances(alice, vault.address) == 50
    assert vault.margin_status(alice).value == 50 * 20 * 8 // 10
    vault.set_requirement(alice, 900)
    vault.margin_call(alice)
    chain.advance_time(CURE_WINDOW + 1)
    feed.set_price(pledged, 20 * PRICE_SCALE)
    with pytest.raises(errors.VaultAmountInvalid):
        vault.liquidate(alice, pledged, 51, recipient=buyer)
    vault.liquidate(alice, pledged, 50, recipient=buyer)
    assert (pledged.balance_of(alice), pledged.balance_of(buyer)) == (10, 50)
    assert vault.position(alice, pledged) == pledged.encumbrances(alice, vault.address) == 0
    assert vault.margin_status(alice).requirement == 0  # 50 units at 20 covered all 900
