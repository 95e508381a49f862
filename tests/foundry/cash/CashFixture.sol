// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {Stablecoin} from "../../../contracts/cash/Stablecoin.sol";
import {Fixture} from "../Fixture.sol";

/// @title CashFixture
/// @notice The Fixture's deployment plus the stablecoin behind its proxy, unrestricted, with its
/// three roles granted to their own actors and `minter` configured by the master minter. alice
/// holds 1,000 USD and bob 500. Helpers build the EIP-712 digests the token checks, so tests can
/// sign with `vm.sign` exactly as a wallet would.
abstract contract CashFixture is Fixture {
    uint256 internal constant USD = 1e6;
    uint256 internal constant MINTER_ALLOWANCE = 1_000_000 * USD;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    address internal masterMinter = makeAddr("masterMinter");
    address internal minter = makeAddr("minter");
    address internal blacklister = makeAddr("blacklister");
    address internal rescuer = makeAddr("rescuer");

    Stablecoin internal cash;

    function setUp() public virtual override {
        super.setUp();
        vm.startPrank(admin);
        authority.grantRole(Roles.MASTER_MINTER, masterMinter);
        authority.grantRole(Roles.BLACKLISTER, blacklister);
        authority.grantRole(Roles.RESCUER, rescuer);
        vm.stopPrank();
        cash = deployCash(address(0));
        vm.prank(masterMinter);
        cash.configureMinter(minter, MINTER_ALLOWANCE);
        mintCash(alice, 1_000 * USD);
        mintCash(bob, 500 * USD);
    }

    /// @notice A new stablecoin behind its proxy, restricted to `registry_` unless zero.
    function deployCash(address registry_) internal returns (Stablecoin) {
        bytes memory init =
            abi.encodeCall(Stablecoin.initialize, ("Permledger USD", "PUSD", address(authority), registry_));
        return Stablecoin(address(new ERC1967Proxy(address(new Stablecoin()), init)));
    }

    function mintCash(address to, uint256 amount) internal {
        vm.prank(minter);
        cash.mint(to, amount);
    }

    /// @notice The private key behind a `makeAddr` actor.
    function keyOf(string memory name) internal pure returns (uint256) {
        return uint256(keccak256(bytes(name)));
    }

    function domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256("Permledger USD"), keccak256("1"), chainId, verifyingContract)
            );
    }

    /// @notice `key`'s signature of `structHash` in this token's domain on this chain.
    function signHere(uint256 key, bytes32 structHash) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        return signIn(key, domainSeparator(block.chainid, address(cash)), structHash);
    }

    function signIn(uint256 key, bytes32 separator, bytes32 structHash)
        internal
        pure
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", separator, structHash)));
    }

    function permitHash(address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
    }

    function authorizationHash(
        bytes32 typeHash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(typeHash, from, to, value, validAfter, validBefore, nonce));
    }
}
