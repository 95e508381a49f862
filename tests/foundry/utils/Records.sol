// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IEntitlementTokenRecords} from "../../../contracts/interfaces/IEntitlementTokenRecords.sol";
import {EntitlementToken} from "../../../contracts/token/EntitlementToken.sol";

/// @notice The holdings-of-record interface of `token`, served at the token's address.
function records(EntitlementToken token) pure returns (IEntitlementTokenRecords) {
    return IEntitlementTokenRecords(address(token));
}
