// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// The most lock tranches a wallet keeps.
uint256 constant MAX_LOCK_TRANCHES = 8;

/// @title LockTranches
/// @notice Lock-up tranches of one wallet: each issue under lock-up is locked until its own date,
/// so a later issue never re-locks earlier units.
/// @dev A tranche packs `amount << 32 | until`. A wallet keeps at most `MAX_LOCK_TRANCHES` tranches in storage,
/// sorted by date and ended by a zero entry (or the end); entries whose date has passed may remain
/// at the front until the list is next stored. Over that number, the two earliest tranches merge into
/// the later of their two dates: no unit ever unlocks before its own date.
library LockTranches {
    function pack(uint256 amount, uint32 until) internal pure returns (uint256) {
        return (amount << 32) | until;
    }

    function amountOf(uint256 tranche) internal pure returns (uint256) {
        return tranche >> 32;
    }

    function untilOf(uint256 tranche) internal pure returns (uint32) {
        return uint32(tranche);
    }

    /// @notice A list with room for two wallets' tranches and one more.
    function newList() internal pure returns (uint256[] memory) {
        return new uint256[](2 * MAX_LOCK_TRANCHES + 1);
    }

    /// @notice Appends the stored tranches still locked at `time` to `list[0..n)`; returns the new
    /// length.
    function loadLive(uint128[MAX_LOCK_TRANCHES] storage stored, uint256[] memory list, uint256 n, uint256 time)
        internal
        view
        returns (uint256)
    {
        for (uint256 i; i < MAX_LOCK_TRANCHES; ++i) {
            uint256 tranche = stored[i];
            if (tranche == 0) break;
            if (untilOf(tranche) > time) list[n++] = tranche;
        }
        return n;
    }

    /// @notice Inserts `tranche` into the sorted `list[0..n)`, merging it into a tranche of the same
    /// date; returns the new length.
    function insert(uint256[] memory list, uint256 n, uint256 tranche) internal pure returns (uint256) {
        uint32 until = untilOf(tranche);
        uint256 i = n;
        while (i != 0 && untilOf(list[i - 1]) > until) --i;
        if (i != 0 && untilOf(list[i - 1]) == until) {
            list[i - 1] += tranche - until;
            return n;
        }
        for (uint256 j = n; j > i; --j) {
            list[j] = list[j - 1];
        }
        list[i] = tranche;
        return n + 1;
    }

    /// @notice Takes `excess` units off the earliest tranches of the sorted `list[0..n)` (units
    /// leaving a wallet release its soonest locks first, so what stays is locked longest); returns
    /// the list and its new length.
    function release(uint256[] memory list, uint256 n, uint256 excess) internal pure returns (uint256) {
        uint256 first;
        while (excess != 0) {
            uint256 amount = amountOf(list[first]);
            if (amount > excess) {
                list[first] -= excess << 32;
                break;
            }
            excess -= amount;
            ++first;
        }
        for (uint256 i = first; i < n; ++i) {
            list[i - first] = list[i];
        }
        return n - first;
    }

    /// @notice Stores the sorted `list[0..n)` (`n >= 2`), merging the earliest tranches while over
    /// `MAX_LOCK_TRANCHES`; returns the total amount and the earliest date.
    function store(uint128[MAX_LOCK_TRANCHES] storage stored, uint256[] memory list, uint256 n)
        internal
        returns (uint256 total, uint32 earliest)
    {
        uint256 first;
        for (; n - first > MAX_LOCK_TRANCHES; ++first) {
            list[first + 1] += list[first] - untilOf(list[first]);
        }
        for (uint256 i = first; i < n; ++i) {
            stored[i - first] = uint128(list[i]);
            total += amountOf(list[i]);
        }
        if (n - first < MAX_LOCK_TRANCHES) stored[n - first] = 0;
        earliest = untilOf(list[first]);
    }
}
