// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Roles} from "../../../contracts/access/Roles.sol";
import {IEntitlementTokenRecords} from "../../../contracts/interfaces/IEntitlementTokenRecords.sol";
import {Fixture} from "../Fixture.sol";
import {records} from "../utils/Records.sol";

/// @notice Stock splits: the supply against the balances while wallets are settled lazily, the
/// remainder rule, and the refusals.
contract EntitlementTokenSplitsTest is Fixture {
    function _holders() private view returns (address[4] memory) {
        return [alice, alice2, bob, carol];
    }

    function _split(uint32 numerator, uint32 denominator) private returns (uint24) {
        vm.prank(issuer);
        return records(token).split(numerator, denominator);
    }

    /// @dev Between settlements, supply == sum of balances (as the views convert them) + the
    /// claimable remainder + less than one unit per unsettled holder; once all are settled and
    /// the remainder claimed, supply == sum of balances exactly, and each balance is its own floor.
    function testFuzz_Split_SupplyEqualsBalancesPlusRemainder(
        uint64[4] memory amounts,
        uint32 numerator,
        uint32 denominator,
        uint8 settledMask
    ) public {
        numerator = uint32(bound(numerator, 1, 1000));
        denominator = uint32(bound(denominator, 1, 1000));
        if (numerator == denominator) ++denominator;
        address[4] memory holders = _holders();
        uint256 supply;
        for (uint256 i; i < 4; ++i) {
            mint(holders[i], amounts[i]);
            supply += amounts[i];
        }
        _split(numerator, denominator);
        assertEq(token.totalSupply(), supply * numerator / denominator);

        uint256 unsettled;
        for (uint256 i; i < 4; ++i) {
            if (settledMask & (1 << i) != 0) {
                address[] memory one = new address[](1);
                one[0] = holders[i];
                records(token).settleSplits(one);
            } else {
                ++unsettled;
            }
        }
        // Settling one of alice's wallets settles both (one investor, one position).
        uint256 sum;
        for (uint256 i; i < 4; ++i) {
            sum += token.balanceOf(holders[i]);
            assertEq(token.balanceOf(holders[i]), uint256(amounts[i]) * numerator / denominator, "not its own floor");
        }
        uint256 claimable = records(token).splitRemainder();
        assertLe(sum + claimable, token.totalSupply(), "balances + remainder above the supply");
        assertLe(token.totalSupply() - sum - claimable, unsettled, "gap above one unit per unsettled holder");

        address[] memory all = new address[](4);
        for (uint256 i; i < 4; ++i) {
            all[i] = holders[i];
        }
        records(token).settleSplits(all);
        vm.prank(issuer);
        uint256 claimed = records(token).claimSplitRemainder(dave);
        assertEq(sum + claimed, token.totalSupply(), "supply != sum of balances after the claim");
        assertEq(records(token).investorBalance(ALICE), token.balanceOf(alice) + token.balanceOf(alice2));
    }

    function test_Split_RecordDateKeepsTheOldUnits() public {
        mint(alice, 1001);
        mint(bob, 10);
        uint24 id = _split(1, 10);
        assertEq(token.balanceOf(alice), 100);
        assertEq(token.balanceOf(bob), 1);
        assertEq(records(token).balanceOfAt(alice, id), 1001);
        assertEq(records(token).totalSupplyAt(id), 1011);
        vm.prank(alice);
        token.transfer(bob, 100);
        assertEq(records(token).balanceOfAt(alice, id), 1001);
        assertEq(token.balanceOf(bob), 101);
        (uint256 n, uint256 d) = records(token).splitFactorSince(id);
        assertEq(n, 1);
        assertEq(d, 10);
    }

    function test_RevertWhen_SplitRatioInvalid() public {
        vm.startPrank(issuer);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementTokenRecords.TokenSplitRatioInvalid.selector, 0, 1));
        records(token).split(0, 1);
        vm.expectRevert(abi.encodeWithSelector(IEntitlementTokenRecords.TokenSplitRatioInvalid.selector, 5, 5));
        records(token).split(5, 5);
        vm.stopPrank();
    }

    function test_RevertWhen_SplitWithRecordDatePending() public {
        uint24 id = scheduleRecordDate(block.timestamp + 1 hours);
        vm.expectRevert(
            abi.encodeWithSelector(
                IEntitlementTokenRecords.TokenSplitRecordDatePending.selector, id, uint40(block.timestamp + 1 hours)
            )
        );
        _split(2, 1);
    }

    function test_RevertWhen_SplitByNonIssuer() public {
        vm.expectRevert(unauthorized(alice, Roles.ISSUER));
        vm.prank(alice);
        records(token).split(2, 1);
    }
}
