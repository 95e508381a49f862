// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDvPEscrow} from "../../../../contracts/interfaces/IDvPEscrow.sol";
import {SettlementLegToken} from "../../../../contracts/mocks/SettlementLegToken.sol";
import {DvPEscrow} from "../../../../contracts/settlement/DvPEscrow.sol";
import {Test} from "../../utils/Test.sol";

/// @title DvPEscrowHandler
/// @notice Drives a live escrow through the invariant fuzzer as its parties and a venue would:
/// proposals and affirmations with pulled or locked legs, gross and netted settlement, cancels,
/// expiries, units encumbered to the escrow by hand and given back, spending, and time.
/// @dev Parties' steps are made valid before they are sent (a lock only within the free
/// balance), so any revert of theirs fails the run. Settlement is judged by the escrow's own dry
/// run, and the handler holds the two to each other: when `checkSettlement` (or `checkBatch`)
/// passes, settling must succeed and move exactly the trade's (or the netted) amounts; when it
/// fails, settling must revert and move nothing. The ghost tracks the locked legs of open trades
/// and the units encumbered by hand, which the escrow may use up first.
contract DvPEscrowHandler is Test {
    uint256 internal constant MAX_SECURITIES = 300;
    uint256 internal constant MAX_PRICE = 3_000e6;

    DvPEscrow internal immutable escrow;
    IERC20 internal immutable shares;
    SettlementLegToken internal immutable bonds;
    SettlementLegToken internal immutable cash;
    address internal immutable venue;

    address[] public actors;
    IDvPEscrow.Trade[] internal trades;
    uint256 public currentTime;
    uint256 internal nextRef;

    mapping(address token => mapping(address owner => uint256)) public ghostLocked;
    mapping(address token => mapping(address owner => uint256)) public ghostDonated;
    mapping(bytes32 action => uint256) public calls;

    modifier action(bytes32 name) {
        vm.warp(currentTime);
        ++calls[name];
        _;
    }

    constructor(
        DvPEscrow escrow_,
        IERC20 shares_,
        SettlementLegToken bonds_,
        SettlementLegToken cash_,
        address venue_
    ) {
        (escrow, shares, bonds, cash, venue) = (escrow_, shares_, bonds_, cash_, venue_);
        currentTime = block.timestamp;
    }

    function addActor(address actor) external {
        actors.push(actor);
    }

    // ---------------------------------------------------------------- parties

    function propose(
        uint256 sellerSeed,
        uint256 buyerSeed,
        uint256 securities,
        uint256 price,
        uint256 lifetime,
        uint8 options
    ) external action("propose") {
        address seller = _actor(sellerSeed);
        address buyer = _actor(buyerSeed);
        if (seller == buyer) buyer = _actor(buyerSeed % actors.length + 1);
        bool useShares = options & 1 != 0;
        IDvPEscrow.Trade memory t = IDvPEscrow.Trade({
            seller: seller,
            buyer: buyer,
            securityToken: useShares ? address(shares) : address(bonds),
            securityAmount: bound(securities, 1, MAX_SECURITIES),
            cashToken: address(cash),
            cashAmount: bound(price, 1, MAX_PRICE),
            deadline: uint40(currentTime + bound(lifetime, 1 hours, 3 days)),
            ref: bytes32(++nextRef)
        });
        bool byBuyer = options & 2 != 0;
        // Shares have no encumbrances: only bonds and cash legs lock.
        bool lock = options & 4 != 0 && !(useShares && !byBuyer);
        address proposer = byBuyer ? buyer : seller;
        (address token, uint256 amount) = byBuyer ? (t.cashToken, t.cashAmount) : (t.securityToken, t.securityAmount);
        lock = lock && _canLock(token, proposer, amount);
        vm.prank(proposer);
        escrow.propose(t, lock);
        if (lock) _locked(token, proposer, amount);
        trades.push(t);
    }

    function affirm(uint256 index, bool lock) external action("affirm") {
        (bool found, IDvPEscrow.Trade memory t) = _find(index, _affirmable);
        if (!found) return;
        IDvPEscrow.TradeState memory s = escrow.tradeState(escrow.tradeId(t));
        bool seller = !s.sellerAffirmed && (s.buyerAffirmed || index % 2 == 0);
        (address party, address token, uint256 amount) =
            seller ? (t.seller, t.securityToken, t.securityAmount) : (t.buyer, t.cashToken, t.cashAmount);
        lock = lock && token != address(shares) && _canLock(token, party, amount);
        vm.prank(party);
        escrow.affirm(t, lock);
        if (lock) _locked(token, party, amount);
    }

    function cancel(uint256 index, bool bySeller) external action("cancel") {
        if (trades.length == 0) return;
        IDvPEscrow.Trade memory t = trades[index % trades.length];
        IDvPEscrow.TradeState memory s = escrow.tradeState(escrow.tradeId(t));
        if (s.status != IDvPEscrow.TradeStatus.Proposed) return;
        vm.prank(bySeller ? t.seller : t.buyer);
        escrow.cancel(t);
        _released(t, s);
    }

    function expire(uint256 index) external action("expire") {
        if (trades.length == 0) return;
        IDvPEscrow.Trade memory t = trades[index % trades.length];
        IDvPEscrow.TradeState memory s = escrow.tradeState(escrow.tradeId(t));
        if (s.status != IDvPEscrow.TradeStatus.Proposed || currentTime <= t.deadline) return;
        escrow.expire(t);
        _released(t, s);
    }

    /// @notice An actor moves part of its free balance to another actor.
    function spend(uint256 fromSeed, uint256 toSeed, uint256 amount, uint8 which) external action("spend") {
        address from = _actor(fromSeed);
        address to = _actor(toSeed);
        SettlementLegToken token = which % 2 == 0 ? bonds : cash;
        amount = bound(amount, 0, token.availableBalanceOf(from));
        vm.prank(from);
        token.transfer(to, amount);
    }

    /// @notice An actor encumbers units to the escrow by itself, outside any trade.
    function donate(uint256 ownerSeed, uint256 amount, uint8 which) external action("donate") {
        address owner = _actor(ownerSeed);
        SettlementLegToken token = which % 2 == 0 ? bonds : cash;
        amount = bound(amount, 0, token.availableBalanceOf(owner) / 4);
        vm.prank(owner);
        token.encumber(address(escrow), amount);
        ghostDonated[address(token)][owner] += amount;
    }

    function releaseExcess(uint256 ownerSeed, uint8 which) external action("releaseExcess") {
        address owner = _actor(ownerSeed);
        SettlementLegToken token = which % 2 == 0 ? bonds : cash;
        uint256 expected = token.encumbrances(owner, address(escrow)) - ghostLocked[address(token)][owner];
        vm.prank(owner);
        assertEq(escrow.releaseExcess(address(token)), expected, "releaseExcess released the wrong amount");
        ghostDonated[address(token)][owner] = 0;
    }

    function warp(uint256 seconds_) external action("warp") {
        currentTime += bound(seconds_, 1 minutes, 12 hours);
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Settles a matched trade, or (one time in four) any trade, which may be refused.
    function settle(uint256 index) external action("settle") {
        if (trades.length == 0) return;
        (bool found, IDvPEscrow.Trade memory t) = _find(index, _matched);
        if (!found || index % 4 == 0) t = trades[index % trades.length];
        IDvPEscrow.SettlementCheck memory check = escrow.checkSettlement(t);
        IDvPEscrow.TradeState memory s = escrow.tradeState(escrow.tradeId(t));
        uint256[4] memory before = _legBalances(t);
        bool ok = check.trade == 0 && check.securityLeg == 0 && check.cashLeg == 0;
        if (!ok) vm.expectRevert();
        escrow.settle(t);
        uint256[4] memory afterwards = _legBalances(t);
        if (!ok) {
            for (uint256 i; i < 4; ++i) {
                assertEq(afterwards[i], before[i], "a refused settlement moved something");
            }
            return;
        }
        ++calls["settled"];
        assertEq(afterwards[0], before[0] - t.securityAmount, "seller's securities");
        assertEq(afterwards[1], before[1] + t.securityAmount, "buyer's securities");
        assertEq(afterwards[2], before[2] - t.cashAmount, "buyer's cash");
        assertEq(afterwards[3], before[3] + t.cashAmount, "seller's cash");
        _closed(t, s);
    }

    function settleBatch(uint256 seed, uint256 size) external action("settleBatch") {
        IDvPEscrow.Trade[] memory batch = _pickSettleable(seed, bound(size, 1, 4));
        if (batch.length == 0) return;
        (uint8 code,, IDvPEscrow.NetPosition[] memory positions, IDvPEscrow.Movement[] memory movements) =
            escrow.checkBatch(batch);
        bool ok = code == 0;
        for (uint256 i; i < positions.length; ++i) {
            ok = ok && positions[i].code == 0;
        }
        for (uint256 i; i < movements.length; ++i) {
            ok = ok && movements[i].code == 0;
        }
        IDvPEscrow.TradeState[] memory states = new IDvPEscrow.TradeState[](batch.length);
        for (uint256 i; i < batch.length; ++i) {
            states[i] = escrow.tradeState(escrow.tradeId(batch[i]));
        }
        int256[] memory before = _allBalances();
        if (!ok) vm.expectRevert();
        vm.prank(venue);
        escrow.settleBatch(batch);
        int256[] memory afterwards = _allBalances();
        int256[] memory expected = new int256[](before.length);
        if (ok) {
            ++calls["batchSettled"];
            for (uint256 i; i < batch.length; ++i) {
                _netInto(expected, batch[i]);
                _released(batch[i], states[i]);
            }
            // Only once every trade's locks are off the ghost: the escrow closed them all at once.
            for (uint256 i; i < batch.length; ++i) {
                _clampDonations(batch[i]);
            }
        }
        for (uint256 i; i < before.length; ++i) {
            assertTrue(afterwards[i] - before[i] == expected[i], "a batch moved other than the net positions");
        }
    }

    // ---------------------------------------------------------------- views for the invariants

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function tradeCount() external view returns (uint256) {
        return trades.length;
    }

    function tradeAt(uint256 index) external view returns (IDvPEscrow.Trade memory) {
        return trades[index];
    }

    // ---------------------------------------------------------------- internals

    /// @dev The first trade from `index` on (cyclically) that `wanted` accepts.
    function _find(uint256 index, function(IDvPEscrow.Trade memory) internal view returns (bool) wanted)
        internal
        view
        returns (bool, IDvPEscrow.Trade memory t)
    {
        for (uint256 i; i < trades.length; ++i) {
            t = trades[(index % trades.length + i) % trades.length];
            if (wanted(t)) return (true, t);
        }
        return (false, t);
    }

    function _affirmable(IDvPEscrow.Trade memory t) internal view returns (bool) {
        IDvPEscrow.TradeState memory s = escrow.tradeState(escrow.tradeId(t));
        return s.status == IDvPEscrow.TradeStatus.Proposed && currentTime <= t.deadline
            && !(s.sellerAffirmed && s.buyerAffirmed);
    }

    function _matched(IDvPEscrow.Trade memory t) internal view returns (bool) {
        return escrow.checkSettlement(t).trade == 0;
    }

    function _canLock(address token, address owner, uint256 amount) internal view returns (bool) {
        uint256 held = SettlementLegToken(token).encumbrances(owner, address(escrow));
        uint256 spare = held - ghostLocked[token][owner];
        uint256 needed = amount > spare ? amount - spare : 0;
        return SettlementLegToken(token).availableBalanceOf(owner) >= needed;
    }

    function _locked(address token, address owner, uint256 amount) internal {
        uint256 spare = ghostDonated[token][owner];
        ghostDonated[token][owner] = spare > amount ? spare - amount : 0;
        ghostLocked[token][owner] += amount;
    }

    function _released(IDvPEscrow.Trade memory t, IDvPEscrow.TradeState memory s) internal {
        if (s.securityLocked) ghostLocked[t.securityToken][t.seller] -= t.securityAmount;
        if (s.cashLocked) ghostLocked[t.cashToken][t.buyer] -= t.cashAmount;
    }

    /// @dev A settled trade's locks are gone; pulled legs may have used units encumbered by hand.
    function _closed(IDvPEscrow.Trade memory t, IDvPEscrow.TradeState memory s) internal {
        _released(t, s);
        _clampDonations(t);
    }

    function _clampDonations(IDvPEscrow.Trade memory t) internal {
        _clampDonation(t.securityToken, t.seller);
        _clampDonation(t.cashToken, t.buyer);
    }

    function _clampDonation(address token, address owner) internal {
        if (token == address(shares)) return;
        uint256 held = SettlementLegToken(token).encumbrances(owner, address(escrow));
        uint256 spare = held - ghostLocked[token][owner];
        if (spare < ghostDonated[token][owner]) ghostDonated[token][owner] = spare;
    }

    function _pickSettleable(uint256 seed, uint256 size) internal view returns (IDvPEscrow.Trade[] memory batch) {
        batch = new IDvPEscrow.Trade[](size);
        uint256 found;
        for (uint256 i; i < trades.length && found < size; ++i) {
            IDvPEscrow.Trade memory t = trades[(seed % trades.length + i) % trades.length];
            if (_matched(t)) batch[found++] = t;
        }
        assembly {
            mstore(batch, found)
        }
    }

    function _legBalances(IDvPEscrow.Trade memory t) internal view returns (uint256[4] memory b) {
        b[0] = IERC20(t.securityToken).balanceOf(t.seller);
        b[1] = IERC20(t.securityToken).balanceOf(t.buyer);
        b[2] = cash.balanceOf(t.buyer);
        b[3] = cash.balanceOf(t.seller);
    }

    /// @dev Balances of every actor in shares, bonds and cash, in that order.
    function _allBalances() internal view returns (int256[] memory b) {
        b = new int256[](actors.length * 3);
        for (uint256 i; i < actors.length; ++i) {
            b[i * 3] = int256(shares.balanceOf(actors[i]));
            b[i * 3 + 1] = int256(bonds.balanceOf(actors[i]));
            b[i * 3 + 2] = int256(cash.balanceOf(actors[i]));
        }
    }

    function _netInto(int256[] memory net, IDvPEscrow.Trade memory t) internal view {
        uint256 column = t.securityToken == address(shares) ? 0 : 1;
        net[_index(t.seller) * 3 + column] -= int256(t.securityAmount);
        net[_index(t.buyer) * 3 + column] += int256(t.securityAmount);
        net[_index(t.buyer) * 3 + 2] -= int256(t.cashAmount);
        net[_index(t.seller) * 3 + 2] += int256(t.cashAmount);
    }

    function _index(address actor) internal view returns (uint256 i) {
        while (actors[i] != actor) ++i;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }
}
