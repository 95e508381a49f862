// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {RestrictionCode} from "../../../contracts/compliance/RestrictionCode.sol";
import {IDvPEscrow} from "../../../contracts/interfaces/IDvPEscrow.sol";
import {ISettlementLegs} from "../../../contracts/interfaces/ISettlementLegs.sol";
import {DvPEscrow} from "../../../contracts/settlement/DvPEscrow.sol";
import {SettlementCode} from "../../../contracts/settlement/SettlementCode.sol";
import {SettlementFixture} from "./SettlementFixture.sol";

/// @notice The escrow's exact errors and events, signatures made with `vm.sign`, fuzzed
/// atomicity, access control and an upgrade of a live escrow.
contract DvPEscrowTest is SettlementFixture {
    // ---------------------------------------------------------------- set-up

    function test_RevertWhen_InitializedTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        escrow.initialize(address(authority));
    }

    function test_RevertWhen_ImplementationInitialized() public {
        DvPEscrow implementation = new DvPEscrow();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        implementation.initialize(address(authority));
    }

    // ---------------------------------------------------------------- life of a trade

    function test_Settle_MovesBothLegsAndEmits() public {
        IDvPEscrow.Trade memory t = trade(address(token), 100, 5_000 * USD, "t1");
        bytes32 id = escrow.tradeId(t);
        vm.expectEmit(address(escrow));
        emit IDvPEscrow.TradeProposed(id, alice, t);
        vm.prank(alice);
        assertEq(escrow.propose(t, false), id);
        vm.expectEmit(address(escrow));
        emit IDvPEscrow.TradeAffirmed(id, bob, false);
        vm.prank(bob);
        escrow.affirm(t, false);
        vm.expectEmit(address(escrow));
        emit IDvPEscrow.TradeSettled(id, bytes32(0));
        escrow.settle(t);
        assertEq(token.balanceOf(bob), 100);
        assertEq(cash.balanceOf(alice), 5_000 * USD);
        assertEq(uint8(escrow.tradeState(id).status), uint8(IDvPEscrow.TradeStatus.Settled));
    }

    function test_RevertWhen_SettledTwice() public {
        IDvPEscrow.Trade memory t = _matched(address(token), "twice");
        escrow.settle(t);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementLegs.SettlementWrongStatus.selector, escrow.tradeId(t), uint8(IDvPEscrow.TradeStatus.Settled)
            )
        );
        escrow.settle(t);
    }

    function test_RevertWhen_ReceiverNotRegistered_NothingMoves() public {
        IDvPEscrow.Trade memory t = trade(address(token), 100, 5_000 * USD, "stranger");
        t.buyer = stranger;
        cash.mint(stranger, CASH);
        vm.prank(stranger);
        cash.approve(address(escrow), type(uint256).max);
        vm.prank(alice);
        escrow.propose(t, false);
        vm.prank(stranger);
        escrow.affirm(t, false);
        IDvPEscrow.SettlementCheck memory check = escrow.checkSettlement(t);
        assertEq(check.securityLeg, RestrictionCode.RECEIVER_NOT_REGISTERED);
        assertEq(check.cashLeg, 0);
        vm.expectRevert(rejected(alice, stranger, 100, RestrictionCode.RECEIVER_NOT_REGISTERED));
        escrow.settle(t);
        assertEq(token.balanceOf(alice), SHARES);
        assertEq(cash.balanceOf(stranger), CASH);
    }

    // ---------------------------------------------------------------- signatures

    function test_SettleWithAffirmations_SellerSignatureOverTheEscrowsDigest() public {
        IDvPEscrow.Trade memory t = trade(address(token), 100, 5_000 * USD, "signed");
        bytes memory signature = signAffirmation("alice", t, block.chainid, address(escrow));
        bytes32 digest = keccak256(
            abi.encodePacked(
                hex"1901",
                keccak256(
                    abi.encode(
                        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                        keccak256("permledger DvPEscrow"),
                        keccak256("1"),
                        block.chainid,
                        address(escrow)
                    )
                ),
                escrow.tradeId(t)
            )
        );
        assertEq(escrow.affirmationDigest(t), digest);
        vm.expectEmit(address(escrow));
        emit IDvPEscrow.TradeAffirmed(escrow.tradeId(t), alice, true);
        vm.prank(bob);
        escrow.settleWithAffirmations(t, signature, "");
        assertEq(token.balanceOf(bob), 100);
    }

    function test_RevertWhen_SignatureForAnotherChain() public {
        IDvPEscrow.Trade memory t = trade(address(token), 100, 5_000 * USD, "chain");
        bytes memory signature = signAffirmation("alice", t, block.chainid + 1, address(escrow));
        _expectSignatureInvalid(t);
        vm.prank(bob);
        escrow.settleWithAffirmations(t, signature, "");
    }

    function test_RevertWhen_SignatureForAnotherEscrow() public {
        IDvPEscrow.Trade memory t = trade(address(token), 100, 5_000 * USD, "escrow");
        bytes memory signature = signAffirmation("alice", t, block.chainid, address(repo));
        _expectSignatureInvalid(t);
        vm.prank(bob);
        escrow.settleWithAffirmations(t, signature, "");
    }

    function test_RevertWhen_SignatureForAnotherTrade() public {
        IDvPEscrow.Trade memory t = trade(address(token), 100, 5_000 * USD, "one");
        bytes memory signature =
            signAffirmation("alice", trade(address(token), 100, 5_000 * USD, "two"), block.chainid, address(escrow));
        _expectSignatureInvalid(t);
        vm.prank(bob);
        escrow.settleWithAffirmations(t, signature, "");
    }

    // ---------------------------------------------------------------- atomicity, fuzzed

    function testFuzz_Settle_AtomicWhateverTheBuyersCash(uint256 held) public {
        uint256 price = 5_000 * USD;
        held = bound(held, 0, 2 * price);
        IDvPEscrow.Trade memory t = _matched(address(token), "fuzz");
        vm.prank(bob);
        cash.transfer(carol, CASH - held);
        IDvPEscrow.SettlementCheck memory check = escrow.checkSettlement(t);
        if (held < price) {
            assertEq(check.cashLeg, SettlementCode.INSUFFICIENT_BALANCE);
            vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, held, price));
            escrow.settle(t);
            assertEq(token.balanceOf(alice), SHARES);
            assertEq(token.balanceOf(bob), 0);
            assertEq(cash.balanceOf(bob), held);
            assertEq(cash.balanceOf(alice), 0);
        } else {
            assertEq(check.cashLeg, 0);
            escrow.settle(t);
            assertEq(token.balanceOf(bob), 100);
            assertEq(cash.balanceOf(bob), held - price);
        }
    }

    function testFuzz_Settle_AtomicWhateverTheSellersAllowance(uint256 allowed) public {
        allowed = bound(allowed, 0, 200);
        IDvPEscrow.Trade memory t = _matched(address(token), "allowance");
        vm.prank(alice);
        token.approve(address(escrow), allowed);
        if (allowed < 100) {
            assertEq(escrow.checkSettlement(t).securityLeg, SettlementCode.ALLOWANCE_INSUFFICIENT);
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(escrow), allowed, 100)
            );
        }
        escrow.settle(t);
        assertEq(token.balanceOf(bob), allowed < 100 ? 0 : 100);
        assertEq(cash.balanceOf(alice), allowed < 100 ? 0 : 5_000 * USD);
    }

    function testFuzz_LockedLeg_EncumbranceEqualsLockedBalance(uint256 amount, bool cancel) public {
        amount = bound(amount, 1, SHARES);
        IDvPEscrow.Trade memory t = trade(address(bonds), amount, 5_000 * USD, "locked");
        vm.prank(alice);
        escrow.propose(t, true);
        assertEq(bonds.encumbrances(alice, address(escrow)), amount);
        assertEq(escrow.lockedBalance(address(bonds), alice), amount);
        if (cancel) {
            vm.prank(bob);
            escrow.cancel(t);
        } else {
            vm.prank(bob);
            escrow.affirm(t, false);
            escrow.settle(t);
        }
        assertEq(bonds.encumbrances(alice, address(escrow)), 0);
        assertEq(escrow.lockedBalance(address(bonds), alice), 0);
        assertEq(bonds.balanceOf(alice), cancel ? SHARES : SHARES - amount);
    }

    // ---------------------------------------------------------------- access and upgrades

    function test_RevertWhen_SettleBatchByNonVenue() public {
        IDvPEscrow.Trade[] memory batch = new IDvPEscrow.Trade[](1);
        batch[0] = _matched(address(token), "batch");
        vm.prank(alice);
        vm.expectRevert(unauthorized(alice, Roles.VENUE));
        escrow.settleBatch(batch);
        vm.prank(venue);
        escrow.settleBatch(batch);
        assertEq(token.balanceOf(bob), 100);
    }

    function test_RevertWhen_UpgradedByNonUpgrader() public {
        address implementation = address(new DvPEscrow());
        vm.prank(admin);
        vm.expectRevert(unauthorized(admin, Roles.UPGRADER));
        escrow.upgradeToAndCall(implementation, "");
    }

    function test_Upgrade_KeepsTradesAndLocks() public {
        IDvPEscrow.Trade memory t = trade(address(bonds), 100, 5_000 * USD, "upgrade");
        vm.prank(alice);
        escrow.propose(t, true);
        address implementation = address(new DvPEscrow());
        vm.prank(upgrader);
        escrow.upgradeToAndCall(implementation, "");
        assertEq(escrow.lockedBalance(address(bonds), alice), 100);
        assertTrue(escrow.tradeState(escrow.tradeId(t)).sellerAffirmed);
        vm.prank(bob);
        escrow.affirm(t, false);
        escrow.settle(t);
        assertEq(bonds.balanceOf(bob), 100);
    }

    // ---------------------------------------------------------------- helpers

    function _matched(address security, bytes32 ref) internal returns (IDvPEscrow.Trade memory t) {
        t = trade(security, 100, 5_000 * USD, ref);
        vm.prank(alice);
        escrow.propose(t, false);
        vm.prank(bob);
        escrow.affirm(t, false);
    }

    function _expectSignatureInvalid(IDvPEscrow.Trade memory t) internal {
        vm.expectRevert(
            abi.encodeWithSelector(IDvPEscrow.SettlementSignatureInvalid.selector, escrow.tradeId(t), alice)
        );
    }
}
