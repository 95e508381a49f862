// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IERC3009
/// @notice EIP-3009 "Transfer With Authorization": a holder signs an EIP-712 message off-chain and
/// anyone relays it, so the holder moves funds without sending a transaction. Each authorization
/// names a random 32-byte nonce of its authorizer's choosing, is valid only strictly between
/// `validAfter` and `validBefore`, and is used (or cancelled) once.
/// Every function takes the signature as `(v, r, s)`, as the EIP defines it, or as `bytes`, which
/// also admits ERC-1271 signatures of smart-contract wallets.
interface IERC3009 {
    /// @notice The authorization `nonce` of `authorizer` was used.
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    /// @notice The authorization `nonce` of `authorizer` was cancelled before use.
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    /// @notice Whether the authorization `nonce` of `authorizer` has been used or cancelled.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);

    /// @notice Moves `value` from `from` to `to` on `from`'s signed authorization; anyone may relay it.
    /// @param from The payer, who signed `TransferWithAuthorization`.
    /// @param to The payee.
    /// @param value The amount.
    /// @param validAfter The authorization is valid only after this unix time.
    /// @param validBefore The authorization is valid only before this unix time.
    /// @param nonce The payer's unique 32-byte nonce.
    /// Requirements: `validAfter < now < validBefore`; the nonce unused and not cancelled; the
    /// signature by `from` over this token's EIP-712 domain; the transfer itself allowed.
    /// Emits `AuthorizationUsed` and `Transfer`.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice As the `(v, r, s)` form, with a 65-byte ECDSA or an ERC-1271 signature.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Moves `value` from `from` to the caller on `from`'s signed authorization. Only the
    /// payee can submit it, so a relayer watching the mempool cannot front-run the payee's own
    /// call (for example a contract that takes a deposit and acts on it in the same call).
    /// Requirements: the caller is `to`; otherwise as `transferWithAuthorization` with
    /// `ReceiveWithAuthorization` signed.
    /// Emits `AuthorizationUsed` and `Transfer`.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice As the `(v, r, s)` form, with a 65-byte ECDSA or an ERC-1271 signature.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external;

    /// @notice Cancels an unused authorization of `authorizer`, who signed `CancelAuthorization`.
    /// Requirements: the nonce unused and not cancelled; the signature by `authorizer`.
    /// Emits `AuthorizationCanceled`.
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice As the `(v, r, s)` form, with a 65-byte ECDSA or an ERC-1271 signature.
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external;
}
