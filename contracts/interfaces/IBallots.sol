// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IBallots
/// @notice Holder votes on an entitlement token: a proposal fixes a passed record date, a voting
/// window and a quorum; each investor votes once (for, against or abstain) with its balance
/// across all its wallets at the record date; the tally is kept on-chain.
/// A proposal succeeds when the votes cast (abstentions included) reach the quorum and more
/// votes are for than against.
interface IBallots {
    /// @notice A vote's direction (the order of OpenZeppelin Governor's counting).
    enum Support {
        Against,
        For,
        Abstain
    }

    /// @notice Where a proposal stands.
    enum State {
        Pending,
        Active,
        Succeeded,
        Defeated
    }

    /// @notice One proposal and its tally. Three slots, each holding a non-zero field from
    /// creation on, so that a vote updates a tally in place rather than creating one.
    struct Proposal {
        address token;
        uint24 recordId;
        uint96 quorum;
        uint96 abstainVotes;
        uint40 voteEnd;
        uint40 voteStart;
        uint96 forVotes;
        uint96 againstVotes;
    }

    /// @notice A proposal was created; `descriptionHash` identifies its text (held off-chain at `uri`).
    event ProposalCreated(
        uint256 indexed proposalId,
        address indexed token,
        uint24 recordId,
        uint40 voteStart,
        uint40 voteEnd,
        uint96 quorum,
        string uri,
        bytes32 descriptionHash
    );
    /// @notice `investorId` voted through `wallet` with `weight` record-date units.
    event VoteCast(
        uint256 indexed proposalId, bytes32 indexed investorId, address indexed wallet, Support support, uint256 weight
    );

    /// @notice No proposal has this id.
    error VoteProposalUnknown(uint256 proposalId);
    /// @notice The token is bound to another identity registry than this contract's.
    error VoteTokenInvalid(address token);
    /// @notice The record date has not passed yet (or does not exist).
    error VoteRecordDateNotPassed(address token, uint24 recordId);
    /// @notice Nobody held the token at the record date: nobody could vote.
    error VoteNoHoldersOfRecord(address token, uint24 recordId);
    /// @notice The window is empty or starts in the past.
    error VoteWindowInvalid(uint40 voteStart, uint40 voteEnd);
    /// @notice The quorum is zero or above 10,000 basis points.
    error VoteQuorumInvalid(uint16 quorumBps);
    /// @notice The vote is outside the voting window.
    error VoteNotOpen(uint256 proposalId, uint40 voteStart, uint40 voteEnd);
    /// @notice The wallet is not a registered wallet of an investor.
    error VoteWalletNotRegistered(address wallet);
    /// @notice The investor has already voted on this proposal.
    error VoteAlreadyCast(uint256 proposalId, bytes32 investorId);
    /// @notice The investor held nothing at the record date.
    error VoteNoWeight(uint256 proposalId, bytes32 investorId);

    /// @notice Creates a proposal on `token`'s holders at record date `recordId`.
    /// @param quorumBps The share of the record-date supply that must vote, in basis points.
    /// @param uri Where the proposal's text is published.
    /// @param descriptionHash The hash of that text.
    /// @return proposalId The new proposal's id (ids start at 1).
    /// Requirements: caller is an issuer; the token is bound to this contract's registry; the
    /// record date has passed; `block.timestamp <= voteStart < voteEnd`; `0 < quorumBps <= 10000`.
    /// Emits `ProposalCreated`.
    function propose(
        address token,
        uint24 recordId,
        uint40 voteStart,
        uint40 voteEnd,
        uint16 quorumBps,
        string calldata uri,
        bytes32 descriptionHash
    ) external returns (uint256 proposalId);

    /// @notice Casts the caller's investor's vote with its record-date weight.
    /// Requirements: within the window; the caller is a registered wallet whose investor has not
    /// voted and held units at the record date.
    /// Emits `VoteCast`.
    function castVote(uint256 proposalId, Support support) external returns (uint256 weight);

    /// @notice The proposal with this id, tally included.
    function proposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice Where the proposal stands now.
    function state(uint256 proposalId) external view returns (State);

    /// @notice Whether the investor has voted on the proposal.
    function hasVoted(uint256 proposalId, bytes32 investorId) external view returns (bool);

    /// @notice The number of proposals created (the last id).
    function proposalCount() external view returns (uint256);
}
