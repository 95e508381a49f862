// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Roles} from "../access/Roles.sol";
import {IDvPEscrow} from "../interfaces/IDvPEscrow.sol";
import {SettlementCode} from "./SettlementCode.sol";
import {SettlementLegs} from "./SettlementLegs.sol";

/// @title DvPEscrow
/// @notice Atomic delivery versus payment, gross or in netted batches (see `IDvPEscrow`).
/// @dev Invariants: a trade's record changes only from `None` or `Proposed`, and `Settled`,
/// `Cancelled` and `Expired` are final, so a trade (and any signature over it) settles at most
/// once; a trade's locked legs are counted in `lockedBalance` exactly while it is `Proposed`
/// (see `SettlementLegs`); the escrow never holds a unit of any token.
/// EIP-712 comes from the non-upgradeable `EIP712`: its name and version are immutables of the
/// implementation, and the domain's verifying contract is `address(this)`, the proxy, when
/// called through it. That avoids two storage reads per signature, and an upgrade may change them.
contract DvPEscrow is IDvPEscrow, SettlementLegs, EIP712 {
    using SafeERC20 for IERC20;

    bytes32 private constant TRADE_TYPEHASH = keccak256(
        "Trade(address seller,address buyer,address securityToken,uint256 securityAmount,address cashToken,uint256 cashAmount,uint40 deadline,bytes32 ref)"
    );

    uint8 private constant SELLER_AFFIRMED = 1;
    uint8 private constant BUYER_AFFIRMED = 2;
    uint8 private constant SECURITY_LOCKED = 4;
    uint8 private constant CASH_LOCKED = 8;
    uint8 private constant BOTH_AFFIRMED = SELLER_AFFIRMED | BUYER_AFFIRMED;

    /// @dev One slot per trade. `struckAt`: when it was proposed.
    struct Record {
        TradeStatus status;
        uint8 flags;
        uint40 deadline;
        address proposer;
        uint40 struckAt;
    }

    /// @dev A party's position in one token while a batch is netted.
    struct Position {
        address token;
        address party;
        int256 net;
        uint256 lockedClosing;
        uint256 keep;
    }

    /// @custom:storage-location erc7201:permledger.storage.DvPEscrow
    struct EscrowStorage {
        mapping(bytes32 tradeId => Record) trades;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.DvPEscrow")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ESCROW_STORAGE = 0x2f05a4dd7cb0dd0c470b7e8cc7b705b6f0f08a6d8ed9303ed004b01021847800;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() EIP712("permledger DvPEscrow", "1") {
        _disableInitializers();
    }

    /// @notice Creates the escrow behind its proxy, bound to `authority_` for roles and upgrades.
    function initialize(address authority_) external initializer {
        __AuthorityManaged_init(authority_);
        __ReentrancyGuardTransient_init();
    }

    // ---------------------------------------------------------------- trade life

    /// @inheritdoc IDvPEscrow
    function propose(Trade calldata trade, bool lock) external nonReentrant returns (bytes32 id) {
        id = _tradeId(trade);
        uint8 flags = 0; // a venue's proposal affirms nothing
        if (msg.sender == trade.seller || msg.sender == trade.buyer) {
            flags = _affirmation(id, trade, lock);
        } else {
            require(_hasRole(Roles.VENUE), SettlementNotParty(id, msg.sender));
            require(!lock, SettlementVenueCannotLock(id));
        }
        _validateTerms(id, trade);
        EscrowStorage storage $ = _escrow();
        require($.trades[id].status == TradeStatus.None, SettlementExists(id));
        $.trades[id] = Record(TradeStatus.Proposed, flags, trade.deadline, msg.sender, uint40(block.timestamp));
        emit TradeProposed(id, msg.sender, trade);
        if (lock) _lockLeg(id, trade, flags);
    }

    /// @inheritdoc IDvPEscrow
    function affirm(Trade calldata trade, bool lock) external nonReentrant {
        bytes32 id = _tradeId(trade);
        uint8 flags = _affirmation(id, trade, lock);
        Record memory r = _escrow().trades[id];
        _requireOpen(id, r);
        require(r.flags & flags & BOTH_AFFIRMED == 0, SettlementAlreadyAffirmed(id, msg.sender));
        _escrow().trades[id].flags = r.flags | flags;
        emit TradeAffirmed(id, msg.sender, false);
        if (lock) _lockLeg(id, trade, flags);
    }

    /// @inheritdoc IDvPEscrow
    function settle(Trade calldata trade) external nonReentrant {
        bytes32 id = _tradeId(trade);
        Record memory r = _escrow().trades[id];
        _requireSettleable(id, trade, r);
        _requireNoSplitSince(id, trade.securityToken, _lastSplitTime(trade.securityToken), r.struckAt);
        _settle(id, trade, r);
    }

    /// @inheritdoc IDvPEscrow
    function settleWithAffirmations(Trade calldata trade, bytes calldata sellerSignature, bytes calldata buyerSignature)
        external
        nonReentrant
    {
        bytes32 id = _tradeId(trade);
        Record memory r = _escrow().trades[id];
        if (r.status == TradeStatus.None) {
            _validateTerms(id, trade);
            (r.deadline, r.proposer, r.struckAt) = (trade.deadline, msg.sender, uint40(block.timestamp));
            emit TradeProposed(id, msg.sender, trade);
            // A party proposing affirms (see `TradeProposed`), so its consent is given.
            if (msg.sender == trade.seller) r.flags = SELLER_AFFIRMED;
            else if (msg.sender == trade.buyer) r.flags = BUYER_AFFIRMED;
        } else {
            _requireOpen(id, r);
            _requireNoSplitSince(id, trade.securityToken, _lastSplitTime(trade.securityToken), r.struckAt);
        }
        r.flags = _consent(id, r.flags, trade.seller, SELLER_AFFIRMED, sellerSignature);
        r.flags = _consent(id, r.flags, trade.buyer, BUYER_AFFIRMED, buyerSignature);
        _settle(id, trade, r);
    }

    /// @inheritdoc IDvPEscrow
    function settleBatch(Trade[] calldata trades)
        external
        nonReentrant
        onlyRole(Roles.VENUE)
        returns (bytes32 batchId)
    {
        require(trades.length != 0, SettlementBatchEmpty());
        batchId = keccak256(abi.encode(trades));
        EscrowStorage storage $ = _escrow();
        Position[] memory positions = new Position[](trades.length * 4);
        uint256 count = 0;
        // The last split of the security of the trade before, asked once for a run of its trades.
        // slither-disable-next-line uninitialized-local (no token asked yet)
        address asked;
        // slither-disable-next-line uninitialized-local (no token asked yet)
        uint40 splitTime;
        for (uint256 i; i < trades.length; ++i) {
            Trade calldata trade = trades[i];
            bytes32 id = _tradeId(trade);
            Record memory r = $.trades[id];
            _requireSettleable(id, trade, r);
            if (trade.securityToken != asked) {
                (asked, splitTime) = (trade.securityToken, _lastSplitTime(trade.securityToken));
            }
            _requireNoSplitSince(id, trade.securityToken, splitTime, r.struckAt);
            $.trades[id].status = TradeStatus.Settled;
            emit TradeSettled(id, batchId);
            count = _book(positions, count, trade, r.flags);
        }
        for (uint256 k; k < count; ++k) {
            Position memory p = positions[k];
            if (p.net < 0 || p.lockedClosing != 0) p.keep = _closeLocks(p.token, p.party, p.lockedClosing);
        }
        Movement[] memory movements = _plan(positions, count);
        emit BatchSettled(batchId, msg.sender, trades.length, movements.length);
        for (uint256 k; k < movements.length; ++k) {
            Movement memory m = movements[k];
            // slither-disable-next-line arbitrary-send-erc20 (net debits of parties to affirmed trades)
            IERC20(m.token).safeTransferFrom(m.from, m.to, m.amount);
        }
        for (uint256 k; k < count; ++k) {
            Position memory p = positions[k];
            if (p.net < 0 || p.lockedClosing != 0) {
                _restoreLocks(p.token, p.party, p.net < 0 ? uint256(-p.net) : 0, p.lockedClosing, p.keep);
            }
        }
    }

    /// @inheritdoc IDvPEscrow
    function cancel(Trade calldata trade) external nonReentrant {
        bytes32 id = _tradeId(trade);
        Record memory r = _escrow().trades[id];
        bool party = msg.sender == trade.seller || msg.sender == trade.buyer;
        require(party || msg.sender == r.proposer, SettlementNotParty(id, msg.sender));
        if (r.status == TradeStatus.None) r.deadline = trade.deadline;
        else require(r.status == TradeStatus.Proposed, SettlementWrongStatus(id, uint8(r.status)));
        _escrow().trades[id] = Record(TradeStatus.Cancelled, r.flags, r.deadline, r.proposer, r.struckAt);
        emit TradeCancelled(id, msg.sender);
        _releaseTrade(id, trade, r.flags);
    }

    /// @inheritdoc IDvPEscrow
    function expire(Trade calldata trade) external nonReentrant {
        bytes32 id = _tradeId(trade);
        Record memory r = _escrow().trades[id];
        require(r.status != TradeStatus.None, SettlementUnknown(id));
        require(r.status == TradeStatus.Proposed, SettlementWrongStatus(id, uint8(r.status)));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp > r.deadline, SettlementDeadlineNotPassed(id, r.deadline));
        _escrow().trades[id].status = TradeStatus.Expired;
        emit TradeExpired(id);
        _releaseTrade(id, trade, r.flags);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDvPEscrow
    function tradeId(Trade calldata trade) external pure returns (bytes32) {
        return _tradeId(trade);
    }

    /// @inheritdoc IDvPEscrow
    function affirmationDigest(Trade calldata trade) external view returns (bytes32) {
        return _hashTypedDataV4(_tradeId(trade));
    }

    /// @inheritdoc IDvPEscrow
    function tradeState(bytes32 id) external view returns (TradeState memory) {
        Record memory r = _escrow().trades[id];
        return TradeState({
            status: r.status,
            sellerAffirmed: r.flags & SELLER_AFFIRMED != 0,
            buyerAffirmed: r.flags & BUYER_AFFIRMED != 0,
            securityLocked: r.flags & SECURITY_LOCKED != 0,
            cashLocked: r.flags & CASH_LOCKED != 0,
            deadline: r.deadline,
            proposer: r.proposer,
            struckAt: r.struckAt
        });
    }

    /// @inheritdoc IDvPEscrow
    function checkSettlement(Trade calldata trade) external view returns (SettlementCheck memory check) {
        bytes32 id = _tradeId(trade);
        Record memory r = _escrow().trades[id];
        check.trade = _tradeCode(r, trade);
        uint256 securityLocked = r.flags & SECURITY_LOCKED != 0 ? trade.securityAmount : 0;
        uint256 cashLocked = r.flags & CASH_LOCKED != 0 ? trade.cashAmount : 0;
        check.securityLeg =
            _legCode(trade.securityToken, trade.seller, trade.buyer, trade.securityAmount, securityLocked);
        check.cashLeg = _legCode(trade.cashToken, trade.buyer, trade.seller, trade.cashAmount, cashLocked);
    }

    /// @inheritdoc IDvPEscrow
    function checkBatch(Trade[] calldata trades)
        external
        view
        returns (uint8 tradeCode, uint256 tradeIndex, NetPosition[] memory positions, Movement[] memory movements)
    {
        EscrowStorage storage $ = _escrow();
        Position[] memory booked = new Position[](trades.length * 4);
        uint256 count = 0;
        for (uint256 i; i < trades.length; ++i) {
            Record memory r = $.trades[_tradeId(trades[i])];
            uint8 code = _tradeCode(r, trades[i]);
            if (code != SettlementCode.SUCCESS && tradeCode == SettlementCode.SUCCESS) {
                (tradeCode, tradeIndex) = (code, i);
            }
            count = _book(booked, count, trades[i], r.flags);
        }
        positions = new NetPosition[](count);
        for (uint256 k; k < count; ++k) {
            Position memory p = booked[k];
            positions[k] = NetPosition(p.token, p.party, p.net, SettlementCode.SUCCESS);
            if (p.net < 0 || p.lockedClosing != 0) {
                positions[k].code = _capacityCode(p.token, p.party, p.net < 0 ? uint256(-p.net) : 0, p.lockedClosing);
            }
        }
        movements = _plan(booked, count);
        for (uint256 k; k < movements.length; ++k) {
            Movement memory m = movements[k];
            m.code = _rulesCode(m.token, m.from, m.to, m.amount);
        }
    }

    // ---------------------------------------------------------------- internals

    function _settle(bytes32 id, Trade calldata trade, Record memory r) private {
        _escrow().trades[id] = Record(TradeStatus.Settled, r.flags, r.deadline, r.proposer, r.struckAt);
        emit TradeSettled(id, bytes32(0));
        uint256 securityLocked = r.flags & SECURITY_LOCKED != 0 ? trade.securityAmount : 0;
        uint256 cashLocked = r.flags & CASH_LOCKED != 0 ? trade.cashAmount : 0;
        _deliver(trade.securityToken, trade.seller, trade.buyer, trade.securityAmount, securityLocked);
        _deliver(trade.cashToken, trade.buyer, trade.seller, trade.cashAmount, cashLocked);
    }

    /// @dev The caller's affirmation flags as a party (locking its own leg if `lock`).
    function _affirmation(bytes32 id, Trade calldata trade, bool lock) private view returns (uint8) {
        if (msg.sender == trade.seller) return lock ? SELLER_AFFIRMED | SECURITY_LOCKED : SELLER_AFFIRMED;
        require(msg.sender == trade.buyer, SettlementNotParty(id, msg.sender));
        return lock ? BUYER_AFFIRMED | CASH_LOCKED : BUYER_AFFIRMED;
    }

    /// @dev A party's consent: a valid signature, an earlier affirmation, or being the caller.
    function _consent(bytes32 id, uint8 flags, address party, uint8 bit, bytes calldata signature)
        private
        returns (uint8)
    {
        if (signature.length != 0) {
            require(_signedBy(party, _hashTypedDataV4(id), signature), SettlementSignatureInvalid(id, party));
            if (flags & bit == 0) emit TradeAffirmed(id, party, true);
            return flags | bit;
        }
        if (flags & bit != 0) return flags;
        require(msg.sender == party, SettlementNotAffirmed(id, party));
        emit TradeAffirmed(id, party, false);
        return flags | bit;
    }

    /// @dev An EOA's ECDSA signature, else a contract wallet's ERC-1271 answer. Recovering first
    /// spares an EOA signer the cold code-size read (2.6k gas) `SignatureChecker` starts with.
    function _signedBy(address signer, bytes32 digest, bytes calldata signature) private view returns (bool) {
        // The error's argument adds nothing here: any error means "not this signer".
        // slither-disable-next-line unused-return (see the line above)
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }

    function _lockLeg(bytes32 id, Trade calldata trade, uint8 flags) private {
        if (flags & SECURITY_LOCKED != 0) _lock(id, trade.securityToken, trade.seller, trade.securityAmount);
        else _lock(id, trade.cashToken, trade.buyer, trade.cashAmount);
    }

    function _releaseTrade(bytes32 id, Trade calldata trade, uint8 flags) private {
        uint256 securityLocked = flags & SECURITY_LOCKED != 0 ? trade.securityAmount : 0;
        uint256 cashLocked = flags & CASH_LOCKED != 0 ? trade.cashAmount : 0;
        _releaseLegs(
            id,
            Leg(trade.securityToken, trade.seller, trade.buyer, trade.securityAmount, securityLocked, 0),
            Leg(trade.cashToken, trade.buyer, trade.seller, trade.cashAmount, cashLocked, 0)
        );
    }

    /// @dev Adds a trade's four changes of position to `positions[0 .. count)`; returns the new count.
    function _book(Position[] memory positions, uint256 count, Trade calldata trade, uint8 flags)
        private
        pure
        returns (uint256)
    {
        int256 securities = SafeCast.toInt256(trade.securityAmount);
        int256 cash = SafeCast.toInt256(trade.cashAmount);
        uint256 securityLocked = flags & SECURITY_LOCKED != 0 ? trade.securityAmount : 0;
        uint256 cashLocked = flags & CASH_LOCKED != 0 ? trade.cashAmount : 0;
        count = _add(positions, count, trade.securityToken, trade.seller, -securities, securityLocked);
        count = _add(positions, count, trade.securityToken, trade.buyer, securities, 0);
        count = _add(positions, count, trade.cashToken, trade.buyer, -cash, cashLocked);
        return _add(positions, count, trade.cashToken, trade.seller, cash, 0);
    }

    function _add(
        Position[] memory positions,
        uint256 count,
        address token,
        address party,
        int256 change,
        uint256 lockedClosing
    ) private pure returns (uint256) {
        for (uint256 k; k < count; ++k) {
            Position memory p = positions[k];
            if (p.party == party && p.token == token) {
                p.net += change;
                p.lockedClosing += lockedClosing;
                return count;
            }
        }
        positions[count] = Position(token, party, change, lockedClosing, 0);
        return count + 1;
    }

    /// @dev The transfers that settle net positions: each debtor, in order, pays the creditors of
    /// the same token in order, as much as each is still owed. Per token this makes at most
    /// (debtors + creditors - 1) transfers.
    function _plan(Position[] memory positions, uint256 count) private pure returns (Movement[] memory movements) {
        movements = new Movement[](count);
        uint256[] memory owed = new uint256[](count);
        for (uint256 k; k < count; ++k) {
            if (positions[k].net > 0) owed[k] = uint256(positions[k].net);
        }
        uint256 made;
        for (uint256 d; d < count; ++d) {
            Position memory debtor = positions[d];
            if (debtor.net >= 0) continue;
            uint256 due = uint256(-debtor.net);
            for (uint256 c; due != 0; ++c) {
                if (owed[c] == 0 || positions[c].token != debtor.token) continue;
                uint256 amount = due < owed[c] ? due : owed[c];
                movements[made++] = Movement(debtor.token, debtor.party, positions[c].party, amount, 0);
                owed[c] -= amount;
                due -= amount;
            }
        }
        // slither-disable-next-line assembly (shrinks a memory array in place; no storage touched)
        assembly {
            // Trim the array to the transfers made (`made` <= `count`, its allocated length).
            mstore(movements, made)
        }
    }

    /// @dev The state code of a trade for `settle`.
    function _tradeCode(Record memory r, Trade calldata trade) private view returns (uint8) {
        if (r.status == TradeStatus.None) return SettlementCode.UNKNOWN;
        if (r.status == TradeStatus.Settled) return SettlementCode.SETTLED;
        if (r.status == TradeStatus.Cancelled) return SettlementCode.CANCELLED;
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        if (r.status == TradeStatus.Expired || block.timestamp > r.deadline) return SettlementCode.EXPIRED;
        if (r.flags & SELLER_AFFIRMED == 0) return SettlementCode.SELLER_NOT_AFFIRMED;
        if (r.flags & BUYER_AFFIRMED == 0) return SettlementCode.BUYER_NOT_AFFIRMED;
        if (_splitSince(_lastSplitTime(trade.securityToken), r.struckAt)) return SettlementCode.SPLIT_SINCE_STRIKE;
        return SettlementCode.SUCCESS;
    }

    /// @dev Reverts when the security split (at `splitTime`) at or after the trade was struck: its
    /// amount is in the old units, and settling it would deliver a different holding than agreed.
    function _requireNoSplitSince(bytes32 id, address security, uint40 splitTime, uint40 struckAt) private pure {
        require(!_splitSince(splitTime, struckAt), SettlementSplitSinceStrike(id, security, splitTime));
    }

    /// @dev Whether a split at `splitTime` (zero: none) came at or after `struckAt`.
    function _splitSince(uint40 splitTime, uint40 struckAt) private pure returns (bool) {
        return splitTime != 0 && splitTime >= struckAt;
    }

    /// @dev Reverts unless the trade is proposed and within its deadline.
    function _requireOpen(bytes32 id, Record memory r) private view {
        require(r.status != TradeStatus.None, SettlementUnknown(id));
        require(r.status == TradeStatus.Proposed, SettlementWrongStatus(id, uint8(r.status)));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp <= r.deadline, SettlementDeadlinePassed(id, r.deadline));
    }

    function _requireSettleable(bytes32 id, Trade calldata trade, Record memory r) private view {
        _requireOpen(id, r);
        require(r.flags & SELLER_AFFIRMED != 0, SettlementNotAffirmed(id, trade.seller));
        require(r.flags & BUYER_AFFIRMED != 0, SettlementNotAffirmed(id, trade.buyer));
    }

    function _validateTerms(bytes32 id, Trade calldata trade) private view {
        _validateDeal(id, trade.seller, trade.buyer, trade.securityToken, trade.cashToken);
        require(trade.securityAmount != 0 && trade.cashAmount != 0, SettlementAmountZero(id));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp <= trade.deadline, SettlementDeadlinePassed(id, trade.deadline));
    }

    function _tradeId(Trade calldata trade) private pure returns (bytes32) {
        return keccak256(abi.encode(TRADE_TYPEHASH, trade));
    }

    function _escrow() private pure returns (EscrowStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := ESCROW_STORAGE
        }
    }
}
