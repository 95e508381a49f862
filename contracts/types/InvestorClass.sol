// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title InvestorClass
/// @notice The investor classes a registry records. A token's class rule is a bit mask over these
/// numbers (bit `1 << class`).
library InvestorClass {
    uint8 internal constant RETAIL = 1;
    uint8 internal constant ACCREDITED = 2;
    uint8 internal constant QUALIFIED = 3;
    uint8 internal constant INSTITUTIONAL = 4;
    uint8 internal constant MAX = INSTITUTIONAL;
}
