// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title ISettlementLegs
/// @notice What the DvP escrow and the repo contract share: how a party's leg is held until it
/// moves, the errors about a deal's terms and parties, and the settlement reason codes.
/// A leg is either pulled when it settles (an ERC-20 allowance to the contract; any ERC-20) or
/// locked when its party commits: the contract becomes the taker of an ERC-7246 encumbrance on
/// the party's balance, so the units stay in the party's wallet (and count for it at record dates)
/// but only the contract can move them, to the counterparty at settlement, or give them back with
/// `release` when the deal is cancelled or expires.
/// Invariant: for every token and owner, the units the owner has encumbered to the contract are at
/// least `lockedBalance(token, owner)`, the sum of the owner's open locked legs, and exactly that
/// unless the owner encumbered more by itself (see `releaseExcess`). The exception is a token
/// that converts encumbrances by itself, as a stock split does, while legs keep the numbers of
/// units they were struck in: after a forward split the owner can take the surplus back with
/// `releaseExcess`; after a reverse split the encumbrance can fall below the legs, and then none
/// of the owner's locked legs in that token settles (`SettlementLockShort`; the dry run answers
/// `ENCUMBRANCE_INSUFFICIENT`), while a leg that ends without settling releases only units beyond
/// the owner's other open locked legs, so that once the last one ends nothing stays encumbered.
interface ISettlementLegs {
    /// @notice `amount` of `owner`'s `token` is locked for deal `id` until it settles or ends.
    event LegLocked(bytes32 indexed id, address indexed owner, address indexed token, uint256 amount);
    /// @notice The lock of `amount` of `owner`'s `token` for deal `id` was released to its owner
    /// (`amount` in the deal's units: after a reverse split the token may release fewer, see the
    /// invariant above).
    event LegReleased(bytes32 indexed id, address indexed owner, address indexed token, uint256 amount);
    /// @notice `amount` of `owner`'s `token` encumbered to the contract beyond its locked legs was
    /// released.
    event ExcessReleased(address indexed owner, address indexed token, uint256 amount);

    /// @notice A party is the zero address.
    error SettlementPartyZero(bytes32 id);
    /// @notice Both sides of a deal are the same account.
    error SettlementSelfDeal(bytes32 id, address party);
    /// @notice An amount, price or value is zero.
    error SettlementAmountZero(bytes32 id);
    /// @notice The security and the cash token are the same token.
    error SettlementSameToken(bytes32 id, address token);
    /// @notice A token address holds no contract.
    error SettlementTokenInvalid(bytes32 id, address token);
    /// @notice The deal's deadline (`deadline`, a unix time) has passed.
    error SettlementDeadlinePassed(bytes32 id, uint40 deadline);
    /// @notice The deal's deadline (`deadline`) has not passed yet.
    error SettlementDeadlineNotPassed(bytes32 id, uint40 deadline);
    /// @notice A deal with these terms (hence this id) was already proposed or closed.
    error SettlementExists(bytes32 id);
    /// @notice No deal with this id was proposed.
    error SettlementUnknown(bytes32 id);
    /// @notice The deal's status (`status`, the contract's status enum) does not allow this step.
    error SettlementWrongStatus(bytes32 id, uint8 status);
    /// @notice The caller is neither a party to the deal nor allowed to act for one here.
    error SettlementNotParty(bytes32 id, address caller);
    /// @notice The party has affirmed this deal already.
    error SettlementAlreadyAffirmed(bytes32 id, address party);
    /// @notice A venue proposes for its members and holds nothing, so it cannot lock a leg.
    error SettlementVenueCannotLock(bytes32 id);
    /// @notice The token cannot lock units (no ERC-7246 encumbrance) or did not lock them.
    error SettlementLockUnsupported(address token);
    /// @notice The owner's encumbrance to the contract (`encumbered`) is below its open locked legs
    /// (`locked`), as after a reverse split: a locked leg does not settle on it (cancel or let it
    /// expire, and strike again in the new units).
    error SettlementLockShort(address token, address owner, uint256 encumbered, uint256 locked);

    /// @notice Releases the caller's units of `token` encumbered to this contract beyond its open
    /// locked legs (units it encumbered by itself and no deal used); returns the amount released.
    /// Emits `ExcessReleased` when the amount is not zero.
    function releaseExcess(address token) external returns (uint256 amount);

    /// @notice The sum of `owner`'s open locked legs in `token`.
    function lockedBalance(address token, address owner) external view returns (uint256);

    /// @notice A human message for a settlement reason code (ERC-1404 codes included).
    function messageForSettlementCode(uint8 code) external pure returns (string memory);
}
