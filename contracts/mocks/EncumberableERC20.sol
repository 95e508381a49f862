// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC7246} from "../interfaces/IERC7246.sol";

/// @title EncumberableERC20
/// @notice Test only: an ERC-20 with ERC-7246 encumbrances, standing in for an entitlement token
/// that can be pledged in place. Encumbered units stay in the owner's balance; the owner cannot
/// send them; the taker moves them with `transferFrom` or gives them back with `release`.
contract EncumberableERC20 is ERC20, IERC7246, IERC165 {
    mapping(address owner => uint256) public encumberedBalanceOf;
    mapping(address owner => mapping(address taker => uint256)) public encumbrances;

    /// @notice The owner's available (unencumbered) balance is too small.
    error EncumberableInsufficientAvailable(address owner, uint256 available, uint256 needed);
    /// @notice The taker holds less encumbrance on the owner than it tries to release.
    error EncumberableInsufficientEncumbrance(address owner, address taker, uint256 held, uint256 needed);

    constructor(uint256 supply) ERC20("Encumberable", "ENC") {
        _mint(msg.sender, supply);
    }

    function availableBalanceOf(address owner) public view returns (uint256) {
        return balanceOf(owner) - encumberedBalanceOf[owner];
    }

    function encumber(address taker, uint256 amount) external {
        _encumber(msg.sender, taker, amount);
    }

    function encumberFrom(address owner, address taker, uint256 amount) external {
        _spendAllowance(owner, msg.sender, amount);
        _encumber(owner, taker, amount);
    }

    function release(address owner, uint256 amount) external {
        _release(owner, msg.sender, amount);
        emit Release(owner, msg.sender, amount);
    }

    /// @notice A taker moves units encumbered to it first, then anything else on allowance.
    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        uint256 held = encumbrances[from][msg.sender];
        uint256 fromEncumbrance = held < amount ? held : amount;
        if (fromEncumbrance != 0) _release(from, msg.sender, fromEncumbrance);
        if (amount > fromEncumbrance) _spendAllowance(from, msg.sender, amount - fromEncumbrance);
        _transfer(from, to, amount);
        return true;
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC7246).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    function _encumber(address owner, address taker, uint256 amount) private {
        uint256 available = availableBalanceOf(owner);
        require(amount <= available, EncumberableInsufficientAvailable(owner, available, amount));
        encumbrances[owner][taker] += amount;
        encumberedBalanceOf[owner] += amount;
        emit Encumber(owner, taker, amount);
    }

    function _release(address owner, address taker, uint256 amount) private {
        uint256 held = encumbrances[owner][taker];
        require(amount <= held, EncumberableInsufficientEncumbrance(owner, taker, held, amount));
        encumbrances[owner][taker] = held - amount;
        encumberedBalanceOf[owner] -= amount;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0)) {
            uint256 available = availableBalanceOf(from);
            require(value <= available, EncumberableInsufficientAvailable(from, available, value));
        }
        super._update(from, to, value);
    }
}
