// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {RestrictionCode} from "../../../contracts/compliance/RestrictionCode.sol";
import {Rule} from "../../../contracts/compliance/Rule.sol";
import {TransferCompliance} from "../../../contracts/compliance/TransferCompliance.sol";
import {IEntitlementToken} from "../../../contracts/interfaces/IEntitlementToken.sol";
import {ITransferCompliance} from "../../../contracts/interfaces/ITransferCompliance.sol";
import {InvestorClass} from "../../../contracts/types/InvestorClass.sol";
import {Fixture} from "../Fixture.sol";

/// @notice The compliance desk: it validates every setting, writes it to the token and says so.
contract TransferComplianceTest is Fixture {
    function test_SetRules_WritesRulesToToken() public {
        uint16 rules = Rule.KYC | Rule.JURISDICTION_ALLOWLIST | Rule.LOCKUP;
        vm.expectEmit(address(compliance));
        emit ITransferCompliance.RulesChanged(address(token), rules);
        setRules(rules);
        assertEq(token.ruleSettings().rules, rules);
    }

    function test_RevertWhen_RuleUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceRuleUnknown.selector, uint16(1 << 9)));
        setRules(1 << 9);
    }

    function test_RevertWhen_BothJurisdictionModes() public {
        uint16 rules = Rule.JURISDICTION_ALLOWLIST | Rule.JURISDICTION_BLOCKLIST;
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceJurisdictionModeConflict.selector, rules));
        setRules(rules);
    }

    function test_RevertWhen_TokenBoundToOtherDesk() public {
        TransferCompliance other = TransferCompliance(
            address(
                new ERC1967Proxy(
                    address(new TransferCompliance()),
                    abi.encodeCall(TransferCompliance.initialize, (address(authority)))
                )
            )
        );
        vm.startPrank(complianceOfficer);
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceTokenNotBound.selector, address(token)));
        other.setRules(token, Rule.KYC);
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceTokenNotBound.selector, address(token)));
        other.setJurisdictions(token, new uint16[](0), true);
        vm.stopPrank();
    }

    function test_RevertWhen_TokenSettingsWrittenDirectly() public {
        IEntitlementToken.RuleSettings memory settings;
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenCallerNotCompliance.selector, complianceOfficer));
        vm.prank(complianceOfficer);
        token.applyRuleSettings(settings);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenCallerNotCompliance.selector, admin));
        vm.prank(admin);
        token.applyJurisdictionWord(0, 1);
    }

    function test_SetAllowedClasses_WritesMask() public {
        uint8 mask = uint8(1 << InvestorClass.RETAIL | 1 << InvestorClass.QUALIFIED);
        vm.expectEmit(address(compliance));
        emit ITransferCompliance.AllowedClassesChanged(address(token), mask);
        vm.prank(complianceOfficer);
        compliance.setAllowedClasses(token, mask);
        assertEq(token.ruleSettings().allowedClasses, mask);
    }

    function test_RevertWhen_ClassMaskInvalid() public {
        vm.startPrank(complianceOfficer);
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceClassMaskInvalid.selector, uint8(1)));
        compliance.setAllowedClasses(token, 1); // bit 0 is no class
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceClassMaskInvalid.selector, uint8(1 << 5)));
        compliance.setAllowedClasses(token, 1 << 5);
        vm.stopPrank();
    }

    function test_SetJurisdictions_ListsAndUnlists() public {
        uint16[] memory countries = new uint16[](3);
        (countries[0], countries[1], countries[2]) = (US, 1, 999);
        vm.expectEmit(address(compliance));
        emit ITransferCompliance.JurisdictionsChanged(address(token), countries, true);
        vm.prank(complianceOfficer);
        compliance.setJurisdictions(token, countries, true);
        assertTrue(compliance.isJurisdictionListed(token, US));
        assertTrue(compliance.isJurisdictionListed(token, 1));
        assertTrue(compliance.isJurisdictionListed(token, 999));
        assertFalse(compliance.isJurisdictionListed(token, GB));
        assertEq(token.jurisdictionWord(3), 1 << (999 - 768) | 1 << (US - 768)); // codes 768-1023

        uint16[] memory us = new uint16[](1);
        us[0] = US;
        vm.prank(complianceOfficer);
        compliance.setJurisdictions(token, us, false);
        assertFalse(compliance.isJurisdictionListed(token, US));
        assertTrue(compliance.isJurisdictionListed(token, 999));
    }

    function test_RevertWhen_CountryCodeInvalid() public {
        uint16[] memory countries = new uint16[](2);
        (countries[0], countries[1]) = (US, 1000);
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceCountryInvalid.selector, uint16(1000)));
        vm.prank(complianceOfficer);
        compliance.setJurisdictions(token, countries, true);
    }

    function test_SetInvestorLimits_WritesLimits() public {
        vm.expectEmit(address(compliance));
        emit ITransferCompliance.InvestorLimitsChanged(address(token), 99, 1e18, 1e15);
        setInvestorLimits(99, 1e18, 1e15);
        IEntitlementToken.RuleSettings memory s = token.ruleSettings();
        assertEq(s.maxInvestors, 99);
        assertEq(s.maxBalancePerInvestor, 1e18);
        assertEq(s.dailyLimitPerInvestor, 1e15);
    }

    function test_SetLockupPeriod_WritesPeriod() public {
        vm.expectEmit(address(compliance));
        emit ITransferCompliance.LockupPeriodChanged(address(token), 90 days);
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 90 days);
        assertEq(token.ruleSettings().lockupPeriod, 90 days);
    }

    function test_SetCircuitBreaker_WritesShareAndWindow() public {
        vm.expectEmit(address(compliance));
        emit ITransferCompliance.CircuitBreakerChanged(address(token), 2500, 1 days);
        vm.prank(complianceOfficer);
        compliance.setCircuitBreaker(token, 2500, 1 days);
        IEntitlementToken.RuleSettings memory s = token.ruleSettings();
        assertEq(s.breakerShareBps, 2500);
        assertEq(s.breakerWindow, 1 days);
    }

    /// @dev With no share configured the breaker would pause the token on its first transfer.
    function test_RevertWhen_BreakerSwitchedOnBeforeItsSettings() public {
        vm.expectRevert(
            abi.encodeWithSelector(ITransferCompliance.ComplianceBreakerNotConfigured.selector, address(token))
        );
        setRules(Rule.KYC | Rule.CIRCUIT_BREAKER);
        assertEq(token.ruleSettings().rules, 0);
        vm.prank(complianceOfficer);
        compliance.setCircuitBreaker(token, 2500, 1 days);
        setRules(Rule.KYC | Rule.CIRCUIT_BREAKER);
        assertEq(token.ruleSettings().rules, Rule.KYC | Rule.CIRCUIT_BREAKER);
    }

    function test_RevertWhen_CircuitBreakerInvalid() public {
        vm.startPrank(complianceOfficer);
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceBreakerInvalid.selector, 0, 1 days));
        compliance.setCircuitBreaker(token, 0, 1 days);
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceBreakerInvalid.selector, 10_001, 1 days));
        compliance.setCircuitBreaker(token, 10_001, 1 days);
        vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceBreakerInvalid.selector, 100, 0));
        compliance.setCircuitBreaker(token, 100, 0);
        vm.stopPrank();
    }

    function test_Setters_KeepEachOthersSettings() public {
        setRules(Rule.KYC | Rule.MAX_BALANCE);
        setInvestorLimits(7, 700, 70);
        vm.startPrank(complianceOfficer);
        compliance.setLockupPeriod(token, 7 days);
        compliance.setCircuitBreaker(token, 700, 7 hours);
        compliance.setAllowedClasses(token, uint8(1 << InvestorClass.ACCREDITED));
        vm.stopPrank();
        setRules(Rule.LOCKUP);
        IEntitlementToken.RuleSettings memory s = token.ruleSettings();
        assertEq(s.rules, Rule.LOCKUP);
        assertEq(s.allowedClasses, 1 << InvestorClass.ACCREDITED);
        assertEq(s.maxInvestors, 7);
        assertEq(s.maxBalancePerInvestor, 700);
        assertEq(s.dailyLimitPerInvestor, 70);
        assertEq(s.lockupPeriod, 7 days);
        assertEq(s.breakerShareBps, 700);
        assertEq(s.breakerWindow, 7 hours);
        assertTrue(s.investorTracking);
    }

    function test_RevertWhen_SettingsChangedByNonOfficer() public {
        bytes memory err = unauthorized(issuer, Roles.COMPLIANCE_OFFICER);
        vm.startPrank(issuer);
        vm.expectRevert(err);
        compliance.setRules(token, Rule.KYC);
        vm.expectRevert(err);
        compliance.setAllowedClasses(token, 0);
        vm.expectRevert(err);
        compliance.setJurisdictions(token, new uint16[](0), true);
        vm.expectRevert(err);
        compliance.setInvestorLimits(token, 1, 1, 1);
        vm.expectRevert(err);
        compliance.setLockupPeriod(token, 1);
        vm.expectRevert(err);
        compliance.setCircuitBreaker(token, 1, 1);
        vm.stopPrank();
    }

    function test_MessageForRestriction_UnknownPastLast() public view {
        assertEq(compliance.messageForRestriction(RestrictionCode.LAST + 1), "Unknown restriction code");
        assertEq(compliance.messageForRestriction(type(uint8).max), "Unknown restriction code");
    }

    function testFuzz_SetRules_AcceptsExactlyValidMasks(uint16 rules) public {
        uint16 bothModes = Rule.JURISDICTION_ALLOWLIST | Rule.JURISDICTION_BLOCKLIST;
        if (rules & ~Rule.ALL != 0) {
            vm.expectRevert(abi.encodeWithSelector(ITransferCompliance.ComplianceRuleUnknown.selector, rules));
        } else if (rules & bothModes == bothModes) {
            vm.expectRevert(
                abi.encodeWithSelector(ITransferCompliance.ComplianceJurisdictionModeConflict.selector, rules)
            );
        } else if (rules & Rule.CIRCUIT_BREAKER != 0) {
            vm.expectRevert(
                abi.encodeWithSelector(ITransferCompliance.ComplianceBreakerNotConfigured.selector, address(token))
            );
        }
        setRules(rules);
    }
}
