// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {
    ReentrancyGuardTransientUpgradeable
} from "@openzeppelin/contracts-upgradeable/utils/ReentrancyGuardTransientUpgradeable.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {RestrictionCode} from "../compliance/RestrictionCode.sol";
import {IERC1404} from "../interfaces/IERC1404.sol";
import {IERC7246} from "../interfaces/IERC7246.sol";
import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {ISettlementLegs} from "../interfaces/ISettlementLegs.sol";
import {SettlementCode} from "./SettlementCode.sol";

/// @title SettlementLegs
/// @notice Moves, locks and releases the legs of deals, and dry-runs a leg, for the DvP escrow
/// and the repo contract.
/// @dev An ERC-7246 token spends the taker's encumbrance before its allowance in `transferFrom`,
/// and it cannot tell one locked leg from another. So when a transfer from an owner spends more
/// encumbrance than the legs it closes (a pulled leg of an owner who also has open locked legs),
/// the lost part is encumbered again from the owner's allowance; when it spends less (a netted
/// position smaller than its locked legs), the rest is released. That keeps the invariant of
/// `ISettlementLegs` after every transfer. A leg that ends without settling releases at most the
/// units beyond its owner's other open locks (see `_giveBack`), so a reverse split of the token
/// cannot leave units locked for ever.
/// Every external entry point that calls a token is `nonReentrant`: tokens are chosen by the
/// proposer, so any of them may be hostile.
abstract contract SettlementLegs is ISettlementLegs, AuthorityManaged, ReentrancyGuardTransientUpgradeable {
    using SafeERC20 for IERC20;

    /// @dev One leg of a deal: `amount` of `token` from `from` to `to`, of which `lockedClosing`
    /// is locked (and the lock closes with it); `keep` is what stays locked after, once computed.
    struct Leg {
        address token;
        address from;
        address to;
        uint256 amount;
        uint256 lockedClosing;
        uint256 keep;
    }

    /// @custom:storage-location erc7201:permledger.storage.SettlementLegs
    struct LegsStorage {
        mapping(address token => mapping(address owner => uint256)) locked;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.SettlementLegs")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant LEGS_STORAGE = 0xab073f181e41281cf22a0c6848576fdaee8d9e30156696470c9f3b12b6c46900;

    /// @inheritdoc ISettlementLegs
    function releaseExcess(address token) external nonReentrant returns (uint256 amount) {
        (bool ok, uint256 held) = _encumbrance(token, msg.sender);
        require(ok, SettlementLockUnsupported(token));
        uint256 locked = _legs().locked[token][msg.sender];
        if (held <= locked) return 0;
        amount = held - locked;
        IERC7246(token).release(msg.sender, amount);
        emit ExcessReleased(msg.sender, token, amount);
    }

    /// @inheritdoc ISettlementLegs
    function lockedBalance(address token, address owner) external view returns (uint256) {
        return _legs().locked[token][owner];
    }

    /// @inheritdoc ISettlementLegs
    function messageForSettlementCode(uint8 code) external pure returns (string memory) {
        return SettlementCode.message(code);
    }

    // ---------------------------------------------------------------- moving legs

    /// @dev Locks `amount` of `owner`'s `token` for deal `id` (see `_bookLock`, `_takeLock`).
    function _lock(bytes32 id, address token, address owner, uint256 amount) internal {
        _takeLock(token, owner, _bookLock(id, token, owner, amount));
    }

    /// @dev Books a lock of `amount` of `owner`'s `token` for deal `id` (effects only); returns
    /// the owner's booked locks in `token`.
    function _bookLock(bytes32 id, address token, address owner, uint256 amount) internal returns (uint256 locked) {
        LegsStorage storage $ = _legs();
        locked = $.locked[token][owner] + amount;
        $.locked[token][owner] = locked;
        emit LegLocked(id, owner, token, amount);
    }

    /// @dev Makes the encumbrance on `owner`'s `token` cover its booked locks (`locked`): units
    /// the owner already encumbered to this contract count first, the rest is encumbered from the
    /// owner's allowance. Reverts unless the encumbrance then covers them all.
    function _takeLock(address token, address owner, uint256 locked) internal {
        (bool ok, uint256 held) = _encumbrance(token, owner);
        require(ok, SettlementLockUnsupported(token));
        if (held >= locked) return;
        IERC7246(token).encumberFrom(owner, address(this), locked - held);
        (ok, held) = _encumbrance(token, owner);
        // A token that answers `encumberFrom` without encumbering must not pass as a lock.
        require(ok && held >= locked, SettlementLockUnsupported(token));
    }

    /// @dev Gives one locked leg of deal `id` back to its owner (`lockedClosing` is the amount; see
    /// `_giveBack`).
    function _releaseLeg(bytes32 id, Leg memory leg) internal {
        _giveBack(leg, _unbookLock(id, leg));
    }

    /// @dev Gives the locked legs `a` and `b` of deal `id` back to their owners (`lockedClosing`
    /// is the amount; zero: none). Pure bookkeeping in the token: nothing moves, so it works while
    /// the token is paused or the owner is not eligible. Books first, then the tokens.
    function _releaseLegs(bytes32 id, Leg memory a, Leg memory b) internal {
        uint256 aStays = _unbookLock(id, a);
        uint256 bStays = _unbookLock(id, b);
        if (a.lockedClosing != 0) _giveBack(a, aStays);
        if (b.lockedClosing != 0) _giveBack(b, bStays);
    }

    /// @dev Settles two legs: every book change first, then the transfers (each token's rules
    /// apply and a failing token's error bubbles up), then the locks are made whole again.
    function _exchange(Leg memory a, Leg memory b) internal {
        a.keep = _closeLocks(a.token, a.from, a.lockedClosing);
        b.keep = _closeLocks(b.token, b.from, b.lockedClosing);
        _move(a.token, a.from, a.to, a.amount, a.lockedClosing, a.keep);
        _move(b.token, b.from, b.to, b.amount, b.lockedClosing, b.keep);
    }

    /// @dev Moves one leg: its books, the transfer, then its locks made whole again.
    function _deliver(address token, address from, address to, uint256 amount, uint256 lockedClosing) internal {
        uint256 keep = _closeLocks(token, from, lockedClosing);
        _move(token, from, to, amount, lockedClosing, keep);
    }

    /// @dev Moves a leg whose books `_closeLocks` already changed (`keep`: what it left locked).
    /// `from` is always a party that committed to the deal (on-chain or by signature).
    function _move(address token, address from, address to, uint256 amount, uint256 lockedClosing, uint256 keep)
        internal
    {
        // slither-disable-next-line arbitrary-send-erc20 (a party that committed to the deal)
        IERC20(token).safeTransferFrom(from, to, amount);
        _restoreLocks(token, from, amount, lockedClosing, keep);
    }

    /// @dev Removes a locked leg from its owner's books; returns the owner's locks that stay.
    function _unbookLock(bytes32 id, Leg memory leg) private returns (uint256 stays) {
        if (leg.lockedClosing == 0) return 0;
        LegsStorage storage $ = _legs();
        stays = $.locked[leg.token][leg.from] - leg.lockedClosing;
        $.locked[leg.token][leg.from] = stays;
        emit LegReleased(id, leg.from, leg.token, leg.lockedClosing);
    }

    /// @dev Releases a closed leg's `lockedClosing` units from its owner's encumbrance, but never
    /// the units still behind the owner's open locks (`stays`). Normally that is the whole amount;
    /// after a reverse split the token has shrunk the encumbrance while the books keep the deals'
    /// numbers, and releasing the whole amount would revert, locking the units for ever.
    function _giveBack(Leg memory leg, uint256 stays) private {
        (, uint256 held) = _encumbrance(leg.token, leg.from);
        uint256 spare = held > stays ? held - stays : 0;
        uint256 amount = leg.lockedClosing < spare ? leg.lockedClosing : spare;
        if (amount != 0) IERC7246(leg.token).release(leg.from, amount);
    }

    /// @dev Removes `lockedClosing` from `owner`'s locked legs; returns what stays locked. A locked
    /// leg closes only on an encumbrance that covers the owner's locked legs: otherwise (after a
    /// reverse split) the transfer would take the shortfall from the allowance, delivering more
    /// than the deal's worth, so it reverts as the dry run's `ENCUMBRANCE_INSUFFICIENT` says.
    function _closeLocks(address token, address owner, uint256 lockedClosing) internal returns (uint256 keep) {
        LegsStorage storage $ = _legs();
        keep = $.locked[token][owner];
        if (lockedClosing != 0) {
            (, uint256 held) = _encumbrance(token, owner);
            require(held >= keep, SettlementLockShort(token, owner, held, keep));
            keep -= lockedClosing;
            $.locked[token][owner] = keep;
        }
    }

    /// @dev After `sent` units left `owner` (see the contract's @dev): releases locked units the
    /// transfers did not use, or encumbers again the units of still-open legs they used.
    function _restoreLocks(address token, address owner, uint256 sent, uint256 lockedClosing, uint256 keep) internal {
        if (lockedClosing > sent) {
            // slither-disable-next-line calls-loop (the trade's own tokens; one failure reverts the batch by design)
            IERC7246(token).release(owner, lockedClosing - sent);
        } else if (keep != 0 && sent > lockedClosing) {
            (, uint256 held) = _encumbrance(token, owner);
            // slither-disable-next-line calls-loop (the trade's own tokens; one failure reverts the batch by design)
            if (held < keep) IERC7246(token).encumberFrom(owner, address(this), keep - held);
        }
    }

    // ---------------------------------------------------------------- dry runs

    /// @dev Why moving `amount` of `token` from `from` to `to`, closing `lockedClosing` of its
    /// locked legs, would fail now: the token's rules first, then what the escrow can spend.
    function _legCode(address token, address from, address to, uint256 amount, uint256 lockedClosing)
        internal
        view
        returns (uint8 code)
    {
        code = _rulesCode(token, from, to, amount);
        if (code == SettlementCode.SUCCESS) code = _capacityCode(token, from, amount, lockedClosing);
    }

    /// @dev The token's ERC-1404 code for the transfer, or success for a token without rules.
    /// A token judges the sender's balance as if the sender sent, blind to what this contract may
    /// spend (its encumbrance): those codes are left to `_capacityCode`, which knows.
    function _rulesCode(address token, address from, address to, uint256 amount) internal view returns (uint8) {
        if (!ERC165Checker.supportsInterface(token, type(IERC1404).interfaceId)) return SettlementCode.SUCCESS;
        (bool ok, uint256 code) =
            _staticUint(token, abi.encodeCall(IERC1404.detectTransferRestriction, (from, to, amount)));
        if (!ok || code > type(uint8).max) return SettlementCode.TOKEN_CHECK_FAILED;
        if (code == RestrictionCode.INSUFFICIENT_BALANCE || code == RestrictionCode.BALANCE_ENCUMBERED) {
            return SettlementCode.SUCCESS;
        }
        return uint8(code);
    }

    /// @dev Whether this contract can take `amount` from `owner`: balance, the encumbrance behind
    /// its locked legs, and for the part not locked, free balance and allowance.
    function _capacityCode(address token, address owner, uint256 amount, uint256 lockedClosing)
        internal
        view
        returns (uint8)
    {
        (bool ok, uint256 balance) = _staticUint(token, abi.encodeCall(IERC20.balanceOf, (owner)));
        if (!ok) return SettlementCode.TOKEN_CHECK_FAILED;
        if (balance < amount) return SettlementCode.INSUFFICIENT_BALANCE;
        uint256 locked = _legs().locked[token][owner];
        (bool known, uint256 held) = _encumbrance(token, owner);
        if (locked != 0 && (!known || held < locked)) return SettlementCode.ENCUMBRANCE_INSUFFICIENT;
        // Units the owner encumbered to this contract by itself are spent before anything else.
        uint256 covered = lockedClosing + (known ? held - locked : 0);
        if (amount <= covered) return SettlementCode.SUCCESS;
        uint256 fresh = amount - covered;
        uint256 available;
        (ok, available) = _staticUint(token, abi.encodeCall(IERC7246.availableBalanceOf, (owner)));
        // Tokens without encumbrances have no such view: the balance checked above is all there is.
        if (ok && available < fresh) return SettlementCode.AVAILABLE_BALANCE_INSUFFICIENT;
        uint256 allowed;
        (ok, allowed) = _staticUint(token, abi.encodeCall(IERC20.allowance, (owner, address(this))));
        if (!ok) return SettlementCode.TOKEN_CHECK_FAILED;
        return allowed < fresh ? SettlementCode.ALLOWANCE_INSUFFICIENT : SettlementCode.SUCCESS;
    }

    // ---------------------------------------------------------------- helpers

    /// @dev The units of `owner` encumbered to this contract; `ok` is false for a token that does
    /// not answer `encumbrances`.
    function _encumbrance(address token, address owner) internal view returns (bool ok, uint256 held) {
        return _staticUint(token, abi.encodeCall(IERC7246.encumbrances, (owner, address(this))));
    }

    /// @dev Reverts unless the two parties are distinct and not zero, and the two tokens are
    /// distinct contracts.
    function _validateDeal(bytes32 id, address party, address counterparty, address security, address cash)
        internal
        view
    {
        require(party != address(0) && counterparty != address(0), SettlementPartyZero(id));
        require(party != counterparty, SettlementSelfDeal(id, party));
        require(security != cash, SettlementSameToken(id, cash));
        require(security.code.length != 0, SettlementTokenInvalid(id, security));
        require(cash.code.length != 0, SettlementTokenInvalid(id, cash));
    }

    /// @dev The time of `token`'s last split; zero for none, and for a token that does not split
    /// or does not answer.
    function _lastSplitTime(address token) internal view returns (uint40) {
        (bool ok, uint256 time) = _staticUint(token, abi.encodeCall(IEntitlementToken.lastSplitTime, ()));
        return ok && time <= type(uint40).max ? uint40(time) : 0;
    }

    /// @dev A view call that returns one word; `ok` is false when it reverts or returns less.
    function _staticUint(address target, bytes memory data) private view returns (bool ok, uint256 value) {
        // slither-disable-next-line calls-loop,low-level-calls (a static probe; a failure is an answer)
        (bool success, bytes memory output) = target.staticcall(data);
        if (!success || output.length < 32) return (false, 0);
        return (true, abi.decode(output, (uint256)));
    }

    function _legs() private pure returns (LegsStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := LEGS_STORAGE
        }
    }
}
