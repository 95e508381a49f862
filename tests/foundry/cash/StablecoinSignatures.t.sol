// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {
    ERC20PermitUpgradeable
} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {IERC3009} from "../../../contracts/interfaces/IERC3009.sol";
import {IStablecoin} from "../../../contracts/interfaces/IStablecoin.sol";
import {SignerWallet} from "../../../contracts/mocks/SignerWallet.sol";
import {CashFixture} from "./CashFixture.sol";

/// @notice EIP-2612 permits and EIP-3009 authorizations signed with `vm.sign` over digests built
/// from the EIPs' definitions: accepted once, in their window, in this domain only.
contract StablecoinSignaturesTest is CashFixture {
    bytes32 internal constant NONCE = keccak256("nonce 1");
    uint256 internal aliceKey = keyOf("alice");
    bytes32 internal transferType;
    bytes32 internal receiveType;

    function setUp() public override {
        super.setUp();
        transferType = cash.TRANSFER_WITH_AUTHORIZATION_TYPEHASH();
        receiveType = cash.RECEIVE_WITH_AUTHORIZATION_TYPEHASH();
    }

    function test_TypeHashes_AreTheEips() public view {
        assertEq(
            transferType,
            keccak256(
                "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
            )
        );
        assertEq(
            receiveType,
            keccak256(
                "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
            )
        );
        assertEq(
            cash.CANCEL_AUTHORIZATION_TYPEHASH(), keccak256("CancelAuthorization(address authorizer,bytes32 nonce)")
        );
        assertEq(cash.DOMAIN_SEPARATOR(), domainSeparator(block.chainid, address(cash)));
    }

    // ---------------------------------------------------------------- permit

    function test_Permit_SetsAllowanceOnce() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signHere(aliceKey, permitHash(alice, bob, 5 * USD, 0, deadline));
        vm.expectEmit(address(cash));
        emit IERC20.Approval(alice, bob, 5 * USD);
        cash.permit(alice, bob, 5 * USD, deadline, v, r, s);
        assertEq(cash.allowance(alice, bob), 5 * USD);
        assertEq(cash.nonces(alice), 1);
        vm.expectPartialRevert(ERC20PermitUpgradeable.ERC2612InvalidSigner.selector);
        cash.permit(alice, bob, 5 * USD, deadline, v, r, s);
    }

    function test_RevertWhen_PermitExpired() public {
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = signHere(aliceKey, permitHash(alice, bob, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20PermitUpgradeable.ERC2612ExpiredSignature.selector, deadline));
        cash.permit(alice, bob, 1, deadline, v, r, s);
    }

    function test_RevertWhen_PermitForAnotherChainOrContract() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = permitHash(alice, bob, 1, 0, deadline);
        bytes32[2] memory domains = [domainSeparator(1, address(cash)), domainSeparator(block.chainid, address(token))];
        for (uint256 i; i < domains.length; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = signIn(aliceKey, domains[i], structHash);
            vm.expectPartialRevert(ERC20PermitUpgradeable.ERC2612InvalidSigner.selector);
            cash.permit(alice, bob, 1, deadline, v, r, s);
        }
    }

    function test_RevertWhen_PermitInvolvesBlacklisted() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = signHere(aliceKey, permitHash(alice, bob, 1, 0, deadline));
        vm.prank(blacklister);
        cash.blacklist(bob);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAccountBlacklisted.selector, bob));
        cash.permit(alice, bob, 1, deadline, v, r, s);
    }

    // ---------------------------------------------------------------- EIP-3009

    function test_TransferWithAuthorization_MovesOnce() public {
        uint256 validBefore = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(aliceKey, authorizationHash(transferType, alice, carol, 3 * USD, 0, validBefore, NONCE));
        vm.expectEmit(address(cash));
        emit IERC3009.AuthorizationUsed(alice, NONCE);
        vm.expectEmit(address(cash));
        emit IERC20.Transfer(alice, carol, 3 * USD);
        vm.prank(dave);
        cash.transferWithAuthorization(alice, carol, 3 * USD, 0, validBefore, NONCE, v, r, s);
        assertEq(cash.balanceOf(carol), 3 * USD);
        assertTrue(cash.authorizationState(alice, NONCE));
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAuthorizationUsed.selector, alice, NONCE));
        cash.transferWithAuthorization(alice, carol, 3 * USD, 0, validBefore, NONCE, v, r, s);
    }

    function testFuzz_TransferWithAuthorization_OnlyInsideItsWindow(
        uint256 validAfter,
        uint256 validBefore,
        uint256 time
    ) public {
        validAfter = bound(validAfter, 0, START + 10 days);
        validBefore = bound(validBefore, 0, START + 10 days);
        time = bound(time, START, START + 10 days);
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(aliceKey, authorizationHash(transferType, alice, carol, 1, validAfter, validBefore, NONCE));
        vm.warp(time);
        if (time <= validAfter) {
            vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAuthorizationNotYetValid.selector, validAfter, time));
        } else if (time >= validBefore) {
            vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAuthorizationExpired.selector, validBefore, time));
        }
        cash.transferWithAuthorization(alice, carol, 1, validAfter, validBefore, NONCE, v, r, s);
        assertEq(cash.authorizationState(alice, NONCE), time > validAfter && time < validBefore);
    }

    function test_RevertWhen_AuthorizationForAnotherChainOrContract() public {
        uint256 validBefore = block.timestamp + 1 hours;
        bytes32 structHash = authorizationHash(transferType, alice, carol, 1, 0, validBefore, NONCE);
        bytes32[2] memory domains = [domainSeparator(1, address(cash)), domainSeparator(block.chainid, address(token))];
        for (uint256 i; i < domains.length; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = signIn(aliceKey, domains[i], structHash);
            vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInvalidSignature.selector, alice));
            cash.transferWithAuthorization(alice, carol, 1, 0, validBefore, NONCE, v, r, s);
        }
    }

    function testFuzz_RevertWhen_AuthorizationSignedByAnotherKey(uint256 key) public {
        key = bound(key, 1, 2 ** 128);
        vm.assume(key != aliceKey);
        uint256 validBefore = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(key, authorizationHash(transferType, alice, carol, 1, 0, validBefore, NONCE));
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInvalidSignature.selector, alice));
        cash.transferWithAuthorization(alice, carol, 1, 0, validBefore, NONCE, v, r, s);
    }

    function test_ReceiveWithAuthorization_OnlyByThePayee() public {
        uint256 validBefore = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(aliceKey, authorizationHash(receiveType, alice, carol, 2, 0, validBefore, NONCE));
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashCallerNotPayee.selector, dave, carol));
        cash.receiveWithAuthorization(alice, carol, 2, 0, validBefore, NONCE, v, r, s);
        // The same signature is not a TransferWithAuthorization: no relayer can push it.
        vm.prank(dave);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInvalidSignature.selector, alice));
        cash.transferWithAuthorization(alice, carol, 2, 0, validBefore, NONCE, v, r, s);
        vm.prank(carol);
        cash.receiveWithAuthorization(alice, carol, 2, 0, validBefore, NONCE, v, r, s);
        assertEq(cash.balanceOf(carol), 2);
    }

    function test_CancelAuthorization_BlocksLaterUse() public {
        uint256 validBefore = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(aliceKey, authorizationHash(transferType, alice, carol, 1, 0, validBefore, NONCE));
        (uint8 cv, bytes32 cr, bytes32 cs) =
            signHere(aliceKey, keccak256(abi.encode(cash.CANCEL_AUTHORIZATION_TYPEHASH(), alice, NONCE)));
        vm.prank(pauser);
        cash.pause(); // cancelling works while paused
        vm.expectEmit(address(cash));
        emit IERC3009.AuthorizationCanceled(alice, NONCE);
        cash.cancelAuthorization(alice, NONCE, cv, cr, cs);
        vm.prank(pauser);
        cash.unpause();
        bytes memory used = abi.encodeWithSelector(IStablecoin.CashAuthorizationUsed.selector, alice, NONCE);
        vm.expectRevert(used);
        cash.transferWithAuthorization(alice, carol, 1, 0, validBefore, NONCE, v, r, s);
        vm.expectRevert(used);
        cash.cancelAuthorization(alice, NONCE, cv, cr, cs);
    }

    function test_RevertWhen_CancelSignedByAnotherKey() public {
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(keyOf("bob"), keccak256(abi.encode(cash.CANCEL_AUTHORIZATION_TYPEHASH(), alice, NONCE)));
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInvalidSignature.selector, alice));
        cash.cancelAuthorization(alice, NONCE, v, r, s);
    }

    function test_BytesSignature_FromAnEoaOrAnErc1271Wallet() public {
        uint256 validBefore = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(aliceKey, authorizationHash(transferType, alice, carol, 1, 0, validBefore, NONCE));
        cash.transferWithAuthorization(alice, carol, 1, 0, validBefore, NONCE, abi.encodePacked(r, s, v));

        address wallet = address(new SignerWallet(alice));
        mintCash(wallet, 10);
        (v, r, s) = signHere(aliceKey, authorizationHash(transferType, wallet, carol, 4, 0, validBefore, NONCE));
        cash.transferWithAuthorization(wallet, carol, 4, 0, validBefore, NONCE, abi.encodePacked(r, s, v));
        assertEq(cash.balanceOf(wallet), 6);

        bytes32 other = keccak256("nonce 2");
        (v, r, s) = signHere(keyOf("bob"), authorizationHash(transferType, wallet, carol, 4, 0, validBefore, other));
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashInvalidSignature.selector, wallet));
        cash.transferWithAuthorization(wallet, carol, 4, 0, validBefore, other, abi.encodePacked(r, s, v));
    }

    function test_RevertWhen_AuthorizationBreaksTransferRules() public {
        uint256 validBefore = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            signHere(aliceKey, authorizationHash(transferType, alice, carol, 1, 0, validBefore, NONCE));
        vm.prank(blacklister);
        cash.blacklist(carol);
        vm.expectRevert(abi.encodeWithSelector(IStablecoin.CashAccountBlacklisted.selector, carol));
        cash.transferWithAuthorization(alice, carol, 1, 0, validBefore, NONCE, v, r, s);
        assertFalse(cash.authorizationState(alice, NONCE));
    }
}
