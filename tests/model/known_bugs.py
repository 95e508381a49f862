"""Known chain bugs the model-based generators stay away from, one predicate each.

The model says what the ledger is meant to do; where the chain still does otherwise, the tests
skip the operation (or reject the example) when a predicate below says it would hit the bug.
Delete a predicate, and its uses, once its fix is merged: the tests then cover that corner too.
"""

from __future__ import annotations

from tests.model.ledger_model import Rule, Settings, Token


def relocks_earlier_units(token: Token, wallet: str, now: int) -> bool:
    """Lock-up re-lock: the token keeps one (amount, until) per wallet, so issuing under lock-up
    to a wallet that still has locked units moves the unlock time of the earlier units to the
    new issue's (tests/foundry/token/EntitlementToken.t.sol,
    test_Lockup_EarlierUnitsUnlockOnTheirOwnDate).
    """
    s = token.settings
    return s.on(Rule.LOCKUP) and s.lockup_period > 0 and bool(token.holding(wallet).live_lots(now))


def recovery_merges_locks(token: Token, lost: str, new: str, now: int) -> bool:
    """Lock-up re-lock, through recovery: both wallets' locked units are merged under the later
    unlock time.
    """
    return bool(token.holding(lost).live_lots(now)) and bool(token.holding(new).live_lots(now))


def unconfigured_breaker(settings: Settings, rules: int) -> bool:
    """CIRCUIT_BREAKER switched on while no share is set (share 0) is accepted and pauses the
    token on the first transfer; it should be refused (`ComplianceBreakerNotConfigured`).
    """
    return rules & Rule.CIRCUIT_BREAKER != 0 and settings.breaker_share_bps == 0


def breaker_counts_same_investor(token: Token, sender: str, receiver: str) -> bool:
    """The circuit breaker counts transfers between wallets of one investor (and to oneself),
    which never count against investor limits.
    """
    owner = token.registry.owner
    same = owner.get(sender) is not None and owner.get(sender) == owner.get(receiver)
    return token.settings.on(Rule.CIRCUIT_BREAKER) and same


def investor_balance_at_unknown_investor(
    token: Token, investor_id: bytes, record_id: int, now: int
) -> bool:
    """`investorBalanceAt` of an investor the registry does not know answers zero without
    checking the record date, also for one that has not passed or was never scheduled.
    """
    passed = 1 <= record_id <= token.passed_record_dates(now)
    return investor_id not in token.registry.investors and not passed


def unknown_record_date_not_passed(token: Token, record_id: int) -> bool:
    """A record date that was never scheduled (id 0, or past the count) is refused with
    `TokenRecordDateNotPassed` instead of `TokenRecordDateUnknown`.
    """
    return not 1 <= record_id <= len(token.record_dates)


def emptied_lock_keeps_its_date(expected: tuple[int, int], reported: tuple[int, int]) -> bool:
    """New (tests/model/test_known_discrepancies.py): once all of a wallet's locked units have
    left it (forced transfer, burn, a transfer with the lock-up rule off, recovery),
    `lockedTokens` still reports the lock's date: (0, until) where nothing is locked, (0, 0).
    """
    return expected == (0, 0) and reported[0] == 0


def zero_amount_at_investor_cap(token: Token, sender: str, receiver: str, amount: int) -> bool:
    """New (tests/model/test_known_discrepancies.py): at the investor cap, a zero-amount
    transfer or issue to an investor holding nothing is refused with MAX_INVESTORS_REACHED,
    though it makes nobody a holder. `sender` is the zero address for an issue.
    """
    owner = token.registry.owner
    receiving, sending = owner.get(receiver), owner.get(sender)
    if (
        amount
        or receiving is None
        or receiving == sending
        or not token.settings.on(Rule.MAX_INVESTORS)
    ):
        return False
    sender_exits = sending is not None and token.investor_balance(sending) == 0
    return (
        token.investor_balance(receiving) == 0
        and not sender_exits
        and token.investor_count() >= token.settings.max_investors
    )
