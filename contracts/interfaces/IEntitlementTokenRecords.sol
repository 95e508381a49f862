// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IEntitlementTokenRecords
/// @notice The holdings of record of an entitlement token: record dates, balances at them and
/// investor totals across wallets. Served at the token's own address (its fallback runs them in
/// the token's storage), so callers use the token address with this interface.
interface IEntitlementTokenRecords {
    /// @notice A record date was scheduled.
    event RecordDateScheduled(uint24 indexed recordId, uint40 time);

    /// @notice Every unit was split by `numerator:denominator` after record date `recordId` (the
    /// last one in the old units); `totalSupply` is the new supply.
    event SplitExecuted(uint24 indexed recordId, uint32 numerator, uint32 denominator, uint256 totalSupply);
    /// @notice The per-investor limits were scaled by a split (rules keep holders on the same side).
    event InvestorLimitsScaled(uint96 maxBalancePerInvestor, uint96 dailyLimitPerInvestor);
    /// @notice A wallet's amounts were converted to the units after split `recordId`; `balance` is
    /// its new balance.
    event SplitSettled(address indexed wallet, uint24 indexed recordId, uint256 balance);
    /// @notice The whole units left over by splits' rounding were credited to an issuer wallet.
    event SplitRemainderClaimed(address indexed wallet, uint256 amount);

    /// @notice A split ratio needs two non-zero terms that differ.
    error TokenSplitRatioInvalid(uint32 numerator, uint32 denominator);
    /// @notice A split takes its record date now, so none may be scheduled later than now.
    error TokenSplitRecordDatePending(uint24 recordId, uint40 time);
    /// @notice The supply after the split would not fit 96 bits.
    error TokenSplitSupplyOverflow(uint256 supply, uint32 numerator, uint32 denominator);
    /// @notice Split remainders go only to a registered wallet.
    error TokenSplitRemainderWalletInvalid(address wallet);

    /// @notice A record date must be now or later, and not before the last one scheduled.
    error TokenRecordDateInvalid(uint40 time, uint40 earliest);
    /// @notice The record date with this id is scheduled but its time has not come.
    error TokenRecordDateNotPassed(uint24 recordId);
    /// @notice No record date with this id was ever scheduled (ids run from 1 to `recordDateCount`).
    error TokenRecordDateUnknown(uint24 recordId);

    /// @notice Schedules a record date at `time` (now or later, not before the last one).
    /// Requirements: caller is an issuer or a transfer agent.
    /// Emits `RecordDateScheduled`.
    function scheduleRecordDate(uint40 time) external returns (uint24 recordId);

    /// @notice Splits every unit by `numerator:denominator` (2:1 forward, 1:10 reverse, 3:2), in
    /// constant gas: a record date is taken now (balances at it stay in the old units), the supply,
    /// the circuit breaker's window and the per-investor limits are scaled at once, and each
    /// wallet's amounts are converted on its next move (or by `settleSplits`). Each wallet rounds
    /// down; the fractions left over go to the issuer (`claimSplitRemainder`).
    /// Requirements: caller is an issuer; both terms non-zero and different
    /// (`TokenSplitRatioInvalid`); no record date scheduled after now
    /// (`TokenSplitRecordDatePending`); the new supply fits 96 bits (`TokenSplitSupplyOverflow`).
    /// Emits `RecordDateScheduled`, `SplitExecuted` and `InvestorLimitsScaled`.
    function split(uint32 numerator, uint32 denominator) external returns (uint24 recordId);

    /// @notice Converts the given wallets to today's units (on tracked tokens, every wallet of
    /// their investors and the investors' positions); wallets already converted are skipped.
    /// Anyone may call it, so that holders' balances match the supply without waiting for moves.
    /// Emits `SplitSettled` for each wallet converted.
    function settleSplits(address[] calldata wallets) external;

    /// @notice Credits to `wallet` the whole units the roundings of settled wallets have left over
    /// (already in the supply, which does not change); returns the amount.
    /// Requirements: caller is an issuer; `wallet` is registered
    /// (`TokenSplitRemainderWalletInvalid`).
    /// Emits `SplitRemainderClaimed` and `Transfer` from the zero address.
    function claimSplitRemainder(address wallet) external returns (uint256 amount);

    /// @notice The whole units `claimSplitRemainder` would credit now.
    function splitRemainder() external view returns (uint256);

    /// @notice The record id of the last split (zero before any).
    function lastSplitRecord() external view returns (uint24);

    /// @notice The ratio of the split taken at record date `recordId` (0:0 when none was).
    function splitRatio(uint24 recordId) external view returns (uint32 numerator, uint32 denominator);

    /// @notice The factor from the units at record date `recordId` to today's: the product of the
    /// splits from it on (1:1 when none). Multiply an amount of record by the numerator and
    /// divide by the denominator (rounding down as each wallet does only with a single split).
    /// Requirements: the record date was scheduled (`TokenRecordDateUnknown`).
    function splitFactorSince(uint24 recordId) external view returns (uint256 numerator, uint256 denominator);

    /// @notice An investor's balance across all its wallets, active and retired (from its position
    /// on tracked tokens, else summed); zero for an investor the registry does not know.
    function investorBalance(bytes32 investorId) external view returns (uint256);

    /// @notice The number of record dates scheduled.
    function recordDateCount() external view returns (uint24);

    /// @notice The time of record date `recordId`.
    /// Requirements: the record date was scheduled (else `TokenRecordDateUnknown`).
    function recordDate(uint24 recordId) external view returns (uint40);

    /// @notice The number of record dates whose time has come.
    function passedRecordDates() external view returns (uint24);

    /// @notice A wallet's balance at a passed record date (zero for a wallet that never held), in
    /// the units in force at that date (a split's record date is the last one before it).
    /// Requirements: the record date was scheduled (else `TokenRecordDateUnknown`) and its time has
    /// come (else `TokenRecordDateNotPassed`); the same for the two views below.
    function balanceOfAt(address wallet, uint24 recordId) external view returns (uint256);

    /// @notice An investor's balance across all its wallets, active and retired, at a passed
    /// record date. Like a wallet that never held, an investor the registry does not know held
    /// nothing: zero, not an error.
    function investorBalanceAt(bytes32 investorId, uint24 recordId) external view returns (uint256);

    /// @notice The total supply at a passed record date, in the units in force at that date.
    function totalSupplyAt(uint24 recordId) external view returns (uint256);
}
