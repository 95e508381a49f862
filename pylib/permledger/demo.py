"""`permledger demo`: a market's life on an in-process EVM, narrated.

Onboards investors, issues entitlements, trades them, shows a transfer the rules reject (and
that nothing was sent), a forced transfer, a lost-wallet recovery and a record date; then
settlement: DvP against the stablecoin (gross, signed, refused, netted) and a repo; then the
lifecycle: a dividend, a vote, a redemption at NAV and a margin call with a liquidation; and a
stock split.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from permledger.chain import Account
from permledger.drivers import EntitlementToken
from permledger.errors import TransferRestricted
from permledger.ledger import Ledger
from permledger.lifecycle_demo import lifecycle
from permledger.local_chain import LocalChain
from permledger.settlement_demo import settlement
from permledger.types import EVERY_RULE, InvestorClass, investor_id

DAY = 24 * 3600
US, GB, DE = 840, 826, 276


def main(argv: Sequence[str] = ()) -> int:
    """Run the demo; returns 0."""
    chain = LocalChain()
    ledger = Ledger.local(chain=chain)
    token, registry, compliance = ledger.token, ledger.registry, ledger.compliance
    a = ledger.accounts
    issuer, agent = a["issuer"], a["agent"]
    expiry = chain.timestamp + 365 * DAY
    say = print

    say(f"Deployed on an in-process EVM (chain id {chain.chain_id}):")
    say(
        f"  authority {ledger.authority.address}, registry {registry.address}, compliance {compliance.address}"
    )
    say(f"  token {token.symbol} ({token.name}) at {token.address}, nominee {token.nominee()!r}")

    say("\n1. Onboarding investors (KYC, class, jurisdiction, wallets)")
    for name, country, cls in (
        ("alice", US, InvestorClass.ACCREDITED),
        ("bob", GB, InvestorClass.QUALIFIED),
        ("carol", US, InvestorClass.RETAIL),
        ("dave", DE, InvestorClass.INSTITUTIONAL),
    ):
        registry.register_investor(
            investor_id(name),
            country=country,
            investor_class=cls,
            kyc_expiry=expiry,
            wallet=a[name],
        )
        say(f"  {name:<6} {cls.name.lower():<13} country {country}  wallet {a[name].address}")
    registry.add_wallet(investor_id("dave"), a["erin"])
    say(f"  dave adds a second wallet {a['erin'].address}")

    say("\n2. Rules: KYC, classes (no retail), jurisdictions US/GB/DE, limits, lock-up, breaker")
    compliance.set_allowed_classes(
        token.address,
        InvestorClass.mask(
            InvestorClass.ACCREDITED, InvestorClass.QUALIFIED, InvestorClass.INSTITUTIONAL
        ),
    )
    compliance.set_jurisdictions(token.address, [US, GB, DE], listed=True)
    compliance.set_investor_limits(
        token.address,
        max_investors=500,
        max_balance_per_investor=400_000,
        daily_limit_per_investor=100_000,
    )
    compliance.set_lockup_period(token.address, 7 * DAY)
    compliance.set_circuit_breaker(token.address, share_bps=2_500, window=DAY)
    compliance.set_rules(token.address, EVERY_RULE)
    say(f"  rules on: {token.rule_settings().rules!r}")

    say("\n3. Issuance (locked for 7 days)")
    token.mint_batch(
        [(a["alice"], 300_000), (a["bob"], 200_000), (a["dave"], 100_000)], sender=issuer
    )
    for name in ("alice", "bob", "dave"):
        locked, _until = token.locked_tokens(a[name])
        say(f"  {name:<6} {token.balance_of(a[name]):>8,}  locked {locked:,}")
    say(f"  supply {token.total_supply():,}, investors {token.investor_count()}")

    say("\n4. Trading after the lock-up")
    chain.advance_time(8 * DAY)
    token.using(a["alice"]).transfer(a["bob"], 50_000)
    token.using(a["dave"]).transfer(a["erin"], 40_000)
    say("  alice -> bob 50,000; dave -> his own second wallet 40,000")
    _balances(token, a, say)

    say("\n5. A transfer the rules reject: nothing is sent")
    before = chain.block_number
    try:
        token.using(a["bob"]).transfer(a["carol"], 1_000)
    except TransferRestricted as error:
        say(
            f"  bob -> carol refused: code {error.code} {error.message!r}; blocks mined: {chain.block_number - before}"
        )

    say("\n6. Record date, then trading goes on")
    record = token.schedule_record_date(chain.next_timestamp, sender=issuer)
    chain.advance_time(60)
    token.using(a["bob"]).transfer(a["alice"], 25_000)
    say(
        f"  record date {record}: alice held {token.balance_of_at(a['alice'], record):,}, now {token.balance_of(a['alice']):,}"
    )
    say(
        f"  dave across two wallets at the record date: {token.investor_balance_at(investor_id('dave'), record):,}"
    )

    say("\n7. Transfer agent: a court-ordered forced transfer and a lost wallet")
    token.set_frozen_tokens(a["bob"], 10_000, sender=agent)
    token.forced_transfer(a["bob"], a["alice"], 5_000, sender=agent)
    say(f"  bob -> alice 5,000 forced; bob frozen {token.frozen_tokens(a['bob']):,}")
    registry.add_wallet(investor_id("dave"), a["frank"])
    token.recover_wallet(a["erin"], a["frank"], sender=agent)
    registry.remove_wallet(a["erin"])
    say(f"  dave lost {a['erin'].address}: its units moved to {a['frank'].address}")
    _balances(token, a, say)

    settlement(ledger, ("alice", "bob", "dave"), say)
    lifecycle(ledger, ("alice", "bob", "dave"), say)
    _split(ledger, ("alice", "bob", "dave"), say)
    return 0


def _split(ledger: Ledger, holders: tuple[str, ...], say: Callable[[str], None]) -> None:
    """A 3:2 split: constant gas, wallets converted lazily, the remainder to the issuer."""
    token, a = ledger.token, ledger.accounts
    say("\nStock split 3:2 (each wallet rounds down; the remainder goes to the issuer)")
    before = {n: token.balance_of(a[n]) for n in holders}
    record = token.split(3, 2, sender=a["issuer"])
    for name in holders:
        say(f"  {name:<6} {before[name]:>10,} -> {token.balance_of(a[name]):>10,}")
    token.settle_splits([a[n] for n in (*holders, "frank")], sender=a["agent"])
    say(
        f"  supply {token.total_supply():,}; record date {record} keeps the old units "
        f"(supply then {token.total_supply_at(record):,}); remainder {token.split_remainder()}"
    )


def _balances(
    token: EntitlementToken, accounts: Mapping[str, Account], say: Callable[[str], None]
) -> None:
    holders = ("alice", "bob", "dave", "erin", "frank")
    say("  " + "  ".join(f"{n} {token.balance_of(accounts[n]):,}" for n in holders))
