// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {PlainERC20} from "../../../contracts/mocks/PlainERC20.sol";
import {VaultFixture} from "./VaultFixture.sol";
import {CollateralVaultHandler} from "./handlers/CollateralVaultHandler.sol";

/// @notice The collateral vault under random pledges, withdrawals, prices, margin calls and
/// liquidations: it holds exactly its pledges, collateral leaves only by a withdrawal of excess or
/// a liquidation, a withdrawal never leaves an account under its requirement, and liquidated
/// securities reach only registered wallets.
/// @dev Two assets: the entitlement token (pledged by ERC-7246 encumbrance, units stay in the
/// owner's wallet, transfers restricted) and a plain ERC-20 held in custody. No one sends the vault
/// tokens outside `deposit`, so its custody balance must equal the pledges exactly.
contract CollateralVaultInvariantsTest is VaultFixture {
    uint256 internal constant PLAIN_SUPPLY = 30_000;
    uint256 internal constant UNITS = 1_000;

    PlainERC20 internal plain;
    CollateralVaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        plain = new PlainERC20(PLAIN_SUPPLY);
        listAsset(address(token), 2_000, 10e18);
        listAsset(address(plain), 200, 1e18);

        address[] memory pledgers = new address[](3);
        (pledgers[0], pledgers[1], pledgers[2]) = (alice, bob, carol);
        for (uint256 i; i < pledgers.length; ++i) {
            mint(pledgers[i], UNITS);
            plain.transfer(pledgers[i], PLAIN_SUPPLY / 3);
            vm.startPrank(pledgers[i]);
            token.approve(address(vault), type(uint256).max);
            plain.approve(address(vault), type(uint256).max);
            vm.stopPrank();
        }
        // Recipients: registered wallets (one of them a pledger's second wallet) and a stranger.
        address[] memory recipients = new address[](4);
        (recipients[0], recipients[1], recipients[2], recipients[3]) = (dave, stranger, alice2, bob);
        handler =
            new CollateralVaultHandler(vault, feed, registry, token, plain, clearing, feeder, pledgers, recipients);
        targetContract(address(handler));
    }

    /// @dev One campaign checks the four properties after every call: a campaign per property
    /// would take four times as long on the shared CI machine.
    function invariant_vaultKeepsItsPledges() public view {
        _checkVaultHoldsExactlyThePledges();
        _checkAssetsLeaveOnlyByWithdrawalOrLiquidation();
        _checkWithdrawalLeavesTheRequirementCovered();
        _checkLiquidatedSecuritiesReachOnlyRegisteredWallets();
    }

    function _checkVaultHoldsExactlyThePledges() internal view {
        address[] memory pledgers = handler.pledgerList();
        uint256 pledgedUnits;
        uint256 pledgedPlain;
        for (uint256 i; i < pledgers.length; ++i) {
            // The vault reads a pledge in place back from the token: its encumbrance to the vault.
            uint256 units = vault.position(pledgers[i], address(token));
            assertEq(units, handler.ghostPosition(pledgers[i], address(token)), "units != model");
            assertLe(units, token.balanceOf(pledgers[i]), "pledge exceeds the owner's balance");
            uint256 held = vault.position(pledgers[i], address(plain));
            assertEq(held, handler.ghostPosition(pledgers[i], address(plain)), "custody != model");
            (pledgedUnits, pledgedPlain) = (pledgedUnits + units, pledgedPlain + held);
        }
        assertEq(plain.balanceOf(address(vault)), pledgedPlain, "custody balance != pledges");
        assertEq(token.balanceOf(address(vault)), 0, "the vault holds securities itself");
    }

    function _checkAssetsLeaveOnlyByWithdrawalOrLiquidation() internal view {
        address[] memory assets = handler.assetList();
        address[] memory pledgers = handler.pledgerList();
        for (uint256 a; a < assets.length; ++a) {
            uint256 pledged;
            for (uint256 i; i < pledgers.length; ++i) {
                pledged += vault.position(pledgers[i], assets[a]);
            }
            uint256 out = handler.ghostWithdrawn(assets[a]) + handler.ghostLiquidated(assets[a]);
            assertEq(pledged + out, handler.ghostDeposited(assets[a]), "pledges + withdrawn + liquidated != deposited");
        }
        assertEq(bytes(handler.unexpectedSuccess()).length, 0, handler.unexpectedSuccess());
    }

    function _checkWithdrawalLeavesTheRequirementCovered() internal view {
        assertFalse(handler.withdrawalBreach(), "a withdrawal left value below the requirement");
    }

    function _checkLiquidatedSecuritiesReachOnlyRegisteredWallets() internal view {
        assertFalse(handler.unregisteredRecipient(), "securities liquidated to an unregistered wallet");
        assertEq(token.balanceOf(stranger), 0, "the stranger holds securities");
    }
}
