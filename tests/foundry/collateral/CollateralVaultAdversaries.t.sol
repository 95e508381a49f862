// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICollateralVault} from "../../../contracts/interfaces/ICollateralVault.sol";
import {PlainERC20} from "../../../contracts/mocks/PlainERC20.sol";
import {AttackerWallet} from "../mocks/AttackerWallet.sol";
import {HostileCash} from "../mocks/HostileCash.sol";
import {VaultFixture} from "./VaultFixture.sol";

/// @notice Issue 6 adversaries against the vault: a hostile collateral token whose transfers call
/// back into the vault as the account that pledged it, during a liquidation and during a deposit
/// (where a nested deposit would be counted twice by a balance-delta check).
contract CollateralVaultAdversariesTest is VaultFixture {
    HostileCash internal evil;
    PlainERC20 internal plain;
    AttackerWallet internal account;

    function setUp() public override {
        super.setUp();
        evil = new HostileCash();
        plain = new PlainERC20(1_000);
        listAsset(address(evil), 0, 1e18);
        listAsset(address(plain), 0, 1e18);
        account = new AttackerWallet();
        evil.mint(address(account), 2_000);
        plain.transfer(address(account), 1_000);
        _as(address(evil), abi.encodeCall(IERC20.approve, (address(vault), type(uint256).max)));
        _as(address(plain), abi.encodeCall(IERC20.approve, (address(vault), type(uint256).max)));
    }

    function test_LiquidationReentry_CannotWithdraw() public {
        _pledgeAndDefault();
        _armVaultCall(abi.encodeCall(ICollateralVault.withdraw, (address(plain), 1)), false);
        vm.prank(clearing);
        vault.liquidate(address(account), address(evil), 1_000, dave);

        assertFalse(evil.reentered(), "the nested withdrawal went through");
        assertEq(bytes4(evil.lastError()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        assertEq(evil.balanceOf(dave), 1_000);
        assertEq(vault.position(address(account), address(plain)), 1_000);
        assertEq(plain.balanceOf(address(vault)), 1_000, "custody still equals the pledge");
        assertEq(plain.balanceOf(address(account)), 0);
    }

    function test_LiquidationReentryBubbled_MovesNothing() public {
        _pledgeAndDefault();
        _armVaultCall(abi.encodeCall(ICollateralVault.withdraw, (address(plain), 1)), true);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        vm.prank(clearing);
        vault.liquidate(address(account), address(evil), 1_000, dave);

        assertEq(vault.position(address(account), address(evil)), 1_000);
        assertEq(evil.balanceOf(address(vault)), 1_000);
        assertEq(evil.balanceOf(dave), 0);
        (, uint256 requirement, uint40 deadline,) = vault.marginStatus(address(account));
        assertEq(requirement, 1_500, "the requirement is not reduced");
        assertTrue(deadline != 0, "the margin call stays open");
    }

    function test_DepositReentry_IsNotCountedTwice() public {
        _armVaultCall(abi.encodeCall(ICollateralVault.deposit, (address(evil), 500)), false);
        _as(address(vault), abi.encodeCall(ICollateralVault.deposit, (address(evil), 1_000)));

        assertEq(bytes4(evil.lastError()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        assertEq(vault.position(address(account), address(evil)), 1_000);
        assertEq(evil.balanceOf(address(vault)), 1_000);
    }

    /// @dev 1,000 of each asset at 1.00 against a requirement of 1,500; the hostile asset falls to
    /// 0.20 (value 1,200), the call expires and prices are fresh again.
    function _pledgeAndDefault() internal {
        _as(address(vault), abi.encodeCall(ICollateralVault.deposit, (address(evil), 1_000)));
        _as(address(vault), abi.encodeCall(ICollateralVault.deposit, (address(plain), 1_000)));
        vm.prank(clearing);
        vault.setRequirement(address(account), 1_500);
        setPrice(address(evil), 0.2e18);
        vm.prank(clearing);
        vault.marginCall(address(account));
        vm.warp(block.timestamp + CURE_WINDOW + 1);
        setPrice(address(evil), 0.2e18);
        setPrice(address(plain), 1e18);
    }

    /// @dev The next move of the hostile token calls the vault as the account.
    function _armVaultCall(bytes memory call, bool bubble) internal {
        evil.arm(address(account), abi.encodeCall(AttackerWallet.exec, (address(vault), call)), bubble);
    }

    function _as(address target, bytes memory data) internal {
        account.exec(target, data);
    }
}
