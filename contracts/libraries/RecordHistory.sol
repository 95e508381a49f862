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
library RecordHistory {
    /// @notice One remembered value, valid for the record dates in `(previousRecordId, recordId]`.
    struct Entry {
        uint24 recordId;
        uint24 previousRecordId;
        uint96 value;
    }

    /// @notice Appends the value a balance held before changing, when a record date has passed
    /// since it last changed; returns the `seen` to store with the new value.
    function remember(Entry[] storage entries, uint24 seen, uint24 passed, uint96 previousValue)
        internal
        returns (uint24)
    {
        if (passed > seen && previousValue != 0) {
            entries.push(Entry(passed, seen, previousValue));
        }
        return passed;
    }

    /// @notice The value at record date `recordId`, given the current value and its `seen`.
    function valueAt(Entry[] storage entries, uint24 recordId, uint24 seen, uint96 current)
        internal
        view
        returns (uint96)
    {
        uint256 low;
        uint256 high = entries.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (entries[mid].recordId < recordId) low = mid + 1;
            else high = mid;
        }
        if (low < entries.length) {
            Entry memory e = entries[low];
            return recordId > e.previousRecordId ? e.value : 0;
        }
        return recordId > seen ? current : 0;
    }
}
