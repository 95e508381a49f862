// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "./Test.sol";

/// @dev A target for the invariant fuzzer: counts its calls.
contract Counter {
    uint256 public count;

    function increment() external {
        count += 1;
    }
}

/// @notice Checks our forge-std replacement: discovery, assertions, fuzzing and invariant targets.
contract TestBaseTest is Test {
    Counter private target;
    Counter private bystander;

    function setUp() public {
        target = new Counter();
        bystander = new Counter();
        targetContract(address(target));
    }

    function test_AssertEq_PassesOnEqualValues() public {
        target.increment();
        assertEq(target.count(), 1);
        assertEq(makeAddr("alice"), makeAddr("alice"));
    }

    function test_RevertWhen_AssertionFails() public {
        vm.expectRevert(bytes("assertion failed: 1 != 2"));
        this.assertOneEqualsTwo();
    }

    function testFuzz_Bound_StaysInRange(uint256 x, uint256 min, uint256 width) public pure {
        min = bound(min, 0, type(uint128).max);
        width = bound(width, 0, type(uint128).max);
        uint256 y = bound(x, min, min + width);
        assertGe(y, min);
        assertLe(y, min + width);
    }

    /// @dev Fuzzed calls go to the target only, so the bystander is never called.
    function invariant_OnlyTargetIsCalled() public view {
        assertEq(bystander.count(), 0);
    }

    function assertOneEqualsTwo() external pure {
        assertEq(uint256(1), uint256(2));
    }
}
