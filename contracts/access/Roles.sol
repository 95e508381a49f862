// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Roles
/// @notice The role identifiers of the one authority that governs every permledger contract.
/// @dev Each role is a distinct duty; the deployment hands them to distinct accounts so that no
/// single key can issue, move, configure, pause and upgrade at once.
library Roles {
    /// @notice Mints and burns entitlements against the off-chain register; schedules record dates.
    bytes32 internal constant ISSUER = keccak256("permledger.role.issuer");
    /// @notice Keeps the register: forced transfers, freezes, lost-wallet recovery, record dates.
    bytes32 internal constant TRANSFER_AGENT = keccak256("permledger.role.transfer-agent");
    /// @notice Onboards investors (KYC, class, jurisdiction, wallets) and sets the transfer rules.
    bytes32 internal constant COMPLIANCE_OFFICER = keccak256("permledger.role.compliance-officer");
    /// @notice Pauses and unpauses tokens, and re-arms a tripped circuit breaker.
    bytes32 internal constant PAUSER = keccak256("permledger.role.pauser");
    /// @notice Upgrades the implementation behind a proxy.
    bytes32 internal constant UPGRADER = keccak256("permledger.role.upgrader");
    /// @notice Configures the stablecoin's minters and their mint allowances.
    bytes32 internal constant MASTER_MINTER = keccak256("permledger.role.master-minter");
    /// @notice Blacklists stablecoin wallets and moves a blacklisted wallet's funds under a court order.
    bytes32 internal constant BLACKLISTER = keccak256("permledger.role.blacklister");
    /// @notice Recovers tokens sent by mistake to a contract's own address.
    bytes32 internal constant RESCUER = keccak256("permledger.role.rescuer");
    /// @notice Publishes a fund's net asset value and runs its dealing cycle (redemptions).
    bytes32 internal constant NAV_ADMINISTRATOR = keccak256("permledger.role.nav-administrator");
    /// @notice Lists collateral, sets haircuts and margin requirements, calls margin, liquidates.
    bytes32 internal constant CLEARING_AGENT = keccak256("permledger.role.clearing-agent");
    /// @notice Posts collateral prices to the price feed.
    bytes32 internal constant PRICE_FEEDER = keccak256("permledger.role.price-feeder");
}
