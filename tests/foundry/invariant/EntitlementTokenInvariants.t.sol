// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Rule} from "../../../contracts/compliance/Rule.sol";
import {Fixture} from "../Fixture.sol";
import {EntitlementTokenHandler} from "./handlers/EntitlementTokenHandler.sol";
import {records} from "../utils/Records.sol";

/// @notice The token's invariants under random sequences of every role's actions (see the
/// handler): supply and balances agree, only registered wallets ever hold, frozen amounts fit
/// their balances, investor positions sum their wallets, and every record date answers the
/// balances the ghost saw when it passed. The handler's splits are forward by an integer, so
/// these stay exact through them (fractional splits: EntitlementTokenSplits.t.sol, where the
/// supply exceeds the balances by the remainder and less than a unit per unsettled holder).
contract EntitlementTokenInvariantsTest is Fixture {
    uint32 internal constant MAX_INVESTORS = 3; // of four investors: the cap binds
    uint96 internal constant MAX_BALANCE = 60_000;
    uint96 internal constant DAILY_LIMIT = 15_000;

    EntitlementTokenHandler internal handler;

    function setUp() public override {
        super.setUp();
        vm.prank(complianceOfficer);
        compliance.setCircuitBreaker(token, 5000, 1 days);
        setRules(
            Rule.KYC | Rule.LOCKUP | Rule.MAX_INVESTORS | Rule.MAX_BALANCE | Rule.DAILY_LIMIT | Rule.CIRCUIT_BREAKER
        );
        setInvestorLimits(MAX_INVESTORS, MAX_BALANCE, DAILY_LIMIT);
        address alice3 = makeAddr("alice3");
        address bob2 = makeAddr("bob2");
        vm.startPrank(complianceOfficer);
        compliance.setLockupPeriod(token, 1 days);
        registry.addWallet(ALICE, alice3);
        registry.addWallet(BOB, bob2);
        vm.stopPrank();

        handler = new EntitlementTokenHandler(
            EntitlementTokenHandler.Setup({
                token: token,
                registry: registry,
                issuer: issuer,
                agent: agent,
                complianceOfficer: complianceOfficer,
                pauser: pauser,
                maxInvestors: MAX_INVESTORS,
                maxBalance: MAX_BALANCE
            })
        );
        handler.addActor(alice, ALICE);
        handler.addActor(alice2, ALICE);
        handler.addActor(alice3, ALICE);
        handler.addActor(bob, BOB);
        handler.addActor(bob2, BOB);
        handler.addActor(carol, CAROL);
        handler.addActor(dave, DAVE);
        handler.addActor(stranger, bytes32(0));
        handler.addActor(makeAddr("stranger2"), bytes32(0));

        bytes4[] memory selectors = new bytes4[](15);
        selectors[0] = handler.mint.selector;
        selectors[1] = handler.transfer.selector;
        selectors[2] = handler.forcedTransfer.selector;
        selectors[3] = handler.burn.selector;
        selectors[4] = handler.setFrozenTokens.selector;
        selectors[5] = handler.recoverWallet.selector;
        selectors[6] = handler.scheduleRecordDate.selector;
        selectors[7] = handler.warp.selector;
        selectors[8] = handler.togglePause.selector;
        selectors[9] = handler.toggleWallet.selector;
        selectors[10] = handler.toggleInvestorFreeze.selector;
        selectors[11] = handler.encumber.selector;
        selectors[12] = handler.release.selector;
        selectors[13] = handler.takerTransfer.selector;
        selectors[14] = handler.split.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function invariant_supplyEqualsSumOfBalances() public view {
        (address[] memory wallets, uint256[] memory balances,,,) = handler.ghostWallets();
        uint256 sum;
        for (uint256 i; i < wallets.length; ++i) {
            uint256 balance = token.balanceOf(wallets[i]);
            assertEq(balance, balances[i], "balance != ghost");
            sum += balance;
        }
        assertEq(token.totalSupply(), sum, "supply != sum of balances");
        assertEq(token.totalSupply(), handler.ghostSupply(), "supply != ghost");
    }

    function invariant_noUnregisteredHolder() public view {
        (address[] memory wallets,,, bool[] memory everRegistered, bool[] memory registeredNow) = handler.ghostWallets();
        for (uint256 i; i < wallets.length; ++i) {
            if (!everRegistered[i]) assertEq(token.balanceOf(wallets[i]), 0, "a never registered wallet holds units");
            assertEq(registry.isRegistered(wallets[i]), registeredNow[i], "registration != ghost");
        }
    }

    function invariant_frozenNeverExceedsBalance() public {
        vm.warp(handler.currentTime());
        (address[] memory wallets,, uint256[] memory ghostFrozen,,) = handler.ghostWallets();
        for (uint256 i; i < wallets.length; ++i) {
            uint256 balance = token.balanceOf(wallets[i]);
            uint256 frozen = token.getFrozenTokens(wallets[i]);
            assertLe(frozen, balance, "frozen > balance");
            assertEq(frozen, ghostFrozen[i], "frozen != ghost");
            assertLe(token.transferableBalance(wallets[i]), balance - frozen, "transferable > unfrozen");
        }
    }

    /// @dev ERC-7246: each owner's encumbered amount is the sum of its encumbrances and matches the
    /// ghost; with the frozen amount it never exceeds the balance, and none of it is available.
    function invariant_encumbrancesAddUpWithinBalance() public {
        vm.warp(handler.currentTime());
        address[] memory actors = handler.actorList();
        (address[] memory takers, uint256[] memory totals, uint256[] memory escrowed, uint256[] memory vaulted) =
            handler.ghostEncumbrances();
        for (uint256 i; i < actors.length; ++i) {
            address owner = actors[i];
            uint256 encumbered = token.encumberedBalanceOf(owner);
            uint256 first = token.encumbrances(owner, takers[0]);
            uint256 second = token.encumbrances(owner, takers[1]);
            assertEq(encumbered, first + second, "encumbered != sum of encumbrances");
            assertEq(encumbered, totals[i], "encumbered != ghost");
            assertEq(first, escrowed[i], "escrow's encumbrance != ghost");
            assertEq(second, vaulted[i], "vault's encumbrance != ghost");
            uint256 balance = token.balanceOf(owner);
            uint256 held = encumbered + token.getFrozenTokens(owner);
            assertLe(held, balance, "frozen + encumbered > balance");
            assertLe(token.availableBalanceOf(owner), balance - held, "available counts held units");
        }
    }

    function invariant_investorPositionsMatchWallets() public view {
        uint256 holding;
        for (uint256 i; i < handler.investorCountAll(); ++i) {
            bytes32 inv = handler.investors(i);
            address[] memory wallets = handler.investorWallets(inv);
            uint256 sum;
            for (uint256 j; j < wallets.length; ++j) {
                sum += token.balanceOf(wallets[j]);
            }
            assertEq(records(token).investorBalance(inv), sum, "position != sum of its wallets");
            if (sum != 0) ++holding;
        }
        assertEq(token.investorCount(), holding, "investorCount != investors holding");
    }

    /// @dev Every wallet at every passed record date, after every call: a later move must never
    /// disturb an earlier record. `investorBalanceAt` (a sum of `balanceOfAt` over the registry's
    /// wallets) is checked at the latest record date only, to keep the run short.
    function invariant_recordDateBalancesMatchGhost() public {
        vm.warp(handler.currentTime());
        uint24 passed = handler.snapshotted();
        assertEq(records(token).passedRecordDates(), passed, "passed record dates != ghost");
        address[] memory actors = handler.actorList();
        for (uint24 id = 1; id <= passed; ++id) {
            assertEq(records(token).totalSupplyAt(id), handler.ghostSupplyAt(id), "totalSupplyAt != ghost");
            uint256[] memory expected = handler.ghostBalancesAt(id);
            for (uint256 i; i < actors.length; ++i) {
                assertEq(records(token).balanceOfAt(actors[i], id), expected[i], "balanceOfAt != ghost");
            }
        }
        if (passed == 0) return;
        for (uint256 i; i < handler.investorCountAll(); ++i) {
            bytes32 inv = handler.investors(i);
            address[] memory wallets = handler.investorWallets(inv);
            uint256 sum;
            for (uint256 j; j < wallets.length; ++j) {
                sum += handler.ghostBalanceAt(passed, wallets[j]);
            }
            assertEq(records(token).investorBalanceAt(inv, passed), sum, "investorBalanceAt != ghost");
        }
    }
}
