"""The state machine of a repo: every action from every state, allowed or refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.settlement.conftest import USD, Market

from permledger import errors
from permledger.errors import SettlementRejected
from permledger.settlement import RepoStatus, RepoTerms

Setup = Callable[[Market, RepoTerms], None]


def _proposed(m: Market, r: RepoTerms) -> None:
    m.repo.propose(r, sender=m.buyer)


def _open(m: Market, r: RepoTerms) -> None:
    _proposed(m, r)
    m.repo.affirm(r, sender=m.seller)


def _matured(m: Market, r: RepoTerms) -> None:
    _open(m, r)
    m.chain.set_time(r.maturity)


def _overdue(m: Market, r: RepoTerms) -> None:
    _open(m, r)
    m.chain.set_time(r.maturity + r.grace + 1)


def _closed(m: Market, r: RepoTerms) -> None:
    _matured(m, r)
    m.repo.close(r, sender=m.seller)


def _borrower_defaulted(m: Market, r: RepoTerms) -> None:
    _overdue(m, r)
    m.repo.claim_securities(r, sender=m.buyer)


def _lender_defaulted(m: Market, r: RepoTerms) -> None:
    _matured(m, r)
    m.shares.approve(m.repo.address, 0, sender=m.buyer)
    m.repo.declare_lender_default(r, sender=m.seller)
    m.shares.approve(m.repo.address, 2**256 - 1, sender=m.buyer)


def _cancelled(m: Market, r: RepoTerms) -> None:
    _proposed(m, r)
    m.repo.cancel(r, sender=m.buyer)


def _expired(m: Market, r: RepoTerms) -> None:
    _proposed(m, r)
    m.chain.set_time(r.open_by + 1)
    m.repo.expire(r, sender=m.third)


STATES: dict[str, Setup] = {
    "none": lambda m, r: None,
    "proposed": _proposed,
    "open": _open,
    "matured": _matured,
    "overdue": _overdue,
    "closed": _closed,
    "borrower_defaulted": _borrower_defaulted,
    "lender_defaulted": _lender_defaulted,
    "cancelled": _cancelled,
    "expired": _expired,
}

ACTIONS = {
    "propose": lambda m, r, check: m.repo.propose(r, sender=m.buyer, precheck=check),
    "affirm_borrower": lambda m, r, check: m.repo.affirm(r, sender=m.seller, precheck=check),
    "affirm_lender": lambda m, r, check: m.repo.affirm(r, sender=m.buyer, precheck=check),
    "close": lambda m, r, check: m.repo.close(r, sender=m.seller, precheck=check),
    "claim": lambda m, r, check: m.repo.claim_securities(r, sender=m.buyer, precheck=check),
    "declare": lambda m, r, check: m.repo.declare_lender_default(
        r, sender=m.seller, precheck=check
    ),
    "cancel": lambda m, r, check: m.repo.cancel(r, sender=m.buyer, precheck=check),
    "expire": lambda m, r, check: m.repo.expire(r, sender=m.third, precheck=check),
}

Unknown, Exists, Wrong = (
    errors.SettlementUnknown,
    errors.SettlementExists,
    errors.SettlementWrongStatus,
)
Passed, NotPassed, NotDue = (
    errors.SettlementDeadlinePassed,
    errors.SettlementDeadlineNotPassed,
    errors.RepoNotDue,
)
NotLender = errors.RepoReturnNotLenderFault
P, OPEN, C, X = RepoStatus.PROPOSED, RepoStatus.OPEN, RepoStatus.CLOSED, RepoStatus.CANCELLED


def _ended(
    propose: type[errors.ContractRevert],
) -> dict[str, RepoStatus | type[errors.ContractRevert]]:
    return dict.fromkeys(ACTIONS, Wrong) | {"propose": propose}


TABLE: dict[str, dict[str, RepoStatus | type[errors.ContractRevert]]] = {
    "none": {
        "propose": P,
        "affirm_borrower": Unknown,
        "affirm_lender": Unknown,
        "close": Unknown,
        "claim": Unknown,
        "declare": Unknown,
        "cancel": X,
        "expire": Unknown,
    },
    "proposed": {
        "propose": Exists,
        "affirm_borrower": OPEN,
        "affirm_lender": errors.SettlementAlreadyAffirmed,
        "close": Wrong,
        "claim": Wrong,
        "declare": Wrong,
        "cancel": X,
        "expire": NotPassed,
    },
    "open": {
        "propose": Exists,
        "affirm_borrower": Wrong,
        "affirm_lender": Wrong,
        "close": NotDue,
        "claim": NotDue,
        "declare": NotDue,
        "cancel": Wrong,
        "expire": Wrong,
    },
    # Past open_by, terms are refused before the existing record is looked at.
    "matured": _ended(Passed) | {"close": C, "claim": NotDue, "declare": NotLender},
    "overdue": _ended(Passed)
    | {"close": C, "claim": RepoStatus.BORROWER_DEFAULTED, "declare": NotLender},
    "closed": _ended(Passed),
    "borrower_defaulted": _ended(Passed),
    "lender_defaulted": _ended(Passed),
    "cancelled": _ended(Exists),
    "expired": _ended(Passed),
}

CASES = [(state, action) for state in TABLE for action in TABLE[state]]


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_transition(market: Market, state: str, action: str) -> None:
    market.cash.mint(market.seller, 10 * USD)  # the repo interest alice owes on top
    terms = market.repo_terms()
    STATES[state](market, terms)
    expected = TABLE[state][action]
    before_status = market.repo.repo_state(terms).status
    before = market.holdings()

    if isinstance(expected, RepoStatus):
        ACTIONS[action](market, terms, True)
        assert market.repo.repo_state(terms).status == expected
        moved = (before_status, expected) in {(P, OPEN), (OPEN, C)}
        assert (market.holdings() != before) == moved
        return

    block = market.chain.block_number
    with pytest.raises((expected, SettlementRejected)):
        ACTIONS[action](market, terms, True)
    assert market.chain.block_number == block
    with pytest.raises(expected) as refused:
        ACTIONS[action](market, terms, False)
    assert refused.value.arguments.get("repoId", refused.value.arguments.get("id")) == terms.id
    assert market.repo.repo_state(terms).status == before_status
    assert market.holdings() == before
