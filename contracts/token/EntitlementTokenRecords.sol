// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AuthorityRoles} from "../access/AuthorityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IEntitlementTokenRecords} from "../interfaces/IEntitlementTokenRecords.sol";
import {RecordHistory} from "../libraries/RecordHistory.sol";
import {EntitlementTokenStorage} from "./EntitlementTokenStorage.sol";
import {Config, WalletState} from "./TokenWords.sol";

/// @title EntitlementTokenRecords
/// @notice The entitlement token's holdings of record: record dates, balances at them and
/// investor totals across wallets.
/// @dev Never called directly: `EntitlementToken` deploys it with each implementation and its
/// fallback runs it by delegatecall, in the token proxy's storage and under the token's address,
/// so the token's roles and storage apply. Kept apart because the token's code is at the EIP-170
/// size limit; none of it runs on a transfer.
contract EntitlementTokenRecords is IEntitlementTokenRecords, AuthorityRoles, EntitlementTokenStorage {
    using RecordHistory for mapping(uint256 => uint256);

    /// @param registry The identity registry (its proxy) of the deployment.
    /// @custom:oz-upgrades-unsafe-allow constructor state-variable-immutable
    constructor(address registry) EntitlementTokenStorage(registry) {}

    /// @inheritdoc IEntitlementTokenRecords
    function scheduleRecordDate(uint40 time) external returns (uint24 recordId) {
        if (!_hasRole(Roles.ISSUER)) _checkRole(Roles.TRANSFER_AGENT);
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        uint40 last = cfg.lastRecordDate();
        uint40 earliest = last > block.timestamp ? last : uint40(block.timestamp);
        // slither-disable-next-line timestamp (record dates are by time; seconds of drift cannot matter)
        require(time >= earliest, TokenRecordDateInvalid(time, earliest));
        cfg = cfg.withRecordDate(time);
        $.config = cfg;
        recordId = cfg.recordDateCount();
        $.recordDates[recordId] = time;
        emit RecordDateScheduled(recordId, time);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function investorBalance(bytes32 investorId) external view returns (uint256) {
        // Summed from the wallets on every token: on tracked ones it equals the position.
        return _investorTotal(_token(), investorId, 0);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function recordDateCount() external view returns (uint24) {
        return _token().config.recordDateCount();
    }

    /// @inheritdoc IEntitlementTokenRecords
    function recordDate(uint24 recordId) external view returns (uint40) {
        TokenStorage storage $ = _token();
        _requireScheduled($, recordId);
        return uint40($.recordDates[recordId]);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function passedRecordDates() external view returns (uint24) {
        TokenStorage storage $ = _token();
        return _passed($, $.config);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function balanceOfAt(address wallet, uint24 recordId) external view returns (uint256) {
        TokenStorage storage $ = _token();
        _requirePassed($, recordId);
        return _walletBalanceAt($, wallet, recordId);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function investorBalanceAt(bytes32 investorId, uint24 recordId) external view returns (uint256) {
        TokenStorage storage $ = _token();
        _requirePassed($, recordId);
        return _investorTotal($, investorId, recordId);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function totalSupplyAt(uint24 recordId) external view returns (uint256) {
        TokenStorage storage $ = _token();
        _requirePassed($, recordId);
        return $.supplyHistory.valueAt(recordId, $.config.supplySeen(), $.supply.total());
    }

    // ---------------------------------------------------------------- internals

    function _requireScheduled(TokenStorage storage $, uint24 recordId) private view {
        require(recordId != 0 && recordId <= $.config.recordDateCount(), TokenRecordDateUnknown(recordId));
    }

    function _requirePassed(TokenStorage storage $, uint24 recordId) private view {
        _requireScheduled($, recordId);
        require(recordId <= _passed($, $.config), TokenRecordDateNotPassed(recordId));
    }

    function _walletBalanceAt(TokenStorage storage $, address wallet, uint24 recordId) private view returns (uint256) {
        WalletState w = $.wallets[wallet];
        return $.walletHistory[wallet].valueAt(recordId, w.seen(), w.balance());
    }

    /// @dev The sum over every wallet ever bound to the investor, active or retired (none for an
    /// unknown one), of its balance now (`recordId` 0) or at a passed record date.
    function _investorTotal(TokenStorage storage $, bytes32 investorId, uint24 recordId)
        private
        view
        returns (uint256 total)
    {
        for (uint256 retired; retired < 2; ++retired) {
            // slither-disable-next-line calls-loop (the token's own registry: active, then retired wallets)
            address[] memory wallets =
                retired == 0 ? REGISTRY.walletsOf(investorId) : REGISTRY.retiredWalletsOf(investorId);
            for (uint256 i; i < wallets.length; ++i) {
                total += recordId == 0 ? $.wallets[wallets[i]].balance() : _walletBalanceAt($, wallets[i], recordId);
            }
        }
    }
}
