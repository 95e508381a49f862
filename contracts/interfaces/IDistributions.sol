// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IDistributions
/// @notice Cash distributions (dividends, coupons) to the holders of an entitlement token at a
/// passed record date, paid in any ERC-20 cash token. The issuer announces and funds in one
/// transaction whose cost does not depend on the number of holders; each investor then claims its
/// pro-rata share of the record-date supply across all its wallets, once per investor, or the
/// transfer agent pushes payments in batches.
/// Share of an investor: `floor(funded * investorBalanceAt(investor, recordId) / totalSupplyAt(recordId))`.
/// Rounding is always down, so the shares never sum to more than was funded; the dust returns to
/// the issuer with the unclaimed funds once the claim deadline has passed.
/// A payment that cannot be made (the investor is frozen in the identity registry, or the cash
/// token refuses the transfer, e.g. a blacklisted wallet) is held: the share is reserved, survives
/// the deadline and is paid by a later claim or push once the obstacle is gone.
interface IDistributions {
    /// @notice One distribution. Packed in three storage slots.
    struct Distribution {
        address token;
        uint96 supplyAtRecord;
        address cash;
        uint96 held;
        uint96 funded;
        uint96 disbursed;
        uint40 claimDeadline;
        uint24 recordId;
    }

    /// @notice Why a payment was held rather than made.
    enum HoldReason {
        None,
        InvestorFrozen,
        CashTransferFailed
    }

    /// @notice A distribution was announced and `amount` of `cash` received for it.
    event DistributionAnnounced(
        uint256 indexed distributionId,
        address indexed token,
        uint24 recordId,
        address cash,
        uint256 amount,
        uint256 supplyAtRecord,
        uint40 claimDeadline
    );
    /// @notice `investorId`'s share was paid to `wallet`.
    event DistributionPaid(
        uint256 indexed distributionId, bytes32 indexed investorId, address indexed wallet, uint256 amount
    );
    /// @notice `investorId`'s share could not be paid to `wallet` and is held for it.
    event DistributionHeld(
        uint256 indexed distributionId,
        bytes32 indexed investorId,
        address indexed wallet,
        uint256 amount,
        HoldReason reason
    );
    /// @notice The unclaimed, unreserved remainder went back to `to` after the deadline.
    event DistributionReclaimed(uint256 indexed distributionId, address indexed to, uint256 amount);

    /// @notice No distribution has this id (none announced, so none funded).
    error DistributionUnknown(uint256 distributionId);
    /// @notice The token is bound to another identity registry than this contract's.
    error DistributionTokenInvalid(address token);
    /// @notice The record date has not passed yet (or does not exist).
    error DistributionRecordDateNotPassed(address token, uint24 recordId);
    /// @notice Nobody held the token at the record date: there is no one to pay.
    error DistributionNoHoldersOfRecord(address token, uint24 recordId);
    /// @notice The amount is zero or above 2^96 - 1 base units.
    error DistributionAmountInvalid(uint256 amount);
    /// @notice The cash received differs from the amount announced (a fee-charging cash token).
    error DistributionFundingMismatch(uint256 announced, uint256 received);
    /// @notice The claim deadline is not in the future.
    error DistributionDeadlineInvalid(uint40 claimDeadline, uint256 nowTime);
    /// @notice The wallet is not a registered wallet of an investor.
    error DistributionWalletNotRegistered(address wallet);
    /// @notice The investor held nothing at the record date (or its share rounds to zero).
    error DistributionNothingOwed(uint256 distributionId, bytes32 investorId);
    /// @notice The investor's share was already paid.
    error DistributionAlreadyPaid(uint256 distributionId, bytes32 investorId);
    /// @notice The claim deadline has passed and the investor's share was not held for it.
    error DistributionClaimPeriodOver(uint256 distributionId, uint40 claimDeadline);
    /// @notice The unclaimed funds cannot be reclaimed before the deadline.
    error DistributionClaimPeriodOpen(uint256 distributionId, uint40 claimDeadline);
    /// @notice A share exceeds what is neither paid nor held: the token answered record-date
    /// balances that do not sum to its record-date supply. Nothing is paid.
    error DistributionShareExceedsFunds(uint256 distributionId, uint256 share, uint256 available);
    /// @notice Nothing is left to reclaim (all paid, held or already reclaimed).
    error DistributionNothingToReclaim(uint256 distributionId);

    /// @notice Announces a distribution of `amount` of `cash` to the holders of `token` at record
    /// date `recordId`, and takes the cash from the caller (it must have approved this contract).
    /// @param token An entitlement token bound to this contract's identity registry.
    /// @param recordId A record date of `token` that has passed.
    /// @param cash The ERC-20 paid out (the stablecoin or any other cash token).
    /// @param amount Base units of `cash` to distribute, at most 2^96 - 1.
    /// @param claimDeadline Time after which unclaimed, unreserved funds may be reclaimed.
    /// @return distributionId The new distribution's id (ids start at 1).
    /// Requirements: caller is an issuer; the record date has passed and someone held the token
    /// then; the deadline is in the future; the cash arrives in full.
    /// Emits `DistributionAnnounced`.
    function announce(address token, uint24 recordId, address cash, uint256 amount, uint40 claimDeadline)
        external
        returns (uint256 distributionId);

    /// @notice Pays the caller's investor its share, to the calling wallet. Held instead (no
    /// revert, returns 0) when the investor is frozen or the cash token refuses the transfer.
    /// @return paid The amount paid (0 when held).
    /// Requirements: the caller is a registered wallet; its investor held units at the record
    /// date and was not paid yet; the deadline has not passed, unless the share was held.
    /// Emits `DistributionPaid` or `DistributionHeld`.
    function claim(uint256 distributionId) external returns (uint256 paid);

    /// @notice Pays each wallet's investor its share, to that wallet. Investors already paid,
    /// without a share, or past the deadline unheld are skipped; frozen or refused ones are held.
    /// Requirements: caller is a transfer agent; every wallet is registered.
    /// Emits `DistributionPaid` or `DistributionHeld` per payment made or held.
    function push(uint256 distributionId, address[] calldata wallets) external;

    /// @notice Sends what is neither paid nor held (unclaimed shares and rounding dust) to `to`.
    /// Requirements: caller is an issuer; the deadline has passed; something is left.
    /// Emits `DistributionReclaimed`.
    function reclaim(uint256 distributionId, address to) external returns (uint256 amount);

    /// @notice The distribution with this id.
    function distribution(uint256 distributionId) external view returns (Distribution memory);

    /// @notice The number of distributions announced (the last id).
    function distributionCount() external view returns (uint256);

    /// @notice What an investor is owed (0 once paid), and whether its share is held.
    function owed(uint256 distributionId, bytes32 investorId) external view returns (uint256 amount, bool held);

    /// @notice Whether the investor's share was paid.
    function isPaid(uint256 distributionId, bytes32 investorId) external view returns (bool);

    /// @notice The identity registry whose investors are paid.
    function identityRegistry() external view returns (address);
}
