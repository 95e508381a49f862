"""Gas of the stablecoin operations issue 3 compares with USDC, behind the proxy.

Each figure is one transaction's receipt gasUsed (every slot cold at its start). The permit is an
owner's first (its nonce and the allowance go from zero: the dearest case). The authorized transfer
goes to an existing holder, as USDC's reference figure must: its 85,716 exceeds USDC's plain
transfer by 40,657, and a fresh authorization slot alone costs 22,100, so USDC's figure cannot be a
transfer to a new holder (17,100 more again). Ours to a new holder costs the same 17,100 more.
"""

from __future__ import annotations

from permledger.ledger import Ledger
from permledger.local_chain import LocalChain

HOUR = 3600
UNITS = 10**6  # one dollar at six decimals


def measure_cash_gas() -> dict[str, int]:
    """Gas of a transfer to a new and to an existing holder, a permit and an EIP-3009 transfer."""
    chain = LocalChain()
    ledger = Ledger.local(chain=chain)
    accounts = chain.accounts
    cash = ledger.cash.using(accounts["minter"])
    alice, bob, carol = accounts["alice"], accounts["bob"], accounts["carol"]
    cash.mint(alice, 1_000 * UNITS)
    cash.mint(bob, 1_000 * UNITS)
    holder = cash.using(alice)
    gas = {
        "cash.transfer_cold": holder.transfer(carol, 10 * UNITS).gas_used,
        "cash.transfer_warm": holder.transfer(bob, 10 * UNITS).gas_used,
    }
    permit, signature = cash.sign_permit(
        alice, accounts["dave"], 100 * UNITS, deadline=chain.timestamp + HOUR
    )
    gas["cash.permit"] = cash.permit(permit, signature, sender=accounts["erin"]).gas_used
    authorization, signature = cash.authorize_transfer(
        alice, bob, 10 * UNITS, valid_before=chain.timestamp + HOUR
    )
    gas["cash.transfer_with_authorization"] = cash.transfer_with_authorization(
        authorization, signature, sender=accounts["erin"]
    ).gas_used
    return gas
