// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IPriceFeed} from "../interfaces/IPriceFeed.sol";

/// @title PriceFeed
/// @notice Permissioned prices for collateral valuation; see `IPriceFeed`.
contract PriceFeed is IPriceFeed, AuthorityManaged {
    /// @custom:storage-location erc7201:permledger.storage.PriceFeed
    struct PriceFeedStorage {
        mapping(address asset => Price) prices;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.PriceFeed")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PRICE_FEED_STORAGE = 0xe71f2f2fa2572fe3c532c07d87efbcfe82f516af8028e54dad381fd5456e6100;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the contract to the system's authority.
    function initialize(address authority_) external initializer {
        __AuthorityManaged_init(authority_);
    }

    /// @inheritdoc IPriceFeed
    function setPrice(address asset, uint128 value) external onlyRole(Roles.PRICE_FEEDER) {
        require(value != 0, PriceFeedPriceInvalid(asset));
        _storage().prices[asset] = Price(value, uint40(block.timestamp));
        emit PriceUpdated(asset, value, uint40(block.timestamp));
    }

    /// @inheritdoc IPriceFeed
    function price(address asset) external view returns (Price memory) {
        return _storage().prices[asset];
    }

    function _storage() private pure returns (PriceFeedStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := PRICE_FEED_STORAGE
        }
    }
}
