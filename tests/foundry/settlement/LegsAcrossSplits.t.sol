// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IDvPEscrow} from "../../../contracts/interfaces/IDvPEscrow.sol";
import {IRepo} from "../../../contracts/interfaces/IRepo.sol";
import {records} from "../utils/Records.sol";
import {SettlementFixture} from "./SettlementFixture.sol";

/// @notice Locked legs of the entitlement token left open across a reverse split: the token
/// shrinks the encumbrance, the books keep the deals' numbers, and ending the legs without
/// settling must still leave nothing encumbered.
contract LegsAcrossSplitsTest is SettlementFixture {
    function _reverseSplit(uint32 denominator) private {
        vm.prank(issuer);
        records(token).split(1, denominator);
    }

    function testFuzz_ReverseSplit_EndedLocksReleaseEverything(
        uint256 first,
        uint256 second,
        uint32 denominator,
        bool expireFirst
    ) public {
        first = bound(first, 1, SHARES / 2);
        second = bound(second, 1, SHARES / 2);
        denominator = uint32(bound(denominator, 2, 10));
        IDvPEscrow.Trade memory a = trade(address(token), first, 5_000 * USD, "first");
        IDvPEscrow.Trade memory b = trade(address(token), second, 5_000 * USD, "second");
        vm.startPrank(alice);
        escrow.propose(a, true);
        escrow.propose(b, true);
        vm.stopPrank();
        _reverseSplit(denominator);
        uint256 held = token.encumbrances(alice, address(escrow));
        assertEq(held, (first + second) / denominator);

        if (expireFirst) {
            vm.warp(a.deadline + 1);
            escrow.expire(a);
        } else {
            vm.prank(bob);
            escrow.cancel(a);
        }
        // The open leg keeps what covers it; only units beyond it were released.
        assertEq(token.encumbrances(alice, address(escrow)), held < second ? held : second);
        assertEq(escrow.lockedBalance(address(token), alice), second);

        if (expireFirst) {
            vm.prank(alice);
            escrow.cancel(b);
        } else {
            vm.warp(b.deadline + 1);
            escrow.expire(b);
        }
        assertEq(token.encumbrances(alice, address(escrow)), 0);
        assertEq(escrow.lockedBalance(address(token), alice), 0);
        assertEq(token.encumberedBalanceOf(alice), 0);
        assertEq(token.balanceOf(alice), SHARES / denominator);
    }

    function test_ReverseSplit_LenderDefaultReleasesTheReturnLock() public {
        IRepo.RepoTerms memory terms = repoTerms(address(token));
        cash.mint(alice, 10 * USD); // the interest alice owes on top of the purchase price
        vm.prank(bob);
        repo.propose(terms, false, true);
        vm.prank(alice);
        repo.affirm(terms, false, false);
        assertEq(token.encumbrances(bob, address(repo)), 100);
        _reverseSplit(2);
        assertEq(token.encumbrances(bob, address(repo)), 50);
        vm.warp(terms.maturity);
        vm.prank(alice);
        repo.declareLenderDefault(terms);
        assertEq(uint8(repo.repoState(repo.repoId(terms)).status), uint8(IRepo.RepoStatus.LenderDefaulted));
        assertEq(token.encumbrances(bob, address(repo)), 0);
        assertEq(repo.lockedBalance(address(token), bob), 0);
        assertEq(token.balanceOf(bob), 50);
    }
}
