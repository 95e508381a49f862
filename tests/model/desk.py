"""The trading desk the settlement and collateral state machine runs on, and its reads.

A ledger of its own (never the session's, nor another module's): four registered wallets of
three investors holding shares, stablecoin cash and a plain ERC-20 bond, an unregistered wallet
holding cash and bonds; every holder approved the escrow and the vault for everything, the
issuer the distributions contract. The vault lists the shares and the cash (pledged in place, by
an ERC-7246 encumbrance) and the bond (taken into custody), with fresh prices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.model.settlement_model import Outcome

from permledger.binding import encode
from permledger.chain import Account
from permledger.drivers.base import artifact
from permledger.drivers.erc20 import ERC20
from permledger.errors import BatchRejected, ContractRevert, SettlementRejected, TransferRestricted
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.types import InvestorClass

HOUR, DAY = 3600, 86_400
MAX = 2**256 - 1
GENESIS = 1_893_456_000 + 20 * HOUR
"""2030-01-01 20:00 UTC, fixed so that every run replays at the same times."""
SHARES = (600, 300, 200, 100)
"""Units issued to the four registered wallets; the first and last are one investor's."""
CASH = 50_000
BONDS = 2_000
ISSUER_CASH = 10**9
INVESTORS = [bytes([n + 1]) * 32 for n in range(3)]
OWNERS = (0, 1, 2, 0)
"""The investor of each registered wallet."""
PRICE = 10**18
"""One quote unit per base unit, at the price feed's scale."""
SHARE_PRICE, CASH_PRICE, BOND_PRICE = 10 * PRICE, PRICE, 5 * PRICE
HAIRCUTS = {"shares": 3_000, "cash": 200, "bond": 1_000}
MAX_AGES = {"shares": 6 * HOUR, "cash": 30 * DAY, "bond": DAY}
"""Listed in this order: shares, cash, bond."""


@dataclass
class Desk:
    """The deployed desk and the snapshot every example starts from."""

    ledger: Ledger
    chain: LocalChain
    wallets: list[Account]
    outsider: Account
    bond: ERC20
    snapshot: int
    start_views: dict[tuple[Any, ...], object] | None = None
    """Every view at the snapshot, once compared with the models."""

    def role(self, name: str) -> Account:
        return self.ledger.accounts[name]


def build_desk() -> Desk:
    """Deploy the system on a new in-process chain and set the desk up."""
    chain = LocalChain(genesis_timestamp=GENESIS)
    ledger = Ledger.local(chain=chain)
    wallets = [chain.create_account(f"desk{n}") for n in range(len(SHARES))]
    outsider = chain.create_account("outsider")
    expiry = chain.next_timestamp + 10 * 365 * DAY
    for n, wallet in enumerate(wallets):
        investor = INVESTORS[OWNERS[n]]
        if n == OWNERS[n]:
            ledger.registry.register_investor(
                investor,
                country=840,
                investor_class=InvestorClass.ACCREDITED,
                kyc_expiry=expiry,
                wallet=wallet,
            )
        else:
            ledger.registry.add_wallet(investor, wallet)
    issuer, minter = ledger.accounts["issuer"], ledger.accounts["minter"]
    bond_code = artifact("PlainERC20").bytecode + encode(["uint256"], [BONDS * 10])
    bond = ERC20(chain, chain.deploy(issuer, bond_code))
    ledger.token.mint_batch(list(zip(wallets, SHARES, strict=True)), sender=issuer)
    vault, dvp = ledger.vault, ledger.dvp
    for holder in [*wallets, outsider]:
        ledger.cash.mint(holder, CASH, sender=minter)
        bond.transfer(holder, BONDS, sender=issuer)
        for spender in (dvp.address, vault.address):
            ledger.token.approve(spender, MAX, sender=holder)
            ledger.cash.approve(spender, MAX, sender=holder)
        bond.approve(vault.address, MAX, sender=holder)
    ledger.cash.mint(issuer, ISSUER_CASH, sender=minter)
    ledger.cash.approve(ledger.distributions.address, MAX, sender=issuer)
    for name, asset, price in (
        ("shares", ledger.token.address, SHARE_PRICE),
        ("cash", ledger.cash.address, CASH_PRICE),
        ("bond", bond.address, BOND_PRICE),
    ):
        vault.list_asset(asset, haircut_bps=HAIRCUTS[name], max_price_age=MAX_AGES[name])
        ledger.price_feed.set_price(asset, price)
    return Desk(ledger, chain, wallets, outsider, bond, chain.snapshot())


def observe(action: Callable[..., object], *args: Any, **kwargs: Any) -> Outcome:
    """Run an SDK call: None if it succeeded, else its error in the models' terms."""
    try:
        action(*args, **kwargs)
    except SettlementRejected as e:
        return ("SettlementRejected", e.state.code, e.legs["security"].code, e.legs["cash"].code)
    except BatchRejected as e:
        short = frozenset((p.token, p.party, p.check.code) for p in e.short)
        blocked = frozenset((m.token, m.source, m.to, m.check.code) for m in e.blocked)
        return ("BatchRejected", e.state.code, e.trade_index, short, blocked)
    except TransferRestricted as e:
        return ("TransferRestricted", e.code)
    except ContractRevert as e:
        return (e.error_name, *e.arguments.values())
    return None
