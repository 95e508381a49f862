// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {Stablecoin} from "../../../contracts/cash/Stablecoin.sol";
import {RestrictionCode} from "../../../contracts/compliance/RestrictionCode.sol";
import {IERC1404} from "../../../contracts/interfaces/IERC1404.sol";
import {IERC3009} from "../../../contracts/interfaces/IERC3009.sol";
import {IERC7246} from "../../../contracts/interfaces/IERC7246.sol";
import {IStablecoin} from "../../../contracts/interfaces/IStablecoin.sol";
import {PlainERC20} from "../../../contracts/mocks/PlainERC20.sol";
import {CashFixture} from "./CashFixture.sol";

/// @notice Minting, transfers, blacklist and court orders, pause, the registry restriction,
/// rescue and access control of the stablecoin, each with its exact error.
contract StablecoinTest is CashFixture {
    bytes32 internal constant ORDER = keccak256("court order 2025-CV-0042");

    // ---------------------------------------------------------------- initialisation

    function test_Initialize_SetsMetadata() public view {
        assertEq(cash.name(), "Permledger USD");
        assertEq(cash.symbol(), "PUSD");
        assertEq(cash.decimals(), 6);
        assertEq(cash.authority(), address(authority));
        assertEq(cash.identityRegistry(), address(0));
        assertEq(cash.totalSupply(), 1_500 * USD);
        assertTrue(cash.isMinter(minter));
        assertEq(cash.minterAllowance(minter), MINTER_ALLOWANCE - 1_500 * USD);
    }

    function test_SupportsInterface_DeclaredInterfaces() public view {
        assertTrue(cash.supportsInterface(type(IERC20).interfaceId));
        assertTrue(cash.supportsInterface(type(IERC20Permit).interfaceId));
        assertTrue(cash.supportsInterface(type(IERC3009).interfaceId));
        assertTrue(cash.supportsInterface(type(IERC7246).interfaceId));
        assertTrue(cash.supportsInterface(type(IERC1404).interfaceId));
        assertTrue(cash.supportsInterface(type(IStablecoin).interfaceId));
        assertTrue(cash.supportsInterface(0x01ffc9a7));
        assertFalse(cash.supportsInterface(0xffffffff));
    }

    function test_RevertWhen_InitializedTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        cash.initialize("X", "X", address(authority), address(0));
    }

    function test_RevertWhen_ImplementationInitialized() public {
        Stablecoin implementation = new Stablecoin();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize("X", "X", address(authority), address(0));
    }

    function test_RevertWhen_RegistryIsNotAContract() public {
        address implementation = address(new Stablecoin());
        bytes memory init = abi.encodeCall(Stablecoin.initialize, ("X", "X", address(authority), alice));
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashRegistryInvalid.selector, alice));
        new ERC1967Proxy(implementation, init);
        vm.prank(complianceOfficer);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashRegistryInvalid.selector, alice));
        cash.setIdentityRegistry(alice);
    }

    // ---------------------------------------------------------------- access control

    function test_RevertWhen_CallerLacksRole() public {
        bytes[10] memory calls = [
            abi.encodeCall(Stablecoin.configureMinter, (alice, 1)),
            abi.encodeCall(Stablecoin.removeMinter, (minter)),
            abi.encodeCall(Stablecoin.blacklist, (alice)),
            abi.encodeCall(Stablecoin.unBlacklist, (alice)),
            abi.encodeCall(Stablecoin.seize, (alice, bob, 1, ORDER)),
            abi.encodeCall(Stablecoin.pause, ()),
            abi.encodeCall(Stablecoin.unpause, ()),
            abi.encodeCall(Stablecoin.setIdentityRegistry, (address(registry))),
            abi.encodeCall(Stablecoin.rescueERC20, (IERC20(address(cash)), alice, 1)),
            abi.encodeCall(cash.upgradeToAndCall, (address(new Stablecoin()), ""))
        ];
        bytes32[10] memory roles = [
            Roles.MASTER_MINTER,
            Roles.MASTER_MINTER,
            Roles.BLACKLISTER,
            Roles.BLACKLISTER,
            Roles.BLACKLISTER,
            Roles.PAUSER,
            Roles.PAUSER,
            Roles.COMPLIANCE_OFFICER,
            Roles.RESCUER,
            Roles.UPGRADER
        ];
        address[9] memory callers =
            [admin, issuer, agent, complianceOfficer, pauser, upgrader, masterMinter, blacklister, minter];
        bytes32[9] memory held = [
            bytes32(0),
            Roles.ISSUER,
            Roles.TRANSFER_AGENT,
            Roles.COMPLIANCE_OFFICER,
            Roles.PAUSER,
            Roles.UPGRADER,
            Roles.MASTER_MINTER,
            Roles.BLACKLISTER,
            bytes32(0)
        ];
        for (uint256 i; i < calls.length; ++i) {
            for (uint256 j; j < callers.length; ++j) {
                if (held[j] == roles[i]) continue;
                vm.prank(callers[j]);
                (bool ok, bytes memory ret) = address(cash).call(calls[i]);
                assertFalse(ok, "a caller without the role got through");
                assertEq(ret, unauthorized(callers[j], roles[i]));
            }
        }
    }

    // ---------------------------------------------------------------- minting

    function test_Mint_SpendsAllowance() public {
        vm.expectEmit(address(cash));
        emit IERC20.Transfer(address(0), carol, 7 * USD);
        vm.expectEmit(address(cash));
        emit IStablecoin.Mint(minter, carol, 7 * USD);
        mintCash(carol, 7 * USD);
        assertEq(cash.balanceOf(carol), 7 * USD);
        assertEq(cash.minterAllowance(minter), MINTER_ALLOWANCE - 1_507 * USD);
    }

    function testFuzz_Mint_WithinAllowanceOnly(uint256 allowance, uint256 amount) public {
        allowance = bound(allowance, 0, 1e30);
        amount = bound(amount, 1, 1e30);
        vm.prank(masterMinter);
        cash.configureMinter(minter, allowance);
        vm.prank(minter);
        if (amount > allowance) {
            vm.expectRevert(
                abi.encodeWithSelector(IStablecoin.CashMintAllowanceExceeded.selector, minter, allowance, amount)
            );
            cash.mint(carol, amount);
        } else {
            cash.mint(carol, amount);
            assertEq(cash.minterAllowance(minter), allowance - amount);
            assertEq(cash.balanceOf(carol), amount);
        }
    }

    function test_RevertWhen_MintByNonMinter() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashNotMinter.selector, alice));
        cash.mint(alice, 1);
    }

    function test_RevertWhen_MintOrBurnZero() public {
        vm.startPrank(minter);
        vm.expectRevert(IStablecoin.CashAmountZero.selector);
        cash.mint(alice, 0);
        vm.expectRevert(IStablecoin.CashAmountZero.selector);
        cash.burn(0);
        vm.stopPrank();
    }

    function test_RevertWhen_MintToZeroAddress() public {
        vm.prank(minter);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        cash.mint(address(0), 1);
    }

    function test_RevertWhen_MintPastTheSupplyCap() public {
        uint256 cap = type(uint120).max;
        vm.prank(masterMinter);
        cash.configureMinter(minter, cap);
        mintCash(carol, cap - 1_500 * USD - 5);
        vm.prank(masterMinter);
        cash.configureMinter(minter, cap);
        vm.prank(minter);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAmountTooLarge.selector, 6, 5));
        cash.mint(carol, 6);
    }

    function test_RevertWhen_MinterAllowanceAboveCap() public {
        uint256 tooMuch = uint256(type(uint120).max) + 1;
        vm.prank(masterMinter);
        vm.expectRevert(
            abi.encodeWithSelector(IStablecoin.CashAmountTooLarge.selector, tooMuch, uint256(type(uint120).max))
        );
        cash.configureMinter(alice, tooMuch);
    }

    function test_Burn_OwnBalanceOnly() public {
        mintCash(minter, 10 * USD);
        vm.expectEmit(address(cash));
        emit IStablecoin.Burn(minter, 4 * USD);
        vm.prank(minter);
        cash.burn(4 * USD);
        assertEq(cash.balanceOf(minter), 6 * USD);
        assertEq(cash.totalSupply(), 1_506 * USD);
        vm.prank(minter);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, minter, 6 * USD, 7 * USD)
        );
        cash.burn(7 * USD);
    }

    function test_RemoveMinter_EndsMintingAndBurning() public {
        vm.prank(masterMinter);
        cash.removeMinter(minter);
        assertFalse(cash.isMinter(minter));
        assertEq(cash.minterAllowance(minter), 0);
        vm.prank(minter);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashNotMinter.selector, minter));
        cash.mint(alice, 1);
        vm.prank(masterMinter);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashNotMinter.selector, minter));
        cash.removeMinter(minter);
    }

    // ---------------------------------------------------------------- transfers

    function testFuzz_Transfer_ConservesSupply(uint256 amount) public {
        amount = bound(amount, 0, 1_000 * USD);
        vm.prank(alice);
        cash.transfer(carol, amount);
        assertEq(cash.balanceOf(alice) + cash.balanceOf(carol) + cash.balanceOf(bob), cash.totalSupply());
        assertEq(cash.balanceOf(carol), amount);
    }

    function test_Transfer_ToSelfKeepsBalance() public {
        vm.prank(alice);
        cash.transfer(alice, 400 * USD);
        assertEq(cash.balanceOf(alice), 1_000 * USD);
    }

    function test_RevertWhen_TransferAboveBalance() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 1_000 * USD, 1_000 * USD + 1)
        );
        cash.transfer(bob, 1_000 * USD + 1);
    }

    // ---------------------------------------------------------------- blacklist

    function test_RevertWhen_BlacklistedSendsReceivesOrSpends() public {
        vm.prank(alice);
        cash.approve(carol, 10);
        vm.prank(blacklister);
        cash.blacklist(alice);
        assertTrue(cash.isBlacklisted(alice));
        assertEq(cash.detectTransferRestriction(alice, bob, 1), RestrictionCode.SENDER_BLACKLISTED);
        assertEq(cash.detectTransferRestriction(bob, alice, 1), RestrictionCode.RECEIVER_BLACKLISTED);

        bytes memory blacklisted = abi.encodeWithSelector(IStablecoin.CashAccountBlacklisted.selector, alice);
        vm.prank(alice);
        vm.expectRevert(blacklisted);
        cash.transfer(bob, 1);
        vm.prank(bob);
        vm.expectRevert(blacklisted);
        cash.transfer(alice, 1);
        vm.prank(carol);
        vm.expectRevert(blacklisted);
        cash.transferFrom(alice, bob, 1);
        vm.prank(minter);
        vm.expectRevert(blacklisted);
        cash.mint(alice, 1);
        vm.prank(alice);
        vm.expectRevert(blacklisted);
        cash.approve(bob, 1);
        vm.prank(bob);
        vm.expectRevert(blacklisted);
        cash.approve(alice, 1);
        vm.prank(alice);
        vm.expectRevert(blacklisted);
        cash.encumber(bob, 1);
        vm.prank(bob);
        vm.expectRevert(blacklisted);
        cash.encumber(alice, 1);
    }

    function test_RevertWhen_BlacklistedCallerSpendsAnAllowance() public {
        vm.prank(alice);
        cash.approve(carol, 10);
        vm.prank(blacklister);
        cash.blacklist(carol);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAccountBlacklisted.selector, carol));
        cash.transferFrom(alice, bob, 1);
    }

    function test_UnBlacklist_RestoresTheAccount() public {
        vm.startPrank(blacklister);
        cash.blacklist(alice);
        vm.expectEmit(address(cash));
        emit IStablecoin.UnBlacklisted(alice);
        cash.unBlacklist(alice);
        vm.stopPrank();
        vm.prank(alice);
        cash.transfer(bob, 1);
    }

    function test_Seize_MovesAvailableUnitsUnderACourtOrder() public {
        vm.prank(alice);
        cash.encumber(carol, 300 * USD);
        vm.startPrank(blacklister);
        cash.blacklist(alice);
        vm.expectEmit(address(cash));
        emit IERC20.Transfer(alice, dave, 700 * USD);
        vm.expectEmit(address(cash));
        emit IStablecoin.FundsSeized(alice, dave, 700 * USD, ORDER);
        cash.seize(alice, dave, 700 * USD, ORDER);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInsufficientAvailableBalance.selector, alice, 0, 1));
        cash.seize(alice, dave, 1, ORDER);
        vm.stopPrank();
        assertEq(cash.balanceOf(alice), 300 * USD);
        assertEq(cash.encumbrances(alice, carol), 300 * USD);
    }

    function test_Seize_WorksWhilePaused() public {
        vm.prank(blacklister);
        cash.blacklist(alice);
        vm.prank(pauser);
        cash.pause();
        vm.prank(blacklister);
        cash.seize(alice, dave, 1_000 * USD, ORDER);
        assertEq(cash.balanceOf(dave), 1_000 * USD);
    }

    function test_RevertWhen_SeizeInvalid() public {
        vm.startPrank(blacklister);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAccountNotBlacklisted.selector, alice));
        cash.seize(alice, dave, 1, ORDER);
        cash.blacklist(alice);
        vm.expectRevert(IStablecoin.CashAmountZero.selector);
        cash.seize(alice, dave, 0, ORDER);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        cash.seize(alice, address(0), 1, ORDER);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 1_000 * USD, 1_000 * USD + 1)
        );
        cash.seize(alice, dave, 1_000 * USD + 1, ORDER);
        cash.blacklist(dave);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAccountBlacklisted.selector, dave));
        cash.seize(alice, dave, 1, ORDER);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- pause

    function test_Pause_StopsMovementsNotApprovals() public {
        vm.expectEmit(address(cash));
        emit IStablecoin.Paused(pauser);
        vm.prank(pauser);
        cash.pause();
        assertTrue(cash.paused());
        assertEq(cash.detectTransferRestriction(alice, bob, 1), RestrictionCode.TOKEN_PAUSED);
        vm.startPrank(alice);
        vm.expectRevert(IStablecoin.CashPaused.selector);
        cash.transfer(bob, 1);
        vm.expectRevert(IStablecoin.CashPaused.selector);
        cash.encumber(bob, 1);
        cash.approve(bob, 5);
        vm.stopPrank();
        vm.prank(bob);
        vm.expectRevert(IStablecoin.CashPaused.selector);
        cash.transferFrom(alice, carol, 1);
        vm.prank(minter);
        vm.expectRevert(IStablecoin.CashPaused.selector);
        cash.mint(alice, 1);
        vm.prank(pauser);
        cash.unpause();
        vm.prank(bob);
        cash.transferFrom(alice, carol, 5);
    }

    // ---------------------------------------------------------------- tokenised deposit

    function test_Registry_AdmitsOnlyEligibleWallets() public {
        vm.expectEmit(address(cash));
        emit IStablecoin.IdentityRegistryChanged(address(registry));
        vm.prank(complianceOfficer);
        cash.setIdentityRegistry(address(registry));
        vm.prank(alice);
        cash.transfer(bob, 1);

        assertEq(cash.detectTransferRestriction(alice, stranger, 1), RestrictionCode.RECEIVER_NOT_REGISTERED);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStablecoin.CashWalletNotEligible.selector, stranger, RestrictionCode.RECEIVER_NOT_REGISTERED
            )
        );
        cash.transfer(stranger, 1);

        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(ALICE, true);
        assertEq(cash.detectTransferRestriction(alice, bob, 1), RestrictionCode.SENDER_FROZEN);
        assertEq(cash.detectTransferRestriction(bob, alice2, 1), RestrictionCode.RECEIVER_FROZEN);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IStablecoin.CashWalletNotEligible.selector, alice, RestrictionCode.SENDER_FROZEN)
        );
        cash.transfer(bob, 1);

        vm.warp(KYC_EXPIRY);
        assertEq(cash.detectTransferRestriction(bob, carol, 1), RestrictionCode.SENDER_KYC_EXPIRED);
        vm.prank(complianceOfficer);
        registry.updateInvestor(BOB, GB, 4, uint40(KYC_EXPIRY + 365 days));
        assertEq(cash.detectTransferRestriction(bob, carol, 1), RestrictionCode.RECEIVER_KYC_EXPIRED);

        vm.prank(complianceOfficer);
        cash.setIdentityRegistry(address(0));
        vm.prank(bob);
        cash.transfer(stranger, 1);
    }

    function test_Registry_ChecksTheMintReceiver() public {
        Stablecoin deposit = deployCash(address(registry));
        vm.prank(masterMinter);
        deposit.configureMinter(minter, 10);
        vm.startPrank(minter);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStablecoin.CashWalletNotEligible.selector, stranger, RestrictionCode.RECEIVER_NOT_REGISTERED
            )
        );
        deposit.mint(stranger, 1);
        deposit.mint(carol, 1);
        vm.stopPrank();
        assertEq(deposit.balanceOf(carol), 1);
    }

    // ---------------------------------------------------------------- rescue

    function test_Rescue_AnyTokenHeldByTheContract() public {
        PlainERC20 stray = new PlainERC20(100);
        stray.transfer(address(cash), 60);
        vm.expectEmit(address(cash));
        emit IStablecoin.TokensRescued(address(stray), alice, 60);
        vm.prank(rescuer);
        cash.rescueERC20(IERC20(address(stray)), alice, 60);
        assertEq(stray.balanceOf(alice), 60);

        vm.prank(alice);
        cash.transfer(address(cash), 9);
        vm.prank(rescuer);
        cash.rescueERC20(IERC20(address(cash)), alice, 9);
        assertEq(cash.balanceOf(address(cash)), 0);
        assertEq(cash.balanceOf(alice), 1_000 * USD);
    }

    function test_RevertWhen_RescueInvalid() public {
        vm.startPrank(rescuer);
        vm.expectRevert(IStablecoin.CashAmountZero.selector);
        cash.rescueERC20(IERC20(address(cash)), alice, 0);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        cash.rescueERC20(IERC20(address(cash)), address(0), 1);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, address(cash), 0, 1));
        cash.rescueERC20(IERC20(address(cash)), alice, 1);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- restriction view

    function test_MessageForTransferRestriction_WordsTheCashCodes() public view {
        assertEq(cash.messageForTransferRestriction(RestrictionCode.SENDER_BLACKLISTED), "Sender is blacklisted");
        assertEq(cash.messageForTransferRestriction(RestrictionCode.RECEIVER_BLACKLISTED), "Receiver is blacklisted");
        assertEq(
            cash.messageForTransferRestriction(RestrictionCode.BALANCE_ENCUMBERED),
            "Amount exceeds the sender's unencumbered balance"
        );
        assertEq(cash.messageForTransferRestriction(RestrictionCode.LAST + 1), "Unknown restriction code");
    }

    /// @notice The view and the transfer agree on every state reached by pause, blacklists,
    /// encumbrance and amount.
    function testFuzz_DetectTransferRestriction_AgreesWithTransfer(
        bool paused,
        bool blacklistSender,
        bool blacklistReceiver,
        uint256 locked,
        uint256 amount
    ) public {
        locked = bound(locked, 0, 1_000 * USD);
        amount = bound(amount, 0, 1_200 * USD);
        if (locked != 0) {
            vm.prank(alice);
            cash.encumber(carol, locked);
        }
        vm.startPrank(blacklister);
        if (blacklistSender) cash.blacklist(alice);
        if (blacklistReceiver) cash.blacklist(bob);
        vm.stopPrank();
        if (paused) {
            vm.prank(pauser);
            cash.pause();
        }
        uint8 code = cash.detectTransferRestriction(alice, bob, amount);
        vm.prank(alice);
        (bool ok,) = address(cash).call(abi.encodeCall(IERC20.transfer, (bob, amount)));
        assertEq(ok, code == RestrictionCode.SUCCESS);
    }
}
