// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IERC7246
/// @notice ERC-7246 (Encumber): an owner pledges part of its balance to a taker without moving it.
/// Encumbered units stay in the owner's balance (and count for the owner at record dates, votes
/// and distributions) but the owner cannot spend them; only the taker can move them, with
/// `transferFrom`, or give them back with `release`. Settlement escrows and collateral vaults
/// lock assets this way.
interface IERC7246 {
    /// @notice `taker` now holds an encumbrance of `amount` more units on the balance of `owner`.
    event Encumber(address indexed owner, address indexed taker, uint256 amount);
    /// @notice `taker` released `amount` units it held encumbered on the balance of `owner`.
    event Release(address indexed owner, address indexed taker, uint256 amount);

    /// @notice The units of `owner` encumbered to any taker.
    function encumberedBalanceOf(address owner) external view returns (uint256 amount);

    /// @notice The units of `owner` neither encumbered nor otherwise unavailable to it.
    function availableBalanceOf(address owner) external view returns (uint256 amount);

    /// @notice The units of `owner` encumbered to `taker`.
    function encumbrances(address owner, address taker) external view returns (uint256 amount);

    /// @notice Encumbers `amount` of the caller's available units to `taker`.
    function encumber(address taker, uint256 amount) external;

    /// @notice Encumbers `amount` of `owner`'s available units to `taker`, spending the caller's
    /// allowance from `owner`.
    function encumberFrom(address owner, address taker, uint256 amount) external;

    /// @notice Releases `amount` units the caller holds encumbered on `owner` back to `owner`.
    function release(address owner, uint256 amount) external;
}
