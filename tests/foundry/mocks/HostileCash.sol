// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title HostileCash
/// @notice Test only: an ERC-20 that, once armed, calls `target` with `payload` from inside its
/// next balance move (a `transfer` as much as a `transferFrom`), once. With `bubble` a failed
/// call-back reverts the move with its error; otherwise the outcome is kept in `reentered` and
/// `lastError` and the move goes on.
contract HostileCash is ERC20 {
    address public target;
    bytes public payload;
    bool public bubble;
    bool public reentered;
    bytes public lastError;

    constructor() ERC20("Hostile cash", "HOST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data, bool bubble_) external {
        (target, payload, bubble) = (target_, data, bubble_);
    }

    function _update(address from, address to, uint256 value) internal override {
        address callee = target;
        if (callee != address(0) && from != address(0)) {
            target = address(0);
            (bool ok, bytes memory error) = callee.call(payload);
            (reentered, lastError) = (ok, error);
            if (!ok && bubble) {
                assembly {
                    revert(add(error, 0x20), mload(error))
                }
            }
        }
        super._update(from, to, value);
    }
}
