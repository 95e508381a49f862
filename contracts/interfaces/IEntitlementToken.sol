// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC1404} from "./IERC1404.sol";
import {IERC7246} from "./IERC7246.sol";
import {IERC7943Fungible} from "./IERC7943Fungible.sol";

/// @title IEntitlementToken
/// @notice An ERC-20 of beneficial entitlements to a security or fund share, held only by
/// registered wallets of known investors under the token's transfer rules. A nominee stays the
/// legal owner of record. Amounts are at most 2^96 - 1 base units.
/// Encumbrance (ERC-7246): an owner may pledge free units to a taker (an escrow, a vault). They
/// stay in the owner's balance, so they count for the owner at record dates, but only the taker
/// can move them (`transferFrom`, through every rule of the transfer, spending the encumbrance
/// before any allowance and emitting `Release` for it) or give them back (`release`, which works
/// at any time: paused token, lapsed KYC, frozen investor, retired wallet). A wallet's
/// frozen and encumbered amounts together never exceed its balance: an agent can neither freeze
/// nor force away nor burn encumbered units, and a recovery leaves them on the lost wallet with
/// their takers. Encumbered units are free of lock-up (only free units can be pledged).
interface IEntitlementToken is IERC20Metadata, IERC1404, IERC7943Fungible, IERC7246 {
    /// @notice Everything fixed when a token is created (the identity registry is fixed by the
    /// implementation, see `identityRegistry`).
    struct TokenParams {
        string name;
        string symbol;
        uint8 decimals;
        address authority;
        address compliance;
        string nominee;
        string securityId;
        string termsUri;
        bytes32 termsHash;
        bool investorTracking;
    }

    /// @notice The rule settings of a token (see `Rule` for the bits of `rules`).
    struct RuleSettings {
        uint16 rules;
        uint8 allowedClasses;
        bool investorTracking;
        uint32 maxInvestors;
        uint96 maxBalancePerInvestor;
        uint96 dailyLimitPerInvestor;
        uint32 lockupPeriod;
        uint16 breakerShareBps;
        uint32 breakerWindow;
    }

    /// @notice The nominee, security identifier or terms changed.
    event SecurityInfoChanged(string nominee, string securityId, string termsUri, bytes32 termsHash);
    /// @notice More than the breaker's share of supply moved within its window; the token paused.
    event CircuitBreakerTripped(uint256 moved, uint256 supply, uint32 windowStart);
    /// @notice Per-investor balances are tracked from now on.
    event InvestorTrackingEnabled();
    /// @notice The token was paused.
    // slither-disable-next-line unindexed-event-address (OpenZeppelin Pausable's event, same encoding)
    event Paused(address account);
    /// @notice The token was unpaused.
    // slither-disable-next-line unindexed-event-address (OpenZeppelin Pausable's event, same encoding)
    event Unpaused(address account);
    /// @notice Units were issued under lock-up until `until` (each issue is its own tranche).
    event TokensLocked(address indexed wallet, uint256 amount, uint32 until);
    /// @notice A lost wallet's holding moved to another wallet of the same investor.
    event WalletRecovered(address indexed lostWallet, address indexed newWallet, uint256 amount, uint256 frozen);

    /// @notice A transfer breaks rule `code` (see `messageForTransferRestriction`).
    error ComplianceTransferRejected(address from, address to, uint256 amount, uint8 code);
    /// @notice Investor rules need per-investor balances, which can only start before issuance.
    error ComplianceInvestorTrackingUnavailable(uint16 rules);
    /// @notice Only the token's compliance contract may change its rule settings.
    error TokenCallerNotCompliance(address caller);
    /// @notice The registry or compliance address given is not a contract.
    error TokenDependencyInvalid(address dependency);
    /// @notice The token is paused.
    error TokenPaused();
    /// @notice The amount exceeds what a balance or the supply can hold.
    error TokenAmountTooLarge(uint256 amount);
    /// @notice Batch arrays differ in length.
    error TokenBatchLengthMismatch(uint256 wallets, uint256 amounts);
    /// @notice A frozen amount may not exceed the balance less its encumbered units (`balance`).
    error TokenFrozenExceedsBalance(address account, uint256 amount, uint256 balance);
    /// @notice An agent or issuer action would take encumbered units, which only their taker may
    /// move or release; `unencumbered` is what the action may take.
    error TokenAmountEncumbered(address account, uint256 amount, uint256 unencumbered);
    /// @notice The owner cannot encumber `amount` to `taker`: `code` is the restriction (ERC-1404)
    /// an ordinary transfer of those units by the owner would meet.
    error TokenEncumbranceRejected(address owner, address taker, uint256 amount, uint8 code);
    /// @notice The taker holds only `held` units encumbered on `owner`, less than `amount`.
    error TokenEncumbranceExceeded(address owner, address taker, uint256 held, uint256 amount);
    /// @notice Forced transfer from a wallet to itself.
    error TokenForcedTransferToSelf(address wallet);
    /// @notice Recovery needs two different wallets of the same investor, the new one registered.
    error TokenRecoveryInvalid(address lostWallet, address newWallet);

    /// @notice Issues `amount` to `to` (which must pass the receiver's rules).
    /// Requirements: caller is an issuer; the token is not paused.
    /// Emits `Transfer` (and `TokensLocked` under lock-up).
    function mint(address to, uint256 amount) external;

    /// @notice Issues to many wallets in one transaction; all or nothing.
    /// Requirements: as `mint` for each pair; arrays of equal length.
    function mintBatch(address[] calldata to, uint256[] calldata amounts) external;

    /// @notice Cancels `amount` of `from`'s unfrozen units against the off-chain register.
    /// Requirements: caller is an issuer; the token is not paused.
    /// Emits `Transfer`.
    function burn(address from, uint256 amount) external;

    /// @notice Burns from many wallets in one transaction; all or nothing.
    function burnBatch(address[] calldata from, uint256[] calldata amounts) external;

    /// @notice Moves a lost wallet's whole holding (frozen and locked units included) to another
    /// registered wallet of the same investor. Investor balances do not change.
    /// Requirements: caller is a transfer agent.
    /// Emits `Transfer` and `WalletRecovered`.
    function recoverWallet(address lostWallet, address newWallet) external;

    /// @notice Pauses ordinary transfers, issuance and burns (forced transfers still work).
    /// Requirements: caller is a pauser. Emits `Paused`.
    function pause() external;

    /// @notice Unpauses and starts a new circuit-breaker window.
    /// Requirements: caller is a pauser. Emits `Unpaused`.
    function unpause() external;

    /// @notice Sets the nominee, the security identifier and the terms document reference.
    /// Requirements: caller is an issuer. Emits `SecurityInfoChanged`.
    function setSecurityInfo(
        // slither-disable-next-line shadowing-local (the setter's parameter is named after its getter)
        string calldata nominee,
        // slither-disable-next-line shadowing-local (the setter's parameter is named after its getter)
        string calldata securityId,
        string calldata termsUri,
        bytes32 termsHash
    ) external;

    /// @notice Replaces the rule settings (`investorTracking` is ignored: it only switches on, by
    /// itself, when an investor rule is first enabled while nothing is issued).
    /// Requirements: caller is the token's compliance contract, which validates the settings.
    function applyRuleSettings(RuleSettings calldata settings) external;

    /// @notice Replaces one 256-jurisdiction word of the jurisdiction list (codes `index * 256`
    /// to `index * 256 + 255`, bit `code % 256`).
    /// Requirements: caller is the token's compliance contract.
    function applyJurisdictionWord(uint256 index, uint256 bits) external;

    /// @notice One 256-jurisdiction word of the jurisdiction list.
    function jurisdictionWord(uint256 index) external view returns (uint256);

    /// @notice Whether the token is paused.
    function paused() external view returns (bool);

    /// @notice The time the last split (`IEntitlementTokenRecords.split`) took effect, zero before
    /// any: amounts and prices taken before it are in the old units. Served by the token itself,
    /// not the records extension: the collateral vault asks it with every valuation of a pledge.
    function lastSplitTime() external view returns (uint40);

    /// @notice The rule settings.
    function ruleSettings() external view returns (RuleSettings memory);

    /// @notice The compliance contract that sets the token's rules and words its messages.
    function compliance() external view returns (address);

    /// @notice The identity registry the token asks about wallets. It is an immutable of the
    /// implementation (set when the implementation is deployed), which spares every transfer a
    /// storage read; moving a token to another registry takes an upgrade.
    function identityRegistry() external view returns (address);

    /// @notice The nominee, the legal owner of record.
    function nominee() external view returns (string memory);

    /// @notice The security identifier, e.g. an ISIN.
    function securityId() external view returns (string memory);

    /// @notice The terms document's URI and content hash.
    function terms() external view returns (string memory uri, bytes32 contentHash);

    /// @notice The units of `wallet` locked now, and when the first of them unlocks (all of them are
    /// locked until then). Each issue under lock-up is a tranche that unlocks on its own date; a
    /// wallet keeps up to 8 live tranches, and a ninth merges the two earliest into the later of
    /// their dates (no unit unlocks early). Units leaving the wallet by forced transfer or burn
    /// release the earliest tranches first.
    function lockedTokens(address wallet) external view returns (uint256 amount, uint32 until);

    /// @notice The units of `wallet` that can be sent now (not frozen, encumbered or locked); the
    /// same as `availableBalanceOf`.
    function transferableBalance(address wallet) external view returns (uint256);

    /// @notice The number of investors holding a non-zero balance (tracked tokens only).
    function investorCount() external view returns (uint256);
}
