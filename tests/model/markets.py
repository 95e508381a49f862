"""Generated markets for the model-based tests: investors, wallets, holdings and rule settings.

A scenario has a *focus*, one reason code, and leans the market towards it: the rule that
gives the code is switched on, the first sender's or receiver's investor is made to break it,
the limits are drawn around the holdings. Everything else is drawn freely, and the focus only
leans: the model alone says which code a transfer gets. Without the lean, the hundred-odd
markets a run can afford (py-evm runs every transaction) would seldom get past the first checks,
and hypothesis draws the first values of a list more often than the others.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st
from tests.model.ledger_model import ALL_CLASSES, CLASSES, DAY, Code, Rule

COUNTRIES = (840, 826, 276, 392)
"""United States, United Kingdom, Germany, Japan."""
HOUR = 3600
JURISDICTION_MODES = Rule.JURISDICTION_ALLOWLIST | Rule.JURISDICTION_BLOCKLIST

SENDER, RECEIVER = 0, 1
"""The roles of the first two investors: the first transfer goes from the one to the other."""

FOCUS_RULES = {
    Code.SENDER_KYC_EXPIRED: Rule.KYC,
    Code.RECEIVER_KYC_EXPIRED: Rule.KYC,
    Code.RECEIVER_CLASS_NOT_ALLOWED: Rule.INVESTOR_CLASS,
    Code.TOKENS_LOCKED: Rule.LOCKUP,
    Code.MAX_INVESTORS_REACHED: Rule.MAX_INVESTORS,
    Code.MAX_BALANCE_EXCEEDED: Rule.MAX_BALANCE,
    Code.DAILY_LIMIT_EXCEEDED: Rule.DAILY_LIMIT,
}
"""The rule each focus needs switched on (jurisdictions draw their mode)."""


@dataclass(frozen=True)
class WalletSpec:
    """A wallet's holding: free and locked units, how many of them frozen, whether retired."""

    free: int
    locked: int
    frozen: int
    retired: bool


@dataclass(frozen=True)
class InvestorSpec:
    """An investor's profile (KYC valid for `kyc_ttl` seconds from the start) and wallets."""

    country: int
    investor_class: int
    kyc_ttl: int
    frozen: bool
    wallets: tuple[WalletSpec, ...]


@dataclass(frozen=True)
class RuleSpec:
    """A token's rule settings."""

    rules: int
    allowed_classes: int
    listed: frozenset[int]
    max_investors: int
    max_balance: int
    daily_limit: int
    lockup_period: int
    breaker_share_bps: int
    breaker_window: int


@dataclass(frozen=True)
class Scenario:
    """A market, the time that passes once it is built, and who makes the first transfer."""

    focus: Code
    investors: tuple[InvestorSpec, ...]
    rules: RuleSpec
    paused: bool
    """Paused by the pauser before the transfers."""
    breaker: bool
    """The first transfer moves the circuit breaker's threshold amount, or one unit more."""
    elapsed: int
    first_sender: str
    """"wallet" (the sender investor's first wallet) or "outsider" (a never registered one)."""
    first_receiver: str
    """"wallet" (the receiver investor's first wallet, perhaps retired), "outsider" or "zero"."""


def _rarely() -> st.SearchStrategy[bool]:
    return st.sampled_from([False] * 7 + [True])


def _some(low: int, high: int) -> st.SearchStrategy[int]:
    """Often zero, else between `low` and `high`."""
    return st.just(0) | st.integers(low, high)


def _seldom(low: int, high: int) -> st.SearchStrategy[int]:
    """Mostly zero, else between `low` and `high`."""
    return _rarely().flatmap(lambda some: st.integers(low, high) if some else st.just(0))


@st.composite
def _wallet(draw: st.DrawFn, *, role: int, first: bool, focus: Code) -> WalletSpec:
    sends_first = role == SENDER and first
    if role == RECEIVER and focus == Code.MAX_INVESTORS_REACHED:
        free, locked = 0, 0  # a newcomer
    else:
        free = draw(st.integers(1, 1_000) if sends_first else _some(0, 1_000))
        # The first sender's units are seldom locked or frozen unless that is the focus: they
        # would hide the investor limits behind codes 12 and 13.
        locked = draw(
            st.integers(1, 500) if sends_first and focus == Code.TOKENS_LOCKED else _seldom(1, 500)
        )
    if sends_first and focus == Code.BALANCE_FROZEN:
        frozen = draw(st.integers(1, free + locked))
    else:
        frozen = draw(_seldom(0, free + locked))
    if first and role == SENDER:
        retired = focus == Code.SENDER_NOT_REGISTERED and draw(st.booleans())
    elif first and role == RECEIVER:
        retired = False  # decided by `first_receiver`
    else:
        retired = draw(_rarely())
    return WalletSpec(free, locked, frozen, retired)


@st.composite
def _investor(draw: st.DrawFn, *, role: int, focus: Code, elapsed: int, avoid: int) -> InvestorSpec:
    countries = [c for c in COUNTRIES if c != avoid] if role == RECEIVER else list(COUNTRIES)
    country = draw(st.sampled_from(countries))
    investor_class = draw(st.sampled_from(CLASSES))
    expired = {SENDER: Code.SENDER_KYC_EXPIRED, RECEIVER: Code.RECEIVER_KYC_EXPIRED}.get(
        role
    ) == focus
    if expired:
        kyc_ttl = draw(st.integers(HOUR, elapsed))
    elif role in (SENDER, RECEIVER):
        kyc_ttl = draw(st.integers(elapsed + HOUR, 60 * DAY))
    else:
        kyc_ttl = draw(st.integers(HOUR, 60 * DAY))
    frozen_focus = {SENDER: Code.SENDER_FROZEN, RECEIVER: Code.RECEIVER_FROZEN}.get(role)
    frozen = focus == frozen_focus if frozen_focus is not None else draw(_rarely())
    # The sender's investor mostly has a second wallet: moves within an investor, recoveries.
    count = draw(st.sampled_from([2, 1] if role == SENDER else [1, 2]))
    wallets = tuple(draw(_wallet(role=role, first=k == 0, focus=focus)) for k in range(count))
    return InvestorSpec(country, investor_class, kyc_ttl, frozen, wallets)


def some_rules(rules: list[Rule], *, most: int) -> st.SearchStrategy[list[Rule]]:
    """Up to `most` of `rules`, each as likely as the others (a set drawn from the list would
    favour the first rules, as hypothesis favours the first entries of a list).
    """
    return st.permutations(rules).flatmap(
        lambda order: st.integers(0, most).map(lambda k: order[:k])
    )


def _passes(country: int, listed: set[int], rules: int) -> bool:
    return (country in listed) == bool(rules & Rule.JURISDICTION_ALLOWLIST)


@st.composite
def scenarios(draw: st.DrawFn, focus: Code) -> Scenario:
    """A market leaning towards reason code `focus`."""
    elapsed = draw(st.integers(0, 3 * DAY))
    if focus in (Code.SENDER_KYC_EXPIRED, Code.RECEIVER_KYC_EXPIRED):
        elapsed = max(elapsed, 2 * HOUR)
    switchable = [r for r in Rule if not r & JURISDICTION_MODES]
    rules = FOCUS_RULES.get(focus, 0)
    for extra in draw(some_rules(switchable, most=2)):
        rules |= extra
    # A token is paused by its pauser, or by the circuit breaker tripping on the first transfer.
    breaker = focus == Code.TOKEN_PAUSED and draw(st.booleans())
    if breaker:
        rules |= Rule.CIRCUIT_BREAKER
    jurisdiction_focus = focus in (
        Code.SENDER_JURISDICTION_NOT_ALLOWED,
        Code.RECEIVER_JURISDICTION_NOT_ALLOWED,
    )
    modes = [Rule.JURISDICTION_ALLOWLIST, Rule.JURISDICTION_BLOCKLIST]
    rules |= draw(st.sampled_from(modes if jurisdiction_focus else [0, 0, 0, *modes]))

    investors: list[InvestorSpec] = []
    for role in range(draw(st.integers(2, 3))):
        avoid = (
            investors[SENDER].country
            if focus == Code.RECEIVER_JURISDICTION_NOT_ALLOWED and investors
            else 0
        )
        investors.append(draw(_investor(role=role, focus=focus, elapsed=elapsed, avoid=avoid)))
    sender, receiver = investors[SENDER], investors[RECEIVER]

    listed = set(draw(st.frozensets(st.sampled_from(COUNTRIES))))
    for role, breach in (
        (RECEIVER, Code.RECEIVER_JURISDICTION_NOT_ALLOWED),
        (SENDER, Code.SENDER_JURISDICTION_NOT_ALLOWED),
    ):
        country = investors[role].country
        if _passes(country, listed, rules) == (focus == breach):
            listed ^= {country}
    classes = draw(st.integers(0, ALL_CLASSES)) & ALL_CLASSES
    receiver_bit = 1 << receiver.investor_class
    classes = (
        classes & ~receiver_bit
        if focus == Code.RECEIVER_CLASS_NOT_ALLOWED
        else classes | receiver_bit
    )

    def held(spec: InvestorSpec) -> int:
        return sum(w.free + w.locked for w in spec.wallets)

    first_free = sender.wallets[0].free
    holders = sum(1 for i in investors if held(i))
    limits = {
        Code.MAX_INVESTORS_REACHED: ("max_investors", st.integers(0, holders)),
        Code.MAX_BALANCE_EXCEEDED: ("max_balance", st.integers(0, held(receiver) + first_free)),
        Code.DAILY_LIMIT_EXCEEDED: ("daily_limit", st.integers(0, first_free)),
    }
    drawn = {
        "max_investors": st.integers(0, 4),
        "max_balance": st.integers(0, 2_500),
        "daily_limit": st.integers(0, 1_500),
    }
    if focus in limits:
        name, strategy = limits[focus]
        drawn[name] = strategy
    lockup_low = elapsed + HOUR if focus == Code.TOKENS_LOCKED else 1
    spec = RuleSpec(
        rules=rules,
        allowed_classes=classes,
        listed=frozenset(listed),
        max_investors=draw(drawn["max_investors"]),
        max_balance=draw(drawn["max_balance"]),
        daily_limit=draw(drawn["daily_limit"]),
        lockup_period=draw(st.integers(lockup_low, 20 * DAY)),
        # Round shares make the breaker's threshold an exact amount now and then.
        breaker_share_bps=draw(
            st.sampled_from([2_500, 5_000, 7_500, 10_000]) | st.integers(1, 10_000)
        ),
        breaker_window=draw(st.integers(1, 2 * DAY)),
    )
    outsider_sends = focus == Code.SENDER_NOT_REGISTERED and not sender.wallets[0].retired
    first_receiver = "wallet"
    if focus == Code.RECEIVER_NOT_REGISTERED:
        first_receiver = draw(st.sampled_from(["retired", "outsider", "zero"]))
    if first_receiver == "retired":
        first_receiver = "wallet"
        retired = replace(receiver.wallets[0], retired=True)
        investors[RECEIVER] = replace(receiver, wallets=(retired, *receiver.wallets[1:]))
    return Scenario(
        focus=focus,
        investors=tuple(investors),
        rules=spec,
        paused=focus == Code.TOKEN_PAUSED and not breaker,
        breaker=breaker,
        elapsed=elapsed,
        first_sender="outsider" if outsider_sends else "wallet",
        first_receiver=first_receiver,
    )
