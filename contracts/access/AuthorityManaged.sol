// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AuthorityRoles} from "./AuthorityRoles.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Roles} from "./Roles.sol";

/// @title AuthorityManaged
/// @notice Base of every upgradeable permledger contract: roles are asked of the shared
/// authority, and only its upgrader may upgrade the implementation (UUPS, ERC-1967).
/// @dev A role check is one external view call (~5k gas cold); AccessManager's `canCall` costs
/// ~11k and would break the transfer and mint gas targets.
abstract contract AuthorityManaged is Initializable, UUPSUpgradeable, AuthorityRoles {
    /// @notice The authority address given is not a contract.
    error AccessAuthorityInvalid(address authority);

    /// @notice The authority this contract asks for roles.
    function authority() public view returns (address) {
        return address(_authorityStorage().authority);
    }

    /// @dev Binds the contract to its authority; called once from the initializer.
    // slither-disable-next-line naming-convention (OpenZeppelin's initializer naming)
    function __AuthorityManaged_init(address authority_) internal onlyInitializing {
        require(authority_.code.length != 0, AccessAuthorityInvalid(authority_));
        _authorityStorage().authority = IAccessControl(authority_);
    }

    /// @dev Only the upgrader may move the proxy to a new implementation.
    function _authorizeUpgrade(address) internal view override onlyRole(Roles.UPGRADER) {}
}
