"""The `lifecycle` section of `permledger demo`: a dividend, a vote, a redemption at NAV and a
margin call ending in liquidation, on a ledger whose investors already hold the token.

Cash is a plain OpenZeppelin ERC-20 (6 decimals assumed for display) until the stablecoin lands.
"""

from __future__ import annotations

from collections.abc import Callable

from permledger.binding import encode
from permledger.cap_table import CapTable
from permledger.deployment.config import CURE_WINDOW
from permledger.drivers.ballots import Support
from permledger.drivers.base import artifact
from permledger.drivers.erc20 import ERC20
from permledger.drivers.redemptions import NAV_SCALE
from permledger.errors import ConfigurationError, DistributionAlreadyPaid
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain

DAY = 24 * 3600
PRICE_SCALE = 10**18


def lifecycle(ledger: Ledger, holders: tuple[str, ...], say: Callable[[str], None] = print) -> None:
    """Run the lifecycle section against `ledger`, whose named `holders` hold its token."""
    chain, token, a = ledger.chain, ledger.token, ledger.accounts
    if not isinstance(chain, LocalChain):
        raise ConfigurationError("the lifecycle demo moves the clock: it needs a LocalChain")
    issuer, agent, clearing = a["issuer"], a["agent"], a["clearing"]
    built = artifact("PlainERC20")
    cash = ERC20(
        chain, chain.deploy(issuer, built.bytecode + encode(["uint256"], [10**15])), sender=issuer
    )
    say(f"\nLifecycle (cash token {cash.address})")

    say("\n  a. Dividend of 1,000,000.00 on a record date")
    record = token.schedule_record_date(chain.timestamp + 1, sender=issuer)
    chain.advance_time(60)
    table = CapTable.at(token, ledger.registry, record)
    cash.approve(ledger.distributions.address, 10**12)
    dist = ledger.distributions.announce(
        token, record_id=record, cash=cash, amount=10**12, claim_deadline=chain.timestamp + 30 * DAY
    )
    expected = table.shares(10**12)
    say(
        f"     cap table at record date {record}: {table.holders} investors, supply {table.supply:,}"
    )
    first = a[holders[0]]
    payout = ledger.distributions.claim(dist, sender=first)
    say(
        f"     {holders[0]} claims {payout.amount / 1e6:,.2f} (calculator: {expected[payout.investor_id] / 1e6:,.2f})"
    )
    try:
        ledger.distributions.claim(dist, sender=first)
    except DistributionAlreadyPaid as error:
        say(f"     a second claim is refused, nothing sent: {error.error_name}")
    pushed = ledger.distributions.using(agent).push(dist, [a[h] for h in holders[1:]])
    say(
        f"     the agent pushes {len(pushed)} more payments; unreserved after all: "
        f"{ledger.distributions.distribution(dist).unreserved} base units of dust"
    )

    say("\n  b. A holder vote weighted by record-date holdings")
    start = chain.next_timestamp
    pid = ledger.ballots.propose(
        token,
        record_id=record,
        vote_start=start,
        vote_end=start + DAY,
        quorum_bps=5_000,
        uri="ipfs://agm-resolution-1",
        description_hash=bytes(32),
    )
    for name, support in zip(holders, (Support.FOR, Support.AGAINST, Support.FOR), strict=False):
        weight = ledger.ballots.cast_vote(pid, support, sender=a[name])
        say(f"     {name} votes {support.name.lower()} with {weight:,}")
    chain.advance_time(DAY)
    p = ledger.ballots.proposal(pid)
    say(
        f"     tally for {p.for_votes:,} / against {p.against_votes:,} (quorum {p.quorum:,}): "
        f"{ledger.ballots.state(pid).name.lower()}"
    )

    say("\n  c. Redemption at NAV 1.0150")
    red = ledger.redemptions
    red.configure_fund(token, cash=cash, treasury=issuer, sender=issuer)
    cash.approve(red.address, 2**256 - 1)
    cutoff = chain.timestamp + DAY
    red.schedule_dealing(token, cutoff)
    holder = a[holders[1]]
    token.approve(red.address, 1_000, sender=holder)
    rid = red.request_redemption(token, 1_000, sender=holder)  # locks the 1,000 units
    chain.set_time(cutoff + 3600)
    red.publish_nav(token, 1_015_000 * NAV_SCALE, cutoff)
    (done,) = red.settle([rid])
    say(
        f"     {holders[1]} redeems {done.units:,} shares for {done.cash_paid / 1e6:,.2f} "
        f"(shares burnt and cash paid in one transaction)"
    )

    say("\n  d. Margin call and liquidation")
    vault, feed = ledger.vault, ledger.price_feed
    vault.list_asset(cash, haircut_bps=500, max_price_age=DAY)
    feed.set_price(cash, PRICE_SCALE)
    cash.approve(vault.address, 2**256 - 1, sender=holder)
    vault.set_requirement(holder, 900_000_000)
    vault.deposit(cash, 1_000_000_000, sender=holder)
    status = vault.margin_status(holder)
    say(
        f"     {holders[1]} posts 1,000.00 at a 5% haircut: value {status.value / 1e6:,.2f}, requirement 900.00"
    )
    vault.set_requirement(holder, 1_200_000_000)
    deadline = vault.margin_call(holder)
    say(f"     requirement raised to 1,200.00: margin called, cure by {deadline}")
    chain.advance_time(CURE_WINDOW + 1)
    feed.set_price(cash, PRICE_SCALE)
    vault.liquidate(holder, cash, 300_000_000, recipient=clearing, sender=clearing)
    status = vault.margin_status(holder)
    say(
        f"     not cured: the clearing agent seizes 300.00; now value {status.value / 1e6:,.2f} "
        f"against {status.requirement / 1e6:,.2f} ({status.state.value})"
    )
