// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Rule
/// @notice The switchable transfer rules of a token, as bits of its `rules` mask. Registration of
/// both parties and the investor freeze always apply and have no bit.
library Rule {
    /// @notice Both parties' KYC must not have expired.
    uint16 internal constant KYC = 1 << 0;
    /// @notice The receiver's investor class must be in the token's allowed-class mask.
    uint16 internal constant INVESTOR_CLASS = 1 << 1;
    /// @notice Both parties' jurisdictions must be on the token's jurisdiction list.
    uint16 internal constant JURISDICTION_ALLOWLIST = 1 << 2;
    /// @notice Neither party's jurisdiction may be on the token's jurisdiction list.
    uint16 internal constant JURISDICTION_BLOCKLIST = 1 << 3;
    /// @notice A new investor may not raise the investor count above the maximum.
    uint16 internal constant MAX_INVESTORS = 1 << 4;
    /// @notice An investor's balance across its wallets may not exceed the maximum.
    uint16 internal constant MAX_BALANCE = 1 << 5;
    /// @notice Newly issued units stay locked for the lock-up period.
    uint16 internal constant LOCKUP = 1 << 6;
    /// @notice An investor may send at most the daily limit per UTC day.
    uint16 internal constant DAILY_LIMIT = 1 << 7;
    /// @notice The token pauses itself when more than a share of supply moves within a window.
    uint16 internal constant CIRCUIT_BREAKER = 1 << 8;
    /// @notice Every bit above.
    uint16 internal constant ALL = (1 << 9) - 1;
    /// @notice The rules that need per-investor balances.
    uint16 internal constant INVESTOR_RULES = MAX_INVESTORS | MAX_BALANCE | DAILY_LIMIT;
}
