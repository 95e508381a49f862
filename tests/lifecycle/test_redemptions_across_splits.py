"""Redemption requests across a split of the fund's token.

A request for N units made before a split is a request for the same holding after it: N
converted by the split ratio (rounded down), burnt and paid at the NAV per new unit. Nothing
stays encumbered to the contract once a wallet's requests are settled or cancelled.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.lifecycle.conftest import HOLDINGS, BlockingCash

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
    _nothing_held_for(bob, redemptions, token)
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
    _nothing_held_for(bob, redemptions, token)


def test_several_splits_convert_by_their_product_and_never_beyond_the_encumbrance(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    a = chain.accounts
    bob_rid = redemptions.request_redemption(token, 100, sender=a["bob"])
    carol_rid = redemptions.request_redemption(token, 1, sender=a["carol"])
    split = token.split(3, 2, sender=issuer)
    token.split(2, 1, sender=issuer)
    assert redemptions.request(bob_rid).split_record == 0
    assert token.split_factor_since(split) == (6, 2)
    # 100 old units are 300 new ones; the token's entry is 300 too (150, then 300).
    assert redemptions.redeemable_units(bob_rid) == 300
    # 1 old unit is 3 new ones by the product, but the token rounded split by split (1, then 2).
    assert token.encumbrances(a["carol"], redemptions.address) == 2
    assert redemptions.redeemable_units(carol_rid) == 2
    chain.set_time(fund)
    redemptions.publish_nav(token, NAV // 3, fund)
    bob_done, carol_done = redemptions.settle([bob_rid, carol_rid])
    assert (bob_done.units, bob_done.cash_paid) == (300, 99_999_999)
    assert (carol_done.units, carol_done.cash_paid) == (2, 666_666)
    assert (token.balance_of(a["bob"]), token.balance_of(a["carol"])) == (600, 298)
    for name in ("bob", "carol"):
        _nothing_held_for(a[name], redemptions, token)


def test_two_requests_of_odd_units_across_a_reverse_split_leave_nothing_locked(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]
    first = redemptions.request_redemption(token, 75, sender=bob)
    second = redemptions.request_redemption(token, 75, sender=bob)
    token.split(1, 2, sender=issuer)
    assert token.encumbrances(bob, redemptions.address) == 75
    assert redemptions.pending_units(token, bob) == 75  # 150 old units, rounded up
    assert [redemptions.redeemable_units(r) for r in (first, second)] == [37, 37]
    chain.set_time(fund)
    redemptions.publish_nav(token, 2 * NAV, fund)
    (done,) = redemptions.settle([first])
    assert done.units == 37
    assert (
        redemptions.pending_units(token, bob),
        token.encumbrances(bob, redemptions.address),
    ) == (
        38,
        38,
    )
    receipt_units = redemptions.settle([second])
    assert [d.units for d in receipt_units] == [37]
    # The last request releases the unit the per-request roundings left.
    _nothing_held_for(bob, redemptions, token)
    assert token.encumbered_balance_of(bob) == 0
    assert token.balance_of(bob) == 150 - 74
    assert cash.balance_of(bob) == 74 * 2_000_000


def test_cancel_after_a_split_releases_the_converted_units_before_the_cutoff_and_after_the_window(
    redemptions: Redemptions,
    token: EntitlementToken,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]
    early = redemptions.request_redemption(token, 101, sender=bob)
    late = redemptions.request_redemption(token, 100, sender=bob)
    token.split(1, 3, sender=issuer)
    # 201 old units encumbered are 67 new ones; the requests are 33 and 33 (rounded down).
    assert redemptions.cancel_redemption(early, sender=bob) == 33
    assert token.encumbrances(bob, redemptions.address) == 34
    assert redemptions.pending_units(token, bob) == 34
    token.split(2, 1, sender=issuer)
    chain.set_time(fund + SETTLEMENT_WINDOW)
    assert redemptions.redeemable_units(late) == 66
    assert redemptions.cancel_redemption(late, sender=bob) == 66
    _nothing_held_for(bob, redemptions, token)
    assert token.transferable_balance(bob) == token.balance_of(bob) == 200
    assert redemptions.redeemable_units(late) == 0


def test_the_tokens_rounding_shortfall_comes_off_the_wallets_last_settled_request(
    redemptions: Redemptions,
    token: EntitlementToken,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    alice = chain.accounts["alice"]  # holds 400
    rids = [redemptions.request_redemption(token, u, sender=alice) for u in (120, 44, 1)]
    token.split(1, 2, sender=issuer)
    token.split(9, 1, sender=issuer)
    # By the product (9/2) the requests are 540, 198 and 4 units; the token rounded the 165
    # encumbered units split by split (82, then 738), 4 short of their sum.
    assert token.encumbrances(alice, redemptions.address) == 738
    chain.set_time(fund)
    redemptions.publish_nav(token, NAV, fund)
    assert [d.units for d in redemptions.settle(rids)] == [540, 198, 0]
    assert token.balance_of(alice) == 1_800 - 738
    assert token.encumbrances(alice, redemptions.address) == 0


def test_a_nav_published_before_a_split_is_converted_to_the_new_units(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]
    rid = redemptions.request_redemption(token, 120, sender=bob)
    chain.set_time(fund)
    redemptions.publish_nav(token, NAV, fund)  # per old unit
    token.split(4, 1, sender=issuer)
    assert redemptions.nav(token).split_record == 0
    (done,) = redemptions.settle([rid])
    assert (done.units, done.nav_per_unit, done.cash_paid) == (480, NAV // 4, 120 * 1_000_000)
    assert cash.balance_of(bob) == 120 * 1_000_000
    assert token.encumbrances(bob, redemptions.address) == 0


def test_units_a_holder_encumbered_beyond_its_requests_are_released_on_demand(
    redemptions: Redemptions,
    token: EntitlementToken,
    chain: LocalChain,
    issuer: Account,
    fund: int,
) -> None:
    bob = chain.accounts["bob"]
    redemptions.request_redemption(token, 100, sender=bob)
    token.encumber(redemptions.address, 51, sender=bob)
    token.split(1, 2, sender=issuer)
    # 151 old units encumbered are 75 new ones; the request holds 50.
    assert redemptions.release_excess(token, sender=bob) == 25
    assert token.encumbrances(bob, redemptions.address) == 50
    assert redemptions.release_excess(token, sender=bob) == 0
    assert redemptions.pending_units(token, bob) == 50


ratios = st.tuples(st.integers(1, 9), st.integers(1, 9)).filter(lambda r: r[0] != r[1])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    requests=st.lists(
        st.tuples(st.sampled_from(sorted(HOLDINGS)), st.integers(1, 400), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    splits_before=st.lists(ratios, max_size=2),
    splits_after=st.lists(ratios, max_size=2),
)
def test_nothing_stays_encumbered_once_every_request_is_settled_or_cancelled(
    redemptions: Redemptions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    fund: int,
    requests: list[tuple[str, int, bool]],
    splits_before: list[tuple[int, int]],
    splits_after: list[tuple[int, int]],
) -> None:
    """Requests (some cancelled before the cut-off) interleaved with splits, more splits after
    the NAV: each closed request moves at most its converted units, and nothing stays locked."""
    a = chain.accounts
    with chain.isolate():
        made: list[tuple[int, str, bool]] = []
        for k, (name, units, cancel) in enumerate(requests):
            if k < len(splits_before):
                token.split(*splits_before[k], sender=issuer)
            wanted = min(units, token.transferable_balance(a[name]))
            if wanted:
                made.append(
                    (redemptions.request_redemption(token, wanted, sender=a[name]), name, cancel)
                )
        for rid, name, cancel in made:
            if cancel:
                expected = redemptions.redeemable_units(rid)
                assert redemptions.cancel_redemption(rid, sender=a[name]) == expected
        chain.set_time(fund)
        redemptions.publish_nav(token, NAV, fund)
        for ratio in splits_after:
            token.split(*ratio, sender=issuer)
        open_ids = [rid for rid, _, cancel in made if not cancel]
        # The oracle: in settlement order, each request burns its units converted by the product
        # of the splits since, rounded down, at most what its wallet still has encumbered.
        held = {n: token.encumbrances(a[n], redemptions.address) for n in HOLDINGS}
        expected = []
        for rid in open_ids:
            request = redemptions.request(rid)
            name = next(n for n in HOLDINGS if a[n].address == request.wallet)
            expected.append(min(_converted(request.units, token, request.split_record), held[name]))
            held[name] -= expected[-1]
        supply = token.total_supply()
        done = redemptions.settle(open_ids) if open_ids else []
        assert [d.units for d in done] == expected
        assert token.total_supply() == supply - sum(expected)
        nav_now = NAV
        if splits_after:
            numerator, denominator = token.split_factor_since(
                token.last_split_record() - len(splits_after) + 1
            )
            nav_now = NAV * denominator // numerator
        assert all(d.nav_per_unit == nav_now for d in done)
        assert [d.cash_paid for d in done] == [redemption_value(d.units, nav_now) for d in done]
        for name in HOLDINGS:
            assert token.encumbrances(a[name], redemptions.address) == 0
            assert token.encumbered_balance_of(a[name]) == 0
            assert redemptions.pending_units(token, a[name]) == 0


def _converted(units: int, token: EntitlementToken, split_record: int) -> int:
    """`units` after split `split_record` in today's units, rounded down (the oracle)."""
    if split_record == token.last_split_record():
        return units
    numerator, denominator = token.split_factor_since(split_record + 1)
    return units * numerator // denominator


def _nothing_held_for(wallet: Account, redemptions: Redemptions, token: EntitlementToken) -> None:
    """No unit of `wallet` stays encumbered to the contract, and no request of it is pending."""
    assert token.encumbrances(wallet, redemptions.address) == 0
    assert redemptions.pending_units(token, wallet) == 0
