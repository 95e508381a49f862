// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {AuthorityRoles} from "../access/AuthorityRoles.sol";
import {Roles} from "../access/Roles.sol";
import {IEntitlementTokenRecords} from "../interfaces/IEntitlementTokenRecords.sol";
import {LockTranches, MAX_LOCK_TRANCHES} from "../libraries/LockTranches.sol";
import {RecordHistory} from "../libraries/RecordHistory.sol";
import {WalletRecord} from "../types/WalletRecord.sol";
import {EntitlementTokenStorage} from "./EntitlementTokenStorage.sol";
import {Config, MASK_96, Position, Supply, WalletState, WalletStateLib} from "./TokenWords.sol";

/// @title EntitlementTokenRecords
/// @notice The entitlement token's holdings of record: record dates, balances at them, investor
/// totals across wallets, and stock splits.
/// @dev Splits: a split is a record date with a ratio. The supply, the breaker window and the
/// per-investor limits are scaled at once; a wallet's own amounts (balance, locks, frozen and
/// encumbered totals) stay in the units of the last split before its `seen` until it is settled,
/// on its next move or by `settleSplits`, split by split and rounding down. Each rounding's
/// fraction is kept with its split (`residue`), and whole units of it go to the issuer through
/// `claimSplitRemainder`, so that once every wallet is settled and the remainder claimed the
/// supply equals the sum of balances again. On tracked tokens an investor's wallets are settled
/// together, so its position stays the sum of its wallets.
/// @dev Never called directly: `EntitlementToken` deploys it with each implementation and its
/// fallback runs it by delegatecall, in the token proxy's storage and under the token's address,
/// so the token's roles and storage apply. Kept apart because the token's code is at the EIP-170
/// size limit; none of it runs on a transfer.
contract EntitlementTokenRecords is IEntitlementTokenRecords, AuthorityRoles, EntitlementTokenStorage {
    using RecordHistory for mapping(uint256 => uint256);

    // The rest of the split word's layout (`EntitlementTokenStorage`): only this contract reads them.
    uint256 private constant SPLIT_RESIDUE = 128;

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
        uint256 time = $.recordDates[recordId];
        return uint40(time != 0 ? time : $.splits[recordId] >> SPLIT_TIME);
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

    // ---------------------------------------------------------------- splits

    /// @inheritdoc IEntitlementTokenRecords
    function split(uint32 numerator, uint32 denominator) external onlyRole(Roles.ISSUER) returns (uint24 recordId) {
        require(
            numerator != 0 && denominator != 0 && numerator != denominator,
            TokenSplitRatioInvalid(numerator, denominator)
        );
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        // slither-disable-next-line timestamp (record dates are by time; seconds of drift cannot matter)
        require(
            cfg.lastRecordDate() <= block.timestamp,
            TokenSplitRecordDatePending(cfg.recordDateCount(), cfg.lastRecordDate())
        );
        Supply sup = $.supply;
        uint256 total = sup.total();
        uint256 scaled = _scaled(total, numerator, denominator);
        require(scaled <= MASK_96, TokenSplitSupplyOverflow(total, numerator, denominator));

        cfg = cfg.withRecordDate(uint40(block.timestamp));
        recordId = cfg.recordDateCount();
        // The supply at the split's record date, in the old units.
        cfg = cfg.withSupplySeen($.supplyHistory.remember(cfg.supplySeen(), recordId, uint96(total)));
        $.splits[recordId] = denominator | (uint256(numerator) << SPLIT_NUMERATOR)
            | (uint256(cfg.lastSplitRecord()) << SPLIT_PREVIOUS) | (block.timestamp << SPLIT_TIME);
        $.config = cfg.withLastSplitRecord(recordId);
        $.supply =
            sup.withTotal(scaled).withWindow(sup.windowStart(), _scaled(sup.windowMoved(), numerator, denominator));
        emit RecordDateScheduled(recordId, uint40(block.timestamp));
        emit SplitExecuted(recordId, numerator, denominator, scaled);
        Limits memory limits = $.limits;
        // Limits never set stay unset (and cost nothing).
        // slither-disable-next-line incorrect-equality (whether limits were ever set)
        if (limits.maxBalancePerInvestor | limits.dailyLimitPerInvestor == 0) return recordId;
        limits.maxBalancePerInvestor = _scaledLimit(limits.maxBalancePerInvestor, numerator, denominator);
        limits.dailyLimitPerInvestor = _scaledLimit(limits.dailyLimitPerInvestor, numerator, denominator);
        $.limits = limits;
        emit InvestorLimitsScaled(limits.maxBalancePerInvestor, limits.dailyLimitPerInvestor);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function settleSplits(address[] calldata wallets) external {
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        for (uint256 i; i < wallets.length; ++i) {
            _settle($, cfg, wallets[i]);
        }
    }

    /// @inheritdoc IEntitlementTokenRecords
    function claimSplitRemainder(address wallet) external onlyRole(Roles.ISSUER) returns (uint256 amount) {
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        WalletRecord record = WalletRecord.wrap(REGISTRY.walletRecord(wallet));
        require(record.registered(), TokenSplitRemainderWalletInvalid(wallet));
        _settle($, cfg, wallet);
        uint24[] memory ids = _splitsAfter($, 0, cfg.lastSplitRecord());
        uint256[] memory words;
        (amount, words) = _remainder($, ids);
        for (uint256 i; i < ids.length; ++i) {
            $.splits[ids[i]] = words[i];
        }
        // The units are in the supply already: only the wallet (and its investor) gain them.
        WalletState w = $.wallets[wallet];
        w = w.withSeen($.walletHistory[wallet].remember(w.seen(), _passed($, cfg), w.balance()));
        $.wallets[wallet] = w.withBalance(w.balance() + amount);
        if (cfg.investorTracking() && amount != 0) {
            uint32 number = record.investorNumber();
            Position p = $.positions[number];
            if (p.balance() == 0) $.supply = $.supply.withInvestorCount($.supply.investorCount() + 1);
            $.positions[number] = p.withBalance(p.balance() + amount);
        }
        emit SplitRemainderClaimed(wallet, amount);
        emit IERC20.Transfer(address(0), wallet, amount);
    }

    /// @inheritdoc IEntitlementTokenRecords
    function splitRemainder() external view returns (uint256 amount) {
        TokenStorage storage $ = _token();
        (amount,) = _remainder($, _splitsAfter($, 0, $.config.lastSplitRecord()));
    }

    /// @inheritdoc IEntitlementTokenRecords
    function lastSplitRecord() external view returns (uint24) {
        return _token().config.lastSplitRecord();
    }

    /// @inheritdoc IEntitlementTokenRecords
    function splitRatio(uint24 recordId) external view returns (uint32 numerator, uint32 denominator) {
        uint256 s = _token().splits[recordId];
        return (uint32(s >> SPLIT_NUMERATOR), uint32(s));
    }

    /// @inheritdoc IEntitlementTokenRecords
    function splitFactorSince(uint24 recordId) external view returns (uint256 numerator, uint256 denominator) {
        TokenStorage storage $ = _token();
        _requireScheduled($, recordId);
        (numerator, denominator) = (1, 1);
        // A split's own record date is in the old units: its split counts.
        for (uint24 id = $.config.lastSplitRecord(); id >= recordId && id != 0;) {
            uint256 s = $.splits[id];
            numerator *= uint32(s >> SPLIT_NUMERATOR);
            denominator *= uint32(s);
            id = uint24(s >> SPLIT_PREVIOUS);
        }
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
        uint256 value = $.walletHistory[wallet].valueAt(recordId, w.seen(), w.balance());
        if (recordId <= w.seen()) return value;
        // The current balance, not yet settled: in the units of the splits before `recordId`.
        uint24 splitId = $.config.lastSplitRecord();
        while (splitId >= recordId) splitId = uint24($.splits[splitId] >> SPLIT_PREVIOUS);
        return _afterSplits($, w.seen(), splitId, value);
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
                total += recordId == 0 ? _balanceNow($, wallets[i]) : _walletBalanceAt($, wallets[i], recordId);
            }
        }
    }

    function _balanceNow(TokenStorage storage $, address wallet) private view returns (uint256) {
        WalletState w = $.wallets[wallet];
        return _current($, $.config, w, w.balance());
    }

    // ---------------------------------------------------------------- internals: splits

    /// @dev `amount * numerator / denominator`, rounded down (amounts below 2^96, terms below 2^32).
    function _scaled(uint256 amount, uint32 numerator, uint32 denominator) private pure returns (uint256) {
        return amount * numerator / denominator;
    }

    /// @dev A limit scaled like the holdings it bounds, capped at the largest amount.
    function _scaledLimit(uint96 limit, uint32 numerator, uint32 denominator) private pure returns (uint96) {
        uint256 scaled = _scaled(limit, numerator, denominator);
        // slither-disable-next-line timestamp (compares amounts, not times)
        return scaled > MASK_96 ? uint96(MASK_96) : uint96(scaled);
    }

    /// @dev The record ids of the splits after `seen` up to `last`, newest first.
    function _splitsAfter(TokenStorage storage $, uint24 seen, uint24 last) private view returns (uint24[] memory ids) {
        // slither-disable-next-line uninitialized-local (the count starts at zero)
        uint256 n;
        for (uint24 id = last; id > seen; id = uint24($.splits[id] >> SPLIT_PREVIOUS)) {
            ++n;
        }
        ids = new uint24[](n);
        n = 0;
        for (uint24 id = last; id > seen; id = uint24($.splits[id] >> SPLIT_PREVIOUS)) {
            ids[n++] = id;
        }
    }

    /// @dev The whole units the splits `ids` (newest first) have left over, in today's units, and
    /// the split words once they are taken: the remainder is carried through the splits in order
    /// like a wallet's balance, each keeping the fraction below one of its units.
    function _remainder(TokenStorage storage $, uint24[] memory ids)
        private
        view
        returns (uint256 carry, uint256[] memory words)
    {
        words = new uint256[](ids.length);
        for (uint256 i = ids.length; i != 0; --i) {
            uint256 s = $.splits[ids[i - 1]];
            uint256 denominator = uint32(s);
            uint256 units = carry * uint32(s >> SPLIT_NUMERATOR) + (s >> SPLIT_RESIDUE);
            carry = units / denominator;
            words[i - 1] = (s & ((1 << SPLIT_RESIDUE) - 1)) | ((units % denominator) << SPLIT_RESIDUE);
        }
    }

    /// @dev Settles `wallet`'s splits; on a tracked token, those of every wallet of its investor
    /// and the investor's position (its balance the sum of the converted wallets, its volume today
    /// converted, the investor count down when it reaches zero).
    function _settle(TokenStorage storage $, Config cfg, address wallet) private {
        uint24 last = cfg.lastSplitRecord();
        if ($.wallets[wallet].seen() >= last) return;
        // slither-disable-next-line calls-loop (the token's own registry, once per wallet settled)
        uint32 number = cfg.investorTracking() ? WalletRecord.wrap(REGISTRY.walletRecord(wallet)).investorNumber() : 0;
        if (number == 0) {
            _settleWallet($, cfg, wallet);
            return;
        }
        // slither-disable-next-line calls-loop (the token's own registry, once per investor settled)
        bytes32 investorId = REGISTRY.investorIdOf(number);
        // slither-disable-next-line uninitialized-local (the sum starts at zero)
        uint256 total;
        // The units of the position's volume: those of its most recently settled wallet.
        // slither-disable-next-line uninitialized-local (starts at zero: no wallet seen)
        uint24 epoch;
        for (uint256 retired; retired < 2; ++retired) {
            // slither-disable-next-line calls-loop (the token's own registry: active, then retired wallets)
            address[] memory wallets =
                retired == 0 ? REGISTRY.walletsOf(investorId) : REGISTRY.retiredWalletsOf(investorId);
            for (uint256 i; i < wallets.length; ++i) {
                (uint256 balance, uint24 seen) = _settleWallet($, cfg, wallets[i]);
                total += balance;
                if (seen > epoch) epoch = seen;
            }
        }
        Position p = $.positions[number];
        uint32 today = uint32(block.timestamp / 1 days);
        uint256 sent = p.sentOn(today);
        // slither-disable-next-line timestamp (compares amounts, not times)
        if (sent != 0) p = p.withSent(today, _afterSplits($, epoch, last, sent));
        // slither-disable-next-line incorrect-equality,timestamp (whether the position reached zero: an exact test by design)
        if (p.balance() != 0 && total == 0) $.supply = $.supply.withInvestorCount($.supply.investorCount() - 1);
        $.positions[number] = p.withBalance(total);
    }

    /// @dev Converts one wallet to today's units: for each split after its `seen`, oldest first,
    /// its balance of record in the old units, then its balance, lock tranches, frozen and
    /// encumbered totals rounded down, the balance's fraction kept with the split. Returns the
    /// balance now and the `seen` it had.
    function _settleWallet(TokenStorage storage $, Config cfg, address account)
        private
        returns (uint256 balance, uint24 seen)
    {
        WalletState w = $.wallets[account];
        uint24 last = cfg.lastSplitRecord();
        seen = w.seen();
        balance = w.balance();
        // A word never written holds nothing to convert; its first write takes today's units.
        if (seen >= last || WalletState.unwrap(w) == 0) return (balance, seen);
        WalletState settled = _viewed($, cfg, account, w);
        uint24[] memory ids = _splitsAfter($, seen, last);
        mapping(uint256 => uint256) storage history = $.walletHistory[account];
        uint24 step = seen;
        for (uint256 i = ids.length; i != 0; --i) {
            step = history.remember(step, ids[i - 1], uint96(balance));
            uint256 s = $.splits[step];
            uint256 units = balance * uint32(s >> SPLIT_NUMERATOR);
            balance = units / uint32(s);
            if (units % uint32(s) != 0) $.splits[step] = s + ((units % uint32(s)) << SPLIT_RESIDUE);
        }
        if (w.has(WalletStateLib.TRANCHES)) {
            uint128[MAX_LOCK_TRANCHES] storage stored = $.lockTranches[account];
            for (uint256 i; i < MAX_LOCK_TRANCHES && stored[i] != 0; ++i) {
                uint256 amount = _afterSplits($, seen, last, LockTranches.amountOf(stored[i]));
                stored[i] = uint128(LockTranches.pack(amount, LockTranches.untilOf(stored[i])));
            }
        }
        if (w.has(WalletStateLib.FROZEN)) {
            uint256 frozen = _afterSplits($, seen, last, $.frozen[account]);
            $.frozen[account] = frozen;
            // slither-disable-next-line timestamp (compares amounts, not times)
            settled = settled.withFlag(WalletStateLib.FROZEN, frozen != 0);
        }
        if (w.has(WalletStateLib.ENCUMBERED)) {
            $.encumbered[account] = _afterSplits($, seen, last, $.encumbered[account]);
        }
        $.wallets[account] = settled.withSeen(last);
        emit SplitSettled(account, last, balance);
    }
}
