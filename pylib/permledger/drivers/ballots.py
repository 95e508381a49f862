"""Driver for Ballots: holder votes weighted by record-date balances, tallied on-chain."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from eth_typing import ChecksumAddress

from permledger.chain import Account
from permledger.drivers.base import AddressLike, Driver, address, amount, bytes32


class Support(enum.IntEnum):
    """A vote's direction (IBallots.Support)."""

    AGAINST = 0
    FOR = 1
    ABSTAIN = 2


class ProposalState(enum.IntEnum):
    """Where a proposal stands (IBallots.State)."""

    PENDING = 0
    ACTIVE = 1
    SUCCEEDED = 2
    DEFEATED = 3


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposal and its tally."""

    proposal_id: int
    token: ChecksumAddress
    record_id: int
    quorum: int
    abstain_votes: int
    vote_end: int
    vote_start: int
    for_votes: int
    against_votes: int

    @property
    def votes_cast(self) -> int:
        """Every vote cast, abstentions included (what the quorum counts)."""
        return self.for_votes + self.against_votes + self.abstain_votes


class Ballots(Driver):
    """Creates proposals and casts votes; every action is dry-run first and sends nothing when
    it would revert."""

    CONTRACT = "Ballots"

    def propose(
        self,
        token: AddressLike,
        *,
        record_id: int,
        vote_start: int,
        vote_end: int,
        quorum_bps: int,
        uri: str,
        description_hash: bytes,
        sender: Account | None = None,
    ) -> int:
        """Create a proposal on the holders at a passed record date; its id.

        Raises:
            InvalidInput, VoteTokenInvalid, VoteRecordDateNotPassed, VoteWindowInvalid,
            VoteQuorumInvalid, AccessControlUnauthorizedAccount.
        """
        receipt = self._send_checked(
            "propose",
            address(token, "token"),
            amount(record_id, "record_id", maximum=2**24 - 1),
            amount(vote_start, "vote_start", maximum=2**40 - 1),
            amount(vote_end, "vote_end", maximum=2**40 - 1),
            amount(quorum_bps, "quorum_bps", maximum=2**16 - 1),
            uri,
            bytes32(description_hash, "description_hash"),
            sender=sender,
        )
        return int(self._events("ProposalCreated", receipt)[0]["proposalId"])

    def cast_vote(
        self, proposal_id: int, support: Support, *, sender: Account | None = None
    ) -> int:
        """Vote for the sender's investor with its record-date weight; the weight.

        Raises:
            VoteProposalUnknown, VoteNotOpen, VoteWalletNotRegistered, VoteAlreadyCast,
            VoteNoWeight.
        """
        receipt = self._send_checked("castVote", proposal_id, int(Support(support)), sender=sender)
        return int(self._events("VoteCast", receipt)[0]["weight"])

    def proposal(self, proposal_id: int) -> Proposal:
        """The proposal and its tally.

        Raises:
            VoteProposalUnknown.
        """
        return Proposal(proposal_id, *self._call("proposal", proposal_id))

    def state(self, proposal_id: int) -> ProposalState:
        """Where the proposal stands now."""
        return ProposalState(self._call("state", proposal_id))

    def has_voted(self, proposal_id: int, investor_id: bytes) -> bool:
        """Whether the investor has voted."""
        return bool(self._call("hasVoted", proposal_id, bytes32(investor_id, "investor_id")))

    def proposal_count(self) -> int:
        """Proposals created so far."""
        return int(self._call("proposalCount"))
