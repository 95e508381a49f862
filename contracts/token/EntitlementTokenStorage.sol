// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {MAX_LOCK_TRANCHES} from "../libraries/LockTranches.sol";
import {Config, Position, Supply, WalletState} from "./TokenWords.sol";

/// @title EntitlementTokenStorage
/// @notice The entitlement token's namespaced storage and the reads every part of the token
/// shares: the token itself and `EntitlementTokenRecords`, which its fallback runs by delegatecall
/// in the same storage.
abstract contract EntitlementTokenStorage {
    /// @dev Read only when an investor rule is on: one slot.
    struct Limits {
        uint32 maxInvestors;
        uint96 maxBalancePerInvestor;
        uint96 dailyLimitPerInvestor;
    }

    /// @custom:storage-location erc7201:permledger.storage.EntitlementToken
    struct TokenStorage {
        Config config;
        Limits limits;
        Supply supply;
        ITransferCompliance compliance;
        mapping(address wallet => WalletState) wallets;
        mapping(address wallet => uint256) frozen;
        mapping(address owner => uint256) encumbered;
        mapping(address owner => mapping(address taker => uint256)) encumbrances;
        mapping(address wallet => uint128[MAX_LOCK_TRANCHES]) lockTranches;
        mapping(uint32 investorNumber => Position) positions;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        // Jurisdiction codes run to 999: four words of 256 bits, at fixed slots (no hashing).
        uint256[4] jurisdictionBits;
        mapping(uint256 recordId => uint256 time) recordDates;
        mapping(address wallet => mapping(uint256 => uint256)) walletHistory;
        mapping(uint256 => uint256) supplyHistory;
        string name;
        string symbol;
        uint8 decimals;
        string nominee;
        string securityId;
        string termsUri;
        bytes32 termsHash;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.EntitlementToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant TOKEN_STORAGE = 0xff83659b31b2eb88969b335397d06213b9b084e835cff3042a6f073c51bbf300;

    /// @dev The identity registry every proxy of this implementation asks: an immutable, read from
    /// code rather than storage on every transfer.
    // slither-disable-next-line naming-convention (immutables are ALL_CAPS in this codebase)
    IIdentityRegistry internal immutable REGISTRY;

    /// @param registry The identity registry (its proxy) of the deployment, checked by the token.
    /// @custom:oz-upgrades-unsafe-allow constructor state-variable-immutable
    constructor(address registry) {
        REGISTRY = IIdentityRegistry(registry);
    }

    /// @dev The number of record dates whose time has come. Usually from the configuration word
    /// already loaded; each record date still in the future costs one more read.
    function _passed(TokenStorage storage $, Config cfg) internal view returns (uint24 n) {
        n = cfg.recordDateCount();
        // slither-disable-next-line timestamp (record dates are by time; seconds of drift cannot matter)
        if (n == 0 || cfg.lastRecordDate() <= block.timestamp) return n;
        --n;
        while (n != 0 && $.recordDates[n] > block.timestamp) --n;
    }

    function _token() internal pure returns (TokenStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := TOKEN_STORAGE
        }
    }
}
