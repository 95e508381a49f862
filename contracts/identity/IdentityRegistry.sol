// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {InvestorClass} from "../types/InvestorClass.sol";
import {WalletRecord, WalletRecordLib} from "../types/WalletRecord.sol";

/// @title IdentityRegistry
/// @notice Registered wallets of known investors, shared by every token of a deployment.
/// @dev Invariants: every active wallet of an investor carries that investor's current country,
/// class, KYC expiry and frozen flag in its `WalletRecord`; an investor's wallet set holds exactly
/// its registered wallets; a wallet's investor number never changes once set.
contract IdentityRegistry is IIdentityRegistry, AuthorityManaged {
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @inheritdoc IIdentityRegistry
    uint256 public constant maxWalletsPerInvestor = 16;

    struct InvestorEntry {
        uint32 number;
        uint16 country;
        uint8 investorClass;
        uint40 kycExpiry;
        bool frozen;
    }

    /// @custom:storage-location erc7201:permledger.storage.IdentityRegistry
    struct RegistryStorage {
        uint32 investorCount;
        mapping(bytes32 investorId => InvestorEntry) investors;
        mapping(uint32 number => bytes32 investorId) idOfNumber;
        mapping(bytes32 investorId => EnumerableSet.AddressSet) wallets;
        mapping(bytes32 investorId => EnumerableSet.AddressSet) retired;
        mapping(address wallet => WalletRecord) records;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.IdentityRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REGISTRY_STORAGE = 0x5aef1bcf2a65f9ecf9482dc11da305a27d9dc5f83256d9585c078696a0ec6600;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the registry to the deployment's authority.
    function initialize(address authority_) external initializer {
        __AuthorityManaged_init(authority_);
    }

    /// @inheritdoc IIdentityRegistry
    function registerInvestor(bytes32 investorId, uint16 country, uint8 investorClass, uint40 kycExpiry, address wallet)
        external
        onlyRole(Roles.COMPLIANCE_OFFICER)
    {
        require(investorId != bytes32(0), IdentityInvestorIdZero());
        RegistryStorage storage $ = _registry();
        require($.investors[investorId].number == 0, IdentityInvestorExists(investorId));
        _validateProfile(country, investorClass, kycExpiry);
        uint32 number = ++$.investorCount;
        $.investors[investorId] = InvestorEntry(number, country, investorClass, kycExpiry, false);
        $.idOfNumber[number] = investorId;
        emit InvestorRegistered(investorId, number, country, investorClass, kycExpiry);
        _bindWallet($, investorId, wallet);
    }

    /// @inheritdoc IIdentityRegistry
    function updateInvestor(bytes32 investorId, uint16 country, uint8 investorClass, uint40 kycExpiry)
        external
        onlyRole(Roles.COMPLIANCE_OFFICER)
    {
        RegistryStorage storage $ = _registry();
        InvestorEntry storage entry = _existing($, investorId);
        _validateProfile(country, investorClass, kycExpiry);
        (entry.country, entry.investorClass, entry.kycExpiry) = (country, investorClass, kycExpiry);
        _refreshWallets($, investorId, entry);
        emit InvestorUpdated(investorId, country, investorClass, kycExpiry);
    }

    /// @inheritdoc IIdentityRegistry
    function setInvestorFrozen(bytes32 investorId, bool frozen) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        RegistryStorage storage $ = _registry();
        InvestorEntry storage entry = _existing($, investorId);
        entry.frozen = frozen;
        _refreshWallets($, investorId, entry);
        emit InvestorFreezeChanged(investorId, frozen);
    }

    /// @inheritdoc IIdentityRegistry
    function addWallet(bytes32 investorId, address wallet) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        RegistryStorage storage $ = _registry();
        _existing($, investorId);
        _bindWallet($, investorId, wallet);
    }

    /// @inheritdoc IIdentityRegistry
    function removeWallet(address wallet) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        _retireWallet(_registry(), wallet);
    }

    /// @inheritdoc IIdentityRegistry
    function replaceWallet(address oldWallet, address newWallet) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        RegistryStorage storage $ = _registry();
        bytes32 investorId = _retireWallet($, oldWallet);
        _bindWallet($, investorId, newWallet);
    }

    /// @inheritdoc IIdentityRegistry
    function isRegistered(address wallet) external view returns (bool) {
        return _registry().records[wallet].registered();
    }

    /// @inheritdoc IIdentityRegistry
    function investorOf(address wallet) external view returns (bytes32) {
        RegistryStorage storage $ = _registry();
        return $.idOfNumber[$.records[wallet].investorNumber()];
    }

    /// @inheritdoc IIdentityRegistry
    function investor(bytes32 investorId) external view returns (Investor memory) {
        RegistryStorage storage $ = _registry();
        InvestorEntry memory e = $.investors[investorId];
        return Investor(e.number, e.country, e.investorClass, e.kycExpiry, e.frozen, $.wallets[investorId].length());
    }

    /// @inheritdoc IIdentityRegistry
    function walletsOf(bytes32 investorId) external view returns (address[] memory) {
        return _registry().wallets[investorId].values();
    }

    /// @inheritdoc IIdentityRegistry
    function retiredWalletsOf(bytes32 investorId) external view returns (address[] memory) {
        return _registry().retired[investorId].values();
    }

    /// @inheritdoc IIdentityRegistry
    function investorIdOf(uint32 number) external view returns (bytes32) {
        return _registry().idOfNumber[number];
    }

    /// @inheritdoc IIdentityRegistry
    function walletRecord(address wallet) external view returns (uint256) {
        return WalletRecord.unwrap(_registry().records[wallet]);
    }

    /// @inheritdoc IIdentityRegistry
    function walletRecords(address a, address b) external view returns (uint256, uint256) {
        RegistryStorage storage $ = _registry();
        return (WalletRecord.unwrap($.records[a]), WalletRecord.unwrap($.records[b]));
    }

    function _bindWallet(RegistryStorage storage $, bytes32 investorId, address wallet) private {
        require(wallet != address(0), IdentityWalletZero());
        WalletRecord previous = $.records[wallet];
        require(!previous.registered(), IdentityWalletRegistered(wallet));
        InvestorEntry memory e = $.investors[investorId];
        uint32 formerNumber = previous.investorNumber();
        require(
            formerNumber == 0 || formerNumber == e.number,
            IdentityWalletOfOtherInvestor(wallet, $.idOfNumber[formerNumber])
        );
        EnumerableSet.AddressSet storage set = $.wallets[investorId];
        require(set.length() < maxWalletsPerInvestor, IdentityWalletLimitReached(investorId, maxWalletsPerInvestor));
        set.add(wallet);
        $.retired[investorId].remove(wallet);
        $.records[wallet] = WalletRecordLib.pack(e.number, e.country, e.investorClass, e.kycExpiry, e.frozen);
        emit WalletAdded(investorId, wallet);
    }

    function _retireWallet(RegistryStorage storage $, address wallet) private returns (bytes32 investorId) {
        WalletRecord record = $.records[wallet];
        require(record.registered(), IdentityWalletUnknown(wallet));
        investorId = $.idOfNumber[record.investorNumber()];
        $.wallets[investorId].remove(wallet);
        $.retired[investorId].add(wallet);
        $.records[wallet] = record.retire();
        emit WalletRemoved(investorId, wallet);
    }

    /// @dev Copies the investor's fields to each of its wallets; bounded by `maxWalletsPerInvestor`.
    function _refreshWallets(RegistryStorage storage $, bytes32 investorId, InvestorEntry storage entry) private {
        InvestorEntry memory e = entry;
        EnumerableSet.AddressSet storage set = $.wallets[investorId];
        uint256 count = set.length();
        for (uint256 i; i < count; ++i) {
            $.records[set.at(i)] = WalletRecordLib.pack(e.number, e.country, e.investorClass, e.kycExpiry, e.frozen);
        }
    }

    function _existing(RegistryStorage storage $, bytes32 investorId) private view returns (InvestorEntry storage e) {
        e = $.investors[investorId];
        require(e.number != 0, IdentityInvestorUnknown(investorId));
    }

    function _validateProfile(uint16 country, uint8 investorClass, uint40 kycExpiry) private view {
        require(country != 0 && country < 1000, IdentityCountryInvalid(country));
        require(investorClass != 0 && investorClass <= InvestorClass.MAX, IdentityClassInvalid(investorClass));
        require(kycExpiry > block.timestamp, IdentityKycExpiryInPast(kycExpiry, block.timestamp));
    }

    function _registry() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := REGISTRY_STORAGE
        }
    }
}
