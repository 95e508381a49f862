"""The `settlement` section of `permledger demo`: gross and signed DvP against the stablecoin, a
failed trade that moved nothing, a netted batch and a repo round trip."""

from __future__ import annotations

from collections.abc import Callable

from permledger.chain import Account
from permledger.errors import ConfigurationError, ContractRevert, SettlementRejected
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.settlement import RepoTerms, Trade

DAY = 24 * 3600
USD = 10**6
MAX = 2**256 - 1


def settlement(
    ledger: Ledger, traders: tuple[str, ...], say: Callable[[str], None] = print
) -> None:
    """Run the settlement section; `traders` (three names) hold the token and are eligible."""
    chain, token, cash, dvp, repo = ledger.chain, ledger.token, ledger.cash, ledger.dvp, ledger.repo
    if not isinstance(chain, LocalChain):
        raise ConfigurationError("the settlement demo moves the clock: it needs a LocalChain")
    a = ledger.accounts
    first, second, third = (a[n] for n in traders)
    names: dict[str, str] = {a[n].address: n for n in a}
    names |= {token.address: token.symbol, cash.address: "USD"}
    say(f"\nSettlement (DvP escrow {dvp.address}, repo {repo.address}, cash {cash.symbol})")
    for party in (first, second, third):
        cash.mint(party, 1_000_000 * USD, sender=a["minter"])
        for spender in (dvp.address, repo.address):
            token.approve(spender, MAX, sender=party)
            cash.approve(spender, MAX, sender=party)

    def trade(seller: Account, buyer: Account, shares: int, dollars: int) -> Trade:
        return Trade.new(
            seller=seller,
            buyer=buyer,
            security_token=token.address,
            security_amount=shares,
            cash_token=cash.address,
            cash_amount=dollars * USD,
            deadline=chain.next_timestamp + DAY,
        )

    def holdings(*parties: Account) -> str:
        return "; ".join(
            f"{names[p.address]} {token.balance_of(p):,} {token.symbol} "
            f"{cash.balance_of(p) / USD:,.2f} USD"
            for p in parties
        )

    say(f"\n  a. {traders[0]} sells 1,000 {token.symbol} to {traders[1]} for 25,000 USD")
    gross = trade(first, second, 1_000, 25_000)
    steps = (
        dvp.propose(gross, sender=first),
        dvp.affirm(gross, sender=second),
        dvp.settle(gross, sender=second),
    )
    say(f"  proposed, affirmed, settled: {sum(s.gas_used for s in steps):,} gas in all")
    for line in dvp.describe_history(gross, names):
        say(f"    {line}")

    say(f"\n  b. {traders[1]} signs; {traders[2]} affirms and settles in one transaction")
    signed = trade(second, third, 500, 12_600)
    signature = dvp.sign_affirmation(signed, second)
    receipt = dvp.settle_with_affirmations(signed, seller_signature=signature, sender=third)
    say(f"  settled: {receipt.gas_used:,} gas; {holdings(first, second, third)}")

    say(f"\n  c. A trade the rules refuse: {traders[0]} sells to carol (not eligible)")
    carol = a["carol"]
    refused = trade(first, carol, 100, 2_500)
    dvp.propose(refused, sender=first)
    dvp.affirm(refused, sender=carol)
    before, start = holdings(first, carol), chain.block_number
    try:
        dvp.settle(refused, sender=first)
    except SettlementRejected as rejected:
        say(f"  dry run: securities: {rejected.security}; cash: {rejected.cash}")
    checked = chain.block_number
    try:
        dvp.settle(refused, sender=first, precheck=False)
    except ContractRevert as error:
        say(f"  sent anyway, the escrow reverts: {error}")
    moved = "nothing moved" if holdings(first, carol) == before else "BALANCES CHANGED"
    say(
        f"  {moved}; transactions sent after the dry run: {checked - start}, "
        f"by the forced send: {chain.block_number - checked} (reverted)"
    )

    say("\n  d. A netted batch: three trades, settled by the venue")
    batch = [
        trade(first, second, 300, 7_500),
        trade(second, third, 300, 7_600),
        trade(third, first, 200, 5_000),
    ]
    for t in batch:
        dvp.propose(t, sender=a[names[t.seller]])
        dvp.affirm(t, sender=a[names[t.buyer]])
    check = dvp.check_batch(batch)
    nets = [
        f"{names[p.party]} {p.net / USD:+,.2f} USD"
        if p.token == cash.address
        else f"{names[p.party]} {p.net:+,} {token.symbol}"
        for p in check.positions
    ]
    say(f"  net positions: {', '.join(nets)}")
    receipt = dvp.settle_batch(batch, sender=a["venue"])
    say(f"  {len(check.movements)} transfers instead of {2 * len(batch)}: {receipt.gas_used:,} gas")

    say(
        f"\n  e. Repo: {traders[0]} borrows cash on 2,000 {token.symbol} (worth 50,000 USD, 2% haircut)"
    )
    now = chain.next_timestamp
    terms = RepoTerms.new(
        borrower=first,
        lender=second,
        security_token=token.address,
        security_amount=2_000,
        cash_token=cash.address,
        security_value=50_000 * USD,
        haircut_bps=200,
        repurchase_price=49_050 * USD,
        open_by=now + DAY,
        maturity=now + 7 * DAY,
        grace=DAY,
    )
    repo.propose(terms, sender=second)
    repo.affirm(terms, sender=first)
    say(f"  opened at {terms.purchase_price / USD:,.2f} USD: {holdings(first, second)}")
    chain.set_time(terms.maturity)
    repo.close(terms, sender=first)
    say(f"  closed at maturity for 49,050.00 USD: {holdings(first, second)}")
