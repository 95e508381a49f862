"""Stock splits and reverse splits: every amount converted by the ratio, lazily per wallet, with
record dates read in their own units and the rounding remainder going to the issuer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import Onboard
from tests.lifecycle.conftest import HOLDINGS, BlockingCash

from permledger import errors
from permledger.cap_table import CapTable
from permledger.chain import Account
from permledger.drivers import EntitlementToken, IdentityRegistry, TransferCompliance
from permledger.drivers.ballots import Support
from permledger.errors import InvalidInput, TransferRestricted
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.types import InvestorClass, RestrictionCode, Rule, investor_id

DAY = 24 * 3600
ALICE = investor_id("alice")
WALLETS = ("alice", "erin", "bob", "carol")


def balances(
    token: EntitlementToken, chain: LocalChain, names: tuple[str, ...] = WALLETS
) -> dict[str, int]:
    return {n: token.balance_of(chain.accounts[n]) for n in names}


def settle_everyone(token: EntitlementToken, chain: LocalChain) -> None:
    token.settle_splits(
        [chain.accounts[n] for n in (*WALLETS, "dave")], sender=chain.accounts["agent"]
    )


def test_forward_split_doubles_every_balance_before_and_after_settlement(
    token: EntitlementToken, chain: LocalChain, issuer: Account, record_id: int
) -> None:
    split_record = token.split(2, 1, sender=issuer)
    assert token.record_date(split_record) == chain.timestamp  # the split's own block
    assert token.passed_record_dates() == split_record
    expected = {n: 2 * HOLDINGS[n] for n in WALLETS}
    # Views convert wallets not yet settled, so they read the same before and after.
    assert balances(token, chain) == expected
    assert token.total_supply() == 2_000
    assert token.investor_balance(ALICE) == 1_200
    settle_everyone(token, chain)
    assert balances(token, chain) == expected
    assert token.investor_balance(ALICE) == 1_200
    assert token.investor_count() == 3
    assert token.split_remainder() == 0
    # Record dates answer in their own units; the split's own is the last in the old units.
    for record in (record_id, split_record):
        assert token.balance_of_at(chain.accounts["alice"], record) == 400
        assert token.investor_balance_at(ALICE, record) == 600
        assert token.total_supply_at(record) == 1_000
    assert token.split_ratio(split_record) == (2, 1)
    assert token.split_factor_since(record_id) == (2, 1)
    assert token.split_factor_since(split_record) == (2, 1)
    assert token.last_split_record() == split_record


def test_reverse_split_divides_and_a_stale_wallet_is_converted_by_its_transfer(
    token: EntitlementToken, chain: LocalChain, issuer: Account, record_id: int
) -> None:
    split_record = token.split(1, 10, sender=issuer)
    assert balances(token, chain) == {"alice": 40, "erin": 20, "bob": 30, "carol": 10}
    assert token.total_supply() == 100
    bob = chain.accounts["bob"]
    with pytest.raises(TransferRestricted) as rejected:
        token.using(bob).transfer(chain.accounts["carol"], 31)
    assert rejected.value.code == RestrictionCode.INSUFFICIENT_BALANCE
    receipt = token.using(bob).transfer(chain.accounts["carol"], 30)
    settled = token.binding.events("SplitSettled", receipt)
    assert {(e["wallet"], e["balance"]) for e in settled} == {
        (bob.address, 30),
        (chain.accounts["carol"].address, 10),
    }
    assert (token.balance_of(bob), token.balance_of(chain.accounts["carol"])) == (0, 40)
    assert token.balance_of_at(bob, split_record) == 300
    later = token.schedule_record_date(chain.next_timestamp, sender=issuer)
    chain.advance_time(10)
    assert token.balance_of_at(bob, later) == 0
    assert token.balance_of_at(chain.accounts["carol"], later) == 40
    assert token.total_supply_at(later) == 100
    assert token.investor_count() == 2


def test_fractions_round_down_per_wallet_and_the_remainder_goes_to_the_issuer(
    token: EntitlementToken, chain: LocalChain, onboard: Onboard, issuer: Account, record_id: int
) -> None:
    a = chain.accounts
    token.mint(a["dave"], 7, sender=issuer)
    token.mint(a["carol"], 1, sender=issuer)
    token.split(3, 2, sender=issuer)
    # 7 * 1.5 = 10.5 and 101 * 1.5 = 151.5: each wallet rounds down.
    assert (token.balance_of(a["dave"]), token.balance_of(a["carol"])) == (10, 151)
    assert token.total_supply() == 1_512
    assert token.split_remainder() == 0  # no wallet settled yet
    settle_everyone(token, chain)
    assert token.split_remainder() == 1
    held = sum(balances(token, chain, (*WALLETS, "dave")).values())
    assert held == 1_511
    onboard(a["issuer"])
    assert token.claim_split_remainder(a["issuer"], sender=issuer) == 1
    assert token.split_remainder() == 0
    assert token.balance_of(a["issuer"]) == 1
    assert held + 1 == token.total_supply()
    assert token.claim_split_remainder(a["issuer"], sender=issuer) == 0


def test_frozen_locked_and_encumbered_amounts_follow_the_split(
    token: EntitlementToken,
    compliance: TransferCompliance,
    chain: LocalChain,
    issuer: Account,
    agent: Account,
    record_id: int,
) -> None:
    a = chain.accounts
    alice, bob, carol = a["alice"], a["bob"], a["carol"]
    token.set_frozen_tokens(bob, 101, sender=agent)
    token.using(alice).encumber(carol, 51)
    compliance.set_lockup_period(token.address, 3600)
    compliance.set_rules(token.address, Rule.LOCKUP)
    token.mint(carol, 15, sender=issuer)
    assert token.locked_tokens(carol)[0] == 15
    token.split(1, 2, sender=issuer)
    # Before settlement the views convert; the transfer path agrees with them.
    assert token.frozen_tokens(bob) == 50
    assert (token.encumbered_balance_of(alice), token.encumbrances(alice, carol)) == (25, 25)
    assert token.locked_tokens(carol)[0] == 7
    assert token.transferable_balance(bob) == 150 - 50
    assert token.transferable_balance(carol) == 57 - 7
    assert token.detect_transfer_restriction(bob, alice, 101).code == RestrictionCode.BALANCE_FROZEN
    settle_everyone(token, chain)
    assert token.frozen_tokens(bob) == 50
    assert (token.encumbered_balance_of(alice), token.encumbrances(alice, carol)) == (25, 25)
    assert token.locked_tokens(carol)[0] == 7
    assert token.transferable_balance(carol) == 50
    token.using(carol).transfer_from(alice, carol, 25)
    assert (token.encumbered_balance_of(alice), token.encumbrances(alice, carol)) == (0, 0)
    token.using(bob).transfer(alice, 100)
    with pytest.raises(TransferRestricted):
        token.using(bob).transfer(alice, 1)


def test_encumbrance_written_before_a_split_converts_when_released(
    token: EntitlementToken, chain: LocalChain, issuer: Account, record_id: int
) -> None:
    alice, carol = chain.accounts["alice"], chain.accounts["carol"]
    token.using(alice).encumber(carol, 100)
    token.split(2, 1, sender=issuer)
    token.using(carol).release(alice, 150)
    assert (token.encumbered_balance_of(alice), token.encumbrances(alice, carol)) == (50, 50)
    token.using(alice).encumber(carol, 10)
    assert token.encumbrances(alice, carol) == 60


def test_limits_and_breaker_scale_and_views_agree_with_execution(
    token: EntitlementToken,
    compliance: TransferCompliance,
    chain: LocalChain,
    issuer: Account,
    record_id: int,
) -> None:
    a = chain.accounts
    compliance.set_investor_limits(
        token.address, max_investors=10, max_balance_per_investor=700, daily_limit_per_investor=250
    )
    compliance.set_rules(token.address, Rule.MAX_BALANCE | Rule.DAILY_LIMIT)
    token.using(a["bob"]).transfer(a["carol"], 200)  # bob has sent 200 of 250 today
    token.split(2, 1, sender=issuer)
    settings_now = token.rule_settings()
    assert (settings_now.max_balance_per_investor, settings_now.daily_limit_per_investor) == (
        1_400,
        500,
    )
    bob = token.using(a["bob"])
    # bob's volume today is 400 in the new units: 100 more is the limit, 101 is over it.
    assert (
        token.detect_transfer_restriction(a["bob"], a["alice"], 101).code
        == RestrictionCode.DAILY_LIMIT_EXCEEDED
    )
    # alice holds 1,200 across two wallets: 200 more reaches the limit, 201 breaks it.
    assert (
        token.detect_transfer_restriction(a["carol"], a["alice"], 201).code
        == RestrictionCode.MAX_BALANCE_EXCEEDED
    )
    with pytest.raises(TransferRestricted):
        bob.transfer(a["alice"], 101)
    token.using(a["carol"]).transfer(a["alice"], 200)
    bob.transfer(a["carol"], 100)
    assert token.investor_balance(ALICE) == 1_400


@pytest.mark.parametrize(
    ("numerator", "denominator", "error"),
    [
        (0, 1, errors.TokenSplitRatioInvalid),
        (1, 0, errors.TokenSplitRatioInvalid),
        (3, 3, errors.TokenSplitRatioInvalid),
        (-1, 2, InvalidInput),
        (2**32, 1, InvalidInput),
    ],
)
def test_split_rejects_a_bad_ratio_and_sends_nothing(
    token: EntitlementToken,
    chain: LocalChain,
    issuer: Account,
    record_id: int,
    numerator: int,
    denominator: int,
    error: type[Exception],
) -> None:
    block = chain.block_number
    with pytest.raises(error):
        token.split(numerator, denominator, sender=issuer)
    assert chain.block_number == block
    assert token.total_supply() == 1_000
    assert token.last_split_record() == 0


def test_split_rejects_a_pending_record_date_and_a_non_issuer(
    token: EntitlementToken, chain: LocalChain, issuer: Account, record_id: int
) -> None:
    pending = token.schedule_record_date(chain.next_timestamp + 3_600, sender=issuer)
    block = chain.block_number
    with pytest.raises(errors.TokenSplitRecordDatePending) as raised:
        token.split(2, 1, sender=issuer)
    assert raised.value.arguments["recordId"] == pending
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        token.split(2, 1, sender=chain.accounts["alice"])
    assert chain.block_number == block
    with pytest.raises(errors.TokenSplitRemainderWalletInvalid):
        token.claim_split_remainder(chain.accounts["frank"], sender=issuer)


def test_split_rejects_a_supply_that_would_overflow(
    token: EntitlementToken, chain: LocalChain, issuer: Account, record_id: int
) -> None:
    token.mint(chain.accounts["dave"], 2**95, sender=issuer)
    with pytest.raises(errors.TokenSplitSupplyOverflow):
        token.split(2, 1, sender=issuer)


def test_distribution_vote_and_cap_table_at_a_pre_split_record_date(
    ledger: Ledger,
    token: EntitlementToken,
    registry: IdentityRegistry,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    record_id: int,
) -> None:
    a = chain.accounts
    token.split(1, 4, sender=issuer)
    token.using(a["bob"]).transfer(a["dave"], 75)  # bob sold everything after the split
    cash.approve(ledger.distributions.address, 1_000_000)
    dist = ledger.distributions.announce(
        token, record_id=record_id, cash=cash.address, amount=1_000_000,
        claim_deadline=chain.timestamp + 30 * DAY,
    )  # fmt: skip
    assert ledger.distributions.claim(dist, sender=a["bob"]).amount == 300_000
    assert ledger.distributions.claim(dist, sender=a["erin"]).amount == 600_000
    ballots = ledger.ballots
    start = chain.next_timestamp + 60
    proposal = ballots.propose(
        token, record_id=record_id, vote_start=start, vote_end=start + DAY,
        quorum_bps=1_000, uri="ipfs://p", description_hash=bytes(32), sender=issuer,
    )  # fmt: skip
    chain.advance_time(120)
    assert ballots.cast_vote(proposal, Support.FOR, sender=a["alice"]) == 600
    table = CapTable.at(token, registry, record_id)
    assert (table.supply, table.balance_of(ALICE)) == (1_000, 600)
    assert table.split_factor == (1, 4)
    assert table.balance_today(ALICE) == 150


def test_several_splits_keep_each_record_date_in_its_own_units(
    token: EntitlementToken, chain: LocalChain, onboard: Onboard, issuer: Account, record_id: int
) -> None:
    a = chain.accounts
    token.mint(a["dave"], 5, sender=issuer)
    first = token.split(3, 2, sender=issuer)
    token.settle_splits([a["alice"]], sender=a["agent"])  # alice (and erin) settled in between
    token.using(a["bob"]).transfer(a["carol"], 1)  # bob 449, carol 151
    second = token.split(1, 4, sender=issuer)
    assert token.balance_of(a["dave"]) == 1  # 5 -> 7 -> 1
    assert token.balance_of(a["alice"]) == 150
    assert (token.balance_of_at(a["dave"], first), token.balance_of_at(a["dave"], second)) == (5, 7)
    assert token.balance_of_at(a["bob"], second) == 449
    assert token.total_supply_at(second) == 1_507
    assert token.split_factor_since(record_id) == (3, 8)
    settle_everyone(token, chain)
    onboard(a["issuer"])
    token.claim_split_remainder(a["issuer"], sender=issuer)
    every = (*WALLETS, "dave", "issuer")
    assert sum(balances(token, chain, every).values()) == token.total_supply() == 1_507 // 4


def _wallet(chain: LocalChain, name: str) -> Account:
    """A named account without ether (it only receives), created once per session."""
    return chain.accounts.get(name) or chain.create_account(name, balance=0)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    holdings=st.lists(st.integers(0, 10**12), min_size=1, max_size=5),
    numerator=st.integers(1, 12),
    denominator=st.integers(1, 12),
)
def test_floor_conversions_plus_the_claimed_remainder_equal_the_new_supply(
    ledger: Ledger,
    chain: LocalChain,
    issuer: Account,
    holdings: list[int],
    numerator: int,
    denominator: int,
) -> None:
    if numerator == denominator:
        denominator += 1
    token, registry = ledger.token, ledger.registry
    with chain.isolate():
        wallets = [_wallet(chain, f"split-holder-{k}") for k in range(len(holdings))]
        for k, wallet in enumerate(wallets):
            registry.register_investor(
                investor_id(f"split-holder-{k}"), country=840, investor_class=InvestorClass.RETAIL,
                kyc_expiry=chain.timestamp + DAY, wallet=wallet,
            )  # fmt: skip
        registry.register_investor(
            investor_id("split-issuer"), country=840, investor_class=InvestorClass.RETAIL,
            kyc_expiry=chain.timestamp + DAY, wallet=issuer,
        )  # fmt: skip
        token.mint_batch(list(zip(wallets, holdings, strict=True)), sender=issuer)
        supply = sum(holdings)
        token.split(numerator, denominator, sender=issuer)
        assert token.total_supply() == supply * numerator // denominator
        token.settle_splits(wallets, sender=issuer)
        converted = [token.balance_of(w) for w in wallets]
        assert converted == [b * numerator // denominator for b in holdings]
        claimed = token.claim_split_remainder(issuer, sender=issuer)
        assert sum(converted) + claimed == token.total_supply()


def test_a_new_wallet_receiving_after_a_split_settles_its_investor_first(
    token: EntitlementToken,
    compliance: TransferCompliance,
    registry: IdentityRegistry,
    chain: LocalChain,
    issuer: Account,
    record_id: int,
) -> None:
    a = chain.accounts
    compliance.set_investor_limits(
        token.address, max_investors=10, max_balance_per_investor=700, daily_limit_per_investor=0
    )
    compliance.set_rules(token.address, Rule.MAX_BALANCE)
    token.split(2, 1, sender=issuer)
    registry.add_wallet(ALICE, a["frank"])  # a wallet that never held, of a holder not settled
    bob = token.using(a["bob"])
    # alice holds 1,200 of the 1,400 allowed: her position must be converted before it grows.
    assert (
        token.detect_transfer_restriction(a["bob"], a["frank"], 201).code
        == RestrictionCode.MAX_BALANCE_EXCEEDED
    )
    with pytest.raises(TransferRestricted):
        bob.transfer(a["frank"], 201)
    bob.transfer(a["frank"], 200)
    assert token.investor_balance(ALICE) == 1_400
    with pytest.raises(TransferRestricted):
        token.using(a["carol"]).transfer(a["erin"], 1)
