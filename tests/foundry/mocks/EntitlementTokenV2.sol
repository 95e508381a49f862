// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EntitlementToken} from "../../../contracts/token/EntitlementToken.sol";

/// @notice A next version of the token for upgrade tests: the same storage, one new function.
/// @dev Kept beside the Foundry tests rather than in contracts/mocks/ because only they use it,
/// so the SDK's artifacts do not change with it.
contract EntitlementTokenV2 is EntitlementToken {
    constructor(address registry) EntitlementToken(registry) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}
