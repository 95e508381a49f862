"""The state machine of a trade: every action from every state, allowed or refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.settlement.conftest import DAY, Market

from permledger import errors
from permledger.errors import LedgerError, SettlementRejected
from permledger.settlement import Trade, TradeStatus

Setup = Callable[[Market, Trade], None]


def _proposed(m: Market, t: Trade) -> None:
    m.dvp.propose(t, sender=m.seller)


def _matched(m: Market, t: Trade) -> None:
    _proposed(m, t)
    m.dvp.affirm(t, sender=m.buyer)


def _lapsed(m: Market, t: Trade) -> None:
    _matched(m, t)
    m.chain.advance_time(DAY + 1)


def _settled(m: Market, t: Trade) -> None:
    _matched(m, t)
    m.dvp.settle(t, sender=m.buyer)


def _cancelled(m: Market, t: Trade) -> None:
    _matched(m, t)
    m.dvp.cancel(t, sender=m.seller)


def _expired(m: Market, t: Trade) -> None:
    _lapsed(m, t)
    m.dvp.expire(t, sender=m.third)


STATES: dict[str, Setup] = {
    "none": lambda m, t: None,
    "proposed": _proposed,
    "matched": _matched,
    "lapsed": _lapsed,
    "settled": _settled,
    "cancelled": _cancelled,
    "expired": _expired,
}

ACTIONS = {
    "propose": lambda m, t, check: m.dvp.propose(t, sender=m.seller, precheck=check),
    "affirm_seller": lambda m, t, check: m.dvp.affirm(t, sender=m.seller, precheck=check),
    "affirm_buyer": lambda m, t, check: m.dvp.affirm(t, sender=m.buyer, precheck=check),
    "settle": lambda m, t, check: m.dvp.settle(t, sender=m.third, precheck=check),
    "cancel": lambda m, t, check: m.dvp.cancel(t, sender=m.seller, precheck=check),
    "expire": lambda m, t, check: m.dvp.expire(t, sender=m.third, precheck=check),
}

P, S, C, E = TradeStatus.PROPOSED, TradeStatus.SETTLED, TradeStatus.CANCELLED, TradeStatus.EXPIRED
Unknown, Exists, Wrong = (
    errors.SettlementUnknown,
    errors.SettlementExists,
    errors.SettlementWrongStatus,
)
Affirmed, NotAffirmed = errors.SettlementAlreadyAffirmed, errors.SettlementNotAffirmed
Passed, NotPassed = errors.SettlementDeadlinePassed, errors.SettlementDeadlineNotPassed

# state -> action -> the status it leads to, or the error the escrow refuses it with
TABLE: dict[str, dict[str, TradeStatus | type[errors.ContractRevert]]] = {
    "none": {
        "propose": P,
        "affirm_seller": Unknown,
        "affirm_buyer": Unknown,
        "settle": Unknown,
        "cancel": C,
        "expire": Unknown,
    },
    "proposed": {
        "propose": Exists,
        "affirm_seller": Affirmed,
        "affirm_buyer": P,
        "settle": NotAffirmed,
        "cancel": C,
        "expire": NotPassed,
    },
    "matched": {
        "propose": Exists,
        "affirm_seller": Affirmed,
        "affirm_buyer": Affirmed,
        "settle": S,
        "cancel": C,
        "expire": NotPassed,
    },
    "lapsed": {
        "propose": Passed,
        "affirm_seller": Passed,
        "affirm_buyer": Passed,
        "settle": Passed,
        "cancel": C,
        "expire": E,
    },
    **{
        final: {
            # Terms are checked first: an expired trade's deadline has passed.
            "propose": Passed if final == "expired" else Exists,
            "affirm_seller": Wrong,
            "affirm_buyer": Wrong,
            "settle": Wrong,
            "cancel": Wrong,
            "expire": Wrong,
        }
        for final in ("settled", "cancelled", "expired")
    },
}

CASES = [(state, action) for state in TABLE for action in TABLE[state]]


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_transition(market: Market, state: str, action: str) -> None:
    trade = market.trade()
    STATES[state](market, trade)
    expected = TABLE[state][action]
    before_status = market.dvp.trade_state(trade).status
    before = market.holdings()

    if isinstance(expected, TradeStatus):
        ACTIONS[action](market, trade, True)
        assert market.dvp.trade_state(trade).status == expected
        moved = expected == TradeStatus.SETTLED and before_status != TradeStatus.SETTLED
        assert (market.holdings() != before) == moved
        return

    # Refused by the SDK's dry run or simulation: nothing is sent.
    block = market.chain.block_number
    with pytest.raises((expected, SettlementRejected)) as checked:
        ACTIONS[action](market, trade, True)
    assert isinstance(checked.value, LedgerError)
    assert market.chain.block_number == block
    # Sent anyway: the escrow refuses it with exactly this error, and nothing changes.
    with pytest.raises(expected) as refused:
        ACTIONS[action](market, trade, False)
    assert refused.value.arguments.get("tradeId", refused.value.arguments.get("id")) == trade.id
    assert market.dvp.trade_state(trade).status == before_status
    assert market.holdings() == before
