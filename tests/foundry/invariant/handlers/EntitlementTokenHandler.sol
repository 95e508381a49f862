// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {RestrictionCode} from "../../../../contracts/compliance/RestrictionCode.sol";
import {IdentityRegistry} from "../../../../contracts/identity/IdentityRegistry.sol";
import {IEntitlementToken} from "../../../../contracts/interfaces/IEntitlementToken.sol";
import {IERC7943Fungible} from "../../../../contracts/interfaces/IERC7943Fungible.sol";
import {IEntitlementTokenRecords} from "../../../../contracts/interfaces/IEntitlementTokenRecords.sol";
import {EntitlementToken} from "../../../../contracts/token/EntitlementToken.sol";
import {Test} from "../../utils/Test.sol";
import {records} from "../../utils/Records.sol";

/// @title EntitlementTokenHandler
/// @notice Drives a live token through the invariant fuzzer with bounded inputs, as each role
/// would, and keeps a ghost model of balances, frozen amounts, registrations, investor positions
/// and the balances at every record date at the moment it passed.
/// @dev Every action first predicts its outcome from the ghost model alone. A valid action is
/// called plainly, so any revert fails the run (`fail_on_revert`); an invalid one must revert with
/// exactly the predicted error (`expectRevert`), so a missing or wrong revert fails it too. Only
/// lock-ups, daily limits and the circuit breaker are left to the token's own view
/// (`detectTransferRestriction`), whose answer is then checked against the ghost as far as it goes.
contract EntitlementTokenHandler is Test {
    struct Setup {
        EntitlementToken token;
        IdentityRegistry registry;
        address issuer;
        address agent;
        address complianceOfficer;
        address pauser;
        uint32 maxInvestors;
        uint96 maxBalance;
    }

    uint256 internal constant MAX_MINT = 20_000;
    uint256 internal constant MAX_RECORD_DATES = 8;
    uint256 internal constant MAX_SPLITS = 2;

    EntitlementToken internal immutable token;
    IdentityRegistry internal immutable registry;
    address internal immutable issuer;
    address internal immutable agent;
    address internal immutable complianceOfficer;
    address internal immutable pauser;
    uint32 internal immutable maxInvestors;
    /// @notice Scaled by splits, as the token scales it.
    uint96 internal maxBalance;
    address internal immutable broker = makeAddr("broker");
    /// @notice The takers owners may encumber units to (an escrow and a vault, never registered).
    address internal immutable escrow = makeAddr("escrow");
    address internal immutable vault = makeAddr("vault");

    /// @notice Every wallet the fuzzer may pick, registered or not.
    address[] public actors;
    bytes32[] public investors;
    mapping(address wallet => bytes32) public investorOf;
    mapping(bytes32 investorId => address[]) internal walletsOfInvestor;

    // Ghost state.
    uint256 public currentTime;
    uint256 public ghostSupply;
    mapping(address => uint256) public ghostBalance;
    mapping(address => uint256) public ghostFrozen;
    mapping(address => bool) public everRegistered;
    mapping(address => bool) public registeredNow;
    mapping(bytes32 => uint256) public ghostPosition;
    mapping(bytes32 => bool) public ghostInvestorFrozen;
    mapping(address owner => uint256) public ghostEncumbered;
    mapping(address owner => mapping(address taker => uint256)) public ghostEncumbrance;
    uint256[] public recordTimes;
    uint24 public snapshotted;
    uint256 public splits;
    mapping(uint24 recordId => mapping(address => uint256)) public ghostBalanceAt;
    mapping(uint24 recordId => uint256) public ghostSupplyAt;

    /// @notice How often each action ran, and how often it was a valid one.
    mapping(bytes32 action => uint256) public calls;
    mapping(bytes32 action => uint256) public succeeded;
    /// @notice How often transfers were rejected, by restriction code.
    mapping(uint8 code => uint256) public rejectedBy;

    modifier action(bytes32 name) {
        vm.warp(currentTime);
        ++calls[name];
        _;
    }

    constructor(Setup memory s) {
        (token, registry) = (s.token, s.registry);
        (issuer, agent, complianceOfficer, pauser) = (s.issuer, s.agent, s.complianceOfficer, s.pauser);
        (maxInvestors, maxBalance) = (s.maxInvestors, s.maxBalance);
        currentTime = block.timestamp;
    }

    /// @notice Adds a wallet to the fuzzer's pick list (`investorId` zero: never registered).
    function addActor(address wallet, bytes32 investorId) external {
        actors.push(wallet);
        investorOf[wallet] = investorId;
        if (investorId == bytes32(0)) return;
        if (walletsOfInvestor[investorId].length == 0) investors.push(investorId);
        walletsOfInvestor[investorId].push(wallet);
        bool registered = registry.isRegistered(wallet);
        require(registered, "handler: actors of investors start registered");
        (everRegistered[wallet], registeredNow[wallet]) = (true, true);
    }

    // ---------------------------------------------------------------- actions

    function mint(uint256 toSeed, uint256 amount) external action("mint") {
        address to = _receiver(toSeed);
        amount = bound(amount, 0, MAX_MINT);
        bytes32 inv = investorOf[to];
        if (token.paused()) {
            vm.expectRevert(IEntitlementToken.TokenPaused.selector);
        } else if (!registeredNow[to]) {
            vm.expectRevert(_rejected(address(0), to, amount, RestrictionCode.RECEIVER_NOT_REGISTERED));
        } else if (ghostInvestorFrozen[inv]) {
            vm.expectRevert(_rejected(address(0), to, amount, RestrictionCode.RECEIVER_FROZEN));
        } else if (ghostPosition[inv] == 0 && amount != 0 && investorCount() >= maxInvestors) {
            vm.expectRevert(_rejected(address(0), to, amount, RestrictionCode.MAX_INVESTORS_REACHED));
        } else if (ghostPosition[inv] + amount > maxBalance) {
            vm.expectRevert(_rejected(address(0), to, amount, RestrictionCode.MAX_BALANCE_EXCEEDED));
        } else {
            _credit(to, amount);
            ghostSupply += amount;
            ++succeeded["mint"];
        }
        vm.prank(issuer);
        token.mint(to, amount);
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount, bool viaAllowance) external action("transfer") {
        address from = _holder(fromSeed);
        address to = _receiver(toSeed);
        // Mostly within what the token says can move (bounding only: the ghost still judges the
        // outcome), else anything up to a little over the balance.
        amount = amount % 4 == 0
            ? bound(amount, 0, ghostBalance[from] + ghostBalance[from] / 8 + 1)
            : bound(amount, 0, token.transferableBalance(from));
        if (viaAllowance) {
            vm.prank(from);
            token.approve(broker, amount);
        }
        uint8 code = token.detectTransferRestriction(from, to, amount);
        assertEq(code, _expectedCode(from, to, amount, code), "detectTransferRestriction disagrees with the ghost");
        if (code == RestrictionCode.SUCCESS) {
            _debit(from, amount);
            _credit(to, amount);
            ++succeeded["transfer"];
        } else {
            ++rejectedBy[code];
            vm.expectRevert(_rejected(from, to, amount, code));
        }
        if (viaAllowance) {
            vm.prank(broker);
            token.transferFrom(from, to, amount);
            assertEq(token.allowance(from, broker), code == RestrictionCode.SUCCESS ? 0 : amount, "allowance");
        } else {
            vm.prank(from);
            token.transfer(to, amount);
        }
    }

    function forcedTransfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external action("forcedTransfer") {
        address from = _holder(fromSeed);
        address to = _receiver(toSeed);
        uint256 balance = ghostBalance[from];
        amount = bound(amount, 0, balance + balance / 8 + 1);
        if (from == to) {
            vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenForcedTransferToSelf.selector, from));
        } else if (!registeredNow[to]) {
            vm.expectRevert(_rejected(from, to, amount, RestrictionCode.RECEIVER_NOT_REGISTERED));
        } else if (amount > balance) {
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, from, balance, amount)
            );
        } else if (amount > balance - ghostEncumbered[from]) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEntitlementToken.TokenAmountEncumbered.selector, from, amount, balance - ghostEncumbered[from]
                )
            );
        } else {
            _debit(from, amount);
            _credit(to, amount);
            ++succeeded["forcedTransfer"];
        }
        vm.prank(agent);
        token.forcedTransfer(from, to, amount);
    }

    function burn(uint256 fromSeed, uint256 amount) external action("burn") {
        address from = _holder(fromSeed);
        uint256 balance = ghostBalance[from];
        amount = bound(amount, 0, balance + balance / 8 + 1);
        uint256 unfrozen = balance - ghostFrozen[from];
        if (token.paused()) {
            vm.expectRevert(IEntitlementToken.TokenPaused.selector);
        } else if (amount > balance) {
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, from, balance, amount)
            );
        } else if (amount > unfrozen) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC7943Fungible.ERC7943InsufficientUnfrozenBalance.selector, from, amount, unfrozen
                )
            );
        } else if (amount > unfrozen - ghostEncumbered[from]) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEntitlementToken.TokenAmountEncumbered.selector, from, amount, unfrozen - ghostEncumbered[from]
                )
            );
        } else {
            _debit(from, amount);
            ghostSupply -= amount;
            ++succeeded["burn"];
        }
        vm.prank(issuer);
        token.burn(from, amount);
    }

    function setFrozenTokens(uint256 seed, uint256 amount) external action("setFrozenTokens") {
        address account = _holder(seed);
        uint256 balance = ghostBalance[account];
        // Half the time a release, so that frozen units do not pile up and stall transfers.
        amount = amount % 2 == 0 ? 0 : bound(amount, 0, balance + balance / 8 + 1);
        uint256 freezable = balance - ghostEncumbered[account];
        if (amount > freezable) {
            vm.expectRevert(
                abi.encodeWithSelector(IEntitlementToken.TokenFrozenExceedsBalance.selector, account, amount, freezable)
            );
        } else {
            ghostFrozen[account] = amount;
            ++succeeded["setFrozenTokens"];
        }
        vm.prank(agent);
        token.setFrozenTokens(account, amount);
    }

    /// @dev Half the time the new wallet is drawn among the lost wallet's investor's own wallets,
    /// so that valid recoveries are common.
    function recoverWallet(uint256 lostSeed, uint256 newSeed) external action("recoverWallet") {
        address lost = _holder(lostSeed);
        bytes32 inv = investorOf[lost];
        address gain = inv != bytes32(0) && newSeed % 2 == 0
            ? walletsOfInvestor[inv][(newSeed >> 1) % walletsOfInvestor[inv].length]
            : _actor(newSeed);
        if (lost == gain || !registeredNow[gain] || inv == bytes32(0) || investorOf[gain] != inv) {
            vm.expectRevert(abi.encodeWithSelector(IEntitlementToken.TokenRecoveryInvalid.selector, lost, gain));
        } else {
            // Encumbered units stay on the lost wallet, with their takers.
            uint256 moved = ghostBalance[lost] - ghostEncumbered[lost];
            ghostBalance[gain] += moved;
            ghostFrozen[gain] += ghostFrozen[lost];
            (ghostBalance[lost], ghostFrozen[lost]) = (ghostEncumbered[lost], 0);
            ++succeeded["recoverWallet"];
        }
        vm.prank(agent);
        token.recoverWallet(lost, gain);
    }

    /// @dev An owner pledges units to the escrow or the vault: mostly within what the token says is
    /// available (only lock-ups are left to it), else anything up to a little over the balance.
    function encumber(uint256 ownerSeed, uint256 takerSeed, uint256 amount) external action("encumber") {
        address owner = _holder(ownerSeed);
        address taker = takerSeed % 2 == 0 ? escrow : vault;
        uint256 balance = ghostBalance[owner];
        amount = amount % 4 == 0
            ? bound(amount, 0, balance + balance / 8 + 1)
            : bound(amount, 0, token.availableBalanceOf(owner));
        uint8 code = RestrictionCode.SUCCESS;
        if (token.paused()) {
            code = RestrictionCode.TOKEN_PAUSED;
        } else if (!registeredNow[owner]) {
            code = RestrictionCode.SENDER_NOT_REGISTERED;
        } else if (ghostInvestorFrozen[investorOf[owner]]) {
            code = RestrictionCode.SENDER_FROZEN;
        } else if (amount > balance) {
            code = RestrictionCode.INSUFFICIENT_BALANCE;
        } else if (amount > balance - ghostFrozen[owner]) {
            code = RestrictionCode.BALANCE_FROZEN;
        } else if (amount > balance - ghostFrozen[owner] - ghostEncumbered[owner]) {
            code = RestrictionCode.BALANCE_ENCUMBERED;
        } else if (amount > token.availableBalanceOf(owner)) {
            code = RestrictionCode.TOKENS_LOCKED;
        }
        if (code == RestrictionCode.SUCCESS) {
            ghostEncumbered[owner] += amount;
            ghostEncumbrance[owner][taker] += amount;
            ++succeeded["encumber"];
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(IEntitlementToken.TokenEncumbranceRejected.selector, owner, taker, amount, code)
            );
        }
        vm.prank(owner);
        token.encumber(taker, amount);
    }

    /// @dev A taker gives back part of what it holds (or, one time in eight, more than it holds).
    function release(uint256 ownerSeed, uint256 takerSeed, uint256 amount) external action("release") {
        address owner = _actor(ownerSeed);
        address taker = takerSeed % 2 == 0 ? escrow : vault;
        uint256 held = ghostEncumbrance[owner][taker];
        amount = amount % 8 == 0 ? bound(amount, held + 1, held + 100) : bound(amount, 0, held);
        if (amount > held) {
            vm.expectRevert(
                abi.encodeWithSelector(IEntitlementToken.TokenEncumbranceExceeded.selector, owner, taker, held, amount)
            );
        } else {
            ghostEncumbered[owner] -= amount;
            ghostEncumbrance[owner][taker] -= amount;
            ++succeeded["release"];
        }
        vm.prank(taker);
        token.release(owner, amount);
    }

    /// @dev A taker moves units it holds encumbered (it has no allowance: past its encumbrance the
    /// call fails on the allowance). The rules of the move are the ghost's, up to the daily limit
    /// and the breaker's pause, which are left to the token.
    function takerTransfer(uint256 ownerSeed, uint256 takerSeed, uint256 toSeed, uint256 amount)
        external
        action("takerTransfer")
    {
        address owner = _actor(ownerSeed);
        address taker = takerSeed % 2 == 0 ? escrow : vault;
        address to = _receiver(toSeed);
        uint256 held = ghostEncumbrance[owner][taker];
        amount = amount % 8 == 0 ? bound(amount, held + 1, held + 100) : bound(amount, 0, held);
        if (amount > held) {
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, taker, 0, amount - held)
            );
            vm.prank(taker);
            token.transferFrom(owner, to, amount);
            return;
        }
        uint8 expected = _expectedTakerCode(owner, to, amount);
        vm.prank(taker);
        try token.transferFrom(owner, to, amount) {
            assertEq(expected, RestrictionCode.SUCCESS, "a taker's transfer the ghost rejects went through");
            ghostEncumbered[owner] -= amount;
            ghostEncumbrance[owner][taker] -= amount;
            _debit(owner, amount);
            _credit(to, amount);
            ++succeeded["takerTransfer"];
        } catch (bytes memory reason) {
            uint8 code = expected == RestrictionCode.SUCCESS ? RestrictionCode.DAILY_LIMIT_EXCEEDED : expected;
            assertTrue(
                keccak256(reason) == keccak256(_rejected(owner, to, amount, code)),
                "a taker's transfer failed otherwise than predicted"
            );
            ++rejectedBy[code];
        }
    }

    /// @dev A quarter of the record dates are for "now" and pass at once; the others fall up to
    /// two days after the last one. At most `MAX_RECORD_DATES`, to bound the invariant checks.
    function scheduleRecordDate(uint256 offset, bool byAgent) external action("scheduleRecordDate") {
        if (recordTimes.length >= MAX_RECORD_DATES) return;
        uint256 last = recordTimes.length == 0 ? 0 : recordTimes[recordTimes.length - 1];
        uint256 earliest = last > currentTime ? last : currentTime;
        uint256 time = offset % 4 == 0 ? earliest : earliest + bound(offset, 1, 2 days);
        recordTimes.push(time);
        vm.prank(byAgent ? agent : issuer);
        uint24 id = records(token).scheduleRecordDate(uint40(time));
        assertEq(id, recordTimes.length, "record ids are numbered in order");
        _snapshotPassed();
        ++succeeded["scheduleRecordDate"];
    }

    /// @dev A 2:1 or 3:1 split (integer ratios keep every sum exact, so the invariants stay
    /// equalities): refused while a record date is pending; else a record date now, snapshotted in
    /// the old units, then every ghost amount and the maximum balance multiplied.
    function split(uint256 seed) external action("split") {
        if (splits >= MAX_SPLITS || recordTimes.length >= MAX_RECORD_DATES) return;
        uint32 ratio = uint32(2 + seed % 2);
        uint256 last = recordTimes.length == 0 ? 0 : recordTimes[recordTimes.length - 1];
        if (last > currentTime) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IEntitlementTokenRecords.TokenSplitRecordDatePending.selector, recordTimes.length, last
                )
            );
            vm.prank(issuer);
            records(token).split(ratio, 1);
            return;
        }
        recordTimes.push(currentTime);
        vm.prank(issuer);
        uint24 id = records(token).split(ratio, 1);
        assertEq(id, recordTimes.length, "a split is the next record date");
        _snapshotPassed();
        ++splits;
        ghostSupply *= ratio;
        maxBalance *= ratio;
        for (uint256 i; i < actors.length; ++i) {
            address a = actors[i];
            ghostBalance[a] *= ratio;
            ghostFrozen[a] *= ratio;
            ghostEncumbered[a] *= ratio;
            ghostEncumbrance[a][escrow] *= ratio;
            ghostEncumbrance[a][vault] *= ratio;
        }
        for (uint256 i; i < investors.length; ++i) {
            ghostPosition[investors[i]] *= ratio;
        }
        ++succeeded["split"];
    }

    /// @dev Waiting moves no balance, so the ghost balances now are those at every record date
    /// that the wait passes.
    function warp(uint256 seconds_) external action("warp") {
        currentTime += bound(seconds_, 1, 1 days);
        vm.warp(currentTime);
        _snapshotPassed();
        ++succeeded["warp"];
    }

    /// @dev Unpauses whenever paused (the circuit breaker trips often), pauses one time in four.
    function togglePause(uint256 seed) external action("togglePause") {
        if (!token.paused() && seed % 4 != 0) return;
        bool paused = token.paused();
        vm.prank(pauser);
        if (paused) token.unpause();
        else token.pause();
        ++succeeded["togglePause"];
    }

    /// @dev Rebinds a retired wallet to its own investor, or one time in four retires a
    /// registered one, so that most wallets stay usable.
    function toggleWallet(uint256 seed) external action("toggleWallet") {
        address wallet = _actor(seed);
        bytes32 inv = investorOf[wallet];
        if (inv == bytes32(0)) return; // strangers stay strangers
        if (registeredNow[wallet] && (seed >> 128) % 4 != 0) return;
        vm.prank(complianceOfficer);
        if (registeredNow[wallet]) registry.removeWallet(wallet);
        else registry.addWallet(inv, wallet);
        registeredNow[wallet] = !registeredNow[wallet];
        ++succeeded["toggleWallet"];
    }

    /// @dev Releases a frozen investor, or one time in four freezes one.
    function toggleInvestorFreeze(uint256 seed) external action("toggleInvestorFreeze") {
        bytes32 inv = investors[seed % investors.length];
        if (!ghostInvestorFrozen[inv] && (seed >> 128) % 4 != 0) return;
        ghostInvestorFrozen[inv] = !ghostInvestorFrozen[inv];
        vm.prank(complianceOfficer);
        registry.setInvestorFrozen(inv, ghostInvestorFrozen[inv]);
        ++succeeded["toggleInvestorFreeze"];
    }

    // ---------------------------------------------------------------- views for the invariants

    function actorList() external view returns (address[] memory) {
        return actors;
    }

    /// @notice The ghost of every actor, in `actorList` order, in one call (the invariants run after
    /// every call of every run, so their external calls are most of the suite's time).
    function ghostWallets()
        external
        view
        returns (
            address[] memory wallets,
            uint256[] memory balances,
            uint256[] memory frozen,
            bool[] memory everRegistered_,
            bool[] memory registeredNow_
        )
    {
        uint256 n = actors.length;
        (wallets, balances, frozen) = (actors, new uint256[](n), new uint256[](n));
        (everRegistered_, registeredNow_) = (new bool[](n), new bool[](n));
        for (uint256 i; i < n; ++i) {
            address a = actors[i];
            (balances[i], frozen[i]) = (ghostBalance[a], ghostFrozen[a]);
            (everRegistered_[i], registeredNow_[i]) = (everRegistered[a], registeredNow[a]);
        }
    }

    /// @notice The ghost balance of every actor (in `actorList` order) when record `id` passed.
    function ghostBalancesAt(uint24 id) external view returns (uint256[] memory balances) {
        balances = new uint256[](actors.length);
        for (uint256 i; i < actors.length; ++i) {
            balances[i] = ghostBalanceAt[id][actors[i]];
        }
    }

    /// @notice The ghost encumbrances of every actor (in `actorList` order): its total, and what
    /// the escrow and the vault hold on it.
    function ghostEncumbrances()
        external
        view
        returns (address[] memory takers, uint256[] memory totals, uint256[] memory escrowed, uint256[] memory vaulted)
    {
        uint256 n = actors.length;
        takers = new address[](2);
        (takers[0], takers[1]) = (escrow, vault);
        (totals, escrowed, vaulted) = (new uint256[](n), new uint256[](n), new uint256[](n));
        for (uint256 i; i < n; ++i) {
            address a = actors[i];
            (totals[i], escrowed[i], vaulted[i]) =
            (ghostEncumbered[a], ghostEncumbrance[a][escrow], ghostEncumbrance[a][vault]);
        }
    }

    function investorCount() public view returns (uint256 count) {
        for (uint256 i; i < investors.length; ++i) {
            if (ghostPosition[investors[i]] != 0) ++count;
        }
    }

    function investorWallets(bytes32 investorId) external view returns (address[] memory) {
        return walletsOfInvestor[investorId];
    }

    function investorCountAll() external view returns (uint256) {
        return investors.length;
    }

    // ---------------------------------------------------------------- internals

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    /// @dev Three times in four the first registered actor from a random start, else any actor.
    function _receiver(uint256 seed) internal view returns (address) {
        if (seed % 4 != 0) {
            for (uint256 i; i < actors.length; ++i) {
                address a = actors[(seed % actors.length + i) % actors.length];
                if (registeredNow[a]) return a;
            }
        }
        return _actor(seed);
    }

    /// @dev Three times in four the first actor holding units from a random start (when any
    /// does), else any actor: moves from empty wallets are mostly uninteresting rejections.
    function _holder(uint256 seed) internal view returns (address) {
        if (seed % 4 != 0) {
            for (uint256 i; i < actors.length; ++i) {
                address a = actors[(seed % actors.length + i) % actors.length];
                if (ghostBalance[a] != 0) return a;
            }
        }
        return _actor(seed);
    }

    /// @dev The restriction code the ghost predicts, up to the rules it does not model (lock-up,
    /// daily limit, circuit breaker): there the token's own `code` is accepted when it is one of
    /// those rules' codes, or success that the ghost's investor limits allow.
    function _expectedCode(address from, address to, uint256 amount, uint8 code) internal view returns (uint8) {
        if (token.paused()) return RestrictionCode.TOKEN_PAUSED;
        if (!registeredNow[from]) return RestrictionCode.SENDER_NOT_REGISTERED;
        if (ghostInvestorFrozen[investorOf[from]]) return RestrictionCode.SENDER_FROZEN;
        if (!registeredNow[to]) return RestrictionCode.RECEIVER_NOT_REGISTERED;
        if (ghostInvestorFrozen[investorOf[to]]) return RestrictionCode.RECEIVER_FROZEN;
        if (amount > ghostBalance[from]) return RestrictionCode.INSUFFICIENT_BALANCE;
        if (amount > ghostBalance[from] - ghostFrozen[from]) return RestrictionCode.BALANCE_FROZEN;
        if (amount > ghostBalance[from] - ghostFrozen[from] - ghostEncumbered[from]) {
            return RestrictionCode.BALANCE_ENCUMBERED;
        }
        // Lock-ups come before the investor limits, the daily limit after them.
        if (code == RestrictionCode.TOKENS_LOCKED) return code;
        bytes32 sender = investorOf[from];
        bytes32 receiver = investorOf[to];
        if (sender == receiver) return RestrictionCode.SUCCESS;
        uint256 rp = ghostPosition[receiver];
        if (rp == 0 && amount != 0 && ghostPosition[sender] != amount && investorCount() >= maxInvestors) {
            return RestrictionCode.MAX_INVESTORS_REACHED;
        }
        if (rp + amount > maxBalance) return RestrictionCode.MAX_BALANCE_EXCEEDED;
        return code == RestrictionCode.DAILY_LIMIT_EXCEEDED ? code : RestrictionCode.SUCCESS;
    }

    function _credit(address to, uint256 amount) internal {
        ghostBalance[to] += amount;
        ghostPosition[investorOf[to]] += amount;
    }

    /// @dev The code of a taker's transfer wholly out of its encumbrance, as far as the ghost
    /// models the rules (the balance rules cannot fail: those units are the taker's to move).
    function _expectedTakerCode(address from, address to, uint256 amount) internal view returns (uint8) {
        if (token.paused()) return RestrictionCode.TOKEN_PAUSED;
        if (!registeredNow[from]) return RestrictionCode.SENDER_NOT_REGISTERED;
        if (ghostInvestorFrozen[investorOf[from]]) return RestrictionCode.SENDER_FROZEN;
        if (!registeredNow[to]) return RestrictionCode.RECEIVER_NOT_REGISTERED;
        if (ghostInvestorFrozen[investorOf[to]]) return RestrictionCode.RECEIVER_FROZEN;
        bytes32 sender = investorOf[from];
        bytes32 receiver = investorOf[to];
        if (sender == receiver) return RestrictionCode.SUCCESS;
        uint256 rp = ghostPosition[receiver];
        if (rp == 0 && amount != 0 && ghostPosition[sender] != amount && investorCount() >= maxInvestors) {
            return RestrictionCode.MAX_INVESTORS_REACHED;
        }
        if (rp + amount > maxBalance) return RestrictionCode.MAX_BALANCE_EXCEEDED;
        return RestrictionCode.SUCCESS;
    }

    /// @dev Frozen amounts shrink with the balance (forced transfers) down to the units not
    /// encumbered; ordinary moves never reach them.
    function _debit(address from, uint256 amount) internal {
        ghostBalance[from] -= amount;
        ghostPosition[investorOf[from]] -= amount;
        uint256 freezable = ghostBalance[from] - ghostEncumbered[from];
        if (ghostFrozen[from] > freezable) ghostFrozen[from] = freezable;
    }

    function _snapshotPassed() internal {
        while (snapshotted < recordTimes.length && recordTimes[snapshotted] <= currentTime) {
            uint24 id = ++snapshotted;
            ghostSupplyAt[id] = ghostSupply;
            for (uint256 i; i < actors.length; ++i) {
                ghostBalanceAt[id][actors[i]] = ghostBalance[actors[i]];
            }
        }
    }

    function _rejected(address from, address to, uint256 amount, uint8 code) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IEntitlementToken.ComplianceTransferRejected.selector, from, to, amount, code);
    }
}
