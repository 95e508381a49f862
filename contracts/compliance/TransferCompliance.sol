// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {InvestorClass} from "../types/InvestorClass.sol";
import {RestrictionCode} from "./RestrictionCode.sol";
import {Rule} from "./Rule.sol";

/// @title TransferCompliance
/// @notice Sets and validates the transfer rules of the tokens bound to it; one instance serves
/// every token of a deployment.
/// @dev Holds no rule state of its own: each change reads the token's settings, validates the
/// new ones and writes them back, so the token's storage stays the single source of truth.
contract TransferCompliance is ITransferCompliance, AuthorityManaged {
    uint8 private constant ALL_CLASSES = uint8(((1 << (InvestorClass.MAX + 1)) - 1) & ~uint256(1));

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Binds the contract to the deployment's authority.
    function initialize(address authority_) external initializer {
        __AuthorityManaged_init(authority_);
    }

    /// @inheritdoc ITransferCompliance
    function setRules(IEntitlementToken token, uint16 rules) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        require(rules & ~Rule.ALL == 0, ComplianceRuleUnknown(rules));
        uint16 bothModes = Rule.JURISDICTION_ALLOWLIST | Rule.JURISDICTION_BLOCKLIST;
        require(rules & bothModes != bothModes, ComplianceJurisdictionModeConflict(rules));
        IEntitlementToken.RuleSettings memory settings = _settings(token);
        require(
            rules & Rule.CIRCUIT_BREAKER == 0 || settings.breakerShareBps != 0,
            ComplianceBreakerNotConfigured(address(token))
        );
        settings.rules = rules;
        // slither-disable-next-line reentrancy-events (the bound token accepts this call only from here)
        token.applyRuleSettings(settings);
        emit RulesChanged(address(token), rules);
    }

    /// @inheritdoc ITransferCompliance
    function setAllowedClasses(IEntitlementToken token, uint8 classMask) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        require(classMask & ~ALL_CLASSES == 0, ComplianceClassMaskInvalid(classMask));
        IEntitlementToken.RuleSettings memory settings = _settings(token);
        settings.allowedClasses = classMask;
        // slither-disable-next-line reentrancy-events (the bound token accepts this call only from here)
        token.applyRuleSettings(settings);
        emit AllowedClassesChanged(address(token), classMask);
    }

    /// @inheritdoc ITransferCompliance
    function setJurisdictions(IEntitlementToken token, uint16[] calldata countries, bool listed)
        external
        onlyRole(Roles.COMPLIANCE_OFFICER)
    {
        _requireBound(token);
        // slither-disable-next-line uninitialized-local (each of the four words is read just below)
        uint256[4] memory words;
        for (uint256 i; i < 4; ++i) {
            // slither-disable-next-line calls-loop (four reads of the bound token)
            words[i] = token.jurisdictionWord(i);
        }
        for (uint256 i; i < countries.length; ++i) {
            uint16 country = countries[i];
            require(country != 0 && country < 1000, ComplianceCountryInvalid(country));
            uint256 bit = 1 << (country & 0xff);
            words[country >> 8] = listed ? words[country >> 8] | bit : words[country >> 8] & ~bit;
        }
        for (uint256 i; i < 4; ++i) {
            // slither-disable-next-line calls-loop,reentrancy-events (four writes to the bound token; only we may)
            token.applyJurisdictionWord(i, words[i]);
        }
        emit JurisdictionsChanged(address(token), countries, listed);
    }

    /// @inheritdoc ITransferCompliance
    function setInvestorLimits(
        IEntitlementToken token,
        uint32 maxInvestors,
        uint96 maxBalancePerInvestor,
        uint96 dailyLimitPerInvestor
    ) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        IEntitlementToken.RuleSettings memory settings = _settings(token);
        (settings.maxInvestors, settings.maxBalancePerInvestor, settings.dailyLimitPerInvestor) =
        (maxInvestors, maxBalancePerInvestor, dailyLimitPerInvestor);
        // slither-disable-next-line reentrancy-events (the bound token accepts this call only from here)
        token.applyRuleSettings(settings);
        emit InvestorLimitsChanged(address(token), maxInvestors, maxBalancePerInvestor, dailyLimitPerInvestor);
    }

    /// @inheritdoc ITransferCompliance
    function setLockupPeriod(IEntitlementToken token, uint32 lockupPeriod) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        IEntitlementToken.RuleSettings memory settings = _settings(token);
        settings.lockupPeriod = lockupPeriod;
        // slither-disable-next-line reentrancy-events (the bound token accepts this call only from here)
        token.applyRuleSettings(settings);
        emit LockupPeriodChanged(address(token), lockupPeriod);
    }

    /// @inheritdoc ITransferCompliance
    function setCircuitBreaker(IEntitlementToken token, uint16 shareBps, uint32 window)
        external
        onlyRole(Roles.COMPLIANCE_OFFICER)
    {
        require(shareBps != 0 && shareBps <= 10_000 && window != 0, ComplianceBreakerInvalid(shareBps, window));
        IEntitlementToken.RuleSettings memory settings = _settings(token);
        (settings.breakerShareBps, settings.breakerWindow) = (shareBps, window);
        // slither-disable-next-line reentrancy-events (the bound token accepts this call only from here)
        token.applyRuleSettings(settings);
        emit CircuitBreakerChanged(address(token), shareBps, window);
    }

    /// @inheritdoc ITransferCompliance
    function isJurisdictionListed(IEntitlementToken token, uint16 country) external view returns (bool) {
        return token.jurisdictionWord(country >> 8) & (1 << (country & 0xff)) != 0;
    }

    /// @inheritdoc ITransferCompliance
    function messageForRestriction(uint8 code) external pure returns (string memory) {
        return RestrictionCode.message(code);
    }

    function _settings(IEntitlementToken token) private view returns (IEntitlementToken.RuleSettings memory) {
        _requireBound(token);
        return token.ruleSettings();
    }

    function _requireBound(IEntitlementToken token) private view {
        require(token.compliance() == address(this), ComplianceTokenNotBound(address(token)));
    }
}
