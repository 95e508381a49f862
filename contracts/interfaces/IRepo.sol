// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ISettlementLegs} from "./ISettlementLegs.sol";

/// @title IRepo
/// @notice Repurchase agreements as two delivery-versus-payment legs. The opening leg moves the
/// securities from the borrower (of cash) to the lender against the purchase price: their market
/// value less a haircut. The closing leg, due from maturity, moves the repurchase price back to the
/// lender against the same number of securities. Each leg moves both assets in one transaction or
/// neither, each token's rules judging every transfer to its final recipient.
///
/// When the closing leg does not happen, the wronged party ends the repo: after maturity plus the
/// grace period the lender keeps the securities (`claimSecurities`); from maturity, a borrower
/// ready to pay whose securities the lender cannot deliver keeps the cash
/// (`declareLenderDefault`). The lender may lock the securities it receives for their return
/// (ERC-7246), so it cannot sell them during the term.
///
/// A repo is identified by its terms (the EIP-712 struct hash of `RepoTerms`, `ref` making it
/// unique); the contract stores one slot per repo, and its events rebuild its history.
interface IRepo is ISettlementLegs {
    /// @notice The terms of a repo. `securityValue`, the purchase price and `repurchasePrice` are in
    /// cash-token units; `openBy` is the last second the opening leg may settle, `maturity` the
    /// first second the closing leg is due, and `grace` the seconds after maturity the borrower has
    /// to pay before the lender may keep the securities.
    struct RepoTerms {
        address borrower;
        address lender;
        address securityToken;
        uint256 securityAmount;
        address cashToken;
        uint256 securityValue;
        uint16 haircutBps;
        uint256 repurchasePrice;
        uint40 openBy;
        uint40 maturity;
        uint40 grace;
        bytes32 ref;
    }

    /// @notice Where a repo is.
    enum RepoStatus {
        None,
        Proposed,
        Open,
        Closed,
        BorrowerDefaulted,
        LenderDefaulted,
        Cancelled,
        Expired
    }

    /// @notice What the contract records about a repo.
    struct RepoState {
        RepoStatus status;
        bool borrowerAffirmed;
        bool lenderAffirmed;
        bool securityLocked;
        bool cashLocked;
        bool returnLocked;
        address proposer;
    }

    /// @notice A dry run's verdict: the repo's own state code for the step and each leg's code.
    struct RepoCheck {
        uint8 repo;
        uint8 securityLeg;
        uint8 cashLeg;
    }

    /// @notice Repo `repoId` with `terms` was proposed by `proposer` (a party proposing affirms).
    event RepoProposed(bytes32 indexed repoId, address indexed proposer, RepoTerms terms);
    /// @notice `party` affirmed repo `repoId`.
    event RepoAffirmed(bytes32 indexed repoId, address indexed party);
    /// @notice The opening leg of repo `repoId` settled at `purchasePrice`.
    event RepoOpened(bytes32 indexed repoId, uint256 purchasePrice);
    /// @notice The closing leg of repo `repoId` settled, executed by `by`.
    event RepoClosed(bytes32 indexed repoId, address indexed by);
    /// @notice The borrower did not repay repo `repoId` in time; the lender kept the securities.
    event RepoBorrowerDefaulted(bytes32 indexed repoId);
    /// @notice The lender could not return the securities of repo `repoId` (its leg's `code`);
    /// the borrower kept the cash.
    event RepoLenderDefaulted(bytes32 indexed repoId, uint8 code);
    /// @notice `by` cancelled repo `repoId` before it opened.
    event RepoCancelled(bytes32 indexed repoId, address indexed by);
    /// @notice Repo `repoId` did not open by its deadline.
    event RepoExpired(bytes32 indexed repoId);

    /// @notice The haircut must be below 100% (10,000 basis points).
    error RepoHaircutInvalid(bytes32 repoId, uint16 haircutBps);
    /// @notice Maturity must come after the opening deadline.
    error RepoScheduleInvalid(bytes32 repoId, uint40 openBy, uint40 maturity);
    /// @notice The step is due from `dueAt` (unix time) on.
    error RepoNotDue(bytes32 repoId, uint256 dueAt);
    /// @notice Only the lender may lock the securities it receives for their return.
    error RepoReturnLockNotLender(bytes32 repoId);
    /// @notice The borrower cannot declare the lender in default: its own repayment would fail
    /// with `code`.
    error RepoRepaymentNotReady(bytes32 repoId, uint8 code);
    /// @notice The borrower cannot declare the lender in default: the securities' return would
    /// succeed (`code` zero) or fails for a reason that is not the lender's (`code`).
    error RepoReturnNotLenderFault(bytes32 repoId, uint8 code);

    /// @notice Proposes a repo; a party proposing also affirms it. `lockLeg` locks the caller's
    /// opening leg (borrower: the securities, lender: the purchase price); `lockReturn` (lender
    /// only) locks the securities the lender will receive, at opening, for their return.
    /// Requirements: the caller is the borrower, the lender or a venue (which locks nothing); valid
    /// terms (parties distinct and not zero, two different token contracts, amounts, value and
    /// repurchase price above zero, haircut below 10,000 bps, `openBy` not passed, maturity after
    /// it); no repo with these terms yet.
    /// Emits `RepoProposed` (and `LegLocked`).
    // slither-disable-next-line shadowing-local (the returned id is named after its getter on purpose)
    function propose(RepoTerms calldata terms, bool lockLeg, bool lockReturn) external returns (bytes32 repoId);

    /// @notice Affirms a proposed repo as the calling party (locks as in `propose`); the
    /// affirmation that completes the pair settles the opening leg in the same transaction, so its
    /// `lockLeg` has nothing to lock (its `lockReturn` still applies).
    /// Requirements: the repo is proposed and `openBy` has not passed; the caller is a party that
    /// has not affirmed; when opening, both legs pass their tokens' rules and the contract can
    /// spend them.
    /// Emits `RepoAffirmed` (and `LegLocked`), and when opening `RepoOpened`.
    function affirm(RepoTerms calldata terms, bool lockLeg, bool lockReturn) external;

    /// @notice Settles the closing leg: the repurchase price to the lender, the securities back to
    /// the borrower.
    /// Requirements: the caller is a party; the repo is open and maturity has come; both legs pass
    /// their tokens' rules and the contract can spend them.
    /// Emits `RepoClosed`.
    function close(RepoTerms calldata terms) external;

    /// @notice The lender ends a repo the borrower did not repay by maturity plus grace, keeping the
    /// securities (a return lock is released).
    /// Requirements: the caller is the lender; the repo is open; maturity plus grace has passed.
    /// Emits `RepoBorrowerDefaulted` (and `LegReleased`).
    function claimSecurities(RepoTerms calldata terms) external;

    /// @notice The borrower ends a repo whose securities the lender cannot return, keeping the cash
    /// (a return lock is released to the lender).
    /// Requirements: the caller is the borrower; the repo is open and maturity has come; the
    /// borrower's repayment would succeed now, and the return fails for a reason on the lender's
    /// side (its registration, freeze, KYC, jurisdiction, blacklisting, balance, lock-up, daily
    /// limit, or the contract's allowance or lock).
    /// Emits `RepoLenderDefaulted` (and `LegReleased`).
    function declareLenderDefault(RepoTerms calldata terms) external;

    /// @notice Cancels a repo before it opens and releases its locked opening legs.
    /// Requirements: the caller is a party, or the venue that proposed it; the repo is not open or
    /// ended. Emits `RepoCancelled` (and `LegReleased`).
    function cancel(RepoTerms calldata terms) external;

    /// @notice Ends a proposed repo past `openBy` and releases its locked legs; anyone may call it.
    /// Requirements: the repo is proposed and `openBy` has passed. Emits `RepoExpired`.
    function expire(RepoTerms calldata terms) external;

    /// @notice The id of a repo: the EIP-712 struct hash of its terms.
    function repoId(RepoTerms calldata terms) external pure returns (bytes32);

    /// @notice The cash the lender pays at opening: the securities' value less the haircut,
    /// rounded down.
    function purchasePrice(RepoTerms calldata terms) external pure returns (uint256);

    /// @notice What the contract records about repo `repoId` (status `None` if unknown).
    // slither-disable-next-line shadowing-local (the id is named after its getter on purpose)
    function repoState(bytes32 repoId) external view returns (RepoState memory);

    /// @notice Dry-runs the opening leg now (the repo code ignores missing affirmations: the last
    /// one opens).
    function checkOpening(RepoTerms calldata terms) external view returns (RepoCheck memory);

    /// @notice Dry-runs the closing leg now.
    function checkClosing(RepoTerms calldata terms) external view returns (RepoCheck memory);
}
