"""Cash distributions: announce and fund once, claims per investor, pushes, holds, reclaim."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.lifecycle.conftest import HOLDINGS, BlockingCash

from permledger import errors
from permledger.cap_table import CapTable, distribution_shares
from permledger.chain import Account
from permledger.drivers import EntitlementToken, IdentityRegistry
from permledger.drivers.distributions import Distributions, HoldReason
from permledger.errors import InvalidInput
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.types import InvestorClass, investor_id

DAY = 24 * 3600
FUNDED = 1_000_000
SUPPLY = sum(HOLDINGS.values())
ALICE, BOB, CAROL, DAVE = (investor_id(n) for n in ("alice", "bob", "carol", "dave"))


@pytest.fixture
def distributions(ledger: Ledger) -> Distributions:
    return ledger.distributions


def announce(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    record_id: int,
    funded: int = FUNDED,
) -> int:
    cash.approve(distributions.address, funded)
    return distributions.announce(
        token,
        record_id=record_id,
        cash=cash.address,
        amount=funded,
        claim_deadline=chain.timestamp + 30 * DAY,
    )


@pytest.fixture
def dist_id(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    record_id: int,
) -> int:
    return announce(distributions, token, cash, chain, record_id)


def test_announce_takes_the_cash_and_records_the_supply(
    distributions: Distributions,
    cash: BlockingCash,
    issuer: Account,
    dist_id: int,
    token: EntitlementToken,
) -> None:
    d = distributions.distribution(dist_id)
    assert (d.funded, d.supply_at_record, d.disbursed, d.held) == (FUNDED, SUPPLY, 0, 0)
    assert d.token == token.address
    assert cash.balance_of(distributions.address) == FUNDED
    assert distributions.distribution_count() == dist_id == 1


def test_claim_pays_the_share_of_all_the_investors_wallets_once(
    distributions: Distributions, cash: BlockingCash, chain: LocalChain, dist_id: int
) -> None:
    a = chain.accounts
    payout = distributions.claim(dist_id, sender=a["erin"])
    assert payout.paid
    assert payout.investor_id == ALICE
    assert payout.amount == FUNDED * 600 // SUPPLY == cash.balance_of(a["erin"])
    with pytest.raises(errors.DistributionAlreadyPaid) as raised:
        distributions.claim(dist_id, sender=a["alice"])
    assert raised.value.arguments == {"distributionId": dist_id, "investorId": ALICE}
    assert cash.balance_of(a["alice"]) == 0


def test_holder_who_sold_after_the_record_date_is_paid_for_the_record_date(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    dist_id: int,
) -> None:
    a = chain.accounts
    token.using(a["bob"]).transfer(a["carol"], 300)
    assert distributions.claim(dist_id, sender=a["bob"]).amount == FUNDED * 300 // SUPPLY
    assert distributions.claim(dist_id, sender=a["carol"]).amount == FUNDED * 100 // SUPPLY


def test_a_rejected_claim_sends_nothing(
    distributions: Distributions, cash: BlockingCash, chain: LocalChain, dist_id: int
) -> None:
    a = chain.accounts
    distributions.claim(dist_id, sender=a["bob"])
    block, balance = chain.block_number, cash.balance_of(distributions.address)
    with pytest.raises(errors.DistributionAlreadyPaid):
        distributions.claim(dist_id, sender=a["bob"])
    assert (chain.block_number, cash.balance_of(distributions.address)) == (block, balance)


def test_claim_reverts_when_the_distribution_was_never_announced(
    distributions: Distributions, chain: LocalChain, record_id: int
) -> None:
    with pytest.raises(errors.DistributionUnknown) as raised:
        distributions.claim(1, sender=chain.accounts["bob"])
    assert raised.value.arguments == {"distributionId": 1}


def test_claim_reverts_after_the_deadline(
    distributions: Distributions, chain: LocalChain, dist_id: int
) -> None:
    deadline = distributions.distribution(dist_id).claim_deadline
    chain.set_time(deadline + 1)
    with pytest.raises(errors.DistributionClaimPeriodOver) as raised:
        distributions.claim(dist_id, sender=chain.accounts["bob"])
    assert raised.value.arguments == {"distributionId": dist_id, "claimDeadline": deadline}


def test_claim_at_the_deadline_still_pays(
    distributions: Distributions, chain: LocalChain, dist_id: int
) -> None:
    chain.set_time(distributions.distribution(dist_id).claim_deadline)
    assert distributions.claim(dist_id, sender=chain.accounts["bob"]).paid


def test_claim_reverts_for_a_registered_investor_who_held_nothing(
    distributions: Distributions, chain: LocalChain, dist_id: int
) -> None:
    with pytest.raises(errors.DistributionNothingOwed) as raised:
        distributions.claim(dist_id, sender=chain.accounts["dave"])
    assert raised.value.arguments["investorId"] == DAVE


def test_claim_reverts_for_an_unregistered_wallet(
    distributions: Distributions, chain: LocalChain, dist_id: int
) -> None:
    with pytest.raises(errors.DistributionWalletNotRegistered):
        distributions.claim(dist_id, sender=chain.accounts["frank"])


def test_announce_reverts_for_a_record_date_in_the_future(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    record_id: int,
) -> None:
    future = token.schedule_record_date(chain.timestamp + DAY, sender=issuer)
    cash.approve(distributions.address, FUNDED)
    with pytest.raises(errors.DistributionRecordDateNotPassed) as raised:
        announce(distributions, token, cash, chain, future)
    assert raised.value.arguments == {"token": token.address, "recordId": future}
    assert cash.balance_of(distributions.address) == 0


def test_announce_reverts_when_nobody_held_at_the_record_date(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
) -> None:
    empty = token.schedule_record_date(chain.next_timestamp, sender=issuer)
    chain.advance_time(10)
    with pytest.raises(errors.DistributionNoHoldersOfRecord):
        announce(distributions, token, cash, chain, empty)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"amount": 0}, errors.DistributionAmountInvalid),
        ({"claim_deadline": 1}, errors.DistributionDeadlineInvalid),
        ({"token": "cash"}, errors.DistributionTokenInvalid),
    ],
)
def test_announce_rejects_bad_parameters(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    record_id: int,
    change: dict[str, object],
    error: type[Exception],
) -> None:
    cash.approve(distributions.address, FUNDED)
    params: dict[str, object] = {
        "record_id": record_id,
        "cash": cash.address,
        "amount": FUNDED,
        "claim_deadline": chain.timestamp + DAY,
    }
    target = cash.address if change.pop("token", None) else token.address
    params.update(change)
    with pytest.raises(error):
        distributions.announce(target, **params)  # type: ignore[arg-type]
    assert distributions.distribution_count() == 0


def test_announce_rejects_an_amount_above_96_bits_before_sending(
    distributions: Distributions, token: EntitlementToken, cash: BlockingCash, chain: LocalChain
) -> None:
    block = chain.block_number
    with pytest.raises(InvalidInput):
        distributions.announce(
            token, record_id=1, cash=cash.address, amount=2**96, claim_deadline=2**39
        )
    assert chain.block_number == block


def test_only_an_issuer_announces(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    record_id: int,
    agent: Account,
) -> None:
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        distributions.using(agent).announce(
            token, record_id=record_id, cash=cash.address, amount=1, claim_deadline=2**39
        )


def test_dust_and_unclaimed_shares_return_after_the_deadline(
    distributions: Distributions,
    token: EntitlementToken,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    record_id: int,
) -> None:
    a = chain.accounts
    funded = 7  # 7 over 1,000 units: alice 4, bob 2, carol 0; 1 unit of dust
    dist = announce(distributions, token, cash, chain, record_id, funded)
    assert distributions.claim(dist, sender=a["alice"]).amount == 4
    assert distributions.claim(dist, sender=a["bob"]).amount == 2
    with pytest.raises(errors.DistributionNothingOwed):
        distributions.claim(dist, sender=a["carol"])
    with pytest.raises(errors.DistributionClaimPeriodOpen):
        distributions.reclaim(dist, issuer)
    chain.set_time(distributions.distribution(dist).claim_deadline + 1)
    before = cash.balance_of(issuer)
    assert distributions.reclaim(dist, issuer) == 1
    assert cash.balance_of(issuer) == before + 1
    assert cash.balance_of(distributions.address) == 0
    with pytest.raises(errors.DistributionNothingToReclaim):
        distributions.reclaim(dist, issuer)


def test_frozen_investor_is_held_past_the_deadline_and_paid_when_released(
    distributions: Distributions,
    registry: IdentityRegistry,
    cash: BlockingCash,
    chain: LocalChain,
    issuer: Account,
    dist_id: int,
) -> None:
    a = chain.accounts
    registry.set_investor_frozen(BOB, True)
    payout = distributions.claim(dist_id, sender=a["bob"])
    share = FUNDED * 300 // SUPPLY
    assert (payout.amount, payout.held) == (share, HoldReason.INVESTOR_FROZEN)
    assert cash.balance_of(a["bob"]) == 0
    assert distributions.owed(dist_id, BOB) == (share, True)
    chain.set_time(distributions.distribution(dist_id).claim_deadline + 1)
    reclaimed = distributions.reclaim(dist_id, issuer)
    assert reclaimed == FUNDED - share
    registry.set_investor_frozen(BOB, False)
    assert distributions.claim(dist_id, sender=a["bob"]).paid
    assert cash.balance_of(a["bob"]) == share
    d = distributions.distribution(dist_id)
    assert (d.held, d.disbursed) == (0, FUNDED)


def test_blacklisted_wallet_is_held_and_a_later_claim_succeeds(
    distributions: Distributions, cash: BlockingCash, chain: LocalChain, dist_id: int
) -> None:
    a = chain.accounts
    cash.set_blocked(a["carol"], True)
    payout = distributions.claim(dist_id, sender=a["carol"])
    assert payout.held is HoldReason.CASH_TRANSFER_FAILED
    assert distributions.distribution(dist_id).held == payout.amount
    cash.set_blocked(a["carol"], False)
    assert distributions.claim(dist_id, sender=a["carol"]).paid
    assert cash.balance_of(a["carol"]) == payout.amount


def test_push_pays_in_batches_skips_the_paid_and_holds_the_frozen(
    distributions: Distributions,
    registry: IdentityRegistry,
    cash: BlockingCash,
    chain: LocalChain,
    agent: Account,
    dist_id: int,
) -> None:
    a = chain.accounts
    distributions.claim(dist_id, sender=a["alice"])
    registry.set_investor_frozen(CAROL, True)
    wallets = [a["erin"], a["bob"], a["carol"], a["dave"]]
    payouts = distributions.using(agent).push(dist_id, wallets, batch_size=2)
    assert [(p.investor_id, p.held) for p in payouts] == [
        (BOB, HoldReason.NONE),
        (CAROL, HoldReason.INVESTOR_FROZEN),
    ]
    assert cash.balance_of(a["bob"]) == FUNDED * 300 // SUPPLY
    assert cash.balance_of(a["erin"]) == 0


def test_push_reverts_for_an_unregistered_wallet_and_pays_nobody(
    distributions: Distributions,
    cash: BlockingCash,
    chain: LocalChain,
    agent: Account,
    dist_id: int,
) -> None:
    a = chain.accounts
    with pytest.raises(errors.DistributionWalletNotRegistered):
        distributions.using(agent).push(dist_id, [a["bob"], a["frank"]])
    assert cash.balance_of(a["bob"]) == 0


def test_push_needs_the_transfer_agent(
    distributions: Distributions, chain: LocalChain, dist_id: int
) -> None:
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        distributions.push(dist_id, [chain.accounts["bob"]])


def test_cap_table_and_calculator_match_the_chain_to_the_unit(
    distributions: Distributions,
    token: EntitlementToken,
    registry: IdentityRegistry,
    cash: BlockingCash,
    chain: LocalChain,
    agent: Account,
    record_id: int,
) -> None:
    funded = 999_999_999_937  # a prime-ish amount: every share rounds
    dist = announce(distributions, token, cash, chain, record_id, funded)
    table = CapTable.at(token, registry, record_id)
    assert {h.investor_id: h.balance for h in table.holdings} == {
        ALICE: 600,
        BOB: 300,
        CAROL: 100,
    }
    expected = table.shares(funded)
    a = chain.accounts
    payouts = distributions.using(agent).push(dist, [a["alice"], a["bob"], a["carol"]])
    assert {p.investor_id: p.amount for p in payouts} == expected
    assert sum(expected.values()) <= funded


def test_distribution_shares_never_exceed_the_funding() -> None:
    shares = distribution_shares(10, {b"a": 1, b"b": 1, b"c": 1}, 3)
    assert shares == {b"a": 3, b"b": 3, b"c": 3}


def _wallet(chain: LocalChain, name: str) -> Account:
    """A named account without ether (it only receives), created once per session."""
    return chain.accounts.get(name) or chain.create_account(name, balance=0)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    holdings=st.lists(
        st.lists(st.integers(0, 10**9), min_size=1, max_size=3), min_size=1, max_size=5
    ),
    funded=st.integers(1, 2**96 - 1),
    sale=st.integers(0, 10**9),
)
def test_payouts_equal_the_calculator_and_never_exceed_the_funding(
    ledger: Ledger,
    chain: LocalChain,
    cash: BlockingCash,
    issuer: Account,
    agent: Account,
    holdings: list[list[int]],
    funded: int,
    sale: int,
) -> None:
    token, registry, distributions = ledger.token, ledger.registry, ledger.distributions
    with chain.isolate():
        wallets: list[list[Account]] = []
        for k, balances in enumerate(holdings):
            owned = [_wallet(chain, f"holder-{k}-{j}") for j in range(len(balances))]
            ident = investor_id(f"holder-{k}")
            registry.register_investor(
                ident,
                country=840,
                investor_class=InvestorClass.RETAIL,
                kyc_expiry=chain.timestamp + DAY,
                wallet=owned[0],
            )
            for w in owned[1:]:
                registry.add_wallet(ident, w)
            wallets.append(owned)
        issues = [
            (w, b)
            for owned, bs in zip(wallets, holdings, strict=True)
            for w, b in zip(owned, bs, strict=True)
            if b
        ]
        if issues:
            token.mint_batch(issues, sender=issuer)
        record = token.schedule_record_date(chain.next_timestamp, sender=issuer)
        chain.advance_time(10)
        supply = sum(map(sum, holdings))
        cash.approve(distributions.address, funded)
        if supply == 0:
            with pytest.raises(errors.DistributionNoHoldersOfRecord):
                announce(distributions, token, cash, chain, record, funded)
            return
        dist = announce(distributions, token, cash, chain, record, funded)
        # A sale after the record date must not change who is paid what.
        seller = wallets[0][0]
        moved = min(sale, holdings[0][0])
        if moved and len(wallets) > 1:
            token.forced_transfer(seller, wallets[1][0], moved, sender=agent)
        payouts = distributions.using(agent).push(dist, [owned[0] for owned in wallets])
        expected = distribution_shares(
            funded, {investor_id(f"holder-{k}"): sum(b) for k, b in enumerate(holdings)}, supply
        )
        assert {p.investor_id: p.amount for p in payouts} == {
            i: s for i, s in expected.items() if s
        }
        paid = sum(p.amount for p in payouts)
        assert paid <= funded
        assert cash.balance_of(distributions.address) == funded - paid
