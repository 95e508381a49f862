// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ICollateralVault
/// @notice Collateral posted as margin. The clearing agent lists eligible assets, each with a
/// haircut and a price staleness limit, and sets each account's margin requirement (in quote
/// units, the cash the price feed quotes in). An account's collateral value is the sum over its
/// assets of `amount * price / 10^18 * (10000 - haircutBps) / 10000`, each term rounded down.
/// When the value falls below the requirement the clearing agent calls margin; the account cures
/// by topping up before the deadline; after it the clearing agent liquidates. Stale prices block
/// withdrawals, margin calls and liquidations.
/// Plain ERC-20s are held in custody (transferred to the vault). Assets implementing ERC-7246
/// (detected by ERC-165 at listing) are pledged in place: encumbered to the vault, they stay in
/// the owner's balance, so record dates, votes and distributions still count them for the owner.
/// Such a position is the owner's encumbrance to the vault as the token reports it, so it follows
/// the token's splits (units encumbered to the vault without `deposit` count too, in the value
/// once the account holds that asset). For an asset that splits (an entitlement token), a price
/// posted at or before its last split is stale, like an old one: it is per old unit.
interface ICollateralVault {
    /// @notice An eligible asset.
    struct AssetConfig {
        uint16 haircutBps;
        uint32 maxPriceAge;
        uint8 index;
        bool listed;
        bool encumbered;
        bool restricted;
        bool splits;
    }

    /// @notice A margin account.
    struct MarginAccount {
        uint96 requirement;
        uint40 callDeadline;
        uint64 assetMask;
    }

    /// @notice `asset` is eligible with `haircutBps`; prices older than `maxPriceAge` are stale.
    event AssetListed(address indexed asset, uint16 haircutBps, uint32 maxPriceAge, bool encumbered);
    /// @notice An account's requirement changed.
    event RequirementSet(address indexed account, uint256 requirement);
    /// @notice Collateral was posted.
    event Deposited(address indexed account, address indexed asset, uint256 amount);
    /// @notice Excess collateral was taken back.
    event Withdrawn(address indexed account, address indexed asset, uint256 amount);
    /// @notice Margin was called: `value` is below `requirement` until cured by `deadline`.
    event MarginCalled(address indexed account, uint256 value, uint256 requirement, uint40 deadline);
    /// @notice The account's value covers its requirement again; the call is closed.
    event MarginCallCleared(address indexed account, uint256 value, uint256 requirement);
    /// @notice Collateral was seized to `recipient` and applied at `marketValue` to the requirement.
    event Liquidated(
        address indexed account, address indexed asset, uint256 amount, address recipient, uint256 marketValue
    );

    /// @notice The asset is not listed.
    error VaultAssetNotListed(address asset);
    /// @notice The haircut is 10,000 bps or more, the age limit zero, or 64 assets are listed.
    error VaultAssetConfigInvalid(address asset, uint16 haircutBps, uint32 maxPriceAge);
    /// @notice The amount is zero or more than the position.
    error VaultAmountInvalid(address asset, uint256 amount, uint256 position);
    /// @notice Fewer units arrived than were deposited (a fee-charging token).
    error VaultDepositShortfall(address asset, uint256 amount, uint256 received);
    /// @notice A price is missing or older than the asset's limit.
    error VaultPriceStale(address asset, uint40 updatedAt, uint32 maxPriceAge);
    /// @notice The asset split at `splitTime`, and its price was posted at or before it.
    error VaultPriceBeforeSplit(address asset, uint40 updatedAt, uint40 splitTime);
    /// @notice The withdrawal would leave the value below the requirement.
    error VaultWithdrawalExceedsExcess(address account, uint256 valueAfter, uint256 requirement);
    /// @notice The account's value covers its requirement: no call or liquidation.
    error VaultMarginSufficient(address account, uint256 value, uint256 requirement);
    /// @notice A margin call is already open.
    error VaultMarginCallOpen(address account, uint40 deadline);
    /// @notice No margin call is open.
    error VaultNoMarginCall(address account);
    /// @notice The cure deadline has not passed.
    error VaultCureWindowOpen(address account, uint40 deadline);
    /// @notice The recipient may not receive the asset under its token's rules.
    error VaultRecipientRejected(address asset, address recipient);

    /// @notice Lists (or re-configures) an eligible asset.
    /// Requirements: caller is a clearing agent; haircut below 10,000; age limit not zero.
    /// Emits `AssetListed`.
    function listAsset(address asset, uint16 haircutBps, uint32 maxPriceAge) external;

    /// @notice Sets an account's margin requirement, in quote units.
    /// Requirements: caller is a clearing agent. Emits `RequirementSet`.
    function setRequirement(address account, uint96 requirement) external;

    /// @notice Posts `amount` of `asset` for the caller: taken into custody, or encumbered to the
    /// vault for ERC-7246 assets (either needs the caller's allowance). Closes an open margin call
    /// that the deposit cures.
    /// Requirements: the asset is listed; `amount` is not zero. Emits `Deposited`.
    function deposit(address asset, uint256 amount) external;

    /// @notice Takes back `amount` of the caller's `asset`, if the value left still covers the
    /// requirement at fresh prices.
    /// Requirements: within the position; every price of the account fresh. Emits `Withdrawn`.
    function withdraw(address asset, uint256 amount) external;

    /// @notice Calls margin on an account whose value is below its requirement.
    /// Requirements: caller is a clearing agent; no call open; fresh prices; value below
    /// requirement. Emits `MarginCalled`.
    function marginCall(address account) external;

    /// @notice Closes a margin call the account's value now covers (anyone may call).
    /// Requirements: a call is open; fresh prices; value at or above requirement.
    /// Emits `MarginCallCleared`.
    function cure(address account) external;

    /// @notice Seizes `amount` of an account's `asset` to `recipient` after the cure deadline.
    /// The seized collateral is applied to the requirement at its market value (no haircut).
    /// Requirements: caller is a clearing agent; a call is open and its deadline has passed;
    /// fresh prices; value still below requirement; the recipient passes the asset's rules.
    /// Emits `Liquidated` (and `MarginCallCleared` when the account is covered again).
    function liquidate(address account, address asset, uint256 amount, address recipient) external;

    /// @notice An account's value after haircuts, requirement, call deadline (0: none) and
    /// whether every price it used was fresh.
    function marginStatus(address account)
        external
        view
        returns (uint256 value, uint256 requirement, uint40 callDeadline, bool fresh);

    /// @notice The units of `asset` an account has posted (for an ERC-7246 asset, its encumbrance
    /// to the vault, in the token's units of today).
    function position(address account, address asset) external view returns (uint256);

    /// @notice The configuration of a listed asset.
    function assetConfig(address asset) external view returns (AssetConfig memory);

    /// @notice Every asset ever listed, by index.
    function listedAssets() external view returns (address[] memory);

    /// @notice The price feed the vault values with.
    function priceFeed() external view returns (address);

    /// @notice Seconds an account has to cure a margin call.
    function cureWindow() external view returns (uint32);
}
