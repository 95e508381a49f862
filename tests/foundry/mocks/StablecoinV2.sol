// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Stablecoin} from "../../../contracts/cash/Stablecoin.sol";

/// @notice A next version of the stablecoin for upgrade tests: the same storage, one new function.
contract StablecoinV2 is Stablecoin {
    function version() external pure returns (uint256) {
        return 2;
    }
}
