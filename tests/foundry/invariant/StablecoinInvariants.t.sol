// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CashFixture} from "../cash/CashFixture.sol";
import {StablecoinHandler} from "./handlers/StablecoinHandler.sol";

/// @notice The stablecoin's invariants under random sequences of holders', takers' and operators'
/// actions (see the handler): every outcome matches the ghost model, supply equals the sum of
/// balances, and each holder's encumbered total equals the sum of its encumbrances and never
/// exceeds its balance.
contract StablecoinInvariantsTest is CashFixture {
    StablecoinHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](5);
        (actors[0], actors[1], actors[2], actors[3], actors[4]) = (alice, bob, carol, dave, minter);
        handler = new StablecoinHandler(cash, minter, blacklister, pauser, actors);
        bytes4[] memory selectors = new bytes4[](11);
        selectors[0] = handler.mint.selector;
        selectors[1] = handler.burn.selector;
        selectors[2] = handler.transfer.selector;
        selectors[3] = handler.approve.selector;
        selectors[4] = handler.transferFrom.selector;
        selectors[5] = handler.encumber.selector;
        selectors[6] = handler.release.selector;
        selectors[7] = handler.seize.selector;
        selectors[8] = handler.toggleBlacklist.selector;
        selectors[9] = handler.togglePause.selector;
        selectors[10] = handler.takeEncumbered.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// forge-config: default.invariant.runs = 32
    function invariant_supplyEqualsSumOfBalances() public view {
        uint256 sum;
        for (uint256 i; i < handler.actorCount(); ++i) {
            address holder = handler.actors(i);
            uint256 balance = cash.balanceOf(holder);
            assertEq(balance, handler.ghostBalance(holder), "balance != ghost");
            sum += balance;
        }
        assertEq(cash.totalSupply(), sum, "supply != sum of balances");
        assertEq(cash.totalSupply(), handler.ghostSupply(), "supply != ghost");
    }

    /// forge-config: default.invariant.runs = 32
    function invariant_encumbrancesAreBackedAndSumUp() public view {
        uint256 count = handler.actorCount();
        for (uint256 i; i < count; ++i) {
            address owner = handler.actors(i);
            uint256 sum;
            for (uint256 j; j < count; ++j) {
                address taker = handler.actors(j);
                uint256 lock = cash.encumbrances(owner, taker);
                assertEq(lock, handler.ghostLock(owner, taker), "encumbrance != ghost");
                assertEq(cash.allowance(owner, taker), handler.ghostAllowance(owner, taker), "allowance != ghost");
                sum += lock;
            }
            assertEq(cash.encumberedBalanceOf(owner), sum, "encumbered total != sum of encumbrances");
            assertLe(sum, cash.balanceOf(owner), "encumbered above balance");
            assertEq(cash.availableBalanceOf(owner), cash.balanceOf(owner) - sum);
        }
    }

    /// forge-config: default.invariant.runs = 32
    function invariant_flagsMatchGhost() public view {
        assertEq(cash.paused(), handler.ghostPaused());
        for (uint256 i; i < handler.actorCount(); ++i) {
            address account = handler.actors(i);
            assertEq(cash.isBlacklisted(account), handler.ghostBlacklisted(account), "blacklist != ghost");
        }
    }
}
