// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IDistributions} from "../../../contracts/interfaces/IDistributions.sol";
import {Distributions} from "../../../contracts/lifecycle/Distributions.sol";
import {BlockingERC20} from "../../../contracts/mocks/BlockingERC20.sol";
import {Fixture} from "../Fixture.sol";
import {Test} from "../utils/Test.sol";

/// @notice Random claims, pushes, freezes, blacklisting, sales after the record date and clock
/// moves against one distribution.
contract DistributionsHandler is Test {
    Distributions internal immutable distributions;
    BlockingERC20 internal immutable cash;
    address internal immutable agent;
    address internal immutable cashKeeper;
    address[] internal wallets;

    constructor(Distributions d, BlockingERC20 c, address agent_, address keeper, address[] memory w) {
        (distributions, cash, agent, cashKeeper, wallets) = (d, c, agent_, keeper, w);
    }

    function claim(uint256 who) external {
        vm.prank(wallets[who % wallets.length]);
        try distributions.claim(1) {} catch {}
    }

    function push(uint256 who) external {
        address[] memory batch = new address[](2);
        batch[0] = wallets[who % wallets.length];
        batch[1] = wallets[(who / 7) % wallets.length];
        vm.prank(agent);
        distributions.push(1, batch);
    }

    function blacklist(uint256 who, bool blocked) external {
        vm.prank(cashKeeper);
        cash.setBlocked(wallets[who % wallets.length], blocked);
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 10 days));
    }
}

contract DistributionsInvariantsTest is Fixture {
    uint256 internal constant FUNDED = 1_000_003;

    Distributions internal distributions;
    BlockingERC20 internal cash;
    DistributionsHandler internal handler;

    function setUp() public override {
        super.setUp();
        distributions = Distributions(
            address(
                new ERC1967Proxy(
                    address(new Distributions()),
                    abi.encodeCall(Distributions.initialize, (address(authority), address(registry)))
                )
            )
        );
        mint(alice, 333);
        mint(alice2, 111);
        mint(bob, 222);
        mint(carol, 7);
        uint24 recordId = scheduleRecordDate(block.timestamp);
        vm.warp(block.timestamp + 1);
        vm.startPrank(issuer);
        cash = new BlockingERC20(FUNDED);
        cash.approve(address(distributions), FUNDED);
        distributions.announce(address(token), recordId, address(cash), FUNDED, uint40(block.timestamp + 20 days));
        vm.stopPrank();

        address[] memory wallets = new address[](5);
        (wallets[0], wallets[1], wallets[2], wallets[3], wallets[4]) = (alice, alice2, bob, carol, dave);
        handler = new DistributionsHandler(distributions, cash, agent, issuer, wallets);
        targetContract(address(handler));
    }

    function invariant_neverPaysMoreThanFunded() public view {
        IDistributions.Distribution memory d = distributions.distribution(1);
        assertLe(uint256(d.disbursed) + d.held, d.funded, "paid + held > funded");
        assertEq(cash.balanceOf(address(distributions)), d.funded - d.disbursed, "cash != funded - paid");
    }

    function invariant_paymentsAreTheProRataShares() public view {
        IDistributions.Distribution memory d = distributions.distribution(1);
        uint256 paid = cash.balanceOf(alice) + cash.balanceOf(alice2);
        assertTrue(paid == 0 || paid == FUNDED * 444 / 673, "alice's share");
        assertTrue(cash.balanceOf(bob) == 0 || cash.balanceOf(bob) == FUNDED * 222 / 673, "bob's share");
        assertEq(cash.balanceOf(dave), 0);
        assertLe(d.disbursed, FUNDED);
    }
}
