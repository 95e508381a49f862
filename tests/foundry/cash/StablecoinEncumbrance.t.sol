// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC7246} from "../../../contracts/interfaces/IERC7246.sol";
import {IStablecoin} from "../../../contracts/interfaces/IStablecoin.sol";
import {CashFixture} from "./CashFixture.sol";

/// @notice ERC-7246 on the stablecoin: encumbered units stay with the owner but only their taker
/// moves them, spending its encumbrance before its allowance; release is pure bookkeeping.
contract StablecoinEncumbranceTest is CashFixture {
    function test_Encumber_LocksInPlace() public {
        vm.expectEmit(address(cash));
        emit IERC7246.Encumber(alice, carol, 300 * USD);
        vm.prank(alice);
        cash.encumber(carol, 300 * USD);
        assertEq(cash.balanceOf(alice), 1_000 * USD);
        assertEq(cash.encumberedBalanceOf(alice), 300 * USD);
        assertEq(cash.availableBalanceOf(alice), 700 * USD);
        assertEq(cash.encumbrances(alice, carol), 300 * USD);
    }

    function testFuzz_Encumber_OwnerSpendsOnlyAvailable(uint256 locked, uint256 amount) public {
        locked = bound(locked, 1, 1_000 * USD);
        amount = bound(amount, 0, 1_000 * USD);
        vm.startPrank(alice);
        cash.encumber(carol, locked);
        if (amount > 1_000 * USD - locked) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IStablecoin.CashInsufficientAvailableBalance.selector, alice, 1_000 * USD - locked, amount
                )
            );
        }
        cash.transfer(bob, amount);
        vm.stopPrank();
        assertGe(cash.balanceOf(alice), cash.encumberedBalanceOf(alice));
    }

    function testFuzz_TransferFrom_SpendsEncumbranceThenAllowance(uint256 locked, uint256 allowed, uint256 amount)
        public
    {
        locked = bound(locked, 1, 1_000 * USD);
        allowed = bound(allowed, 0, 2_000 * USD);
        amount = bound(amount, 0, 1_200 * USD);
        vm.startPrank(alice);
        cash.encumber(carol, locked);
        cash.approve(carol, allowed);
        vm.stopPrank();
        uint256 fromLock = amount < locked ? amount : locked;
        uint256 rest = amount - fromLock;
        uint256 available = 1_000 * USD - locked;
        vm.prank(carol);
        if (rest > allowed) {
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, carol, allowed, rest)
            );
        } else if (amount > 1_000 * USD) {
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 1_000 * USD, amount)
            );
        } else if (rest > available) {
            // What the taker did not hold encumbered must come from the owner's free units.
            uint256 free = 1_000 * USD - (locked - fromLock);
            vm.expectRevert(
                abi.encodeWithSelector(IStablecoin.CashInsufficientAvailableBalance.selector, alice, free, amount)
            );
        }
        cash.transferFrom(alice, bob, amount);
        if (rest <= allowed && rest <= available) {
            assertEq(cash.encumbrances(alice, carol), locked - fromLock);
            assertEq(cash.encumberedBalanceOf(alice), locked - fromLock);
            assertEq(cash.allowance(alice, carol), allowed - rest);
            assertEq(cash.balanceOf(bob), 500 * USD + amount);
        }
    }

    function test_Release_IsBookkeepingEvenPausedOrBlacklisted() public {
        vm.prank(alice);
        cash.encumber(carol, 100 * USD);
        vm.prank(pauser);
        cash.pause();
        vm.startPrank(blacklister);
        cash.blacklist(alice);
        cash.blacklist(carol);
        vm.stopPrank();
        vm.expectEmit(address(cash));
        emit IERC7246.Release(alice, carol, 100 * USD);
        vm.prank(carol);
        cash.release(alice, 100 * USD);
        assertEq(cash.encumberedBalanceOf(alice), 0);
    }

    function test_RevertWhen_ReleaseAboveEncumbrance() public {
        vm.prank(alice);
        cash.encumber(carol, 100 * USD);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStablecoin.CashReleaseExceedsEncumbrance.selector, alice, carol, 100 * USD, 100 * USD + 1
            )
        );
        cash.release(alice, 100 * USD + 1);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashReleaseExceedsEncumbrance.selector, alice, bob, 0, 1));
        cash.release(alice, 1);
    }

    function test_EncumberFrom_SpendsTheCallersAllowance() public {
        vm.prank(alice);
        cash.approve(dave, 100 * USD);
        vm.prank(dave);
        cash.encumberFrom(alice, carol, 60 * USD);
        assertEq(cash.allowance(alice, dave), 40 * USD);
        assertEq(cash.encumbrances(alice, carol), 60 * USD);
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, dave, 40 * USD, 41 * USD)
        );
        cash.encumberFrom(alice, carol, 41 * USD);
    }

    function test_RevertWhen_EncumberInvalid() public {
        vm.startPrank(alice);
        vm.expectRevert(IStablecoin.CashAmountZero.selector);
        cash.encumber(carol, 0);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidSpender.selector, address(0)));
        cash.encumber(address(0), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IStablecoin.CashInsufficientAvailableBalance.selector, alice, 1_000 * USD, 1_000 * USD + 1
            )
        );
        cash.encumber(carol, 1_000 * USD + 1);
        vm.stopPrank();
    }

    function test_RevertWhen_BurnOrSeizeReachEncumberedUnits() public {
        mintCash(minter, 10);
        vm.prank(minter);
        cash.encumber(carol, 6);
        vm.prank(minter);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInsufficientAvailableBalance.selector, minter, 4, 5));
        cash.burn(5);
        vm.startPrank(blacklister);
        cash.blacklist(minter);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInsufficientAvailableBalance.selector, minter, 4, 5));
        cash.seize(minter, dave, 5, bytes32(0));
        vm.stopPrank();
    }

    function test_RevertWhen_TakerDebitsABlacklistedOwner() public {
        vm.prank(alice);
        cash.encumber(carol, 100 * USD);
        vm.prank(blacklister);
        cash.blacklist(alice);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAccountBlacklisted.selector, alice));
        cash.transferFrom(alice, bob, 1);
    }
}
