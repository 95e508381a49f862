// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RestrictionCode} from "../compliance/RestrictionCode.sol";

/// @title SettlementCode
/// @notice The reason codes of settlement dry runs. A leg's code is the security or cash token's
/// own ERC-1404 code when the token has rules (see `RestrictionCode`; the escrow judges balance,
/// codes 11 and 19, itself), else one of the codes below: 32 and up say why the escrow could not
/// move a leg, 48 and up why the trade or repo itself cannot take the step.
library SettlementCode {
    uint8 internal constant SUCCESS = 0;
    /// @dev The balance of the sender is below the amount (shared with ERC-1404 code 11).
    uint8 internal constant INSUFFICIENT_BALANCE = RestrictionCode.INSUFFICIENT_BALANCE;

    uint8 internal constant ALLOWANCE_INSUFFICIENT = 32;
    uint8 internal constant ENCUMBRANCE_INSUFFICIENT = 33;
    uint8 internal constant AVAILABLE_BALANCE_INSUFFICIENT = 34;
    uint8 internal constant TOKEN_CHECK_FAILED = 35;

    uint8 internal constant UNKNOWN = 48;
    uint8 internal constant SETTLED = 49;
    uint8 internal constant CANCELLED = 50;
    uint8 internal constant EXPIRED = 51;
    uint8 internal constant SELLER_NOT_AFFIRMED = 52;
    uint8 internal constant BUYER_NOT_AFFIRMED = 53;
    uint8 internal constant WRONG_STATUS = 54;
    uint8 internal constant NOT_DUE = 55;
    uint8 internal constant SPLIT_SINCE_STRIKE = 56;

    /// @notice The message of `code`: ERC-1404 codes get `RestrictionCode`'s message.
    function message(uint8 code) internal pure returns (string memory) {
        if (code <= RestrictionCode.LAST) return RestrictionCode.message(code);
        if (code == ALLOWANCE_INSUFFICIENT) return "The escrow's allowance from the sender is below the amount";
        if (code == ENCUMBRANCE_INSUFFICIENT) {
            return "The sender's units encumbered to the escrow are below its locked legs";
        }
        if (code == AVAILABLE_BALANCE_INSUFFICIENT) return "Amount exceeds the sender's balance free of encumbrances";
        if (code == TOKEN_CHECK_FAILED) return "The token did not answer a settlement check";
        if (code == UNKNOWN) return "No such trade or repo";
        if (code == SETTLED) return "Already settled";
        if (code == CANCELLED) return "Cancelled";
        if (code == EXPIRED) return "Past its deadline";
        if (code == SELLER_NOT_AFFIRMED) return "The seller (or repo borrower) has not affirmed";
        if (code == BUYER_NOT_AFFIRMED) return "The buyer (or repo lender) has not affirmed";
        if (code == WRONG_STATUS) return "Not in the status this step needs";
        if (code == NOT_DUE) return "Not due yet";
        if (code == SPLIT_SINCE_STRIKE) return "The security split after the trade was struck: strike it again";
        return "Unknown settlement code";
    }
}
