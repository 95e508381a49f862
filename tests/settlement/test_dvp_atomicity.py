"""Atomicity: for every way a leg can fail, the dry run names it and nothing moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from tests.settlement.conftest import USD, Market

from permledger import errors
from permledger.chain import Account
from permledger.drivers import IdentityRegistry, TransferCompliance
from permledger.errors import SettlementRejected
from permledger.ledger import Ledger
from permledger.settlement import SettlementCode, TradeStatus
from permledger.types import InvestorClass, RestrictionCode, Rule, investor_id

R, S = RestrictionCode, SettlementCode


@dataclass(frozen=True)
class Failure:
    """A way a leg fails: the set-up, the dry run's codes, the error the escrow reverts with."""

    setup: Callable[[Market, Ledger], None]
    security: int
    cash: int
    error: type[errors.ContractRevert]
    # False where the cash token has no ERC-1404 view, so only the simulated send can tell.
    visible: bool = True


def _officer(ledger: Ledger) -> tuple[IdentityRegistry, TransferCompliance]:
    return ledger.registry, ledger.compliance


def _expire_kyc(name: str) -> Callable[[Market, Ledger], None]:
    def setup(m: Market, ledger: Ledger) -> None:
        registry, compliance = _officer(ledger)
        registry.update_investor(
            investor_id(name),
            country=840,
            investor_class=InvestorClass.ACCREDITED,
            kyc_expiry=m.chain.timestamp + 10,
        )
        compliance.set_rules(m.shares.address, Rule.KYC)
        m.chain.advance_time(20)

    return setup


def _freeze(name: str) -> Callable[[Market, Ledger], None]:
    return lambda m, ledger: ledger.registry.set_investor_frozen(investor_id(name), True)


def _retail_only(m: Market, ledger: Ledger) -> None:
    ledger.compliance.set_allowed_classes(
        m.shares.address, InvestorClass.mask(InvestorClass.RETAIL)
    )
    ledger.compliance.set_rules(m.shares.address, Rule.INVESTOR_CLASS)


def _cap_balance(m: Market, ledger: Ledger) -> None:
    ledger.compliance.set_investor_limits(
        m.shares.address,
        max_investors=10,
        max_balance_per_investor=50,
        daily_limit_per_investor=10**9,
    )
    ledger.compliance.set_rules(m.shares.address, Rule.MAX_BALANCE)


def _agent(ledger: Ledger) -> Account:
    return ledger.accounts["agent"]


FAILURES = {
    "security paused": Failure(
        lambda m, ledger: m.shares.pause(sender=ledger.accounts["pauser"]),
        R.TOKEN_PAUSED, 0, errors.ComplianceTransferRejected,
    ),
    "seller frozen": Failure(_freeze("alice"), R.SENDER_FROZEN, 0, errors.ComplianceTransferRejected),
    "buyer frozen": Failure(_freeze("bob"), R.RECEIVER_FROZEN, 0, errors.ComplianceTransferRejected),
    "buyer KYC expired": Failure(
        _expire_kyc("bob"), R.RECEIVER_KYC_EXPIRED, 0, errors.ComplianceTransferRejected
    ),
    "seller KYC expired": Failure(
        _expire_kyc("alice"), R.SENDER_KYC_EXPIRED, 0, errors.ComplianceTransferRejected
    ),
    "buyer class not allowed": Failure(
        _retail_only, R.RECEIVER_CLASS_NOT_ALLOWED, 0, errors.ComplianceTransferRejected
    ),
    "buyer above max balance": Failure(
        _cap_balance, R.MAX_BALANCE_EXCEEDED, 0, errors.ComplianceTransferRejected
    ),
    "seller units frozen": Failure(
        lambda m, ledger: m.shares.set_frozen_tokens(m.seller, 950, sender=_agent(ledger)),
        R.BALANCE_FROZEN, 0, errors.ComplianceTransferRejected,
    ),
    "seller short of shares": Failure(
        lambda m, ledger: m.shares.burn(m.seller, 950, sender=m.issuer),
        R.INSUFFICIENT_BALANCE, 0, errors.ComplianceTransferRejected,
    ),
    "seller revoked allowance": Failure(
        lambda m, ledger: m.shares.approve(m.dvp.address, 99, sender=m.seller),
        S.ALLOWANCE_INSUFFICIENT, 0, errors.ERC20InsufficientAllowance,
    ),
    "buyer short of cash": Failure(
        lambda m, ledger: m.cash.transfer(m.buyer, m.third.address, m.cash.balance_of(m.buyer) - 1),
        0, S.INSUFFICIENT_BALANCE, errors.ERC20InsufficientBalance,
    ),
    "buyer cash encumbered elsewhere": Failure(
        lambda m, ledger: m.cash.encumber(m.buyer, m.third.address, m.cash.balance_of(m.buyer) - 1),
        0, S.AVAILABLE_BALANCE_INSUFFICIENT, errors.ERC20InsufficientBalance,
    ),
    "buyer revoked allowance": Failure(
        lambda m, ledger: m.cash.approve(m.buyer, m.dvp.address, 0),
        0, S.ALLOWANCE_INSUFFICIENT, errors.ERC20InsufficientAllowance,
    ),
    "cash paused": Failure(
        lambda m, ledger: m.cash.set_paused(True), 0, 0, errors.TokenPaused, visible=False
    ),
    "seller blocked by the cash token": Failure(
        lambda m, ledger: m.cash.set_blocked(m.seller, True),
        0, 0, errors.ERC7943CannotReceive, visible=False,
    ),
}  # fmt: skip


# Locking the cash leg changes the cash failures (its units can no longer leave or be
# encumbered elsewhere, and it needs no allowance), so the locked variant runs the others.
LOCKABLE = [name for name, f in FAILURES.items() if f.cash == 0]


@pytest.mark.parametrize("case", list(FAILURES))
def test_failing_leg_moves_nothing(market: Market, ledger: Ledger, case: str) -> None:
    _assert_atomic(market, ledger, FAILURES[case], lock_cash=False)


@pytest.mark.parametrize("case", LOCKABLE)
def test_failing_leg_moves_nothing_and_keeps_the_lock(
    market: Market, ledger: Ledger, case: str
) -> None:
    _assert_atomic(market, ledger, FAILURES[case], lock_cash=True)


def test_locked_cash_leg_needs_no_allowance_and_cannot_leave_the_wallet(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, lock=True, sender=market.buyer)
    market.cash.approve(market.buyer, market.dvp.address, 0)
    with pytest.raises(errors.ERC20InsufficientBalance):
        market.cash.transfer(
            market.buyer, market.third.address, market.cash.balance_of(market.buyer)
        )
    market.dvp.settle(trade, sender=market.third)
    assert market.cash.balance_of(market.seller) == 5_000 * USD
    assert market.dvp.locked_balance(market.cash.address, market.buyer) == 0
    assert market.cash.encumbrances(market.buyer, market.dvp.address) == 0


def _assert_atomic(market: Market, ledger: Ledger, failure: Failure, *, lock_cash: bool) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, lock=lock_cash, sender=market.buyer)
    failure.setup(market, ledger)
    before = market.holdings()
    locked = market.dvp.locked_balance(market.cash.address, market.buyer)
    encumbered = market.cash.encumbrances(market.buyer, market.dvp.address)
    assert locked == encumbered == (trade.cash_amount if lock_cash else 0)

    check = market.dvp.check_settlement(trade)
    assert (check.trade.code, check.security.code, check.cash.code) == (
        0,
        failure.security,
        failure.cash,
    )
    block = market.chain.block_number
    expected = SettlementRejected if failure.visible else failure.error
    with pytest.raises(expected) as rejected:
        market.dvp.settle(trade, sender=market.buyer)
    assert market.chain.block_number == block
    if failure.visible:
        assert isinstance(rejected.value, SettlementRejected)
        assert rejected.value.security == check.security
        assert rejected.value.cash == check.cash

    with pytest.raises(failure.error) as reverted:
        market.dvp.settle(trade, sender=market.buyer, precheck=False)
    if failure.error is errors.ComplianceTransferRejected:
        assert reverted.value.arguments == {
            "from": market.seller.address,
            "to": market.buyer.address,
            "amount": 100,
            "code": failure.security,
        }
    assert market.holdings() == before
    assert market.dvp.trade_state(trade).status == TradeStatus.PROPOSED
    assert market.dvp.locked_balance(market.cash.address, market.buyer) == locked
    assert market.cash.encumbrances(market.buyer, market.dvp.address) == encumbered


def test_unregistered_buyer_cannot_receive_through_the_escrow(
    market: Market, ledger: Ledger
) -> None:
    stranger = market.chain.accounts["erin"]
    market.cash.mint(stranger, 10_000 * USD)
    market.cash.approve(stranger, market.dvp.address)
    trade = market.trade(buyer=stranger)
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, sender=stranger)
    assert market.dvp.check_settlement(trade).security.code == R.RECEIVER_NOT_REGISTERED
    with pytest.raises(errors.ComplianceTransferRejected):
        market.dvp.settle(trade, sender=stranger, precheck=False)
    assert market.shares.balance_of(stranger) == 0
    assert market.cash.balance_of(stranger) == 10_000 * USD
