// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {Fixture} from "../Fixture.sol";

/// @notice The root of trust: one default admin, replaced only in two delayed steps.
contract PermledgerAuthorityTest is Fixture {
    function test_Constructor_SetsAdminAndDelay() public view {
        assertEq(authority.defaultAdmin(), admin);
        assertEq(authority.defaultAdminDelay(), ADMIN_DELAY);
        assertTrue(authority.hasRole(authority.DEFAULT_ADMIN_ROLE(), admin));
        assertEq(authority.getRoleAdmin(Roles.ISSUER), authority.DEFAULT_ADMIN_ROLE());
    }

    function test_RevertWhen_DefaultAdminGrantedDirectly() public {
        bytes32 adminRole = authority.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(admin);
        authority.grantRole(adminRole, issuer);
    }

    function test_BeginDefaultAdminTransfer_TakesEffectAfterDelay() public {
        address successor = makeAddr("successor");
        vm.prank(admin);
        authority.beginDefaultAdminTransfer(successor);
        uint48 schedule = uint48(START + ADMIN_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule
            )
        );
        vm.prank(successor);
        authority.acceptDefaultAdminTransfer();

        vm.warp(START + ADMIN_DELAY + 1);
        vm.prank(successor);
        authority.acceptDefaultAdminTransfer();
        assertEq(authority.defaultAdmin(), successor);
        assertFalse(authority.hasRole(authority.DEFAULT_ADMIN_ROLE(), admin));
    }

    function test_RevertWhen_RoleGrantedByNonAdmin() public {
        vm.expectRevert(unauthorized(upgrader, authority.DEFAULT_ADMIN_ROLE()));
        vm.prank(upgrader);
        authority.grantRole(Roles.ISSUER, upgrader);
    }
}
