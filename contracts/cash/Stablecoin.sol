// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {
    ERC20PermitUpgradeable
} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {RestrictionCode} from "../compliance/RestrictionCode.sol";
import {IERC1404} from "../interfaces/IERC1404.sol";
import {IERC3009} from "../interfaces/IERC3009.sol";
import {IERC7246} from "../interfaces/IERC7246.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IStablecoin} from "../interfaces/IStablecoin.sol";
import {WalletRecord} from "../types/WalletRecord.sol";

/// @title Stablecoin
/// @notice The cash token of a permledger deployment: a regulated stablecoin (or, with the
/// identity registry on, a tokenised deposit) with minters, blacklist, pause, EIP-2612 permits,
/// EIP-3009 authorizations and ERC-7246 encumbrances.
/// @dev OpenZeppelin's ERC-20 keeps names, allowances and the standard entry points; balances live
/// here instead, one slot per holder packing the balance, the encumbered units and the blacklist
/// flag, so that a transfer reads each party once. Every movement passes `_update` (or
/// `_forceMove`, for court orders and rescues) and every rule is decided in `_restriction`, which
/// the ERC-1404 view shares, so the view and the enforcement cannot disagree.
/// Invariants: the supply equals the sum of balances and never exceeds 2^120 - 1; a holder's
/// encumbered units never exceed its balance and equal the sum of its encumbrances to takers;
/// no function moves encumbered units except `transferFrom` by their taker.
contract Stablecoin is IStablecoin, ERC20PermitUpgradeable, AuthorityManaged {
    using SafeERC20 for IERC20;

    uint256 private constant MAX_SUPPLY = type(uint120).max;

    /// @notice EIP-3009 type hash of `transferWithAuthorization`.
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @notice EIP-3009 type hash of `receiveWithAuthorization`.
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    /// @notice EIP-3009 type hash of `cancelAuthorization`.
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH =
        keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    /// @dev Read on every movement: one slot.
    struct Config {
        IIdentityRegistry registry;
        bool paused;
    }

    /// @dev A holder's balance, the part of it encumbered to takers, and its blacklisting: one slot.
    struct Holder {
        uint120 balance;
        uint120 encumbered;
        bool blacklisted;
    }

    struct Minter {
        bool active;
        uint120 allowance;
    }

    /// @custom:storage-location erc7201:permledger.storage.Stablecoin
    struct CashStorage {
        Config config;
        uint256 totalSupply;
        mapping(address account => Holder) holders;
        mapping(address account => Minter) minters;
        mapping(address authorizer => mapping(bytes32 nonce => bool)) authorizations;
        mapping(address owner => mapping(address taker => uint256)) encumbrances;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.Stablecoin")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CASH_STORAGE = 0xb29740402cbd87265e50e0da1d4d6f2d35adcb66904bad7472a20ac99e526c00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Creates the token behind its proxy; `registry` zero leaves it unrestricted.
    function initialize(string calldata name_, string calldata symbol_, address authority_, address registry_)
        external
        initializer
    {
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
        __AuthorityManaged_init(authority_);
        if (registry_ != address(0)) _setIdentityRegistry(registry_);
    }

    // ---------------------------------------------------------------- ERC-20

    /// @notice Six decimal places, as fiat-backed stablecoins use.
    function decimals() public pure override(IERC20Metadata, ERC20Upgradeable) returns (uint8) {
        return 6;
    }

    /// @inheritdoc IERC20
    function totalSupply() public view override(IERC20, ERC20Upgradeable) returns (uint256) {
        return _cash().totalSupply;
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) public view override(IERC20, ERC20Upgradeable) returns (uint256) {
        return _cash().holders[account].balance;
    }

    /// @inheritdoc IERC20
    /// @dev Neither party may be blacklisted. Allowed while paused, so that holders can still
    /// revoke a spender during an incident.
    function approve(address spender, uint256 value) public override(IERC20, ERC20Upgradeable) returns (bool) {
        _requireApprovable(msg.sender, spender);
        return super.approve(spender, value);
    }

    /// @inheritdoc IERC20
    /// @dev A taker spends what `from` encumbered to it first, then its allowance. The caller may
    /// not be blacklisted.
    function transferFrom(address from, address to, uint256 value)
        public
        override(IERC20, ERC20Upgradeable)
        returns (bool)
    {
        CashStorage storage $ = _cash();
        require(!$.holders[msg.sender].blacklisted, CashAccountBlacklisted(msg.sender));
        uint256 fromAllowance = value - _spendEncumbrance($, from, msg.sender, value);
        if (fromAllowance != 0) _spendAllowance(from, msg.sender, fromAllowance);
        _transfer(from, to, value);
        return true;
    }

    /// @inheritdoc IERC20Permit
    /// @dev Neither party may be blacklisted; allowed while paused, as `approve`.
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        public
        override(IERC20Permit, ERC20PermitUpgradeable)
    {
        _requireApprovable(owner, spender);
        super.permit(owner, spender, value, deadline, v, r, s);
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(IERC20Permit, ERC20PermitUpgradeable) returns (uint256) {
        return super.nonces(owner);
    }

    // ---------------------------------------------------------------- minting

    /// @inheritdoc IStablecoin
    function configureMinter(address minter, uint256 allowance) external onlyRole(Roles.MASTER_MINTER) {
        require(allowance <= MAX_SUPPLY, CashAmountTooLarge(allowance, MAX_SUPPLY));
        _cash().minters[minter] = Minter(true, uint120(allowance));
        emit MinterConfigured(minter, allowance);
    }

    /// @inheritdoc IStablecoin
    function removeMinter(address minter) external onlyRole(Roles.MASTER_MINTER) {
        CashStorage storage $ = _cash();
        require($.minters[minter].active, CashNotMinter(minter));
        delete $.minters[minter];
        emit MinterRemoved(minter);
    }

    /// @inheritdoc IStablecoin
    function mint(address to, uint256 amount) external {
        require(amount != 0, CashAmountZero());
        CashStorage storage $ = _cash();
        Minter memory minter = $.minters[msg.sender];
        require(minter.active, CashNotMinter(msg.sender));
        require(!$.holders[msg.sender].blacklisted, CashAccountBlacklisted(msg.sender));
        require(amount <= minter.allowance, CashMintAllowanceExceeded(msg.sender, minter.allowance, amount));
        uint256 room = MAX_SUPPLY - $.totalSupply;
        require(amount <= room, CashAmountTooLarge(amount, room));
        // Cannot underflow: checked against the allowance just above.
        unchecked {
            $.minters[msg.sender].allowance = uint120(minter.allowance - amount);
        }
        _mint(to, amount);
        emit Mint(msg.sender, to, amount);
    }

    /// @inheritdoc IStablecoin
    function burn(uint256 amount) external {
        require(amount != 0, CashAmountZero());
        require(_cash().minters[msg.sender].active, CashNotMinter(msg.sender));
        _burn(msg.sender, amount);
        emit Burn(msg.sender, amount);
    }

    // ---------------------------------------------------------------- blacklist and court orders

    /// @inheritdoc IStablecoin
    function blacklist(address account) external onlyRole(Roles.BLACKLISTER) {
        _cash().holders[account].blacklisted = true;
        emit Blacklisted(account);
    }

    /// @inheritdoc IStablecoin
    function unBlacklist(address account) external onlyRole(Roles.BLACKLISTER) {
        _cash().holders[account].blacklisted = false;
        emit UnBlacklisted(account);
    }

    /// @inheritdoc IStablecoin
    function seize(address account, address to, uint256 amount, bytes32 orderReference)
        external
        onlyRole(Roles.BLACKLISTER)
    {
        require(amount != 0, CashAmountZero());
        CashStorage storage $ = _cash();
        Holder memory holder = $.holders[account];
        require(holder.blacklisted, CashAccountNotBlacklisted(account));
        _forceMove($, account, holder, to, amount);
        emit FundsSeized(account, to, amount, orderReference);
    }

    // ---------------------------------------------------------------- operations

    /// @inheritdoc IStablecoin
    function pause() external onlyRole(Roles.PAUSER) {
        _cash().config.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IStablecoin
    function unpause() external onlyRole(Roles.PAUSER) {
        _cash().config.paused = false;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IStablecoin
    function setIdentityRegistry(address registry) external onlyRole(Roles.COMPLIANCE_OFFICER) {
        _setIdentityRegistry(registry);
    }

    /// @inheritdoc IStablecoin
    function rescueERC20(IERC20 token, address to, uint256 amount) external onlyRole(Roles.RESCUER) {
        require(amount != 0, CashAmountZero());
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        if (address(token) == address(this)) {
            CashStorage storage $ = _cash();
            _forceMove($, address(this), $.holders[address(this)], to, amount);
        } else {
            token.safeTransfer(to, amount);
        }
        emit TokensRescued(address(token), to, amount);
    }

    // ---------------------------------------------------------------- EIP-3009

    /// @inheritdoc IERC3009
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        _transferWithAuthorization(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, _pack(v, r, s)
        );
    }

    /// @inheritdoc IERC3009
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        _transferWithAuthorization(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, signature
        );
    }

    /// @inheritdoc IERC3009
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        require(to == msg.sender, CashCallerNotPayee(msg.sender, to));
        _transferWithAuthorization(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, _pack(v, r, s)
        );
    }

    /// @inheritdoc IERC3009
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        require(to == msg.sender, CashCallerNotPayee(msg.sender, to));
        _transferWithAuthorization(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, signature
        );
    }

    /// @inheritdoc IERC3009
    /// @dev Allowed while paused and for a blacklisted authorizer: withdrawing consent never hurts.
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        _cancelAuthorization(authorizer, nonce, _pack(v, r, s));
    }

    /// @inheritdoc IERC3009
    function cancelAuthorization(address authorizer, bytes32 nonce, bytes calldata signature) external {
        _cancelAuthorization(authorizer, nonce, signature);
    }

    /// @inheritdoc IERC3009
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _cash().authorizations[authorizer][nonce];
    }

    // ---------------------------------------------------------------- ERC-7246

    /// @inheritdoc IERC7246
    function encumber(address taker, uint256 amount) external {
        _encumber(msg.sender, taker, amount);
    }

    /// @inheritdoc IERC7246
    /// @dev The caller may not be blacklisted.
    function encumberFrom(address owner, address taker, uint256 amount) external {
        require(!_cash().holders[msg.sender].blacklisted, CashAccountBlacklisted(msg.sender));
        _spendAllowance(owner, msg.sender, amount);
        _encumber(owner, taker, amount);
    }

    /// @inheritdoc IERC7246
    /// @dev Pure bookkeeping: works while paused, for a blacklisted owner or taker, and for zero.
    function release(address owner, uint256 amount) external {
        CashStorage storage $ = _cash();
        uint256 held = $.encumbrances[owner][msg.sender];
        require(amount <= held, CashReleaseExceedsEncumbrance(owner, msg.sender, held, amount));
        // Cannot underflow: the owner's total includes this taker's `held`.
        unchecked {
            $.encumbrances[owner][msg.sender] = held - amount;
            $.holders[owner].encumbered -= uint120(amount);
        }
        emit Release(owner, msg.sender, amount);
    }

    /// @inheritdoc IERC7246
    function encumberedBalanceOf(address owner) external view returns (uint256) {
        return _cash().holders[owner].encumbered;
    }

    /// @inheritdoc IERC7246
    function availableBalanceOf(address owner) external view returns (uint256) {
        Holder memory holder = _cash().holders[owner];
        return holder.balance - holder.encumbered;
    }

    /// @inheritdoc IERC7246
    function encumbrances(address owner, address taker) external view returns (uint256) {
        return _cash().encumbrances[owner][taker];
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IERC1404
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8) {
        CashStorage storage $ = _cash();
        (Holder memory sender, Holder memory receiver) = _parties($, from, to);
        return _restriction($.config, from, sender, to, receiver, value);
    }

    /// @inheritdoc IERC1404
    function messageForTransferRestriction(uint8 restrictionCode) external pure returns (string memory) {
        return RestrictionCode.message(restrictionCode);
    }

    /// @inheritdoc IStablecoin
    function isMinter(address account) external view returns (bool) {
        return _cash().minters[account].active;
    }

    /// @inheritdoc IStablecoin
    function minterAllowance(address minter) external view returns (uint256) {
        return _cash().minters[minter].allowance;
    }

    /// @inheritdoc IStablecoin
    function isBlacklisted(address account) external view returns (bool) {
        return _cash().holders[account].blacklisted;
    }

    /// @inheritdoc IStablecoin
    function paused() external view returns (bool) {
        return _cash().config.paused;
    }

    /// @inheritdoc IStablecoin
    function identityRegistry() external view returns (address) {
        return address(_cash().config.registry);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC20).interfaceId
            || interfaceId == type(IERC20Permit).interfaceId || interfaceId == type(IERC3009).interfaceId
            || interfaceId == type(IERC7246).interfaceId || interfaceId == type(IERC1404).interfaceId
            || interfaceId == type(IStablecoin).interfaceId;
    }

    // ---------------------------------------------------------------- internals

    /// @dev The domain version never changes, so signature checks need not read it from storage.
    // slither-disable-next-line naming-convention (OpenZeppelin EIP712's hook name)
    function _EIP712Version() internal pure override returns (string memory) {
        return "1";
    }

    /// @dev The one hook of every mint, burn and transfer: rules first, then the move.
    function _update(address from, address to, uint256 value) internal override {
        CashStorage storage $ = _cash();
        (Holder memory sender, Holder memory receiver) = _parties($, from, to);
        uint8 code = _restriction($.config, from, sender, to, receiver, value);
        if (code != RestrictionCode.SUCCESS) _revertRestricted(code, from, sender, to, value);
        _move($, from, to, value);
    }

    /// @dev A move ordered by the token's operators (court order, rescue): `from` may be
    /// blacklisted or unregistered and the token paused, but encumbered units stay and the
    /// receiver must still be allowed to receive.
    function _forceMove(CashStorage storage $, address from, Holder memory sender, address to, uint256 value) private {
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        Config memory config = $.config;
        config.paused = false;
        Holder memory none = Holder(0, 0, false); // the sender side is judged below, not here
        uint8 code = _restriction(config, address(0), none, to, $.holders[to], value);
        if (code == RestrictionCode.SUCCESS) code = _balanceRestriction(sender, value);
        if (code != RestrictionCode.SUCCESS) _revertRestricted(code, from, sender, to, value);
        _move($, from, to, value);
    }

    /// @dev Applies a checked movement: `value` fits the supply cap and the sender's balance.
    function _move(CashStorage storage $, address from, address to, uint256 value) private {
        // Cannot overflow or underflow: `_restriction` checked the sender's balance, and `mint`
        // kept the supply, hence every balance, under 2^120.
        unchecked {
            if (from == address(0)) $.totalSupply += value;
            else $.holders[from].balance -= uint120(value);
            if (to == address(0)) $.totalSupply -= value;
            else $.holders[to].balance += uint120(value);
        }
        emit Transfer(from, to, value);
    }

    /// @dev The parties of a movement; the zero address (mint or burn side) reads nothing.
    function _parties(CashStorage storage $, address from, address to)
        private
        view
        returns (Holder memory sender, Holder memory receiver)
    {
        if (from != address(0)) sender = $.holders[from];
        if (to != address(0)) receiver = $.holders[to];
    }

    /// @dev The first rule a movement breaks, in `RestrictionCode` terms; the zero address is
    /// the mint or burn side and is not checked.
    function _restriction(
        Config memory config,
        address from,
        Holder memory sender,
        address to,
        Holder memory receiver,
        uint256 value
    ) private view returns (uint8 code) {
        if (config.paused) return RestrictionCode.TOKEN_PAUSED;
        if (sender.blacklisted) return RestrictionCode.SENDER_BLACKLISTED;
        if (receiver.blacklisted) return RestrictionCode.RECEIVER_BLACKLISTED;
        if (address(config.registry) != address(0)) {
            code = _registryRestriction(config.registry, from, to);
            if (code != RestrictionCode.SUCCESS) return code;
        }
        if (from != address(0)) return _balanceRestriction(sender, value);
    }

    /// @dev Both parties must be registered, unfrozen wallets with current KYC: one registry call.
    function _registryRestriction(IIdentityRegistry registry, address from, address to) private view returns (uint8) {
        (uint256 senderWord, uint256 receiverWord) = registry.walletRecords(from, to);
        if (from != address(0)) {
            WalletRecord record = WalletRecord.wrap(senderWord);
            if (!record.registered()) return RestrictionCode.SENDER_NOT_REGISTERED;
            if (record.frozen()) return RestrictionCode.SENDER_FROZEN;
            // slither-disable-next-line timestamp (KYC expiry is by date; seconds of drift cannot matter)
            if (record.kycExpiry() <= block.timestamp) return RestrictionCode.SENDER_KYC_EXPIRED;
        }
        if (to != address(0)) {
            WalletRecord record = WalletRecord.wrap(receiverWord);
            if (!record.registered()) return RestrictionCode.RECEIVER_NOT_REGISTERED;
            if (record.frozen()) return RestrictionCode.RECEIVER_FROZEN;
            if (record.kycExpiry() <= block.timestamp) return RestrictionCode.RECEIVER_KYC_EXPIRED;
        }
        return RestrictionCode.SUCCESS;
    }

    function _balanceRestriction(Holder memory sender, uint256 value) private pure returns (uint8) {
        if (value > sender.balance) return RestrictionCode.INSUFFICIENT_BALANCE;
        if (value > sender.balance - sender.encumbered) return RestrictionCode.BALANCE_ENCUMBERED;
        return RestrictionCode.SUCCESS;
    }

    /// @dev Reverts with the custom error that says exactly what `code` means for these parties.
    function _revertRestricted(uint8 code, address from, Holder memory sender, address to, uint256 value) private pure {
        if (code == RestrictionCode.TOKEN_PAUSED) revert CashPaused();
        if (code == RestrictionCode.SENDER_BLACKLISTED) revert CashAccountBlacklisted(from);
        if (code == RestrictionCode.RECEIVER_BLACKLISTED) revert CashAccountBlacklisted(to);
        if (code == RestrictionCode.INSUFFICIENT_BALANCE) revert ERC20InsufficientBalance(from, sender.balance, value);
        if (code == RestrictionCode.BALANCE_ENCUMBERED) {
            revert CashInsufficientAvailableBalance(from, sender.balance - sender.encumbered, value);
        }
        revert CashWalletNotEligible(code < RestrictionCode.RECEIVER_NOT_REGISTERED ? from : to, code);
    }

    /// @dev Spends up to `value` of what `owner` encumbered to `taker`; returns the amount spent.
    function _spendEncumbrance(CashStorage storage $, address owner, address taker, uint256 value)
        private
        returns (uint256 spent)
    {
        Holder storage holder = $.holders[owner];
        uint120 encumbered = holder.encumbered;
        if (encumbered == 0) return 0; // the common case: no lock on the owner, one warm read
        uint256 held = $.encumbrances[owner][taker];
        spent = held < value ? held : value;
        if (spent == 0) return 0;
        // Cannot underflow: `spent` is at most this taker's share of the owner's total.
        unchecked {
            $.encumbrances[owner][taker] = held - spent;
            holder.encumbered = encumbered - uint120(spent);
        }
        emit Release(owner, taker, spent);
    }

    function _encumber(address owner, address taker, uint256 amount) private {
        require(amount != 0, CashAmountZero());
        require(taker != address(0), ERC20InvalidSpender(address(0)));
        CashStorage storage $ = _cash();
        require(!$.config.paused, CashPaused());
        Holder storage holder = $.holders[owner];
        Holder memory held = holder;
        require(!held.blacklisted, CashAccountBlacklisted(owner));
        require(!$.holders[taker].blacklisted, CashAccountBlacklisted(taker));
        uint256 available = held.balance - held.encumbered;
        require(amount <= available, CashInsufficientAvailableBalance(owner, available, amount));
        // Cannot overflow: the total stays within the owner's balance, under 2^120.
        unchecked {
            holder.encumbered = held.encumbered + uint120(amount);
            $.encumbrances[owner][taker] += amount;
        }
        emit Encumber(owner, taker, amount);
    }

    function _transferWithAuthorization(
        bytes32 typeHash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) private {
        // slither-disable-next-line timestamp (EIP-3009 validity window in seconds, as the standard defines)
        require(block.timestamp > validAfter, CashAuthorizationNotYetValid(validAfter, block.timestamp));
        require(block.timestamp < validBefore, CashAuthorizationExpired(validBefore, block.timestamp));
        _useAuthorization(
            from, nonce, keccak256(abi.encode(typeHash, from, to, value, validAfter, validBefore, nonce)), signature
        );
        emit AuthorizationUsed(from, nonce);
        _transfer(from, to, value);
    }

    function _cancelAuthorization(address authorizer, bytes32 nonce, bytes memory signature) private {
        _useAuthorization(
            authorizer, nonce, keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce)), signature
        );
        emit AuthorizationCanceled(authorizer, nonce);
    }

    /// @dev Marks `authorizer`'s `nonce` used once the signature over `structHash` proves consent.
    function _useAuthorization(address authorizer, bytes32 nonce, bytes32 structHash, bytes memory signature) private {
        mapping(bytes32 => bool) storage used = _cash().authorizations[authorizer];
        require(!used[nonce], CashAuthorizationUsed(authorizer, nonce));
        require(
            _isValidSignature(authorizer, _hashTypedDataV4(structHash), signature), CashInvalidSignature(authorizer)
        );
        used[nonce] = true;
    }

    /// @dev An ECDSA signature by `signer`, or an ERC-1271 approval when `signer` is a contract.
    /// ECDSA is tried first so that an ordinary holder pays no code-size lookup.
    function _isValidSignature(address signer, bytes32 digest, bytes memory signature) private view returns (bool) {
        // slither-disable-next-line unused-return (the third value only details a malformed signature)
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }

    function _requireApprovable(address owner, address spender) private view {
        CashStorage storage $ = _cash();
        require(!$.holders[owner].blacklisted, CashAccountBlacklisted(owner));
        require(!$.holders[spender].blacklisted, CashAccountBlacklisted(spender));
    }

    function _setIdentityRegistry(address registry) private {
        require(registry == address(0) || registry.code.length != 0, CashRegistryInvalid(registry));
        _cash().config.registry = IIdentityRegistry(registry);
        emit IdentityRegistryChanged(registry);
    }

    function _pack(uint8 v, bytes32 r, bytes32 s) private pure returns (bytes memory) {
        return abi.encodePacked(r, s, v);
    }

    function _cash() private pure returns (CashStorage storage $) {
        // slither-disable-next-line assembly (ERC-7201 namespaced storage slot)
        assembly {
            $.slot := CASH_STORAGE
        }
    }
}
