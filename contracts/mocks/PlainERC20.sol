// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title PlainERC20
/// @notice Test only: a plain OpenZeppelin ERC-20, the yardstick of the throughput and gas
/// benchmarks. The deployer receives the whole supply.
contract PlainERC20 is ERC20 {
    constructor(uint256 supply) ERC20("Plain", "PLN") {
        _mint(msg.sender, supply);
    }
}
