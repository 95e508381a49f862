// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title IERC7943Fungible
/// @notice ERC-7943 (uRWA), the fungible interface: eligibility checks, frozen amounts and forced
/// transfers of a regulated asset.
interface IERC7943Fungible is IERC165 {
    /// @notice `amount` was taken from `from` and given to `to` by an authorised enforcer.
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount);
    /// @notice The frozen amount of `account` was set to `amount`.
    event Frozen(address indexed account, uint256 amount);

    /// @notice `account` may not send.
    error ERC7943CannotSend(address account);
    /// @notice `account` may not receive.
    error ERC7943CannotReceive(address account);
    /// @notice The transfer breaks a rule.
    error ERC7943CannotTransfer(address from, address to, uint256 amount);
    /// @notice `amount` exceeds the unfrozen part of the balance of `account`.
    error ERC7943InsufficientUnfrozenBalance(address account, uint256 amount, uint256 unfrozen);

    /// @notice Moves `amount` from `from` to `to` past the investor rules.
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool result);

    /// @notice Sets the frozen amount of `account`, replacing the previous one.
    function setFrozenTokens(address account, uint256 amount) external returns (bool result);

    /// @notice Whether `account` may send under the token's rules.
    function canSend(address account) external view returns (bool allowed);

    /// @notice Whether `account` may receive under the token's rules.
    function canReceive(address account) external view returns (bool allowed);

    /// @notice The frozen amount of `account`.
    function getFrozenTokens(address account) external view returns (uint256 amount);

    /// @notice Whether transferring `amount` from `from` to `to` would succeed now.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool allowed);
}
