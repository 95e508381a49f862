// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {PermledgerAuthority} from "../../contracts/access/PermledgerAuthority.sol";
import {Roles} from "../../contracts/access/Roles.sol";
import {TransferCompliance} from "../../contracts/compliance/TransferCompliance.sol";
import {IdentityRegistry} from "../../contracts/identity/IdentityRegistry.sol";
import {IEntitlementToken} from "../../contracts/interfaces/IEntitlementToken.sol";
import {EntitlementToken} from "../../contracts/token/EntitlementToken.sol";
import {InvestorClass} from "../../contracts/types/InvestorClass.sol";
import {Test} from "./utils/Test.sol";
import {records} from "./utils/Records.sol";

/// @title Fixture
/// @notice One permledger deployment as production builds it: the authority, then the registry,
/// the compliance desk and an entitlement token, each an implementation behind an ERC1967Proxy
/// created with its `initialize` calldata. Every role goes to its own named actor, and four
/// investors are onboarded (alice with two wallets); `stranger` is never registered.
/// @dev The token starts with investor tracking on and no switchable rule: tests switch on the
/// rules they exercise through the compliance desk, exactly as an officer would.
abstract contract Fixture is Test {
    /// @dev A fixed "now" (2025-06-15T16:00:00Z), far from day boundaries and from zero.
    uint256 internal constant START = 1_750_003_200;
    uint48 internal constant ADMIN_DELAY = 2 days;
    uint40 internal constant KYC_EXPIRY = uint40(START + 365 days);

    uint16 internal constant US = 840;
    uint16 internal constant GB = 826;
    uint16 internal constant DE = 276;
    uint16 internal constant JP = 392;

    bytes32 internal constant ALICE = keccak256("investor.alice");
    bytes32 internal constant BOB = keccak256("investor.bob");
    bytes32 internal constant CAROL = keccak256("investor.carol");
    bytes32 internal constant DAVE = keccak256("investor.dave");

    // Operators, one role each.
    address internal admin = makeAddr("admin");
    address internal issuer = makeAddr("issuer");
    address internal agent = makeAddr("agent");
    address internal complianceOfficer = makeAddr("compliance");
    address internal pauser = makeAddr("pauser");
    address internal upgrader = makeAddr("upgrader");

    // Investors' wallets.
    address internal alice = makeAddr("alice");
    address internal alice2 = makeAddr("alice2");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal dave = makeAddr("dave");
    address internal stranger = makeAddr("stranger");

    PermledgerAuthority internal authority;
    IdentityRegistry internal registry;
    TransferCompliance internal compliance;
    EntitlementToken internal token;

    function setUp() public virtual {
        vm.warp(START);
        deployCore();
        token = deployToken("Permledger Fund A", "PLFA", true);
        onboardInvestors();
    }

    // ---------------------------------------------------------------- deployment

    /// @notice The authority with every role granted, the registry and the compliance desk.
    function deployCore() internal {
        authority = new PermledgerAuthority(ADMIN_DELAY, admin);
        vm.startPrank(admin);
        authority.grantRole(Roles.ISSUER, issuer);
        authority.grantRole(Roles.TRANSFER_AGENT, agent);
        authority.grantRole(Roles.COMPLIANCE_OFFICER, complianceOfficer);
        authority.grantRole(Roles.PAUSER, pauser);
        authority.grantRole(Roles.UPGRADER, upgrader);
        vm.stopPrank();

        registry = IdentityRegistry(
            address(
                new ERC1967Proxy(
                    address(new IdentityRegistry()), abi.encodeCall(IdentityRegistry.initialize, (address(authority)))
                )
            )
        );
        compliance = TransferCompliance(
            address(
                new ERC1967Proxy(
                    address(new TransferCompliance()),
                    abi.encodeCall(TransferCompliance.initialize, (address(authority)))
                )
            )
        );
    }

    /// @notice A new token behind its proxy, bound to the fixture's authority, registry and desk.
    function deployToken(string memory name, string memory symbol, bool investorTracking)
        internal
        returns (EntitlementToken)
    {
        IEntitlementToken.TokenParams memory params = IEntitlementToken.TokenParams({
            name: name,
            symbol: symbol,
            decimals: 0,
            authority: address(authority),
            compliance: address(compliance),
            nominee: "Cede & Co.",
            securityId: "XS0000000001",
            termsUri: "ipfs://terms",
            termsHash: keccak256("terms"),
            investorTracking: investorTracking
        });
        return EntitlementToken(
            address(
                new ERC1967Proxy(
                    address(new EntitlementToken(address(registry))),
                    abi.encodeCall(EntitlementToken.initialize, (params))
                )
            )
        );
    }

    /// @notice alice (US, accredited, wallets alice and alice2), bob (GB, institutional), carol (DE,
    /// retail) and dave (JP, qualified), all with KYC valid until `KYC_EXPIRY`.
    function onboardInvestors() internal {
        vm.startPrank(complianceOfficer);
        registry.registerInvestor(ALICE, US, InvestorClass.ACCREDITED, KYC_EXPIRY, alice);
        registry.addWallet(ALICE, alice2);
        registry.registerInvestor(BOB, GB, InvestorClass.INSTITUTIONAL, KYC_EXPIRY, bob);
        registry.registerInvestor(CAROL, DE, InvestorClass.RETAIL, KYC_EXPIRY, carol);
        registry.registerInvestor(DAVE, JP, InvestorClass.QUALIFIED, KYC_EXPIRY, dave);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- actions as the right role

    function mint(address to, uint256 amount) internal {
        vm.prank(issuer);
        token.mint(to, amount);
    }

    function setRules(uint16 rules) internal {
        vm.prank(complianceOfficer);
        compliance.setRules(token, rules);
    }

    function setInvestorLimits(uint32 maxInvestors, uint96 maxBalance, uint96 dailyLimit) internal {
        vm.prank(complianceOfficer);
        compliance.setInvestorLimits(token, maxInvestors, maxBalance, dailyLimit);
    }

    function scheduleRecordDate(uint256 time) internal returns (uint24) {
        vm.prank(issuer);
        return records(token).scheduleRecordDate(uint40(time));
    }

    // ---------------------------------------------------------------- expected errors

    /// @notice The exact revert data of a transfer rejected with restriction `code`.
    function rejected(address from, address to, uint256 amount, uint8 code) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IEntitlementToken.ComplianceTransferRejected.selector, from, to, amount, code);
    }

    function unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }
}
