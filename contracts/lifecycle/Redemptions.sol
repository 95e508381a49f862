// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {IRedemptions} from "../interfaces/IRedemptions.sol";

/// @title Redemptions
/// @notice Forward-priced redemption of fund shares at NAV; see `IRedemptions`.
/// @dev Requested units stay in the holder's wallet until settlement (the token has no lock this
/// contract may place); `pendingUnits` stops a holder requesting the same units twice, and a
/// settlement whose units have since moved reverts with the token's own error.
/// Invariant: `pendingUnits(token, wallet)` is the sum of that wallet's pending requests.
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
        mapping(address token => mapping(address wallet => uint256)) pending;
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
        (current.navPerUnit, current.asOf) = (navPerUnit, asOf);
        emit NavPublished(token, navPerUnit, asOf);
    }

    /// @inheritdoc IRedemptions
    function requestRedemption(address token, uint256 units) external returns (uint256 requestId) {
        RedemptionsStorage storage $ = _storage();
        uint40 cutoff = _fund($, token).cutoff;
        // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
        require(block.timestamp < cutoff, RedemptionDealingClosed(token, cutoff));
        uint256 pending = $.pending[token][msg.sender];
        // Only this contract releases its encumbrance, and it always holds the pending units.
        uint256 spare = IEntitlementToken(token).encumbrances(msg.sender, address(this)) - pending;
        uint256 available = IEntitlementToken(token).transferableBalance(msg.sender) + spare;
        require(units != 0 && units <= available, RedemptionUnitsInvalid(msg.sender, units, available));
        $.pending[token][msg.sender] = pending + units;
        // slither-disable-next-line reentrancy-events (the fund's own token, set by the issuer; it calls nothing back)
        if (units > spare) IEntitlementToken(token).encumberFrom(msg.sender, address(this), units - spare);
        requestId = ++$.count;
        // `units` is at most a token balance, below 2^96.
        $.requests[requestId] = Request(msg.sender, uint96(units), token, cutoff, RequestStatus.Pending);
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
        $.pending[r.token][r.wallet] -= r.units;
        // slither-disable-next-line reentrancy-events (the fund's own token; a release is bookkeeping only)
        IEntitlementToken(r.token).release(r.wallet, r.units);
        emit RedemptionCancelled(requestId);
    }

    /// @inheritdoc IRedemptions
    function settle(uint256[] calldata requestIds) external onlyRole(Roles.NAV_ADMINISTRATOR) nonReentrant {
        RedemptionsStorage storage $ = _storage();
        for (uint256 i; i < requestIds.length; ++i) {
            uint256 id = requestIds[i];
            Request storage r = _pending($, id);
            (address token, address wallet, uint256 units, uint40 cutoff) = (r.token, r.wallet, r.units, r.cutoff);
            // slither-disable-next-line timestamp (a deadline in seconds; a validator's seconds of drift cannot matter)
            require(block.timestamp >= cutoff, RedemptionCutoffNotReached(id, cutoff));
            r.status = RequestStatus.Settled;
            $.pending[token][wallet] -= units;
            // slither-disable-next-line calls-loop (the fund's own token, one release per settled request)
            IEntitlementToken(token).release(wallet, units);
            _redeem($, token, wallet, units, cutoff, id);
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
        for (uint256 i; i < wallets.length; ++i) {
            // Frozen and encumbered units cannot be burnt: they stay until released. The token
            // keeps frozen plus encumbered units within the balance.
            // slither-disable-next-line calls-loop (the fund's own token, three reads per wallet of the batch)
            uint256 units = t.balanceOf(wallets[i]) - t.getFrozenTokens(wallets[i]) - t.encumberedBalanceOf(wallets[i]);
            if (units != 0) _redeem($, token, wallets[i], units, maturity, 0);
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
        return _storage().pending[token][wallet];
    }

    /// @dev Burns `units` of `wallet` and pays their value at the NAV, which must be as of
    /// `pricedAt` or later (forward pricing).
    function _redeem(
        RedemptionsStorage storage $,
        address token,
        address wallet,
        uint256 units,
        uint40 pricedAt,
        uint256 requestId
    ) private {
        Nav memory n = $.navs[token];
        require(n.asOf >= pricedAt, RedemptionNavStale(token, n.asOf, pricedAt));
        uint256 cashPaid = units * n.navPerUnit / NAV_SCALE;
        Fund storage f = $.funds[token];
        // slither-disable-next-line calls-loop (the fund's own token, one burn per redeemed wallet)
        IEntitlementToken(token).burn(wallet, units);
        // slither-disable-next-line arbitrary-send-erc20 (the fund's treasury set by the issuer; units burnt at NAV)
        IERC20(f.cash).safeTransferFrom(f.treasury, wallet, cashPaid);
        emit RedemptionSettled(requestId, token, wallet, units, cashPaid, n.navPerUnit);
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
