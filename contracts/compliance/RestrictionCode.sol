// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title RestrictionCode
/// @notice The reason codes of every transfer rule (ERC-1404) and their messages. The order of
/// the codes is the order in which the rules are checked, the sender before the receiver: a
/// transfer reports the first rule it breaks. The cash codes (17 on) belong to the stablecoin,
/// which checks pause, then blacklists, then registration, then balances.
library RestrictionCode {
    uint8 internal constant SUCCESS = 0;
    uint8 internal constant TOKEN_PAUSED = 1;
    uint8 internal constant SENDER_NOT_REGISTERED = 2;
    uint8 internal constant SENDER_FROZEN = 3;
    uint8 internal constant SENDER_KYC_EXPIRED = 4;
    uint8 internal constant SENDER_JURISDICTION_NOT_ALLOWED = 5;
    uint8 internal constant RECEIVER_NOT_REGISTERED = 6;
    uint8 internal constant RECEIVER_FROZEN = 7;
    uint8 internal constant RECEIVER_KYC_EXPIRED = 8;
    uint8 internal constant RECEIVER_CLASS_NOT_ALLOWED = 9;
    uint8 internal constant RECEIVER_JURISDICTION_NOT_ALLOWED = 10;
    uint8 internal constant INSUFFICIENT_BALANCE = 11;
    uint8 internal constant BALANCE_FROZEN = 12;
    uint8 internal constant TOKENS_LOCKED = 13;
    uint8 internal constant MAX_INVESTORS_REACHED = 14;
    uint8 internal constant MAX_BALANCE_EXCEEDED = 15;
    uint8 internal constant DAILY_LIMIT_EXCEEDED = 16;
    uint8 internal constant SENDER_BLACKLISTED = 17;
    uint8 internal constant RECEIVER_BLACKLISTED = 18;
    uint8 internal constant BALANCE_ENCUMBERED = 19;
    uint8 internal constant LAST = BALANCE_ENCUMBERED;

    /// @notice The message of `code`; "Unknown restriction code" for codes past `LAST`.
    function message(uint8 code) internal pure returns (string memory) {
        if (code == SUCCESS) return "No restriction";
        if (code == TOKEN_PAUSED) return "Token is paused";
        if (code == SENDER_NOT_REGISTERED) return "Sender is not a registered wallet";
        if (code == RECEIVER_NOT_REGISTERED) return "Receiver is not a registered wallet";
        if (code == SENDER_FROZEN) return "Sender's investor is frozen";
        if (code == RECEIVER_FROZEN) return "Receiver's investor is frozen";
        if (code == SENDER_KYC_EXPIRED) return "Sender's KYC has expired";
        if (code == RECEIVER_KYC_EXPIRED) return "Receiver's KYC has expired";
        if (code == RECEIVER_CLASS_NOT_ALLOWED) return "Receiver's investor class may not hold this token";
        if (code == SENDER_JURISDICTION_NOT_ALLOWED) return "Sender's jurisdiction is not allowed";
        if (code == RECEIVER_JURISDICTION_NOT_ALLOWED) return "Receiver's jurisdiction is not allowed";
        if (code == INSUFFICIENT_BALANCE) return "Amount exceeds the sender's balance";
        if (code == BALANCE_FROZEN) return "Amount exceeds the sender's unfrozen balance";
        if (code == TOKENS_LOCKED) return "Amount exceeds the sender's balance free of lock-up";
        if (code == MAX_INVESTORS_REACHED) return "Token has reached its maximum number of investors";
        if (code == MAX_BALANCE_EXCEEDED) return "Receiver's investor would exceed the maximum balance";
        if (code == DAILY_LIMIT_EXCEEDED) return "Sender's investor would exceed the daily transfer limit";
        if (code == SENDER_BLACKLISTED) return "Sender is blacklisted";
        if (code == RECEIVER_BLACKLISTED) return "Receiver is blacklisted";
        if (code == BALANCE_ENCUMBERED) return "Amount exceeds the sender's unencumbered balance";
        return "Unknown restriction code";
    }
}
