"""Gas of the lifecycle operations (`make bench`, keys under `gas`).

Each figure is a receipt's gasUsed, contracts behind their proxies, in the steady state the
keys name: the claimer, voter and redeemer already hold cash and are not the first of their
256-investor bitmap word; the vault already holds the deposited asset. Cash is a plain
OpenZeppelin ERC-20 until the stablecoin lands. The `_pledged` keys pledge the entitlement token
in place (encumbered to the vault) instead of cash in custody.
"""

from __future__ import annotations

from permledger.binding import encode
from permledger.chain import Account
from permledger.deployment.config import CURE_WINDOW
from permledger.drivers.ballots import Support
from permledger.drivers.base import artifact
from permledger.drivers.erc20 import ERC20
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.types import InvestorClass, investor_id

DAY = 24 * 3600
PRICE = 10**18
HOLDER_COUNTS = (10, 1_000, 10_000)
_BATCH = 250


def measure_lifecycle_gas(holder_counts: tuple[int, ...] = HOLDER_COUNTS) -> dict[str, int]:
    """Gas per lifecycle operation; announce+fund once per count of holders of record."""
    gas = {f"ca.distribution_announce_{n}": _announce_with_holders(n) for n in holder_counts}
    gas[f"ca.split_{max(holder_counts)}"] = _split_with_holders(max(holder_counts))
    gas.update(_per_holder_operations())
    return gas


def _setup(holders: int) -> tuple[LocalChain, Ledger, ERC20, int]:
    """A ledger with `holders` investors holding 10 units each and a passed record date."""
    chain = LocalChain()
    ledger = Ledger.local(chain=chain)
    issuer = chain.accounts["issuer"]
    expiry = chain.timestamp + 365 * DAY
    named = [chain.accounts[n] for n in ("alice", "bob", "carol", "dave", "erin", "frank")]
    wallets = named[:holders] + [
        chain.create_account(f"holder-{k}", balance=0) for k in range(max(holders - len(named), 0))
    ]
    for wallet in wallets:
        ledger.registry.register_investor(
            investor_id(wallet.name),
            country=840,
            investor_class=InvestorClass.RETAIL,
            kyc_expiry=expiry,
            wallet=wallet,
        )
    for start in range(0, len(wallets), _BATCH):
        ledger.token.mint_batch([(w, 10) for w in wallets[start : start + _BATCH]], sender=issuer)
    record = ledger.token.schedule_record_date(chain.next_timestamp, sender=issuer)
    chain.advance_time(10)
    built = artifact("PlainERC20")
    cash = ERC20(
        chain, chain.deploy(issuer, built.bytecode + encode(["uint256"], [10**30])), sender=issuer
    )
    return chain, ledger, cash, record


def _announce(ledger: Ledger, cash: ERC20, chain: LocalChain, record: int) -> int:
    distributions = ledger.distributions
    cash.approve(distributions.address, 10**12)
    receipt = distributions._send_checked(
        "announce",
        ledger.token.address,
        record,
        cash.address,
        10**12,
        chain.timestamp + 30 * DAY,
    )
    return receipt.gas_used


def _split_with_holders(holders: int) -> int:
    """A 2:1 split of a token with `holders` holders of record (none converted by it)."""
    chain, ledger, _, _ = _setup(holders)
    return ledger.token._send_checked("split", 2, 1, sender=chain.accounts["issuer"]).gas_used


def _announce_with_holders(holders: int) -> int:
    """Announce and fund a second distribution (the contract already holds cash)."""
    chain, ledger, cash, record = _setup(holders)
    _announce(ledger, cash, chain, record)
    return _announce(ledger, cash, chain, record)


def _per_holder_operations() -> dict[str, int]:
    chain, ledger, cash, record = _setup(6)
    a = chain.accounts
    alice, bob, carol = a["alice"], a["bob"], a["carol"]
    for holder in (alice, bob, carol):
        cash.transfer(holder, 10**9)
    gas: dict[str, int] = {}

    _announce(ledger, cash, chain, record)
    distributions = ledger.distributions
    distributions.claim(1, sender=alice)  # warms the bitmap word
    gas["ca.claim"] = distributions._send_checked("claim", 1, sender=bob).gas_used

    ballots = ledger.ballots
    start = chain.next_timestamp
    pid = ballots.propose(
        ledger.token,
        record_id=record,
        vote_start=start,
        vote_end=start + DAY,
        quorum_bps=5_000,
        uri="ipfs://bench",
        description_hash=bytes(32),
    )
    ballots.cast_vote(pid, Support.FOR, sender=alice)
    gas["vote.cast"] = ballots._send_checked("castVote", pid, 1, sender=bob).gas_used

    redemptions = ledger.redemptions
    issuer = a["issuer"]
    redemptions.configure_fund(ledger.token, cash=cash, treasury=issuer, sender=issuer)
    cash.approve(redemptions.address, 2**256 - 1)
    redemptions.schedule_dealing(ledger.token, chain.next_timestamp + 100)
    for holder in (alice, bob):
        ledger.token.approve(redemptions.address, 5, sender=holder)
    first = redemptions.request_redemption(ledger.token, 5, sender=alice)
    second = redemptions.request_redemption(ledger.token, 5, sender=bob)
    chain.advance_time(200)
    redemptions.publish_nav(ledger.token, PRICE, chain.next_timestamp)
    redemptions.settle([first])  # the first burn after the record date writes supply history
    gas["redeem.settle"] = redemptions._send_checked("settle", [second]).gas_used

    vault, feed = ledger.vault, ledger.price_feed
    vault.list_asset(cash, haircut_bps=200, max_price_age=DAY)
    feed.set_price(cash, PRICE)
    for holder in (alice, bob):
        vault.set_requirement(holder, 900)
        cash.approve(vault.address, 2**256 - 1, sender=holder)
    vault.deposit(cash, 1_000, sender=alice)
    gas["vault.deposit"] = vault._send_checked("deposit", cash.address, 1_000, sender=bob).gas_used
    vault.set_requirement(bob, 2_000)
    gas["vault.margin_call"] = vault._send_checked("marginCall", bob.address).gas_used
    chain.advance_time(CURE_WINDOW + 1)
    feed.set_price(cash, PRICE)
    gas["vault.liquidate"] = vault._send_checked(
        "liquidate", bob.address, cash.address, 100, carol.address
    ).gas_used
    gas.update(_pledged_in_place(ledger, alice, carol))
    return gas


def _pledged_in_place(ledger: Ledger, first: Account, pledger: Account) -> dict[str, int]:
    """Deposit and margin call with the entitlement token pledged in place: the vault reads the
    pledge and the token's last split back from the token."""
    vault, feed, token = ledger.vault, ledger.price_feed, ledger.token
    vault.list_asset(token, haircut_bps=200, max_price_age=DAY)
    feed.set_price(token, PRICE)
    for holder in (first, pledger):
        token.approve(vault.address, 10, sender=holder)
    vault.deposit(token, 2, sender=first)
    vault.deposit(token, 2, sender=pledger)
    gas = {
        "vault.deposit_pledged": vault._send_checked(
            "deposit", token.address, 2, sender=pledger
        ).gas_used
    }
    vault.set_requirement(pledger, 10)
    gas["vault.margin_call_pledged"] = vault._send_checked("marginCall", pledger.address).gas_used
    return gas
