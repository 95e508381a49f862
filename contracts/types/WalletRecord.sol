// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Everything a token needs to know about a wallet, packed in one storage word so that a
/// transfer reads each party with a single cold load.
/// @dev Layout (low to high bits): investor number (32) | jurisdiction, ISO 3166 numeric (16) |
/// investor class (8) | KYC expiry, unix seconds (40) | investor frozen (1) | wallet registered (1).
/// The identity registry is the only writer and keeps the investor fields of every wallet of an
/// investor equal. A retired wallet keeps its investor number with the registered bit cleared.
type WalletRecord is uint256;

using WalletRecordLib for WalletRecord global;

/// @title WalletRecordLib
/// @notice Packs and reads `WalletRecord` words.
library WalletRecordLib {
    uint256 private constant COUNTRY_SHIFT = 32;
    uint256 private constant CLASS_SHIFT = 48;
    uint256 private constant KYC_SHIFT = 56;
    uint256 private constant FROZEN_BIT = 1 << 96;
    uint256 private constant REGISTERED_BIT = 1 << 97;

    /// @notice Packs a registered wallet's record.
    function pack(uint32 number_, uint16 country_, uint8 class_, uint40 kycExpiry_, bool frozen_)
        internal
        pure
        returns (WalletRecord)
    {
        uint256 word = uint256(number_) | (uint256(country_) << COUNTRY_SHIFT) | (uint256(class_) << CLASS_SHIFT)
            | (uint256(kycExpiry_) << KYC_SHIFT) | REGISTERED_BIT;
        return WalletRecord.wrap(frozen_ ? word | FROZEN_BIT : word);
    }

    /// @notice The same record with the registered bit cleared (the wallet is retired).
    function retire(WalletRecord r) internal pure returns (WalletRecord) {
        return WalletRecord.wrap(WalletRecord.unwrap(r) & ~REGISTERED_BIT);
    }

    /// @notice The same record with the registered bit set (another wallet of the same investor).
    function activate(WalletRecord r) internal pure returns (WalletRecord) {
        return WalletRecord.wrap(WalletRecord.unwrap(r) | REGISTERED_BIT);
    }

    function investorNumber(WalletRecord r) internal pure returns (uint32) {
        return uint32(WalletRecord.unwrap(r));
    }

    function country(WalletRecord r) internal pure returns (uint16) {
        return uint16(WalletRecord.unwrap(r) >> COUNTRY_SHIFT);
    }

    function investorClass(WalletRecord r) internal pure returns (uint8) {
        return uint8(WalletRecord.unwrap(r) >> CLASS_SHIFT);
    }

    function kycExpiry(WalletRecord r) internal pure returns (uint40) {
        return uint40(WalletRecord.unwrap(r) >> KYC_SHIFT);
    }

    function frozen(WalletRecord r) internal pure returns (bool) {
        return WalletRecord.unwrap(r) & FROZEN_BIT != 0;
    }

    function registered(WalletRecord r) internal pure returns (bool) {
        return WalletRecord.unwrap(r) & REGISTERED_BIT != 0;
    }
}
