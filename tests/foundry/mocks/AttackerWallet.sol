// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title AttackerWallet
/// @notice Test only: a contract wallet that forwards any call, so a hostile token's call-back can
/// act as this wallet (a registered holder, a vault account) in the middle of a payment to it.
contract AttackerWallet {
    /// @notice Calls `target` with `data` as this wallet; a failure reverts with the callee's error.
    function exec(address target, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
