"""Shared test helpers: onboarding investors on the session ledger."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from permledger.chain import Account
from permledger.drivers import IdentityRegistry
from permledger.local_chain import LocalChain
from permledger.types import InvestorClass, investor_id

pytest_plugins = ["permledger.testing"]

YEAR = 365 * 24 * 3600
US, GB = 840, 826

Onboard = Callable[..., bytes]


@pytest.fixture
def onboard(chain: LocalChain, registry: IdentityRegistry) -> Onboard:
    """Register `account` as a new investor named after it; returns the investor id."""

    def register(
        account: Account,
        *,
        country: int = US,
        investor_class: InvestorClass = InvestorClass.ACCREDITED,
        kyc_expiry: int | None = None,
    ) -> bytes:
        ident = investor_id(account.name)
        registry.register_investor(
            ident,
            country=country,
            investor_class=investor_class,
            kyc_expiry=kyc_expiry or chain.timestamp + YEAR,
            wallet=account,
        )
        return ident

    return register
