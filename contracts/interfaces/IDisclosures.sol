// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IDisclosures
/// @notice Disclosure documents (prospectus, annual report, notices) attached to entitlement
/// tokens, in the style of ERC-1643 with the token as first argument: one contract serves every
/// token of a deployment. A document is a name, a URI, the hash of its content and the time it was
/// last set.
interface IDisclosures {
    /// @notice A document attached to a token.
    struct Document {
        string uri;
        bytes32 contentHash;
        uint256 lastModified;
    }

    /// @notice Document `name` of `token` was attached or replaced.
    event DocumentUpdated(address indexed token, bytes32 indexed name, string uri, bytes32 documentHash);
    /// @notice Document `name` of `token` was removed; the event keeps its last URI and hash.
    event DocumentRemoved(address indexed token, bytes32 indexed name, string uri, bytes32 documentHash);

    /// @notice The document name is zero, or its URI is empty.
    error DisclosureDocumentInvalid(bytes32 name);
    /// @notice The token has no document with this name.
    error DisclosureDocumentUnknown(address token, bytes32 name);

    /// @notice Attaches or replaces document `name` of `token`.
    /// Requirements: caller is an issuer; `name` is not zero; `uri` is not empty.
    /// Emits `DocumentUpdated`.
    function setDocument(address token, bytes32 name, string calldata uri, bytes32 documentHash) external;

    /// @notice Removes document `name` of `token`.
    /// Requirements: caller is an issuer; the document exists.
    /// Emits `DocumentRemoved`.
    function removeDocument(address token, bytes32 name) external;

    /// @notice Document `name` of `token`: URI, content hash and time last set.
    /// Requirements: the document exists.
    function getDocument(address token, bytes32 name)
        external
        view
        returns (string memory uri, bytes32 documentHash, uint256 lastModified);

    /// @notice The names of every document of `token`, in no particular order.
    function getAllDocuments(address token) external view returns (bytes32[] memory);
}
