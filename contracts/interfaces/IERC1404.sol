// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IERC1404
/// @notice ERC-1404 "Simple Restricted Token Standard": a transfer's restriction as a code, and a
/// human message for each code.
interface IERC1404 {
    /// @notice The restriction that would block transferring `value` from `from` to `to` now;
    /// zero when the transfer would succeed.
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8);

    /// @notice A human-readable message for a restriction code.
    function messageForTransferRestriction(uint8 restrictionCode) external view returns (string memory);
}
