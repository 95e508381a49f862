// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {WalletRecord} from "../types/WalletRecord.sol";

/// @title Holders
/// @notice What the lifecycle contracts ask the identity registry and the token about a holder.
library Holders {
    /// @notice Whether `token` answers `identityRegistry()` with `registry`; false for anything that
    /// cannot answer (an account without code, a contract without the function).
    function isBoundTo(address token, address registry) internal view returns (bool) {
        // slither-disable-next-line low-level-calls (a probe: any token without the getter is simply not bound)
        (bool ok, bytes memory answer) = token.staticcall(abi.encodeCall(IEntitlementToken.identityRegistry, ()));
        return ok && answer.length == 32 && abi.decode(answer, (uint256)) == uint256(uint160(registry));
    }

    /// @notice The registry's record of `wallet` and the id of its investor (zero if never
    /// registered).
    function lookUp(IIdentityRegistry registry, address wallet)
        internal
        view
        returns (WalletRecord record, bytes32 investorId)
    {
        record = WalletRecord.wrap(registry.walletRecord(wallet));
        investorId = registry.investorIdOf(record.investorNumber());
    }
}
