// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Roles} from "../../../contracts/access/Roles.sol";
import {IRepo} from "../../../contracts/interfaces/IRepo.sol";
import {Repo} from "../../../contracts/settlement/Repo.sol";
import {SettlementCode} from "../../../contracts/settlement/SettlementCode.sol";
import {SettlementFixture} from "./SettlementFixture.sol";

/// @notice The repo contract's legs, remedies, exact errors, fuzzed pricing and an upgrade.
contract RepoTest is SettlementFixture {
    function setUp() public override {
        super.setUp();
        cash.mint(alice, 10 * USD); // the interest alice owes on top of the purchase price
    }

    function test_OpenAndClose_MoveBothAssetsTwice() public {
        IRepo.RepoTerms memory terms = _open(address(token));
        assertEq(token.balanceOf(bob), 100);
        assertEq(cash.balanceOf(alice), 9_810 * USD);
        vm.warp(terms.maturity);
        vm.expectEmit(address(repo));
        emit IRepo.RepoClosed(repo.repoId(terms), alice);
        vm.prank(alice);
        repo.close(terms);
        assertEq(token.balanceOf(alice), SHARES);
        assertEq(cash.balanceOf(alice), 0);
        assertEq(cash.balanceOf(bob), CASH + 10 * USD);
    }

    function testFuzz_PurchasePrice_IsValueLessHaircutRoundedDown(uint256 value, uint16 haircut) public view {
        value = bound(value, 1, type(uint128).max);
        haircut = uint16(bound(haircut, 0, 9_999));
        IRepo.RepoTerms memory terms = repoTerms(address(token));
        (terms.securityValue, terms.haircutBps) = (value, haircut);
        assertEq(repo.purchasePrice(terms), value * (10_000 - haircut) / 10_000);
    }

    function test_RevertWhen_ClaimBeforeGraceEnds() public {
        IRepo.RepoTerms memory terms = _open(address(token));
        uint256 graceEnd = uint256(terms.maturity) + terms.grace;
        vm.warp(graceEnd);
        vm.expectRevert(abi.encodeWithSelector(IRepo.RepoNotDue.selector, repo.repoId(terms), graceEnd + 1));
        vm.prank(bob);
        repo.claimSecurities(terms);
        vm.warp(graceEnd + 1);
        vm.prank(bob);
        repo.claimSecurities(terms);
        assertEq(uint8(repo.repoState(repo.repoId(terms)).status), uint8(IRepo.RepoStatus.BorrowerDefaulted));
        assertEq(token.balanceOf(bob), 100);
    }

    function test_DeclareLenderDefault_WhenTheReturnLacksAllowance() public {
        IRepo.RepoTerms memory terms = _open(address(token));
        vm.warp(terms.maturity);
        vm.prank(bob);
        token.approve(address(repo), 0);
        vm.expectEmit(address(repo));
        emit IRepo.RepoLenderDefaulted(repo.repoId(terms), SettlementCode.ALLOWANCE_INSUFFICIENT);
        vm.prank(alice);
        repo.declareLenderDefault(terms);
        assertEq(cash.balanceOf(alice), 9_810 * USD);
    }

    function test_RevertWhen_DeclaringDefaultOfALenderReadyToReturn() public {
        IRepo.RepoTerms memory terms = _open(address(token));
        vm.warp(terms.maturity);
        vm.expectRevert(abi.encodeWithSelector(IRepo.RepoReturnNotLenderFault.selector, repo.repoId(terms), 0));
        vm.prank(alice);
        repo.declareLenderDefault(terms);
    }

    function test_ReturnLock_HoldsTheLendersBondsUntilClose() public {
        IRepo.RepoTerms memory terms = repoTerms(address(bonds));
        vm.prank(bob);
        repo.propose(terms, false, true);
        vm.prank(alice);
        repo.affirm(terms, false, false);
        assertEq(bonds.encumbrances(bob, address(repo)), 100);
        assertEq(bonds.availableBalanceOf(bob), 0);
        vm.warp(terms.maturity);
        vm.prank(bob);
        repo.close(terms);
        assertEq(bonds.balanceOf(alice), SHARES);
        assertEq(bonds.encumbrances(bob, address(repo)), 0);
    }

    function test_RevertWhen_UpgradedByNonUpgrader() public {
        address implementation = address(new Repo());
        vm.prank(venue);
        vm.expectRevert(unauthorized(venue, Roles.UPGRADER));
        repo.upgradeToAndCall(implementation, "");
    }

    function test_Upgrade_KeepsAnOpenRepo() public {
        IRepo.RepoTerms memory terms = _open(address(token));
        address implementation = address(new Repo());
        vm.prank(upgrader);
        repo.upgradeToAndCall(implementation, "");
        vm.warp(terms.maturity);
        vm.prank(alice);
        repo.close(terms);
        assertEq(token.balanceOf(alice), SHARES);
    }

    function _open(address security) internal returns (IRepo.RepoTerms memory terms) {
        terms = repoTerms(security);
        vm.prank(bob);
        repo.propose(terms, false, false);
        vm.expectEmit(address(repo));
        emit IRepo.RepoOpened(repo.repoId(terms), 9_800 * USD);
        vm.prank(alice);
        repo.affirm(terms, false, false);
    }
}
