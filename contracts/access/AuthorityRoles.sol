// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @title AuthorityRoles
/// @notice Role checks against the system's one authority, whose address lives in namespaced
/// storage: the part of `AuthorityManaged` that code run by delegatecall in a managed contract's
/// storage (an extension behind its fallback) needs too.
abstract contract AuthorityRoles {
    /// @custom:storage-location erc7201:permledger.storage.AuthorityManaged
    struct AuthorityStorage {
        IAccessControl authority;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.AuthorityManaged")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant AUTHORITY_STORAGE = 0xbf7f01b42c56bd84319d6ec2ef0db0f30832b3fba89f1210f6d5313308a6bb00;

    /// @notice Reverts unless the caller holds `role` in the authority.
    modifier onlyRole(bytes32 role) {
        _checkRole(role);
        _;
    }

    /// @dev Reverts with the authority's own error when the caller lacks `role`.
    function _checkRole(bytes32 role) internal view {
        require(_hasRole(role), IAccessControl.AccessControlUnauthorizedAccount(msg.sender, role));
    }

    /// @dev Whether the caller holds `role`.
    function _hasRole(bytes32 role) internal view returns (bool) {
        return _authorityStorage().authority.hasRole(role, msg.sender);
    }

    function _authorityStorage() internal pure returns (AuthorityStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := AUTHORITY_STORAGE
        }
    }
}
