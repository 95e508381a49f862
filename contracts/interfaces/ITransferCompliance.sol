// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IEntitlementToken} from "./IEntitlementToken.sol";

/// @title ITransferCompliance
/// @notice The compliance officer's desk: sets the transfer rules of any token bound to it,
/// validating them, and words the message of every restriction code. Each token enforces its
/// rules from its own storage; this contract is the only one allowed to change them.
interface ITransferCompliance {
    /// @notice The enabled rules of `token` changed (a mask of `Rule` bits).
    event RulesChanged(address indexed token, uint16 rules);
    /// @notice The investor classes the class rule admits changed.
    event AllowedClassesChanged(address indexed token, uint8 classMask);
    /// @notice Jurisdictions were put on (`listed`) or taken off the token's jurisdiction list.
    event JurisdictionsChanged(address indexed token, uint16[] countries, bool listed);
    /// @notice The per-investor limits changed.
    event InvestorLimitsChanged(
        address indexed token, uint32 maxInvestors, uint96 maxBalancePerInvestor, uint96 dailyLimitPerInvestor
    );
    /// @notice The lock-up period for newly issued units changed.
    event LockupPeriodChanged(address indexed token, uint32 lockupPeriod);
    /// @notice The circuit breaker settings changed.
    event CircuitBreakerChanged(address indexed token, uint16 shareBps, uint32 window);

    /// @notice A rule bit outside `Rule.ALL`.
    error ComplianceRuleUnknown(uint16 rules);
    /// @notice The allowlist and blocklist jurisdiction rules were both asked for.
    error ComplianceJurisdictionModeConflict(uint16 rules);
    /// @notice A class mask names a class that does not exist.
    error ComplianceClassMaskInvalid(uint8 classMask);
    /// @notice A jurisdiction code is not an ISO 3166 numeric code (1 to 999).
    error ComplianceCountryInvalid(uint16 country);
    /// @notice The circuit breaker share must be 1 to 10,000 basis points and the window non-zero.
    error ComplianceBreakerInvalid(uint16 shareBps, uint32 window);
    /// @notice The token is not bound to this compliance contract.
    error ComplianceTokenNotBound(address token);
    /// @notice The circuit breaker cannot be switched on before `setCircuitBreaker` configured it
    /// (with no share set it would pause the token on the first transfer).
    error ComplianceBreakerNotConfigured(address token);

    /// @notice Switches rules on and off (a mask of `Rule` bits).
    /// Requirements: caller is a compliance officer; known bits only; not both jurisdiction modes;
    /// investor rules need investor tracking, which switches on by itself while nothing is issued;
    /// the circuit breaker needs its settings first.
    /// Emits `RulesChanged`.
    function setRules(IEntitlementToken token, uint16 rules) external;

    /// @notice Sets the investor classes the class rule admits (bit `1 << class`).
    /// Requirements: caller is a compliance officer; only existing classes.
    /// Emits `AllowedClassesChanged`.
    function setAllowedClasses(IEntitlementToken token, uint8 classMask) external;

    /// @notice Puts jurisdictions on the token's list or takes them off; the list is an allowlist
    /// or a blocklist depending on which jurisdiction rule is on.
    /// Requirements: caller is a compliance officer; ISO 3166 numeric codes.
    /// Emits `JurisdictionsChanged`.
    function setJurisdictions(IEntitlementToken token, uint16[] calldata countries, bool listed) external;

    /// @notice Sets the maximum number of investors, the maximum balance per investor and the
    /// daily transfer limit per investor.
    /// Requirements: caller is a compliance officer. Emits `InvestorLimitsChanged`.
    function setInvestorLimits(
        IEntitlementToken token,
        uint32 maxInvestors,
        uint96 maxBalancePerInvestor,
        uint96 dailyLimitPerInvestor
    ) external;

    /// @notice Sets how long newly issued units stay locked.
    /// Requirements: caller is a compliance officer. Emits `LockupPeriodChanged`.
    function setLockupPeriod(IEntitlementToken token, uint32 lockupPeriod) external;

    /// @notice Sets the circuit breaker: more than `shareBps` of supply moving within `window`
    /// seconds pauses the token. Starts a new window.
    /// Requirements: caller is a compliance officer; valid share and window.
    /// Emits `CircuitBreakerChanged`.
    function setCircuitBreaker(IEntitlementToken token, uint16 shareBps, uint32 window) external;

    /// @notice Whether a jurisdiction is on the token's jurisdiction list.
    function isJurisdictionListed(IEntitlementToken token, uint16 country) external view returns (bool);

    /// @notice The human message of a restriction code (ERC-1404).
    function messageForRestriction(uint8 code) external pure returns (string memory);
}
