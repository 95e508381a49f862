// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Stablecoin} from "../../../../contracts/cash/Stablecoin.sol";
import {Test} from "../../utils/Test.sol";

/// @title StablecoinHandler
/// @notice Drives the stablecoin through the invariant fuzzer as holders, takers, the minter,
/// the blacklister and the pauser would, and keeps a ghost model of balances, allowances,
/// encumbrances, blacklist and pause written from the rules alone.
/// @dev Every action predicts from the ghost whether it must succeed, makes the call, and
/// requires the outcome to match, so any disagreement fails the run (`fail_on_revert`). Only
/// successful calls change the ghost.
contract StablecoinHandler is Test {
    uint256 internal constant MAX_AMOUNT = 1_200e6;

    Stablecoin internal immutable cash;
    address internal immutable minter;
    address internal immutable blacklister;
    address internal immutable pauser;

    struct Pair {
        address owner;
        address taker;
    }

    /// @notice Every account the fuzzer may pick (the minter among them).
    address[] public actors;
    /// @notice Every (owner, taker) that ever encumbered.
    Pair[] internal pairs;

    uint256 public ghostSupply;
    bool public ghostPaused;
    mapping(address => uint256) public ghostBalance;
    mapping(address => bool) public ghostBlacklisted;
    mapping(address owner => mapping(address spender => uint256)) public ghostAllowance;
    mapping(address owner => mapping(address taker => uint256)) public ghostLock;
    mapping(address owner => uint256) public ghostLocked;

    constructor(Stablecoin cash_, address minter_, address blacklister_, address pauser_, address[] memory actors_) {
        (cash, minter, blacklister, pauser) = (cash_, minter_, blacklister_, pauser_);
        actors = actors_;
        // The ghost starts from the holdings the actors already have.
        for (uint256 i; i < actors_.length; ++i) {
            ghostBalance[actors_[i]] = cash_.balanceOf(actors_[i]);
            ghostSupply += ghostBalance[actors_[i]];
        }
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    // ---------------------------------------------------------------- actions

    function mint(uint256 toSeed, uint256 amount) external {
        address to = _actor(toSeed);
        amount = bound(amount, 0, MAX_AMOUNT);
        bool valid = amount != 0 && !ghostPaused && !ghostBlacklisted[minter] && !ghostBlacklisted[to];
        if (_call(minter, abi.encodeCall(Stablecoin.mint, (to, amount)), valid)) {
            ghostBalance[to] += amount;
            ghostSupply += amount;
        }
    }

    function burn(uint256 amount) external {
        amount = bound(amount, 0, MAX_AMOUNT);
        bool valid = amount != 0 && _canDebit(minter, amount, 0);
        if (_call(minter, abi.encodeCall(Stablecoin.burn, (amount)), valid)) {
            ghostBalance[minter] -= amount;
            ghostSupply -= amount;
        }
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        (address from, address to) = (_actor(fromSeed), _actor(toSeed));
        amount = bound(amount, 0, MAX_AMOUNT);
        bool valid = _canDebit(from, amount, 0) && !ghostBlacklisted[to];
        if (_call(from, abi.encodeCall(IERC20.transfer, (to, amount)), valid)) _move(from, to, amount);
    }

    function approve(uint256 ownerSeed, uint256 spenderSeed, uint256 amount) external {
        (address owner, address spender) = (_actor(ownerSeed), _actor(spenderSeed));
        amount = bound(amount, 0, MAX_AMOUNT);
        bool valid = !ghostBlacklisted[owner] && !ghostBlacklisted[spender];
        if (_call(owner, abi.encodeCall(IERC20.approve, (spender, amount)), valid)) {
            ghostAllowance[owner][spender] = amount;
        }
    }

    function transferFrom(uint256 takerSeed, uint256 ownerSeed, uint256 toSeed, uint256 amount) external {
        _transferFrom(_actor(takerSeed), _actor(ownerSeed), _actor(toSeed), amount);
    }

    /// @notice A taker settles against an encumbrance made earlier: random pairs rarely meet one.
    function takeEncumbered(uint256 pairSeed, uint256 toSeed, uint256 amount) external {
        if (pairs.length == 0) return;
        (address owner, address taker) = (pairs[pairSeed % pairs.length].owner, pairs[pairSeed % pairs.length].taker);
        _transferFrom(taker, owner, _actor(toSeed), amount);
    }

    function _transferFrom(address taker, address owner, address to, uint256 amount) private {
        amount = bound(amount, 0, MAX_AMOUNT);
        uint256 fromLock = amount < ghostLock[owner][taker] ? amount : ghostLock[owner][taker];
        uint256 rest = amount - fromLock;
        bool valid = !ghostBlacklisted[taker] && rest <= ghostAllowance[owner][taker]
            && _canDebit(owner, amount, fromLock) && !ghostBlacklisted[to];
        if (_call(taker, abi.encodeCall(IERC20.transferFrom, (owner, to, amount)), valid)) {
            ghostLock[owner][taker] -= fromLock;
            ghostLocked[owner] -= fromLock;
            ghostAllowance[owner][taker] -= rest;
            _move(owner, to, amount);
        }
    }

    function encumber(uint256 ownerSeed, uint256 takerSeed, uint256 amount) external {
        (address owner, address taker) = (_actor(ownerSeed), _actor(takerSeed));
        amount = bound(amount, 0, MAX_AMOUNT);
        bool valid = amount != 0 && _canDebit(owner, amount, 0) && !ghostBlacklisted[taker];
        if (_call(owner, abi.encodeCall(Stablecoin.encumber, (taker, amount)), valid)) {
            pairs.push(Pair(owner, taker));
            ghostLock[owner][taker] += amount;
            ghostLocked[owner] += amount;
        }
    }

    function release(uint256 takerSeed, uint256 ownerSeed, uint256 amount) external {
        (address taker, address owner) = (_actor(takerSeed), _actor(ownerSeed));
        amount = bound(amount, 0, MAX_AMOUNT);
        bool valid = amount <= ghostLock[owner][taker];
        if (_call(taker, abi.encodeCall(Stablecoin.release, (owner, amount)), valid)) {
            ghostLock[owner][taker] -= amount;
            ghostLocked[owner] -= amount;
        }
    }

    function seize(uint256 accountSeed, uint256 toSeed, uint256 amount) external {
        (address account, address to) = (_actor(accountSeed), _actor(toSeed));
        amount = bound(amount, 0, MAX_AMOUNT);
        bool valid = ghostBlacklisted[account] && amount != 0 && !ghostBlacklisted[to]
            && amount <= ghostBalance[account] - ghostLocked[account];
        bytes memory data = abi.encodeCall(Stablecoin.seize, (account, to, amount, keccak256("order")));
        if (_call(blacklister, data, valid)) _move(account, to, amount);
    }

    /// @dev Acts on one call in four, so that most sequences run unpaused among listed accounts.
    function toggleBlacklist(uint256 seed) external {
        if (seed % 4 != 0) return;
        address account = _actor(seed / 4);
        bool next = !ghostBlacklisted[account];
        bytes memory data =
            next ? abi.encodeCall(Stablecoin.blacklist, (account)) : abi.encodeCall(Stablecoin.unBlacklist, (account));
        _call(blacklister, data, true);
        ghostBlacklisted[account] = next;
    }

    /// @dev Acts on one call in four, as `toggleBlacklist`.
    function togglePause(uint256 seed) external {
        if (seed % 4 != 0) return;
        ghostPaused = !ghostPaused;
        _call(pauser, ghostPaused ? abi.encodeCall(Stablecoin.pause, ()) : abi.encodeCall(Stablecoin.unpause, ()), true);
    }

    // ---------------------------------------------------------------- model

    /// @dev Whether `owner` may send `amount` once its taker's `fromLock` units are unlocked.
    function _canDebit(address owner, uint256 amount, uint256 fromLock) private view returns (bool) {
        return !ghostPaused && !ghostBlacklisted[owner] && amount <= ghostBalance[owner]
            && amount <= ghostBalance[owner] - (ghostLocked[owner] - fromLock);
    }

    function _move(address from, address to, uint256 amount) private {
        ghostBalance[from] -= amount;
        ghostBalance[to] += amount;
    }

    function _actor(uint256 seed) private view returns (address) {
        return actors[seed % actors.length];
    }

    function _call(address caller, bytes memory data, bool expected) private returns (bool ok) {
        vm.prank(caller);
        (ok,) = address(cash).call(data);
        require(ok == expected, ok ? "succeeded against the model" : "reverted against the model");
    }
}
