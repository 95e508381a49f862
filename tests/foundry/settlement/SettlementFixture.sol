// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {IDvPEscrow} from "../../../contracts/interfaces/IDvPEscrow.sol";
import {IRepo} from "../../../contracts/interfaces/IRepo.sol";
import {SettlementLegToken} from "../../../contracts/mocks/SettlementLegToken.sol";
import {DvPEscrow} from "../../../contracts/settlement/DvPEscrow.sol";
import {Repo} from "../../../contracts/settlement/Repo.sol";
import {Fixture} from "../Fixture.sol";

/// @title SettlementFixture
/// @notice The permledger fixture plus the DvP escrow and the repo contract behind their proxies,
/// a 6-decimal ERC-7246 cash mock and an ERC-7246 bond mock. alice holds 1,000 shares and 1,000
/// bonds, bob 1,000,000 USD; both allowed the escrow and the repo everything. `venue` holds the
/// VENUE role. Private keys are `keccak256(name)`, as `makeAddr` derives them.
abstract contract SettlementFixture is Fixture {
    uint256 internal constant USD = 1e6;
    uint256 internal constant SHARES = 1_000;
    uint256 internal constant CASH = 1_000_000 * USD;

    address internal venue = makeAddr("venue");
    DvPEscrow internal escrow;
    Repo internal repo;
    SettlementLegToken internal cash;
    SettlementLegToken internal bonds;

    function setUp() public virtual override {
        super.setUp();
        vm.prank(admin);
        authority.grantRole(Roles.VENUE, venue);
        escrow = DvPEscrow(
            address(
                new ERC1967Proxy(address(new DvPEscrow()), abi.encodeCall(DvPEscrow.initialize, (address(authority))))
            )
        );
        repo =
            Repo(address(new ERC1967Proxy(address(new Repo()), abi.encodeCall(Repo.initialize, (address(authority))))));
        cash = new SettlementLegToken("Test Dollar", "USD", 6);
        bonds = new SettlementLegToken("Bond", "BND", 0);
        mint(alice, SHARES);
        bonds.mint(alice, SHARES);
        cash.mint(bob, CASH);
        address[2] memory parties = [alice, bob];
        address[2] memory spenders = [address(escrow), address(repo)];
        for (uint256 i; i < 2; ++i) {
            for (uint256 j; j < 2; ++j) {
                vm.startPrank(parties[i]);
                token.approve(spenders[j], type(uint256).max);
                cash.approve(spenders[j], type(uint256).max);
                bonds.approve(spenders[j], type(uint256).max);
                vm.stopPrank();
            }
        }
    }

    /// @notice alice sells `amount` of `security` to bob for `price` USD, settling within a day.
    function trade(address security, uint256 amount, uint256 price, bytes32 ref)
        internal
        view
        returns (IDvPEscrow.Trade memory)
    {
        return IDvPEscrow.Trade({
            seller: alice,
            buyer: bob,
            securityToken: security,
            securityAmount: amount,
            cashToken: address(cash),
            cashAmount: price,
            deadline: uint40(block.timestamp + 1 days),
            ref: ref
        });
    }

    /// @notice alice repos 100 shares worth 10,000 USD to bob at a 2% haircut for a week.
    function repoTerms(address security) internal view returns (IRepo.RepoTerms memory) {
        return IRepo.RepoTerms({
            borrower: alice,
            lender: bob,
            securityToken: security,
            securityAmount: 100,
            cashToken: address(cash),
            securityValue: 10_000 * USD,
            haircutBps: 200,
            repurchasePrice: 9_810 * USD,
            openBy: uint40(block.timestamp + 1 hours),
            maturity: uint40(block.timestamp + 7 days),
            grace: 1 days,
            ref: keccak256("repo")
        });
    }

    function keyOf(string memory name) internal pure returns (uint256) {
        return uint256(keccak256(bytes(name)));
    }

    /// @notice `signer`'s EIP-712 affirmation of `t` for a domain on `chainId` and `verifier`.
    function signAffirmation(string memory signer, IDvPEscrow.Trade memory t, uint256 chainId, address verifier)
        internal
        view
        returns (bytes memory)
    {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("permledger DvPEscrow"),
                keccak256("1"),
                chainId,
                verifier
            )
        );
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", domain, escrow.tradeId(t)));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf(signer), digest);
        return abi.encodePacked(r, s, v);
    }
}
