// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {SettlementLegToken} from "./SettlementLegToken.sol";

/// @title ReentrantToken
/// @notice Test only: a hostile token that, once armed, calls back into a target (an escrow's
/// settle, cancel, expire or claim) from inside `transferFrom`, `encumberFrom` or `release`.
/// With `bubble` set a failed call-back reverts the outer call with its error; otherwise the
/// token records the outcome in `reentered` and `lastError` and carries on.
contract ReentrantToken is SettlementLegToken {
    address public target;
    bytes public payload;
    bool public bubble;
    bool public reentered;
    bytes public lastError;

    constructor() SettlementLegToken("Hostile", "EVIL", 18) {}

    /// @notice The next taker call (`transferFrom`, `encumberFrom`, `release`) calls `target`
    /// with `data` first, once.
    function arm(address target_, bytes calldata data, bool bubble_) external {
        (target, payload, bubble) = (target_, data, bubble_);
    }

    function _beforeTakerCall() internal override {
        address to = target;
        if (to == address(0)) return;
        target = address(0);
        (bool ok, bytes memory error) = to.call(payload);
        reentered = ok;
        lastError = error;
        if (!ok && bubble) {
            assembly {
                revert(add(error, 0x20), mload(error))
            }
        }
    }
}
