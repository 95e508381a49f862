"""Gas of settlement: DvP (gross, signed, netted) and repo legs, the contracts behind proxies.

`dvp.settle` is proposal + affirmation + settlement summed (each step also under its own key,
`dvp.settle_tx` being the settling transaction); `dvp.settle_signed` is one transaction with the
seller's signed affirmation; `dvp.batchN_per_trade` is a netted batch of N random trades among
ten parties divided by N; `repo.open` is proposal + the affirmation that opens (`repo.open_tx`),
`repo.close` the closing leg.

The security is an entitlement token with every rule on, the cash the stablecoin, both behind
their proxies; every party is a registered investor already holding both assets (the common case
of market members) and has approved the settlement contracts for good (an unlimited allowance,
which neither token spends down).
"""

from __future__ import annotations

import random

from permledger.bench_rules import LOCKUP, US, every_rule_on
from permledger.chain import Account
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.settlement import RepoTerms, Trade
from permledger.types import InvestorClass, investor_id

DAY = 24 * 3600
PARTIES = 10
MAX = 2**256 - 1
SHARES = 10**9
CASH = 10**13  # ten million dollars at six decimals


class _Market:
    """A ledger with every rule on, ten parties holding shares and cash, and approvals."""

    def __init__(self) -> None:
        self.chain = LocalChain()
        self.ledger = Ledger.local(chain=self.chain)
        ledger, chain = self.ledger, self.chain
        self.token, self.dvp, self.repo = ledger.token, ledger.dvp, ledger.repo
        accounts = chain.accounts
        names = ["alice", "bob", "carol", "dave", "erin", "frank"]
        self.parties = [accounts[n] for n in names]
        self.parties += [chain.create_account(f"member{i}") for i in range(PARTIES - len(names))]
        expiry = chain.timestamp + 365 * DAY
        for party in self.parties:
            ledger.registry.register_investor(
                investor_id(party.name),
                country=US,
                investor_class=InvestorClass.ACCREDITED,
                kyc_expiry=expiry,
                wallet=party,
            )
        token = self.token
        every_rule_on(ledger.compliance, token)
        self.cash = ledger.cash
        minter = ledger.cash.using(accounts["minter"])
        for party in self.parties:
            token.mint(party, SHARES, sender=accounts["issuer"])
            minter.mint(party, CASH)
            for spender in (self.dvp.address, self.repo.address):
                token.approve(spender, MAX, sender=party)
                self.cash.approve(spender, MAX, sender=party)
        chain.advance_time(LOCKUP + DAY)  # past the lock-up of the issued units

    def trade(self, seller: Account, buyer: Account, shares: int, cash: int) -> Trade:
        return Trade.new(
            seller=seller,
            buyer=buyer,
            security_token=self.token.address,
            security_amount=shares,
            cash_token=self.cash.address,
            cash_amount=cash,
            deadline=self.chain.next_timestamp + DAY,
        )


def measure_settlement_gas() -> dict[str, int]:
    """Gas of the DvP and repo operations the issue sets targets for."""
    market = _Market()
    gas: dict[str, int] = {}
    alice, bob = market.parties[:2]
    dvp = market.dvp

    trade = market.trade(alice, bob, 100, 5_000)
    steps = (
        dvp.propose(trade, sender=alice),
        dvp.affirm(trade, sender=bob),
        dvp.settle(trade, sender=bob),
    )
    gas["dvp.propose"], gas["dvp.affirm"], gas["dvp.settle_tx"] = (s.gas_used for s in steps)
    gas["dvp.settle"] = sum(s.gas_used for s in steps)

    trade = market.trade(alice, bob, 100, 5_000)
    signature = dvp.sign_affirmation(trade, alice)
    gas["dvp.settle_signed"] = dvp.settle_with_affirmations(
        trade, seller_signature=signature, sender=bob
    ).gas_used

    gas["dvp.batch10_per_trade"] = _batch(market, 10, random.Random(10))
    gas["dvp.batch50_per_trade"] = _batch(market, 50, random.Random(50))

    gas.update(_repo(market))
    return gas


def _batch(market: _Market, count: int, rng: random.Random) -> int:
    """A netted batch of `count` random trades among the ten parties: gas per trade."""
    trades = []
    for _ in range(count):
        seller, buyer = rng.sample(market.parties, 2)
        trade = market.trade(seller, buyer, rng.randint(1, 1_000), rng.randint(1, 10**6))
        market.dvp.propose(trade, sender=seller)
        market.dvp.affirm(trade, sender=buyer)
        trades.append(trade)
    venue = market.chain.accounts["venue"]
    return market.dvp.settle_batch(trades, sender=venue).gas_used // count


def _repo(market: _Market) -> dict[str, int]:
    borrower, lender = market.parties[2:4]
    now = market.chain.next_timestamp
    terms = RepoTerms.new(
        borrower=borrower,
        lender=lender,
        security_token=market.token.address,
        security_amount=100,
        cash_token=market.cash.address,
        security_value=10_000,
        haircut_bps=200,
        repurchase_price=9_810,
        open_by=now + DAY,
        maturity=now + 7 * DAY,
        grace=DAY,
    )
    proposed = market.repo.propose(terms, sender=lender).gas_used
    opened = market.repo.affirm(terms, sender=borrower).gas_used
    market.chain.set_time(terms.maturity)
    closed = market.repo.close(terms, sender=borrower).gas_used
    return {
        "repo.propose": proposed,
        "repo.open_tx": opened,
        "repo.open": proposed + opened,
        "repo.close": closed,
    }
