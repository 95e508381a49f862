// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The entitlement token's configuration, read once per operation: one storage word.
/// @dev Layout (low to high bits): rules (16) | allowed classes (8) | paused (8) | investor
/// tracking (8) | record dates scheduled (24) | last record date's time (40) | lock-up period
/// (32) | breaker share in basis points (16) | breaker window (32) | record dates the supply has
/// seen (24) | record id of the last split (24).
type Config is uint256;

/// @notice A wallet's balance, its lock-up, the record dates it has seen and its flags: one word.
/// @dev Layout: balance (96) | locked (96) | locked until (32) | seen (24) | flags (8).
/// `locked` and `lockedUntil` summarise the wallet's live lock tranches: while `lockedUntil` (the
/// earliest tranche's date) is ahead, `locked` units are locked. With `TRANCHES` set the tranches
/// themselves are kept apart (there are several); without it `locked` is the only tranche.
type WalletState is uint256;

/// @notice An investor's balance across its wallets and its sending volume today: one word.
/// @dev Layout: balance (96) | day (32) | volume sent that day (96).
type Position is uint256;

/// @notice The total supply, the investor count and the circuit breaker's window: one word.
/// @dev Layout: total (96) | investor count (32) | window start (32) | moved in the window (96).
type Supply is uint256;

using ConfigLib for Config global;
using WalletStateLib for WalletState global;
using PositionLib for Position global;
using SupplyLib for Supply global;

uint256 constant MASK_8 = 0xff;
uint256 constant MASK_16 = 0xffff;
uint256 constant MASK_24 = 0xffffff;
uint256 constant MASK_32 = 0xffffffff;
uint256 constant MASK_40 = 0xffffffffff;
uint256 constant MASK_96 = 0xffffffffffffffffffffffff;

/// @title ConfigLib
/// @notice Reads and writes the fields of a `Config` word.
library ConfigLib {
    uint256 private constant CLASSES = 16;
    uint256 private constant PAUSED = 24;
    uint256 private constant TRACKING = 32;
    uint256 private constant RECORD_COUNT = 40;
    uint256 private constant LAST_RECORD = 64;
    uint256 private constant LOCKUP = 104;
    uint256 private constant BREAKER_SHARE = 136;
    uint256 private constant BREAKER_WINDOW = 152;
    uint256 private constant SUPPLY_SEEN = 184;
    uint256 private constant LAST_SPLIT = 208;

    function rules(Config c) internal pure returns (uint16) {
        return uint16(Config.unwrap(c));
    }

    function allowedClasses(Config c) internal pure returns (uint8) {
        return uint8(Config.unwrap(c) >> CLASSES);
    }

    function paused(Config c) internal pure returns (bool) {
        return (Config.unwrap(c) >> PAUSED) & MASK_8 != 0;
    }

    function investorTracking(Config c) internal pure returns (bool) {
        return (Config.unwrap(c) >> TRACKING) & MASK_8 != 0;
    }

    function recordDateCount(Config c) internal pure returns (uint24) {
        return uint24(Config.unwrap(c) >> RECORD_COUNT);
    }

    function lastRecordDate(Config c) internal pure returns (uint40) {
        return uint40(Config.unwrap(c) >> LAST_RECORD);
    }

    function lockupPeriod(Config c) internal pure returns (uint32) {
        return uint32(Config.unwrap(c) >> LOCKUP);
    }

    function breakerShareBps(Config c) internal pure returns (uint16) {
        return uint16(Config.unwrap(c) >> BREAKER_SHARE);
    }

    function breakerWindow(Config c) internal pure returns (uint32) {
        return uint32(Config.unwrap(c) >> BREAKER_WINDOW);
    }

    function supplySeen(Config c) internal pure returns (uint24) {
        return uint24(Config.unwrap(c) >> SUPPLY_SEEN);
    }

    /// @notice The record date of the last split (zero before any): a wallet whose `seen` is below
    /// it still holds its amounts in the units before that split.
    function lastSplitRecord(Config c) internal pure returns (uint24) {
        return uint24(Config.unwrap(c) >> LAST_SPLIT);
    }

    function withLastSplitRecord(Config c, uint24 recordId) internal pure returns (Config) {
        uint256 w = Config.unwrap(c) & ~(MASK_24 << LAST_SPLIT);
        return Config.wrap(w | (uint256(recordId) << LAST_SPLIT));
    }

    /// @notice The same word with the rule bits, class mask and lock-up period replaced.
    function withRules(Config c, uint16 rules_, uint8 classes, uint32 lockup) internal pure returns (Config) {
        uint256 w = Config.unwrap(c) & ~(MASK_16 | (MASK_8 << CLASSES) | (MASK_32 << LOCKUP));
        return Config.wrap(w | rules_ | (uint256(classes) << CLASSES) | (uint256(lockup) << LOCKUP));
    }

    function withBreaker(Config c, uint16 shareBps, uint32 window) internal pure returns (Config) {
        uint256 w = Config.unwrap(c) & ~((MASK_16 << BREAKER_SHARE) | (MASK_32 << BREAKER_WINDOW));
        return Config.wrap(w | (uint256(shareBps) << BREAKER_SHARE) | (uint256(window) << BREAKER_WINDOW));
    }

    function withPaused(Config c, bool on) internal pure returns (Config) {
        return _flag(c, PAUSED, on);
    }

    function withInvestorTracking(Config c) internal pure returns (Config) {
        return _flag(c, TRACKING, true);
    }

    /// @notice The same word with one more record date, the last one at `time`.
    function withRecordDate(Config c, uint40 time) internal pure returns (Config) {
        uint256 w = Config.unwrap(c) & ~(MASK_40 << LAST_RECORD);
        return Config.wrap((w + (1 << RECORD_COUNT)) | (uint256(time) << LAST_RECORD));
    }

    function withSupplySeen(Config c, uint24 seen) internal pure returns (Config) {
        uint256 w = Config.unwrap(c) & ~(MASK_24 << SUPPLY_SEEN);
        return Config.wrap(w | (uint256(seen) << SUPPLY_SEEN));
    }

    function _flag(Config c, uint256 shift, bool on) private pure returns (Config) {
        uint256 w = Config.unwrap(c) & ~(MASK_8 << shift);
        return Config.wrap(on ? w | (1 << shift) : w);
    }
}

/// @title WalletStateLib
/// @notice Reads and writes the fields of a `WalletState` word.
library WalletStateLib {
    uint256 private constant LOCKED = 96;
    uint256 private constant LOCKED_UNTIL = 192;
    uint256 private constant SEEN = 224;
    /// @notice The wallet has a frozen amount, kept apart.
    uint256 internal constant FROZEN = 1 << 248;
    /// @notice The wallet has several lock tranches, kept apart.
    uint256 internal constant TRANCHES = 1 << 249;
    /// @notice The wallet has encumbered units, their total kept apart.
    uint256 internal constant ENCUMBERED = 1 << 250;

    function balance(WalletState w) internal pure returns (uint96) {
        return uint96(WalletState.unwrap(w));
    }

    function locked(WalletState w) internal pure returns (uint96) {
        return uint96(WalletState.unwrap(w) >> LOCKED);
    }

    function lockedUntil(WalletState w) internal pure returns (uint32) {
        return uint32(WalletState.unwrap(w) >> LOCKED_UNTIL);
    }

    function seen(WalletState w) internal pure returns (uint24) {
        return uint24(WalletState.unwrap(w) >> SEEN);
    }

    function has(WalletState w, uint256 flag) internal pure returns (bool) {
        return WalletState.unwrap(w) & flag != 0;
    }

    /// @dev `value` must fit 96 bits.
    function withBalance(WalletState w, uint256 value) internal pure returns (WalletState) {
        return WalletState.wrap((WalletState.unwrap(w) & ~MASK_96) | value);
    }

    /// @dev `amount` must fit 96 bits.
    function withLock(WalletState w, uint256 amount, uint32 until) internal pure returns (WalletState) {
        uint256 cleared = WalletState.unwrap(w) & ~((MASK_96 << LOCKED) | (MASK_32 << LOCKED_UNTIL));
        return WalletState.wrap(cleared | (amount << LOCKED) | (uint256(until) << LOCKED_UNTIL));
    }

    function withSeen(WalletState w, uint24 seen_) internal pure returns (WalletState) {
        uint256 cleared = WalletState.unwrap(w) & ~(MASK_24 << SEEN);
        return WalletState.wrap(cleared | (uint256(seen_) << SEEN));
    }

    function withFlag(WalletState w, uint256 flag, bool on) internal pure returns (WalletState) {
        uint256 cleared = WalletState.unwrap(w) & ~flag;
        return WalletState.wrap(on ? cleared | flag : cleared);
    }
}

/// @title PositionLib
/// @notice Reads and writes the fields of a `Position` word.
library PositionLib {
    uint256 private constant DAY = 96;
    uint256 private constant VOLUME = 128;

    function balance(Position p) internal pure returns (uint96) {
        return uint96(Position.unwrap(p));
    }

    /// @notice What the investor has sent on UTC day `today`.
    function sentOn(Position p, uint32 today) internal pure returns (uint96) {
        return uint32(Position.unwrap(p) >> DAY) == today ? uint96(Position.unwrap(p) >> VOLUME) : 0;
    }

    /// @dev `value` must fit 96 bits.
    function withBalance(Position p, uint256 value) internal pure returns (Position) {
        return Position.wrap((Position.unwrap(p) & ~MASK_96) | value);
    }

    /// @dev `volume` must fit 96 bits.
    function withSent(Position p, uint32 today, uint256 volume) internal pure returns (Position) {
        return Position.wrap(uint96(Position.unwrap(p)) | (uint256(today) << DAY) | (volume << VOLUME));
    }
}

/// @title SupplyLib
/// @notice Reads and writes the fields of a `Supply` word.
library SupplyLib {
    uint256 private constant COUNT = 96;
    uint256 private constant WINDOW_START = 128;
    uint256 private constant MOVED = 160;

    function total(Supply s) internal pure returns (uint96) {
        return uint96(Supply.unwrap(s));
    }

    function investorCount(Supply s) internal pure returns (uint32) {
        return uint32(Supply.unwrap(s) >> COUNT);
    }

    function windowStart(Supply s) internal pure returns (uint32) {
        return uint32(Supply.unwrap(s) >> WINDOW_START);
    }

    function windowMoved(Supply s) internal pure returns (uint96) {
        return uint96(Supply.unwrap(s) >> MOVED);
    }

    /// @dev `value` must fit 96 bits.
    function withTotal(Supply s, uint256 value) internal pure returns (Supply) {
        return Supply.wrap((Supply.unwrap(s) & ~MASK_96) | value);
    }

    /// @dev `count` must fit 32 bits.
    function withInvestorCount(Supply s, uint256 count) internal pure returns (Supply) {
        return Supply.wrap((Supply.unwrap(s) & ~(MASK_32 << COUNT)) | (count << COUNT));
    }

    /// @dev `moved` must fit 96 bits.
    function withWindow(Supply s, uint32 start, uint256 moved) internal pure returns (Supply) {
        uint256 kept = Supply.unwrap(s) & (MASK_96 | (MASK_32 << COUNT));
        return Supply.wrap(kept | (uint256(start) << WINDOW_START) | (moved << MOVED));
    }
}
