// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {IEntitlementTokenRecords} from "../interfaces/IEntitlementTokenRecords.sol";
import {IRedemptions} from "../interfaces/IRedemptions.sol";

/// @title Redemptions
/// @notice Forward-priced redemption of fund shares at NAV; see `IRedemptions`.
/// @dev Requested units stay in the holder's wallet, encumbered to this contract, until the request
/// settles or is cancelled. Splits of the token convert the encumbrance, not the numbers kept
/// here: a request keeps the token's last split record at its making and is converted by the
/// splits since (`splitFactorSince`, rounded down) when it closes, never beyond what the token
/// still holds encumbered for its wallet; a NAV is converted the same way from the split in force
/// when it was published. A wallet's pending total keeps its split record too and rounds up on
/// each conversion, so it never falls below what its requests can still burn.
/// Invariant: a wallet's pending total is at least the sum of its pending requests in today's
/// units, and once it has none, nothing of it stays encumbered to this contract.
contract Redemptions is IRedemptions, AuthorityManaged, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant NAV_SCALE = 1e18;
    /// @notice How long after its cut-off a request waits for settlement before its holder may
    /// withdraw it and have its units released.
    uint256 public constant SETTLEMENT_WINDOW = 30 days;

    /// @custom:storage-location erc7201:permledger.storage.Redemptions
    struct RedemptionsStorage {
        uint256 count;
        mapping(address token => Fund) funds;
        mapping(address token => Nav) navs;
        mapping(uint256 requestId => Request) requests;
        mapping(address token => mapping(address wallet => Pending)) pending;
    }

    /// @dev A wallet's pending requests: their total in the units after split `splitRecord`
    /// (rounded up by each conversion) and their number. One slot; `units` stays where the total
    /// was kept before splits were handled.
    struct Pending {
        uint96 units;
        uint24 splitRecord;
        uint32 requests;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.Redemptions")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REDEMPTIONS_STORAGE = 0xeebcd6c28d397b09e3ddd9333298c5a6404b326d37a499441458ca69b19a3100;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the contract to the system's authority.
    function initialize(address authority_) external initializer {
        __AuthorityManaged_init(authority_);
    }

    /// @inheritdoc IRedemptions
    function configureFund(address token, address cash, address treasury, uint40 maturity)
        external
        onlyRole(Roles.ISSUER)
    {
        require(
            token != address(0) && cash != address(0) && treasury != address(0), RedemptionFundInvalid(cash, treasury)
        );
        Fund storage f = _storage().funds[token];
        (f.cash, f.treasury, f.maturity) = (cash, treasury, maturity);
        emit FundConfigured(token, cash, treasury, maturity);
    }

    /// @inheritdoc IRedemptions
    function scheduleDealing(address token, uint40 cutoff) external onlyRole(Roles.NAV_ADMINISTRATOR) {
        Fund storage f = _fund(_storage(), token);
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(cutoff > block.timestamp, RedemptionCutoffInvalid(cutoff));
        f.cutoff = cutoff;
        emit DealingScheduled(token, cutoff);
    }

    /// @inheritdoc IRedemptions
    function publishNav(address token, uint128 navPerUnit, uint40 asOf) external onlyRole(Roles.NAV_ADMINISTRATOR) {
        RedemptionsStorage storage $ = _storage();
        _fund($, token);
        Nav storage current = $.navs[token];
        // slither-disable-next-line timestamp (NAV time in seconds; the cut-off is hours away)
        require(
            navPerUnit != 0 && asOf <= block.timestamp && asOf >= current.asOf, RedemptionNavInvalid(navPerUnit, asOf)
        );
        (current.navPerUnit, current.asOf, current.splitRecord) =
        (navPerUnit, asOf, IEntitlementTokenRecords(token).lastSplitRecord());
        emit NavPublished(token, navPerUnit, asOf);
    }

    /// @inheritdoc IRedemptions
    function requestRedemption(address token, uint256 units) external returns (uint256 requestId) {
        RedemptionsStorage storage $ = _storage();
        uint40 cutoff = _fund($, token).cutoff;
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp < cutoff, RedemptionDealingClosed(token, cutoff));
        uint24 last = IEntitlementTokenRecords(token).lastSplitRecord();
        Pending storage p = $.pending[token][msg.sender];
        uint256 pending = _pendingNow(token, p, last);
        (, uint256 spare) = _held(token, msg.sender, pending);
        uint256 available = IEntitlementToken(token).transferableBalance(msg.sender) + spare;
        require(units != 0 && units <= available, RedemptionUnitsInvalid(msg.sender, units, available));
        (p.units, p.splitRecord, p.requests) = (SafeCast.toUint96(pending + units), last, p.requests + 1);
        // slither-disable-next-line reentrancy-events (the fund's own token, set by the issuer; it calls nothing back)
        if (units > spare) IEntitlementToken(token).encumberFrom(msg.sender, address(this), units - spare);
        requestId = ++$.count;
        // `units` is at most a token balance, below 2^96.
        $.requests[requestId] = Request(msg.sender, uint96(units), token, cutoff, RequestStatus.Pending, last);
        emit RedemptionRequested(requestId, token, msg.sender, units, cutoff);
    }

    /// @inheritdoc IRedemptions
    function cancelRedemption(uint256 requestId) external {
        RedemptionsStorage storage $ = _storage();
        Request storage r = _pending($, requestId);
        require(r.wallet == msg.sender, RedemptionNotRequester(requestId, msg.sender));
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(
            block.timestamp < r.cutoff || block.timestamp >= uint256(r.cutoff) + SETTLEMENT_WINDOW,
            RedemptionCutoffPassed(requestId, r.cutoff)
        );
        r.status = RequestStatus.Cancelled;
        uint256 units = _close($, r, IEntitlementTokenRecords(r.token).lastSplitRecord());
        // slither-disable-next-line reentrancy-events (the fund's own token; a release is bookkeeping only)
        emit RedemptionCancelled(requestId, units);
    }

    /// @inheritdoc IRedemptions
    function releaseExcess(address token) external nonReentrant returns (uint256 amount) {
        RedemptionsStorage storage $ = _storage();
        _fund($, token);
        uint24 last = IEntitlementTokenRecords(token).lastSplitRecord();
        (, amount) = _held(token, msg.sender, _pendingNow(token, $.pending[token][msg.sender], last));
        if (amount == 0) return 0;
        IEntitlementToken(token).release(msg.sender, amount);
        emit RedemptionExcessReleased(token, msg.sender, amount);
    }

    /// @inheritdoc IRedemptions
    function settle(uint256[] calldata requestIds) external onlyRole(Roles.NAV_ADMINISTRATOR) nonReentrant {
        RedemptionsStorage storage $ = _storage();
        for (uint256 i; i < requestIds.length; ++i) {
            uint256 id = requestIds[i];
            Request storage r = _pending($, id);
            (address token, address wallet, uint40 cutoff) = (r.token, r.wallet, r.cutoff);
            // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
            require(block.timestamp >= cutoff, RedemptionCutoffNotReached(id, cutoff));
            r.status = RequestStatus.Settled;
            // slither-disable-next-line calls-loop (the fund's own token, one read per settled request)
            uint24 last = IEntitlementTokenRecords(token).lastSplitRecord();
            _redeem($, token, wallet, _close($, r, last), cutoff, id, last);
        }
    }

    /// @inheritdoc IRedemptions
    function redeemAtMaturity(address token, address[] calldata wallets)
        external
        onlyRole(Roles.NAV_ADMINISTRATOR)
        nonReentrant
    {
        RedemptionsStorage storage $ = _storage();
        uint40 maturity = _fund($, token).maturity;
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(maturity != 0 && block.timestamp >= maturity, RedemptionNotMatured(token, maturity));
        IEntitlementToken t = IEntitlementToken(token);
        uint24 last = IEntitlementTokenRecords(token).lastSplitRecord();
        for (uint256 i; i < wallets.length; ++i) {
            // Frozen and encumbered units cannot be burnt: they stay until released. The token
            // keeps frozen plus encumbered units within the balance.
            // slither-disable-next-line calls-loop (the fund's own token, three reads per wallet of the batch)
            uint256 units = t.balanceOf(wallets[i]) - t.getFrozenTokens(wallets[i]) - t.encumberedBalanceOf(wallets[i]);
            if (units != 0) _redeem($, token, wallets[i], units, maturity, 0, last);
        }
    }

    /// @inheritdoc IRedemptions
    function fund(address token) external view returns (Fund memory) {
        return _fund(_storage(), token);
    }

    /// @inheritdoc IRedemptions
    function nav(address token) external view returns (Nav memory) {
        return _storage().navs[token];
    }

    /// @inheritdoc IRedemptions
    function request(uint256 requestId) external view returns (Request memory r) {
        r = _storage().requests[requestId];
        require(r.status != RequestStatus.None, RedemptionRequestUnknown(requestId));
    }

    /// @inheritdoc IRedemptions
    function pendingUnits(address token, address wallet) external view returns (uint256) {
        return _pendingNow(token, _storage().pending[token][wallet], IEntitlementTokenRecords(token).lastSplitRecord());
    }

    /// @inheritdoc IRedemptions
    function redeemableUnits(uint256 requestId) external view returns (uint256) {
        Request storage r = _storage().requests[requestId];
        require(r.status != RequestStatus.None, RedemptionRequestUnknown(requestId));
        if (r.status != RequestStatus.Pending) return 0;
        uint24 last = IEntitlementTokenRecords(r.token).lastSplitRecord();
        uint256 units = _converted(r.token, r.units, r.splitRecord, last, Math.Rounding.Floor);
        return Math.min(units, IEntitlementToken(r.token).encumbrances(r.wallet, address(this)));
    }

    /// @dev Closes pending request `r` (status already set) for its wallet and returns its units in
    /// today's units: converted by the splits since it was made, rounded down, and at most what the
    /// token holds encumbered to this contract for the wallet. Releases them, and for the wallet's
    /// last pending request everything else encumbered here (splits' roundings, units the holder
    /// encumbered by itself), so nothing stays locked.
    function _close(RedemptionsStorage storage $, Request storage r, uint24 last) private returns (uint256 units) {
        (address token, address wallet) = (r.token, r.wallet);
        Pending storage p = $.pending[token][wallet];
        uint256 converted = _converted(token, r.units, r.splitRecord, last, Math.Rounding.Floor);
        (uint256 held,) = _held(token, wallet, 0);
        units = Math.min(converted, held);
        uint256 released = units;
        if (p.requests == 1) {
            released = held;
            delete $.pending[token][wallet];
        } else {
            // The total rounds up and each request down, so the total covers this one.
            uint256 rest = _pendingNow(token, p, last) - converted;
            (p.units, p.splitRecord, p.requests) = (SafeCast.toUint96(rest), last, p.requests - 1);
        }
        // slither-disable-next-line calls-loop (the fund's own token, one release per closed request)
        if (released != 0) IEntitlementToken(token).release(wallet, released);
        // slither-disable-next-line reentrancy-events (the fund's own token; a release is bookkeeping only)
        if (released > units) emit RedemptionExcessReleased(token, wallet, released - units);
    }

    /// @dev Burns `units` of `wallet` and pays their value at the NAV, which must be as of
    /// `pricedAt` or later (forward pricing) and is converted to the units after split `last`.
    function _redeem(
        RedemptionsStorage storage $,
        address token,
        address wallet,
        uint256 units,
        uint40 pricedAt,
        uint256 requestId,
        uint24 last
    ) private {
        Nav memory n = $.navs[token];
        require(n.asOf >= pricedAt, RedemptionNavStale(token, n.asOf, pricedAt));
        uint128 navPerUnit = n.navPerUnit;
        if (n.splitRecord != last) {
            // A price per old unit: the same value per new unit is the price divided by the factor.
            // slither-disable-next-line calls-loop (the fund's own token; only after a split)
            (uint256 numerator, uint256 denominator) =
                IEntitlementTokenRecords(token).splitFactorSince(n.splitRecord + 1);
            navPerUnit = SafeCast.toUint128(Math.mulDiv(navPerUnit, denominator, numerator));
        }
        uint256 cashPaid = units * navPerUnit / NAV_SCALE;
        if (units != 0) {
            Fund storage f = $.funds[token];
            // slither-disable-next-line calls-loop (the fund's own token, one burn per redeemed wallet)
            IEntitlementToken(token).burn(wallet, units);
            // slither-disable-next-line arbitrary-send-erc20 (the fund's treasury set by the issuer; units burnt at NAV)
            IERC20(f.cash).safeTransferFrom(f.treasury, wallet, cashPaid);
        }
        emit RedemptionSettled(requestId, token, wallet, units, cashPaid, navPerUnit);
    }

    /// @dev What the token holds encumbered to this contract for `wallet` (today's units), and how
    /// much of it is beyond `pending`.
    function _held(address token, address wallet, uint256 pending) private view returns (uint256 held, uint256 excess) {
        // slither-disable-next-line calls-loop (the fund's own token, one read per request)
        held = IEntitlementToken(token).encumbrances(wallet, address(this));
        excess = held > pending ? held - pending : 0;
    }

    /// @dev A wallet's pending total in the units after split `last`, rounded up.
    function _pendingNow(address token, Pending storage p, uint24 last) private view returns (uint256) {
        return _converted(token, p.units, p.splitRecord, last, Math.Rounding.Ceil);
    }

    /// @dev `units` in the units after split `from` converted to those after split `last`.
    function _converted(address token, uint256 units, uint24 from, uint24 last, Math.Rounding rounding)
        private
        view
        returns (uint256)
    {
        if (from == last || units == 0) return units;
        // Splits after `from` have record ids from `from + 1`, scheduled since `last` is one.
        // slither-disable-next-line calls-loop (the fund's own token; only after a split)
        (uint256 numerator, uint256 denominator) = IEntitlementTokenRecords(token).splitFactorSince(from + 1);
        return Math.mulDiv(units, numerator, denominator, rounding);
    }

    function _fund(RedemptionsStorage storage $, address token) private view returns (Fund storage f) {
        f = $.funds[token];
        require(f.cash != address(0), RedemptionFundUnknown(token));
    }

    function _pending(RedemptionsStorage storage $, uint256 requestId) private view returns (Request storage r) {
        r = $.requests[requestId];
        require(r.status != RequestStatus.None, RedemptionRequestUnknown(requestId));
        require(r.status == RequestStatus.Pending, RedemptionRequestClosed(requestId, r.status));
    }

    function _storage() private pure returns (RedemptionsStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := REDEMPTIONS_STORAGE
        }
    }
}
