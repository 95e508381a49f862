// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Roles} from "../access/Roles.sol";
import {RestrictionCode} from "../compliance/RestrictionCode.sol";
import {IRepo} from "../interfaces/IRepo.sol";
import {SettlementCode} from "./SettlementCode.sol";
import {SettlementLegs} from "./SettlementLegs.sol";

/// @title Repo
/// @notice Repurchase agreements: an opening and a closing delivery-versus-payment leg, and the
/// remedies when the closing leg fails (see `IRepo`).
/// @dev Invariants: a repo's record changes only forward (`None` -> `Proposed` -> `Open` -> an end,
/// or `Proposed` -> `Cancelled` / `Expired`), so each leg settles at most once; opening legs are
/// locked only while `Proposed`, the return leg only while `Open` (see `SettlementLegs`); the
/// contract never holds a unit of any token.
contract Repo is IRepo, SettlementLegs {
    bytes32 private constant REPO_TYPEHASH = keccak256(
        "RepoTerms(address borrower,address lender,address securityToken,uint256 securityAmount,address cashToken,uint256 securityValue,uint16 haircutBps,uint256 repurchasePrice,uint40 openBy,uint40 maturity,uint40 grace,bytes32 ref)"
    );
    uint16 private constant FULL_BPS = 10_000;

    uint8 private constant BORROWER_AFFIRMED = 1;
    uint8 private constant LENDER_AFFIRMED = 2;
    uint8 private constant SECURITY_LOCKED = 4;
    uint8 private constant CASH_LOCKED = 8;
    uint8 private constant RETURN_LOCKED = 16;
    uint8 private constant BOTH_AFFIRMED = BORROWER_AFFIRMED | LENDER_AFFIRMED;

    /// @dev One slot per repo.
    struct Record {
        RepoStatus status;
        uint8 flags;
        address proposer;
    }

    /// @custom:storage-location erc7201:permledger.storage.Repo
    struct RepoStorage {
        mapping(bytes32 repoId => Record) repos;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.Repo")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REPO_STORAGE = 0xea95eb1e74aebb09e958b586916928713f9ff50eebb78f1c85d69e2de57ece00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Creates the repo contract behind its proxy, bound to `authority_`.
    function initialize(address authority_) external initializer {
        __AuthorityManaged_init(authority_);
        __ReentrancyGuardTransient_init();
    }

    // ---------------------------------------------------------------- opening

    /// @inheritdoc IRepo
    function propose(RepoTerms calldata terms, bool lockLeg, bool lockReturn)
        external
        nonReentrant
        returns (bytes32 id)
    {
        id = _repoId(terms);
        uint8 flags = 0; // a venue's proposal affirms nothing
        if (msg.sender == terms.borrower || msg.sender == terms.lender) {
            flags = _affirmation(id, terms, lockLeg, lockReturn);
        } else {
            require(_hasRole(Roles.VENUE), SettlementNotParty(id, msg.sender));
            require(!lockLeg && !lockReturn, SettlementVenueCannotLock(id));
        }
        _validateTerms(id, terms);
        RepoStorage storage $ = _repos();
        require($.repos[id].status == RepoStatus.None, SettlementExists(id));
        $.repos[id] = Record(RepoStatus.Proposed, flags, msg.sender);
        emit RepoProposed(id, msg.sender, terms);
        if (lockLeg) _lockOpeningLeg(id, terms, flags);
    }

    /// @inheritdoc IRepo
    function affirm(RepoTerms calldata terms, bool lockLeg, bool lockReturn) external nonReentrant {
        bytes32 id = _repoId(terms);
        uint8 flags = _affirmation(id, terms, lockLeg, lockReturn);
        Record memory r = _repos().repos[id];
        _requireStatus(id, r, RepoStatus.Proposed);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp <= terms.openBy, SettlementDeadlinePassed(id, terms.openBy));
        require(r.flags & flags & BOTH_AFFIRMED == 0, SettlementAlreadyAffirmed(id, msg.sender));
        emit RepoAffirmed(id, msg.sender);
        if ((r.flags | flags) & BOTH_AFFIRMED != BOTH_AFFIRMED) {
            _repos().repos[id].flags = r.flags | flags;
            if (lockLeg) _lockOpeningLeg(id, terms, flags);
            return;
        }
        // The pair is complete and the opening leg settles now: the caller's own leg moves at once.
        r.flags |= flags & ~(SECURITY_LOCKED | CASH_LOCKED);
        _open(id, terms, r);
    }

    // ---------------------------------------------------------------- closing and remedies

    /// @inheritdoc IRepo
    function close(RepoTerms calldata terms) external nonReentrant {
        bytes32 id = _repoId(terms);
        require(msg.sender == terms.borrower || msg.sender == terms.lender, SettlementNotParty(id, msg.sender));
        Record memory r = _repos().repos[id];
        _requireStatus(id, r, RepoStatus.Open);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp >= terms.maturity, RepoNotDue(id, terms.maturity));
        _repos().repos[id].status = RepoStatus.Closed;
        emit RepoClosed(id, msg.sender);
        _exchange(
            Leg(terms.cashToken, terms.borrower, terms.lender, terms.repurchasePrice, 0, 0),
            Leg(terms.securityToken, terms.lender, terms.borrower, terms.securityAmount, _returnLocked(terms, r), 0)
        );
    }

    /// @inheritdoc IRepo
    function claimSecurities(RepoTerms calldata terms) external nonReentrant {
        bytes32 id = _repoId(terms);
        require(msg.sender == terms.lender, SettlementNotParty(id, msg.sender));
        Record memory r = _repos().repos[id];
        _requireStatus(id, r, RepoStatus.Open);
        uint256 graceEnd = uint256(terms.maturity) + terms.grace;
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp > graceEnd, RepoNotDue(id, graceEnd + 1));
        _repos().repos[id].status = RepoStatus.BorrowerDefaulted;
        emit RepoBorrowerDefaulted(id);
        _releaseReturn(id, terms, r);
    }

    /// @inheritdoc IRepo
    function declareLenderDefault(RepoTerms calldata terms) external nonReentrant {
        bytes32 id = _repoId(terms);
        require(msg.sender == terms.borrower, SettlementNotParty(id, msg.sender));
        Record memory r = _repos().repos[id];
        _requireStatus(id, r, RepoStatus.Open);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp >= terms.maturity, RepoNotDue(id, terms.maturity));
        uint8 repayment = _legCode(terms.cashToken, terms.borrower, terms.lender, terms.repurchasePrice, 0);
        require(repayment == SettlementCode.SUCCESS, RepoRepaymentNotReady(id, repayment));
        uint8 delivery =
            _legCode(terms.securityToken, terms.lender, terms.borrower, terms.securityAmount, _returnLocked(terms, r));
        require(_lenderSide(delivery), RepoReturnNotLenderFault(id, delivery));
        _repos().repos[id].status = RepoStatus.LenderDefaulted;
        emit RepoLenderDefaulted(id, delivery);
        _releaseReturn(id, terms, r);
    }

    /// @inheritdoc IRepo
    function cancel(RepoTerms calldata terms) external nonReentrant {
        bytes32 id = _repoId(terms);
        Record memory r = _repos().repos[id];
        bool party = msg.sender == terms.borrower || msg.sender == terms.lender;
        require(party || msg.sender == r.proposer, SettlementNotParty(id, msg.sender));
        if (r.status != RepoStatus.None) {
            require(r.status == RepoStatus.Proposed, SettlementWrongStatus(id, uint8(r.status)));
        }
        _repos().repos[id] = Record(RepoStatus.Cancelled, r.flags, r.proposer);
        emit RepoCancelled(id, msg.sender);
        _releaseOpeningLegs(id, terms, r.flags);
    }

    /// @inheritdoc IRepo
    function expire(RepoTerms calldata terms) external nonReentrant {
        bytes32 id = _repoId(terms);
        Record memory r = _repos().repos[id];
        _requireStatus(id, r, RepoStatus.Proposed);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp > terms.openBy, SettlementDeadlineNotPassed(id, terms.openBy));
        _repos().repos[id].status = RepoStatus.Expired;
        emit RepoExpired(id);
        _releaseOpeningLegs(id, terms, r.flags);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRepo
    function repoId(RepoTerms calldata terms) external pure returns (bytes32) {
        return _repoId(terms);
    }

    /// @inheritdoc IRepo
    function purchasePrice(RepoTerms calldata terms) public pure returns (uint256) {
        return Math.mulDiv(terms.securityValue, FULL_BPS - terms.haircutBps, FULL_BPS);
    }

    /// @inheritdoc IRepo
    function repoState(bytes32 id) external view returns (RepoState memory) {
        Record memory r = _repos().repos[id];
        return RepoState({
            status: r.status,
            borrowerAffirmed: r.flags & BORROWER_AFFIRMED != 0,
            lenderAffirmed: r.flags & LENDER_AFFIRMED != 0,
            securityLocked: r.flags & SECURITY_LOCKED != 0,
            cashLocked: r.flags & CASH_LOCKED != 0,
            returnLocked: r.flags & RETURN_LOCKED != 0,
            proposer: r.proposer
        });
    }

    /// @inheritdoc IRepo
    function checkOpening(RepoTerms calldata terms) external view returns (RepoCheck memory check) {
        Record memory r = _repos().repos[_repoId(terms)];
        check.repo = _statusCode(r, RepoStatus.Proposed);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        if (check.repo == SettlementCode.SUCCESS && block.timestamp > terms.openBy) {
            check.repo = SettlementCode.EXPIRED;
        }
        uint256 price = purchasePrice(terms);
        check.securityLeg = _legCode(
            terms.securityToken,
            terms.borrower,
            terms.lender,
            terms.securityAmount,
            r.flags & SECURITY_LOCKED != 0 ? terms.securityAmount : 0
        );
        check.cashLeg =
            _legCode(terms.cashToken, terms.lender, terms.borrower, price, r.flags & CASH_LOCKED != 0 ? price : 0);
    }

    /// @inheritdoc IRepo
    function checkClosing(RepoTerms calldata terms) external view returns (RepoCheck memory check) {
        Record memory r = _repos().repos[_repoId(terms)];
        check.repo = _statusCode(r, RepoStatus.Open);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        if (check.repo == SettlementCode.SUCCESS && block.timestamp < terms.maturity) {
            check.repo = SettlementCode.NOT_DUE;
        }
        check.securityLeg =
            _legCode(terms.securityToken, terms.lender, terms.borrower, terms.securityAmount, _returnLocked(terms, r));
        check.cashLeg = _legCode(terms.cashToken, terms.borrower, terms.lender, terms.repurchasePrice, 0);
    }

    // ---------------------------------------------------------------- internals

    function _open(bytes32 id, RepoTerms calldata terms, Record memory r) private {
        _repos().repos[id] = Record(RepoStatus.Open, r.flags, r.proposer);
        uint256 price = purchasePrice(terms);
        emit RepoOpened(id, price);
        bool lockReturn = r.flags & RETURN_LOCKED != 0;
        uint256 returnLocks = lockReturn ? _bookLock(id, terms.securityToken, terms.lender, terms.securityAmount) : 0;
        (Leg memory securities, Leg memory cash) = _openingLegs(terms, r.flags, price);
        _exchange(securities, cash);
        // The lender holds the securities now: it locks them for their return.
        if (lockReturn) _takeLock(terms.securityToken, terms.lender, returnLocks);
    }

    /// @dev The flags of the caller's affirmation as a party.
    function _affirmation(bytes32 id, RepoTerms calldata terms, bool lockLeg, bool lockReturn)
        private
        view
        returns (uint8 flags)
    {
        if (msg.sender == terms.borrower) {
            require(!lockReturn, RepoReturnLockNotLender(id));
            return lockLeg ? BORROWER_AFFIRMED | SECURITY_LOCKED : BORROWER_AFFIRMED;
        }
        require(msg.sender == terms.lender, SettlementNotParty(id, msg.sender));
        flags = lockLeg ? LENDER_AFFIRMED | CASH_LOCKED : LENDER_AFFIRMED;
        if (lockReturn) flags |= RETURN_LOCKED;
    }

    function _lockOpeningLeg(bytes32 id, RepoTerms calldata terms, uint8 flags) private {
        if (flags & SECURITY_LOCKED != 0) _lock(id, terms.securityToken, terms.borrower, terms.securityAmount);
        else _lock(id, terms.cashToken, terms.lender, purchasePrice(terms));
    }

    function _releaseOpeningLegs(bytes32 id, RepoTerms calldata terms, uint8 flags) private {
        (Leg memory securities, Leg memory cash) = _openingLegs(terms, flags, purchasePrice(terms));
        _releaseLegs(id, securities, cash);
    }

    /// @dev The opening leg's two sides, each with its locked amount if locked.
    function _openingLegs(RepoTerms calldata terms, uint8 flags, uint256 price)
        private
        pure
        returns (Leg memory securities, Leg memory cash)
    {
        uint256 securityLocked = flags & SECURITY_LOCKED != 0 ? terms.securityAmount : 0;
        securities = Leg(terms.securityToken, terms.borrower, terms.lender, terms.securityAmount, securityLocked, 0);
        cash = Leg(terms.cashToken, terms.lender, terms.borrower, price, flags & CASH_LOCKED != 0 ? price : 0, 0);
    }

    /// @dev Gives the lender its securities locked for their return, when they were.
    function _releaseReturn(bytes32 id, RepoTerms calldata terms, Record memory r) private {
        if (r.flags & RETURN_LOCKED == 0) return;
        _releaseLeg(id, Leg(terms.securityToken, terms.lender, terms.borrower, 0, terms.securityAmount, 0));
    }

    function _returnLocked(RepoTerms calldata terms, Record memory r) private pure returns (uint256) {
        return r.flags & RETURN_LOCKED != 0 ? terms.securityAmount : 0;
    }

    /// @dev Whether a failing return leg is the lender's doing: a sender-side rule, or the
    /// lender's balance, allowance or lock. Pauses, the borrower's own eligibility and token
    /// failures are not.
    function _lenderSide(uint8 code) private pure returns (bool) {
        return (code >= RestrictionCode.SENDER_NOT_REGISTERED
                && code <= RestrictionCode.SENDER_JURISDICTION_NOT_ALLOWED)
            || (code >= RestrictionCode.INSUFFICIENT_BALANCE && code <= RestrictionCode.TOKENS_LOCKED)
            || code == RestrictionCode.DAILY_LIMIT_EXCEEDED || code == RestrictionCode.SENDER_BLACKLISTED
            || (code >= SettlementCode.ALLOWANCE_INSUFFICIENT && code <= SettlementCode.AVAILABLE_BALANCE_INSUFFICIENT);
    }

    function _statusCode(Record memory r, RepoStatus wanted) private pure returns (uint8) {
        if (r.status == RepoStatus.None) return SettlementCode.UNKNOWN;
        return r.status == wanted ? SettlementCode.SUCCESS : SettlementCode.WRONG_STATUS;
    }

    function _requireStatus(bytes32 id, Record memory r, RepoStatus wanted) private pure {
        require(r.status != RepoStatus.None, SettlementUnknown(id));
        require(r.status == wanted, SettlementWrongStatus(id, uint8(r.status)));
    }

    function _validateTerms(bytes32 id, RepoTerms calldata terms) private view {
        _validateDeal(id, terms.borrower, terms.lender, terms.securityToken, terms.cashToken);
        require(terms.haircutBps < FULL_BPS, RepoHaircutInvalid(id, terms.haircutBps));
        require(
            terms.securityAmount != 0 && terms.repurchasePrice != 0 && purchasePrice(terms) != 0,
            SettlementAmountZero(id)
        );
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp <= terms.openBy, SettlementDeadlinePassed(id, terms.openBy));
        require(terms.maturity > terms.openBy, RepoScheduleInvalid(id, terms.openBy, terms.maturity));
    }

    function _repoId(RepoTerms calldata terms) private pure returns (bytes32) {
        return keccak256(abi.encode(REPO_TYPEHASH, terms));
    }

    function _repos() private pure returns (RepoStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := REPO_STORAGE
        }
    }
}
