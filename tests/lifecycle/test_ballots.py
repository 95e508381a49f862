"""Holder votes: one vote per investor with its record-date weight across wallets."""

from __future__ import annotations

import pytest
from tests.lifecycle.conftest import HOLDINGS

from permledger import errors
from permledger.chain import Account
from permledger.drivers import EntitlementToken
from permledger.drivers.ballots import Ballots, ProposalState, Support
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.types import investor_id

HOUR = 3600
ALICE, BOB = investor_id("alice"), investor_id("bob")
SUPPLY = sum(HOLDINGS.values())


@pytest.fixture
def ballots(ledger: Ledger) -> Ballots:
    return ledger.ballots


def propose(
    ballots: Ballots,
    token: EntitlementToken,
    chain: LocalChain,
    record_id: int,
    quorum_bps: int = 5_000,
) -> int:
    start = chain.next_timestamp + HOUR
    return ballots.propose(
        token,
        record_id=record_id,
        vote_start=start,
        vote_end=start + 24 * HOUR,
        quorum_bps=quorum_bps,
        uri="ipfs://agm-2025-resolution-1",
        description_hash=bytes(31) + b"\x01",
    )


@pytest.fixture
def proposal_id(
    ballots: Ballots, token: EntitlementToken, chain: LocalChain, record_id: int
) -> int:
    pid = propose(ballots, token, chain, record_id)
    chain.advance_time(HOUR)
    return pid


def test_propose_records_the_window_and_the_quorum(
    ballots: Ballots, token: EntitlementToken, chain: LocalChain, record_id: int
) -> None:
    pid = propose(ballots, token, chain, record_id, quorum_bps=3_333)
    p = ballots.proposal(pid)
    assert (p.token, p.record_id, p.quorum) == (token.address, record_id, 334)  # rounded up
    assert p.vote_end - p.vote_start == 24 * HOUR
    assert ballots.state(pid) is ProposalState.PENDING


def test_vote_weighs_every_wallet_of_the_investor_once(
    ballots: Ballots, chain: LocalChain, proposal_id: int
) -> None:
    a = chain.accounts
    assert ballots.cast_vote(proposal_id, Support.FOR, sender=a["erin"]) == 600
    assert ballots.has_voted(proposal_id, ALICE)
    with pytest.raises(errors.VoteAlreadyCast) as raised:
        ballots.cast_vote(proposal_id, Support.AGAINST, sender=a["alice"])
    assert raised.value.arguments == {"proposalId": proposal_id, "investorId": ALICE}
    assert ballots.proposal(proposal_id).for_votes == 600


def test_vote_counts_the_record_date_not_the_current_balance(
    ballots: Ballots, token: EntitlementToken, chain: LocalChain, proposal_id: int
) -> None:
    a = chain.accounts
    token.using(a["bob"]).transfer(a["carol"], 300)
    assert ballots.cast_vote(proposal_id, Support.AGAINST, sender=a["bob"]) == 300
    assert ballots.cast_vote(proposal_id, Support.ABSTAIN, sender=a["carol"]) == 100


def test_tally_decides_the_outcome_after_the_window(
    ballots: Ballots, chain: LocalChain, proposal_id: int
) -> None:
    a = chain.accounts
    ballots.cast_vote(proposal_id, Support.FOR, sender=a["alice"])
    ballots.cast_vote(proposal_id, Support.AGAINST, sender=a["bob"])
    assert ballots.state(proposal_id) is ProposalState.ACTIVE
    chain.set_time(ballots.proposal(proposal_id).vote_end)
    p = ballots.proposal(proposal_id)
    assert (p.for_votes, p.against_votes, p.abstain_votes, p.votes_cast) == (600, 300, 0, 900)
    assert ballots.state(proposal_id) is ProposalState.SUCCEEDED


def test_a_proposal_without_quorum_is_defeated(
    ballots: Ballots, token: EntitlementToken, chain: LocalChain, record_id: int
) -> None:
    pid = propose(ballots, token, chain, record_id, quorum_bps=6_500)
    chain.advance_time(HOUR)
    ballots.cast_vote(pid, Support.FOR, sender=chain.accounts["alice"])  # 600 of 650 needed
    chain.set_time(ballots.proposal(pid).vote_end)
    assert ballots.state(pid) is ProposalState.DEFEATED


@pytest.mark.parametrize("when", ["before", "after"])
def test_vote_outside_the_window_reverts_and_sends_nothing(
    ballots: Ballots, token: EntitlementToken, chain: LocalChain, record_id: int, when: str
) -> None:
    pid = propose(ballots, token, chain, record_id)
    p = ballots.proposal(pid)
    if when == "after":
        chain.set_time(p.vote_end)
    block = chain.block_number
    with pytest.raises(errors.VoteNotOpen) as raised:
        ballots.cast_vote(pid, Support.FOR, sender=chain.accounts["alice"])
    assert raised.value.arguments == {
        "proposalId": pid,
        "voteStart": p.vote_start,
        "voteEnd": p.vote_end,
    }
    assert chain.block_number == block
    assert ballots.proposal(pid).for_votes == 0


def test_vote_by_a_non_holder_reverts(
    ballots: Ballots, chain: LocalChain, proposal_id: int
) -> None:
    with pytest.raises(errors.VoteNoWeight):
        ballots.cast_vote(proposal_id, Support.FOR, sender=chain.accounts["dave"])
    with pytest.raises(errors.VoteWalletNotRegistered):
        ballots.cast_vote(proposal_id, Support.FOR, sender=chain.accounts["frank"])


def test_propose_reverts_for_a_record_date_in_the_future(
    ballots: Ballots, token: EntitlementToken, chain: LocalChain, issuer: Account, record_id: int
) -> None:
    future = token.schedule_record_date(chain.timestamp + 24 * HOUR, sender=issuer)
    with pytest.raises(errors.VoteRecordDateNotPassed):
        propose(ballots, token, chain, future)
    assert ballots.proposal_count() == 0


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"quorum_bps": 0}, errors.VoteQuorumInvalid),
        ({"quorum_bps": 10_001}, errors.VoteQuorumInvalid),
        ({"vote_end": 0}, errors.VoteWindowInvalid),
        ({"vote_start": 1}, errors.VoteWindowInvalid),
    ],
)
def test_propose_rejects_bad_parameters(
    ballots: Ballots,
    token: EntitlementToken,
    chain: LocalChain,
    record_id: int,
    change: dict[str, int],
    error: type[Exception],
) -> None:
    params = {
        "record_id": record_id,
        "vote_start": chain.next_timestamp,
        "vote_end": chain.next_timestamp + HOUR,
        "quorum_bps": 5_000,
    } | change
    with pytest.raises(error):
        ballots.propose(token, uri="u", description_hash=bytes(32), **params)


def test_unknown_proposal_and_role_checks(
    ballots: Ballots, token: EntitlementToken, chain: LocalChain, record_id: int, agent: Account
) -> None:
    with pytest.raises(errors.VoteProposalUnknown):
        ballots.cast_vote(9, Support.FOR, sender=chain.accounts["alice"])
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        propose(ballots.using(agent), token, chain, record_id)
