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
import {IERC7943Fungible} from "../interfaces/IERC7943Fungible.sol";
import {IEntitlementToken} from "../interfaces/IEntitlementToken.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ITransferCompliance} from "../interfaces/ITransferCompliance.sol";
import {RecordHistory} from "../libraries/RecordHistory.sol";
import {InvestorClass} from "../types/InvestorClass.sol";
import {WalletRecord} from "../types/WalletRecord.sol";

/// @title EntitlementToken
/// @notice A whitelisted ERC-20 of beneficial entitlements with its transfer rules built in.
/// @dev Every balance change goes through `_debit` and `_credit`, which also keep record-date
/// history; rules are decided in one place, `_restriction`, which both the ERC-1404 view and
/// `transfer` use, so the view and the enforcement cannot disagree.
/// The token enforces the rules from its own storage; `TransferCompliance` owns their settings
/// (validation, events) and writes them here. Reading them through a second proxied contract on
/// every transfer would cost ~7.5k gas, more than the transfer gas targets leave.
/// Invariants: the supply equals the sum of wallet balances; a wallet's frozen amount never exceeds
/// its balance; with investor tracking on, an investor's position equals the sum of the balances of
/// its wallets and `investorCount` counts the positions above zero; only wallets that were
/// registered when they received hold units.
contract EntitlementToken is IEntitlementToken, IERC20Errors, AuthorityManaged {
    using RecordHistory for RecordHistory.Entry[];

    uint256 private constant MAX_AMOUNT = type(uint96).max;
    uint8 private constant ALL_CLASSES = uint8(((1 << (InvestorClass.MAX + 1)) - 1) & ~uint256(1));

    /// @dev Read on every transfer: one slot.
    struct Config {
        uint16 rules;
        uint8 allowedClasses;
        bool paused;
        bool investorTracking;
        uint24 recordDateCount;
        uint40 lastRecordDate;
        uint32 lockupPeriod;
        uint16 breakerShareBps;
        uint32 breakerWindow;
    }

    /// @dev Read only when an investor rule is on: one slot.
    struct Limits {
        uint32 maxInvestors;
        uint96 maxBalancePerInvestor;
        uint96 dailyLimitPerInvestor;
    }

    /// @dev Supply, investor count and the circuit breaker's window: one slot.
    struct Supply {
        uint96 total;
        uint32 investorCount;
        uint32 windowStart;
        uint96 windowMoved;
    }

    /// @dev A wallet's balance, its locked units, and the record dates it has seen: one slot.
    /// The frozen amount lives apart and is read only when `hasFrozen` is set.
    struct Wallet {
        uint96 balance;
        uint96 locked;
        uint32 lockedUntil;
        uint24 seen;
        bool hasFrozen;
    }

    /// @dev An investor's balance across its wallets and its sending volume today: one slot.
    struct Position {
        uint96 balance;
        uint32 day;
        uint96 dayVolume;
    }

    /// @dev One side of a transfer as loaded from storage and the registry.
    struct Party {
        address account;
        Wallet wallet;
        WalletRecord record;
        Position position;
    }

    /// @custom:storage-location erc7201:permledger.storage.EntitlementToken
    struct TokenStorage {
        Config config;
        Limits limits;
        Supply supply;
        uint24 supplySeen;
        IIdentityRegistry registry;
        ITransferCompliance compliance;
        mapping(address wallet => Wallet) wallets;
        mapping(address wallet => uint256) frozen;
        mapping(uint32 investorNumber => Position) positions;
        mapping(address owner => mapping(address spender => uint256)) allowances;
        mapping(uint256 word => uint256) jurisdictionBits;
        uint40[] recordDates;
        mapping(address wallet => RecordHistory.Entry[]) walletHistory;
        RecordHistory.Entry[] supplyHistory;
        string name;
        string symbol;
        uint8 decimals;
        string nominee;
        string securityId;
        string termsUri;
        bytes32 termsHash;
    }

    // keccak256(abi.encode(uint256(keccak256("permledger.storage.EntitlementToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant TOKEN_STORAGE = 0xff83659b31b2eb88969b335397d06213b9b084e835cff3042a6f073c51bbf300;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Creates the token behind its proxy.
    function initialize(TokenParams calldata params) external initializer {
        __AuthorityManaged_init(params.authority);
        TokenStorage storage $ = _token();
        require(params.registry.code.length != 0, TokenDependencyInvalid(params.registry));
        require(params.compliance.code.length != 0, TokenDependencyInvalid(params.compliance));
        $.registry = IIdentityRegistry(params.registry);
        $.compliance = ITransferCompliance(params.compliance);
        ($.name, $.symbol, $.decimals) = (params.name, params.symbol, params.decimals);
        _setSecurityInfo($, params.nominee, params.securityId, params.termsUri, params.termsHash);
        $.config.allowedClasses = ALL_CLASSES;
        if (params.investorTracking) {
            $.config.investorTracking = true;
            emit InvestorTrackingEnabled();
        }
    }

    // ---------------------------------------------------------------- ERC-20

    /// @inheritdoc IERC20
    function transfer(address to, uint256 amount) external returns (bool) {
        _transferChecked(msg.sender, to, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spendAllowance(from, msg.sender, amount);
        _transferChecked(from, to, amount);
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

    /// @inheritdoc IERC20
    function balanceOf(address account) public view returns (uint256) {
        return _token().wallets[account].balance;
    }

    /// @inheritdoc IERC20
    function totalSupply() external view returns (uint256) {
        return _token().supply.total;
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
        Config memory cfg = _config($);
        _mint($, cfg, _passed($, cfg), to, amount);
    }

    /// @inheritdoc IEntitlementToken
    function mintBatch(address[] calldata to, uint256[] calldata amounts) external onlyRole(Roles.ISSUER) {
        require(to.length == amounts.length, TokenBatchLengthMismatch(to.length, amounts.length));
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        uint24 passed = _passed($, cfg);
        for (uint256 i; i < to.length; ++i) {
            _mint($, cfg, passed, to[i], amounts[i]);
        }
    }

    /// @inheritdoc IEntitlementToken
    function burn(address from, uint256 amount) external onlyRole(Roles.ISSUER) {
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        _burn($, cfg, _passed($, cfg), from, amount);
    }

    /// @inheritdoc IEntitlementToken
    function burnBatch(address[] calldata from, uint256[] calldata amounts) external onlyRole(Roles.ISSUER) {
        require(from.length == amounts.length, TokenBatchLengthMismatch(from.length, amounts.length));
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        uint24 passed = _passed($, cfg);
        for (uint256 i; i < from.length; ++i) {
            _burn($, cfg, passed, from[i], amounts[i]);
        }
    }

    // ---------------------------------------------------------------- transfer agent

    /// @inheritdoc IERC7943Fungible
    function forcedTransfer(address from, address to, uint256 amount)
        external
        onlyRole(Roles.TRANSFER_AGENT)
        returns (bool)
    {
        require(from != to, TokenForcedTransferToSelf(from));
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        (Party memory s, Party memory r) = _loadParties($, cfg, from, to);
        // Registration of the receiver is never skipped: only registered wallets hold units.
        require(
            r.record.registered(), ComplianceTransferRejected(from, to, amount, RestrictionCode.RECEIVER_NOT_REGISTERED)
        );
        require(amount <= s.wallet.balance, ERC20InsufficientBalance(from, s.wallet.balance, amount));
        uint96 value = uint96(amount);
        uint24 passed = _passed($, cfg);
        _debit($, s, value, passed);
        _credit($, r, value, passed);
        _moveBetweenInvestors($, cfg, s, r, value, false);
        emit Transfer(from, to, amount);
        emit ForcedTransfer(from, to, amount);
        return true;
    }

    /// @inheritdoc IERC7943Fungible
    function setFrozenTokens(address account, uint256 amount) external onlyRole(Roles.TRANSFER_AGENT) returns (bool) {
        TokenStorage storage $ = _token();
        Wallet storage w = $.wallets[account];
        require(amount <= w.balance, TokenFrozenExceedsBalance(account, amount, w.balance));
        $.frozen[account] = amount;
        w.hasFrozen = amount != 0;
        emit Frozen(account, amount);
        return true;
    }

    /// @inheritdoc IEntitlementToken
    function recoverWallet(address lostWallet, address newWallet) external onlyRole(Roles.TRANSFER_AGENT) {
        TokenStorage storage $ = _token();
        (uint256 lostWord, uint256 newWord) = $.registry.walletRecords(lostWallet, newWallet);
        WalletRecord lostRecord = WalletRecord.wrap(lostWord);
        WalletRecord newRecord = WalletRecord.wrap(newWord);
        require(
            lostWallet != newWallet && newRecord.registered() && lostRecord.investorNumber() != 0
                && lostRecord.investorNumber() == newRecord.investorNumber(),
            TokenRecoveryInvalid(lostWallet, newWallet)
        );
        (uint96 amount, uint256 frozenMoved) = _moveHolding($, lostWallet, newWallet, _passed($, $.config));
        emit Transfer(lostWallet, newWallet, amount);
        emit WalletRecovered(lostWallet, newWallet, amount, frozenMoved);
    }

    /// @inheritdoc IEntitlementToken
    function pause() external onlyRole(Roles.PAUSER) {
        _token().config.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IEntitlementToken
    function unpause() external onlyRole(Roles.PAUSER) {
        TokenStorage storage $ = _token();
        $.config.paused = false;
        ($.supply.windowStart, $.supply.windowMoved) = (uint32(block.timestamp), 0);
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IEntitlementToken
    function scheduleRecordDate(uint40 time) external returns (uint24 recordId) {
        if (!_hasRole(Roles.ISSUER)) _checkRole(Roles.TRANSFER_AGENT);
        TokenStorage storage $ = _token();
        Config storage cfg = $.config;
        uint40 earliest = cfg.lastRecordDate > block.timestamp ? cfg.lastRecordDate : uint40(block.timestamp);
        require(time >= earliest, TokenRecordDateInvalid(time, earliest));
        $.recordDates.push(time);
        recordId = ++cfg.recordDateCount;
        cfg.lastRecordDate = time;
        emit RecordDateScheduled(recordId, time);
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
        require(msg.sender == address($.compliance), TokenCallerNotCompliance(msg.sender));
        Config storage cfg = $.config;
        if (settings.rules & Rule.INVESTOR_RULES != 0 && !cfg.investorTracking) {
            // Positions can only start from zero: once units exist they would start wrong.
            require($.supply.total == 0, ComplianceInvestorTrackingUnavailable(settings.rules));
            cfg.investorTracking = true;
            emit InvestorTrackingEnabled();
        }
        (cfg.rules, cfg.allowedClasses, cfg.lockupPeriod) =
        (settings.rules, settings.allowedClasses, settings.lockupPeriod);
        if (settings.breakerShareBps != cfg.breakerShareBps || settings.breakerWindow != cfg.breakerWindow) {
            (cfg.breakerShareBps, cfg.breakerWindow) = (settings.breakerShareBps, settings.breakerWindow);
            ($.supply.windowStart, $.supply.windowMoved) = (uint32(block.timestamp), 0);
        }
        $.limits = Limits(settings.maxInvestors, settings.maxBalancePerInvestor, settings.dailyLimitPerInvestor);
    }

    /// @inheritdoc IEntitlementToken
    function applyJurisdictionWord(uint256 index, uint256 bits) external {
        TokenStorage storage $ = _token();
        require(msg.sender == address($.compliance), TokenCallerNotCompliance(msg.sender));
        $.jurisdictionBits[index] = bits;
    }

    /// @inheritdoc IEntitlementToken
    function jurisdictionWord(uint256 index) external view returns (uint256) {
        return _token().jurisdictionBits[index];
    }

    // ---------------------------------------------------------------- restriction views

    /// @inheritdoc IERC1404
    function detectTransferRestriction(address from, address to, uint256 amount) public view returns (uint8) {
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        (Party memory s, Party memory r) = _loadParties($, cfg, from, to);
        return _restriction($, cfg, s, r, amount);
    }

    /// @inheritdoc IERC1404
    function messageForTransferRestriction(uint8 restrictionCode) external view returns (string memory) {
        return _token().compliance.messageForRestriction(restrictionCode);
    }

    /// @inheritdoc IERC7943Fungible
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        return detectTransferRestriction(from, to, amount) == RestrictionCode.SUCCESS;
    }

    /// @inheritdoc IERC7943Fungible
    function canSend(address account) external view returns (bool) {
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        WalletRecord record = WalletRecord.wrap($.registry.walletRecord(account));
        return !cfg.paused && _eligibility($, cfg, record, true) == 0;
    }

    /// @inheritdoc IERC7943Fungible
    function canReceive(address account) external view returns (bool) {
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        WalletRecord record = WalletRecord.wrap($.registry.walletRecord(account));
        return !cfg.paused && _eligibility($, cfg, record, false) == 0;
    }

    /// @inheritdoc IERC7943Fungible
    function getFrozenTokens(address account) external view returns (uint256) {
        return _token().frozen[account];
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC20).interfaceId
            || interfaceId == type(IERC1404).interfaceId || interfaceId == type(IERC7943Fungible).interfaceId
            || interfaceId == type(IEntitlementToken).interfaceId;
    }

    // ---------------------------------------------------------------- other views

    /// @inheritdoc IEntitlementToken
    function paused() external view returns (bool) {
        return _token().config.paused;
    }

    /// @inheritdoc IEntitlementToken
    function ruleSettings() external view returns (RuleSettings memory) {
        TokenStorage storage $ = _token();
        Config memory c = $.config;
        Limits memory l = $.limits;
        return RuleSettings(
            c.rules,
            c.allowedClasses,
            c.investorTracking,
            l.maxInvestors,
            l.maxBalancePerInvestor,
            l.dailyLimitPerInvestor,
            c.lockupPeriod,
            c.breakerShareBps,
            c.breakerWindow
        );
    }

    /// @inheritdoc IEntitlementToken
    function compliance() external view returns (address) {
        return address(_token().compliance);
    }

    /// @inheritdoc IEntitlementToken
    function identityRegistry() external view returns (address) {
        return address(_token().registry);
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
        Wallet memory w = _token().wallets[wallet];
        return w.lockedUntil > block.timestamp ? (uint256(w.locked), w.lockedUntil) : (0, 0);
    }

    /// @inheritdoc IEntitlementToken
    function transferableBalance(address wallet) external view returns (uint256) {
        TokenStorage storage $ = _token();
        Wallet memory w = _wallet($, wallet);
        return w.balance - _restricted($, $.config, wallet, w);
    }

    /// @inheritdoc IEntitlementToken
    function investorBalance(bytes32 investorId) external view returns (uint256 total) {
        TokenStorage storage $ = _token();
        if ($.config.investorTracking) {
            return $.positions[$.registry.investor(investorId).number].balance;
        }
        address[] memory active = $.registry.walletsOf(investorId);
        address[] memory retired = $.registry.retiredWalletsOf(investorId);
        for (uint256 i; i < active.length; ++i) {
            total += $.wallets[active[i]].balance;
        }
        for (uint256 i; i < retired.length; ++i) {
            total += $.wallets[retired[i]].balance;
        }
    }

    /// @inheritdoc IEntitlementToken
    function investorCount() external view returns (uint256) {
        return _token().supply.investorCount;
    }

    /// @inheritdoc IEntitlementToken
    function recordDateCount() external view returns (uint24) {
        return _token().config.recordDateCount;
    }

    /// @inheritdoc IEntitlementToken
    function recordDate(uint24 recordId) external view returns (uint40) {
        TokenStorage storage $ = _token();
        require(recordId != 0 && recordId <= $.recordDates.length, TokenRecordDateNotPassed(recordId));
        return $.recordDates[recordId - 1];
    }

    /// @inheritdoc IEntitlementToken
    function passedRecordDates() external view returns (uint24) {
        TokenStorage storage $ = _token();
        return _passed($, $.config);
    }

    /// @inheritdoc IEntitlementToken
    function balanceOfAt(address wallet, uint24 recordId) public view returns (uint256) {
        TokenStorage storage $ = _token();
        _requirePassed($, recordId);
        Wallet memory w = _wallet($, wallet);
        return $.walletHistory[wallet].valueAt(recordId, w.seen, w.balance);
    }

    /// @inheritdoc IEntitlementToken
    function investorBalanceAt(bytes32 investorId, uint24 recordId) external view returns (uint256 total) {
        TokenStorage storage $ = _token();
        address[] memory active = $.registry.walletsOf(investorId);
        address[] memory retired = $.registry.retiredWalletsOf(investorId);
        for (uint256 i; i < active.length; ++i) {
            total += balanceOfAt(active[i], recordId);
        }
        for (uint256 i; i < retired.length; ++i) {
            total += balanceOfAt(retired[i], recordId);
        }
    }

    /// @inheritdoc IEntitlementToken
    function totalSupplyAt(uint24 recordId) external view returns (uint256) {
        TokenStorage storage $ = _token();
        _requirePassed($, recordId);
        return $.supplyHistory.valueAt(recordId, $.supplySeen, $.supply.total);
    }

    // ---------------------------------------------------------------- internals

    function _transferChecked(address from, address to, uint256 amount) private {
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        TokenStorage storage $ = _token();
        Config memory cfg = _config($);
        (Party memory s, Party memory r) = _loadParties($, cfg, from, to);
        uint8 code = _restriction($, cfg, s, r, amount);
        require(code == RestrictionCode.SUCCESS, ComplianceTransferRejected(from, to, amount, code));
        // `_restriction` checked amount <= balance, so it fits 96 bits.
        uint96 value = uint96(amount);
        uint24 passed = _passed($, cfg);
        _debit($, s, value, passed);
        // A transfer to oneself must credit the wallet as just debited, not the copy loaded before.
        if (from == to) r.wallet = s.wallet;
        _credit($, r, value, passed);
        _moveBetweenInvestors($, cfg, s, r, value, true);
        emit Transfer(from, to, amount);
    }

    function _mint(TokenStorage storage $, Config memory cfg, uint24 passed, address to, uint256 amount) private {
        require(!cfg.paused, TokenPaused());
        require(to != address(0), ERC20InvalidReceiver(address(0)));
        Supply memory sup = _supply($);
        require(amount <= MAX_AMOUNT - sup.total, TokenAmountTooLarge(amount));
        uint96 value = uint96(amount);
        Party memory r;
        r.account = to;
        r.wallet = _wallet($, to);
        r.record = WalletRecord.wrap($.registry.walletRecord(to));
        if (cfg.investorTracking) r.position = _position($, r.record.investorNumber());
        uint8 code = _eligibility($, cfg, r.record, false);
        if (code == RestrictionCode.SUCCESS && cfg.investorTracking) {
            code = _receiverLimits($, cfg, sup, r.position, value, false);
        }
        require(code == RestrictionCode.SUCCESS, ComplianceTransferRejected(address(0), to, amount, code));

        if (cfg.rules & Rule.LOCKUP != 0 && cfg.lockupPeriod != 0) {
            uint32 until = uint32(block.timestamp) + cfg.lockupPeriod;
            r.wallet.locked = (r.wallet.lockedUntil > block.timestamp ? r.wallet.locked : 0) + value;
            r.wallet.lockedUntil = until;
            emit TokensLocked(to, amount, until);
        }
        _credit($, r, value, passed);
        $.supplySeen = $.supplyHistory.remember($.supplySeen, passed, sup.total);
        sup.total += value;
        if (cfg.investorTracking) {
            // A zero amount creates no position, so it must not count a new investor.
            if (r.position.balance == 0 && value != 0) ++sup.investorCount;
            r.position.balance += value;
            _storePosition($, r.record.investorNumber(), r.position);
        }
        _storeSupply($, sup);
        emit Transfer(address(0), to, amount);
    }

    function _burn(TokenStorage storage $, Config memory cfg, uint24 passed, address from, uint256 amount) private {
        require(!cfg.paused, TokenPaused());
        Party memory s;
        s.account = from;
        s.wallet = _wallet($, from);
        require(amount <= s.wallet.balance, ERC20InsufficientBalance(from, s.wallet.balance, amount));
        uint256 unfrozen = s.wallet.balance - (s.wallet.hasFrozen ? $.frozen[from] : 0);
        require(amount <= unfrozen, ERC7943InsufficientUnfrozenBalance(from, amount, unfrozen));
        uint96 value = uint96(amount);
        _debit($, s, value, passed);
        Supply memory sup = _supply($);
        $.supplySeen = $.supplyHistory.remember($.supplySeen, passed, sup.total);
        sup.total -= value;
        if (cfg.investorTracking) {
            // A retired wallet keeps its investor number, so its units still count for its investor.
            uint32 number = WalletRecord.wrap($.registry.walletRecord(from)).investorNumber();
            Position storage p = $.positions[number];
            p.balance -= value;
            if (p.balance == 0 && value != 0) --sup.investorCount;
        }
        _storeSupply($, sup);
        emit Transfer(from, address(0), amount);
    }

    /// @dev Moves a whole wallet (balance, live lock-up, frozen amount) onto another wallet.
    function _moveHolding(TokenStorage storage $, address lostWallet, address newWallet, uint24 passed)
        private
        returns (uint96 amount, uint256 frozenMoved)
    {
        Wallet memory lost = _wallet($, lostWallet);
        Wallet memory gain = _wallet($, newWallet);
        amount = lost.balance;
        frozenMoved = lost.hasFrozen ? $.frozen[lostWallet] : 0;
        gain.seen = $.walletHistory[newWallet].remember(gain.seen, passed, gain.balance);
        gain.balance += amount;
        if (lost.lockedUntil > block.timestamp) {
            gain.locked = (gain.lockedUntil > block.timestamp ? gain.locked : 0) + lost.locked;
            gain.lockedUntil = lost.lockedUntil > gain.lockedUntil ? lost.lockedUntil : gain.lockedUntil;
        }
        lost.seen = $.walletHistory[lostWallet].remember(lost.seen, passed, lost.balance);
        (lost.balance, lost.locked, lost.lockedUntil, lost.hasFrozen) = (0, 0, 0, false);
        if (frozenMoved != 0) {
            uint256 newFrozen = (gain.hasFrozen ? $.frozen[newWallet] : 0) + frozenMoved;
            ($.frozen[lostWallet], $.frozen[newWallet], gain.hasFrozen) = (0, newFrozen, true);
            emit Frozen(lostWallet, 0);
            emit Frozen(newWallet, newFrozen);
        }
        _storeWallet($, lostWallet, lost);
        _storeWallet($, newWallet, gain);
    }

    /// @dev Takes `value` from a wallet, releasing frozen and locked units only as far as the
    /// balance no longer covers them (forced transfers and burns).
    function _debit(TokenStorage storage $, Party memory s, uint96 value, uint24 passed) private {
        Wallet memory w = s.wallet;
        w.seen = $.walletHistory[s.account].remember(w.seen, passed, w.balance);
        w.balance -= value;
        if (w.locked > w.balance) w.locked = w.balance;
        if (w.hasFrozen && $.frozen[s.account] > w.balance) {
            $.frozen[s.account] = w.balance;
            w.hasFrozen = w.balance != 0;
            emit Frozen(s.account, w.balance);
        }
        _storeWallet($, s.account, w);
    }

    function _credit(TokenStorage storage $, Party memory r, uint96 value, uint24 passed) private {
        Wallet memory w = r.wallet;
        w.seen = $.walletHistory[r.account].remember(w.seen, passed, w.balance);
        w.balance += value;
        _storeWallet($, r.account, w);
    }

    /// @dev Moves `value` between two investors' positions; counts it against the sender's daily
    /// limit and the circuit breaker when `counted` (ordinary transfers).
    function _moveBetweenInvestors(
        TokenStorage storage $,
        Config memory cfg,
        Party memory s,
        Party memory r,
        uint96 value,
        bool counted
    ) private {
        // A zero amount changes no position: counting it would drop or add an investor wrongly.
        bool tracked = value != 0 && cfg.investorTracking && s.record.investorNumber() != r.record.investorNumber();
        bool breaker = counted && cfg.rules & Rule.CIRCUIT_BREAKER != 0;
        if (!tracked && !breaker) return;
        Supply memory sup = _supply($);
        if (tracked) {
            Position memory sp = s.position;
            Position memory rp = r.position;
            if (counted && cfg.rules & Rule.DAILY_LIMIT != 0) {
                uint32 today = uint32(block.timestamp / 1 days);
                sp.dayVolume = (sp.day == today ? sp.dayVolume : 0) + value;
                sp.day = today;
            }
            sp.balance -= value;
            if (sp.balance == 0) --sup.investorCount;
            if (rp.balance == 0) ++sup.investorCount;
            rp.balance += value;
            _storePosition($, s.record.investorNumber(), sp);
            _storePosition($, r.record.investorNumber(), rp);
        }
        if (breaker) {
            if (block.timestamp >= uint256(sup.windowStart) + cfg.breakerWindow) {
                (sup.windowStart, sup.windowMoved) = (uint32(block.timestamp), 0);
            }
            sup.windowMoved += value;
            if (uint256(sup.windowMoved) * 10_000 > uint256(sup.total) * cfg.breakerShareBps) {
                $.config.paused = true;
                emit CircuitBreakerTripped(sup.windowMoved, sup.total, sup.windowStart);
                emit Paused(address(this));
            }
        }
        _storeSupply($, sup);
    }

    function _loadParties(TokenStorage storage $, Config memory cfg, address from, address to)
        private
        view
        returns (Party memory s, Party memory r)
    {
        (s.account, r.account) = (from, to);
        s.wallet = _wallet($, from);
        r.wallet = _wallet($, to);
        (uint256 sWord, uint256 rWord) = $.registry.walletRecords(from, to);
        (s.record, r.record) = (WalletRecord.wrap(sWord), WalletRecord.wrap(rWord));
        if (cfg.investorTracking && s.record.investorNumber() != r.record.investorNumber()) {
            s.position = _position($, s.record.investorNumber());
            r.position = _position($, r.record.investorNumber());
        }
    }

    /// @dev The first rule an ordinary transfer breaks, in `RestrictionCode` order.
    function _restriction(TokenStorage storage $, Config memory cfg, Party memory s, Party memory r, uint256 amount)
        private
        view
        returns (uint8 code)
    {
        if (cfg.paused) return RestrictionCode.TOKEN_PAUSED;
        code = _eligibility($, cfg, s.record, true);
        if (code != RestrictionCode.SUCCESS) return code;
        code = _eligibility($, cfg, r.record, false);
        if (code != RestrictionCode.SUCCESS) return code;
        Wallet memory w = s.wallet;
        if (amount > w.balance) return RestrictionCode.INSUFFICIENT_BALANCE;
        uint256 frozen = w.hasFrozen ? $.frozen[s.account] : 0;
        if (amount > w.balance - frozen) return RestrictionCode.BALANCE_FROZEN;
        if (amount > w.balance - _restricted($, cfg, s.account, w)) return RestrictionCode.TOKENS_LOCKED;
        if (!cfg.investorTracking || s.record.investorNumber() == r.record.investorNumber()) return code;
        if (cfg.rules & Rule.INVESTOR_RULES == 0) return code;
        uint96 value = uint96(amount);
        code = _receiverLimits($, cfg, $.supply, r.position, value, s.position.balance == value);
        if (code != RestrictionCode.SUCCESS) return code;
        if (cfg.rules & Rule.DAILY_LIMIT != 0) {
            Position memory sp = s.position;
            uint256 sent = sp.day == uint32(block.timestamp / 1 days) ? sp.dayVolume : 0;
            if (sent + amount > $.limits.dailyLimitPerInvestor) return RestrictionCode.DAILY_LIMIT_EXCEEDED;
        }
    }

    /// @dev Maximum investors and maximum balance for a receiving investor. `senderExits` is true
    /// when the sending investor's position drops to zero, so the count does not grow.
    function _receiverLimits(
        TokenStorage storage $,
        Config memory cfg,
        Supply memory sup,
        Position memory receiver,
        uint96 value,
        bool senderExits
    ) private view returns (uint8) {
        if (cfg.rules & (Rule.MAX_INVESTORS | Rule.MAX_BALANCE) == 0) {
            return RestrictionCode.SUCCESS;
        }
        Limits memory limits = $.limits;
        if (
            cfg.rules & Rule.MAX_INVESTORS != 0 && receiver.balance == 0 && !senderExits
                && sup.investorCount >= limits.maxInvestors
        ) return RestrictionCode.MAX_INVESTORS_REACHED;
        if (cfg.rules & Rule.MAX_BALANCE != 0 && uint256(receiver.balance) + value > limits.maxBalancePerInvestor) {
            return RestrictionCode.MAX_BALANCE_EXCEEDED;
        }
        return RestrictionCode.SUCCESS;
    }

    /// @dev Registration, freeze, KYC, class (receivers only) and jurisdiction of one party.
    function _eligibility(TokenStorage storage $, Config memory cfg, WalletRecord w, bool sender)
        private
        view
        returns (uint8)
    {
        if (!w.registered()) {
            return sender ? RestrictionCode.SENDER_NOT_REGISTERED : RestrictionCode.RECEIVER_NOT_REGISTERED;
        }
        if (w.frozen()) return sender ? RestrictionCode.SENDER_FROZEN : RestrictionCode.RECEIVER_FROZEN;
        uint16 rules = cfg.rules;
        if (rules & Rule.KYC != 0 && w.kycExpiry() <= block.timestamp) {
            return sender ? RestrictionCode.SENDER_KYC_EXPIRED : RestrictionCode.RECEIVER_KYC_EXPIRED;
        }
        if (!sender && rules & Rule.INVESTOR_CLASS != 0 && cfg.allowedClasses & (1 << w.investorClass()) == 0) {
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

    /// @dev Units of `w` that may not be sent: frozen plus locked, capped at the balance.
    function _restricted(TokenStorage storage $, Config memory cfg, address account, Wallet memory w)
        private
        view
        returns (uint256)
    {
        uint256 held = w.hasFrozen ? $.frozen[account] : 0;
        if (cfg.rules & Rule.LOCKUP != 0 && w.lockedUntil > block.timestamp) held += w.locked;
        return held > w.balance ? w.balance : held;
    }

    /// @dev The number of record dates whose time has come. Usually one slot already loaded; each
    /// record date still in the future costs one more read.
    function _passed(TokenStorage storage $, Config memory cfg) private view returns (uint24 n) {
        n = cfg.recordDateCount;
        if (n == 0 || cfg.lastRecordDate <= block.timestamp) return n;
        --n;
        while (n != 0 && $.recordDates[n - 1] > block.timestamp) --n;
    }

    function _requirePassed(TokenStorage storage $, uint24 recordId) private view {
        require(recordId != 0 && recordId <= _passed($, $.config), TokenRecordDateNotPassed(recordId));
    }

    function _spendAllowance(address owner, address spender, uint256 amount) private {
        TokenStorage storage $ = _token();
        uint256 allowed = $.allowances[owner][spender];
        if (allowed == type(uint256).max) return;
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

    function _config(TokenStorage storage $) private view returns (Config memory) {
        return $.config;
    }

    function _supply(TokenStorage storage $) private view returns (Supply memory) {
        return $.supply;
    }

    function _storeSupply(TokenStorage storage $, Supply memory sup) private {
        $.supply = sup;
    }

    function _wallet(TokenStorage storage $, address account) private view returns (Wallet memory) {
        return $.wallets[account];
    }

    function _storeWallet(TokenStorage storage $, address account, Wallet memory w) private {
        $.wallets[account] = w;
    }

    function _position(TokenStorage storage $, uint32 investorNumber) private view returns (Position memory) {
        return $.positions[investorNumber];
    }

    function _storePosition(TokenStorage storage $, uint32 investorNumber, Position memory p) private {
        $.positions[investorNumber] = p;
    }

    function _token() private pure returns (TokenStorage storage $) {
        assembly {
            $.slot := TOKEN_STORAGE
        }
    }
}
