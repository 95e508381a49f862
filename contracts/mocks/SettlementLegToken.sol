// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC7246} from "../interfaces/IERC7246.sol";

/// @title SettlementLegToken
/// @notice Test only: a token for either leg of a trade, an OpenZeppelin ERC-20 with ERC-7246
/// encumbrances, a pause and a blocklist that anyone may mint, pause and block, so settlement tests
/// drive every failure directly. It stands in for an ERC-7246 security token until the entitlement
/// token has encumbrances; the cash leg is also tested against the real stablecoin.
/// @dev As ERC-7246 specifies, a taker's `transferFrom` spends its encumbrance before its
/// allowance, and no transfer may take a balance below what is encumbered. `release` moves nothing,
/// so it works while paused or blocked. Errors reuse names the SDK knows (`TokenPaused`, ERC-7943,
/// ERC-20).
contract SettlementLegToken is ERC20, IERC7246, IERC165 {
    /// @notice The token is paused.
    error TokenPaused();
    /// @notice `account` may not send.
    error ERC7943CannotSend(address account);
    /// @notice `account` may not receive.
    error ERC7943CannotReceive(address account);

    uint8 private immutable _decimals;
    bool public paused;
    mapping(address account => bool) public blocked;
    mapping(address owner => uint256) private _encumbered;
    mapping(address owner => mapping(address taker => uint256)) private _encumbrances;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setPaused(bool value) external {
        paused = value;
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function encumberedBalanceOf(address owner) external view returns (uint256) {
        return _encumbered[owner];
    }

    function availableBalanceOf(address owner) public view returns (uint256) {
        return balanceOf(owner) - _encumbered[owner];
    }

    function encumbrances(address owner, address taker) external view returns (uint256) {
        return _encumbrances[owner][taker];
    }

    function encumber(address taker, uint256 amount) external {
        _encumber(msg.sender, taker, amount);
    }

    function encumberFrom(address owner, address taker, uint256 amount) external {
        _beforeTakerCall();
        _spendAllowance(owner, msg.sender, amount);
        _encumber(owner, taker, amount);
    }

    function release(address owner, uint256 amount) external {
        _beforeTakerCall();
        _release(owner, msg.sender, amount);
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        _beforeTakerCall();
        uint256 held = _encumbrances[from][msg.sender];
        uint256 spent = held < amount ? held : amount;
        if (spent != 0) _release(from, msg.sender, spent);
        if (amount > spent) _spendAllowance(from, msg.sender, amount - spent);
        _transfer(from, to, amount);
        return true;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC7246).interfaceId;
    }

    /// @dev Runs first in every call a taker or spender makes; a hook for hostile variants.
    function _beforeTakerCall() internal virtual {}

    function _update(address from, address to, uint256 value) internal override {
        require(!paused, TokenPaused());
        require(!blocked[from], ERC7943CannotSend(from));
        require(!blocked[to], ERC7943CannotReceive(to));
        if (from != address(0)) {
            uint256 available = availableBalanceOf(from);
            require(value <= available, ERC20InsufficientBalance(from, available, value));
        }
        super._update(from, to, value);
    }

    function _encumber(address owner, address taker, uint256 amount) private {
        uint256 available = availableBalanceOf(owner);
        require(amount <= available, ERC20InsufficientBalance(owner, available, amount));
        _encumbered[owner] += amount;
        _encumbrances[owner][taker] += amount;
        emit Encumber(owner, taker, amount);
    }

    function _release(address owner, address taker, uint256 amount) private {
        uint256 held = _encumbrances[owner][taker];
        require(amount <= held, ERC20InsufficientAllowance(taker, held, amount));
        _encumbrances[owner][taker] = held - amount;
        _encumbered[owner] -= amount;
        emit Release(owner, taker, amount);
    }
}
