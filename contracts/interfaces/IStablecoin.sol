// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC1404} from "./IERC1404.sol";
import {IERC3009} from "./IERC3009.sol";
import {IERC7246} from "./IERC7246.sol";

/// @title IStablecoin
/// @notice A regulated cash token with 6 decimals, the cash leg of settlement. Minters configured
/// by the master minter issue within their allowance and burn their own balance; a blacklisted
/// wallet can neither send, receive, approve nor be approved, and under a court order the
/// blacklister moves its available funds to a designated account; the pauser stops every
/// movement. Holders sign EIP-2612 permits and EIP-3009 authorizations; takers such as a DvP
/// escrow lock units in place with ERC-7246 encumbrances. Optionally (a tokenised deposit) only
/// registered, unfrozen wallets with current KYC of the identity registry may send and receive
/// (an encumbrance moves nothing, so it is not checked there; the taker's transfer is).
/// Amounts are at most 2^120 - 1 base units.
interface IStablecoin is IERC20Metadata, IERC20Permit, IERC3009, IERC7246, IERC1404, IERC165 {
    /// @notice `minter` may now mint up to `allowance` more units.
    event MinterConfigured(address indexed minter, uint256 allowance);
    /// @notice `minter` may no longer mint or burn.
    event MinterRemoved(address indexed minter);
    /// @notice `minter` issued `amount` to `to`.
    event Mint(address indexed minter, address indexed to, uint256 amount);
    /// @notice `burner` burned `amount` of its own balance.
    event Burn(address indexed burner, uint256 amount);
    /// @notice `account` can no longer send, receive or approve.
    event Blacklisted(address indexed account);
    /// @notice `account` is no longer blacklisted.
    event UnBlacklisted(address indexed account);
    /// @notice Under the court order `orderReference`, `amount` moved from the blacklisted
    /// `account` to `to` (a `Transfer` is emitted too).
    event FundsSeized(address indexed account, address indexed to, uint256 amount, bytes32 indexed orderReference);
    /// @notice Every movement and new encumbrance is stopped.
    // slither-disable-next-line unindexed-event-address (OpenZeppelin Pausable's event, same encoding)
    event Paused(address account);
    /// @notice Movements resume.
    // slither-disable-next-line unindexed-event-address (OpenZeppelin Pausable's event, same encoding)
    event Unpaused(address account);
    /// @notice Only wallets of `registry` may send and receive from now on (none: zero address).
    event IdentityRegistryChanged(address indexed registry);
    /// @notice `amount` of `token` held by this contract was sent to `to`.
    event TokensRescued(address indexed token, address indexed to, uint256 amount);

    /// @notice The token is paused.
    error CashPaused();
    /// @notice The account is blacklisted.
    error CashAccountBlacklisted(address account);
    /// @notice A court-order seizure needs a blacklisted account.
    error CashAccountNotBlacklisted(address account);
    /// @notice With the identity registry on, `wallet` may not send or receive; `code` is the
    /// restriction (not registered, frozen or KYC expired, as sender or receiver).
    error CashWalletNotEligible(address wallet, uint8 code);
    /// @notice The amount exceeds the owner's balance free of encumbrances.
    error CashInsufficientAvailableBalance(address owner, uint256 available, uint256 amount);
    /// @notice The amount is zero where it must not be.
    error CashAmountZero();
    /// @notice The amount exceeds what is allowed (the supply is capped at 2^120 - 1).
    error CashAmountTooLarge(uint256 amount, uint256 maximum);
    /// @notice The account is not a configured minter.
    error CashNotMinter(address account);
    /// @notice The mint exceeds the minter's remaining allowance.
    error CashMintAllowanceExceeded(address minter, uint256 allowance, uint256 amount);
    /// @notice The authorization is valid only after `validAfter`.
    error CashAuthorizationNotYetValid(uint256 validAfter, uint256 nowTime);
    /// @notice The authorization was valid only before `validBefore`.
    error CashAuthorizationExpired(uint256 validBefore, uint256 nowTime);
    /// @notice The authorization nonce was already used or cancelled.
    error CashAuthorizationUsed(address authorizer, bytes32 nonce);
    /// @notice The signature is not `signer`'s over this token, chain and message.
    error CashInvalidSignature(address signer);
    /// @notice `receiveWithAuthorization` must be called by the payee.
    error CashCallerNotPayee(address caller, address payee);
    /// @notice The taker holds less encumbered on the owner than it tries to release.
    error CashReleaseExceedsEncumbrance(address owner, address taker, uint256 encumbered, uint256 amount);
    /// @notice The identity registry address given is not a contract.
    error CashRegistryInvalid(address registry);

    /// @notice Sets `minter`'s remaining mint allowance, making it a minter if it was not.
    /// Requirements: caller is the master minter; `minter` not zero; `allowance` at most 2^120 - 1.
    /// Emits `MinterConfigured`.
    function configureMinter(address minter, uint256 allowance) external;

    /// @notice Takes away `minter`'s right to mint and burn, and its allowance.
    /// Requirements: caller is the master minter; `minter` is a minter.
    /// Emits `MinterRemoved`.
    function removeMinter(address minter) external;

    /// @notice Issues `amount` to `to`, spending the caller's mint allowance.
    /// Requirements: caller is a minter, not blacklisted, with allowance for `amount` (not zero);
    /// not paused; `to` may receive; the supply stays at most 2^120 - 1.
    /// Emits `Mint` and `Transfer`.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` of the caller's own available balance.
    /// Requirements: caller is a minter that may send `amount` (not zero); not paused.
    /// Emits `Burn` and `Transfer`.
    function burn(uint256 amount) external;

    /// @notice Blacklists `account`: it can no longer send, receive, approve or be approved.
    /// Requirements: caller is the blacklister.
    /// Emits `Blacklisted`.
    function blacklist(address account) external;

    /// @notice Lifts `account`'s blacklisting.
    /// Requirements: caller is the blacklister.
    /// Emits `UnBlacklisted`.
    function unBlacklist(address account) external;

    /// @notice Moves `amount` of a blacklisted account's available balance to `to`, executing the
    /// court order `orderReference` (for example the hash of the order document). Units the
    /// account has encumbered to a taker stay where they are: the taker's claim ranks first, and
    /// once it releases them they can be seized too. Works while paused.
    /// Requirements: caller is the blacklister; `account` blacklisted; `amount` not zero and at
    /// most the available balance; `to` may receive.
    /// Emits `Transfer` and `FundsSeized`.
    function seize(address account, address to, uint256 amount, bytes32 orderReference) external;

    /// @notice Stops every movement (transfers, mints, burns, authorized transfers) and new
    /// encumbrances. Approvals and permits go on, so that holders can revoke a spender during an
    /// incident; so do releases, cancellations of authorizations and court-order seizures.
    /// Requirements: caller is the pauser.
    /// Emits `Paused`.
    function pause() external;

    /// @notice Lets movements resume.
    /// Requirements: caller is the pauser.
    /// Emits `Unpaused`.
    function unpause() external;

    /// @notice Restricts holders to the wallets of `registry`, or lifts the restriction (zero).
    /// Units already held by wallets the registry does not admit stay, but cannot move until
    /// their wallet is admitted (or a blacklisting and seizure moves them).
    /// Requirements: caller is a compliance officer; `registry` zero or a contract.
    /// Emits `IdentityRegistryChanged`.
    function setIdentityRegistry(address registry) external;

    /// @notice Sends `amount` of `token` that this contract holds (sent to it by mistake) to `to`.
    /// Requirements: caller is the rescuer; `to` not zero; for this token itself, `to` may receive.
    /// Emits `TokensRescued`.
    function rescueERC20(IERC20 token, address to, uint256 amount) external;

    /// @notice Whether `account` is a minter.
    function isMinter(address account) external view returns (bool);

    /// @notice What `minter` may still mint.
    function minterAllowance(address minter) external view returns (uint256);

    /// @notice Whether `account` is blacklisted.
    function isBlacklisted(address account) external view returns (bool);

    /// @notice Whether the token is paused.
    function paused() external view returns (bool);

    /// @notice The identity registry whose wallets alone may hold (zero when unrestricted).
    function identityRegistry() external view returns (address);
}
