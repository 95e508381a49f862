// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IPriceFeed
/// @notice Prices posted by permissioned feeders: quote (cash) base units per asset base unit,
/// scaled by 10^18, with the time they were posted. Consumers decide how old is too old.
interface IPriceFeed {
    /// @notice A price and when it was posted.
    struct Price {
        uint128 value;
        uint40 updatedAt;
    }

    /// @notice The price of `asset` was posted.
    event PriceUpdated(address indexed asset, uint128 value, uint40 updatedAt);

    /// @notice A price of zero was posted.
    error PriceFeedPriceInvalid(address asset);

    /// @notice Posts the price of `asset` now.
    /// Requirements: caller is a price feeder; `value` is not zero. Emits `PriceUpdated`.
    function setPrice(address asset, uint128 value) external;

    /// @notice The last price of `asset` (zero value and time if never posted).
    function price(address asset) external view returns (Price memory);
}
