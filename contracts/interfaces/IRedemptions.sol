// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title IRedemptions
/// @notice Redemption of fund shares (entitlement tokens) at net asset value, with forward
/// pricing: holders request before a dealing cut-off; the NAV administrator publishes a NAV as of
/// a time at or after the cut-off; settlement then burns the shares and pays cash from the fund's
/// treasury in one transaction. A bill-like fund with a maturity redeems every holder at maturity.
/// NAV is cash base units per token base unit, scaled by 10^18: a redemption of `units` pays
/// `floor(units * navPerUnit / 10^18)`.
/// A request locks its units: the contract holds an ERC-7246 encumbrance on them until the request
/// settles or is withdrawn, so they can neither be sent, frozen nor forced away meanwhile.
/// The contract needs the ISSUER role of the system's authority to burn shares.
/// Splits of the token: a request for `units` made before a split is a request for the same
/// holding after it. It settles (or is withdrawn) for its units converted by the splits since it
/// was made, rounded down as the token rounds, and never for more than the token still holds
/// encumbered to this contract for its wallet; a NAV published before a split is per old unit and
/// is converted to a price per new unit the same way. When a wallet's last pending request closes,
/// everything else it has encumbered here (units splits' roundings left, units it encumbered by
/// itself) is released with it, so nothing stays locked. Where the token's split-by-split rounding
/// of a wallet's encumbrance falls short of its requests' conversions, the requests closed last
/// take the shortfall.
interface IRedemptions {
    /// @notice A fund's settings.
    struct Fund {
        address cash;
        uint40 cutoff;
        uint40 maturity;
        address treasury;
    }

    /// @notice The latest net asset value of a fund, per unit in force after the split of record
    /// date `splitRecord` (the token's `lastSplitRecord` when it was published; 0 before any).
    struct Nav {
        uint128 navPerUnit;
        uint40 asOf;
        uint24 splitRecord;
    }

    /// @notice Where a redemption request stands.
    enum RequestStatus {
        None,
        Pending,
        Cancelled,
        Settled
    }

    /// @notice A holder's request to redeem `units` at the NAV of the dealing that closes at `cutoff`;
    /// `units` are those in force after the split of record date `splitRecord` (the token's
    /// `lastSplitRecord` when it was made; 0 before any).
    struct Request {
        address wallet;
        uint96 units;
        address token;
        uint40 cutoff;
        RequestStatus status;
        uint24 splitRecord;
    }

    /// @notice `token` is redeemed in `cash`, paid from `treasury`; `maturity` 0 means open-ended.
    event FundConfigured(address indexed token, address cash, address treasury, uint40 maturity);
    /// @notice The next dealing of `token` closes for requests at `cutoff`.
    event DealingScheduled(address indexed token, uint40 cutoff);
    /// @notice The NAV of `token` as of `asOf` was published.
    event NavPublished(address indexed token, uint128 navPerUnit, uint40 asOf);
    /// @notice A redemption was requested.
    event RedemptionRequested(
        uint256 indexed requestId, address indexed token, address indexed wallet, uint256 units, uint40 cutoff
    );
    /// @notice A request was withdrawn and its `units` (today's units) released.
    event RedemptionCancelled(uint256 indexed requestId, uint256 units);
    /// @notice `units` of `wallet` encumbered to this contract beyond its pending requests were
    /// released (with its last request, or by `releaseExcess`).
    event RedemptionExcessReleased(address indexed token, address indexed wallet, uint256 units);
    /// @notice Shares were burnt and cash paid (`requestId` 0 for a redemption at maturity);
    /// `units` and `navPerUnit` are in the units in force at settlement.
    event RedemptionSettled(
        uint256 indexed requestId,
        address indexed token,
        address indexed wallet,
        uint256 units,
        uint256 cashPaid,
        uint128 navPerUnit
    );

    /// @notice The token has no fund configured here.
    error RedemptionFundUnknown(address token);
    /// @notice The cash token or the treasury is the zero address.
    error RedemptionFundInvalid(address cash, address treasury);
    /// @notice The cut-off is not in the future.
    error RedemptionCutoffInvalid(uint40 cutoff);
    /// @notice The NAV is zero or dated in the future or before the last one.
    error RedemptionNavInvalid(uint128 navPerUnit, uint40 asOf);
    /// @notice No dealing is open for requests (none scheduled, or its cut-off has passed).
    error RedemptionDealingClosed(address token, uint40 cutoff);
    /// @notice The units are zero or more than the wallet can still redeem.
    error RedemptionUnitsInvalid(address wallet, uint256 units, uint256 available);
    /// @notice No request has this id.
    error RedemptionRequestUnknown(uint256 requestId);
    /// @notice The request is no longer pending.
    error RedemptionRequestClosed(uint256 requestId, RequestStatus status);
    /// @notice Only the requesting wallet may cancel.
    error RedemptionNotRequester(uint256 requestId, address caller);
    /// @notice The request's cut-off has passed and its settlement window is still open: it can
    /// no longer be cancelled.
    error RedemptionCutoffPassed(uint256 requestId, uint40 cutoff);
    /// @notice The request's cut-off has not come yet: it cannot settle.
    error RedemptionCutoffNotReached(uint256 requestId, uint40 cutoff);
    /// @notice The latest NAV is older than the cut-off (or maturity) it must price.
    error RedemptionNavStale(address token, uint40 asOf, uint40 required);
    /// @notice The fund has no maturity, or it has not come.
    error RedemptionNotMatured(address token, uint40 maturity);

    /// @notice Sets how `token` is redeemed.
    /// Requirements: caller is an issuer; cash and treasury are not zero. Emits `FundConfigured`.
    function configureFund(address token, address cash, address treasury, uint40 maturity) external;

    /// @notice Opens the next dealing of `token`, closing for requests at `cutoff`.
    /// Requirements: caller is a NAV administrator; the fund exists; `cutoff` is in the future.
    /// Emits `DealingScheduled`.
    function scheduleDealing(address token, uint40 cutoff) external;

    /// @notice Publishes the NAV of `token` as of `asOf`.
    /// Requirements: caller is a NAV administrator; the fund exists; `navPerUnit` is not zero;
    /// `asOf` is not in the future nor before the last NAV's. Emits `NavPublished`.
    function publishNav(address token, uint128 navPerUnit, uint40 asOf) external;

    /// @notice Requests redemption of `units` of the caller's shares at the current dealing, and
    /// locks them: units the caller already encumbered to this contract beyond its pending
    /// requests count first, the rest are encumbered from the caller's allowance to this contract.
    /// Requirements: a dealing is open; `units` is not zero and at most the caller's transferable
    /// balance plus those spare encumbered units; the allowance covers the rest.
    /// Emits `RedemptionRequested`.
    function requestRedemption(address token, uint256 units) external returns (uint256 requestId);

    /// @notice Withdraws a pending request and releases its units (converted by splits since it was
    /// made; with the wallet's last request, everything else encumbered here too): before its
    /// cut-off, or once `SETTLEMENT_WINDOW` has passed after it without a settlement.
    /// Requirements: caller is the requesting wallet; one of those times. Emits `RedemptionCancelled`
    /// and, when more than the request's units are released, `RedemptionExcessReleased`.
    function cancelRedemption(uint256 requestId) external;

    /// @notice Releases the caller's units of `token` encumbered to this contract beyond its pending
    /// requests (units it encumbered by itself and no request used); returns the amount released.
    /// Requirements: the fund exists. Emits `RedemptionExcessReleased` when the amount is not zero.
    function releaseExcess(address token) external returns (uint256 amount);

    /// @notice Settles pending requests: burns each one's shares (`redeemableUnits`) and pays their
    /// cash at the NAV converted to today's units; all or nothing. The wallet's last request also
    /// releases whatever else the wallet encumbered here.
    /// Requirements: caller is a NAV administrator; each cut-off has come and the NAV is as of
    /// that cut-off or later; the treasury has approved the cash. Emits `RedemptionSettled` each
    /// (and `RedemptionExcessReleased` when more than the burnt units are released).
    function settle(uint256[] calldata requestIds) external;

    /// @notice Redeems each wallet's holding at maturity, less units frozen or encumbered (to a
    /// DvP escrow, or to a pending request here, which settles on its own); all or nothing.
    /// Requirements: caller is a NAV administrator; the fund has matured and the NAV is as of
    /// maturity or later. Emits `RedemptionSettled` (request id 0) per wallet that held units.
    function redeemAtMaturity(address token, address[] calldata wallets) external;

    /// @notice The fund settings of `token`.
    function fund(address token) external view returns (Fund memory);

    /// @notice The latest NAV of `token`.
    function nav(address token) external view returns (Nav memory);

    /// @notice The request with this id.
    function request(uint256 requestId) external view returns (Request memory);

    /// @notice Units a wallet has requested and not yet had settled or cancelled, in today's units
    /// (converted by splits since, rounded up).
    function pendingUnits(address token, address wallet) external view returns (uint256);

    /// @notice The units settling a request would burn now (withdrawing it would release): its
    /// units converted by the splits since it was made, rounded down, at most what its wallet has
    /// encumbered to this contract; 0 once it is closed.
    /// Requirements: the request exists.
    function redeemableUnits(uint256 requestId) external view returns (uint256);
}
