// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ISettlementLegs} from "./ISettlementLegs.sol";

/// @title IDvPEscrow
/// @notice Delivery versus payment: a trade of a security token against a cash token settles both
/// legs in one transaction or neither, gross (trade by trade) or in a netted batch.
///
/// A trade is identified by its terms: its id is the EIP-712 struct hash of `Trade`, whose `ref`
/// (the proposer's reference) makes it unique. Calls pass the terms, and the contract stores per
/// id only the status, who affirmed, which legs are locked and the deadline: one slot per trade.
/// A trade's events (`TradeProposed` carries its terms) rebuild its history.
///
/// Life of a trade: a party (or a venue) proposes it; each party affirms it, on-chain or by signing
/// the `Trade` as EIP-712 typed data; a matched trade settles until its deadline, then expires.
/// Either party (and the venue that proposed it) may cancel it before it settles. Settlement moves
/// the securities from seller to buyer and the cash from buyer to seller with `transferFrom`, so
/// each token's rules judge the transfer to the final recipient and a failing leg reverts both,
/// with the token's own error. The escrow never holds either asset.
interface IDvPEscrow is ISettlementLegs {
    /// @notice The terms of a trade. Amounts are in each token's base units; `deadline` is the last
    /// second (unix time) at which the trade may settle.
    struct Trade {
        address seller;
        address buyer;
        address securityToken;
        uint256 securityAmount;
        address cashToken;
        uint256 cashAmount;
        uint40 deadline;
        bytes32 ref;
    }

    /// @notice Where a trade is. `Proposed` covers every state before settlement (see the
    /// affirmation flags); a proposed trade past its deadline can only be expired or cancelled.
    enum TradeStatus {
        None,
        Proposed,
        Settled,
        Cancelled,
        Expired
    }

    /// @notice What the escrow records about a trade.
    struct TradeState {
        TradeStatus status;
        bool sellerAffirmed;
        bool buyerAffirmed;
        bool securityLocked;
        bool cashLocked;
        uint40 deadline;
        address proposer;
        // When it was proposed (zero if never).
        uint40 struckAt;
    }

    /// @notice A dry run's verdict: the trade's own state (for `settle`) and each leg's code.
    struct SettlementCheck {
        uint8 trade;
        uint8 securityLeg;
        uint8 cashLeg;
    }

    /// @notice A party's net position in one token across a batch; `code` says why the escrow
    /// cannot take what it owes (zero when it can, or when it owes nothing).
    struct NetPosition {
        address token;
        address party;
        int256 net;
        uint8 code;
    }

    /// @notice One transfer of a netted batch, with the token's code for it.
    struct Movement {
        address token;
        address from;
        address to;
        uint256 amount;
        uint8 code;
    }

    /// @notice Trade `tradeId` with `trade`'s terms was proposed by `proposer`; a proposer that is
    /// a party has affirmed it too.
    event TradeProposed(bytes32 indexed tradeId, address indexed proposer, Trade trade);
    /// @notice `party` affirmed trade `tradeId`, on-chain or (`bySignature`) with a signature.
    event TradeAffirmed(bytes32 indexed tradeId, address indexed party, bool bySignature);
    /// @notice Trade `tradeId` settled, alone (`batchId` zero) or in netted batch `batchId`.
    event TradeSettled(bytes32 indexed tradeId, bytes32 indexed batchId);
    /// @notice `by` cancelled trade `tradeId`.
    event TradeCancelled(bytes32 indexed tradeId, address indexed by);
    /// @notice Trade `tradeId` expired unsettled.
    event TradeExpired(bytes32 indexed tradeId);
    /// @notice `trades` trades settled as batch `batchId` (the hash of their terms) by moving
    /// `movements` net transfers.
    event BatchSettled(bytes32 indexed batchId, address indexed venue, uint256 trades, uint256 movements);

    /// @notice `party` has not affirmed the trade.
    error SettlementNotAffirmed(bytes32 tradeId, address party);
    /// @notice The security split at `splitTime`, at or after the trade was proposed: its amount is
    /// in the old units.
    error SettlementSplitSinceStrike(bytes32 tradeId, address security, uint40 splitTime);
    /// @notice The signature is not `signer`'s affirmation of this trade on this chain and escrow.
    error SettlementSignatureInvalid(bytes32 tradeId, address signer);
    /// @notice A batch needs at least one trade.
    error SettlementBatchEmpty();

    /// @notice Proposes a trade; a party proposing also affirms it, locking its own leg if `lock`.
    /// Requirements: the caller is the seller, the buyer or a venue (a venue may not lock); valid
    /// terms (parties distinct and not zero, two different token contracts, amounts above zero,
    /// deadline not passed); no trade with these terms yet; to lock, the caller's token supports
    /// ERC-7246 and the caller encumbered the units to the escrow or allowed it to.
    /// Emits `TradeProposed` (and `LegLocked`).
    // slither-disable-next-line shadowing-local (the returned id is named after its getter on purpose)
    function propose(Trade calldata trade, bool lock) external returns (bytes32 tradeId);

    /// @notice Affirms a proposed trade as the calling party, locking its leg if `lock`.
    /// Requirements: the trade is proposed, not past its deadline, the caller is a party that has
    /// not affirmed it. Emits `TradeAffirmed` (and `LegLocked`).
    function affirm(Trade calldata trade, bool lock) external;

    /// @notice Settles a matched trade: securities to the buyer, cash to the seller. Anyone may
    /// call it, since both parties have affirmed.
    /// Requirements: the trade is proposed and affirmed by both parties, not past its deadline; its
    /// security has not split since the trade was proposed (`SettlementSplitSinceStrike`: the
    /// amount is in the old units; cancel and strike again); each leg passes its token's rules and
    /// the escrow can spend it (allowance or lock).
    /// Emits `TradeSettled`.
    function settle(Trade calldata trade) external;

    /// @notice Affirms and settles in one transaction with signed affirmations. A party's consent
    /// is its on-chain affirmation, its being the caller, or its signature over `trade` as EIP-712
    /// typed data (domain: this escrow on this chain); an empty signature means none is given.
    /// The trade need not have been proposed.
    /// Requirements: as `settle`, with every given signature valid; for a trade never proposed, its
    /// terms valid as in `propose`.
    /// Emits `TradeProposed` (for a trade never proposed: the caller proposes it), `TradeAffirmed`
    /// for each other new consent and `TradeSettled`.
    function settleWithAffirmations(Trade calldata trade, bytes calldata sellerSignature, bytes calldata buyerSignature)
        external;

    /// @notice Settles matched trades together, moving only each party's net position in each
    /// token; all or nothing. Each debtor pays its creditors directly (debtors and creditors are
    /// paired in order), so each token's rules judge every transfer to its final recipient.
    /// Requirements: the caller is a venue; at least one trade; each trade as in `settle`.
    /// Emits `TradeSettled` for each trade and `BatchSettled`.
    function settleBatch(Trade[] calldata trades) external returns (bytes32 batchId);

    /// @notice Cancels a trade before settlement and releases its locked legs. Cancelling a trade
    /// never proposed withdraws any signature given for it.
    /// Requirements: the caller is a party, or the venue that proposed it; the trade is not
    /// settled, cancelled or expired.
    /// Emits `TradeCancelled` (and `LegReleased`).
    function cancel(Trade calldata trade) external;

    /// @notice Closes a proposed trade past its deadline and releases its locked legs to their
    /// owners; anyone may call it.
    /// Requirements: the trade is proposed and its deadline has passed.
    /// Emits `TradeExpired` (and `LegReleased`).
    function expire(Trade calldata trade) external;

    /// @notice The id of a trade: the EIP-712 struct hash of its terms.
    function tradeId(Trade calldata trade) external pure returns (bytes32);

    /// @notice The EIP-712 digest a party signs to affirm `trade` on this escrow.
    function affirmationDigest(Trade calldata trade) external view returns (bytes32);

    /// @notice What the escrow records about trade `tradeId` (status `None` if unknown).
    // slither-disable-next-line shadowing-local (the id is named after its getter on purpose)
    function tradeState(bytes32 tradeId) external view returns (TradeState memory);

    /// @notice Dry-runs `settle` now: the trade's state code and each leg's code (the token's
    /// ERC-1404 code, or a settlement code for balance, allowance and encumbrance).
    function checkSettlement(Trade calldata trade) external view returns (SettlementCheck memory);

    /// @notice Dry-runs `settleBatch` now: the first trade that cannot settle (`tradeCode`, its
    /// `tradeIndex`), each party's net position with the code of what it owes, and the transfers
    /// the batch would make with each token's code for them.
    function checkBatch(Trade[] calldata trades)
        external
        view
        returns (uint8 tradeCode, uint256 tradeIndex, NetPosition[] memory positions, Movement[] memory movements);
}
