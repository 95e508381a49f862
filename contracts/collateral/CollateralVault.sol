// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {RestrictionCode} from "../compliance/RestrictionCode.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IERC1404} from "../interfaces/IERC1404.sol";
import {IERC7246} from "../interfaces/IERC7246.sol";
import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943Fungible.sol";
import {IPriceFeed} from "../interfaces/IPriceFeed.sol";

/// @title CollateralVault
/// @notice Margin collateral with haircuts, margin calls and liquidation; see `ICollateralVault`.
/// @dev Invariants: for a custody asset the vault's balance is at least the sum of positions;
/// an ERC-7246 asset's position is not stored but read from the token (the owner's encumbrance to
/// the vault), so the token's splits and any other change it makes are seen at once; collateral
/// leaves only by `withdraw` (leaving value >= requirement at fresh prices) or by `liquidate`
/// (after an expired margin call). Up to 64 assets: an account's assets are a 64-bit mask.
contract CollateralVault is ICollateralVault, AuthorityManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint256 private constant PRICE_SCALE = 1e18;
    uint256 private constant MAX_ASSETS = 64;

    /// @dev Whether a price may value its asset, and if not, why.
    enum Staleness {
        Fresh,
        Old,
        BeforeSplit
    }

    /// @custom:storage-location erc7201:permledger.storage.CollateralVault
    struct VaultStorage {
        IPriceFeed feed;
        uint32 cureWindow;
        address[] assetList;
        mapping(address asset => AssetConfig) assets;
        mapping(address account => MarginAccount) accounts;
        // Custody assets only: an ERC-7246 position is the owner's encumbrance to the vault.
        mapping(address account => mapping(address asset => uint256)) positions;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.CollateralVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VAULT_STORAGE = 0x1738be0032b8151224df8b2e8c817ad5aba655dabd872f4c187d573c0fd16100;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the vault to the system's authority, its price feed and its cure window.
    function initialize(address authority_, address feed, uint32 cureWindow_) external initializer {
        __AuthorityManaged_init(authority_);
        VaultStorage storage $ = _storage();
        ($.feed, $.cureWindow) = (IPriceFeed(feed), cureWindow_);
    }

    /// @inheritdoc ICollateralVault
    function listAsset(address asset, uint16 haircutBps, uint32 maxPriceAge) external onlyRole(Roles.CLEARING_AGENT) {
        VaultStorage storage $ = _storage();
        AssetConfig storage c = $.assets[asset];
        require(
            haircutBps < BPS && maxPriceAge != 0 && (c.listed || $.assetList.length < MAX_ASSETS),
            VaultAssetConfigInvalid(asset, haircutBps, maxPriceAge)
        );
        if (!c.listed) {
            c.index = uint8($.assetList.length);
            c.listed = true;
            c.encumbered = ERC165Checker.supportsInterface(asset, type(IERC7246).interfaceId);
            c.restricted = ERC165Checker.supportsInterface(asset, type(IERC7943Fungible).interfaceId);
            $.assetList.push(asset);
        }
        // Probed again on every listing, so a vault upgraded from before splits learns it too.
        c.splits = ERC165Checker.supportsInterface(asset, type(IEntitlementToken).interfaceId);
        (c.haircutBps, c.maxPriceAge) = (haircutBps, maxPriceAge);
        emit AssetListed(asset, haircutBps, maxPriceAge, c.encumbered);
    }

    /// @inheritdoc ICollateralVault
    function setRequirement(address account, uint96 requirement) external onlyRole(Roles.CLEARING_AGENT) {
        _storage().accounts[account].requirement = requirement;
        emit RequirementSet(account, requirement);
    }

    /// @inheritdoc ICollateralVault
    function deposit(address asset, uint256 amount) external nonReentrant {
        VaultStorage storage $ = _storage();
        AssetConfig memory c = _listed($, asset);
        require(amount != 0, VaultAmountInvalid(asset, amount, 0));
        if (c.encumbered) {
            IERC7246(asset).encumberFrom(msg.sender, address(this), amount);
        } else {
            uint256 before = IERC20(asset).balanceOf(address(this));
            IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
            uint256 received = IERC20(asset).balanceOf(address(this)) - before;
            // slither-disable-next-line incorrect-equality (exact on purpose: refuses fee-on-transfer assets)
            require(received == amount, VaultDepositShortfall(asset, amount, received));
            $.positions[msg.sender][asset] += amount;
        }
        MarginAccount storage a = $.accounts[msg.sender];
        a.assetMask |= uint64(1) << c.index;
        emit Deposited(msg.sender, asset, amount);
        if (a.callDeadline != 0) {
            // Best effort: a deposit that cures closes the call; stale prices leave it open.
            (uint256 value, bool fresh) = _value($, msg.sender, a.assetMask);
            if (fresh && value >= a.requirement) _clearCall(a, msg.sender, value);
        }
    }

    /// @inheritdoc ICollateralVault
    function withdraw(address asset, uint256 amount) external nonReentrant {
        VaultStorage storage $ = _storage();
        AssetConfig memory c = _listed($, asset);
        uint256 held = _position($, c, msg.sender, asset);
        require(amount != 0 && amount <= held, VaultAmountInvalid(asset, amount, held));
        if (!c.encumbered) $.positions[msg.sender][asset] = held - amount;
        MarginAccount storage a = $.accounts[msg.sender];
        uint64 mask = a.assetMask;
        if (held == amount) a.assetMask = mask & ~(uint64(1) << c.index);
        // Released first, so the value below is what is left (an encumbrance is read from the
        // token); if it falls short, the whole withdrawal reverts. Valued over the assets held
        // before, so the withdrawn asset's price must be fresh too.
        _release(c, asset, msg.sender, msg.sender, amount);
        emit Withdrawn(msg.sender, asset, amount);
        uint256 value = _freshValue($, msg.sender, mask);
        require(value >= a.requirement, VaultWithdrawalExceedsExcess(msg.sender, value, a.requirement));
    }

    /// @inheritdoc ICollateralVault
    function marginCall(address account) external onlyRole(Roles.CLEARING_AGENT) {
        VaultStorage storage $ = _storage();
        MarginAccount storage a = $.accounts[account];
        (uint96 requirement, uint40 deadline, uint64 mask) = (a.requirement, a.callDeadline, a.assetMask);
        // slither-disable-next-line timestamp (a zero test of the deadline, not a time comparison)
        require(deadline == 0, VaultMarginCallOpen(account, deadline));
        uint256 value = _freshValue($, account, mask);
        require(value < requirement, VaultMarginSufficient(account, value, requirement));
        deadline = uint40(block.timestamp) + $.cureWindow;
        a.callDeadline = deadline;
        emit MarginCalled(account, value, requirement, deadline);
    }

    /// @inheritdoc ICollateralVault
    function cure(address account) external {
        VaultStorage storage $ = _storage();
        MarginAccount storage a = $.accounts[account];
        require(a.callDeadline != 0, VaultNoMarginCall(account));
        uint256 value = _freshValue($, account, a.assetMask);
        require(value >= a.requirement, VaultMarginSufficient(account, value, a.requirement));
        _clearCall(a, account, value);
    }

    /// @inheritdoc ICollateralVault
    function liquidate(address account, address asset, uint256 amount, address recipient)
        external
        onlyRole(Roles.CLEARING_AGENT)
        nonReentrant
    {
        VaultStorage storage $ = _storage();
        AssetConfig memory c = _listed($, asset);
        MarginAccount storage a = $.accounts[account];
        uint40 deadline = a.callDeadline;
        require(deadline != 0, VaultNoMarginCall(account));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp > deadline, VaultCureWindowOpen(account, deadline));
        uint256 value = _freshValue($, account, a.assetMask);
        require(value < a.requirement, VaultMarginSufficient(account, value, a.requirement));
        uint256 held = _position($, c, account, asset);
        require(amount != 0 && amount <= held, VaultAmountInvalid(asset, amount, held));
        if (c.restricted) _requireDeliverable(asset, c.encumbered ? account : address(this), recipient, amount);
        if (!c.encumbered) $.positions[account][asset] = held - amount;
        if (held == amount) a.assetMask &= ~(uint64(1) << c.index);
        // Prices were just checked fresh by `_freshValue`.
        uint256 marketValue = amount * $.feed.price(asset).value / PRICE_SCALE;
        uint96 requirement = a.requirement;
        requirement = marketValue >= requirement ? 0 : requirement - uint96(marketValue);
        a.requirement = requirement;
        _release(c, asset, account, recipient, amount);
        emit Liquidated(account, asset, amount, recipient, marketValue);
        emit RequirementSet(account, requirement);
        (uint256 after_,) = _value($, account, a.assetMask);
        if (after_ >= requirement) _clearCall(a, account, after_);
    }

    /// @inheritdoc ICollateralVault
    function marginStatus(address account)
        external
        view
        returns (uint256 value, uint256 requirement, uint40 callDeadline, bool fresh)
    {
        VaultStorage storage $ = _storage();
        MarginAccount memory a = $.accounts[account];
        (value, fresh) = _value($, account, a.assetMask);
        return (value, a.requirement, a.callDeadline, fresh);
    }

    /// @inheritdoc ICollateralVault
    function position(address account, address asset) external view returns (uint256) {
        VaultStorage storage $ = _storage();
        return _position($, $.assets[asset], account, asset);
    }

    /// @inheritdoc ICollateralVault
    function assetConfig(address asset) external view returns (AssetConfig memory) {
        return _listed(_storage(), asset);
    }

    /// @inheritdoc ICollateralVault
    function listedAssets() external view returns (address[] memory) {
        return _storage().assetList;
    }

    /// @inheritdoc ICollateralVault
    function priceFeed() external view returns (address) {
        return address(_storage().feed);
    }

    /// @inheritdoc ICollateralVault
    function cureWindow() external view returns (uint32) {
        return _storage().cureWindow;
    }

    /// @dev Sends collateral out of custody, or hands an encumbrance over: released back to the
    /// owner, or moved to a liquidation recipient with the taker's `transferFrom`.
    function _release(AssetConfig memory c, address asset, address owner, address to, uint256 amount) private {
        if (!c.encumbered) IERC20(asset).safeTransfer(to, amount);
        else if (to == owner) IERC7246(asset).release(owner, amount);
        else IERC20(asset).safeTransferFrom(owner, to, amount);
    }

    /// @dev Whether the asset's rules let `amount` go from `from` to `recipient`. A pledge left in
    /// the owner's wallet is encumbered to this vault, and the token judges the owner's balance
    /// blind to that: its ERC-1404 code for "exceeds the unencumbered balance" is no refusal here,
    /// because the vault's `transferFrom` spends its own encumbrance first. The transfer itself
    /// enforces every rule again, so a wrong answer can only revert the whole liquidation.
    function _requireDeliverable(address asset, address from, address recipient, uint256 amount) private view {
        if (IERC7943Fungible(asset).canTransfer(from, recipient, amount)) return;
        bool pledgedInPlace = from != address(this)
            && ERC165Checker.supportsInterface(asset, type(IERC1404).interfaceId)
            && IERC1404(asset).detectTransferRestriction(from, recipient, amount) == RestrictionCode.BALANCE_ENCUMBERED;
        require(pledgedInPlace, VaultRecipientRejected(asset, recipient));
    }

    function _clearCall(MarginAccount storage a, address account, uint256 value) private {
        a.callDeadline = 0;
        emit MarginCallCleared(account, value, a.requirement);
    }

    /// @dev The haircut value; reverts on the first stale price.
    function _freshValue(VaultStorage storage $, address account, uint64 mask) private view returns (uint256 value) {
        bool fresh;
        (value, fresh) = _value($, account, mask);
        if (!fresh) _revertStale($, mask);
    }

    /// @dev The haircut value of an account, and whether every price it used was fresh.
    function _value(VaultStorage storage $, address account, uint64 mask)
        private
        view
        returns (uint256 value, bool fresh)
    {
        fresh = true;
        for (uint256 i; mask >> i != 0; ++i) {
            if ((mask >> i) & 1 == 0) continue;
            address asset = $.assetList[i];
            AssetConfig memory c = $.assets[asset];
            // slither-disable-next-line calls-loop (the system's own price feed, one call per pledged asset)
            IPriceFeed.Price memory p = $.feed.price(asset);
            if (_staleness(c, asset, p.updatedAt) != Staleness.Fresh) fresh = false;
            // One rounding (down) and no overflow: a full-width product divided once.
            value += Math.mulDiv(
                _position($, c, account, asset), uint256(p.value) * (BPS - c.haircutBps), PRICE_SCALE * BPS
            );
        }
    }

    function _revertStale(VaultStorage storage $, uint64 mask) private view {
        for (uint256 i; mask >> i != 0; ++i) {
            if ((mask >> i) & 1 == 0) continue;
            address asset = $.assetList[i];
            AssetConfig memory c = $.assets[asset];
            // slither-disable-next-line calls-loop (the system's own price feed, one call per pledged asset)
            uint40 updatedAt = $.feed.price(asset).updatedAt;
            Staleness staleness = _staleness(c, asset, updatedAt);
            require(staleness != Staleness.Old, VaultPriceStale(asset, updatedAt, c.maxPriceAge));
            // Not a `require`: its error's arguments would be evaluated, calling a token that may
            // not split.
            if (staleness == Staleness.BeforeSplit) {
                // slither-disable-next-line calls-loop (the pledged asset's own token, on the way to a revert)
                revert VaultPriceBeforeSplit(asset, updatedAt, IEntitlementToken(asset).lastSplitTime());
            }
        }
    }

    /// @dev Whether a price posted at `updatedAt` may value `asset`: not missing or older than the
    /// asset's limit, and for an asset that splits, posted after its last split (a price from
    /// before it is per old unit, while positions are already in the new units).
    function _staleness(AssetConfig memory c, address asset, uint40 updatedAt) private view returns (Staleness) {
        // slither-disable-next-line timestamp (price age in seconds against a limit of minutes or more)
        if (updatedAt == 0 || block.timestamp > uint256(updatedAt) + c.maxPriceAge) return Staleness.Old;
        // slither-disable-next-line calls-loop (the pledged asset's own token, one call per valuation)
        if (c.splits && updatedAt <= IEntitlementToken(asset).lastSplitTime()) return Staleness.BeforeSplit;
        return Staleness.Fresh;
    }

    /// @dev An account's units of `asset`: held in custody, or for an ERC-7246 asset its
    /// encumbrance to this vault as the token reports it (after a split, in the new units).
    function _position(VaultStorage storage $, AssetConfig memory c, address account, address asset)
        private
        view
        returns (uint256)
    {
        // slither-disable-next-line calls-loop (the pledged asset's own token, one call per valuation)
        return c.encumbered ? IERC7246(asset).encumbrances(account, address(this)) : $.positions[account][asset];
    }

    function _listed(VaultStorage storage $, address asset) private view returns (AssetConfig memory c) {
        c = $.assets[asset];
        require(c.listed, VaultAssetNotListed(asset));
    }

    function _storage() private pure returns (VaultStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := VAULT_STORAGE
        }
    }
}
