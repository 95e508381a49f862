// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {AuthorityManaged} from "../access/AuthorityManaged.sol";
import {Roles} from "../access/Roles.sol";
import {RestrictionCode} from "../compliance/RestrictionCode.sol";
import {Rule} from "../compliance/Rule.sol";
import {IERC1404} from "../interfaces/IERC1404.sol";
import {IERC7246} from "../interfaces/IERC7246.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943Fungible.sol";
import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {IEntitlementTokenRecords} from "../interfaces/IEntitlementTokenRecords.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {LockTranches} from "../libraries/LockTranches.sol";
import {RecordHistory} from "../libraries/RecordHistory.sol";
import {InvestorClass} from "../types/InvestorClass.sol";
import {WalletRecord} from "../types/WalletRecord.sol";
import {EntitlementTokenRecords} from "./EntitlementTokenRecords.sol";
import {EntitlementTokenStorage} from "./EntitlementTokenStorage.sol";
import {Config, Position, Supply, WalletState, WalletStateLib} from "./TokenWords.sol";

/// @title EntitlementToken
/// @notice A whitelisted ERC-20 of beneficial entitlements with its transfer rules built in.
/// @dev Every balance change goes through `_debit` and `_credit`, which also keep record-date
/// history; rules are decided in one place, `_restriction`, which both the ERC-1404 view and
/// `transfer` use, so the view and the enforcement cannot disagree.
/// The token enforces the rules from its own storage; `TransferCompliance` owns their settings
/// (validation, events) and writes them here. Reading them through a second proxied contract on
/// every transfer would cost ~7.5k gas, more than the transfer gas targets leave.
/// The hot state is packed by hand into words (`TokenWords.sol`): the configuration, each wallet,
/// each investor position and the supply are one storage slot each, read and written whole.
/// Invariants: the supply equals the sum of wallet balances; a wallet's frozen and encumbered
/// amounts together never exceed its balance; its encumbered amount is the sum of its
/// encumbrances; with investor tracking on, an investor's position equals the sum of the balances of
/// its wallets and `investorCount` counts the positions above zero; only wallets that were
/// registered when they received hold units; a wallet's live lock tranches are sorted by date and
/// summarised exactly by its `locked`/`lockedUntil` fields.
contract EntitlementToken is IEntitlementToken, IERC20Errors, AuthorityManaged, EntitlementTokenStorage {
    using RecordHistory for mapping(uint256 => uint256);

    uint256 private constant MAX_AMOUNT = type(uint96).max;
    uint8 private constant ALL_CLASSES = uint8(((1 << (InvestorClass.MAX + 1)) - 1) & ~uint256(1));

    /// @dev One transfer as loaded from storage and the registry (positions only when the two
    /// investors differ on a tracked token).
    struct Move {
        Config cfg;
        address from;
        address to;
        uint256 fromEncumbrance;
        WalletState sender;
        WalletState receiver;
        WalletRecord senderRecord;
        WalletRecord receiverRecord;
        Position senderPosition;
        Position receiverPosition;
    }

    /// @dev The holdings-of-record part of the token (record dates, investor totals), deployed with
    /// each implementation and run by the fallback in this token's storage.
    // slither-disable-next-line naming-convention (immutables are ALL_CAPS in this codebase)
    address private immutable RECORDS;

    /// @param registry The identity registry (its proxy) of the deployment.
    /// @custom:oz-upgrades-unsafe-allow constructor state-variable-immutable
    constructor(address registry) EntitlementTokenStorage(registry) {
        require(registry.code.length != 0, TokenDependencyInvalid(registry));
        RECORDS = address(new EntitlementTokenRecords(registry));
        _disableInitializers();
    }

    /// @notice Creates the token behind its proxy.
    function initialize(TokenParams calldata params) external initializer {
        __AuthorityManaged_init(params.authority);
        TokenStorage storage $ = _token();
        require(params.compliance.code.length != 0, TokenDependencyInvalid(params.compliance));
        $.compliance = ITransferCompliance(params.compliance);
        ($.name, $.symbol, $.decimals) = (params.name, params.symbol, params.decimals);
        _setSecurityInfo($, params.nominee, params.securityId, params.termsUri, params.termsHash);
        Config cfg = $.config.withRules(0, ALL_CLASSES, 0);
        if (params.investorTracking) {
            cfg = cfg.withInvestorTracking();
            emit InvestorTrackingEnabled();
        }
        $.config = cfg;
    }

    // ---------------------------------------------------------------- ERC-20

    /// @inheritdoc IERC20
    function transfer(address to, uint256 amount) external returns (bool) {
        _transferChecked(msg.sender, to, amount, 0);
        return true;
    }

    /// @inheritdoc IERC20
    /// @dev ERC-7246: spends the caller's encumbrance on `from` first, then its allowance.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 held = _entry(_token(), from, msg.sender);
        // slither-disable-next-line timestamp (compares amounts, not times)
        uint256 fromEncumbrance = held < amount ? held : amount;
        // slither-disable-next-line timestamp (compares amounts, not times)
        if (fromEncumbrance != 0) _release(from, msg.sender, fromEncumbrance);
        // slither-disable-next-line timestamp (compares amounts, not times)
        if (amount > fromEncumbrance) _spendAllowance(from, msg.sender, amount - fromEncumbrance);
        _transferChecked(from, to, amount, fromEncumbrance);
        return true;
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 amount) external returns (bool) {
        require(spender != address(0), ERC20InvalidSpender(address(0)));
        _token().allowances[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function allowance(address owner, address spender) external view returns (uint256) {
        return _token().allowances[owner][spender];
    }

    // ---------------------------------------------------------------- ERC-7246

    /// @inheritdoc IERC7246
    function encumber(address taker, uint256 amount) external {
        _encumber(msg.sender, taker, amount);
    }

    /// @inheritdoc IERC7246
    function encumberFrom(address owner, address taker, uint256 amount) external {
        _spendAllowance(owner, msg.sender, amount);
        _encumber(owner, taker, amount);
    }

    /// @inheritdoc IERC7246
    /// @dev Pure bookkeeping, so it works whatever the token's or the owner's state.
    function release(address owner, uint256 amount) external {
        _release(owner, msg.sender, amount);
    }

    /// @inheritdoc IERC7246
    function encumberedBalanceOf(address owner) external view returns (uint256) {
        TokenStorage storage $ = _token();
        return _current($, $.config, $.wallets[owner], $.encumbered[owner]);
    }

    /// @inheritdoc IERC7246
    function availableBalanceOf(address owner) external view returns (uint256) {
        return transferableBalance(owner);
    }

    /// @inheritdoc IERC7246
    function encumbrances(address owner, address taker) external view returns (uint256) {
        return _entry(_token(), owner, taker);
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) external view returns (uint256) {
        TokenStorage storage $ = _token();
        WalletState w = $.wallets[account];
        return _current($, $.config, w, w.balance());
    }

    /// @inheritdoc IERC20
    function totalSupply() external view returns (uint256) {
        return _token().supply.total();
    }

    function name() external view returns (string memory) {
        return _token().name;
    }

    function symbol() external view returns (string memory) {
        return _token().symbol;
    }

    function decimals() external view returns (uint8) {
        return _token().decimals;
    }

    // ---------------------------------------------------------------- issuance

    /// @inheritdoc IEntitlementToken
    function mint(address to, uint256 amount) external onlyRole(Roles.ISSUER) {
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        _mint($, cfg, _passed($, cfg), to, amount);
    }

    /// @inheritdoc IEntitlementToken
    function mintBatch(address[] calldata to, uint256[] calldata amounts) external onlyRole(Roles.ISSUER) {
        _batch(to, amounts, true);
    }

    /// @inheritdoc IEntitlementToken
    function burn(address from, uint256 amount) external onlyRole(Roles.ISSUER) {
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        _burn($, cfg, _passed($, cfg), from, amount);
    }

    /// @inheritdoc IEntitlementToken
    function burnBatch(address[] calldata from, uint256[] calldata amounts) external onlyRole(Roles.ISSUER) {
        _batch(from, amounts, false);
    }

    /// @dev Mints (`minting`) or burns each pair in turn; all or nothing.
    function _batch(address[] calldata wallets, uint256[] calldata amounts, bool minting) private {
        require(wallets.length == amounts.length, TokenBatchLengthMismatch(wallets.length, amounts.length));
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        uint24 passed = _passed($, cfg);
        for (uint256 i; i < wallets.length; ++i) {
            cfg =
                minting ? _mint($, cfg, passed, wallets[i], amounts[i]) : _burn($, cfg, passed, wallets[i], amounts[i]);
        }
    }

    // ---------------------------------------------------------------- transfer agent

    /// @inheritdoc IERC7943Fungible
    function forcedTransfer(address from, address to, uint256 amount)
        external
        onlyRole(Roles.TRANSFER_AGENT)
        returns (bool)
    {
        // A move to itself could only rewrite the wallet's frozen amount and locks: refused.
        require(from != to, TokenForcedTransferToSelf(from));
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        TokenStorage storage $ = _token();
        Move memory m = _load($, from, to);
        // Inline, not a shared helper: returning the move from a private function costs ~300 gas.
        if (_stale(m)) {
            _settle(from, to);
            m = _load($, from, to);
        }
        // Registration of the receiver is never skipped: only registered wallets hold units.
        require(
            m.receiverRecord.registered(),
            ComplianceTransferRejected(from, to, amount, RestrictionCode.RECEIVER_NOT_REGISTERED)
        );
        uint256 balance = m.sender.balance();
        require(amount <= balance, ERC20InsufficientBalance(from, balance, amount));
        _requireUnencumbered($, from, m.sender, amount, 0);
        _move($, m, amount, false);
        emit Transfer(from, to, amount);
        emit ForcedTransfer(from, to, amount);
        return true;
    }

    /// @inheritdoc IERC7943Fungible
    function setFrozenTokens(address account, uint256 amount) external onlyRole(Roles.TRANSFER_AGENT) returns (bool) {
        TokenStorage storage $ = _token();
        WalletState w = _settled($, $.config, account);
        uint256 freezable = w.balance() - _encumbered($, account, w);
        require(amount <= freezable, TokenFrozenExceedsBalance(account, amount, freezable));
        $.frozen[account] = amount;
        $.wallets[account] = w.withFlag(WalletStateLib.FROZEN, amount != 0);
        emit Frozen(account, amount);
        return true;
    }

    /// @inheritdoc IEntitlementToken
    function recoverWallet(address lostWallet, address newWallet) external onlyRole(Roles.TRANSFER_AGENT) {
        TokenStorage storage $ = _token();
        (WalletRecord lostRecord, WalletRecord newRecord) = _records(lostWallet, newWallet);
        require(
            lostWallet != newWallet && newRecord.registered() && lostRecord.investorNumber() != 0
                && lostRecord.investorNumber() == newRecord.investorNumber(),
            TokenRecoveryInvalid(lostWallet, newWallet)
        );
        _settle(lostWallet, newWallet);
        (uint96 amount, uint256 frozenMoved) = _moveHolding($, lostWallet, newWallet, _passed($, $.config));
        emit Transfer(lostWallet, newWallet, amount);
        emit WalletRecovered(lostWallet, newWallet, amount, frozenMoved);
    }

    /// @inheritdoc IEntitlementToken
    function pause() external onlyRole(Roles.PAUSER) {
        TokenStorage storage $ = _token();
        $.config = $.config.withPaused(true);
        emit Paused(msg.sender);
    }

    /// @inheritdoc IEntitlementToken
    function unpause() external onlyRole(Roles.PAUSER) {
        TokenStorage storage $ = _token();
        $.config = $.config.withPaused(false);
        $.supply = $.supply.withWindow(uint32(block.timestamp), 0);
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IEntitlementToken
    function setSecurityInfo(
        string calldata nominee_,
        string calldata securityId_,
        string calldata termsUri,
        bytes32 termsHash
    ) external onlyRole(Roles.ISSUER) {
        _setSecurityInfo(_token(), nominee_, securityId_, termsUri, termsHash);
    }

    // ---------------------------------------------------------------- compliance image

    /// @inheritdoc IEntitlementToken
    function applyRuleSettings(RuleSettings calldata settings) external {
        TokenStorage storage $ = _token();
        // slither-disable-next-line timestamp (an address check, not a time comparison)
        require(msg.sender == address($.compliance), TokenCallerNotCompliance(msg.sender));
        Config cfg = $.config;
        if (settings.rules & Rule.INVESTOR_RULES != 0 && !cfg.investorTracking()) {
            // Positions can only start from zero: once units exist they would start wrong.
            require($.supply.total() == 0, ComplianceInvestorTrackingUnavailable(settings.rules));
            cfg = cfg.withInvestorTracking();
            emit InvestorTrackingEnabled();
        }
        cfg = cfg.withRules(settings.rules, settings.allowedClasses, settings.lockupPeriod);
        if (settings.breakerShareBps != cfg.breakerShareBps() || settings.breakerWindow != cfg.breakerWindow()) {
            cfg = cfg.withBreaker(settings.breakerShareBps, settings.breakerWindow);
            $.supply = $.supply.withWindow(uint32(block.timestamp), 0);
        }
        $.config = cfg;
        $.limits = Limits(settings.maxInvestors, settings.maxBalancePerInvestor, settings.dailyLimitPerInvestor);
    }

    /// @inheritdoc IEntitlementToken
    function applyJurisdictionWord(uint256 index, uint256 bits) external {
        TokenStorage storage $ = _token();
        require(msg.sender == address($.compliance), TokenCallerNotCompliance(msg.sender));
        // The compliance contract writes words 0 to 3 only (codes below 1000).
        $.jurisdictionBits[index] = bits;
    }

    /// @inheritdoc IEntitlementToken
    function jurisdictionWord(uint256 index) external view returns (uint256) {
        return index < 4 ? _token().jurisdictionBits[index] : 0;
    }

    // ---------------------------------------------------------------- restriction views

    /// @inheritdoc IERC1404
    function detectTransferRestriction(address from, address to, uint256 amount) public view returns (uint8) {
        TokenStorage storage $ = _token();
        Move memory m = _load($, from, to);
        if (_stale(m)) _viewMove($, m);
        return _restriction($, m, amount);
    }

    /// @inheritdoc IERC1404
    function messageForTransferRestriction(uint8 restrictionCode) external view returns (string memory) {
        address desk = address(_token().compliance);
        bytes4 selector = ITransferCompliance.messageForRestriction.selector;
        // The compliance contract's answer is already the ABI encoding of the string: passed on
        // as it is, without decoding and encoding it again.
        // slither-disable-next-line assembly (passes the compliance contract's encoded answer on as is)
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), restrictionCode)
            let ok := staticcall(gas(), desk, ptr, 0x24, 0x00, 0x00)
            returndatacopy(ptr, 0x00, returndatasize())
            if iszero(ok) { revert(ptr, returndatasize()) }
            return(ptr, returndatasize())
        }
    }

    /// @inheritdoc IERC7943Fungible
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        return detectTransferRestriction(from, to, amount) == RestrictionCode.SUCCESS;
    }

    /// @inheritdoc IERC7943Fungible
    function canSend(address account) external view returns (bool) {
        return _canTake(account, true);
    }

    /// @inheritdoc IERC7943Fungible
    function canReceive(address account) external view returns (bool) {
        return _canTake(account, false);
    }

    /// @inheritdoc IERC7943Fungible
    function getFrozenTokens(address account) external view returns (uint256) {
        TokenStorage storage $ = _token();
        return _current($, $.config, $.wallets[account], $.frozen[account]);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC20).interfaceId
            || interfaceId == type(IERC1404).interfaceId || interfaceId == type(IERC7943Fungible).interfaceId
            || interfaceId == type(IERC7246).interfaceId || interfaceId == type(IEntitlementToken).interfaceId
            || interfaceId == type(IEntitlementTokenRecords).interfaceId;
    }

    // ---------------------------------------------------------------- holdings of record

    /// @notice Serves `IEntitlementTokenRecords` (record dates, investor totals) from
    /// `EntitlementTokenRecords`, run in this token's storage.
    /// @dev Only selectors the token lacks get here, so no transfer path pays for it.
    fallback() external {
        address records = RECORDS;
        // slither-disable-next-line assembly (delegatecall to the records extension, results passed on)
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), records, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) { revert(ptr, returndatasize()) }
            return(ptr, returndatasize())
        }
    }

    // ---------------------------------------------------------------- other views

    /// @inheritdoc IEntitlementToken
    function lastSplitTime() external view returns (uint40) {
        TokenStorage storage $ = _token();
        return uint40($.splits[$.config.lastSplitRecord()] >> SPLIT_TIME);
    }

    /// @inheritdoc IEntitlementToken
    function paused() external view returns (bool) {
        return _token().config.paused();
    }

    /// @inheritdoc IEntitlementToken
    function ruleSettings() external view returns (RuleSettings memory) {
        TokenStorage storage $ = _token();
        Config c = $.config;
        Limits memory l = $.limits;
        return RuleSettings(
            c.rules(),
            c.allowedClasses(),
            c.investorTracking(),
            l.maxInvestors,
            l.maxBalancePerInvestor,
            l.dailyLimitPerInvestor,
            c.lockupPeriod(),
            c.breakerShareBps(),
            c.breakerWindow()
        );
    }

    /// @inheritdoc IEntitlementToken
    function compliance() external view returns (address) {
        return address(_token().compliance);
    }

    /// @inheritdoc IEntitlementToken
    function identityRegistry() external view returns (address) {
        return address(REGISTRY);
    }

    /// @inheritdoc IEntitlementToken
    function nominee() external view returns (string memory) {
        return _token().nominee;
    }

    /// @inheritdoc IEntitlementToken
    function securityId() external view returns (string memory) {
        return _token().securityId;
    }

    /// @inheritdoc IEntitlementToken
    function terms() external view returns (string memory uri, bytes32 contentHash) {
        TokenStorage storage $ = _token();
        return ($.termsUri, $.termsHash);
    }

    /// @inheritdoc IEntitlementToken
    function lockedTokens(address wallet) external view returns (uint256 amount, uint32 until) {
        TokenStorage storage $ = _token();
        return _liveLock($, wallet, _viewed($, $.config, wallet, $.wallets[wallet]));
    }

    /// @inheritdoc IEntitlementToken
    function transferableBalance(address wallet) public view returns (uint256) {
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        WalletState w = _viewed($, cfg, wallet, $.wallets[wallet]);
        return w.balance() - _restricted($, cfg, wallet, w);
    }

    /// @inheritdoc IEntitlementToken
    function investorCount() external view returns (uint256) {
        return _token().supply.investorCount();
    }

    // ---------------------------------------------------------------- internals: moves

    /// @dev `fromEncumbrance` of `amount` comes out of units encumbered to the caller (already
    /// released by `transferFrom`), the rest out of the sender's free units.
    function _transferChecked(address from, address to, uint256 amount, uint256 fromEncumbrance) private {
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        TokenStorage storage $ = _token();
        Move memory m = _load($, from, to);
        // Inline, not a shared helper: returning the move from a private function costs ~300 gas.
        if (_stale(m)) {
            _settle(from, to);
            m = _load($, from, to);
        }
        m.fromEncumbrance = fromEncumbrance;
        uint8 code = _restriction($, m, amount);
        require(code == RestrictionCode.SUCCESS, ComplianceTransferRejected(from, to, amount, code));
        _move($, m, amount, true);
        emit Transfer(from, to, amount);
    }

    /// @dev Moves `amount` (at most the sender's balance) between the two wallets of `m`, and
    /// between their investors' positions when they differ; counts it against the sender's daily
    /// limit and the circuit breaker when `counted` (ordinary transfers).
    function _move(TokenStorage storage $, Move memory m, uint256 amount, bool counted) private {
        Config cfg = m.cfg;
        uint24 passed = _passed($, cfg);
        WalletState sender = _debit($, m.from, m.sender, amount, passed);
        // A transfer to oneself credits the wallet as just debited, not the copy loaded before.
        WalletState receiver = _credit($, m.to, m.from == m.to ? sender : m.receiver, amount, passed);
        if (m.from != m.to) $.wallets[m.from] = sender;
        $.wallets[m.to] = receiver;

        uint32 senderNumber = m.senderRecord.investorNumber();
        uint32 receiverNumber = m.receiverRecord.investorNumber();
        // A zero amount or a move within one investor changes no position and moves nothing
        // between holders, so it counts for neither the investor count nor the circuit breaker.
        // slither-disable-next-line incorrect-equality (exact tests on an amount and investor numbers)
        if (amount == 0 || senderNumber == receiverNumber) return;
        uint256 count = type(uint256).max;
        if (cfg.investorTracking()) {
            Position sp = m.senderPosition;
            Position rp = m.receiverPosition;
            unchecked {
                // Amounts, balances and volumes are below 2^96, so sums cannot overflow; an
                // investor's position holds at least the balance of each of its wallets, so it
                // covers `amount`; a position reaching zero was counted, so the count is positive.
                if (counted && cfg.rules() & Rule.DAILY_LIMIT != 0) {
                    uint32 today = uint32(block.timestamp / 1 days);
                    sp = sp.withSent(today, sp.sentOn(today) + amount);
                }
                uint256 left = sp.balance() - amount;
                $.positions[senderNumber] = sp.withBalance(left);
                $.positions[receiverNumber] = rp.withBalance(rp.balance() + amount);
                // slither-disable-next-line incorrect-equality,timestamp (exact test on a local count)
                if ((left == 0) != (rp.balance() == 0)) {
                    count = $.supply.investorCount();
                    // slither-disable-next-line incorrect-equality (exact test on a local count, not on a balance)
                    count = left == 0 ? count - 1 : count + 1;
                }
            }
        }
        bool breaker = counted && cfg.rules() & Rule.CIRCUIT_BREAKER != 0;
        if (!breaker && count == type(uint256).max) return;
        Supply sup = $.supply;
        if (count != type(uint256).max) sup = sup.withInvestorCount(count);
        if (breaker) sup = _countForBreaker($, cfg, sup, amount);
        $.supply = sup;
    }

    /// @dev Adds `amount` to the breaker's window and pauses the token past its share of supply.
    function _countForBreaker(TokenStorage storage $, Config cfg, Supply sup, uint256 amount) private returns (Supply) {
        (uint32 start, uint256 moved) = (sup.windowStart(), sup.windowMoved());
        bool tripped;
        unchecked {
            // Times fit 33 bits, amounts 96 bits and shares 14 bits: nothing here can overflow.
            // slither-disable-next-line timestamp (the circuit-breaker window is hours; drift of seconds cannot matter)
            if (block.timestamp >= uint256(start) + cfg.breakerWindow()) {
                (start, moved) = (uint32(block.timestamp), 0);
            }
            moved += amount;
            tripped = moved * 10_000 > uint256(sup.total()) * cfg.breakerShareBps();
        }
        if (tripped) {
            $.config = cfg.withPaused(true);
            emit CircuitBreakerTripped(moved, sup.total(), start);
            emit Paused(address(this));
        }
        return sup.withWindow(start, moved);
    }

    function _mint(TokenStorage storage $, Config cfg, uint24 passed, address to, uint256 amount)
        private
        returns (Config)
    {
        // slither-disable-next-line timestamp (a flag of the configuration, not a time)
        require(!cfg.paused(), TokenPaused());
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        Supply sup = $.supply;
        require(amount <= MAX_AMOUNT - sup.total(), TokenAmountTooLarge(amount));
        WalletState w = $.wallets[to];
        // slither-disable-next-line calls-loop (the token's own registry, one read per wallet of the batch)
        WalletRecord record = WalletRecord.wrap(REGISTRY.walletRecord(to));
        uint32 number = record.investorNumber();
        // slither-disable-next-line uninitialized-local (a zero position is the intended start)
        Position p;
        if (cfg.investorTracking()) p = $.positions[number];
        // As `_stale` for a receiver: settled first when it or its investor holds old units.
        if (w.seen() < cfg.lastSplitRecord() && WalletState.unwrap(w) | Position.unwrap(p) != 0) {
            _settle(to, to);
            w = $.wallets[to];
            if (cfg.investorTracking()) p = $.positions[number];
        }
        uint8 code = _eligibility($, cfg, record, false);
        if (code == RestrictionCode.SUCCESS && cfg.investorTracking()) {
            code = _receiverLimits($, cfg, p, amount, false);
        }
        require(code == RestrictionCode.SUCCESS, ComplianceTransferRejected(address(0), to, amount, code));

        if (cfg.rules() & Rule.LOCKUP != 0 && cfg.lockupPeriod() != 0 && amount != 0) {
            uint32 until = uint32(block.timestamp) + cfg.lockupPeriod();
            w = _addLock($, to, w, amount, until);
            emit TokensLocked(to, amount, until);
        }
        $.wallets[to] = _credit($, to, w, amount, passed);
        cfg = _rememberSupply($, cfg, passed, sup.total());
        sup = sup.withTotal(sup.total() + amount);
        if (cfg.investorTracking()) {
            // A zero amount creates no position, so it must not count a new investor.
            if (p.balance() == 0 && amount != 0) sup = sup.withInvestorCount(sup.investorCount() + 1);
            $.positions[number] = p.withBalance(p.balance() + amount);
        }
        $.supply = sup;
        emit Transfer(address(0), to, amount);
        return cfg;
    }

    function _burn(TokenStorage storage $, Config cfg, uint24 passed, address from, uint256 amount)
        private
        returns (Config)
    {
        // slither-disable-next-line timestamp (a flag of the configuration, not a time)
        require(!cfg.paused(), TokenPaused());
        WalletState w = _settled($, cfg, from);
        require(amount <= w.balance(), ERC20InsufficientBalance(from, w.balance(), amount));
        uint256 unfrozen = w.balance() - (w.has(WalletStateLib.FROZEN) ? $.frozen[from] : 0);
        require(amount <= unfrozen, ERC7943InsufficientUnfrozenBalance(from, amount, unfrozen));
        _requireUnencumbered($, from, w, amount, w.balance() - unfrozen);
        $.wallets[from] = _debit($, from, w, amount, passed);
        Supply sup = $.supply;
        cfg = _rememberSupply($, cfg, passed, sup.total());
        sup = sup.withTotal(sup.total() - amount);
        if (cfg.investorTracking()) {
            // A retired wallet keeps its investor number, so its units still count for its investor.
            // slither-disable-next-line calls-loop (the token's own registry, one read per wallet of the batch)
            uint32 number = WalletRecord.wrap(REGISTRY.walletRecord(from)).investorNumber();
            Position p = $.positions[number];
            uint256 left = p.balance() - amount;
            $.positions[number] = p.withBalance(left);
            if (left == 0 && amount != 0) sup = sup.withInvestorCount(sup.investorCount() - 1);
        }
        $.supply = sup;
        emit Transfer(from, address(0), amount);
        return cfg;
    }

    /// @dev Moves a wallet's holding (balance, live lock tranches, frozen amount) onto another
    /// wallet, all but its encumbered units.
    function _moveHolding(TokenStorage storage $, address lostWallet, address newWallet, uint24 passed)
        private
        returns (uint96 amount, uint256 frozenMoved)
    {
        WalletState lost = _remember($, lostWallet, $.wallets[lostWallet], passed);
        WalletState gain = _remember($, newWallet, $.wallets[newWallet], passed);
        // Encumbered units stay where their takers can find them.
        uint256 kept = _encumbered($, lostWallet, lost);
        amount = uint96(lost.balance() - kept);
        frozenMoved = lost.has(WalletStateLib.FROZEN) ? $.frozen[lostWallet] : 0;
        gain = _takeLocks($, lostWallet, lost, newWallet, gain, amount);
        gain = gain.withBalance(gain.balance() + amount);
        lost = lost.withBalance(kept).withLock(0, 0).withFlag(WalletStateLib.TRANCHES, false);
        if (frozenMoved != 0) {
            uint256 newFrozen = (gain.has(WalletStateLib.FROZEN) ? $.frozen[newWallet] : 0) + frozenMoved;
            ($.frozen[lostWallet], $.frozen[newWallet]) = (0, newFrozen);
            lost = lost.withFlag(WalletStateLib.FROZEN, false);
            gain = gain.withFlag(WalletStateLib.FROZEN, true);
            emit Frozen(lostWallet, 0);
            emit Frozen(newWallet, newFrozen);
        }
        $.wallets[lostWallet] = lost;
        $.wallets[newWallet] = gain;
    }

    /// @dev Adds the live lock tranches of `lost` to `gain`, at most `amount` units of them (the
    /// units that move; the earliest give way first).
    function _takeLocks(
        TokenStorage storage $,
        address lostWallet,
        WalletState lost,
        address newWallet,
        WalletState gain,
        uint256 amount
    ) private returns (WalletState) {
        (uint256[] memory lostLocks, uint256 lostCount) = _tranches($, lostWallet, lost);
        // slither-disable-next-line incorrect-equality,timestamp (exact test on a local count)
        if (lostCount == 0) return gain;
        // slither-disable-next-line uninitialized-local (the sum starts at zero)
        uint256 lostLocked;
        for (uint256 i; i < lostCount; ++i) {
            lostLocked += LockTranches.amountOf(lostLocks[i]);
        }
        if (lostLocked > amount) lostCount = LockTranches.release(lostLocks, lostCount, lostLocked - amount);
        (uint256[] memory list, uint256 n) = _tranches($, newWallet, gain);
        for (uint256 i; i < lostCount; ++i) {
            n = LockTranches.insert(list, n, lostLocks[i]);
        }
        return _storeLocks($, newWallet, gain, list, n);
    }

    /// @dev Takes `amount` (never encumbered units of others) from a wallet, releasing frozen and
    /// locked units only as far as the balance no longer covers them (forced transfers, burns,
    /// transfers with lock-up off).
    function _debit(TokenStorage storage $, address account, WalletState w, uint256 amount, uint24 passed)
        private
        returns (WalletState)
    {
        if (passed != w.seen()) w = _remember($, account, w, passed);
        uint256 balance;
        unchecked {
            // Every caller checked `amount` against the balance.
            balance = w.balance() - amount;
        }
        w = w.withBalance(balance);
        // Locks that all expired need no work: they count for nothing and are overwritten later.
        // slither-disable-next-line timestamp (lock-ups expire by time by design; seconds of drift cannot matter)
        if (block.timestamp < w.lockedUntil() || w.has(WalletStateLib.TRANCHES)) {
            w = _settleLocks($, account, w, balance);
        }
        if (w.has(WalletStateLib.FROZEN | WalletStateLib.ENCUMBERED)) w = _settleHolds($, account, w, balance);
        return w;
    }

    /// @dev Caps the frozen amount at the units of `balance` not encumbered (callers never take
    /// encumbered units, so those are at most `balance`), and clears a spent encumbrance flag.
    function _settleHolds(TokenStorage storage $, address account, WalletState w, uint256 balance)
        private
        returns (WalletState)
    {
        uint256 encumbered = _encumbered($, account, w);
        if (encumbered == 0) w = w.withFlag(WalletStateLib.ENCUMBERED, false);
        uint256 freezable = balance - encumbered;
        // slither-disable-next-line timestamp (compares amounts, not times)
        if (w.has(WalletStateLib.FROZEN) && $.frozen[account] > freezable) {
            $.frozen[account] = freezable;
            w = w.withFlag(WalletStateLib.FROZEN, freezable != 0);
            emit Frozen(account, freezable);
        }
        return w;
    }

    function _credit(TokenStorage storage $, address account, WalletState w, uint256 amount, uint24 passed)
        private
        returns (WalletState)
    {
        // slither-disable-next-line timestamp (compares record-date counts, not times)
        if (passed != w.seen()) w = _remember($, account, w, passed);
        unchecked {
            // Balances and amounts are below 2^96 (the supply cap), so the sum fits.
            return w.withBalance(w.balance() + amount);
        }
    }

    /// @dev Keeps a wallet's balance at the record dates passed since it last changed (callers skip
    /// the call when none did: `passed == w.seen()`).
    function _remember(TokenStorage storage $, address account, WalletState w, uint24 passed)
        private
        returns (WalletState)
    {
        return w.withSeen($.walletHistory[account].remember(w.seen(), passed, w.balance()));
    }

    /// @dev Keeps the supply at the record dates passed since it last changed.
    function _rememberSupply(TokenStorage storage $, Config cfg, uint24 passed, uint96 total) private returns (Config) {
        // slither-disable-next-line incorrect-equality,timestamp (compares record-date counts, not times)
        if (passed == cfg.supplySeen()) return cfg;
        cfg = cfg.withSupplySeen($.supplyHistory.remember(cfg.supplySeen(), passed, total));
        $.config = cfg;
        return cfg;
    }

    // ---------------------------------------------------------------- internals: encumbrance

    /// @dev Encumbers `amount` of `owner`'s free units to `taker`, under the owner's own transfer
    /// rules as a sender (pause, registration, freeze, KYC, jurisdiction, free balance).
    function _encumber(address owner, address taker, uint256 amount) private {
        require(taker != address(0), ERC20InvalidSpender(address(0)));
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        WalletState w = _settled($, cfg, owner);
        uint8 code = cfg.paused()
            ? RestrictionCode.TOKEN_PAUSED
            : _eligibility($, cfg, WalletRecord.wrap(REGISTRY.walletRecord(owner)), true);
        if (code == RestrictionCode.SUCCESS) code = _balanceRestriction($, cfg, owner, w, amount, 0);
        require(code == RestrictionCode.SUCCESS, TokenEncumbranceRejected(owner, taker, amount, code));
        unchecked {
            // `amount` fits the owner's free units, so every encumbrance stays below 2^96.
            $.encumbered[owner] += amount;
            _setEntry($, cfg, owner, taker, _entry($, owner, taker) + amount);
        }
        if (!w.has(WalletStateLib.ENCUMBERED)) $.wallets[owner] = w.withFlag(WalletStateLib.ENCUMBERED, true);
        emit Encumber(owner, taker, amount);
    }

    /// @dev Gives `amount` of `taker`'s encumbrance on `owner` back to the owner (the wallet's
    /// flag is cleared on its next move).
    function _release(address owner, address taker, uint256 amount) private {
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        // The owner's total and the entry must be in the same units.
        _settled($, cfg, owner);
        uint256 held = _entry($, owner, taker);
        // slither-disable-next-line timestamp (compares amounts, not times)
        require(amount <= held, TokenEncumbranceExceeded(owner, taker, held, amount));
        unchecked {
            // The owner's total is at least the sum of its encumbrances (equal but for splits'
            // roundings), each at least what it gives back.
            _setEntry($, cfg, owner, taker, held - amount);
            $.encumbered[owner] -= amount;
        }
        emit Release(owner, taker, amount);
    }

    /// @dev What `taker` holds encumbered of `owner`, in today's units: an entry keeps the last
    /// split it was written after (bits 96 on), and splits since convert it.
    function _entry(TokenStorage storage $, address owner, address taker) private view returns (uint256) {
        uint256 entry = $.encumbrances[owner][taker];
        uint24 last = $.config.lastSplitRecord();
        uint24 written = uint24(entry >> 96);
        return written < last ? _afterSplits($, written, last, uint96(entry)) : uint96(entry);
    }

    function _setEntry(TokenStorage storage $, Config cfg, address owner, address taker, uint256 amount) private {
        $.encumbrances[owner][taker] = amount | (uint256(cfg.lastSplitRecord()) << 96);
    }

    function _encumbered(TokenStorage storage $, address account, WalletState w) private view returns (uint256) {
        return w.has(WalletStateLib.ENCUMBERED) ? $.encumbered[account] : 0;
    }

    /// @dev Reverts when `amount` reaches into `account`'s encumbered units, with `reserved` more
    /// units (frozen) out of reach too.
    function _requireUnencumbered(
        TokenStorage storage $,
        address account,
        WalletState w,
        uint256 amount,
        uint256 reserved
    ) private view {
        uint256 unencumbered = w.balance() - reserved - _encumbered($, account, w);
        require(amount <= unencumbered, TokenAmountEncumbered(account, amount, unencumbered));
    }

    // ---------------------------------------------------------------- internals: lock-up

    /// @dev Adds a tranche of `amount` units locked until `until`.
    function _addLock(TokenStorage storage $, address account, WalletState w, uint256 amount, uint32 until)
        private
        returns (WalletState)
    {
        (uint256 live, uint32 earliest) = _liveLock($, account, w);
        // slither-disable-next-line incorrect-equality,timestamp (exact test on a local count)
        if (live == 0) return w.withLock(amount, until).withFlag(WalletStateLib.TRANCHES, false);
        // slither-disable-next-line incorrect-equality (merges two lock-ups with the same expiry)
        if (!w.has(WalletStateLib.TRANCHES) && earliest == until) return w.withLock(live + amount, until);
        (uint256[] memory list, uint256 n) = _tranches($, account, w);
        n = LockTranches.insert(list, n, LockTranches.pack(amount, until));
        return _storeLocks($, account, w, list, n);
    }

    /// @dev Drops expired tranches from the summary and, when `balance` no longer covers the live
    /// locks, releases the earliest ones first.
    function _settleLocks(TokenStorage storage $, address account, WalletState w, uint256 balance)
        private
        returns (WalletState)
    {
        (uint256 live, uint32 earliest) = _liveLock($, account, w);
        // slither-disable-next-line incorrect-equality,timestamp (exact test on a local count)
        if (live == 0) return w.withLock(0, 0).withFlag(WalletStateLib.TRANCHES, false);
        if (live <= balance) return w.withLock(live, earliest);
        (uint256[] memory list, uint256 n) = _tranches($, account, w);
        n = LockTranches.release(list, n, live - balance);
        return _storeLocks($, account, w, list, n);
    }

    /// @dev Units of `account` locked now and the earliest date one of them unlocks.
    function _liveLock(TokenStorage storage $, address account, WalletState w)
        private
        view
        returns (uint256 amount, uint32 earliest)
    {
        // slither-disable-next-line timestamp (lock-ups expire by time by design; seconds of drift cannot matter)
        if (block.timestamp < w.lockedUntil()) return (w.locked(), w.lockedUntil());
        if (!w.has(WalletStateLib.TRANCHES)) return (0, 0);
        (uint256[] memory list, uint256 n) = _tranches($, account, w);
        Config cfg = $.config;
        for (uint256 i; i < n; ++i) {
            amount += _current($, cfg, w, LockTranches.amountOf(list[i]));
        }
        if (n != 0) earliest = LockTranches.untilOf(list[0]);
    }

    /// @dev The wallet's live tranches, sorted by date.
    function _tranches(TokenStorage storage $, address account, WalletState w)
        private
        view
        returns (uint256[] memory list, uint256 n)
    {
        list = LockTranches.newList();
        if (w.has(WalletStateLib.TRANCHES)) {
            n = LockTranches.loadLive($.lockTranches[account], list, 0, block.timestamp);
            // slither-disable-next-line timestamp (lock-ups expire by time by design; seconds of drift cannot matter)
        } else if (block.timestamp < w.lockedUntil()) {
            list[n++] = LockTranches.pack(w.locked(), w.lockedUntil());
        }
    }

    /// @dev Stores the sorted live tranches `list[0..n)`: in the wallet word alone when there is
    /// at most one.
    function _storeLocks(TokenStorage storage $, address account, WalletState w, uint256[] memory list, uint256 n)
        private
        returns (WalletState)
    {
        // slither-disable-next-line incorrect-equality,timestamp (exact test on a local count)
        if (n == 0) return w.withLock(0, 0).withFlag(WalletStateLib.TRANCHES, false);
        // slither-disable-next-line incorrect-equality (exact test on a local count, not on a balance)
        if (n == 1) {
            w = w.withLock(LockTranches.amountOf(list[0]), LockTranches.untilOf(list[0]));
            return w.withFlag(WalletStateLib.TRANCHES, false);
        }
        (uint256 total, uint32 earliest) = LockTranches.store($.lockTranches[account], list, n);
        return w.withLock(total, earliest).withFlag(WalletStateLib.TRANCHES, true);
    }

    // ---------------------------------------------------------------- internals: rules

    /// @dev The registry's `walletRecords(a, b)`, called through scratch memory: the hottest call
    /// of every transfer, spared the ABI coder's allocations.
    function _records(address a, address b) private view returns (WalletRecord ra, WalletRecord rb) {
        IIdentityRegistry registry = REGISTRY;
        bytes4 selector = IIdentityRegistry.walletRecords.selector;
        // slither-disable-next-line assembly (the hottest registry call, without the ABI coder)
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), a)
            mstore(add(ptr, 0x24), b)
            if iszero(staticcall(gas(), registry, ptr, 0x44, 0x00, 0x40)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            if lt(returndatasize(), 0x40) { revert(0, 0) }
            ra := mload(0x00)
            rb := mload(0x20)
        }
    }

    function _load(TokenStorage storage $, address from, address to) private view returns (Move memory m) {
        m.cfg = $.config;
        (m.from, m.to) = (from, to);
        m.sender = $.wallets[from];
        m.receiver = $.wallets[to];
        (m.senderRecord, m.receiverRecord) = _records(from, to);
        uint32 senderNumber = m.senderRecord.investorNumber();
        uint32 receiverNumber = m.receiverRecord.investorNumber();
        if (m.cfg.investorTracking() && senderNumber != receiverNumber) {
            m.senderPosition = $.positions[senderNumber];
            m.receiverPosition = $.positions[receiverNumber];
        }
    }

    /// @dev Whether either wallet of a loaded move is still in the units before a split: a few
    /// comparisons on words already loaded, the whole cost of splits to a transfer. A wallet never
    /// written holds nothing to convert: a receiver's counts only when its investor's position
    /// (loaded when the investors differ) does, and a sender's only sends zero.
    function _stale(Move memory m) private pure returns (bool stale) {
        (Config cfg, WalletState sender, WalletState receiver, Position position) =
            (m.cfg, m.sender, m.receiver, m.receiverPosition);
        // slither-disable-next-line assembly (the `seen` fields (bits 224-247) against the last split (bits 208-231))
        assembly ("memory-safe") {
            let last := and(shr(208, cfg), 0xffffff)
            let s := and(lt(and(shr(224, sender), 0xffffff), last), iszero(iszero(sender)))
            let r := and(lt(and(shr(224, receiver), 0xffffff), last), iszero(iszero(or(receiver, position))))
            stale := or(s, r)
        }
    }

    /// @dev Converts a loaded move in memory as settling its wallets would (views), their
    /// investors' balances from `EntitlementTokenRecords.investorBalance`.
    function _viewMove(TokenStorage storage $, Move memory m) private view {
        m.sender = _viewed($, m.cfg, m.from, m.sender);
        m.receiver = _viewed($, m.cfg, m.to, m.receiver);
        // slither-disable-next-line incorrect-equality,timestamp (whether positions were loaded at all)
        if (Position.unwrap(m.senderPosition) | Position.unwrap(m.receiverPosition) == 0) return;
        // The sender's volume today, in the units of its wallets (settled together).
        uint32 today = uint32(block.timestamp / 1 days);
        Position sp = m.senderPosition;
        sp = sp.withSent(today, _current($, m.cfg, m.sender, sp.sentOn(today)));
        m.senderPosition = sp.withBalance(_investorBalance(m.senderRecord));
        m.receiverPosition = m.receiverPosition.withBalance(_investorBalance(m.receiverRecord));
    }

    function _investorBalance(WalletRecord record) private view returns (uint256) {
        bytes32 investorId = REGISTRY.investorIdOf(record.investorNumber());
        return IEntitlementTokenRecords(address(this)).investorBalance(investorId);
    }

    /// @dev The wallet's word, its splits settled first when it is not yet in today's units (a
    /// word never written has nothing to convert: callers only take from it).
    function _settled(TokenStorage storage $, Config cfg, address account) private returns (WalletState w) {
        w = $.wallets[account];
        // slither-disable-next-line timestamp (compares record-date counts, not times)
        if (w.seen() < cfg.lastSplitRecord() && WalletState.unwrap(w) != 0) {
            _settle(account, account);
            w = $.wallets[account];
        }
    }

    /// @dev Settles two wallets' splits: `EntitlementTokenRecords.settleSplits([a, b])` run by
    /// delegatecall in this storage, its revert passed on.
    function _settle(address a, address b) private {
        address records = RECORDS;
        bytes4 selector = IEntitlementTokenRecords.settleSplits.selector;
        // slither-disable-next-line assembly (the extension's settlement, encoded without the ABI coder)
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), 0x20)
            mstore(add(ptr, 0x24), 2)
            mstore(add(ptr, 0x44), a)
            mstore(add(ptr, 0x64), b)
            if iszero(delegatecall(gas(), records, ptr, 0x84, 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
        }
    }

    /// @dev The first rule an ordinary transfer breaks, in `RestrictionCode` order.
    function _restriction(TokenStorage storage $, Move memory m, uint256 amount) private view returns (uint8 code) {
        Config cfg = m.cfg;
        if (cfg.paused()) return RestrictionCode.TOKEN_PAUSED;
        code = _eligibility($, cfg, m.senderRecord, true);
        if (code != RestrictionCode.SUCCESS) return code;
        code = _eligibility($, cfg, m.receiverRecord, false);
        if (code != RestrictionCode.SUCCESS) return code;
        code = _balanceRestriction($, cfg, m.from, m.sender, amount, m.fromEncumbrance);
        if (code != RestrictionCode.SUCCESS) return code;
        uint16 rules = cfg.rules();
        // slither-disable-next-line incorrect-equality (tests rule bits)
        if (rules & Rule.INVESTOR_RULES == 0 || !cfg.investorTracking()) return code;
        // slither-disable-next-line incorrect-equality (compares investor numbers)
        if (m.senderRecord.investorNumber() == m.receiverRecord.investorNumber()) return code;
        // slither-disable-next-line incorrect-equality (whether the sender leaves: an exact test by design)
        code = _receiverLimits($, cfg, m.receiverPosition, amount, m.senderPosition.balance() == amount);
        if (code != RestrictionCode.SUCCESS) return code;
        if (rules & Rule.DAILY_LIMIT != 0) {
            uint256 sent = m.senderPosition.sentOn(uint32(block.timestamp / 1 days));
            // `amount` is at most the sender's balance here: both terms are below 2^96.
            unchecked {
                // slither-disable-next-line timestamp (the daily limit counts by day; drift of seconds cannot matter)
                if (sent + amount > $.limits.dailyLimitPerInvestor) return RestrictionCode.DAILY_LIMIT_EXCEEDED;
            }
        }
    }

    /// @dev What the sender's balance allows: `amount` must fit the balance and the unfrozen units,
    /// and the part not taken from the caller's encumbrance (`fromEncumbrance`) must also fit the
    /// units neither encumbered nor (under the lock-up rule) locked.
    function _balanceRestriction(
        TokenStorage storage $,
        Config cfg,
        address account,
        WalletState w,
        uint256 amount,
        uint256 fromEncumbrance
    ) private view returns (uint8) {
        uint256 balance = w.balance();
        if (amount > balance) return RestrictionCode.INSUFFICIENT_BALANCE;
        bool lockup = cfg.rules() & Rule.LOCKUP != 0 && w.locked() != 0;
        // Nothing held back: the common case, decided without further reads.
        if (!lockup && !w.has(WalletStateLib.FROZEN | WalletStateLib.ENCUMBERED)) return RestrictionCode.SUCCESS;
        (uint256 frozen, uint256 encumbered) = _holds($, cfg, account, w);
        unchecked {
            // Frozen plus encumbered units never exceed the balance, and `fromEncumbrance` is part
            // of `amount`: no difference below can wrap.
            if (amount > balance - frozen) return RestrictionCode.BALANCE_FROZEN;
            uint256 own = amount - fromEncumbrance;
            // The caller's encumbrance was already released: its units count as held here.
            uint256 held = frozen + encumbered + fromEncumbrance;
            if (own > balance - held) return RestrictionCode.BALANCE_ENCUMBERED;
            if (lockup) {
                (uint256 live,) = _liveLock($, account, w);
                held += live;
                // slither-disable-next-line timestamp (compares amounts, not times)
                if (own > (held > balance ? 0 : balance - held)) return RestrictionCode.TOKENS_LOCKED;
            }
        }
        return RestrictionCode.SUCCESS;
    }

    /// @dev Maximum investors and maximum balance for a receiving investor. `senderExits` is true
    /// when the sending investor's position drops to zero, so the count does not grow; a zero
    /// amount makes nobody a holder, so it never meets the investor cap.
    function _receiverLimits(TokenStorage storage $, Config cfg, Position receiver, uint256 amount, bool senderExits)
        private
        view
        returns (uint8)
    {
        uint16 rules = cfg.rules();
        if (
            // slither-disable-next-line incorrect-equality,timestamp (exact tests on a position and counts, not times)
            rules & Rule.MAX_INVESTORS != 0 && receiver.balance() == 0 && amount != 0 && !senderExits
                && $.supply.investorCount() >= $.limits.maxInvestors
        ) return RestrictionCode.MAX_INVESTORS_REACHED;
        // `amount` is at most a balance or the supply's room: the sum cannot overflow.
        unchecked {
            // slither-disable-next-line timestamp (compares amounts, not times)
            if (rules & Rule.MAX_BALANCE != 0 && receiver.balance() + amount > $.limits.maxBalancePerInvestor) {
                return RestrictionCode.MAX_BALANCE_EXCEEDED;
            }
        }
        return RestrictionCode.SUCCESS;
    }

    /// @dev Registration, freeze, KYC, class (receivers only) and jurisdiction of one party.
    function _eligibility(TokenStorage storage $, Config cfg, WalletRecord w, bool sender)
        private
        view
        returns (uint8)
    {
        if (!w.registered()) {
            return sender ? RestrictionCode.SENDER_NOT_REGISTERED : RestrictionCode.RECEIVER_NOT_REGISTERED;
        }
        if (w.frozen()) return sender ? RestrictionCode.SENDER_FROZEN : RestrictionCode.RECEIVER_FROZEN;
        uint16 rules = cfg.rules();
        // slither-disable-next-line timestamp (KYC expiry is by date; seconds of drift cannot matter)
        if (rules & Rule.KYC != 0 && w.kycExpiry() <= block.timestamp) {
            return sender ? RestrictionCode.SENDER_KYC_EXPIRED : RestrictionCode.RECEIVER_KYC_EXPIRED;
        }
        // slither-disable-next-line incorrect-equality (tests class bits)
        if (!sender && rules & Rule.INVESTOR_CLASS != 0 && cfg.allowedClasses() & (1 << w.investorClass()) == 0) {
            return RestrictionCode.RECEIVER_CLASS_NOT_ALLOWED;
        }
        if (rules & (Rule.JURISDICTION_ALLOWLIST | Rule.JURISDICTION_BLOCKLIST) != 0) {
            bool listed = $.jurisdictionBits[w.country() >> 8] & (1 << (w.country() & 0xff)) != 0;
            if (listed != (rules & Rule.JURISDICTION_ALLOWLIST != 0)) {
                return sender
                    ? RestrictionCode.SENDER_JURISDICTION_NOT_ALLOWED
                    : RestrictionCode.RECEIVER_JURISDICTION_NOT_ALLOWED;
            }
        }
        return RestrictionCode.SUCCESS;
    }

    /// @dev Whether `account` passes the token's pause and its own eligibility as a sender or a
    /// receiver.
    function _canTake(address account, bool sender) private view returns (bool) {
        TokenStorage storage $ = _token();
        Config cfg = $.config;
        WalletRecord record = WalletRecord.wrap(REGISTRY.walletRecord(account));
        return !cfg.paused() && _eligibility($, cfg, record, sender) == RestrictionCode.SUCCESS;
    }

    /// @dev The frozen and encumbered units of `w`, in today's units (converted only for a wallet
    /// not yet settled, in views: moves settle first).
    function _holds(TokenStorage storage $, Config cfg, address account, WalletState w)
        private
        view
        returns (uint256 frozen, uint256 encumbered)
    {
        if (!w.has(WalletStateLib.FROZEN | WalletStateLib.ENCUMBERED)) return (0, 0);
        frozen = w.has(WalletStateLib.FROZEN) ? $.frozen[account] : 0;
        encumbered = _encumbered($, account, w);
        // slither-disable-next-line timestamp (compares record-date counts, not times)
        if (w.seen() < cfg.lastSplitRecord()) {
            frozen = _current($, cfg, w, frozen);
            encumbered = _current($, cfg, w, encumbered);
        }
    }

    /// @dev Units of `w` its owner may not send: frozen, encumbered and locked (under the lock-up
    /// rule), capped at the balance.
    function _restricted(TokenStorage storage $, Config cfg, address account, WalletState w)
        private
        view
        returns (uint256)
    {
        (uint256 frozen, uint256 held) = _holds($, cfg, account, w);
        held += frozen;
        if (cfg.rules() & Rule.LOCKUP != 0 && w.locked() != 0) {
            (uint256 live,) = _liveLock($, account, w);
            // Each is at most the balance, below 2^96.
            unchecked {
                held += live;
            }
        }
        // slither-disable-next-line timestamp (compares amounts, not times)
        return held > w.balance() ? w.balance() : held;
    }

    // ---------------------------------------------------------------- internals: record dates

    // ---------------------------------------------------------------- internals: other

    function _spendAllowance(address owner, address spender, uint256 amount) private {
        TokenStorage storage $ = _token();
        uint256 allowed = $.allowances[owner][spender];
        if (allowed == type(uint256).max) return;
        // slither-disable-next-line timestamp (compares amounts, not times)
        require(allowed >= amount, ERC20InsufficientAllowance(spender, allowed, amount));
        unchecked {
            // Checked just above.
            $.allowances[owner][spender] = allowed - amount;
        }
    }

    function _setSecurityInfo(
        TokenStorage storage $,
        string calldata nominee_,
        string calldata securityId_,
        string calldata termsUri,
        bytes32 termsHash
    ) private {
        $.nominee = nominee_;
        $.securityId = securityId_;
        $.termsUri = termsUri;
        $.termsHash = termsHash;
        emit SecurityInfoChanged(nominee_, securityId_, termsUri, termsHash);
    }
}
