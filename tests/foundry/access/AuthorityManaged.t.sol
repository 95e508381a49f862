// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1967} from "@openzeppelin/contracts/interfaces/IERC1967.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {RestrictionCode} from "../../../contracts/compliance/RestrictionCode.sol";
import {Rule} from "../../../contracts/compliance/Rule.sol";
import {TransferCompliance} from "../../../contracts/compliance/TransferCompliance.sol";
import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {IEntitlementToken} from "../../../contracts/interfaces/IEntitlementToken.sol";
import {EntitlementToken} from "../../../contracts/token/EntitlementToken.sol";
import {InvestorClass} from "../../../contracts/types/InvestorClass.sol";
import {Fixture} from "../Fixture.sol";
import {EntitlementTokenV2} from "../mocks/EntitlementTokenV2.sol";
import {records} from "../utils/Records.sol";
import {IEntitlementTokenRecords} from "../../../contracts/interfaces/IEntitlementTokenRecords.sol";

/// @notice Every restricted function of the token, the registry and the compliance desk answers
/// a caller without its role with the authority's own `AccessControlUnauthorizedAccount(caller,
/// role)`; only the upgrader moves a proxy, and an upgrade of a live token keeps its state.
contract AuthorityManagedTest is Fixture {
    bytes32 internal constant IMPLEMENTATION_SLOT = ERC1967Utils.IMPLEMENTATION_SLOT;
    /// @dev Errors declared in an abstract contract have no `.selector` member outside it.
    bytes4 internal constant AUTHORITY_INVALID = bytes4(keccak256("AccessAuthorityInvalid(address)"));

    struct Restricted {
        address target;
        bytes data;
        bytes32 role;
        /// @dev A second role that may also call (zero for none).
        bytes32 alsoAllowed;
    }

    // ---------------------------------------------------------------- access control

    function test_RevertWhen_CallerLacksRole() public {
        Restricted[] memory calls = restrictedCalls();
        address[7] memory callers = [admin, issuer, agent, complianceOfficer, pauser, upgrader, alice];
        bytes32[7] memory held = [
            bytes32(0),
            Roles.ISSUER,
            Roles.TRANSFER_AGENT,
            Roles.COMPLIANCE_OFFICER,
            Roles.PAUSER,
            Roles.UPGRADER,
            bytes32(0)
        ];
        for (uint256 i; i < calls.length; ++i) {
            for (uint256 j; j < callers.length; ++j) {
                if (held[j] == calls[i].role || held[j] == calls[i].alsoAllowed) continue;
                vm.prank(callers[j]);
                (bool ok, bytes memory ret) = calls[i].target.call(calls[i].data);
                assertFalse(ok, "a caller without the role got through");
                assertEq(ret, unauthorized(callers[j], calls[i].role));
            }
        }
    }

    function test_Roles_HeldByTheirActorsOnly() public view {
        assertTrue(authority.hasRole(Roles.ISSUER, issuer));
        assertTrue(authority.hasRole(Roles.TRANSFER_AGENT, agent));
        assertTrue(authority.hasRole(Roles.COMPLIANCE_OFFICER, complianceOfficer));
        assertTrue(authority.hasRole(Roles.PAUSER, pauser));
        assertTrue(authority.hasRole(Roles.UPGRADER, upgrader));
        assertFalse(authority.hasRole(Roles.ISSUER, admin));
        assertFalse(authority.hasRole(Roles.UPGRADER, admin));
        assertEq(token.authority(), address(authority));
        assertEq(registry.authority(), address(authority));
        assertEq(compliance.authority(), address(authority));
    }

    function test_RevokeRole_TakesEffectAtOnce() public {
        mint(alice, 1);
        vm.prank(admin);
        authority.revokeRole(Roles.ISSUER, issuer);
        vm.expectRevert(unauthorized(issuer, Roles.ISSUER));
        mint(alice, 1);
    }

    function test_RevertWhen_AuthorityIsNotContract() public {
        address implementation = address(new IdentityRegistry());
        vm.expectRevert(abi.encodeWithSelector(AUTHORITY_INVALID, stranger));
        new ERC1967Proxy(implementation, abi.encodeCall(IdentityRegistry.initialize, (stranger)));
    }

    function test_RevertWhen_TokenRegistryIsNotContract() public {
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenDependencyInvalid.selector, stranger));
        new EntitlementToken(stranger);
    }

    function test_RevertWhen_TokenComplianceIsNotContract() public {
        IEntitlementToken.TokenParams memory params;
        (params.authority, params.compliance) = (address(authority), stranger);
        address implementation = address(new EntitlementToken(address(registry)));
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenDependencyInvalid.selector, stranger));
        new ERC1967Proxy(implementation, abi.encodeCall(EntitlementToken.initialize, (params)));
    }

    // ---------------------------------------------------------------- upgrades

    function test_UpgradeToAndCall_LiveTokenKeepsBalancesAndSettings() public {
        // A token in use: rules, limits, jurisdictions, holdings, a freeze, a lock, an allowance,
        // a record date passed with moves after it.
        setRules(Rule.KYC | Rule.JURISDICTION_BLOCKLIST | Rule.MAX_BALANCE | Rule.LOCKUP);
        setInvestorLimits(10, 1000, 0);
        uint16[] memory blocked = new uint16[](1);
        blocked[0] = DE;
        vm.startPrank(complianceOfficer);
        compliance.setJurisdictions(token, blocked, true);
        compliance.setLockupPeriod(token, 30 days);
        vm.stopPrank();
        mint(alice, 500);
        vm.warp(START + 31 days);
        mint(bob, 300);
        vm.prank(agent);
        token.setFrozenTokens(alice, 100);
        scheduleRecordDate(block.timestamp);
        vm.startPrank(alice);
        token.approve(dave, 50);
        token.transfer(bob, 200);
        vm.stopPrank();
        IEntitlementToken.RuleSettings memory before = token.ruleSettings();

        EntitlementTokenV2 v2 = new EntitlementTokenV2(address(registry));
        vm.expectEmit(address(token));
        emit IERC1967.Upgraded(address(v2));
        vm.prank(upgrader);
        token.upgradeToAndCall(address(v2), "");

        assertEq(address(uint160(uint256(vm.load(address(token), IMPLEMENTATION_SLOT)))), address(v2));
        assertEq(EntitlementTokenV2(address(token)).version(), 2);
        assertEq(token.name(), "Permledger Fund A");
        assertEq(token.nominee(), "Cede & Co.");
        assertEq(token.authority(), address(authority));
        assertEq(token.totalSupply(), 800);
        assertEq(token.balanceOf(alice), 300);
        assertEq(token.balanceOf(bob), 500);
        assertEq(records(token).investorBalance(BOB), 500);
        assertEq(token.investorCount(), 2);
        assertEq(token.getFrozenTokens(alice), 100);
        (uint256 locked, uint32 until) = token.lockedTokens(bob);
        assertEq(locked, 300);
        assertEq(until, START + 61 days);
        assertEq(token.allowance(alice, dave), 50);
        assertEq(records(token).balanceOfAt(alice, 1), 500);
        assertEq(records(token).totalSupplyAt(1), 800);
        IEntitlementToken.RuleSettings memory s = token.ruleSettings();
        assertEq(s.rules, before.rules);
        assertEq(s.maxBalancePerInvestor, 1000);
        assertEq(s.lockupPeriod, 30 days);
        assertTrue(compliance.isJurisdictionListed(token, DE));

        // ... and keeps enforcing them.
        assertEq(token.detectTransferRestriction(alice, carol, 1), RestrictionCode.RECEIVER_JURISDICTION_NOT_ALLOWED);
        assertEq(token.detectTransferRestriction(alice, bob, 201), RestrictionCode.BALANCE_FROZEN);
        assertEq(token.detectTransferRestriction(bob, alice, 201), RestrictionCode.TOKENS_LOCKED);
        vm.prank(alice);
        token.transfer(bob, 200);
        assertEq(token.balanceOf(bob), 700);
    }

    function test_UpgradeToAndCall_RegistryAndDeskKeepTheirState() public {
        vm.startPrank(upgrader);
        registry.upgradeToAndCall(address(new IdentityRegistry()), "");
        compliance.upgradeToAndCall(address(new TransferCompliance()), "");
        vm.stopPrank();
        assertEq(registry.investorOf(alice2), ALICE);
        assertEq(registry.investor(BOB).country, GB);
        setRules(Rule.KYC);
        assertEq(token.ruleSettings().rules, Rule.KYC);
        vm.prank(complianceOfficer);
        registry.registerInvestor(keccak256("erin"), US, InvestorClass.RETAIL, KYC_EXPIRY, makeAddr("erin"));
        assertEq(registry.investor(keccak256("erin")).number, 5);
    }

    function test_RevertWhen_UpgradeByNonUpgrader() public {
        address v2 = address(new EntitlementTokenV2(address(registry)));
        address[3] memory callers = [admin, issuer, complianceOfficer];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(unauthorized(callers[i], Roles.UPGRADER));
            vm.prank(callers[i]);
            token.upgradeToAndCall(v2, "");
        }
        address registryV2 = address(new IdentityRegistry());
        vm.expectRevert(unauthorized(admin, Roles.UPGRADER));
        vm.prank(admin);
        registry.upgradeToAndCall(registryV2, "");
    }

    function test_RevertWhen_UpgradeToNonUupsContract() public {
        vm.expectRevert(abi.encodeWithSelector(ERC1967Utils.ERC1967InvalidImplementation.selector, address(authority)));
        vm.prank(upgrader);
        token.upgradeToAndCall(address(authority), "");
    }

    function test_RevertWhen_ImplementationUpgradedDirectly() public {
        address implementation = address(uint160(uint256(vm.load(address(token), IMPLEMENTATION_SLOT))));
        address v2 = address(new EntitlementTokenV2(address(registry)));
        vm.expectRevert(UUPSUpgradeable.UUPSUnauthorizedCallContext.selector);
        vm.prank(upgrader);
        EntitlementToken(implementation).upgradeToAndCall(v2, "");
    }

    // ---------------------------------------------------------------- the table

    function restrictedCalls() internal view returns (Restricted[] memory c) {
        address[] memory wallets = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        uint16[] memory countries = new uint16[](0);
        address t = address(token);
        address r = address(registry);
        address d = address(compliance);
        c = new Restricted[](26);
        c[0] = Restricted(t, abi.encodeCall(token.mint, (alice, 1)), Roles.ISSUER, bytes32(0));
        c[1] = Restricted(t, abi.encodeCall(token.mintBatch, (wallets, amounts)), Roles.ISSUER, bytes32(0));
        c[2] = Restricted(t, abi.encodeCall(token.burn, (alice, 1)), Roles.ISSUER, bytes32(0));
        c[3] = Restricted(t, abi.encodeCall(token.burnBatch, (wallets, amounts)), Roles.ISSUER, bytes32(0));
        c[4] =
            Restricted(t, abi.encodeCall(token.setSecurityInfo, ("n", "s", "u", bytes32(0))), Roles.ISSUER, bytes32(0));
        c[5] = Restricted(t, abi.encodeCall(token.forcedTransfer, (alice, bob, 1)), Roles.TRANSFER_AGENT, bytes32(0));
        c[6] = Restricted(t, abi.encodeCall(token.setFrozenTokens, (alice, 0)), Roles.TRANSFER_AGENT, bytes32(0));
        c[7] = Restricted(t, abi.encodeCall(token.recoverWallet, (alice, alice2)), Roles.TRANSFER_AGENT, bytes32(0));
        c[8] = Restricted(t, abi.encodeCall(token.pause, ()), Roles.PAUSER, bytes32(0));
        c[9] = Restricted(t, abi.encodeCall(token.unpause, ()), Roles.PAUSER, bytes32(0));
        c[10] = Restricted(t, abi.encodeCall(token.upgradeToAndCall, (address(0), "")), Roles.UPGRADER, bytes32(0));
        c[11] = Restricted(
            r,
            abi.encodeCall(registry.registerInvestor, (bytes32("x"), US, 1, KYC_EXPIRY, stranger)),
            Roles.COMPLIANCE_OFFICER,
            bytes32(0)
        );
        c[12] = Restricted(
            r, abi.encodeCall(registry.updateInvestor, (ALICE, US, 1, KYC_EXPIRY)), Roles.COMPLIANCE_OFFICER, bytes32(0)
        );
        c[13] = Restricted(
            r, abi.encodeCall(registry.setInvestorFrozen, (ALICE, true)), Roles.COMPLIANCE_OFFICER, bytes32(0)
        );
        c[14] =
            Restricted(r, abi.encodeCall(registry.addWallet, (ALICE, stranger)), Roles.COMPLIANCE_OFFICER, bytes32(0));
        c[15] = Restricted(r, abi.encodeCall(registry.removeWallet, (alice2)), Roles.COMPLIANCE_OFFICER, bytes32(0));
        c[16] = Restricted(
            r, abi.encodeCall(registry.replaceWallet, (alice2, stranger)), Roles.COMPLIANCE_OFFICER, bytes32(0)
        );
        c[17] = Restricted(r, abi.encodeCall(registry.upgradeToAndCall, (address(0), "")), Roles.UPGRADER, bytes32(0));
        c[18] = Restricted(d, abi.encodeCall(compliance.setRules, (token, 0)), Roles.COMPLIANCE_OFFICER, bytes32(0));
        c[19] = Restricted(
            d, abi.encodeCall(compliance.setAllowedClasses, (token, 0)), Roles.COMPLIANCE_OFFICER, bytes32(0)
        );
        c[20] = Restricted(
            d,
            abi.encodeCall(compliance.setJurisdictions, (token, countries, true)),
            Roles.COMPLIANCE_OFFICER,
            bytes32(0)
        );
        c[21] = Restricted(
            d, abi.encodeCall(compliance.setInvestorLimits, (token, 1, 1, 1)), Roles.COMPLIANCE_OFFICER, bytes32(0)
        );
        c[22] =
            Restricted(d, abi.encodeCall(compliance.setLockupPeriod, (token, 1)), Roles.COMPLIANCE_OFFICER, bytes32(0));
        c[23] = Restricted(
            d, abi.encodeCall(compliance.setCircuitBreaker, (token, 1, 1)), Roles.COMPLIANCE_OFFICER, bytes32(0)
        );
        c[24] = Restricted(d, abi.encodeCall(compliance.upgradeToAndCall, (address(0), "")), Roles.UPGRADER, bytes32(0));
        // Issuers and transfer agents both schedule record dates: others are told the agent's role.
        c[25] = Restricted(
            t,
            abi.encodeCall(IEntitlementTokenRecords.scheduleRecordDate, (uint40(START))),
            Roles.TRANSFER_AGENT,
            Roles.ISSUER
        );
    }
}
