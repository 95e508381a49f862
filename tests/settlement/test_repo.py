"""Repo through its driver: opening at a haircut, closing at maturity, both remedies, locks."""

from __future__ import annotations

import pytest
from tests.settlement.conftest import USD, Market, MockToken

from permledger import errors
from permledger.chain import Account
from permledger.drivers import IdentityRegistry
from permledger.errors import InvalidInput, SettlementRejected
from permledger.settlement import RepoStatus, RepoTerms, SettlementCode, repurchase_price
from permledger.types import RestrictionCode, investor_id


@pytest.fixture
def repo_market(market: Market) -> Market:
    """The market, with alice holding the 10 USD of repo interest she owes on top."""
    market.cash.mint(market.seller, 10 * USD)
    return market


def _open(m: Market, **overrides: object) -> RepoTerms:
    terms = m.repo_terms(**overrides)
    m.repo.propose(terms, sender=m.buyer)
    m.repo.affirm(terms, sender=m.seller)
    return terms


def test_opening_leg_moves_securities_against_the_value_less_haircut(repo_market: Market) -> None:
    m = repo_market
    terms = m.repo_terms()
    assert terms.purchase_price == m.repo.purchase_price(terms) == 9_800 * USD
    assert m.repo.repo_id(terms) == terms.id
    m.repo.propose(terms, sender=m.buyer)
    before = m.holdings()
    receipt = m.repo.affirm(terms, sender=m.seller)
    after = m.holdings()
    shares, cash = m.shares.address, m.cash.address
    assert after[(shares, "alice")] - before[(shares, "alice")] == -100
    assert after[(shares, "bob")] - before[(shares, "bob")] == 100
    assert after[(cash, "alice")] - before[(cash, "alice")] == 9_800 * USD
    assert after[(cash, "bob")] - before[(cash, "bob")] == -9_800 * USD
    assert m.repo.binding.events("RepoOpened", receipt) == [
        {"repoId": terms.id, "purchasePrice": 9_800 * USD}
    ]
    assert m.repo.repo_state(terms).status == RepoStatus.OPEN


def test_closing_leg_at_maturity_returns_securities_for_the_repurchase_price(
    repo_market: Market,
) -> None:
    m = repo_market
    terms = _open(m)
    m.chain.set_time(terms.maturity)
    before = m.holdings()
    m.repo.close(terms, sender=m.seller)
    after = m.holdings()
    shares, cash = m.shares.address, m.cash.address
    assert after[(shares, "alice")] - before[(shares, "alice")] == 100
    assert after[(cash, "alice")] - before[(cash, "alice")] == -9_810 * USD
    assert after[(cash, "bob")] - before[(cash, "bob")] == 9_810 * USD
    assert m.repo.repo_state(terms).status == RepoStatus.CLOSED
    assert [e.name for e in m.repo.history(terms)] == [
        "RepoProposed",
        "RepoAffirmed",
        "RepoOpened",
        "RepoClosed",
    ]


def test_closing_before_maturity_is_refused(repo_market: Market) -> None:
    m = repo_market
    terms = _open(m)
    with pytest.raises(SettlementRejected) as rejected:
        m.repo.close(terms, sender=m.seller)
    assert rejected.value.state.code == SettlementCode.NOT_DUE
    with pytest.raises(errors.RepoNotDue) as raised:
        m.repo.close(terms, sender=m.seller, precheck=False)
    assert raised.value.arguments == {"repoId": terms.id, "dueAt": terms.maturity}


def test_unpaid_after_grace_the_lender_keeps_the_securities(repo_market: Market) -> None:
    m = repo_market
    terms = _open(m)
    m.chain.set_time(terms.maturity + terms.grace)
    with pytest.raises(errors.RepoNotDue) as early:
        m.repo.claim_securities(terms, sender=m.buyer)
    assert early.value.arguments["dueAt"] == terms.maturity + terms.grace + 1
    m.chain.set_time(terms.maturity + terms.grace + 1)
    with pytest.raises(errors.SettlementNotParty):
        m.repo.claim_securities(terms, sender=m.seller)
    before = m.holdings()
    receipt = m.repo.claim_securities(terms, sender=m.buyer)
    assert m.repo.binding.events("RepoBorrowerDefaulted", receipt) == [{"repoId": terms.id}]
    assert m.holdings() == before  # the lender holds the securities, the borrower the cash
    assert m.repo.repo_state(terms).status == RepoStatus.BORROWER_DEFAULTED
    with pytest.raises(errors.SettlementWrongStatus):
        m.repo.close(terms, sender=m.seller, precheck=False)


def test_late_repayment_before_the_lender_claims_still_closes(repo_market: Market) -> None:
    m = repo_market
    terms = _open(m)
    m.chain.set_time(terms.maturity + terms.grace + 100)
    m.repo.close(terms, sender=m.seller)
    assert m.repo.repo_state(terms).status == RepoStatus.CLOSED


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("revoked allowance", SettlementCode.ALLOWANCE_INSUFFICIENT),
        ("sold the securities", RestrictionCode.INSUFFICIENT_BALANCE),
        ("lender frozen", RestrictionCode.SENDER_FROZEN),
    ],
)
def test_lender_that_cannot_return_lets_the_borrower_keep_the_cash(
    repo_market: Market, registry: IdentityRegistry, fault: str, code: int
) -> None:
    m = repo_market
    terms = _open(m)
    m.chain.set_time(terms.maturity)
    if fault == "revoked allowance":
        m.shares.approve(m.repo.address, 0, sender=m.buyer)
    elif fault == "sold the securities":
        m.shares.using(m.buyer).transfer(m.third, 100)
    else:
        registry.set_investor_frozen(investor_id("bob"), True)
    assert m.repo.check_closing(terms).security.code == code
    before = m.holdings()
    receipt = m.repo.declare_lender_default(terms, sender=m.seller)
    assert m.repo.binding.events("RepoLenderDefaulted", receipt) == [
        {"repoId": terms.id, "code": code}
    ]
    assert m.holdings() == before
    assert m.repo.repo_state(terms).status == RepoStatus.LENDER_DEFAULTED
    with pytest.raises(errors.SettlementWrongStatus):
        m.repo.claim_securities(terms, sender=m.buyer, precheck=False)


def test_borrower_cannot_declare_default_of_a_lender_ready_to_return(repo_market: Market) -> None:
    m = repo_market
    terms = _open(m)
    m.chain.set_time(terms.maturity)
    with pytest.raises(errors.RepoReturnNotLenderFault) as raised:
        m.repo.declare_lender_default(terms, sender=m.seller)
    assert raised.value.arguments == {"repoId": terms.id, "code": 0}


def test_borrower_cannot_declare_default_for_its_own_ineligibility(
    repo_market: Market, registry: IdentityRegistry
) -> None:
    m = repo_market
    terms = _open(m)
    m.chain.set_time(terms.maturity)
    m.shares.approve(m.repo.address, 0, sender=m.buyer)
    registry.set_investor_frozen(investor_id("alice"), True)
    with pytest.raises(errors.RepoReturnNotLenderFault) as raised:
        m.repo.declare_lender_default(terms, sender=m.seller)
    assert raised.value.arguments["code"] == RestrictionCode.RECEIVER_FROZEN


def test_borrower_that_cannot_pay_cannot_declare_default(repo_market: Market) -> None:
    m = repo_market
    terms = _open(m)
    m.chain.set_time(terms.maturity)
    m.shares.approve(m.repo.address, 0, sender=m.buyer)
    m.cash.approve(m.seller, m.repo.address, 0)
    with pytest.raises(errors.RepoRepaymentNotReady) as raised:
        m.repo.declare_lender_default(terms, sender=m.seller)
    assert raised.value.arguments == {
        "repoId": terms.id,
        "code": SettlementCode.ALLOWANCE_INSUFFICIENT,
    }


def test_venue_proposes_and_the_second_affirmation_opens(
    repo_market: Market, venue: Account
) -> None:
    m = repo_market
    terms = m.repo_terms()
    m.repo.propose(terms, sender=venue)
    m.repo.affirm(terms, sender=m.buyer)
    assert m.repo.repo_state(terms).status == RepoStatus.PROPOSED
    m.repo.affirm(terms, sender=m.seller)
    assert m.repo.repo_state(terms).status == RepoStatus.OPEN


def test_opening_dry_run_names_the_failing_leg(repo_market: Market) -> None:
    m = repo_market
    terms = m.repo_terms(security_amount=5_000)  # alice holds 1,000
    m.repo.propose(terms, sender=m.buyer)
    with pytest.raises(SettlementRejected) as rejected:
        m.repo.affirm(terms, sender=m.seller)
    assert rejected.value.security.code == RestrictionCode.INSUFFICIENT_BALANCE  # type: ignore[union-attr]
    assert rejected.value.cash.ok  # type: ignore[union-attr]
    before = m.holdings()
    with pytest.raises(errors.ComplianceTransferRejected):
        m.repo.affirm(terms, sender=m.seller, precheck=False)
    assert m.holdings() == before
    assert m.repo.repo_state(terms).status == RepoStatus.PROPOSED


# Locks


@pytest.fixture
def bonds(repo_market: Market) -> MockToken:
    token = MockToken.deploy(repo_market.chain, "SettlementLegToken", "Bond", "BND", 0)
    token.mint(repo_market.seller, 1_000)
    for party in (repo_market.seller, repo_market.buyer):
        token.approve(party, repo_market.repo.address)
    return token


def test_return_lock_keeps_the_lenders_securities_until_the_close(
    repo_market: Market, bonds: MockToken
) -> None:
    m = repo_market
    terms = m.repo_terms(security_token=bonds.address)
    m.repo.propose(terms, lock_return=True, sender=m.buyer)
    m.repo.affirm(terms, sender=m.seller)
    assert bonds.encumbrances(m.buyer, m.repo.address) == 100
    assert m.repo.locked_balance(bonds.address, m.buyer) == 100
    with pytest.raises(errors.ERC20InsufficientBalance):
        bonds.transfer(m.buyer, m.third.address, 1)
    m.chain.set_time(terms.maturity)
    bonds.approve(m.buyer, m.repo.address, 0)  # the lock needs no allowance
    m.repo.close(terms, sender=m.buyer)
    assert (bonds.balance_of(m.seller), bonds.balance_of(m.buyer)) == (1_000, 0)
    assert m.repo.locked_balance(bonds.address, m.buyer) == 0


def test_claim_releases_the_return_lock_to_the_lender(
    repo_market: Market, bonds: MockToken
) -> None:
    m = repo_market
    terms = m.repo_terms(security_token=bonds.address)
    m.repo.propose(terms, lock_return=True, sender=m.buyer)
    m.repo.affirm(terms, sender=m.seller)
    m.chain.set_time(terms.maturity + terms.grace + 1)
    m.repo.claim_securities(terms, sender=m.buyer)
    assert bonds.encumbrances(m.buyer, m.repo.address) == 0
    bonds.transfer(m.buyer, m.third.address, 100)  # the lender's to keep


def test_locked_opening_legs_are_released_on_cancel_and_expiry(
    repo_market: Market, bonds: MockToken
) -> None:
    m = repo_market
    cancelled = m.repo_terms(security_token=bonds.address)
    m.repo.propose(cancelled, lock_leg=True, sender=m.seller)
    assert bonds.encumbrances(m.seller, m.repo.address) == 100
    m.repo.cancel(cancelled, sender=m.buyer)
    assert bonds.encumbrances(m.seller, m.repo.address) == 0

    expired = m.repo_terms(security_token=bonds.address)
    m.repo.propose(expired, lock_leg=True, sender=m.seller)  # the lender never affirms
    m.chain.set_time(expired.open_by + 1)
    m.repo.expire(expired, sender=m.third)
    assert bonds.encumbrances(m.seller, m.repo.address) == 0
    assert m.repo.repo_state(expired).status == RepoStatus.EXPIRED


def test_only_the_lender_locks_the_return(repo_market: Market) -> None:
    m = repo_market
    with pytest.raises(errors.RepoReturnLockNotLender):
        m.repo.propose(m.repo_terms(), lock_return=True, sender=m.seller)


# Bad terms


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"haircut_bps": 10_000}, errors.RepoHaircutInvalid, "haircut_bps 10000 exceeds"),
        ({"security_value": 0}, errors.SettlementAmountZero, "above zero"),
        ({"repurchase_price": 0}, errors.SettlementAmountZero, "above zero"),
        ({"maturity": 0}, errors.RepoScheduleInvalid, "must come after"),
    ],
)
def test_invalid_repo_terms_are_refused(
    repo_market: Market, change: dict[str, int], error: type[Exception], message: str
) -> None:
    m = repo_market
    values = dict(change)
    if "maturity" in values:
        values["maturity"] = m.chain.timestamp + 10  # before open_by
    with pytest.raises(InvalidInput, match=message):
        m.repo_terms(**values)
    good = m.repo_terms()
    terms = RepoTerms(**{**{k: getattr(good, k) for k in RepoTerms.__slots__}, **values})
    with pytest.raises(error):
        m.repo.propose(terms, sender=m.buyer, precheck=False)


def test_repurchase_price_from_a_repo_rate() -> None:
    # 9,800 USD at 3.6% for 10 days ACT/360: 9.80 USD of interest.
    assert repurchase_price(9_800 * USD, rate_bps=360, days=10) == 9_809_800_000
    assert repurchase_price(1, rate_bps=1, days=1) == 2  # interest rounds up
    with pytest.raises(InvalidInput):
        repurchase_price(1, rate_bps=1, days=1, basis=252)
