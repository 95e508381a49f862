// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {CollateralVault} from "../../../../contracts/collateral/CollateralVault.sol";
import {PriceFeed} from "../../../../contracts/collateral/PriceFeed.sol";
import {RestrictionCode} from "../../../../contracts/compliance/RestrictionCode.sol";
import {IdentityRegistry} from "../../../../contracts/identity/IdentityRegistry.sol";
import {ICollateralVault} from "../../../../contracts/interfaces/ICollateralVault.sol";
import {IPriceFeed} from "../../../../contracts/interfaces/IPriceFeed.sol";
import {PlainERC20} from "../../../../contracts/mocks/PlainERC20.sol";
import {EntitlementToken} from "../../../../contracts/token/EntitlementToken.sol";
import {Test} from "../../utils/Test.sol";

/// @notice Drives the collateral vault with pledges, withdrawals, price moves, stale prices,
/// requirement changes, margin calls, cures, liquidations to any recipient and attempts to move
/// pledged units. An independent model of the valuation predicts each outcome: a call the model
/// says must succeed is made directly (a revert fails the run); one it says must fail is tried and
/// a success is recorded as a breach. Ghost sums track every unit in and out.
contract CollateralVaultHandler is Test {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant PRICE_SCALE = 1e18;

    CollateralVault internal immutable vault;
    PriceFeed internal immutable feed;
    IdentityRegistry internal immutable registry;
    EntitlementToken internal immutable token;
    address internal immutable clearing;
    address internal immutable feeder;

    address[] internal assets;
    address[] internal pledgers;
    address[] internal recipients;

    mapping(address account => mapping(address asset => uint256)) public ghostPosition;
    mapping(address asset => uint256) public ghostDeposited;
    mapping(address asset => uint256) public ghostWithdrawn;
    mapping(address asset => uint256) public ghostLiquidated;
    /// @notice Successful liquidations of the entitlement token (shows the path is reached).
    uint256 public securityLiquidations;
    /// @notice Set when a withdrawal left an account below its requirement.
    bool public withdrawalBreach;
    /// @notice Set when a call the model says must fail went through (names the call).
    string public unexpectedSuccess;
    /// @notice Set when liquidated securities went to a wallet that was not registered.
    bool public unregisteredRecipient;

    constructor(
        CollateralVault vault_,
        PriceFeed feed_,
        IdentityRegistry registry_,
        EntitlementToken token_,
        PlainERC20 plain,
        address clearing_,
        address feeder_,
        address[] memory pledgers_,
        address[] memory recipients_
    ) {
        (vault, feed, registry, token, clearing, feeder) = (vault_, feed_, registry_, token_, clearing_, feeder_);
        (assets, pledgers, recipients) = (new address[](2), pledgers_, recipients_);
        (assets[0], assets[1]) = (address(token_), address(plain));
    }

    function deposit(uint256 who, uint256 assetSeed, uint256 amount) external {
        address account = pledgers[who % pledgers.length];
        address asset = assets[assetSeed % 2];
        uint256 free =
            asset == address(token) ? token.availableBalanceOf(account) : PlainERC20(asset).balanceOf(account);
        if (free == 0) return;
        amount = bound(amount, 1, free);
        vm.prank(account);
        vault.deposit(asset, amount);
        ghostPosition[account][asset] += amount;
        ghostDeposited[asset] += amount;
    }

    function withdraw(uint256 who, uint256 assetSeed, uint256 amount) external {
        address account = pledgers[who % pledgers.length];
        address asset = assets[assetSeed % 2];
        uint256 held = ghostPosition[account][asset];
        if (held == 0) return;
        amount = bound(amount, 1, held);
        bool fresh = _fresh(account);
        ghostPosition[account][asset] = held - amount;
        bool allowed = fresh && _value(account) >= _requirement(account);
        ghostPosition[account][asset] = held;
        vm.prank(account);
        if (allowed) {
            vault.withdraw(asset, amount);
        } else {
            try vault.withdraw(asset, amount) {
                unexpectedSuccess = "withdraw";
            } catch {
                return;
            }
        }
        ghostPosition[account][asset] = held - amount;
        ghostWithdrawn[asset] += amount;
        (uint256 value, uint256 requirement,,) = vault.marginStatus(account);
        if (value < requirement) withdrawalBreach = true;
    }

    function setPrices(uint256 tokenPrice, uint256 plainPrice) external {
        vm.startPrank(feeder);
        feed.setPrice(assets[0], uint128(bound(tokenPrice, PRICE_SCALE / 10, 20 * PRICE_SCALE)));
        feed.setPrice(assets[1], uint128(bound(plainPrice, PRICE_SCALE / 2, 2 * PRICE_SCALE)));
        vm.stopPrank();
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
    }

    function setRequirement(uint256 who, uint256 requirement) external {
        vm.prank(clearing);
        vault.setRequirement(pledgers[who % pledgers.length], uint96(bound(requirement, 0, 12_000)));
    }

    function marginCall(uint256 who) external {
        address account = pledgers[who % pledgers.length];
        (,, uint40 deadline,) = vault.marginStatus(account);
        bool allowed = deadline == 0 && _fresh(account) && _value(account) < _requirement(account);
        vm.prank(clearing);
        if (allowed) vault.marginCall(account);
        else _expectFailure(abi.encodeCall(ICollateralVault.marginCall, (account)), "marginCall");
    }

    function cure(uint256 who) external {
        address account = pledgers[who % pledgers.length];
        (,, uint40 deadline,) = vault.marginStatus(account);
        bool allowed = deadline != 0 && _fresh(account) && _value(account) >= _requirement(account);
        if (allowed) vault.cure(account);
        else _expectFailure(abi.encodeCall(ICollateralVault.cure, (account)), "cure");
    }

    function liquidate(uint256 who, uint256 assetSeed, uint256 amount, uint256 to) external {
        address account = pledgers[who % pledgers.length];
        address asset = assets[assetSeed % 2];
        address recipient = recipients[to % recipients.length];
        uint256 held = ghostPosition[account][asset];
        amount = bound(amount, 1, held == 0 ? 1 : held);
        (,, uint40 deadline,) = vault.marginStatus(account);
        bool allowed = deadline != 0 && block.timestamp > deadline && _fresh(account)
            && _value(account) < _requirement(account) && amount <= held
            && (asset != address(token) || _deliverable(account, recipient, amount));
        vm.prank(clearing);
        if (!allowed) {
            _expectFailure(abi.encodeCall(ICollateralVault.liquidate, (account, asset, amount, recipient)), "liquidate");
            return;
        }
        vault.liquidate(account, asset, amount, recipient);
        ghostPosition[account][asset] = held - amount;
        ghostLiquidated[asset] += amount;
        if (asset == address(token)) {
            ++securityLiquidations;
            if (!registry.isRegistered(recipient)) unregisteredRecipient = true;
        }
    }

    /// @dev Whether the vault may seize pledged units of the security to `recipient`: the token's
    /// view judges the owner blind to the vault's encumbrance, which the vault spends first, so
    /// "exceeds the unencumbered balance" is no refusal. No investor rule is on in this fixture.
    function _deliverable(address account, address recipient, uint256 amount) private view returns (bool) {
        uint8 code = token.detectTransferRestriction(account, recipient, amount);
        return code == RestrictionCode.SUCCESS || code == RestrictionCode.BALANCE_ENCUMBERED;
    }

    /// @notice An owner tries to move pledged units of the security out of the wallet.
    function movePledged(uint256 who, uint256 extra) external {
        address account = pledgers[who % pledgers.length];
        uint256 pledged = token.encumbrances(account, address(vault));
        if (pledged == 0) return;
        uint256 amount = token.availableBalanceOf(account) + bound(extra, 1, pledged);
        vm.prank(account);
        try token.transfer(recipients[0], amount) {
            unexpectedSuccess = "transfer of pledged units";
        } catch {}
    }

    function assetList() external view returns (address[] memory) {
        return assets;
    }

    function pledgerList() external view returns (address[] memory) {
        return pledgers;
    }

    function recipientList() external view returns (address[] memory) {
        return recipients;
    }

    /// @dev The model's valuation: each pledged asset at its price, less its haircut, rounded down.
    function _value(address account) internal view returns (uint256 value) {
        for (uint256 i; i < assets.length; ++i) {
            uint256 held = ghostPosition[account][assets[i]];
            if (held == 0) continue;
            uint256 haircut = vault.assetConfig(assets[i]).haircutBps;
            value += Math.mulDiv(held, feed.price(assets[i]).value * (BPS - haircut), PRICE_SCALE * BPS);
        }
    }

    /// @dev Every asset the account has pledged has a price no older than the asset's limit.
    function _fresh(address account) internal view returns (bool) {
        for (uint256 i; i < assets.length; ++i) {
            if (ghostPosition[account][assets[i]] == 0) continue;
            IPriceFeed.Price memory p = feed.price(assets[i]);
            if (p.updatedAt == 0 || block.timestamp > uint256(p.updatedAt) + vault.assetConfig(assets[i]).maxPriceAge) {
                return false;
            }
        }
        return true;
    }

    function _requirement(address account) internal view returns (uint256 requirement) {
        (, requirement,,) = vault.marginStatus(account);
    }

    /// @dev Calls the vault (the prank, if any, is already set) and records a success as a breach.
    function _expectFailure(bytes memory data, string memory name) internal {
        (bool ok,) = address(vault).call(data);
        if (ok) unexpectedSuccess = name;
    }
}
