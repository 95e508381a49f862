// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IDisclosures} from "../interfaces/IDisclosures.sol";

/// @title Disclosures
/// @notice ERC-1643-style documents per token; see `IDisclosures`.
/// @dev Invariant: a name is in a token's set exactly when that token has a document of that name.
contract Disclosures is IDisclosures, AuthorityManaged {
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @custom:storage-location erc7201:permledger.storage.Disclosures
    struct DisclosuresStorage {
        mapping(address token => EnumerableSet.Bytes32Set) names;
        mapping(address token => mapping(bytes32 name => Document)) documents;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.Disclosures")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DISCLOSURES_STORAGE = 0x0b1eb6674aee8458326e78426ddca762c3cc0452d76792abaaaee25aa5f85400;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the contract to the system's authority.
    function initialize(address authority_) external initializer {
        __AuthorityManaged_init(authority_);
    }

    /// @inheritdoc IDisclosures
    function setDocument(address token, bytes32 name, string calldata uri, bytes32 documentHash)
        external
        onlyRole(Roles.ISSUER)
    {
        require(name != bytes32(0) && bytes(uri).length != 0, DisclosureDocumentInvalid(name));
        DisclosuresStorage storage $ = _storage();
        // slither-disable-next-line unused-return (false when the name exists: a replaced document keeps it)
        $.names[token].add(name);
        $.documents[token][name] = Document(uri, documentHash, block.timestamp);
        emit DocumentUpdated(token, name, uri, documentHash);
    }

    /// @inheritdoc IDisclosures
    function removeDocument(address token, bytes32 name) external onlyRole(Roles.ISSUER) {
        DisclosuresStorage storage $ = _storage();
        require($.names[token].remove(name), DisclosureDocumentUnknown(token, name));
        Document memory removed = $.documents[token][name];
        delete $.documents[token][name];
        emit DocumentRemoved(token, name, removed.uri, removed.contentHash);
    }

    /// @inheritdoc IDisclosures
    function getDocument(address token, bytes32 name) external view returns (string memory, bytes32, uint256) {
        DisclosuresStorage storage $ = _storage();
        require($.names[token].contains(name), DisclosureDocumentUnknown(token, name));
        Document memory d = $.documents[token][name];
        return (d.uri, d.contentHash, d.lastModified);
    }

    /// @inheritdoc IDisclosures
    function getAllDocuments(address token) external view returns (bytes32[] memory) {
        return _storage().names[token].values();
    }

    function _storage() private pure returns (DisclosuresStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := DISCLOSURES_STORAGE
        }
    }
}
