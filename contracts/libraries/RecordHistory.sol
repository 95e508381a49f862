// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title RecordHistory
/// @notice Balances at record dates without a loop over holders and without a write on ordinary
/// transfers between record dates.
/// @dev A balance (of a wallet, or the supply) remembers `seen`, the number of record dates that
/// had passed when it last changed. When it changes again after more record dates passed
/// (`passed > seen`), its previous value was its value at every record date in `(seen, passed]`,
/// and one entry `(passed, seen, value)` is appended. A zero previous value appends nothing: a
/// lookup that finds no covering entry for a record date at or before a later change answers zero.
/// Lookup of record date `r`: the first entry with `recordId >= r` answers `value` when it covers
/// `r` (`r > previousRecordId`), else zero; with no such entry the balance is unchanged since `r`
/// when `r > seen`, else zero.
/// Entries are words in a mapping by index: record id (24 bits) | previous record id (24) | value
/// (96); entry 0 also holds the number of entries (24 bits from bit 144), so the first entry of a
/// balance writes one new slot, not two as an array's length and element would.
library RecordHistory {
    uint256 private constant PREVIOUS_SHIFT = 24;
    uint256 private constant VALUE_SHIFT = 48;
    uint256 private constant COUNT_SHIFT = 144;

    /// @notice Appends the value a balance held before changing, when a record date has passed
    /// since it last changed; returns the `seen` to store with the new value.
    function remember(mapping(uint256 => uint256) storage entries, uint24 seen, uint24 passed, uint96 previousValue)
        internal
        returns (uint24)
    {
        if (passed > seen && previousValue != 0) {
            uint256 entry =
                uint256(passed) | (uint256(seen) << PREVIOUS_SHIFT) | (uint256(previousValue) << VALUE_SHIFT);
            uint256 head = entries[0];
            uint256 count = head >> COUNT_SHIFT;
            if (count == 0) {
                entries[0] = entry | (1 << COUNT_SHIFT);
            } else {
                entries[count] = entry;
                entries[0] = head + (1 << COUNT_SHIFT);
            }
        }
        return passed;
    }

    /// @notice The value at record date `recordId`, given the current value and its `seen`.
    function valueAt(mapping(uint256 => uint256) storage entries, uint24 recordId, uint24 seen, uint96 current)
        internal
        view
        returns (uint96)
    {
        uint256 count = entries[0] >> COUNT_SHIFT;
        uint256 low = 0;
        uint256 high = count;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (uint24(entries[mid]) < recordId) low = mid + 1;
            else high = mid;
        }
        if (low < count) {
            uint256 entry = entries[low];
            return recordId > uint24(entry >> PREVIOUS_SHIFT) ? uint96(entry >> VALUE_SHIFT) : 0;
        }
        return recordId > seen ? current : 0;
    }
}
