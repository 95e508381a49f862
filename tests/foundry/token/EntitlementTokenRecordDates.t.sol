// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Roles} from "../../../contracts/access/Roles.sol";
import {IEntitlementToken} from "../../../contracts/interfaces/IEntitlementToken.sol";
import {Fixture} from "../Fixture.sol";
import {records} from "../utils/Records.sol";
import {IEntitlementTokenRecords} from "../../../contracts/interfaces/IEntitlementTokenRecords.sol";

/// @notice Record dates: a record date at time T freezes every balance as it stood just before T
/// (a change at T itself comes after it); one scheduled for "now" has passed at once.
contract EntitlementTokenRecordDatesTest is Fixture {
    address internal alice3 = makeAddr("alice3");

    // ---------------------------------------------------------------- scheduling

    function test_ScheduleRecordDate_NumbersRecordDatesInOrder() public {
        vm.expectEmit(address(token));
        emit IEntitlementTokenRecords.RecordDateScheduled(1, uint40(START + 10));
        assertEq(scheduleRecordDate(START + 10), 1);
        assertEq(scheduleRecordDate(START + 10), 2); // the same time twice is allowed
        assertEq(scheduleRecordDate(START + 20), 3);
        assertEq(records(token).recordDateCount(), 3);
        assertEq(records(token).recordDate(1), START + 10);
        assertEq(records(token).recordDate(3), START + 20);
        assertEq(records(token).passedRecordDates(), 0);
        vm.warp(START + 10);
        assertEq(records(token).passedRecordDates(), 2);
        vm.warp(START + 20);
        assertEq(records(token).passedRecordDates(), 3);
    }

    function test_ScheduleRecordDate_ByTransferAgent() public {
        vm.prank(agent);
        assertEq(records(token).scheduleRecordDate(uint40(START + 1)), 1);
    }

    function test_RevertWhen_RecordDateInPast() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IEntitlementTokenRecords.TokenRecordDateInvalid.selector, uint40(START - 1), uint40(START)
            )
        );
        scheduleRecordDate(START - 1);
    }

    function test_RevertWhen_RecordDateBeforeLastScheduled() public {
        scheduleRecordDate(START + 100);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEntitlementTokenRecords.TokenRecordDateInvalid.selector, uint40(START + 50), uint40(START + 100)
            )
        );
        scheduleRecordDate(START + 50);
    }

    function test_RevertWhen_ScheduleRecordDateByNeitherIssuerNorAgent() public {
        vm.expectRevert(unauthorized(pauser, Roles.TRANSFER_AGENT));
        vm.prank(pauser);
        records(token).scheduleRecordDate(uint40(START + 1));
    }

    function test_RevertWhen_RecordDateNotPassed() public {
        mint(alice, 100);
        scheduleRecordDate(START + 1 days);
        bytes memory notPassed = abi.encodeWithSelector(IEntitlementTokenRecords.TokenRecordDateNotPassed.selector, 1);
        vm.expectRevert(notPassed);
        records(token).balanceOfAt(alice, 1);
        vm.expectRevert(notPassed);
        records(token).totalSupplyAt(1);
        vm.expectRevert(notPassed);
        records(token).investorBalanceAt(ALICE, 1);
        assertEq(records(token).recordDate(1), START + 1 days); // scheduled: its time is readable
    }

    /// @dev Ids never scheduled (0, or past `recordDateCount`) are unknown, not "not passed".
    function test_RevertWhen_RecordDateUnknown() public {
        mint(alice, 100);
        scheduleRecordDate(START);
        bytes memory unknownZero = abi.encodeWithSelector(IEntitlementTokenRecords.TokenRecordDateUnknown.selector, 0);
        bytes memory unknownTwo = abi.encodeWithSelector(IEntitlementTokenRecords.TokenRecordDateUnknown.selector, 2);
        vm.expectRevert(unknownZero);
        records(token).balanceOfAt(alice, 0);
        vm.expectRevert(unknownTwo);
        records(token).balanceOfAt(alice, 2);
        vm.expectRevert(unknownTwo);
        records(token).totalSupplyAt(2);
        vm.expectRevert(unknownTwo);
        records(token).investorBalanceAt(ALICE, 2);
        vm.expectRevert(unknownZero);
        records(token).recordDate(0);
        vm.expectRevert(unknownTwo);
        records(token).recordDate(2);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
    }

    /// @dev An investor the registry does not know held nothing, as a wallet that never held:
    /// zero, after the same record-date checks.
    function test_InvestorBalanceAt_UnknownInvestorHeldNothing() public {
        mint(alice, 100);
        bytes32 nobody = keccak256("investor.nobody");
        vm.expectRevert(abi.encodeWithSelector(IEntitlementTokenRecords.TokenRecordDateUnknown.selector, 1));
        records(token).investorBalanceAt(nobody, 1);
        scheduleRecordDate(START + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementTokenRecords.TokenRecordDateNotPassed.selector, 1));
        records(token).investorBalanceAt(nobody, 1);
        vm.warp(START + 1 days);
        assertEq(records(token).investorBalanceAt(nobody, 1), 0);
        assertEq(records(token).balanceOfAt(stranger, 1), 0);
        assertEq(records(token).investorBalance(nobody), 0);
        assertEq(records(token).investorBalanceAt(ALICE, 1), 100);
    }

    // ---------------------------------------------------------------- balances at record dates

    function test_BalanceOfAt_KeepsBalancesAtRecordDateAfterMoves() public {
        mint(alice, 100);
        mint(bob, 50);
        scheduleRecordDate(START + 1 hours);
        vm.warp(START + 30 minutes);
        transfer(alice, bob, 10); // before the record date: counts
        vm.warp(START + 1 hours);
        transfer(alice, bob, 20); // at the record time: after it
        mint(carol, 5);
        burnFrom(bob, 5);

        assertEq(records(token).balanceOfAt(alice, 1), 90);
        assertEq(records(token).balanceOfAt(bob, 1), 60);
        assertEq(records(token).balanceOfAt(carol, 1), 0);
        assertEq(records(token).totalSupplyAt(1), 150);
        assertEq(records(token).investorBalanceAt(ALICE, 1), 90);
        assertEq(token.balanceOf(alice), 70);
        assertEq(token.balanceOf(bob), 75);
        assertEq(token.totalSupply(), 150);
    }

    function test_BalanceOfAt_HolderWhoSoldAfterRecordDate() public {
        mint(alice, 100);
        scheduleRecordDate(START + 1);
        vm.warp(START + 1);
        transfer(alice, bob, 100);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
        assertEq(records(token).balanceOfAt(bob, 1), 0);
        scheduleRecordDate(START + 2);
        vm.warp(START + 2);
        assertEq(records(token).balanceOfAt(alice, 2), 0);
        assertEq(records(token).balanceOfAt(bob, 2), 100);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
    }

    function test_BalanceOfAt_NewHolderAfterRecordDate() public {
        mint(alice, 100);
        scheduleRecordDate(START);
        transfer(alice, dave, 40); // same second, after the record date was taken
        mint(carol, 7);
        assertEq(records(token).balanceOfAt(dave, 1), 0);
        assertEq(records(token).balanceOfAt(carol, 1), 0);
        assertEq(records(token).investorBalanceAt(DAVE, 1), 0);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
        assertEq(records(token).totalSupplyAt(1), 100);
    }

    function test_ScheduleRecordDate_NowHasPassedAtOnce() public {
        mint(alice, 100);
        assertEq(scheduleRecordDate(START), 1);
        assertEq(records(token).passedRecordDates(), 1);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
    }

    function test_BalanceOfAt_FutureRecordDatesDoNotTakeEarlyValues() public {
        mint(alice, 100);
        scheduleRecordDate(START + 1 days);
        scheduleRecordDate(START + 2 days);
        transfer(alice, bob, 30); // before both
        vm.warp(START + 1 days);
        transfer(alice, bob, 30); // between them
        vm.warp(START + 3 days);
        transfer(alice, bob, 30); // after both
        assertEq(records(token).balanceOfAt(alice, 1), 70);
        assertEq(records(token).balanceOfAt(alice, 2), 40);
        assertEq(records(token).balanceOfAt(bob, 1), 30);
        assertEq(records(token).balanceOfAt(bob, 2), 60);
        assertEq(token.balanceOf(bob), 90);
    }

    function test_BalanceOfAt_ManyRecordDatesBetweenMoves() public {
        mint(alice, 100);
        for (uint256 i = 1; i <= 3; ++i) {
            scheduleRecordDate(START + i);
        }
        vm.warp(START + 3);
        transfer(alice, bob, 100); // alice: 100 at records 1-3
        scheduleRecordDate(START + 4);
        scheduleRecordDate(START + 5);
        vm.warp(START + 5);
        transfer(bob, alice, 25); // alice: 0 at records 4 and 5
        scheduleRecordDate(START + 6);
        vm.warp(START + 6);
        transfer(alice, bob, 5); // alice: 25 at record 6
        for (uint24 r = 1; r <= 3; ++r) {
            assertEq(records(token).balanceOfAt(alice, r), 100);
            assertEq(records(token).balanceOfAt(bob, r), 0);
        }
        assertEq(records(token).balanceOfAt(alice, 4), 0);
        assertEq(records(token).balanceOfAt(alice, 5), 0);
        assertEq(records(token).balanceOfAt(bob, 5), 100);
        assertEq(records(token).balanceOfAt(alice, 6), 25);
        assertEq(records(token).balanceOfAt(bob, 6), 75);
    }

    function test_TotalSupplyAt_FollowsMintsAndBurns() public {
        mint(alice, 100);
        scheduleRecordDate(START + 1);
        scheduleRecordDate(START + 2);
        vm.warp(START + 1);
        mint(bob, 50);
        vm.warp(START + 2);
        burnFrom(alice, 30);
        scheduleRecordDate(START + 3);
        vm.warp(START + 3);
        assertEq(records(token).totalSupplyAt(1), 100);
        assertEq(records(token).totalSupplyAt(2), 150);
        assertEq(records(token).totalSupplyAt(3), 120);
    }

    function test_InvestorBalanceAt_SumsActiveAndRetiredWallets() public {
        mint(alice, 100);
        mint(alice2, 50);
        scheduleRecordDate(START + 1);
        vm.warp(START + 1);
        vm.prank(complianceOfficer);
        registry.replaceWallet(alice, alice3);
        vm.prank(agent);
        token.recoverWallet(alice, alice3);
        scheduleRecordDate(START + 2);
        vm.warp(START + 2);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
        assertEq(records(token).balanceOfAt(alice3, 1), 0);
        assertEq(records(token).balanceOfAt(alice, 2), 0);
        assertEq(records(token).balanceOfAt(alice3, 2), 100);
        assertEq(records(token).investorBalanceAt(ALICE, 1), 150);
        assertEq(records(token).investorBalanceAt(ALICE, 2), 150);
    }

    function test_BalanceOfAt_ForcedTransferAfterRecordDate() public {
        mint(alice, 100);
        scheduleRecordDate(START + 1);
        vm.warp(START + 1);
        vm.prank(agent);
        token.forcedTransfer(alice, carol, 60);
        assertEq(records(token).balanceOfAt(alice, 1), 100);
        assertEq(records(token).balanceOfAt(carol, 1), 0);
    }

    // ---------------------------------------------------------------- fuzz

    address[5] internal holders;
    mapping(uint24 recordId => mapping(address wallet => uint256)) internal snapshot;
    mapping(uint24 recordId => uint256) internal supplySnapshot;
    uint24 internal snapshotted;
    uint256[] internal recordTimes;

    /// @notice A random sequence of mints, burns, transfers, record dates and waits: every
    /// balance and the supply at every passed record date equal the balances seen when it passed.
    function testFuzz_RecordDates_MatchBalancesWhenTheyPassed(uint256 seed) public {
        holders = [alice, alice2, bob, carol, dave];
        for (uint256 step; step < 32; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 op = r % 6;
            address a = holders[(r >> 8) % 5];
            address b = holders[(r >> 16) % 5];
            uint256 x = r >> 24;
            if (op == 0) {
                mint(a, bound(x, 1, 1e6));
            } else if (op == 1) {
                burnFrom(a, bound(x, 0, token.balanceOf(a)));
            } else if (op <= 3) {
                transfer(a, b, bound(x, 0, token.balanceOf(a)));
            } else if (op == 4) {
                uint256 last = recordTimes.length == 0 ? 0 : recordTimes[recordTimes.length - 1];
                uint256 earliest = last > block.timestamp ? last : block.timestamp;
                recordTimes.push(earliest + bound(x, 0, 2) * 1 hours);
                scheduleRecordDate(recordTimes[recordTimes.length - 1]);
                takeSnapshots();
            } else {
                // Waiting moves no balance: the balances now are those at every record date passed.
                vm.warp(block.timestamp + bound(x, 1, 3 hours));
                takeSnapshots();
            }
        }
        assertEq(records(token).passedRecordDates(), snapshotted);
        for (uint24 id = 1; id <= snapshotted; ++id) {
            assertEq(records(token).totalSupplyAt(id), supplySnapshot[id]);
            for (uint256 i; i < holders.length; ++i) {
                assertEq(records(token).balanceOfAt(holders[i], id), snapshot[id][holders[i]]);
            }
            assertEq(
                records(token).investorBalanceAt(ALICE, id),
                snapshot[id][alice] + snapshot[id][alice2],
                "investorBalanceAt"
            );
        }
    }

    /// @notice One move before or after one record date, at any distance from it.
    function testFuzz_BalanceOfAt_MoveAroundRecordDate(uint96 minted, uint96 moved, uint32 delay, uint32 moveAt)
        public
    {
        minted = uint96(bound(minted, 1, type(uint96).max));
        moved = uint96(bound(moved, 1, minted));
        delay = uint32(bound(delay, 0, 365 days));
        moveAt = uint32(bound(moveAt, 0, 2 * uint256(delay) + 1));
        mint(alice, minted);
        scheduleRecordDate(START + delay);
        vm.warp(START + moveAt);
        transfer(alice, bob, moved);
        vm.warp(START + 2 * uint256(delay) + 2);
        bool before = moveAt < delay;
        assertEq(records(token).balanceOfAt(alice, 1), before ? minted - moved : minted);
        assertEq(records(token).balanceOfAt(bob, 1), before ? moved : 0);
        assertEq(records(token).totalSupplyAt(1), minted);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev Records the current balances for each record date whose time has come (by the test's
    /// own clock, not the token's view) and that has none yet.
    function takeSnapshots() internal {
        while (snapshotted < recordTimes.length && recordTimes[snapshotted] <= block.timestamp) {
            ++snapshotted;
            supplySnapshot[snapshotted] = token.totalSupply();
            for (uint256 i; i < holders.length; ++i) {
                snapshot[snapshotted][holders[i]] = token.balanceOf(holders[i]);
            }
        }
    }

    function transfer(address from, address to, uint256 amount) internal {
        vm.prank(from);
        token.transfer(to, amount);
    }

    function burnFrom(address from, uint256 amount) internal {
        vm.prank(issuer);
        token.burn(from, amount);
    }
}
