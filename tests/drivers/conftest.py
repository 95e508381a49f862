"""Fixtures of the stablecoin driver tests: funded holders, and sends past the driver."""

from __future__ import annotations

from typing import Any

import pytest

from permledger.chain import Account, Receipt, TransactionReverted
from permledger.drivers import Stablecoin
from permledger.drivers.base import Driver, error_decoder
from permledger.errors import from_revert

USD = 10**6
"""One dollar in the stablecoin's base units."""


@pytest.fixture
def funded(cash: Stablecoin, minter: Account, alice: Account, bob: Account) -> None:
    """alice holds 1,000 USD and bob 500."""
    cash.mint(alice, 1_000 * USD, sender=minter)
    cash.mint(bob, 500 * USD, sender=minter)


def send_raw(driver: Driver, function: str, *args: Any, sender: Account) -> Receipt:
    """Send past the driver's validation and pre-checks; a revert raises the contract's error."""
    try:
        return driver.binding.transact(function, *args, sender=sender)
    except TransactionReverted as error:
        decoded = error_decoder().decode(error.data)
        raise from_revert(driver.CONTRACT, decoded, error.data, error.tx_hash) from error
