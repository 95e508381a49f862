// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlockingERC20
/// @notice Test only: a cash token with a blacklist, like a regulated stablecoin's. A blocked
/// account can neither send nor receive. The deployer receives the supply and keeps the list.
contract BlockingERC20 is ERC20 {
    address private immutable _keeper;
    mapping(address account => bool) public blocked;

    /// @notice The account is blacklisted.
    error BlockingERC20Blocked(address account);

    constructor(uint256 supply) ERC20("Blocking", "BLK") {
        _keeper = msg.sender;
        _mint(msg.sender, supply);
    }

    /// @notice Blacklists `account` (or lifts it); only the deployer.
    function setBlocked(address account, bool value) external {
        require(msg.sender == _keeper, BlockingERC20Blocked(msg.sender));
        blocked[account] = value;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function _update(address from, address to, uint256 value) internal override {
        require(!blocked[from], BlockingERC20Blocked(from));
        require(!blocked[to], BlockingERC20Blocked(to));
        super._update(from, to, value);
    }
}
