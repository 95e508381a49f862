// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IIdentityRegistry
/// @notice Registered wallets of known investors. An investor (an opaque id chosen by the
/// registrar, e.g. a hash of the KYC file reference) has a jurisdiction, an investor class, a KYC
/// expiry and any number of wallets up to a limit; one registry serves many tokens. A wallet
/// belongs to one investor for life: once removed it is retired and can only rejoin that investor.
interface IIdentityRegistry {
    /// @notice What the registry knows of an investor.
    struct Investor {
        uint32 number;
        uint16 country;
        uint8 investorClass;
        uint40 kycExpiry;
        bool frozen;
        uint256 walletCount;
    }

    /// @notice An investor was registered with its first wallet.
    event InvestorRegistered(
        bytes32 indexed investorId, uint32 number, uint16 country, uint8 investorClass, uint40 kycExpiry
    );
    /// @notice An investor's jurisdiction, class or KYC expiry changed.
    event InvestorUpdated(bytes32 indexed investorId, uint16 country, uint8 investorClass, uint40 kycExpiry);
    /// @notice An investor was frozen (`frozen` true) or released: a frozen investor's wallets can
    /// neither send nor receive.
    event InvestorFreezeChanged(bytes32 indexed investorId, bool frozen);
    /// @notice A wallet was bound to an investor.
    event WalletAdded(bytes32 indexed investorId, address indexed wallet);
    /// @notice A wallet was retired.
    event WalletRemoved(bytes32 indexed investorId, address indexed wallet);

    /// @notice The investor id is zero.
    error IdentityInvestorIdZero();
    /// @notice An investor with this id is already registered.
    error IdentityInvestorExists(bytes32 investorId);
    /// @notice No investor with this id is registered.
    error IdentityInvestorUnknown(bytes32 investorId);
    /// @notice The jurisdiction is not an ISO 3166 numeric code (1 to 999).
    error IdentityCountryInvalid(uint16 country);
    /// @notice The investor class is not one of `InvestorClass`.
    error IdentityClassInvalid(uint8 investorClass);
    /// @notice The KYC expiry is not in the future.
    error IdentityKycExpiryInPast(uint40 kycExpiry, uint256 nowTime);
    /// @notice The wallet is the zero address.
    error IdentityWalletZero();
    /// @notice The wallet is already registered.
    error IdentityWalletRegistered(address wallet);
    /// @notice The wallet is bound, active or retired, to another investor.
    error IdentityWalletOfOtherInvestor(address wallet, bytes32 investorId);
    /// @notice The wallet is not registered.
    error IdentityWalletUnknown(address wallet);
    /// @notice The investor already has the maximum number of wallets.
    error IdentityWalletLimitReached(bytes32 investorId, uint256 limit);
    /// @notice The investor has had the maximum number of distinct wallets, active and retired.
    error IdentityLifetimeWalletLimitReached(bytes32 investorId, uint256 limit);

    /// @notice Registers an investor with its first wallet.
    /// @param investorId The registrar's id of the investor, not zero.
    /// @param country ISO 3166 numeric jurisdiction code.
    /// @param investorClass One of `InvestorClass`.
    /// @param kycExpiry Unix time the investor's KYC lapses.
    /// @param wallet The investor's first wallet.
    /// Requirements: caller is a compliance officer; the id and the wallet are new and valid.
    /// Emits `InvestorRegistered` and `WalletAdded`.
    function registerInvestor(bytes32 investorId, uint16 country, uint8 investorClass, uint40 kycExpiry, address wallet)
        external;

    /// @notice Changes an investor's jurisdiction, class and KYC expiry on all its wallets.
    /// Requirements: caller is a compliance officer; the investor exists; values are valid.
    /// Emits `InvestorUpdated`.
    function updateInvestor(bytes32 investorId, uint16 country, uint8 investorClass, uint40 kycExpiry) external;

    /// @notice Freezes or releases an investor on every token using this registry.
    /// Requirements: caller is a compliance officer; the investor exists.
    /// Emits `InvestorFreezeChanged`.
    function setInvestorFrozen(bytes32 investorId, bool frozen) external;

    /// @notice Binds another wallet to an investor.
    /// Requirements: caller is a compliance officer; the investor exists and is under the wallet
    /// limit (and, for a wallet new to it, under the lifetime limit); the wallet is unregistered
    /// and never belonged to another investor.
    /// Emits `WalletAdded`.
    function addWallet(bytes32 investorId, address wallet) external;

    /// @notice Retires a wallet. Tokens it still holds stay put until a transfer agent recovers
    /// them to another wallet of the same investor.
    /// Requirements: caller is a compliance officer; the wallet is registered.
    /// Emits `WalletRemoved`.
    function removeWallet(address wallet) external;

    /// @notice Retires `oldWallet` and binds `newWallet` to the same investor in one step.
    /// Requirements: as `removeWallet(oldWallet)` and `addWallet(investor, newWallet)`.
    /// Emits `WalletRemoved` and `WalletAdded`.
    function replaceWallet(address oldWallet, address newWallet) external;

    /// @notice Whether `wallet` is a registered wallet.
    function isRegistered(address wallet) external view returns (bool);

    /// @notice The id of the investor a wallet belongs or belonged to (zero if never registered).
    function investorOf(address wallet) external view returns (bytes32);

    /// @notice The investor with this id (number zero when unknown).
    function investor(bytes32 investorId) external view returns (Investor memory);

    /// @notice The investor's active wallets, newest first.
    function walletsOf(bytes32 investorId) external view returns (address[] memory);

    /// @notice The investor's retired wallets, newest first (they may still hold units awaiting
    /// recovery).
    function retiredWalletsOf(bytes32 investorId) external view returns (address[] memory);

    /// @notice The id of the investor with this registry-internal number.
    function investorIdOf(uint32 number) external view returns (bytes32);

    /// @notice The packed `WalletRecord` of a wallet (zero if never registered).
    function walletRecord(address wallet) external view returns (uint256);

    /// @notice The packed `WalletRecord`s of two wallets in one call, for a transfer's two parties.
    function walletRecords(address a, address b) external view returns (uint256, uint256);

    /// @notice The maximum number of active wallets an investor can have.
    function maxWalletsPerInvestor() external view returns (uint256);

    /// @notice The maximum number of distinct wallets, active and retired, an investor can ever
    /// have (a retired wallet rejoining its investor does not count again). It bounds the cost of
    /// `updateInvestor` and `setInvestorFrozen`, which rewrite every such wallet's record.
    function maxLifetimeWalletsPerInvestor() external view returns (uint256);
}
