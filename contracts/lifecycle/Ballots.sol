// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IBallots} from "../interfaces/IBallots.sol";
import {IEntitlementTokenRecords} from "../interfaces/IEntitlementTokenRecords.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {Holders} from "../libraries/Holders.sol";
import {WalletRecord} from "../types/WalletRecord.sol";

/// @title Ballots
/// @notice Record-date holder votes with an on-chain tally; see `IBallots`.
/// @dev One bit per investor number and proposal says "voted". Weights come from the token's
/// `investorBalanceAt`, so units locked by ERC-7246 encumbrance (DvP, collateral) vote with
/// their owner. Invariant: the three tallies sum to the weights of the investors who voted.
contract Ballots is IBallots, AuthorityManaged {
    using BitMaps for BitMaps.BitMap;

    uint256 private constant BPS = 10_000;

    /// @custom:storage-location erc7201:permledger.storage.Ballots
    struct BallotsStorage {
        IIdentityRegistry registry;
        uint256 count;
        mapping(uint256 proposalId => Proposal) proposals;
        mapping(uint256 proposalId => BitMaps.BitMap) voted;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.Ballots")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant BALLOTS_STORAGE = 0xafafaf9bb75b13c02dfc02cfc416c462b24f4dc94fb0e8d94fbd418cc0b48600;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the contract to the system's authority and identity registry.
    function initialize(address authority_, address registry_) external initializer {
        __AuthorityManaged_init(authority_);
        _storage().registry = IIdentityRegistry(registry_);
    }

    /// @inheritdoc IBallots
    function propose(
        address token,
        uint24 recordId,
        uint40 voteStart,
        uint40 voteEnd,
        uint16 quorumBps,
        string calldata uri,
        bytes32 descriptionHash
    ) external onlyRole(Roles.ISSUER) returns (uint256 proposalId) {
        BallotsStorage storage $ = _storage();
        require(Holders.isBoundTo(token, address($.registry)), VoteTokenInvalid(token));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(voteStart >= block.timestamp && voteEnd > voteStart, VoteWindowInvalid(voteStart, voteEnd));
        require(quorumBps != 0 && quorumBps <= BPS, VoteQuorumInvalid(quorumBps));
        uint256 supply = 0;
        try IEntitlementTokenRecords(token).totalSupplyAt(recordId) returns (uint256 s) {
            supply = s;
        } catch {
            revert VoteRecordDateNotPassed(token, recordId);
        }
        require(supply != 0, VoteNoHoldersOfRecord(token, recordId));
        // Rounded up, so a quorum of any share of a non-empty supply needs at least one unit.
        uint96 quorum = uint96((supply * quorumBps + BPS - 1) / BPS);
        proposalId = ++$.count;
        $.proposals[proposalId] = Proposal(token, recordId, quorum, 0, voteEnd, voteStart, 0, 0);
        emit ProposalCreated(proposalId, token, recordId, voteStart, voteEnd, quorum, uri, descriptionHash);
    }

    /// @inheritdoc IBallots
    function castVote(uint256 proposalId, Support support) external returns (uint256 weight) {
        BallotsStorage storage $ = _storage();
        Proposal storage p = _existing($, proposalId);
        (uint40 start, uint40 end) = (p.voteStart, p.voteEnd);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp >= start && block.timestamp < end, VoteNotOpen(proposalId, start, end));
        (WalletRecord record, bytes32 investorId) = Holders.lookUp($.registry, msg.sender);
        require(record.registered(), VoteWalletNotRegistered(msg.sender));
        BitMaps.BitMap storage voted = $.voted[proposalId];
        uint256 number = record.investorNumber();
        require(!voted.get(number), VoteAlreadyCast(proposalId, investorId));
        weight = IEntitlementTokenRecords(p.token).investorBalanceAt(investorId, p.recordId);
        require(weight != 0, VoteNoWeight(proposalId, investorId));
        voted.set(number);
        // Weights are record-date balances: their sum never exceeds the 96-bit supply.
        if (support == Support.For) p.forVotes += uint96(weight);
        else if (support == Support.Against) p.againstVotes += uint96(weight);
        else p.abstainVotes += uint96(weight);
        emit VoteCast(proposalId, investorId, msg.sender, support, weight);
    }

    /// @inheritdoc IBallots
    function proposal(uint256 proposalId) external view returns (Proposal memory) {
        return _existing(_storage(), proposalId);
    }

    /// @inheritdoc IBallots
    function state(uint256 proposalId) external view returns (State) {
        Proposal memory p = _existing(_storage(), proposalId);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        if (block.timestamp < p.voteStart) return State.Pending;
        if (block.timestamp < p.voteEnd) return State.Active;
        uint256 cast = uint256(p.forVotes) + p.againstVotes + p.abstainVotes;
        return cast >= p.quorum && p.forVotes > p.againstVotes ? State.Succeeded : State.Defeated;
    }

    /// @inheritdoc IBallots
    function hasVoted(uint256 proposalId, bytes32 investorId) external view returns (bool) {
        BallotsStorage storage $ = _storage();
        _existing($, proposalId);
        uint256 number = $.registry.investor(investorId).number;
        return number != 0 && $.voted[proposalId].get(number);
    }

    /// @inheritdoc IBallots
    function proposalCount() external view returns (uint256) {
        return _storage().count;
    }

    function _existing(BallotsStorage storage $, uint256 proposalId) private view returns (Proposal storage p) {
        p = $.proposals[proposalId];
        require(p.token != address(0), VoteProposalUnknown(proposalId));
    }

    function _storage() private pure returns (BallotsStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := BALLOTS_STORAGE
        }
    }
}
