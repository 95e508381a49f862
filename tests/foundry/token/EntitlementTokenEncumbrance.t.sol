// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {RestrictionCode} from "../../../contracts/compliance/RestrictionCode.sol";
import {Rule} from "../../../contracts/compliance/Rule.sol";
import {IEntitlementToken} from "../../../contracts/interfaces/IEntitlementToken.sol";
import {IERC7246} from "../../../contracts/interfaces/IERC7246.sol";
import {IERC7943Fungible} from "../../../contracts/interfaces/IERC7943Fungible.sol";
import {Fixture} from "../Fixture.sol";
import {records} from "../utils/Records.sol";

/// @notice ERC-7246 encumbrance on the entitlement token: pledged units stay the owner's (balance,
/// record dates) but only the taker moves them, through every rule of the transfer, or releases
/// them, whatever the token's or the owner's state; agents can neither freeze, force away, burn
/// nor recover them.
contract EntitlementTokenEncumbranceTest is Fixture {
    address internal escrow = makeAddr("escrow");
    address internal vault = makeAddr("vault");
    address internal alice3 = makeAddr("alice3");

    // ---------------------------------------------------------------- encumber

    function test_Encumber_KeepsUnitsInBalanceButOutOfReach() public {
        mint(alice, 100);
        vm.expectEmit(address(token));
        emit IERC7246.Encumber(alice, escrow, 60);
        encumber(alice, escrow, 60);
        assertEq(token.balanceOf(alice), 100);
        assertEq(token.encumberedBalanceOf(alice), 60);
        assertEq(token.encumbrances(alice, escrow), 60);
        assertEq(token.availableBalanceOf(alice), 40);
        assertEq(token.transferableBalance(alice), 40);
        assertEq(records(token).investorBalance(ALICE), 100);
        assertEq(token.detectTransferRestriction(alice, bob, 41), RestrictionCode.BALANCE_ENCUMBERED);
        vm.expectRevert(rejected(alice, bob, 41, RestrictionCode.BALANCE_ENCUMBERED));
        vm.prank(alice);
        token.transfer(bob, 41);
        vm.prank(alice);
        token.transfer(bob, 40);
        assertEq(token.availableBalanceOf(alice), 0);
    }

    function test_Encumber_AddsUpPerTaker() public {
        mint(alice, 100);
        encumber(alice, escrow, 10);
        encumber(alice, escrow, 5);
        encumber(alice, vault, 20);
        assertEq(token.encumbrances(alice, escrow), 15);
        assertEq(token.encumbrances(alice, vault), 20);
        assertEq(token.encumberedBalanceOf(alice), 35);
    }

    function test_RevertWhen_EncumberBeyondAvailable() public {
        mint(alice, 100);
        freeze(alice, 30);
        encumber(alice, escrow, 50);
        vm.expectRevert(encumbranceRejected(alice, vault, 101, RestrictionCode.INSUFFICIENT_BALANCE));
        encumber(alice, vault, 101);
        vm.expectRevert(encumbranceRejected(alice, vault, 71, RestrictionCode.BALANCE_FROZEN));
        encumber(alice, vault, 71);
        vm.expectRevert(encumbranceRejected(alice, vault, 21, RestrictionCode.BALANCE_ENCUMBERED));
        encumber(alice, vault, 21);
        encumber(alice, vault, 20);
        assertEq(token.availableBalanceOf(alice), 0);
    }

    /// @dev Locked units cannot be pledged: a taker could otherwise move them before their date.
    function test_RevertWhen_EncumberLockedUnits() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100);
        vm.expectRevert(encumbranceRejected(alice, escrow, 1, RestrictionCode.TOKENS_LOCKED));
        encumber(alice, escrow, 1);
    }

    function test_RevertWhen_EncumberByIneligibleOwner() public {
        mint(alice, 100);
        mint(bob, 100);
        vm.prank(pauser);
        token.pause();
        vm.expectRevert(encumbranceRejected(alice, escrow, 1, RestrictionCode.TOKEN_PAUSED));
        encumber(alice, escrow, 1);
        vm.prank(pauser);
        token.unpause();

        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(BOB, true);
        vm.expectRevert(encumbranceRejected(bob, escrow, 1, RestrictionCode.SENDER_FROZEN));
        encumber(bob, escrow, 1);

        setRules(Rule.KYC);
        vm.warp(KYC_EXPIRY);
        vm.expectRevert(encumbranceRejected(alice, escrow, 1, RestrictionCode.SENDER_KYC_EXPIRED));
        encumber(alice, escrow, 1);

        vm.expectRevert(encumbranceRejected(stranger, escrow, 0, RestrictionCode.SENDER_NOT_REGISTERED));
        encumber(stranger, escrow, 0);
    }

    function test_RevertWhen_EncumberToZeroTaker() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidSpender.selector, address(0)));
        encumber(alice, address(0), 1);
    }

    function test_EncumberFrom_SpendsTheCallersAllowance() public {
        mint(alice, 100);
        vm.prank(alice);
        token.approve(vault, 50);
        vm.expectEmit(address(token));
        emit IERC7246.Encumber(alice, vault, 30);
        vm.prank(vault);
        token.encumberFrom(alice, vault, 30);
        assertEq(token.allowance(alice, vault), 20);
        assertEq(token.encumbrances(alice, vault), 30);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, vault, 20, 21));
        vm.prank(vault);
        token.encumberFrom(alice, escrow, 21);
    }

    // ---------------------------------------------------------------- transferFrom by the taker

    function test_TransferFrom_SpendsEncumbranceBeforeAllowance() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        vm.prank(alice);
        token.approve(escrow, 20);
        vm.expectEmit(address(token));
        emit IERC7246.Release(alice, escrow, 60);
        vm.prank(escrow);
        token.transferFrom(alice, bob, 70);
        assertEq(token.balanceOf(bob), 70);
        assertEq(token.encumbrances(alice, escrow), 0);
        assertEq(token.encumberedBalanceOf(alice), 0);
        assertEq(token.allowance(alice, escrow), 10);
        assertEq(token.availableBalanceOf(alice), 30);
    }

    function test_TransferFrom_WithinEncumbranceLeavesAllowance() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        vm.prank(alice);
        token.approve(escrow, 5);
        vm.prank(escrow);
        token.transferFrom(alice, bob, 25);
        assertEq(token.encumbrances(alice, escrow), 35);
        assertEq(token.allowance(alice, escrow), 5);
    }

    /// @dev The taker's part beyond its encumbrance comes out of the owner's free units only.
    function test_RevertWhen_TransferFromBeyondEncumbranceTakesOthersUnits() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        encumber(alice, vault, 30);
        vm.prank(alice);
        token.approve(escrow, type(uint256).max);
        vm.expectRevert(rejected(alice, bob, 71, RestrictionCode.BALANCE_ENCUMBERED));
        vm.prank(escrow);
        token.transferFrom(alice, bob, 71);
        vm.prank(escrow);
        token.transferFrom(alice, bob, 70);
        assertEq(token.encumbrances(alice, vault), 30);
        assertEq(token.balanceOf(alice), 30);
    }

    function test_RevertWhen_TransferFromToIneligibleReceiver() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        vm.expectRevert(rejected(alice, stranger, 60, RestrictionCode.RECEIVER_NOT_REGISTERED));
        vm.prank(escrow);
        token.transferFrom(alice, stranger, 60);
        setRules(Rule.MAX_BALANCE);
        setInvestorLimits(0, 50, 0);
        vm.expectRevert(rejected(alice, bob, 60, RestrictionCode.MAX_BALANCE_EXCEEDED));
        vm.prank(escrow);
        token.transferFrom(alice, bob, 60);
        assertEq(token.encumbrances(alice, escrow), 60);
    }

    function test_RevertWhen_TransferFromBeyondEncumbranceWithoutAllowance() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, escrow, 0, 1));
        vm.prank(escrow);
        token.transferFrom(alice, bob, 61);
    }

    /// @dev Units pledged while free stay the taker's to move when a later issue is locked.
    function test_TransferFrom_EncumberedUnitsIgnoreLaterLocks() public {
        mint(alice, 100);
        encumber(alice, escrow, 100);
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 50);
        assertEq(token.availableBalanceOf(alice), 0);
        vm.prank(escrow);
        token.transferFrom(alice, bob, 100);
        assertEq(token.balanceOf(bob), 100);
        assertEq(token.detectTransferRestriction(alice, bob, 1), RestrictionCode.TOKENS_LOCKED);
    }

    // ---------------------------------------------------------------- release

    function test_Release_GivesUnitsBack() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        vm.expectEmit(address(token));
        emit IERC7246.Release(alice, escrow, 25);
        vm.prank(escrow);
        token.release(alice, 25);
        assertEq(token.encumbrances(alice, escrow), 35);
        assertEq(token.encumberedBalanceOf(alice), 35);
        assertEq(token.availableBalanceOf(alice), 65);
    }

    /// @dev A DvP escrow reclaims a lapsed trade's locked asset this way: release is bookkeeping
    /// and works on a paused token, for a frozen investor, after the owner's KYC lapsed, and on a
    /// retired wallet.
    function test_Release_WorksWhateverTheState() public {
        setRules(Rule.KYC);
        mint(alice, 100);
        encumber(alice, escrow, 40);
        vm.prank(pauser);
        token.pause();
        vm.prank(escrow);
        token.release(alice, 10);
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(ALICE, true);
        vm.prank(escrow);
        token.release(alice, 10);
        vm.warp(KYC_EXPIRY + 1);
        vm.prank(escrow);
        token.release(alice, 10);
        vm.prank(complianceOfficer);
        registry.removeWallet(alice);
        vm.prank(escrow);
        token.release(alice, 10);
        assertEq(token.encumberedBalanceOf(alice), 0);
    }

    function test_RevertWhen_ReleaseMoreThanHeld() public {
        mint(alice, 100);
        encumber(alice, escrow, 10);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenEncumbranceExceeded.selector, alice, vault, 0, 1));
        vm.prank(vault);
        token.release(alice, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IEntitlementToken.TokenEncumbranceExceeded.selector, alice, escrow, 10, 11)
        );
        vm.prank(escrow);
        token.release(alice, 11);
    }

    // ---------------------------------------------------------------- agents and issuers

    function test_RevertWhen_FreezeReachesEncumberedUnits() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenFrozenExceedsBalance.selector, alice, 41, 40));
        freeze(alice, 41);
        freeze(alice, 40);
        assertEq(token.availableBalanceOf(alice), 0);
    }

    function test_RevertWhen_ForcedTransferReachesEncumberedUnits() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenAmountEncumbered.selector, alice, 41, 40));
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 41);
    }

    /// @dev Frozen units go first when the agent takes free units by force; what stays frozen
    /// never reaches the encumbered units.
    function test_ForcedTransfer_CapsFrozenBelowEncumbered() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        freeze(alice, 40);
        vm.expectEmit(address(token));
        emit IERC7943Fungible.Frozen(alice, 10);
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 30);
        assertEq(token.getFrozenTokens(alice), 10);
        assertEq(token.encumberedBalanceOf(alice), 60);
        vm.prank(escrow);
        token.transferFrom(alice, carol, 60);
        assertEq(token.balanceOf(carol), 60);
    }

    function test_RevertWhen_BurnReachesEncumberedUnits() public {
        mint(alice, 100);
        freeze(alice, 10);
        encumber(alice, escrow, 60);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenAmountEncumbered.selector, alice, 31, 30));
        vm.prank(issuer);
        token.burn(alice, 31);
        vm.prank(issuer);
        token.burn(alice, 30);
        assertEq(token.balanceOf(alice), 70);
    }

    /// @dev Recovery moves everything but the encumbered units, which stay with their takers on
    /// the lost wallet; once released there, a second recovery moves them too.
    function test_RecoverWallet_LeavesEncumberedUnitsWithTheirTaker() public {
        mint(alice, 100);
        encumber(alice, escrow, 60);
        freeze(alice, 15);
        vm.prank(complianceOfficer);
        registry.replaceWallet(alice, alice3);
        vm.expectEmit(address(token));
        emit IEntitlementToken.WalletRecovered(alice, alice3, 40, 15);
        vm.prank(agent);
        token.recoverWallet(alice, alice3);
        assertEq(token.balanceOf(alice), 60);
        assertEq(token.balanceOf(alice3), 40);
        assertEq(token.getFrozenTokens(alice3), 15);
        assertEq(token.encumbrances(alice, escrow), 60);
        assertEq(records(token).investorBalance(ALICE), 100);

        vm.prank(escrow);
        token.release(alice, 60);
        vm.prank(agent);
        token.recoverWallet(alice, alice3);
        assertEq(token.balanceOf(alice3), 100);
        assertEq(token.balanceOf(alice), 0);
    }

    // ---------------------------------------------------------------- holders of record

    function test_BalanceOfAt_CountsEncumberedUnitsForTheOwner() public {
        mint(alice, 100);
        encumber(alice, escrow, 70);
        scheduleRecordDate(START);
        vm.prank(escrow);
        token.transferFrom(alice, bob, 70);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
        assertEq(records(token).investorBalanceAt(ALICE, 1), 100);
        assertEq(records(token).balanceOfAt(bob, 1), 0);
    }

    function test_SupportsInterface_ERC7246() public view {
        assertTrue(token.supportsInterface(type(IERC7246).interfaceId));
    }

    function testFuzz_Encumber_TransferFromSplitsEncumbranceAndAllowance(
        uint256 encumbered,
        uint256 allowed,
        uint256 amount
    ) public {
        mint(alice, 1000);
        encumbered = bound(encumbered, 0, 1000);
        allowed = bound(allowed, 0, 1000);
        amount = bound(amount, 0, 1000);
        encumber(alice, escrow, encumbered);
        vm.prank(alice);
        token.approve(escrow, allowed);
        uint256 fromEncumbrance = amount < encumbered ? amount : encumbered;
        uint256 rest = amount - fromEncumbrance;
        bool ok = rest <= allowed && rest <= 1000 - encumbered;
        if (rest > allowed) {
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, escrow, allowed, rest)
            );
        } else if (!ok) {
            vm.expectRevert(rejected(alice, bob, amount, RestrictionCode.BALANCE_ENCUMBERED));
        }
        vm.prank(escrow);
        token.transferFrom(alice, bob, amount);
        if (!ok) return;
        assertEq(token.balanceOf(bob), amount);
        assertEq(token.encumberedBalanceOf(alice), encumbered - fromEncumbrance);
        assertEq(token.allowance(alice, escrow), allowed - rest);
    }

    // ---------------------------------------------------------------- helpers

    function encumber(address owner, address taker, uint256 amount) internal {
        vm.prank(owner);
        token.encumber(taker, amount);
    }

    function freeze(address account, uint256 amount) internal {
        vm.prank(agent);
        token.setFrozenTokens(account, amount);
    }

    function encumbranceRejected(address owner, address taker, uint256 amount, uint8 code)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodeWithSelector(IEntitlementToken.TokenEncumbranceRejected.selector, owner, taker, amount, code);
    }
}
