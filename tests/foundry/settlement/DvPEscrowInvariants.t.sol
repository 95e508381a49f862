// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDvPEscrow} from "../../../contracts/interfaces/IDvPEscrow.sol";
import {SettlementFixture} from "./SettlementFixture.sol";
import {DvPEscrowHandler} from "./handlers/DvPEscrowHandler.sol";

/// @notice Escrow solvency under random sequences of every party's and the venue's actions (see
/// the handler): the escrow's books hold exactly the locked legs of open trades, the tokens'
/// encumbrances to it cover exactly those (plus what owners encumbered by hand), it never holds a
/// unit, and settlement only ever moves units between the parties.
contract DvPEscrowInvariantsTest is SettlementFixture {
    uint256 internal constant HOLDING = 1_000_000;

    DvPEscrowHandler internal handler;
    address[4] internal parties;

    function setUp() public override {
        super.setUp();
        handler = new DvPEscrowHandler(escrow, token, bonds, cash, venue);
        parties = [alice, bob, carol, dave];
        for (uint256 i; i < parties.length; ++i) {
            address party = parties[i];
            handler.addActor(party);
            mint(party, HOLDING);
            bonds.mint(party, HOLDING);
            cash.mint(party, HOLDING * USD);
            vm.startPrank(party);
            token.approve(address(escrow), type(uint256).max);
            bonds.approve(address(escrow), type(uint256).max);
            cash.approve(address(escrow), type(uint256).max);
            vm.stopPrank();
        }
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = handler.propose.selector;
        selectors[1] = handler.affirm.selector;
        selectors[2] = handler.settle.selector;
        selectors[3] = handler.settleBatch.selector;
        selectors[4] = handler.cancel.selector;
        selectors[5] = handler.expire.selector;
        selectors[6] = handler.spend.selector;
        selectors[7] = handler.donate.selector;
        selectors[8] = handler.releaseExcess.selector;
        selectors[9] = handler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev One campaign checks both properties after every call: each campaign of 256 runs of
    /// depth 100 costs minutes, and the checks themselves are cheap.
    function invariant_escrowIsSolvent() public view {
        _escrowHoldsExactlyTheOpenLockedLegs();
        _escrowHoldsNoUnitAndUnitsStayWithTheParties();
    }

    /// @dev The locked legs are recomputed from the trades' own records, independently of the
    /// handler's ghost; the encumbrances may exceed them only by what owners encumbered by hand.
    function _escrowHoldsExactlyTheOpenLockedLegs() internal view {
        uint256[4] memory lockedBonds;
        uint256[4] memory lockedCash;
        for (uint256 i; i < handler.tradeCount(); ++i) {
            IDvPEscrow.Trade memory t = handler.tradeAt(i);
            IDvPEscrow.TradeState memory s = escrow.tradeState(escrow.tradeId(t));
            if (s.status != IDvPEscrow.TradeStatus.Proposed) continue;
            if (s.securityLocked) lockedBonds[_party(t.seller)] += t.securityAmount;
            if (s.cashLocked) lockedCash[_party(t.buyer)] += t.cashAmount;
        }
        for (uint256 p; p < parties.length; ++p) {
            _checkLocks(address(bonds), parties[p], lockedBonds[p], bonds.encumbrances(parties[p], address(escrow)));
            _checkLocks(address(cash), parties[p], lockedCash[p], cash.encumbrances(parties[p], address(escrow)));
        }
    }

    function _escrowHoldsNoUnitAndUnitsStayWithTheParties() internal view {
        assertEq(token.balanceOf(address(escrow)), 0, "escrow holds shares");
        assertEq(bonds.balanceOf(address(escrow)), 0, "escrow holds bonds");
        assertEq(cash.balanceOf(address(escrow)), 0, "escrow holds cash");
        uint256 shares;
        uint256 bondUnits;
        uint256 cashUnits;
        for (uint256 p; p < parties.length; ++p) {
            shares += token.balanceOf(parties[p]);
            bondUnits += bonds.balanceOf(parties[p]);
            cashUnits += cash.balanceOf(parties[p]);
        }
        assertEq(shares, token.totalSupply(), "shares left the parties");
        assertEq(bondUnits, bonds.totalSupply(), "bonds left the parties");
        assertEq(cashUnits, cash.totalSupply(), "cash left the parties");
    }

    function _checkLocks(address asset, address owner, uint256 openLegs, uint256 encumbered) internal view {
        uint256 booked = escrow.lockedBalance(asset, owner);
        assertEq(booked, openLegs, "escrow's books != the open locked legs");
        assertEq(booked, handler.ghostLocked(asset, owner), "escrow's books != ghost");
        assertLe(booked, encumbered, "a locked leg is not encumbered");
        assertLe(encumbered - booked, handler.ghostDonated(asset, owner), "encumbered beyond legs and gifts");
    }

    function _party(address account) internal view returns (uint256 p) {
        while (parties[p] != account) ++p;
    }
}
