// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDvPEscrow} from "../../../contracts/interfaces/IDvPEscrow.sol";
import {ISettlementLegs} from "../../../contracts/interfaces/ISettlementLegs.sol";
import {SettlementFixture} from "./SettlementFixture.sol";

/// @notice Issue 6 adversary: a cancel raced by a settlement. Foundry runs a test in one block, so
/// each pair of calls below lands in the same block in the order written, as two transactions a
/// block builder ordered either way. Whichever comes first wins whole; the other is refused with
/// the trade's status, and nothing moves or is released twice.
contract CancelRaceTest is SettlementFixture {
    uint256 internal constant UNITS = 100;
    uint256 internal constant PRICE = 5_000 * USD;

    function test_CancelAfterSettle_SameBlock_IsRefused() public {
        IDvPEscrow.Trade memory t = _lockedTrade("settle-first");
        uint256 blockNumber = block.number;
        escrow.settle(t);
        _expectStatus(t, IDvPEscrow.TradeStatus.Settled);
        vm.prank(alice);
        escrow.cancel(t);

        assertEq(block.number, blockNumber);
        assertEq(token.balanceOf(bob), UNITS);
        assertEq(cash.balanceOf(alice), PRICE);
        assertEq(token.encumbrances(alice, address(escrow)), 0, "no lock left behind");
        assertEq(cash.encumbrances(bob, address(escrow)), 0, "no lock left behind");
    }

    function test_SettleAfterCancel_SameBlock_IsRefused() public {
        IDvPEscrow.Trade memory t = _lockedTrade("cancel-first");
        vm.prank(bob);
        escrow.cancel(t);
        _expectStatus(t, IDvPEscrow.TradeStatus.Cancelled);
        escrow.settle(t);

        assertEq(token.balanceOf(alice), SHARES, "the units never left");
        assertEq(cash.balanceOf(bob), CASH, "the cash never left");
        assertEq(token.encumbrances(alice, address(escrow)), 0, "the cancel released the lock");
        assertEq(cash.encumbrances(bob, address(escrow)), 0, "the cancel released the lock");
    }

    /// @dev A cancel that lands before a netted batch fails the whole batch, the other trades too:
    /// the venue resubmits without the cancelled trade. Nothing is netted against a dead trade.
    function test_SettleBatchAfterCancel_SameBlock_RefusesTheWholeBatch() public {
        IDvPEscrow.Trade memory cancelled = _lockedTrade("batch-cancelled");
        IDvPEscrow.Trade memory other = _lockedTrade("batch-other");
        IDvPEscrow.Trade[] memory batch = new IDvPEscrow.Trade[](2);
        (batch[0], batch[1]) = (other, cancelled);
        vm.prank(alice);
        escrow.cancel(cancelled);
        _expectStatus(cancelled, IDvPEscrow.TradeStatus.Cancelled);
        vm.prank(venue);
        escrow.settleBatch(batch);

        assertEq(uint8(escrow.tradeState(escrow.tradeId(other)).status), uint8(IDvPEscrow.TradeStatus.Proposed));
        assertEq(token.balanceOf(bob), 0);
        assertEq(token.encumbrances(alice, address(escrow)), UNITS, "the other trade keeps its lock");
    }

    /// @dev A signed affirmation withdrawn by a cancel before the trade was ever proposed: the
    /// settlement with that signature, in the same block, is refused.
    function test_SettleWithAffirmationsAfterCancel_SameBlock_IsRefused() public {
        IDvPEscrow.Trade memory t = trade(address(token), UNITS, PRICE, "signed");
        bytes memory signature = signAffirmation("alice", t, block.chainid, address(escrow));
        vm.prank(alice);
        escrow.cancel(t);
        _expectStatus(t, IDvPEscrow.TradeStatus.Cancelled);
        vm.prank(bob);
        escrow.settleWithAffirmations(t, signature, "");

        assertEq(token.balanceOf(bob), 0);
        assertEq(cash.balanceOf(bob), CASH);
    }

    /// @dev alice proposes and bob affirms, each locking their leg.
    function _lockedTrade(bytes32 ref) internal returns (IDvPEscrow.Trade memory t) {
        t = trade(address(token), UNITS, PRICE, ref);
        vm.prank(alice);
        escrow.propose(t, true);
        vm.prank(bob);
        escrow.affirm(t, true);
    }

    function _expectStatus(IDvPEscrow.Trade memory t, IDvPEscrow.TradeStatus status) internal {
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementLegs.SettlementWrongStatus.selector, escrow.tradeId(t), uint8(status))
        );
    }
}
