"""ERC-7246 encumbrances: locked in place, spent by the taker first, released as bookkeeping."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.drivers.conftest import USD, send_raw

from permledger import errors
from permledger.chain import Account
from permledger.drivers import Stablecoin
from permledger.errors import (
    CashCheck,
    CashRejected,
    ContractRevert,
    InvalidInput,
    TransferRestricted,
)
from permledger.local_chain import LocalChain
from permledger.types import RestrictionCode

pytestmark = pytest.mark.usefixtures("funded")


def test_encumber_locks_units_in_place(cash: Stablecoin, alice: Account, carol: Account) -> None:
    receipt = cash.using(alice).encumber(carol, 300 * USD)
    assert cash.balance_of(alice) == 1_000 * USD
    assert cash.encumbered_balance_of(alice) == 300 * USD
    assert cash.available_balance_of(alice) == 700 * USD
    assert cash.encumbrances(alice, carol) == 300 * USD
    assert cash.binding.events("Encumber", receipt) == [
        {"owner": alice.address, "taker": carol.address, "amount": 300 * USD}
    ]


def test_owner_cannot_spend_encumbered_units(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, carol: Account
) -> None:
    cash.using(alice).encumber(carol, 300 * USD)
    block = chain.block_number
    with pytest.raises(TransferRestricted) as raised:
        cash.using(alice).transfer(bob, 701 * USD)
    assert raised.value.code == RestrictionCode.BALANCE_ENCUMBERED
    assert chain.block_number == block
    with pytest.raises(errors.CashInsufficientAvailableBalance) as reverted:
        cash.using(alice).transfer(bob, 701 * USD, check=False)
    assert reverted.value.arguments == {
        "owner": alice.address,
        "available": 700 * USD,
        "amount": 701 * USD,
    }
    cash.using(alice).transfer(bob, 700 * USD)
    assert cash.available_balance_of(alice) == 0


def test_another_spender_reaches_only_the_available_units(
    cash: Stablecoin, alice: Account, bob: Account, carol: Account, dave: Account
) -> None:
    cash.using(alice).encumber(carol, 900 * USD)
    cash.using(alice).approve(dave, 1_000 * USD)
    with pytest.raises(TransferRestricted) as raised:
        cash.using(dave).transfer_from(alice, bob, 101 * USD)
    assert raised.value.code == RestrictionCode.BALANCE_ENCUMBERED
    with pytest.raises(errors.CashInsufficientAvailableBalance):
        cash.using(dave).transfer_from(alice, bob, 101 * USD, check=False)


def test_minter_cannot_burn_encumbered_units(
    cash: Stablecoin, minter: Account, carol: Account
) -> None:
    cash.mint(minter, 10, sender=minter)
    cash.using(minter).encumber(carol, 6)
    with pytest.raises(TransferRestricted) as raised:
        cash.burn(5, sender=minter)
    assert raised.value.code == RestrictionCode.BALANCE_ENCUMBERED


def test_taker_spends_its_encumbrance_first_then_its_allowance(
    cash: Stablecoin, alice: Account, bob: Account, carol: Account
) -> None:
    owner = cash.using(alice)
    owner.encumber(carol, 100 * USD)
    owner.approve(carol, 50 * USD)
    owner.transfer(bob, 880 * USD)  # alice keeps only 20 available beside the 100 locked
    receipt = cash.using(carol).transfer_from(alice, bob, 120 * USD)
    assert cash.encumbrances(alice, carol) == 0
    assert cash.encumbered_balance_of(alice) == 0
    assert cash.allowance(alice, carol) == 30 * USD
    assert cash.balance_of(alice) == 0
    assert cash.binding.events("Release", receipt) == [
        {"owner": alice.address, "taker": carol.address, "amount": 100 * USD}
    ]


def test_taker_moves_encumbered_units_with_no_allowance(
    cash: Stablecoin, alice: Account, bob: Account, carol: Account
) -> None:
    cash.using(alice).encumber(carol, 100 * USD)
    cash.using(carol).transfer_from(alice, bob, 40 * USD)
    assert cash.encumbrances(alice, carol) == 60 * USD
    with pytest.raises(CashRejected) as raised:
        cash.using(carol).transfer_from(alice, bob, 61 * USD)
    assert raised.value.check == CashCheck.ALLOWANCE_EXCEEDED
    with pytest.raises(errors.ERC20InsufficientAllowance) as reverted:
        cash.using(carol).transfer_from(alice, bob, 61 * USD, check=False)
    assert reverted.value.arguments == {"spender": carol.address, "allowance": 0, "needed": 1 * USD}


def test_release_gives_units_back(cash: Stablecoin, alice: Account, carol: Account) -> None:
    cash.using(alice).encumber(carol, 100 * USD)
    receipt = cash.using(carol).release(alice, 40 * USD)
    assert cash.encumbrances(alice, carol) == 60 * USD
    assert cash.available_balance_of(alice) == 940 * USD
    assert cash.binding.events("Release", receipt) == [
        {"owner": alice.address, "taker": carol.address, "amount": 40 * USD}
    ]


def test_release_above_the_encumbrance_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, carol: Account
) -> None:
    cash.using(alice).encumber(carol, 100 * USD)
    block = chain.block_number
    for taker, amount in ((carol, 101 * USD), (bob, 1)):
        with pytest.raises(CashRejected) as raised:
            cash.using(taker).release(alice, amount)
        assert raised.value.check == CashCheck.ENCUMBRANCE_EXCEEDED
    assert chain.block_number == block
    with pytest.raises(errors.CashReleaseExceedsEncumbrance) as reverted:
        cash.using(carol).release(alice, 101 * USD, check=False)
    assert reverted.value.arguments == {
        "owner": alice.address,
        "taker": carol.address,
        "encumbered": 100 * USD,
        "amount": 101 * USD,
    }


def test_release_works_while_paused_and_for_blacklisted_parties(
    cash: Stablecoin, pauser: Account, blacklister: Account, alice: Account, carol: Account
) -> None:
    """An escrow reclaims a party's locked cash after expiry whatever happened since."""
    cash.using(alice).encumber(carol, 100 * USD)
    cash.pause(sender=pauser)
    cash.blacklist(alice, sender=blacklister)
    cash.blacklist(carol, sender=blacklister)
    cash.using(carol).release(alice, 100 * USD)
    assert cash.encumbered_balance_of(alice) == 0


def test_blacklisted_owner_cannot_be_debited_by_its_taker(
    cash: Stablecoin, blacklister: Account, alice: Account, bob: Account, carol: Account
) -> None:
    cash.using(alice).encumber(carol, 100 * USD)
    cash.blacklist(alice, sender=blacklister)
    with pytest.raises(TransferRestricted) as raised:
        cash.using(carol).transfer_from(alice, bob, 1)
    assert raised.value.code == RestrictionCode.SENDER_BLACKLISTED


def test_encumber_from_spends_the_allowance(
    cash: Stablecoin, alice: Account, carol: Account, dave: Account
) -> None:
    cash.using(alice).approve(dave, 100 * USD)
    cash.using(dave).encumber_from(alice, carol, 60 * USD)
    assert (cash.allowance(alice, dave), cash.encumbrances(alice, carol)) == (40 * USD, 60 * USD)
    with pytest.raises(CashRejected) as raised:
        cash.using(dave).encumber_from(alice, carol, 41 * USD)
    assert raised.value.check == CashCheck.ALLOWANCE_EXCEEDED
    with pytest.raises(errors.ERC20InsufficientAllowance):
        cash.using(dave).encumber_from(alice, carol, 41 * USD, check=False)


def test_encumber_refusals(
    cash: Stablecoin, pauser: Account, blacklister: Account, alice: Account, bob: Account,
    carol: Account,
) -> None:  # fmt: skip
    owner = cash.using(alice)
    with pytest.raises(CashRejected) as raised:
        owner.encumber(carol, 1_001 * USD)
    assert raised.value.check == CashCheck.AVAILABLE_BALANCE_EXCEEDED
    with pytest.raises(errors.CashInsufficientAvailableBalance):
        owner.encumber(carol, 1_001 * USD, check=False)
    with pytest.raises(InvalidInput):
        owner.encumber(carol, 0)
    with pytest.raises(errors.CashAmountZero):
        send_raw(cash, "encumber", carol.address, 0, sender=alice)
    with pytest.raises(errors.ERC20InvalidSpender):
        send_raw(cash, "encumber", "0x" + "00" * 20, 1, sender=alice)
    cash.blacklist(bob, sender=blacklister)
    with pytest.raises(CashRejected) as raised:
        owner.encumber(bob, 1)
    assert (raised.value.check, raised.value.account) == (
        CashCheck.ACCOUNT_BLACKLISTED,
        bob.address,
    )
    with pytest.raises(errors.CashAccountBlacklisted):
        cash.using(bob).encumber(carol, 1, check=False)
    cash.pause(sender=pauser)
    with pytest.raises(CashRejected) as raised:
        owner.encumber(carol, 1)
    assert raised.value.check == CashCheck.TOKEN_PAUSED


# ---------------------------------------------------------------- against a model


@dataclass
class Model:
    """The rules of balances, allowances and encumbrances, written independently of the contract."""

    balances: dict[str, int]
    allowances: dict[tuple[str, str], int] = field(default_factory=dict)
    locks: dict[tuple[str, str], int] = field(default_factory=dict)

    def locked(self, owner: str) -> int:
        return sum(v for (o, _), v in self.locks.items() if o == owner)

    def available(self, owner: str) -> int:
        return self.balances[owner] - self.locked(owner)

    def apply(self, op: str, a: str, b: str, c: str, amount: int) -> bool:
        """Apply the operation if the rules allow it; return whether they did."""
        if op == "transfer":
            if amount > self.available(a):
                return False
            self.balances[a] -= amount
            self.balances[b] += amount
        elif op == "approve":
            self.allowances[a, b] = amount
        elif op == "encumber":
            if amount == 0 or amount > self.available(a):
                return False
            self.locks[a, b] = self.locks.get((a, b), 0) + amount
        elif op == "release":
            if amount > self.locks.get((a, b), 0):
                return False
            self.locks[a, b] = self.locks.get((a, b), 0) - amount
        else:  # transfer_from: `b` takes from `a` for `c`
            from_lock = min(self.locks.get((a, b), 0), amount)
            rest = amount - from_lock
            if rest > self.allowances.get((a, b), 0) or rest > self.available(a):
                return False
            self.locks[a, b] = self.locks.get((a, b), 0) - from_lock
            self.allowances[a, b] = self.allowances.get((a, b), 0) - rest
            self.balances[a] -= amount
            self.balances[c] += amount
        return True


def act(cash: Stablecoin, op: str, a: Account, b: Account, c: Account, amount: int) -> None:
    """Send `op` past the driver's pre-checks: the contract alone judges it."""
    if op == "transfer":
        cash.using(a).transfer(b, amount, check=False)
    elif op == "approve":
        cash.using(a).approve(b, amount, check=False)
    elif op == "encumber":  # the driver refuses a zero amount before sending
        send_raw(cash, "encumber", b.address, amount, sender=a)
    elif op == "release":
        cash.using(b).release(a, amount, check=False)
    else:
        cash.using(b).transfer_from(a, c, amount, check=False)


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["transfer", "approve", "encumber", "release", "transfer_from"]),
        st.permutations(["alice", "bob", "carol"]),
        st.integers(min_value=0, max_value=1_200),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # a fixed sequence of examples, as the Foundry fuzzer's fixed seed
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=OPERATIONS)
def test_chain_matches_the_model(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, carol: Account,
    operations: list[tuple[str, list[str], int]],
) -> None:  # fmt: skip
    actors = {"alice": alice, "bob": bob, "carol": carol}
    with chain.isolate():
        model = Model({name: cash.balance_of(account) for name, account in actors.items()})
        for op, (a, b, c), units in operations:
            amount = units * USD
            allowed = model.apply(op, a, b, c, amount)
            try:
                act(cash, op, actors[a], actors[b], actors[c], amount)
                accepted = True
            except ContractRevert:
                accepted = False
            assert accepted == allowed, (op, a, b, c, amount)
        for name, account in actors.items():
            assert cash.balance_of(account) == model.balances[name]
            assert cash.encumbered_balance_of(account) == model.locked(name)
            for other in actors:
                assert cash.encumbrances(account, actors[other]) == model.locks.get(
                    (name, other), 0
                )
                assert cash.allowance(account, actors[other]) == model.allowances.get(
                    (name, other), 0
                )
