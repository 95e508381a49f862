// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {RestrictionCode} from "../../../contracts/compliance/RestrictionCode.sol";
import {Rule} from "../../../contracts/compliance/Rule.sol";
import {IEntitlementToken} from "../../../contracts/interfaces/IEntitlementToken.sol";
import {IERC7943Fungible} from "../../../contracts/interfaces/IERC7943Fungible.sol";
import {EntitlementToken} from "../../../contracts/token/EntitlementToken.sol";
import {Fixture} from "../Fixture.sol";
import {records} from "../utils/Records.sol";

/// @notice Issuance, transfers and the transfer agent's and pauser's powers on a live token.
/// Each restriction code has its own test in EntitlementTokenRestrictions.t.sol, record dates in
/// EntitlementTokenRecordDates.t.sol.
contract EntitlementTokenTest is Fixture {
    address internal alice3 = makeAddr("alice3");

    // ---------------------------------------------------------------- initialisation

    function test_Initialize_SetsMetadataAndBindings() public view {
        assertEq(token.name(), "Permledger Fund A");
        assertEq(token.symbol(), "PLFA");
        assertEq(token.decimals(), 0);
        assertEq(token.nominee(), "Cede & Co.");
        assertEq(token.securityId(), "XS0000000001");
        (string memory uri, bytes32 contentHash) = token.terms();
        assertEq(uri, "ipfs://terms");
        assertEq(contentHash, keccak256("terms"));
        assertEq(token.authority(), address(authority));
        assertEq(token.identityRegistry(), address(registry));
        assertEq(token.compliance(), address(compliance));
        IEntitlementToken.RuleSettings memory s = token.ruleSettings();
        assertEq(s.rules, 0);
        assertEq(s.allowedClasses, 0x1e);
        assertTrue(s.investorTracking);
        assertFalse(token.paused());
        assertEq(token.totalSupply(), 0);
    }

    function test_SupportsInterface_DeclaredInterfaces() public view {
        assertTrue(token.supportsInterface(type(IERC20).interfaceId));
        assertTrue(token.supportsInterface(type(IERC7943Fungible).interfaceId));
        assertTrue(token.supportsInterface(type(IEntitlementToken).interfaceId));
        assertFalse(token.supportsInterface(0xffffffff));
    }

    function test_RevertWhen_InitializedTwice() public {
        IEntitlementToken.TokenParams memory params;
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        token.initialize(params);
    }

    function test_RevertWhen_ImplementationInitialized() public {
        EntitlementToken implementation = new EntitlementToken(address(registry));
        IEntitlementToken.TokenParams memory params;
        params.authority = address(authority);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize(params);
    }

    // ---------------------------------------------------------------- mint

    function test_Mint_CreditsWalletSupplyAndInvestor() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), alice, 100);
        mint(alice, 100);
        assertEq(token.balanceOf(alice), 100);
        assertEq(token.totalSupply(), 100);
        assertEq(records(token).investorBalance(ALICE), 100);
        assertEq(token.investorCount(), 1);
        assertEq(token.transferableBalance(alice), 100);
    }

    function test_Mint_SecondWalletOfSameInvestorCountsOnce() public {
        mint(alice, 100);
        mint(alice2, 50);
        assertEq(records(token).investorBalance(ALICE), 150);
        assertEq(token.investorCount(), 1);
        mint(bob, 1);
        assertEq(token.investorCount(), 2);
    }

    function test_RevertWhen_MintToUnregisteredWallet() public {
        vm.expectRevert(rejected(address(0), stranger, 100, RestrictionCode.RECEIVER_NOT_REGISTERED));
        mint(stranger, 100);
    }

    function test_RevertWhen_MintToRetiredWallet() public {
        vm.prank(complianceOfficer);
        registry.removeWallet(alice2);
        vm.expectRevert(rejected(address(0), alice2, 100, RestrictionCode.RECEIVER_NOT_REGISTERED));
        mint(alice2, 100);
    }

    function test_RevertWhen_MintToFrozenInvestor() public {
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(BOB, true);
        vm.expectRevert(rejected(address(0), bob, 100, RestrictionCode.RECEIVER_FROZEN));
        mint(bob, 100);
    }

    function test_RevertWhen_MintToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        mint(address(0), 100);
    }

    function test_RevertWhen_MintAboveMaxAmount() public {
        mint(alice, type(uint96).max - 10);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenAmountTooLarge.selector, 11));
        mint(bob, 11);
        mint(bob, 10);
        assertEq(token.totalSupply(), type(uint96).max);
    }

    function test_RevertWhen_MintByNonIssuer() public {
        vm.expectRevert(unauthorized(agent, Roles.ISSUER));
        vm.prank(agent);
        token.mint(alice, 100);
    }

    function test_MintBatch_CreditsEveryWallet() public {
        (address[] memory to, uint256[] memory amounts) = pairs(alice, 10, bob, 20, alice2, 30);
        vm.prank(issuer);
        token.mintBatch(to, amounts);
        assertEq(token.balanceOf(alice), 10);
        assertEq(token.balanceOf(bob), 20);
        assertEq(token.balanceOf(alice2), 30);
        assertEq(token.totalSupply(), 60);
        assertEq(records(token).investorBalance(ALICE), 40);
        assertEq(token.investorCount(), 2);
    }

    function test_RevertWhen_MintBatchLengthsDiffer() public {
        address[] memory to = new address[](2);
        uint256[] memory amounts = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenBatchLengthMismatch.selector, 2, 1));
        vm.prank(issuer);
        token.mintBatch(to, amounts);
    }

    function test_RevertWhen_MintBatchHasIneligibleWallet() public {
        (address[] memory to, uint256[] memory amounts) = pairs(alice, 10, stranger, 20, bob, 30);
        vm.expectRevert(rejected(address(0), stranger, 20, RestrictionCode.RECEIVER_NOT_REGISTERED));
        vm.prank(issuer);
        token.mintBatch(to, amounts);
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.totalSupply(), 0);
    }

    // ---------------------------------------------------------------- burn

    function test_Burn_DebitsWalletSupplyAndInvestor() public {
        mint(alice, 100);
        mint(bob, 100);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, address(0), 40);
        burn(alice, 40);
        assertEq(token.balanceOf(alice), 60);
        assertEq(token.totalSupply(), 160);
        assertEq(records(token).investorBalance(ALICE), 60);
        assertEq(token.investorCount(), 2);
        burn(alice, 60);
        assertEq(token.investorCount(), 1);
    }

    function test_Burn_RetiredWalletStillCountsForItsInvestor() public {
        mint(alice2, 100);
        vm.prank(complianceOfficer);
        registry.removeWallet(alice2);
        assertEq(records(token).investorBalance(ALICE), 100);
        burn(alice2, 100);
        assertEq(records(token).investorBalance(ALICE), 0);
        assertEq(token.investorCount(), 0);
    }

    function test_RevertWhen_BurnExceedsBalance() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 100, 101));
        burn(alice, 101);
    }

    function test_RevertWhen_BurnTakesFrozenUnits() public {
        mint(alice, 100);
        freeze(alice, 70);
        vm.expectRevert(
            abi.encodeWithSelector(IERC7943Fungible.ERC7943InsufficientUnfrozenBalance.selector, alice, 31, 30)
        );
        burn(alice, 31);
        burn(alice, 30);
        assertEq(token.getFrozenTokens(alice), 70);
    }

    function test_RevertWhen_BurnByNonIssuer() public {
        mint(alice, 100);
        vm.expectRevert(unauthorized(agent, Roles.ISSUER));
        vm.prank(agent);
        token.burn(alice, 1);
    }

    function test_BurnBatch_DebitsEveryWallet() public {
        mint(alice, 100);
        mint(bob, 100);
        (address[] memory from, uint256[] memory amounts) = pairs(alice, 10, bob, 100, alice, 5);
        vm.prank(issuer);
        token.burnBatch(from, amounts);
        assertEq(token.balanceOf(alice), 85);
        assertEq(token.balanceOf(bob), 0);
        assertEq(token.totalSupply(), 85);
        assertEq(token.investorCount(), 1);
    }

    function test_RevertWhen_BurnBatchLengthsDiffer() public {
        address[] memory from = new address[](1);
        uint256[] memory amounts = new uint256[](3);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenBatchLengthMismatch.selector, 1, 3));
        vm.prank(issuer);
        token.burnBatch(from, amounts);
    }

    // ---------------------------------------------------------------- transfer

    function test_Transfer_MovesBalanceAndInvestorPositions() public {
        mint(alice, 100);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, bob, 30);
        vm.prank(alice);
        assertTrue(token.transfer(bob, 30));
        assertEq(token.balanceOf(alice), 70);
        assertEq(token.balanceOf(bob), 30);
        assertEq(records(token).investorBalance(ALICE), 70);
        assertEq(records(token).investorBalance(BOB), 30);
        assertEq(token.investorCount(), 2);
        assertEq(token.totalSupply(), 100);
    }

    function test_Transfer_WholePositionKeepsInvestorCount() public {
        mint(alice, 100);
        vm.prank(alice);
        token.transfer(bob, 100);
        assertEq(token.investorCount(), 1);
        assertEq(records(token).investorBalance(ALICE), 0);
    }

    function test_Transfer_BetweenWalletsOfOneInvestorKeepsPosition() public {
        mint(alice, 100);
        vm.prank(alice);
        token.transfer(alice2, 60);
        assertEq(token.balanceOf(alice2), 60);
        assertEq(records(token).investorBalance(ALICE), 100);
        assertEq(token.investorCount(), 1);
    }

    /// @dev Regression: the receiver's wallet was loaded before the sender's was debited, so a
    /// transfer to oneself credited the stale balance and created `amount` units from nothing.
    function test_Transfer_ToSelfKeepsBalanceAndSupply() public {
        mint(alice, 100);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, alice, 40);
        vm.prank(alice);
        token.transfer(alice, 40);
        assertEq(token.balanceOf(alice), 100);
        assertEq(token.totalSupply(), 100);
        assertEq(records(token).investorBalance(ALICE), 100);
    }

    /// @dev Regression: a zero transfer from an investor holding nothing counted that investor as
    /// leaving (and a zero transfer to one as joining), so `investorCount` drifted from the truth
    /// and MAX_INVESTORS could be bypassed or filled with empty positions.
    function test_Transfer_ZeroAmountKeepsInvestorCount() public {
        mint(alice, 100);
        mint(bob, 100);
        vm.prank(carol);
        token.transfer(alice, 0);
        assertEq(token.investorCount(), 2);
        vm.prank(alice);
        token.transfer(dave, 0);
        assertEq(token.investorCount(), 2);
        mint(carol, 0);
        assertEq(token.investorCount(), 2);
        burn(dave, 0);
        assertEq(token.investorCount(), 2);
        vm.prank(agent);
        token.forcedTransfer(carol, dave, 0);
        assertEq(token.investorCount(), 2);
    }

    function test_RevertWhen_TransferToZeroAddress() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(alice);
        token.transfer(address(0), 1);
    }

    function test_TransferFrom_SpendsAllowance() public {
        mint(alice, 100);
        vm.prank(alice);
        token.approve(carol, 50);
        vm.prank(carol);
        assertTrue(token.transferFrom(alice, bob, 30));
        assertEq(token.allowance(alice, carol), 20);
        assertEq(token.balanceOf(bob), 30);
    }

    function test_TransferFrom_InfiniteAllowanceIsNotSpent() public {
        mint(alice, 100);
        vm.prank(alice);
        token.approve(carol, type(uint256).max);
        vm.prank(carol);
        token.transferFrom(alice, bob, 30);
        assertEq(token.allowance(alice, carol), type(uint256).max);
    }

    function test_RevertWhen_TransferFromExceedsAllowance() public {
        mint(alice, 100);
        vm.prank(alice);
        token.approve(carol, 10);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, carol, 10, 11));
        vm.prank(carol);
        token.transferFrom(alice, bob, 11);
    }

    function test_RevertWhen_TransferFromBreaksRule() public {
        mint(alice, 100);
        vm.prank(alice);
        token.approve(carol, 100);
        vm.expectRevert(rejected(alice, stranger, 10, RestrictionCode.RECEIVER_NOT_REGISTERED));
        vm.prank(carol);
        token.transferFrom(alice, stranger, 10);
    }

    function test_RevertWhen_ApproveZeroSpender() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidSpender.selector, address(0)));
        vm.prank(alice);
        token.approve(address(0), 1);
    }

    // ---------------------------------------------------------------- forced transfer

    function test_ForcedTransfer_SkipsInvestorRules() public {
        mint(alice, 100);
        // Every rule that could stop alice -> bob: one investor at most, 50 units each, nothing a
        // day, no class admitted, both investors frozen, the token paused, both KYCs expired.
        setRules(Rule.KYC | Rule.INVESTOR_CLASS | Rule.MAX_BALANCE | Rule.MAX_INVESTORS | Rule.DAILY_LIMIT);
        setInvestorLimits(1, 50, 0);
        vm.startPrank(complianceOfficer);
        compliance.setAllowedClasses(token, 0);
        registry.setInvestorFrozen(ALICE, true);
        registry.setInvestorFrozen(BOB, true);
        vm.stopPrank();
        vm.prank(pauser);
        token.pause();
        vm.warp(KYC_EXPIRY);

        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, bob, 60);
        vm.expectEmit(address(token));
        emit IERC7943Fungible.ForcedTransfer(alice, bob, 60);
        vm.prank(agent);
        assertTrue(token.forcedTransfer(alice, bob, 60));
        assertEq(token.balanceOf(alice), 40);
        assertEq(token.balanceOf(bob), 60);
        assertEq(records(token).investorBalance(BOB), 60);
        assertEq(token.investorCount(), 2);
    }

    function test_ForcedTransfer_TakesFrozenAndLockedUnits() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100);
        freeze(alice, 80);
        vm.expectEmit(address(token));
        emit IERC7943Fungible.Frozen(alice, 50);
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 50);
        assertEq(token.getFrozenTokens(alice), 50);
        (uint256 locked,) = token.lockedTokens(alice);
        assertEq(locked, 50);
        assertEq(token.transferableBalance(alice), 0);
        assertEq(token.transferableBalance(bob), 50);
    }

    function test_ForcedTransfer_EmptiesRetiredWallet() public {
        mint(alice2, 100);
        vm.prank(complianceOfficer);
        registry.removeWallet(alice2);
        vm.prank(agent);
        token.forcedTransfer(alice2, bob, 100);
        assertEq(token.balanceOf(alice2), 0);
        assertEq(records(token).investorBalance(ALICE), 0);
        assertEq(token.investorCount(), 1);
    }

    function test_ForcedTransfer_CountsNeitherDailyLimitNorBreaker() public {
        vm.prank(complianceOfficer);
        compliance.setCircuitBreaker(token, 100, 1 days);
        setRules(Rule.DAILY_LIMIT | Rule.CIRCUIT_BREAKER);
        setInvestorLimits(0, 0, 10);
        mint(alice, 1000);
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 500);
        assertFalse(token.paused());
        assertEq(token.detectTransferRestriction(alice, bob, 10), RestrictionCode.SUCCESS);
    }

    function test_RevertWhen_ForcedTransferToUnregisteredWallet() public {
        mint(alice, 100);
        vm.expectRevert(rejected(alice, stranger, 10, RestrictionCode.RECEIVER_NOT_REGISTERED));
        vm.prank(agent);
        token.forcedTransfer(alice, stranger, 10);
    }

    function test_RevertWhen_ForcedTransferToRetiredWallet() public {
        mint(alice, 100);
        vm.prank(complianceOfficer);
        registry.removeWallet(bob);
        vm.expectRevert(rejected(alice, bob, 10, RestrictionCode.RECEIVER_NOT_REGISTERED));
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 10);
    }

    /// @dev Issue 6: a forced transfer from a wallet to itself must not rewrite its frozen amount
    /// (or its locks): it is refused and the wallet stays as it was.
    function test_RevertWhen_ForcedTransferToSelf() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100);
        freeze(alice, 30);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenForcedTransferToSelf.selector, alice));
        vm.prank(agent);
        token.forcedTransfer(alice, alice, 100);
        assertEq(token.getFrozenTokens(alice), 30);
        assertEq(token.balanceOf(alice), 100);
        (uint256 locked,) = token.lockedTokens(alice);
        assertEq(locked, 100);
    }

    function test_RevertWhen_ForcedTransferToZeroAddress() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(agent);
        token.forcedTransfer(alice, address(0), 10);
    }

    function test_RevertWhen_ForcedTransferExceedsBalance() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 100, 101));
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 101);
    }

    function test_RevertWhen_ForcedTransferByNonAgent() public {
        mint(alice, 100);
        vm.expectRevert(unauthorized(issuer, Roles.TRANSFER_AGENT));
        vm.prank(issuer);
        token.forcedTransfer(alice, bob, 10);
    }

    // ---------------------------------------------------------------- frozen tokens

    function test_SetFrozenTokens_SetsAndReplaces() public {
        mint(alice, 100);
        vm.expectEmit(address(token));
        emit IERC7943Fungible.Frozen(alice, 60);
        freeze(alice, 60);
        assertEq(token.getFrozenTokens(alice), 60);
        assertEq(token.transferableBalance(alice), 40);
        freeze(alice, 100);
        assertEq(token.transferableBalance(alice), 0);
        freeze(alice, 0);
        assertEq(token.getFrozenTokens(alice), 0);
        assertEq(token.transferableBalance(alice), 100);
    }

    function test_SetFrozenTokens_FrozenUnitsCannotMove() public {
        mint(alice, 100);
        freeze(alice, 60);
        vm.prank(alice);
        token.transfer(bob, 40);
        vm.expectRevert(rejected(alice, bob, 1, RestrictionCode.BALANCE_FROZEN));
        vm.prank(alice);
        token.transfer(bob, 1);
    }

    function test_RevertWhen_FrozenExceedsBalance() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenFrozenExceedsBalance.selector, alice, 101, 100));
        freeze(alice, 101);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenFrozenExceedsBalance.selector, bob, 1, 0));
        freeze(bob, 1);
    }

    function test_RevertWhen_SetFrozenTokensByNonAgent() public {
        mint(alice, 100);
        vm.expectRevert(unauthorized(complianceOfficer, Roles.TRANSFER_AGENT));
        vm.prank(complianceOfficer);
        token.setFrozenTokens(alice, 1);
    }

    // ---------------------------------------------------------------- recovery

    function test_RecoverWallet_MovesBalanceFrozenAndLocks() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100);
        (, uint32 until) = token.lockedTokens(alice);
        freeze(alice, 30);
        vm.prank(complianceOfficer);
        registry.replaceWallet(alice, alice3);

        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, alice3, 100);
        vm.expectEmit(address(token));
        emit IEntitlementToken.WalletRecovered(alice, alice3, 100, 30);
        vm.prank(agent);
        token.recoverWallet(alice, alice3);

        assertEq(token.balanceOf(alice), 0);
        assertEq(token.getFrozenTokens(alice), 0);
        assertEq(token.balanceOf(alice3), 100);
        assertEq(token.getFrozenTokens(alice3), 30);
        (uint256 locked, uint32 lockedUntil) = token.lockedTokens(alice3);
        assertEq(locked, 100);
        assertEq(lockedUntil, until);
        assertEq(records(token).investorBalance(ALICE), 100);
        assertEq(token.investorCount(), 1);
        assertEq(token.totalSupply(), 100);
    }

    function test_RecoverWallet_MergesIntoExistingWallet() public {
        mint(alice, 100);
        mint(alice2, 50);
        freeze(alice, 10);
        freeze(alice2, 5);
        vm.prank(agent);
        token.recoverWallet(alice, alice2);
        assertEq(token.balanceOf(alice2), 150);
        assertEq(token.getFrozenTokens(alice2), 15);
        assertEq(records(token).investorBalance(ALICE), 150);
    }

    /// @dev Issue 6: recovery stays within one investor, so the investor's balance and the investor
    /// count do not move and every per-investor limit still binds the investor afterwards.
    function test_RecoverWallet_KeepsPerInvestorLimits() public {
        setRules(Rule.MAX_BALANCE | Rule.MAX_INVESTORS);
        setInvestorLimits(2, 100, 0);
        mint(alice, 60);
        mint(alice2, 40);
        mint(bob, 10);
        vm.prank(agent);
        token.recoverWallet(alice, alice2);
        assertEq(token.balanceOf(alice2), 100);
        assertEq(records(token).investorBalance(ALICE), 100);
        assertEq(token.investorCount(), 2);
        assertEq(token.detectTransferRestriction(bob, alice2, 1), RestrictionCode.MAX_BALANCE_EXCEEDED);
        assertEq(token.detectTransferRestriction(bob, alice, 1), RestrictionCode.MAX_BALANCE_EXCEEDED);
        assertEq(token.detectTransferRestriction(alice2, carol, 1), RestrictionCode.MAX_INVESTORS_REACHED);
        vm.expectRevert(rejected(address(0), alice, 1, RestrictionCode.MAX_BALANCE_EXCEEDED));
        mint(alice, 1);
    }

    function test_RevertWhen_RecoverToOtherInvestor() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenRecoveryInvalid.selector, alice, bob));
        vm.prank(agent);
        token.recoverWallet(alice, bob);
    }

    function test_RevertWhen_RecoverToRetiredWallet() public {
        mint(alice, 100);
        vm.prank(complianceOfficer);
        registry.removeWallet(alice2);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenRecoveryInvalid.selector, alice, alice2));
        vm.prank(agent);
        token.recoverWallet(alice, alice2);
    }

    function test_RevertWhen_RecoverToSameWallet() public {
        mint(alice, 100);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenRecoveryInvalid.selector, alice, alice));
        vm.prank(agent);
        token.recoverWallet(alice, alice);
    }

    function test_RevertWhen_RecoverFromNeverRegisteredWallet() public {
        vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenRecoveryInvalid.selector, stranger, alice));
        vm.prank(agent);
        token.recoverWallet(stranger, alice);
    }

    function test_RevertWhen_RecoverByNonAgent() public {
        vm.expectRevert(unauthorized(complianceOfficer, Roles.TRANSFER_AGENT));
        vm.prank(complianceOfficer);
        token.recoverWallet(alice, alice2);
    }

    // ---------------------------------------------------------------- pause

    function test_Pause_StopsTransfersMintsAndBurns() public {
        mint(alice, 100);
        vm.expectEmit(address(token));
        emit IEntitlementToken.Paused(pauser);
        vm.prank(pauser);
        token.pause();
        assertTrue(token.paused());
        assertFalse(token.canSend(alice));
        assertFalse(token.canReceive(bob));

        vm.expectRevert(rejected(alice, bob, 1, RestrictionCode.TOKEN_PAUSED));
        vm.prank(alice);
        token.transfer(bob, 1);
        vm.expectRevert(IEntitlementToken.TokenPaused.selector);
        mint(alice, 1);
        vm.expectRevert(IEntitlementToken.TokenPaused.selector);
        burn(alice, 1);
    }

    function test_Pause_LeavesForcedTransferAndRecoveryWorking() public {
        mint(alice, 100);
        vm.prank(pauser);
        token.pause();
        vm.startPrank(agent);
        token.forcedTransfer(alice, bob, 10);
        token.recoverWallet(alice, alice2);
        vm.stopPrank();
        assertEq(token.balanceOf(bob), 10);
        assertEq(token.balanceOf(alice2), 90);
    }

    function test_Unpause_RestoresTransfers() public {
        mint(alice, 100);
        vm.prank(pauser);
        token.pause();
        vm.expectEmit(address(token));
        emit IEntitlementToken.Unpaused(pauser);
        vm.prank(pauser);
        token.unpause();
        vm.prank(alice);
        token.transfer(bob, 10);
        assertEq(token.balanceOf(bob), 10);
    }

    function test_RevertWhen_PauseByNonPauser() public {
        vm.expectRevert(unauthorized(issuer, Roles.PAUSER));
        vm.prank(issuer);
        token.pause();
        vm.expectRevert(unauthorized(agent, Roles.PAUSER));
        vm.prank(agent);
        token.unpause();
    }

    // ---------------------------------------------------------------- circuit breaker

    function test_CircuitBreaker_TripsAfterShareMovedInWindow() public {
        armBreaker(1000, 1 hours); // 10% of supply per hour
        mint(alice, 1000);
        vm.prank(alice);
        token.transfer(bob, 100); // exactly 10%: not more than the share
        assertFalse(token.paused());

        vm.expectEmit(address(token));
        emit IEntitlementToken.CircuitBreakerTripped(101, 1000, uint32(START));
        vm.expectEmit(address(token));
        emit IEntitlementToken.Paused(address(token));
        vm.prank(alice);
        token.transfer(bob, 1); // the tripping transfer itself goes through
        assertEq(token.balanceOf(bob), 101);
        assertTrue(token.paused());
        assertEq(token.detectTransferRestriction(alice, bob, 1), RestrictionCode.TOKEN_PAUSED);
    }

    function test_CircuitBreaker_WindowRestartsAfterItEnds() public {
        armBreaker(1000, 1 hours);
        mint(alice, 1000);
        vm.prank(alice);
        token.transfer(bob, 100);
        vm.warp(START + 1 hours);
        vm.prank(alice);
        token.transfer(bob, 100);
        assertFalse(token.paused());
    }

    /// @dev Moving units between two wallets of one investor changes no holding: the breaker
    /// watches transfers between investors only.
    function test_CircuitBreaker_IgnoresMovesWithinOneInvestor() public {
        armBreaker(1000, 1 hours);
        mint(alice, 1000);
        vm.prank(alice);
        token.transfer(alice2, 1000);
        assertFalse(token.paused());
        vm.prank(alice2);
        token.transfer(bob, 100); // the window saw nothing before: exactly 10% does not trip
        assertFalse(token.paused());
        vm.prank(alice2);
        token.transfer(bob, 1);
        assertTrue(token.paused());
    }

    function test_CircuitBreaker_IgnoresMovesWithinOneInvestorOnUntrackedToken() public {
        token = deployToken("Plain", "PLN", false);
        armBreaker(1000, 1 hours);
        mint(alice, 1000);
        vm.prank(alice);
        token.transfer(alice2, 500);
        assertFalse(token.paused());
    }

    function test_Unpause_RearmsTrippedBreakerWithNewWindow() public {
        armBreaker(1000, 1 hours);
        mint(alice, 1000);
        vm.prank(alice);
        token.transfer(bob, 101);
        assertTrue(token.paused());
        vm.warp(START + 10 minutes);
        vm.prank(pauser);
        token.unpause();
        vm.prank(alice);
        token.transfer(bob, 100);
        assertFalse(token.paused());
        vm.prank(alice);
        token.transfer(bob, 1);
        assertTrue(token.paused());
    }

    // ---------------------------------------------------------------- lock-up

    function test_Mint_LocksUnitsForLockupPeriod() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        vm.expectEmit(address(token));
        emit IEntitlementToken.TokensLocked(alice, 100, uint32(START + 30 days));
        mint(alice, 100);
        (uint256 locked, uint32 until) = token.lockedTokens(alice);
        assertEq(locked, 100);
        assertEq(until, START + 30 days);
        assertEq(token.transferableBalance(alice), 0);

        vm.warp(START + 30 days - 1);
        vm.expectRevert(rejected(alice, bob, 1, RestrictionCode.TOKENS_LOCKED));
        vm.prank(alice);
        token.transfer(bob, 1);

        vm.warp(START + 30 days);
        (locked, until) = token.lockedTokens(alice);
        assertEq(locked, 0);
        vm.prank(alice);
        token.transfer(bob, 100);
        assertEq(token.balanceOf(bob), 100);
    }

    function test_Lockup_TransferredUnitsAreFree() public {
        mint(alice, 100); // before the lock-up rule: free units
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 50);
        assertEq(token.transferableBalance(alice), 100);
        vm.prank(alice);
        token.transfer(bob, 100);
        assertEq(token.transferableBalance(bob), 100);
        assertEq(token.detectTransferRestriction(alice, bob, 1), RestrictionCode.TOKENS_LOCKED);
    }

    /// @dev Each issue is its own tranche: a later small issue does not re-lock earlier units
    /// (100 units issued on day 0 of a 10-day lock-up unlock on day 10, not day 19).
    function test_Lockup_EarlierUnitsUnlockOnTheirOwnDate() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 10 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100);
        vm.warp(START + 9 days);
        mint(alice, 1);
        (uint256 locked, uint32 until) = token.lockedTokens(alice);
        assertEq(locked, 101);
        assertEq(until, START + 10 days); // the first of them to unlock
        vm.warp(START + 10 days);
        assertEq(token.transferableBalance(alice), 100);
        (locked, until) = token.lockedTokens(alice);
        assertEq(locked, 1);
        assertEq(until, START + 19 days);
        vm.prank(alice);
        token.transfer(bob, 100);
        assertEq(token.detectTransferRestriction(alice, bob, 1), RestrictionCode.TOKENS_LOCKED);
        vm.warp(START + 19 days);
        vm.prank(alice);
        token.transfer(bob, 1);
        assertEq(token.balanceOf(bob), 101);
    }

    function test_Lockup_IssuesInOneSecondShareATranche() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 10 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100);
        mint(alice, 50);
        (uint256 locked, uint32 until) = token.lockedTokens(alice);
        assertEq(locked, 150);
        assertEq(until, START + 10 days);
        vm.warp(START + 10 days);
        assertEq(token.transferableBalance(alice), 150);
    }

    /// @dev Each tranche unlocks on its own date, whatever the order of the periods.
    function test_Lockup_ShorterPeriodLaterUnlocksFirst() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100); // until day 30
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 5 days);
        vm.warp(START + 1 days);
        mint(alice, 10); // until day 6
        vm.warp(START + 6 days);
        assertEq(token.transferableBalance(alice), 10);
        vm.warp(START + 30 days);
        assertEq(token.transferableBalance(alice), 110);
    }

    /// @dev A wallet keeps eight live tranches; a ninth merges the two earliest into the later of
    /// their dates, so no unit ever unlocks before its own date.
    function test_Lockup_NinthTrancheMergesTheEarliestTwo() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 100 days);
        setRules(Rule.LOCKUP);
        for (uint256 i; i < 9; ++i) {
            vm.warp(START + i * 1 days);
            mint(alice, 10 + i); // day i: 10 + i units until day 100 + i
        }
        (uint256 locked, uint32 until) = token.lockedTokens(alice);
        assertEq(locked, 9 * 10 + 36);
        assertEq(until, START + 101 days);
        vm.warp(START + 100 days); // day 0's 10 units merged into day 1's date
        assertEq(token.transferableBalance(alice), 0);
        vm.warp(START + 101 days);
        assertEq(token.transferableBalance(alice), 21);
        vm.warp(START + 102 days);
        assertEq(token.transferableBalance(alice), 33);
        vm.warp(START + 108 days);
        assertEq(token.transferableBalance(alice), 126);
    }

    /// @dev Units that leave by force give up the soonest-expiring locks first: what stays is
    /// locked longest.
    function test_Lockup_ForcedTransferReleasesEarliestTranchesFirst() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 10 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100); // until day 10
        vm.warp(START + 2 days);
        mint(alice, 50); // until day 12
        vm.prank(agent);
        token.forcedTransfer(alice, bob, 120);
        (uint256 locked, uint32 until) = token.lockedTokens(alice);
        assertEq(locked, 30);
        assertEq(until, START + 12 days);
        vm.warp(START + 10 days);
        assertEq(token.transferableBalance(alice), 0);
        vm.warp(START + 12 days);
        assertEq(token.transferableBalance(alice), 30);
    }

    function test_RecoverWallet_MergesLockTranches() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 10 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100); // until day 10
        vm.warp(START + 1 days);
        mint(alice2, 20); // until day 11
        vm.warp(START + 2 days);
        mint(alice, 5); // until day 12
        vm.prank(agent);
        token.recoverWallet(alice, alice2);
        (uint256 locked, uint32 until) = token.lockedTokens(alice2);
        assertEq(locked, 125);
        assertEq(until, START + 10 days);
        vm.warp(START + 10 days);
        assertEq(token.transferableBalance(alice2), 100);
        vm.warp(START + 11 days);
        assertEq(token.transferableBalance(alice2), 120);
        vm.warp(START + 12 days);
        assertEq(token.transferableBalance(alice2), 125);
        (locked,) = token.lockedTokens(alice);
        assertEq(locked, 0);
    }

    function test_Lockup_RuleOffReleasesLocks() public {
        vm.prank(complianceOfficer);
        compliance.setLockupPeriod(token, 30 days);
        setRules(Rule.LOCKUP);
        mint(alice, 100);
        setRules(0);
        assertEq(token.transferableBalance(alice), 100);
        vm.prank(alice);
        token.transfer(bob, 100);
    }

    // ---------------------------------------------------------------- daily limit

    function test_DailyLimit_CapsInvestorPerUtcDay() public {
        setRules(Rule.DAILY_LIMIT);
        setInvestorLimits(0, 0, 100);
        mint(alice, 1000);
        vm.startPrank(alice);
        token.transfer(bob, 60);
        token.transfer(bob, 40);
        vm.expectRevert(rejected(alice, bob, 1, RestrictionCode.DAILY_LIMIT_EXCEEDED));
        token.transfer(bob, 1);
        vm.warp((START / 1 days + 1) * 1 days); // next UTC midnight
        token.transfer(bob, 100);
        vm.stopPrank();
        assertEq(token.balanceOf(bob), 200);
    }

    function test_DailyLimit_SharedByWalletsOfOneInvestor() public {
        setRules(Rule.DAILY_LIMIT);
        setInvestorLimits(0, 0, 100);
        mint(alice, 100);
        mint(alice2, 100);
        vm.prank(alice);
        token.transfer(bob, 70);
        assertEq(token.detectTransferRestriction(alice2, bob, 31), RestrictionCode.DAILY_LIMIT_EXCEEDED);
        assertEq(token.detectTransferRestriction(alice2, bob, 30), RestrictionCode.SUCCESS);
    }

    function test_DailyLimit_IgnoresMovesBetweenOwnWallets() public {
        setRules(Rule.DAILY_LIMIT);
        setInvestorLimits(0, 0, 100);
        mint(alice, 1000);
        vm.prank(alice);
        token.transfer(alice2, 500);
        vm.prank(alice);
        token.transfer(bob, 100);
        assertEq(token.balanceOf(bob), 100);
    }

    // ---------------------------------------------------------------- investor limits

    function test_MaxInvestors_RejectsNewInvestorAtCap() public {
        setRules(Rule.MAX_INVESTORS);
        setInvestorLimits(2, 0, 0);
        mint(alice, 100);
        mint(bob, 100);
        vm.expectRevert(rejected(address(0), carol, 1, RestrictionCode.MAX_INVESTORS_REACHED));
        mint(carol, 1);
        vm.expectRevert(rejected(alice, carol, 1, RestrictionCode.MAX_INVESTORS_REACHED));
        vm.prank(alice);
        token.transfer(carol, 1);
        mint(alice2, 1); // an existing investor's other wallet
        vm.prank(bob);
        token.transfer(alice, 50); // to an existing investor
        assertEq(token.investorCount(), 2);
    }

    function test_MaxInvestors_AllowsNewInvestorWhenSenderExits() public {
        setRules(Rule.MAX_INVESTORS);
        setInvestorLimits(2, 0, 0);
        mint(alice, 100);
        mint(bob, 100);
        vm.prank(bob);
        token.transfer(carol, 100);
        assertEq(token.investorCount(), 2);
        assertEq(records(token).investorBalance(CAROL), 100);
    }

    function test_MaxBalance_CapsInvestorAcrossWallets() public {
        setRules(Rule.MAX_BALANCE);
        setInvestorLimits(0, 150, 0);
        mint(alice, 100);
        vm.expectRevert(rejected(address(0), alice2, 51, RestrictionCode.MAX_BALANCE_EXCEEDED));
        mint(alice2, 51);
        mint(alice2, 50);
        mint(bob, 10);
        vm.expectRevert(rejected(bob, alice, 1, RestrictionCode.MAX_BALANCE_EXCEEDED));
        vm.prank(bob);
        token.transfer(alice, 1);
        vm.prank(alice);
        token.transfer(alice2, 100); // within one investor: the position does not change
    }

    function test_RevertWhen_InvestorRulesOnIssuedUntrackedToken() public {
        token = deployToken("Untracked", "UNT", false);
        mint(alice, 100);
        vm.expectRevert(
            abi.encodeWithSelector(IEntitlementToken.ComplianceInvestorTrackingUnavailable.selector, Rule.MAX_BALANCE)
        );
        setRules(Rule.MAX_BALANCE);
        setRules(Rule.KYC | Rule.LOCKUP); // rules without positions stay available
    }

    function test_SetRules_StartsTrackingOnEmptyUntrackedToken() public {
        token = deployToken("Untracked", "UNT", false);
        assertFalse(token.ruleSettings().investorTracking);
        setInvestorLimits(10, 0, 0);
        vm.expectEmit(address(token));
        emit IEntitlementToken.InvestorTrackingEnabled();
        setRules(Rule.MAX_INVESTORS);
        assertTrue(token.ruleSettings().investorTracking);
        mint(alice, 100);
        assertEq(token.investorCount(), 1);
    }

    function test_InvestorBalance_SumsWalletsOnUntrackedToken() public {
        token = deployToken("Untracked", "UNT", false);
        mint(alice, 100);
        mint(alice2, 20);
        vm.prank(complianceOfficer);
        registry.removeWallet(alice2);
        assertEq(records(token).investorBalance(ALICE), 120);
        assertEq(token.investorCount(), 0);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_Transfer_MovesExactAmount(uint256 minted, uint256 amount) public {
        minted = bound(minted, 1, type(uint96).max);
        amount = bound(amount, 0, minted);
        mint(alice, minted);
        vm.prank(alice);
        token.transfer(bob, amount);
        assertEq(token.balanceOf(alice), minted - amount);
        assertEq(token.balanceOf(bob), amount);
        assertEq(token.totalSupply(), minted);
        assertEq(records(token).investorBalance(ALICE) + records(token).investorBalance(BOB), minted);
        assertEq(token.investorCount(), (minted == amount ? 0 : 1) + (amount == 0 ? 0 : 1));
    }

    function testFuzz_Transfer_RejectsAmountAboveTransferable(uint256 minted, uint256 frozen, uint256 amount) public {
        minted = bound(minted, 1, type(uint96).max);
        frozen = bound(frozen, 0, minted);
        amount = bound(amount, minted - frozen + 1, type(uint256).max);
        mint(alice, minted);
        freeze(alice, frozen);
        uint8 code = amount > minted ? RestrictionCode.INSUFFICIENT_BALANCE : RestrictionCode.BALANCE_FROZEN;
        assertEq(token.detectTransferRestriction(alice, bob, amount), code);
        assertFalse(token.canTransfer(alice, bob, amount));
        vm.expectRevert(rejected(alice, bob, amount, code));
        vm.prank(alice);
        token.transfer(bob, amount);
    }

    function testFuzz_DailyLimit_SumOfTransfersPerDay(uint96 limit, uint256 first, uint256 second) public {
        limit = uint96(bound(limit, 1, 1e24));
        first = bound(first, 0, limit);
        second = bound(second, 0, 2 * uint256(limit));
        setRules(Rule.DAILY_LIMIT);
        setInvestorLimits(0, 0, limit);
        mint(alice, 3 * uint256(limit));
        vm.prank(alice);
        token.transfer(bob, first);
        bool fits = first + second <= limit;
        assertEq(token.canTransfer(alice, bob, second), fits);
        if (!fits) vm.expectRevert(rejected(alice, bob, second, RestrictionCode.DAILY_LIMIT_EXCEEDED));
        vm.prank(alice);
        token.transfer(bob, second);
    }

    // ---------------------------------------------------------------- helpers

    function burn(address from, uint256 amount) internal {
        vm.prank(issuer);
        token.burn(from, amount);
    }

    function freeze(address account, uint256 amount) internal {
        vm.prank(agent);
        token.setFrozenTokens(account, amount);
    }

    function armBreaker(uint16 shareBps, uint32 window) internal {
        vm.prank(complianceOfficer);
        compliance.setCircuitBreaker(token, shareBps, window);
        setRules(Rule.CIRCUIT_BREAKER);
    }

    function pairs(address a, uint256 x, address b, uint256 y, address c, uint256 z)
        internal
        pure
        returns (address[] memory wallets, uint256[] memory amounts)
    {
        wallets = new address[](3);
        amounts = new uint256[](3);
        (wallets[0], wallets[1], wallets[2]) = (a, b, c);
        (amounts[0], amounts[1], amounts[2]) = (x, y, z);
    }
}
