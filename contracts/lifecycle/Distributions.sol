// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IDistributions} from "../interfaces/IDistributions.sol";
import {IEntitlementTokenRecords} from "../interfaces/IEntitlementTokenRecords.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {Holders} from "../libraries/Holders.sol";
import {WalletRecord} from "../types/WalletRecord.sol";

/// @title Distributions
/// @notice Pull-based cash distributions at a record date; see `IDistributions`.
/// @dev Announcing writes two slots (a third, the amounts paid and held, starts at zero) and reads
/// the record-date supply once, so its cost is the same at any number of holders. Each payment
/// reads the investor's record-date balance and the record-date supply from the token. Per distribution, two bits per investor number (the registry's
/// sequential number) say "paid" and "held", so a claim usually touches a word other investors
/// already warmed.
/// Invariants, per distribution: `disbursed + held <= funded`; the contract holds at least
/// `funded - disbursed` of its cash for it; an investor is paid at most once.
/// Units escrowed in DvP or pledged in the collateral vault are locked by ERC-7246 encumbrance and
/// stay in their owner's balance, so record-date balances already credit the beneficial owner.
contract Distributions is IDistributions, AuthorityManaged, ReentrancyGuardTransient {
    using BitMaps for BitMaps.BitMap;
    using SafeERC20 for IERC20;

    /// @custom:storage-location erc7201:permledger.storage.Distributions
    struct DistributionsStorage {
        // One slot: announcing reads the registry and bumps the count together.
        IIdentityRegistry registry;
        uint96 count;
        mapping(uint256 distributionId => Stored) distributions;
        // Bit 2n: investor number n was paid; bit 2n + 1: its share is held.
        mapping(uint256 distributionId => BitMaps.BitMap) status;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.Distributions")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DISTRIBUTIONS_STORAGE = 0x82ea1acc78efb18f0e72e120ed58a3c93fed05cd18b7141547c0060db992ef00;

    /// @dev A distribution as stored. The record-date supply is not: the token answers it at the
    /// same cost as a fourth slot would, and leaving it out keeps announcing to two new slots.
    struct Stored {
        address token;
        uint40 claimDeadline;
        uint24 recordId;
        address cash;
        uint96 funded;
        uint96 held;
        uint96 disbursed;
    }

    /// @dev One payment as worked out for an investor.
    struct Payment {
        uint256 distributionId;
        address wallet;
        bytes32 investorId;
        uint256 paidBit;
        bool held;
        bool frozen;
        uint256 share;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the contract to the system's authority and identity registry.
    function initialize(address authority_, address registry_) external initializer {
        __AuthorityManaged_init(authority_);
        _storage().registry = IIdentityRegistry(registry_);
    }

    /// @inheritdoc IDistributions
    function announce(address token, uint24 recordId, address cash, uint256 amount, uint40 claimDeadline)
        external
        onlyRole(Roles.ISSUER)
        nonReentrant
        returns (uint256 distributionId)
    {
        DistributionsStorage storage $ = _storage();
        require(amount != 0 && amount <= type(uint96).max, DistributionAmountInvalid(amount));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(claimDeadline > block.timestamp, DistributionDeadlineInvalid(claimDeadline, block.timestamp));
        require(Holders.isBoundTo(token, address($.registry)), DistributionTokenInvalid(token));
        uint256 supply = 0;
        try IEntitlementTokenRecords(token).totalSupplyAt(recordId) returns (uint256 s) {
            supply = s;
        } catch {
            revert DistributionRecordDateNotPassed(token, recordId);
        }
        require(supply != 0, DistributionNoHoldersOfRecord(token, recordId));

        uint256 before = IERC20(cash).balanceOf(address(this));
        IERC20(cash).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(cash).balanceOf(address(this)) - before;
        // slither-disable-next-line incorrect-equality (exact on purpose: refuses fee-on-transfer cash)
        require(received == amount, DistributionFundingMismatch(amount, received));

        distributionId = ++$.count;
        // A token's supply never exceeds 2^96 - 1 (IEntitlementToken), and `amount` was checked.
        $.distributions[distributionId] = Stored(token, claimDeadline, recordId, cash, uint96(amount), 0, 0);
        emit DistributionAnnounced(distributionId, token, recordId, cash, amount, supply, claimDeadline);
    }

    /// @inheritdoc IDistributions
    function claim(uint256 distributionId) external nonReentrant returns (uint256 paid) {
        DistributionsStorage storage $ = _storage();
        Stored storage d = _existing($, distributionId);
        Payment memory p = _payment($, d, distributionId, msg.sender, _supplyAtRecord(d));
        BitMaps.BitMap storage status = $.status[distributionId];
        require(!status.get(p.paidBit), DistributionAlreadyPaid(distributionId, p.investorId));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(
            p.held || block.timestamp <= d.claimDeadline, DistributionClaimPeriodOver(distributionId, d.claimDeadline)
        );
        require(p.share != 0, DistributionNothingOwed(distributionId, p.investorId));
        return _pay(d, status, p);
    }

    /// @inheritdoc IDistributions
    function push(uint256 distributionId, address[] calldata wallets)
        external
        onlyRole(Roles.TRANSFER_AGENT)
        nonReentrant
    {
        DistributionsStorage storage $ = _storage();
        Stored storage d = _existing($, distributionId);
        BitMaps.BitMap storage status = $.status[distributionId];
        uint256 supply = _supplyAtRecord(d);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        bool open = block.timestamp <= d.claimDeadline;
        for (uint256 i; i < wallets.length; ++i) {
            Payment memory p = _payment($, d, distributionId, wallets[i], supply);
            // Skipped, not reverted: a batch must not fail because one investor claimed meanwhile.
            if (status.get(p.paidBit) || p.share == 0 || !(open || p.held)) continue;
            _pay(d, status, p);
        }
    }

    /// @inheritdoc IDistributions
    function reclaim(uint256 distributionId, address to)
        external
        onlyRole(Roles.ISSUER)
        nonReentrant
        returns (uint256 amount)
    {
        Stored storage d = _existing(_storage(), distributionId);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp > d.claimDeadline, DistributionClaimPeriodOpen(distributionId, d.claimDeadline));
        amount = d.funded - d.disbursed - d.held;
        require(amount != 0, DistributionNothingToReclaim(distributionId));
        d.disbursed += uint96(amount);
        IERC20(d.cash).safeTransfer(to, amount);
        emit DistributionReclaimed(distributionId, to, amount);
    }

    /// @inheritdoc IDistributions
    function distribution(uint256 distributionId) external view returns (Distribution memory) {
        Stored storage d = _existing(_storage(), distributionId);
        return Distribution(
            d.token, uint96(_supplyAtRecord(d)), d.cash, d.held, d.funded, d.disbursed, d.claimDeadline, d.recordId
        );
    }

    /// @inheritdoc IDistributions
    function distributionCount() external view returns (uint256) {
        return _storage().count;
    }

    /// @inheritdoc IDistributions
    function owed(uint256 distributionId, bytes32 investorId) external view returns (uint256 amount, bool held) {
        DistributionsStorage storage $ = _storage();
        Stored storage d = _existing($, distributionId);
        uint256 n = $.registry.investor(investorId).number;
        if (n == 0 || $.status[distributionId].get(2 * n)) return (0, false);
        held = $.status[distributionId].get(2 * n + 1);
        amount = _share(d, investorId, _supplyAtRecord(d));
    }

    /// @inheritdoc IDistributions
    function isPaid(uint256 distributionId, bytes32 investorId) external view returns (bool) {
        DistributionsStorage storage $ = _storage();
        _existing($, distributionId);
        uint256 n = $.registry.investor(investorId).number;
        return n != 0 && $.status[distributionId].get(2 * n);
    }

    /// @inheritdoc IDistributions
    function identityRegistry() external view returns (address) {
        return address(_storage().registry);
    }

    /// @dev Works out what `wallet`'s investor is owed and whether anything stands in the way.
    function _payment(
        DistributionsStorage storage $,
        Stored storage d,
        uint256 distributionId,
        address wallet,
        uint256 supply
    ) private view returns (Payment memory p) {
        WalletRecord record;
        (record, p.investorId) = Holders.lookUp($.registry, wallet);
        require(record.registered(), DistributionWalletNotRegistered(wallet));
        p.distributionId = distributionId;
        p.wallet = wallet;
        p.paidBit = 2 * uint256(record.investorNumber());
        p.held = $.status[distributionId].get(p.paidBit + 1);
        p.frozen = record.frozen();
        p.share = _share(d, p.investorId, supply);
    }

    /// @dev Pays `p`, or holds it when the investor is frozen or the cash token refuses.
    /// The transfer comes before the bookkeeping so a refusal can fall back to holding; every
    /// external entry point is `nonReentrant`, so the cash token cannot observe the gap.
    function _pay(Stored storage d, BitMaps.BitMap storage status, Payment memory p) private returns (uint256 paid) {
        // A held share is already reserved; any other must fit in what is neither paid nor held.
        if (!p.held) {
            uint256 free = d.funded - d.disbursed - d.held;
            require(p.share <= free, DistributionShareExceedsFunds(p.distributionId, p.share, free));
        }
        if (!p.frozen && IERC20(d.cash).trySafeTransfer(p.wallet, p.share)) {
            status.set(p.paidBit);
            if (p.held) {
                status.unset(p.paidBit + 1);
                d.held -= uint96(p.share);
            }
            d.disbursed += uint96(p.share);
            emit DistributionPaid(p.distributionId, p.investorId, p.wallet, p.share);
            return p.share;
        }
        if (!p.held) {
            status.set(p.paidBit + 1);
            d.held += uint96(p.share);
        }
        emit DistributionHeld(
            p.distributionId,
            p.investorId,
            p.wallet,
            p.share,
            p.frozen ? HoldReason.InvestorFrozen : HoldReason.CashTransferFailed
        );
        return 0;
    }

    /// @dev `floor(funded * record-date balance / record-date supply)`; both factors are below
    /// 2^96, so the product cannot overflow.
    function _share(Stored storage d, bytes32 investorId, uint256 supply) private view returns (uint256) {
        // slither-disable-next-line calls-loop (the distribution's own token, one read per paid investor)
        uint256 balance = IEntitlementTokenRecords(d.token).investorBalanceAt(investorId, d.recordId);
        return uint256(d.funded) * balance / supply;
    }

    /// @dev The token's supply at the distribution's record date, which announcing checked is
    /// above zero; below 2^96 like any supply of the token.
    function _supplyAtRecord(Stored storage d) private view returns (uint256) {
        return IEntitlementTokenRecords(d.token).totalSupplyAt(d.recordId);
    }

    function _existing(DistributionsStorage storage $, uint256 distributionId) private view returns (Stored storage d) {
        d = $.distributions[distributionId];
        require(d.token != address(0), DistributionUnknown(distributionId));
    }

    function _storage() private pure returns (DistributionsStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := DISTRIBUTIONS_STORAGE
        }
    }
}
