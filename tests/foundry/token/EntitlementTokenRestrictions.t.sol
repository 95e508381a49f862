// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RestrictionCode} from "../../../contracts/compliance/RestrictionCode.sol";
import {Rule} from "../../../contracts/compliance/Rule.sol";
import {InvestorClass} from "../../../contracts/types/InvestorClass.sol";
import {Fixture} from "../Fixture.sol";

/// @notice Every restriction code, each seen three ways that must agree: the ERC-1404 view
/// `detectTransferRestriction`, the ERC-7943 view `canTransfer`, and the exact revert
/// `ComplianceTransferRejected(from, to, amount, code)` of the transfer itself.
contract EntitlementTokenRestrictionsTest is Fixture {
    function setUp() public override {
        super.setUp();
        mint(alice, 1000);
        mint(bob, 1000);
    }

    function test_DetectTransferRestriction_SuccessWhenEveryRulePasses() public {
        setRules(Rule.KYC | Rule.INVESTOR_CLASS | Rule.JURISDICTION_BLOCKLIST | Rule.LOCKUP);
        assertEq(token.detectTransferRestriction(alice, carol, 10), RestrictionCode.SUCCESS);
        assertTrue(token.canTransfer(alice, carol, 10));
        vm.prank(alice);
        token.transfer(carol, 10);
        assertEq(token.balanceOf(carol), 10);
    }

    function test_RevertWhen_TokenPaused() public {
        vm.prank(pauser);
        token.pause();
        assertRejects(alice, bob, 10, RestrictionCode.TOKEN_PAUSED);
    }

    function test_RevertWhen_SenderNotRegistered() public {
        assertRejects(stranger, bob, 0, RestrictionCode.SENDER_NOT_REGISTERED);
    }

    function test_RevertWhen_SenderRetired() public {
        vm.prank(complianceOfficer);
        registry.removeWallet(alice);
        assertRejects(alice, bob, 10, RestrictionCode.SENDER_NOT_REGISTERED);
        assertFalse(token.canSend(alice));
    }

    function test_RevertWhen_SenderFrozen() public {
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(ALICE, true);
        assertRejects(alice, bob, 10, RestrictionCode.SENDER_FROZEN);
        assertRejects(alice2, bob, 0, RestrictionCode.SENDER_FROZEN);
        assertFalse(token.canSend(alice));
    }

    function test_RevertWhen_SenderKycExpired() public {
        setRules(Rule.KYC);
        setKycExpiry(ALICE, US, InvestorClass.ACCREDITED, START + 1 days);
        vm.warp(START + 1 days - 1);
        assertTrue(token.canTransfer(alice, bob, 10));
        vm.warp(START + 1 days); // expiry is the first second without KYC
        assertRejects(alice, bob, 10, RestrictionCode.SENDER_KYC_EXPIRED);
        assertFalse(token.canSend(alice));
    }

    function test_DetectTransferRestriction_IgnoresExpiredKycWithoutKycRule() public {
        setKycExpiry(ALICE, US, InvestorClass.ACCREDITED, START + 1 days);
        vm.warp(START + 2 days);
        assertTrue(token.canTransfer(alice, bob, 10));
    }

    function test_RevertWhen_SenderJurisdictionNotAllowed() public {
        listJurisdiction(US);
        setRules(Rule.JURISDICTION_BLOCKLIST);
        assertRejects(alice, bob, 10, RestrictionCode.SENDER_JURISDICTION_NOT_ALLOWED);
    }

    function test_RevertWhen_ReceiverNotRegistered() public {
        assertRejects(alice, stranger, 10, RestrictionCode.RECEIVER_NOT_REGISTERED);
        assertFalse(token.canReceive(stranger));
    }

    function test_RevertWhen_ReceiverRetired() public {
        vm.prank(complianceOfficer);
        registry.removeWallet(alice2);
        assertRejects(alice, alice2, 10, RestrictionCode.RECEIVER_NOT_REGISTERED);
    }

    function test_RevertWhen_ReceiverFrozen() public {
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(BOB, true);
        assertRejects(alice, bob, 10, RestrictionCode.RECEIVER_FROZEN);
        assertFalse(token.canReceive(bob));
    }

    function test_RevertWhen_ReceiverKycExpired() public {
        setRules(Rule.KYC);
        setKycExpiry(BOB, GB, InvestorClass.INSTITUTIONAL, START + 1 days);
        vm.warp(START + 1 days);
        assertRejects(alice, bob, 10, RestrictionCode.RECEIVER_KYC_EXPIRED);
        assertFalse(token.canReceive(bob));
    }

    function test_RevertWhen_ReceiverClassNotAllowed() public {
        vm.prank(complianceOfficer);
        compliance.setAllowedClasses(token, uint8(1 << InvestorClass.ACCREDITED | 1 << InvestorClass.INSTITUTIONAL));
        setRules(Rule.INVESTOR_CLASS);
        assertRejects(alice, carol, 10, RestrictionCode.RECEIVER_CLASS_NOT_ALLOWED);
        vm.expectRevert(rejected(address(0), carol, 10, RestrictionCode.RECEIVER_CLASS_NOT_ALLOWED));
        mint(carol, 10);
        assertFalse(token.canReceive(carol));
        assertTrue(token.canSend(carol)); // the class rule binds receivers only
    }

    function test_RevertWhen_ReceiverJurisdictionNotOnAllowlist() public {
        listJurisdiction(US);
        setRules(Rule.JURISDICTION_ALLOWLIST);
        assertRejects(alice, bob, 10, RestrictionCode.RECEIVER_JURISDICTION_NOT_ALLOWED);
        assertTrue(token.canTransfer(alice, alice2, 10));
    }

    function test_RevertWhen_ReceiverJurisdictionOnBlocklist() public {
        listJurisdiction(GB);
        setRules(Rule.JURISDICTION_BLOCKLIST);
        assertRejects(alice, bob, 10, RestrictionCode.RECEIVER_JURISDICTION_NOT_ALLOWED);
    }

    function test_RevertWhen_InsufficientBalance() public {
        assertRejects(alice, bob, 1001, RestrictionCode.INSUFFICIENT_BALANCE);
        assertRejects(carol, bob, 1, RestrictionCode.INSUFFICIENT_BALANCE);
    }

    function test_RevertWhen_BalanceFrozen() public {
        vm.prank(agent);
        token.setFrozenTokens(alice, 500);
        assertRejects(alice, bob, 501, RestrictionCode.BALANCE_FROZEN);
        assertTrue(token.canTransfer(alice, bob, 500));
    }

    function test_RevertWhen_TokensLocked() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 1 days);
        setRules(Rule.LOCKUP);
        mint(carol, 100);
        assertRejects(carol, bob, 1, RestrictionCode.TOKENS_LOCKED);
    }

    function test_RevertWhen_MaxInvestorsReached() public {
        setRules(Rule.MAX_INVESTORS);
        setInvestorLimits(2, 0, 0);
        assertRejects(alice, carol, 10, RestrictionCode.MAX_INVESTORS_REACHED);
        assertTrue(token.canTransfer(alice, carol, 1000)); // alice leaves as carol joins
    }

    function test_RevertWhen_MaxBalanceExceeded() public {
        setRules(Rule.MAX_BALANCE);
        setInvestorLimits(0, 1500, 0);
        assertRejects(alice, bob, 501, RestrictionCode.MAX_BALANCE_EXCEEDED);
        assertTrue(token.canTransfer(alice, bob, 500));
    }

    function test_RevertWhen_DailyLimitExceeded() public {
        setRules(Rule.DAILY_LIMIT);
        setInvestorLimits(0, 0, 100);
        assertRejects(alice, bob, 101, RestrictionCode.DAILY_LIMIT_EXCEEDED);
        assertTrue(token.canTransfer(alice, bob, 100));
    }

    function test_DetectTransferRestriction_PausedBeforeAnyOtherRule() public {
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(ALICE, true);
        vm.prank(pauser);
        token.pause();
        assertEq(token.detectTransferRestriction(stranger, stranger, 1), RestrictionCode.TOKEN_PAUSED);
        assertEq(token.detectTransferRestriction(alice, bob, 1), RestrictionCode.TOKEN_PAUSED);
    }

    function test_DetectTransferRestriction_SenderRulesBeforeReceiverRules() public {
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(ALICE, true);
        assertEq(token.detectTransferRestriction(alice, stranger, 1), RestrictionCode.SENDER_FROZEN);
        assertEq(token.detectTransferRestriction(stranger, stranger, 1), RestrictionCode.SENDER_NOT_REGISTERED);
    }

    function test_DetectTransferRestriction_EligibilityBeforeAmounts() public {
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(BOB, true);
        assertEq(token.detectTransferRestriction(alice, bob, 5000), RestrictionCode.RECEIVER_FROZEN);
    }

    function test_DetectTransferRestriction_BalanceBeforeInvestorLimits() public {
        vm.prank(agent);
        token.setFrozenTokens(alice, 1000);
        setRules(Rule.MAX_BALANCE | Rule.DAILY_LIMIT);
        assertEq(token.detectTransferRestriction(alice, bob, 1), RestrictionCode.BALANCE_FROZEN);
    }

    function test_MessageForTransferRestriction_WordsEveryCode() public view {
        for (uint8 code; code <= RestrictionCode.LAST; ++code) {
            string memory message = token.messageForTransferRestriction(code);
            assertEq(message, RestrictionCode.message(code));
            assertEq(message, compliance.messageForRestriction(code));
            assertGt(bytes(message).length, 0);
            assertFalse(keccak256(bytes(message)) == keccak256("Unknown restriction code"));
        }
        assertEq(token.messageForTransferRestriction(RestrictionCode.LAST + 1), "Unknown restriction code");
        assertEq(token.messageForTransferRestriction(0), "No restriction");
    }

    // ---------------------------------------------------------------- helpers

    function assertRejects(address from, address to, uint256 amount, uint8 code) internal {
        assertEq(token.detectTransferRestriction(from, to, amount), code);
        assertFalse(token.canTransfer(from, to, amount));
        vm.expectRevert(rejected(from, to, amount, code));
        vm.prank(from);
        token.transfer(to, amount);
    }

    function setKycExpiry(bytes32 investorId, uint16 country, uint8 class, uint256 expiry) internal {
        vm.prank(complianceOfficer);
        registry.updateInvestor(investorId, country, class, uint40(expiry));
    }

    function listJurisdiction(uint16 country) internal {
        uint16[] memory countries = new uint16[](1);
        countries[0] = country;
        vm.prank(complianceOfficer);
        compliance.setJurisdictions(token, countries, true);
    }
}
