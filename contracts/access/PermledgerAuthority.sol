// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";

/// @title PermledgerAuthority
/// @notice The one authority of a permledger deployment: every contract asks it whether a caller
/// holds a role. Role grants are made by the default admin, whose own transfer is two-step and
/// delayed (OpenZeppelin AccessControlDefaultAdminRules), so a stolen admin key cannot silently
/// take over.
/// @dev Deliberately not upgradeable: it is the root of trust that authorises upgrades.
contract PermledgerAuthority is AccessControlDefaultAdminRules {
    /// @param adminTransferDelay Seconds a new default admin must wait before accepting.
    /// @param initialAdmin The default admin, which grants and revokes every other role.
    constructor(uint48 adminTransferDelay, address initialAdmin)
        AccessControlDefaultAdminRules(adminTransferDelay, initialAdmin)
    {}
}
