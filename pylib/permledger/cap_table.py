"""The cap table of a token at a record date, read from the chain, and the distribution
calculator that splits cash over it exactly as the Distributions contract does.

Investors are enumerated from the identity registry (its sequential investor numbers, through
`investorIdOf`), not from Transfer events: views only, so it works on any node without log
queries, and an investor's retired wallets are included. Balances are the token's own
record-date views (`balanceOfAt`), batched.

Amounts are in the units in force at the record date: a split after it changes today's units, not
the record's. `split_factor` labels them, and `balance_today` converts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eth_typing import ChecksumAddress

from permledger.binding import calls
from permledger.drivers import EntitlementToken, IdentityRegistry

_PROBE = 64
"""Investor numbers asked per batch while looking for the last one."""


@dataclass(frozen=True, slots=True)
class Holding:
    """One investor's record-date position: the total and each wallet holding a part of it."""

    investor_id: bytes
    balance: int
    wallets: tuple[tuple[ChecksumAddress, int], ...]


@dataclass(frozen=True, slots=True)
class CapTable:
    """Who held a token at a record date, by investor across all its wallets."""

    token: ChecksumAddress
    record_id: int
    supply: int
    holdings: tuple[Holding, ...]
    split_factor: tuple[int, int] = (1, 1)
    """(numerator, denominator) from the record date's units to today's (splits since)."""

    @classmethod
    def at(cls, token: EntitlementToken, registry: IdentityRegistry, record_id: int) -> CapTable:
        """Read the cap table at a passed record date.

        Raises:
            TokenRecordDateNotPassed: the record date has not passed.
        """
        supply = token.total_supply_at(record_id)
        investors = _investor_ids(registry)
        wallet_lists = calls(
            registry.chain,
            [
                registry.binding.prepare(fn, i)
                for i in investors
                for fn in ("walletsOf", "retiredWalletsOf")
            ],
        )
        owned = [
            (investor, wallet)
            for k, investor in enumerate(investors)
            for wallet in (*wallet_lists[2 * k], *wallet_lists[2 * k + 1])
        ]
        balances = calls(
            token.chain, [token.binding.prepare("balanceOfAt", w, record_id) for _, w in owned]
        )
        by_investor: dict[bytes, list[tuple[ChecksumAddress, int]]] = {}
        for (investor, wallet), balance in zip(owned, balances, strict=True):
            if balance:
                by_investor.setdefault(investor, []).append((wallet, int(balance)))
        holdings = tuple(
            Holding(investor, sum(b for _, b in wallets), tuple(wallets))
            for investor, wallets in by_investor.items()
        )
        factor = token.split_factor_since(record_id)
        return cls(token.address, record_id, supply, holdings, factor)

    @property
    def holders(self) -> int:
        """The number of investors holding units at the record date."""
        return len(self.holdings)

    def balance_of(self, investor_id: bytes) -> int:
        """An investor's record-date balance across its wallets (0 if it held nothing)."""
        return next((h.balance for h in self.holdings if h.investor_id == investor_id), 0)

    def balance_today(self, investor_id: bytes) -> int:
        """An investor's record-date balance in today's units, rounded down (each wallet rounds on
        its own at each split, so its balance today may be lower by under one unit per wallet)."""
        numerator, denominator = self.split_factor
        return self.balance_of(investor_id) * numerator // denominator

    def shares(self, funded: int) -> dict[bytes, int]:
        """Each holder's share of `funded`, rounded down, as Distributions pays it."""
        return distribution_shares(
            funded, {h.investor_id: h.balance for h in self.holdings}, self.supply
        )


def distribution_shares(
    funded: int, balances: Mapping[bytes, int], supply: int
) -> dict[bytes, int]:
    """`floor(funded * balance / supply)` per investor: never more than `funded` in total."""
    return {investor: funded * balance // supply for investor, balance in balances.items()}


def _investor_ids(registry: IdentityRegistry) -> list[bytes]:
    """Every registered investor's id, in registration order."""
    found: list[bytes] = []
    while True:
        start = len(found) + 1
        batch = calls(
            registry.chain,
            [registry.binding.prepare("investorIdOf", n) for n in range(start, start + _PROBE)],
        )
        for investor in batch:
            if investor == bytes(32):
                return found
            found.append(bytes(investor))
