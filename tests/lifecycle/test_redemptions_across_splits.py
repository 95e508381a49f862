"""Redemption requests across a split of the fund's token.

A request for N units made before a split is a request for the same holding after it: N
converted by the split ratio (rounded down), burnt and paid at the NAV per new unit. Nothing
stays encumbered to the contract once a wallet's requests are settled or cancelled.
"""

from __future__ import annotations

import pytest
from tests.lifecycle.conftest import BlockingCash

from permledger.chain import Account
from permledger.drivers import EntitlementToken
from permledger.drivers.redemptions import NAV_SCALE, Redemptions, RequestStatus
from permledger.local_chain import LocalChain

NAV = 1_000_000 * NAV_SCALE  # 1.000000 cash (6 decimals) per share before any split


def test_a_reverse_split_leaves_the_request_settleable(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]  # holds 300
    rid = redemptions.request_redemption(token, 120, sender=bob)
    token.split(1, 2, sender=issuer)
    assert token.encumbrances(bob, redemptions.address) == 60
    chain.set_time(fund)
    redemptions.publish_nav(token, 2 * NAV, fund)  # per new unit
    (done,) = redemptions.settle([rid])
    assert (done.units, done.cash_paid) == (60, 120 * 1_000_000)
    assert (token.balance_of(bob), cash.balance_of(bob)) == (90, 120 * 1_000_000)
    assert token.encumbrances(bob, redemptions.address) == 0
    assert redemptions.pending_units(token, bob) == 0
    assert redemptions.request(rid).status is RequestStatus.SETTLED


def test_a_forward_split_redeems_the_whole_requested_holding(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]
    rid = redemptions.request_redemption(token, 120, sender=bob)
    token.split(2, 1, sender=issuer)
    chain.set_time(fund)
    redemptions.publish_nav(token, NAV // 2, fund)  # per new unit
    (done,) = redemptions.settle([rid])
    assert (done.units, done.cash_paid) == (240, 120 * 1_000_000)
    assert token.balance_of(bob) == 600 - 240
    assert token.encumbrances(bob, redemptions.address) == 0
    assert redemptions.pending_units(token, bob) == 0
