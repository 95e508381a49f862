// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {CollateralVault} from "../../../contracts/collateral/CollateralVault.sol";
import {PriceFeed} from "../../../contracts/collateral/PriceFeed.sol";
import {Fixture} from "../Fixture.sol";

/// @title VaultFixture
/// @notice The core fixture plus a price feed and a collateral vault (cure window of one hour),
/// each behind its proxy, with the clearing agent's and the price feeder's roles granted.
abstract contract VaultFixture is Fixture {
    uint32 internal constant CURE_WINDOW = 1 hours;

    address internal clearing = makeAddr("clearing");
    address internal feeder = makeAddr("feeder");

    CollateralVault internal vault;
    PriceFeed internal feed;

    function setUp() public virtual override {
        super.setUp();
        vm.startPrank(admin);
        authority.grantRole(Roles.CLEARING_AGENT, clearing);
        authority.grantRole(Roles.PRICE_FEEDER, feeder);
        vm.stopPrank();
        feed = PriceFeed(
            address(
                new ERC1967Proxy(address(new PriceFeed()), abi.encodeCall(PriceFeed.initialize, (address(authority))))
            )
        );
        vault = CollateralVault(
            address(
                new ERC1967Proxy(
                    address(new CollateralVault()),
                    abi.encodeCall(CollateralVault.initialize, (address(authority), address(feed), CURE_WINDOW))
                )
            )
        );
    }

    function listAsset(address asset, uint16 haircutBps, uint128 price) internal {
        vm.prank(clearing);
        vault.listAsset(asset, haircutBps, 1 days);
        setPrice(asset, price);
    }

    function setPrice(address asset, uint128 price) internal {
        vm.prank(feeder);
        feed.setPrice(asset, price);
    }
}
