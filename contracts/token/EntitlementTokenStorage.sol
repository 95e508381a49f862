// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {LockTranches, MAX_LOCK_TRANCHES} from "../libraries/LockTranches.sol";
import {Config, Position, Supply, WalletState, WalletStateLib} from "./TokenWords.sol";

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
        // Appended for splits (upgrade-safe): by the split's record id, its ratio, the split
        // before it, its time and the fractions of units it left (`SPLIT_*` layout below).
        mapping(uint256 recordId => uint256) splits;
    }

    // A split word: denominator (32) | numerator (32) | previous split's record id (24) | time
    // (40) | residue (128): the fractions of units its roundings took from wallets, in
    // 1/denominator units. A split's record date keeps its time here, not in `recordDates`: one
    // new storage slot per split, not two.
    uint256 internal constant SPLIT_NUMERATOR = 32;
    uint256 internal constant SPLIT_PREVIOUS = 64;
    uint256 internal constant SPLIT_TIME = 88;

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
        // slither-disable-next-line incorrect-equality,timestamp (record dates are by time; seconds of drift cannot matter)
        if (n == 0 || cfg.lastRecordDate() <= block.timestamp) return n;
        --n;
        // A split's record date (no time in `recordDates`) is never in the future.
        while (n != 0 && $.recordDates[n] > block.timestamp) --n;
    }

    /// @dev `amount`, held since `seen` record dates had passed, in the units after split `splitId`:
    /// each split after `seen` up to `splitId` applied in turn, rounding down at each one.
    function _afterSplits(TokenStorage storage $, uint24 seen, uint24 splitId, uint256 amount)
        internal
        view
        returns (uint256)
    {
        if (splitId <= seen) return amount;
        uint256 s = $.splits[splitId];
        amount = _afterSplits($, seen, uint24(s >> SPLIT_PREVIOUS), amount);
        // Amounts stay below 2^96 (the supply cap holds after every split) and ratios fit 32 bits.
        return amount * uint32(s >> SPLIT_NUMERATOR) / uint32(s);
    }

    /// @dev One of a wallet's amounts (`w` as stored) in today's units.
    function _current(TokenStorage storage $, Config cfg, WalletState w, uint256 amount)
        internal
        view
        returns (uint256)
    {
        uint24 last = cfg.lastSplitRecord();
        return w.seen() < last ? _afterSplits($, w.seen(), last, amount) : amount;
    }

    /// @dev A wallet's word as settling its splits would leave it: the balance and lock summary in
    /// today's units (kept tranches each converted, their sum the summary). `seen` is left as it
    /// was, so the wallet's other amounts can still be converted with `_current`.
    function _viewed(TokenStorage storage $, Config cfg, address account, WalletState w)
        internal
        view
        returns (WalletState)
    {
        uint24 last = cfg.lastSplitRecord();
        uint24 seen = w.seen();
        if (seen >= last) return w;
        uint256 locked = _afterSplits($, seen, last, w.locked());
        if (w.has(WalletStateLib.TRANCHES)) {
            locked = 0;
            uint128[MAX_LOCK_TRANCHES] storage stored = $.lockTranches[account];
            for (uint256 i; i < MAX_LOCK_TRANCHES && stored[i] != 0; ++i) {
                locked += _afterSplits($, seen, last, LockTranches.amountOf(stored[i]));
            }
        }
        return w.withBalance(_afterSplits($, seen, last, w.balance())).withLock(locked, w.lockedUntil());
    }

    function _token() internal pure returns (TokenStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := TOKEN_STORAGE
        }
    }
}
