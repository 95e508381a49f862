"""Fund redemptions at NAV: requests before the cut-off, forward-priced settlement, maturity."""

from __future__ import annotations

import pytest
from tests.lifecycle.conftest import DAY, BlockingCash

from permledger import errors
from permledger.chain import Account
from permledger.drivers import EntitlementToken
from permledger.drivers.redemptions import (
    NAV_SCALE,
    SETTLEMENT_WINDOW,
    Redemptions,
    RequestStatus,
    redemption_value,
)
from permledger.local_chain import LocalChain

NAV = 1_023_456 * NAV_SCALE  # 1.023456 cash (6 decimals) per share


def test_settlement_burns_and_pays_at_the_nav_of_the_dealing(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]
    rid = redemptions.request_redemption(token, 120, sender=bob)
    assert redemptions.pending_units(token, bob) == 120
    assert token.encumbrances(bob, redemptions.address) == 120
    chain.set_time(fund)
    redemptions.publish_nav(token, NAV, fund)
    supply = token.total_supply()
    (done,) = redemptions.settle([rid])
    assert (done.units, done.cash_paid) == (120, redemption_value(120, NAV))
    assert done.cash_paid == 120 * 1_023_456
    assert token.balance_of(bob) == 180
    assert token.total_supply() == supply - 120
    assert cash.balance_of(bob) == done.cash_paid
    assert redemptions.request(rid).status is RequestStatus.SETTLED
    assert redemptions.pending_units(token, bob) == 0
    assert token.encumbered_balance_of(bob) == 0


def test_nav_older_than_the_cutoff_is_rejected_and_nothing_moves(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]
    rid = redemptions.request_redemption(token, 100, sender=bob)
    redemptions.publish_nav(token, NAV, chain.timestamp)  # before the cut-off
    chain.set_time(fund + 10)
    block = chain.block_number
    with pytest.raises(errors.RedemptionNavStale) as raised:
        redemptions.settle([rid])
    assert raised.value.arguments["required"] == fund
    assert chain.block_number == block
    assert (token.balance_of(bob), cash.balance_of(bob)) == (300, 0)


def test_requests_close_at_the_cutoff_and_settle_only_after_it(
    redemptions: Redemptions, token: EntitlementToken, chain: LocalChain, fund: int
) -> None:
    bob = chain.accounts["bob"]
    rid = redemptions.request_redemption(token, 100, sender=bob)
    with pytest.raises(errors.RedemptionCutoffNotReached):
        redemptions.settle([rid])
    chain.set_time(fund)
    with pytest.raises(errors.RedemptionDealingClosed):
        redemptions.request_redemption(token, 1, sender=bob)
    with pytest.raises(errors.RedemptionCutoffPassed):
        redemptions.cancel_redemption(rid, sender=bob)


def test_a_holder_cannot_request_more_than_it_holds_across_requests(
    redemptions: Redemptions, token: EntitlementToken, chain: LocalChain, fund: int
) -> None:
    bob = chain.accounts["bob"]
    redemptions.request_redemption(token, 200, sender=bob)
    with pytest.raises(errors.RedemptionUnitsInvalid) as raised:
        redemptions.request_redemption(token, 101, sender=bob)
    assert raised.value.arguments == {"wallet": bob.address, "units": 101, "available": 100}
    with pytest.raises(errors.RedemptionUnitsInvalid):
        redemptions.request_redemption(token, 0, sender=bob)


def test_cancel_frees_the_units_and_only_the_requester_cancels(
    redemptions: Redemptions, token: EntitlementToken, chain: LocalChain, fund: int
) -> None:
    a = chain.accounts
    rid = redemptions.request_redemption(token, 300, sender=a["bob"])
    with pytest.raises(errors.RedemptionNotRequester):
        redemptions.cancel_redemption(rid, sender=a["alice"])
    redemptions.cancel_redemption(rid, sender=a["bob"])
    assert redemptions.pending_units(token, a["bob"]) == 0
    assert token.encumbrances(a["bob"], redemptions.address) == 0
    with pytest.raises(errors.RedemptionRequestClosed):
        redemptions.cancel_redemption(rid, sender=a["bob"])
    redemptions.request_redemption(token, 300, sender=a["bob"])


def test_requested_units_are_locked_until_settlement(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    agent: Account,
    issuer: Account,
    fund: int,
) -> None:
    a = chain.accounts
    first = redemptions.request_redemption(token, 100, sender=a["alice"])
    second = redemptions.request_redemption(token, 300, sender=a["bob"])
    with pytest.raises(errors.TransferRestricted):
        token.using(a["bob"]).transfer(a["carol"], 1)
    with pytest.raises(errors.TokenAmountEncumbered):
        token.forced_transfer(a["bob"], a["carol"], 1, sender=agent)
    with pytest.raises(errors.TokenAmountEncumbered):
        token.burn(a["bob"], 1, sender=issuer)
    chain.set_time(fund)
    redemptions.publish_nav(token, NAV, fund)
    done = redemptions.settle([first, second])
    assert [(d.wallet, d.units) for d in done] == [
        (a["alice"].address, 100),
        (a["bob"].address, 300),
    ]
    assert (token.balance_of(a["bob"]), token.encumbered_balance_of(a["bob"])) == (0, 0)


def test_a_request_locks_units_the_holder_encumbered_itself_before_its_allowance(
    redemptions: Redemptions, token: EntitlementToken, chain: LocalChain, fund: int
) -> None:
    bob = chain.accounts["bob"]
    token.approve(redemptions.address, 0, sender=bob)
    block = chain.block_number
    with pytest.raises(errors.ERC20InsufficientAllowance):
        redemptions.request_redemption(token, 50, sender=bob)
    assert chain.block_number == block
    token.encumber(redemptions.address, 50, sender=bob)
    redemptions.request_redemption(token, 50, sender=bob)
    assert token.encumbrances(bob, redemptions.address) == 50
    assert redemptions.pending_units(token, bob) == 50


def test_an_unsettled_request_is_released_after_the_settlement_window(
    redemptions: Redemptions, token: EntitlementToken, chain: LocalChain, fund: int
) -> None:
    bob = chain.accounts["bob"]
    rid = redemptions.request_redemption(token, 100, sender=bob)
    chain.set_time(fund + SETTLEMENT_WINDOW - 1)
    with pytest.raises(errors.RedemptionCutoffPassed):
        redemptions.cancel_redemption(rid, sender=bob)
    chain.set_time(fund + SETTLEMENT_WINDOW)
    redemptions.cancel_redemption(rid, sender=bob)
    assert token.encumbrances(bob, redemptions.address) == 0
    assert token.transferable_balance(bob) == 300


def test_mandatory_redemption_at_maturity_in_batches(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    agent: Account,
    fund: int,
) -> None:
    a = chain.accounts
    holders = [a["alice"], a["erin"], a["bob"], a["carol"], a["dave"]]
    maturity = redemptions.fund(token).maturity
    with pytest.raises(errors.RedemptionNotMatured):
        redemptions.redeem_at_maturity(token, holders)
    chain.set_time(maturity)
    redemptions.publish_nav(token, NAV_SCALE * 100, maturity - 1)
    with pytest.raises(errors.RedemptionNavStale):
        redemptions.redeem_at_maturity(token, holders)
    redemptions.publish_nav(token, NAV_SCALE * 100, maturity)
    token.set_frozen_tokens(a["carol"], 40, sender=agent)
    token.encumber(a["dave"], 50, sender=a["erin"])  # e.g. a DvP lock
    done = redemptions.redeem_at_maturity(token, holders, batch_size=2)
    assert [(d.wallet, d.units) for d in done] == [
        (a["alice"].address, 400),
        (a["erin"].address, 150),
        (a["bob"].address, 300),
        (a["carol"].address, 60),
    ]
    # carol's frozen units wait for the transfer agent, erin's encumbered ones for their taker.
    assert token.total_supply() == 90
    assert cash.balance_of(a["bob"]) == 30_000


def test_nav_and_dealing_inputs_are_validated(
    redemptions: Redemptions,
    token: EntitlementToken,
    chain: LocalChain,
    fund: int,
    issuer: Account,
) -> None:
    with pytest.raises(errors.RedemptionNavInvalid):
        redemptions.publish_nav(token, 0, chain.timestamp)
    with pytest.raises(errors.RedemptionNavInvalid):
        redemptions.publish_nav(token, NAV, chain.timestamp + DAY)
    with pytest.raises(errors.RedemptionCutoffInvalid):
        redemptions.schedule_dealing(token, chain.timestamp)
    with pytest.raises(errors.RedemptionFundUnknown):
        redemptions.schedule_dealing(issuer.address, chain.timestamp + DAY)
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        redemptions.using(issuer).publish_nav(token, NAV, chain.timestamp)
