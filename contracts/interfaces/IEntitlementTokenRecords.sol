// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IEntitlementTokenRecords
/// @notice The holdings of record of an entitlement token: record dates, balances at them and
/// investor totals across wallets. Served at the token's own address (its fallback runs them in
/// the token's storage), so callers use the token address with this interface.
interface IEntitlementTokenRecords {
    /// @notice A record date was scheduled.
    event RecordDateScheduled(uint24 indexed recordId, uint40 time);

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

    /// @notice A wallet's balance at a passed record date (zero for a wallet that never held).
    /// Requirements: the record date was scheduled (else `TokenRecordDateUnknown`) and its time has
    /// come (else `TokenRecordDateNotPassed`); the same for the two views below.
    function balanceOfAt(address wallet, uint24 recordId) external view returns (uint256);

    /// @notice An investor's balance across all its wallets, active and retired, at a passed
    /// record date. Like a wallet that never held, an investor the registry does not know held
    /// nothing: zero, not an error.
    function investorBalanceAt(bytes32 investorId, uint24 recordId) external view returns (uint256);

    /// @notice The total supply at a passed record date.
    function totalSupplyAt(uint24 recordId) external view returns (uint256);
}
