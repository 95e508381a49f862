// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {IIdentityRegistry} from "../../../contracts/interfaces/IIdentityRegistry.sol";
import {InvestorClass} from "../../../contracts/types/InvestorClass.sol";
import {WalletRecord} from "../../../contracts/types/WalletRecord.sol";
import {Fixture} from "../Fixture.sol";

contract IdentityRegistryTest is Fixture {
    bytes32 internal constant ERIN = keccak256("investor.erin");
    address internal erin = makeAddr("erin");

    function test_RegisterInvestor_RecordsInvestorAndFirstWallet() public {
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.InvestorRegistered(ERIN, 5, DE, InvestorClass.QUALIFIED, KYC_EXPIRY);
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.WalletAdded(ERIN, erin);
        register(ERIN, DE, InvestorClass.QUALIFIED, KYC_EXPIRY, erin);

        IIdentityRegistry.Investor memory inv = registry.investor(ERIN);
        assertEq(inv.number, 5);
        assertEq(inv.country, DE);
        assertEq(inv.investorClass, InvestorClass.QUALIFIED);
        assertEq(inv.kycExpiry, KYC_EXPIRY);
        assertFalse(inv.frozen);
        assertEq(inv.walletCount, 1);
        assertTrue(registry.isRegistered(erin));
        assertEq(registry.investorOf(erin), ERIN);
        assertEq(registry.investorIdOf(5), ERIN);
        assertEq(registry.walletsOf(ERIN).length, 1);
        assertEq(registry.walletsOf(ERIN)[0], erin);

        WalletRecord r = WalletRecord.wrap(registry.walletRecord(erin));
        assertEq(r.investorNumber(), 5);
        assertEq(r.country(), DE);
        assertEq(r.investorClass(), InvestorClass.QUALIFIED);
        assertEq(r.kycExpiry(), KYC_EXPIRY);
        assertFalse(r.frozen());
        assertTrue(r.registered());
    }

    function test_WalletRecords_ReadsBothPartiesInOneCall() public view {
        (uint256 a, uint256 b) = registry.walletRecords(alice, stranger);
        assertEq(a, registry.walletRecord(alice));
        assertEq(b, 0);
    }

    function test_InvestorOf_ZeroForNeverRegisteredWallet() public view {
        assertEq(registry.investorOf(stranger), bytes32(0));
        assertFalse(registry.isRegistered(stranger));
        assertEq(registry.investor(ERIN).number, 0);
    }

    function test_RevertWhen_InvestorIdZero() public {
        vm.expectRevert(IIdentityRegistry.IdentityInvestorIdZero.selector);
        register(bytes32(0), DE, InvestorClass.RETAIL, KYC_EXPIRY, erin);
    }

    function test_RevertWhen_InvestorExists() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityInvestorExists.selector, ALICE));
        register(ALICE, DE, InvestorClass.RETAIL, KYC_EXPIRY, erin);
    }

    function test_RevertWhen_CountryInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityCountryInvalid.selector, 0));
        register(ERIN, 0, InvestorClass.RETAIL, KYC_EXPIRY, erin);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityCountryInvalid.selector, 1000));
        register(ERIN, 1000, InvestorClass.RETAIL, KYC_EXPIRY, erin);
    }

    function test_RevertWhen_ClassInvalid() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityClassInvalid.selector, 0));
        register(ERIN, DE, 0, KYC_EXPIRY, erin);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityClassInvalid.selector, InvestorClass.MAX + 1));
        register(ERIN, DE, InvestorClass.MAX + 1, KYC_EXPIRY, erin);
    }

    function test_RevertWhen_KycExpiryNotInFuture() public {
        vm.expectRevert(
            abi.encodeWithSelector(IIdentityRegistry.IdentityKycExpiryInPast.selector, uint40(START), START)
        );
        register(ERIN, DE, InvestorClass.RETAIL, uint40(START), erin);
    }

    function test_RevertWhen_WalletZero() public {
        vm.expectRevert(IIdentityRegistry.IdentityWalletZero.selector);
        register(ERIN, DE, InvestorClass.RETAIL, KYC_EXPIRY, address(0));
    }

    function test_RevertWhen_WalletAlreadyRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityWalletRegistered.selector, bob));
        register(ERIN, DE, InvestorClass.RETAIL, KYC_EXPIRY, bob);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityWalletRegistered.selector, bob));
        vm.prank(complianceOfficer);
        registry.addWallet(ALICE, bob);
    }

    function test_RevertWhen_RegisterByNonOfficer() public {
        vm.expectRevert(unauthorized(issuer, Roles.COMPLIANCE_OFFICER));
        vm.prank(issuer);
        registry.registerInvestor(ERIN, DE, InvestorClass.RETAIL, KYC_EXPIRY, erin);
    }

    function test_UpdateInvestor_RefreshesEveryWallet() public {
        uint40 expiry = uint40(START + 10 days);
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.InvestorUpdated(ALICE, GB, InvestorClass.INSTITUTIONAL, expiry);
        vm.prank(complianceOfficer);
        registry.updateInvestor(ALICE, GB, InvestorClass.INSTITUTIONAL, expiry);
        for (uint256 i; i < 2; ++i) {
            WalletRecord r = WalletRecord.wrap(registry.walletRecord(i == 0 ? alice : alice2));
            assertEq(r.country(), GB);
            assertEq(r.investorClass(), InvestorClass.INSTITUTIONAL);
            assertEq(r.kycExpiry(), expiry);
            assertEq(r.investorNumber(), 1);
        }
    }

    function test_RevertWhen_UpdateUnknownInvestor() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityInvestorUnknown.selector, ERIN));
        vm.prank(complianceOfficer);
        registry.updateInvestor(ERIN, GB, InvestorClass.RETAIL, KYC_EXPIRY);
    }

    function test_SetInvestorFrozen_FreezesAndReleasesEveryWallet() public {
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.InvestorFreezeChanged(ALICE, true);
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(ALICE, true);
        assertTrue(registry.investor(ALICE).frozen);
        assertTrue(WalletRecord.wrap(registry.walletRecord(alice)).frozen());
        assertTrue(WalletRecord.wrap(registry.walletRecord(alice2)).frozen());
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(ALICE, false);
        assertFalse(WalletRecord.wrap(registry.walletRecord(alice2)).frozen());
    }

    function test_AddWallet_CarriesInvestorProfile() public {
        vm.startPrank(complianceOfficer);
        registry.setInvestorFrozen(BOB, true);
        registry.addWallet(BOB, erin);
        vm.stopPrank();
        WalletRecord r = WalletRecord.wrap(registry.walletRecord(erin));
        assertEq(r.investorNumber(), registry.investor(BOB).number);
        assertEq(r.country(), GB);
        assertTrue(r.frozen());
        assertEq(registry.investor(BOB).walletCount, 2);
    }

    function test_RevertWhen_WalletLimitReached() public {
        uint256 limit = registry.maxWalletsPerInvestor();
        vm.startPrank(complianceOfficer);
        for (uint256 i = 1; i < limit; ++i) {
            registry.addWallet(BOB, address(uint160(0xb0b000 + i)));
        }
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityWalletLimitReached.selector, BOB, limit));
        registry.addWallet(BOB, erin);
        vm.stopPrank();
        assertEq(registry.investor(BOB).walletCount, limit);
    }

    function test_RemoveWallet_RetiresWalletButKeepsItsInvestor() public {
        vm.expectEmit(address(registry));
        emit IIdentityRegistry.WalletRemoved(ALICE, alice2);
        vm.prank(complianceOfficer);
        registry.removeWallet(alice2);
        assertFalse(registry.isRegistered(alice2));
        assertEq(registry.investorOf(alice2), ALICE);
        assertEq(registry.walletsOf(ALICE).length, 1);
        assertEq(registry.retiredWalletsOf(ALICE).length, 1);
        assertEq(registry.retiredWalletsOf(ALICE)[0], alice2);
        assertEq(WalletRecord.wrap(registry.walletRecord(alice2)).investorNumber(), 1);
    }

    function test_AddWallet_RetiredWalletRejoinsItsInvestor() public {
        vm.startPrank(complianceOfficer);
        registry.removeWallet(alice2);
        registry.addWallet(ALICE, alice2);
        vm.stopPrank();
        assertTrue(registry.isRegistered(alice2));
        assertEq(registry.retiredWalletsOf(ALICE).length, 0);
        assertEq(registry.walletsOf(ALICE).length, 2);
    }

    function test_RevertWhen_RetiredWalletJoinsOtherInvestor() public {
        vm.startPrank(complianceOfficer);
        registry.removeWallet(alice2);
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityWalletOfOtherInvestor.selector, alice2, ALICE));
        registry.addWallet(BOB, alice2);
        vm.stopPrank();
    }

    function test_RevertWhen_RemoveUnknownWallet() public {
        vm.expectRevert(abi.encodeWithSelector(IIdentityRegistry.IdentityWalletUnknown.selector, stranger));
        vm.prank(complianceOfficer);
        registry.removeWallet(stranger);
    }

    function test_ReplaceWallet_RetiresOldAndBindsNew() public {
        vm.prank(complianceOfficer);
        registry.replaceWallet(alice, erin);
        assertFalse(registry.isRegistered(alice));
        assertTrue(registry.isRegistered(erin));
        assertEq(registry.investorOf(erin), ALICE);
        assertEq(registry.walletsOf(ALICE).length, 2);
    }

    function test_RevertWhen_RegistryInitializedTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        registry.initialize(address(authority));
    }

    function testFuzz_RegisterInvestor_ValidatesProfile(uint16 country, uint8 class, uint40 expiry) public {
        bytes memory err;
        if (country == 0 || country >= 1000) {
            err = abi.encodeWithSelector(IIdentityRegistry.IdentityCountryInvalid.selector, country);
        } else if (class == 0 || class > InvestorClass.MAX) {
            err = abi.encodeWithSelector(IIdentityRegistry.IdentityClassInvalid.selector, class);
        } else if (expiry <= START) {
            err = abi.encodeWithSelector(IIdentityRegistry.IdentityKycExpiryInPast.selector, expiry, START);
        }
        if (err.length != 0) vm.expectRevert(err);
        register(ERIN, country, class, expiry, erin);
        assertEq(registry.isRegistered(erin), err.length == 0);
    }

    function register(bytes32 id, uint16 country, uint8 class, uint40 expiry, address wallet) internal {
        vm.prank(complianceOfficer);
        registry.registerInvestor(id, country, class, expiry, wallet);
    }
}
