// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {InvestorClass} from "../types/InvestorClass.sol";
import {WalletRecord, WalletRecordLib} from "../types/WalletRecord.sol";

/// @title IdentityRegistry
/// @notice Registered wallets of known investors, shared by every token of a deployment.
/// @dev Registering an investor writes three new slots (the investor entry, the number-to-id map
/// and the wallet's record) and nothing else: an investor's profile lives only in its wallets'
/// records, which transfers read, and its wallets form a list linked through `nextWallet`, newest
/// first, which only administrative calls and views walk.
/// Invariants: every wallet ever bound to an investor, active or retired, is on its list exactly
/// once and carries its current country, class, KYC expiry and frozen flag in its `WalletRecord`;
/// `activeWallets` counts the registered ones and `boundWallets` all of them; a wallet's investor
/// number never changes once set.
contract IdentityRegistry is IIdentityRegistry, AuthorityManaged {
    /// @inheritdoc IIdentityRegistry
    uint256 public constant maxWalletsPerInvestor = 16;
    /// @inheritdoc IIdentityRegistry
    uint256 public constant maxLifetimeWalletsPerInvestor = 64;

    /// @dev One slot. `newestWallet` heads the investor's wallet list.
    struct InvestorEntry {
        uint32 number;
        uint8 activeWallets;
        uint8 boundWallets;
        address newestWallet;
    }

    /// @custom:storage-location erc7201:permledger.storage.IdentityRegistry
    struct RegistryStorage {
        uint32 nextInvestorNumber;
        mapping(bytes32 investorId => InvestorEntry) investors;
        mapping(uint32 number => bytes32 investorId) idOfNumber;
        mapping(address wallet => WalletRecord) records;
        mapping(address wallet => address) nextWallet;
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
        // Numbers start at 1 (0 means "no investor"); a non-zero counter also makes the first
        // registration pay for an update of the slot, not for its creation.
        _registry().nextInvestorNumber = 1;
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
        uint32 number = $.nextInvestorNumber++;
        $.idOfNumber[number] = investorId;
        emit InvestorRegistered(investorId, number, country, investorClass, kycExpiry);
        InvestorEntry memory e = InvestorEntry(number, 0, 0, address(0));
        _bindWallet($, investorId, e, wallet, WalletRecordLib.pack(number, country, investorClass, kycExpiry, false));
    }

    /// @inheritdoc IIdentityRegistry
    function updateInvestor(bytes32 investorId, uint16 country, uint8 investorClass, uint40 kycExpiry)
        external
        onlyRole(Roles.COMPLIANCE_OFFICER)
    {
        RegistryStorage storage $ = _registry();
        InvestorEntry memory e = _existing($, investorId);
        _validateProfile(country, investorClass, kycExpiry);
        bool frozen = $.records[e.newestWallet].frozen();
        _refreshWallets($, e, WalletRecordLib.pack(e.number, country, investorClass, kycExpiry, frozen));
        emit InvestorUpdated(investorId, country, investorClass, kycExpiry);
    }

    /// @inheritdoc IIdentityRegistry
    function setInvestorFrozen(bytes32 investorId, bool frozen) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        RegistryStorage storage $ = _registry();
        InvestorEntry memory e = _existing($, investorId);
        WalletRecord r = $.records[e.newestWallet];
        _refreshWallets($, e, WalletRecordLib.pack(e.number, r.country(), r.investorClass(), r.kycExpiry(), frozen));
        emit InvestorFreezeChanged(investorId, frozen);
    }

    /// @inheritdoc IIdentityRegistry
    function addWallet(bytes32 investorId, address wallet) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        RegistryStorage storage $ = _registry();
        InvestorEntry memory e = _existing($, investorId);
        _bindWallet($, investorId, e, wallet, $.records[e.newestWallet].activate());
    }

    /// @inheritdoc IIdentityRegistry
    function removeWallet(address wallet) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        _retireWallet(_registry(), wallet);
    }

    /// @inheritdoc IIdentityRegistry
    function replaceWallet(address oldWallet, address newWallet) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        RegistryStorage storage $ = _registry();
        (bytes32 investorId, InvestorEntry memory e) = _retireWallet($, oldWallet);
        _bindWallet($, investorId, e, newWallet, $.records[oldWallet].activate());
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
        if (e.number == 0) return Investor(0, 0, 0, 0, false, 0);
        WalletRecord r = $.records[e.newestWallet];
        return Investor(e.number, r.country(), r.investorClass(), r.kycExpiry(), r.frozen(), e.activeWallets);
    }

    /// @inheritdoc IIdentityRegistry
    function walletsOf(bytes32 investorId) external view returns (address[] memory) {
        return _walletsOf(investorId, true);
    }

    /// @inheritdoc IIdentityRegistry
    function retiredWalletsOf(bytes32 investorId) external view returns (address[] memory) {
        return _walletsOf(investorId, false);
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

    /// @dev Registers `wallet` to the investor with `record` (its profile) and stores the entry.
    function _bindWallet(
        RegistryStorage storage $,
        bytes32 investorId,
        InvestorEntry memory e,
        address wallet,
        WalletRecord record
    ) private {
        require(wallet != address(0), IdentityWalletZero());
        WalletRecord previous = $.records[wallet];
        require(!previous.registered(), IdentityWalletRegistered(wallet));
        uint32 formerNumber = previous.investorNumber();
        require(
            formerNumber == 0 || formerNumber == e.number,
            IdentityWalletOfOtherInvestor(wallet, $.idOfNumber[formerNumber])
        );
        require(e.activeWallets < maxWalletsPerInvestor, IdentityWalletLimitReached(investorId, maxWalletsPerInvestor));
        if (formerNumber == 0) {
            // New to the investor: it joins the head of the list. A retired wallet is on it already.
            require(
                e.boundWallets < maxLifetimeWalletsPerInvestor,
                IdentityLifetimeWalletLimitReached(investorId, maxLifetimeWalletsPerInvestor)
            );
            // The first wallet has no successor, so registration writes no link.
            if (e.newestWallet != address(0)) $.nextWallet[wallet] = e.newestWallet;
            (e.newestWallet, e.boundWallets) = (wallet, e.boundWallets + 1);
        }
        ++e.activeWallets;
        $.investors[investorId] = e;
        $.records[wallet] = record;
        emit WalletAdded(investorId, wallet);
    }

    function _retireWallet(RegistryStorage storage $, address wallet)
        private
        returns (bytes32 investorId, InvestorEntry memory e)
    {
        WalletRecord record = $.records[wallet];
        require(record.registered(), IdentityWalletUnknown(wallet));
        investorId = $.idOfNumber[record.investorNumber()];
        e = $.investors[investorId];
        --e.activeWallets;
        $.investors[investorId] = e;
        $.records[wallet] = record.retire();
        emit WalletRemoved(investorId, wallet);
    }

    /// @dev Writes `profile` to every wallet ever bound to the investor, keeping each one's
    /// registered bit; bounded by `maxLifetimeWalletsPerInvestor`.
    function _refreshWallets(RegistryStorage storage $, InvestorEntry memory e, WalletRecord profile) private {
        for (address w = e.newestWallet; w != address(0); w = $.nextWallet[w]) {
            $.records[w] = $.records[w].registered() ? profile : profile.retire();
        }
    }

    /// @dev The investor's registered (`active`) or retired wallets, newest first.
    function _walletsOf(bytes32 investorId, bool active) private view returns (address[] memory wallets) {
        RegistryStorage storage $ = _registry();
        InvestorEntry memory e = $.investors[investorId];
        wallets = new address[](active ? e.activeWallets : e.boundWallets - e.activeWallets);
        uint256 n = 0;
        for (address w = e.newestWallet; w != address(0); w = $.nextWallet[w]) {
            if ($.records[w].registered() == active) wallets[n++] = w;
        }
    }

    function _existing(RegistryStorage storage $, bytes32 investorId) private view returns (InvestorEntry memory e) {
        e = $.investors[investorId];
        require(e.number != 0, IdentityInvestorUnknown(investorId));
    }

    function _validateProfile(uint16 country, uint8 investorClass, uint40 kycExpiry) private view {
        require(country != 0 && country < 1000, IdentityCountryInvalid(country));
        require(investorClass != 0 && investorClass <= InvestorClass.MAX, IdentityClassInvalid(investorClass));
        // slither-disable-next-line timestamp (KYC expiry is by date; seconds of drift cannot matter)
        require(kycExpiry > block.timestamp, IdentityKycExpiryInPast(kycExpiry, block.timestamp));
    }

    function _registry() private pure returns (RegistryStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := REGISTRY_STORAGE
        }
    }
}
