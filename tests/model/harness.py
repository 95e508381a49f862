"""Glue between the chain, driven through the SDK, and the model: outcomes and state compared."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tests.model.ledger_model import Code, Revert, Token

from permledger.chain import Account
from permledger.drivers import EntitlementToken
from permledger.errors import ContractRevert, TransferRestricted
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain


def restricted(code: Code) -> Revert:
    """What the SDK raises, before sending anything, for a transfer the token's views reject."""
    return Revert("TransferRestricted", (int(code),))


def observe(action: Callable[..., object], *args: Any, **kwargs: Any) -> Revert | None:
    """Run SDK call `action(*args, **kwargs)`; None if it succeeded, else its error as a `Revert`."""
    try:
        action(*args, **kwargs)
    except TransferRestricted as error:
        return restricted(Code(error.code))
    except ContractRevert as error:
        return Revert(error.error_name, tuple(error.arguments.values()))
    return None


def read(view: Callable[..., object], *args: Any) -> object:
    """A view's answer, or the error it reverted with as a `Revert`."""
    try:
        return view(*args)
    except ContractRevert as error:
        return Revert(error.error_name, tuple(error.arguments.values()))


@dataclass
class Market:
    """A deployed ledger, the roles' accounts and a pool of funded accounts to hold units."""

    ledger: Ledger
    chain: LocalChain
    holders: list[Account]
    base: int
    """Snapshot of the freshly deployed ledger."""

    @property
    def token(self) -> EntitlementToken:
        """The token under test."""
        return self.ledger.token

    def role(self, name: str) -> Account:
        """The account holding a role (issuer, agent, compliance, pauser)."""
        return self.ledger.accounts[name]

    @property
    def now(self) -> int:
        """The timestamp the next transaction, and every call, runs at."""
        return self.chain.next_timestamp

    def reset(self) -> None:
        """Back to the freshly deployed ledger."""
        self.chain.revert(self.base)


def state_differences(
    chain: EntitlementToken, model: Token, *, wallets: Iterable[str], now: int, detail: bool = True
) -> list[str]:
    """Every view where the chain and the model disagree, as readable lines: supply, investor
    count and pause; each wallet's balance and frozen units; with `detail`, also each wallet's
    transferable units and its investor's balance.
    """
    views: list[tuple[str, object, Callable[..., object], tuple[Any, ...]]] = [
        ("totalSupply", model.supply(), chain.total_supply, ()),
        ("investorCount", model.investor_count(), chain.investor_count, ()),
        ("paused", model.paused, chain.paused, ()),
    ]
    investors = set()
    for w in wallets:
        views.append((f"balanceOf({w})", model.balance(w), chain.balance_of, (w,)))
        views.append((f"frozen({w})", model.holding(w).frozen, chain.frozen_tokens, (w,)))
        if detail:
            views.append(
                (f"transferable({w})", model.transferable(w, now), chain.transferable_balance, (w,))
            )
            if w in model.registry.owner:
                investors.add(model.registry.owner[w])
    for i in sorted(investors):
        views.append(
            (
                f"investorBalance({i.hex()[:8]})",
                model.investor_balance(i),
                chain.investor_balance,
                (i,),
            )
        )
    lines = []
    for label, expected, view, args in views:
        actual = view(*args)
        if actual != expected:
            lines.append(f"{label}: chain {actual}, model {expected}")
    return lines
