// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Roles} from "./Roles.sol";

/// @title AuthorityManaged
/// @notice Base of every upgradeable permledger contract: roles are asked of the shared
/// authority, and only its upgrader may upgrade the implementation (UUPS, ERC-1967).
/// @dev A role check is one external view call (~5k gas cold); AccessManager's `canCall` costs
/// ~11k and would break the transfer and mint gas targets.
abstract contract AuthorityManaged is Initializable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:permledger.storage.AuthorityManaged
    struct AuthorityStorage {
        IAccessControl authority;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.AuthorityManaged")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant AUTHORITY_STORAGE = 0xbf7f01b42c56bd84319d6ec2ef0db0f30832b3fba89f1210f6d5313308a6bb00;

    /// @notice The authority address given is not a contract.
    error AccessAuthorityInvalid(address authority);

    /// @notice Reverts unless the caller holds `role` in the authority.
    modifier onlyRole(bytes32 role) {
        _checkRole(role);
        _;
    }

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

    /// @dev Reverts with the authority's own error when the caller lacks `role`.
    function _checkRole(bytes32 role) internal view {
        require(_hasRole(role), IAccessControl.AccessControlUnauthorizedAccount(msg.sender, role));
    }

    /// @dev Whether the caller holds `role`.
    function _hasRole(bytes32 role) internal view returns (bool) {
        return _authorityStorage().authority.hasRole(role, msg.sender);
    }

    /// @dev Only the upgrader may move the proxy to a new implementation.
    function _authorizeUpgrade(address) internal view override onlyRole(Roles.UPGRADER) {}

    function _authorityStorage() private pure returns (AuthorityStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := AUTHORITY_STORAGE
        }
    }
}
