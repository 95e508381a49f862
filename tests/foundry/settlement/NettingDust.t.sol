// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDvPEscrow} from "../../../contracts/interfaces/IDvPEscrow.sol";
import {SettlementFixture} from "./SettlementFixture.sol";

/// @notice Issue 6 adversary: dust griefing of netting. A member floods a batch with one-unit
/// trades back and forth against its counterparty, hoping to multiply the transfers (and the
/// venue's gas) or to strand a dust remainder. Netting moves only each party's net position per
/// asset, so the dust changes neither the number of transfers nor the end balances beyond the
/// dust's own net.
contract NettingDustTest is SettlementFixture {
    uint256 internal constant UNITS = 100;
    uint256 internal constant PRICE = 5_000 * USD;
    uint256 internal constant DUST_PAIRS = 10;

    function test_DustRoundTrips_NetToTheRealTradeAlone() public {
        mint(bob, DUST_PAIRS);
        IDvPEscrow.Trade[] memory batch = new IDvPEscrow.Trade[](1 + 2 * DUST_PAIRS);
        batch[0] = _matched(alice, bob, UNITS, PRICE, "real");
        for (uint256 i; i < DUST_PAIRS; ++i) {
            batch[1 + 2 * i] = _matched(alice, bob, 1, 1, bytes32(i + 1));
            batch[2 + 2 * i] = _matched(bob, alice, 1, 1, bytes32(i + 1));
        }
        // Two transfers, as for the real trade alone: the units to bob and the cash to alice.
        vm.expectEmit(address(escrow));
        emit IDvPEscrow.BatchSettled(keccak256(abi.encode(batch)), venue, batch.length, 2);
        vm.prank(venue);
        escrow.settleBatch(batch);

        assertEq(token.balanceOf(bob), UNITS + DUST_PAIRS);
        assertEq(token.balanceOf(alice), SHARES - UNITS);
        assertEq(cash.balanceOf(alice), PRICE);
        assertEq(cash.balanceOf(bob), CASH - PRICE);
        assertEq(cash.balanceOf(address(escrow)) + token.balanceOf(address(escrow)), 0, "no dust stranded");
    }

    /// @dev A one-unit trade netted against a large one in the other direction: the dust side
    /// needs no balance of its own (only the net moves), and the net is exact to the unit.
    function test_DustAgainstTheNet_SettlesExactly() public {
        IDvPEscrow.Trade[] memory batch = new IDvPEscrow.Trade[](2);
        batch[0] = _matched(alice, bob, UNITS, PRICE, "real");
        batch[1] = _matched(bob, alice, 1, 1, "dust");
        vm.prank(venue);
        escrow.settleBatch(batch);

        assertEq(token.balanceOf(bob), UNITS - 1);
        assertEq(cash.balanceOf(alice), PRICE - 1);
        assertEq(cash.balanceOf(bob), CASH - PRICE + 1);
    }

    function _matched(address seller, address buyer, uint256 units, uint256 price, bytes32 ref)
        internal
        returns (IDvPEscrow.Trade memory t)
    {
        t = IDvPEscrow.Trade({
            seller: seller,
            buyer: buyer,
            securityToken: address(token),
            securityAmount: units,
            cashToken: address(cash),
            cashAmount: price,
            deadline: uint40(block.timestamp + 1 days),
            ref: ref
        });
        vm.prank(seller);
        escrow.propose(t, false);
        vm.prank(buyer);
        escrow.affirm(t, false);
    }
}
