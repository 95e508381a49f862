// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDistributions} from "../../../contracts/interfaces/IDistributions.sol";
import {Distributions} from "../../../contracts/lifecycle/Distributions.sol";
import {Fixture} from "../Fixture.sol";
import {AttackerWallet} from "../mocks/AttackerWallet.sol";
import {HostileCash} from "../mocks/HostileCash.sol";

/// @notice Issue 6 adversaries against distributions: a hostile cash token that calls back into
/// `claim` while paying a wallet of the same investor (the payment is sent before the bookkeeping,
/// so only the reentrancy guard stands between it and a second payment), and dust griefing.
contract DistributionsAdversariesTest is Fixture {
    uint256 internal constant FUNDED = 1_000;

    Distributions internal distributions;
    HostileCash internal cash;
    AttackerWallet internal wallet;

    function setUp() public override {
        super.setUp();
        distributions = Distributions(
            address(
                new ERC1967Proxy(
                    address(new Distributions()),
                    abi.encodeCall(Distributions.initialize, (address(authority), address(registry)))
                )
            )
        );
        wallet = new AttackerWallet();
        vm.prank(complianceOfficer);
        registry.addWallet(ALICE, address(wallet));
        mint(address(wallet), 300);
        mint(alice, 100);
        mint(bob, 100);
        cash = new HostileCash();
    }

    function test_ClaimReentry_IsRefusedAndPaysOnce() public {
        uint256 id = _announce(FUNDED, scheduleRecordDate(block.timestamp));
        _armClaimAgain(id, false);
        wallet.exec(address(distributions), abi.encodeCall(IDistributions.claim, (id)));

        assertFalse(cash.reentered(), "the second claim went through");
        assertEq(bytes4(cash.lastError()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        assertEq(cash.balanceOf(address(wallet)), 800, "alice's share is 400 of 500 units");
        assertEq(distributions.distribution(id).disbursed, 800);
        vm.expectRevert(abi.encodeWithSelector(IDistributions.DistributionAlreadyPaid.selector, id, ALICE));
        vm.prank(alice);
        distributions.claim(id);
    }

    function test_ClaimReentryBubbled_HoldsTheShareThenPaysItOnce() public {
        uint256 id = _announce(FUNDED, scheduleRecordDate(block.timestamp));
        _armClaimAgain(id, true);
        wallet.exec(address(distributions), abi.encodeCall(IDistributions.claim, (id)));

        IDistributions.Distribution memory d = distributions.distribution(id);
        assertEq(d.disbursed, 0, "a refused payment is not paid");
        assertEq(d.held, 800, "but it is held for alice");
        assertEq(cash.balanceOf(address(distributions)), FUNDED);
        cash.arm(address(0), "", false);
        vm.prank(alice);
        assertEq(distributions.claim(id), 800);
        assertEq(distributions.distribution(id).held, 0);
        assertEq(cash.balanceOf(alice), 800);
        assertEq(cash.balanceOf(address(wallet)), 0);
    }

    function test_PushReentry_IsRefusedAndPaysOnce() public {
        uint256 id = _announce(FUNDED, scheduleRecordDate(block.timestamp));
        _armClaimAgain(id, false);
        address[] memory batch = new address[](2);
        (batch[0], batch[1]) = (address(wallet), alice);
        vm.prank(agent);
        distributions.push(id, batch);

        assertEq(bytes4(cash.lastError()), ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        assertEq(cash.balanceOf(address(wallet)) + cash.balanceOf(alice), 800, "alice paid once");
        assertEq(distributions.distribution(id).disbursed, 800);
    }

    /// @dev Dust: holders whose share rounds to zero cannot claim (nothing is sent), the rounding
    /// remainder is never paid out, and it returns to the issuer after the deadline.
    function test_DustHolders_GetNothingAndTheRemainderReturns() public {
        mint(carol, 1);
        mint(dave, 1);
        uint40 deadline = uint40(block.timestamp + 30 days);
        uint256 id = _announceUntil(7, scheduleRecordDate(block.timestamp), deadline);
        vm.expectRevert(abi.encodeWithSelector(IDistributions.DistributionNothingOwed.selector, id, CAROL));
        vm.prank(carol);
        distributions.claim(id);
        address[] memory batch = new address[](4);
        (batch[0], batch[1], batch[2], batch[3]) = (carol, dave, bob, alice);
        vm.prank(agent);
        distributions.push(id, batch);
        // 7 * 400 / 502 = 5, 7 * 100 / 502 = 1, 7 * 1 / 502 = 0: one unit is left over.
        assertEq(cash.balanceOf(alice), 5);
        assertEq(cash.balanceOf(bob), 1);
        assertEq(cash.balanceOf(carol) + cash.balanceOf(dave), 0);
        vm.warp(deadline + 1);
        vm.prank(issuer);
        distributions.reclaim(id, issuer);
        assertEq(cash.balanceOf(issuer), 1);
        assertEq(cash.balanceOf(address(distributions)), 0);
    }

    function _announce(uint256 amount, uint24 recordId) internal returns (uint256) {
        return _announceUntil(amount, recordId, uint40(block.timestamp + 30 days));
    }

    function _announceUntil(uint256 amount, uint24 recordId, uint40 deadline) internal returns (uint256 id) {
        vm.warp(block.timestamp + 1);
        cash.mint(issuer, amount);
        vm.startPrank(issuer);
        cash.approve(address(distributions), amount);
        id = distributions.announce(address(token), recordId, address(cash), amount, deadline);
        vm.stopPrank();
    }

    /// @dev The next cash move calls `claim` again as alice's contract wallet.
    function _armClaimAgain(uint256 id, bool bubble) internal {
        bytes memory claimAgain = abi.encodeCall(IDistributions.claim, (id));
        cash.arm(address(wallet), abi.encodeCall(AttackerWallet.exec, (address(distributions), claimAgain)), bubble);
    }
}
