// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {PlainERC20} from "../../../contracts/mocks/PlainERC20.sol";
import {StablecoinV2} from "../mocks/StablecoinV2.sol";
import {CashFixture} from "./CashFixture.sol";

/// @notice Only the upgrader moves the stablecoin's proxy, and every piece of its state
/// (balances, minters, blacklist, encumbrances, permit nonces, used authorizations, registry,
/// pause) survives the upgrade, as do signatures made before it.
contract StablecoinUpgradeTest is CashFixture {
    bytes32 internal constant NONCE = keccak256("nonce 1");

    function test_Upgrade_KeepsEveryPieceOfState() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signHere(keyOf("alice"), permitHash(alice, dave, 9, 0, deadline));
        cash.permit(alice, dave, 9, deadline, v, r, s);
        bytes32 transferType = cash.TRANSFER_WITH_AUTHORIZATION_TYPEHASH();
        (v, r, s) = signHere(keyOf("alice"), authorizationHash(transferType, alice, carol, 1, 0, deadline, NONCE));
        cash.transferWithAuthorization(alice, carol, 1, 0, deadline, NONCE, v, r, s);
        vm.prank(alice);
        cash.encumber(carol, 100 * USD);
        vm.prank(blacklister);
        cash.blacklist(bob);
        vm.prank(complianceOfficer);
        cash.setIdentityRegistry(address(registry));
        vm.prank(pauser);
        cash.pause();
        bytes32 separator = cash.DOMAIN_SEPARATOR();
        uint256 supply = cash.totalSupply();
        uint256 allowance = cash.minterAllowance(minter);

        StablecoinV2 next = new StablecoinV2();
        vm.prank(upgrader);
        cash.upgradeToAndCall(address(next), "");

        assertEq(address(uint160(uint256(vm.load(address(cash), ERC1967Utils.IMPLEMENTATION_SLOT)))), address(next));
        assertEq(StablecoinV2(address(cash)).version(), 2);
        assertEq(cash.name(), "Permledger USD");
        assertEq(cash.totalSupply(), supply);
        assertEq(cash.balanceOf(alice), 1_000 * USD - 1);
        assertEq(cash.balanceOf(carol), 1);
        assertEq(cash.minterAllowance(minter), allowance);
        assertTrue(cash.isMinter(minter));
        assertTrue(cash.isBlacklisted(bob));
        assertEq(cash.encumbrances(alice, carol), 100 * USD);
        assertEq(cash.encumberedBalanceOf(alice), 100 * USD);
        assertEq(cash.allowance(alice, dave), 9);
        assertEq(cash.nonces(alice), 1);
        assertTrue(cash.authorizationState(alice, NONCE));
        assertEq(cash.identityRegistry(), address(registry));
        assertTrue(cash.paused());
        assertEq(cash.DOMAIN_SEPARATOR(), separator);

        // Still live after the upgrade: a new permit made with the stored nonce is accepted.
        vm.prank(pauser);
        cash.unpause();
        (v, r, s) = signHere(keyOf("alice"), permitHash(alice, dave, 3, 1, deadline));
        cash.permit(alice, dave, 3, deadline, v, r, s);
        vm.prank(carol);
        cash.transferFrom(alice, dave, 100 * USD);
        assertEq(cash.balanceOf(dave), 100 * USD);
    }

    function test_RevertWhen_UpgradeByNonUpgrader() public {
        StablecoinV2 next = new StablecoinV2();
        vm.prank(admin);
        vm.expectRevert(unauthorized(admin, Roles.UPGRADER));
        cash.upgradeToAndCall(address(next), "");
    }

    function test_RevertWhen_UpgradeToNonUupsContract() public {
        PlainERC20 notUups = new PlainERC20(1);
        vm.prank(upgrader);
        vm.expectRevert(abi.encodeWithSelector(ERC1967Utils.ERC1967InvalidImplementation.selector, address(notUups)));
        cash.upgradeToAndCall(address(notUups), "");
    }

    function test_RevertWhen_ImplementationCalledDirectly() public {
        StablecoinV2 next = new StablecoinV2();
        vm.prank(upgrader);
        vm.expectRevert(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector);
        next.upgradeToAndCall(address(next), "");
    }
}
