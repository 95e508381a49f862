"""ERC-7246 encumbrance through the token driver: pledge, taker transfers, release."""

from __future__ import annotations

import pytest
from eth_utils.crypto import keccak
from tests.conftest import YEAR, Onboard

from permledger import errors
from permledger.chain import Account
from permledger.drivers import EntitlementToken, TransferCompliance
from permledger.errors import TransferRestricted
from permledger.local_chain import LocalChain
from permledger.types import RestrictionCode, Rule


@pytest.fixture
def escrow(dave: Account) -> Account:
    """A taker: any account, registered or not (here a plain, unregistered one)."""
    return dave


@pytest.fixture
def pledged(
    onboard: Onboard,
    token: EntitlementToken,
    issuer: Account,
    alice: Account,
    bob: Account,
    escrow: Account,
) -> None:
    """alice holds 1,000, 600 of them encumbered to the escrow; bob is registered."""
    onboard(alice)
    onboard(bob)
    token.mint(alice, 1_000, sender=issuer)
    token.encumber(escrow, 600, sender=alice)


@pytest.mark.usefixtures("pledged")
def test_encumber_keeps_units_in_balance_but_out_of_the_owners_reach(
    token: EntitlementToken, chain: LocalChain, alice: Account, bob: Account, escrow: Account
) -> None:
    assert token.balance_of(alice) == 1_000
    assert token.encumbered_balance_of(alice) == 600
    assert token.encumbrances(alice, escrow) == 600
    assert token.available_balance_of(alice) == 400
    block = chain.block_number
    with pytest.raises(TransferRestricted) as raised:
        token.transfer(bob, 401, sender=alice)
    assert raised.value.code == RestrictionCode.BALANCE_ENCUMBERED
    assert raised.value.message == "Amount exceeds the sender's unencumbered balance"
    assert chain.block_number == block


@pytest.mark.usefixtures("pledged")
def test_taker_transfer_from_spends_its_encumbrance(
    token: EntitlementToken, alice: Account, bob: Account, escrow: Account
) -> None:
    receipt = token.transfer_from(alice, bob, 600, sender=escrow)
    assert (token.balance_of(alice), token.balance_of(bob)) == (400, 600)
    assert token.encumbrances(alice, escrow) == 0
    assert token.binding.events("Release", receipt) == [
        {"owner": alice.address, "taker": escrow.address, "amount": 600}
    ]


@pytest.mark.usefixtures("pledged")
def test_taker_transfer_to_unregistered_wallet_sends_nothing(
    token: EntitlementToken, chain: LocalChain, alice: Account, carol: Account, escrow: Account
) -> None:
    block = chain.block_number
    with pytest.raises(TransferRestricted) as raised:
        token.transfer_from(alice, carol, 600, sender=escrow)
    assert raised.value.code == RestrictionCode.RECEIVER_NOT_REGISTERED
    assert chain.block_number == block
    assert token.encumbrances(alice, escrow) == 600


@pytest.mark.usefixtures("pledged")
def test_taker_past_its_encumbrance_needs_an_allowance(
    token: EntitlementToken, chain: LocalChain, alice: Account, bob: Account, escrow: Account
) -> None:
    block = chain.block_number
    with pytest.raises(errors.ERC20InsufficientAllowance):
        token.transfer_from(alice, bob, 601, sender=escrow)
    assert chain.block_number == block
    token.approve(escrow, 1, sender=alice)
    token.transfer_from(alice, bob, 601, sender=escrow)
    assert token.allowance(alice, escrow) == 0


@pytest.mark.usefixtures("pledged")
def test_release_works_on_a_paused_token_and_after_kyc_lapsed(
    token: EntitlementToken,
    compliance: TransferCompliance,
    chain: LocalChain,
    alice: Account,
    escrow: Account,
    pauser: Account,
) -> None:
    compliance.set_rules(token.address, Rule.KYC)
    token.pause(sender=pauser)
    token.release(alice, 100, sender=escrow)
    chain.advance_time(YEAR + 1)
    assert not token.can_send(alice)
    token.release(alice, 500, sender=escrow)
    assert token.encumbered_balance_of(alice) == 0


@pytest.mark.usefixtures("pledged")
def test_release_of_more_than_held_is_refused(
    token: EntitlementToken, alice: Account, escrow: Account
) -> None:
    with pytest.raises(errors.TokenEncumbranceExceeded) as raised:
        token.release(alice, 601, sender=escrow)
    assert raised.value.arguments == {
        "owner": alice.address,
        "taker": escrow.address,
        "held": 600,
        "amount": 601,
    }


@pytest.mark.usefixtures("pledged")
def test_encumber_beyond_available_is_refused_with_its_code(
    token: EntitlementToken, alice: Account, escrow: Account, pauser: Account
) -> None:
    with pytest.raises(errors.TokenEncumbranceRejected) as raised:
        token.encumber(escrow, 401, sender=alice)
    assert raised.value.arguments["code"] == RestrictionCode.BALANCE_ENCUMBERED
    token.pause(sender=pauser)
    with pytest.raises(errors.TokenEncumbranceRejected) as raised:
        token.encumber(escrow, 1, sender=alice)
    assert raised.value.arguments["code"] == RestrictionCode.TOKEN_PAUSED


@pytest.mark.usefixtures("pledged")
def test_agent_can_neither_freeze_nor_force_away_encumbered_units(
    token: EntitlementToken, alice: Account, bob: Account, agent: Account
) -> None:
    with pytest.raises(errors.TokenFrozenExceedsBalance):
        token.set_frozen_tokens(alice, 401, sender=agent)
    with pytest.raises(errors.TokenAmountEncumbered):
        token.forced_transfer(alice, bob, 401, sender=agent)
    token.forced_transfer(alice, bob, 400, sender=agent)
    assert token.encumbered_balance_of(alice) == 600


@pytest.mark.usefixtures("pledged")
def test_encumber_from_spends_the_senders_allowance(
    token: EntitlementToken, alice: Account, bob: Account, escrow: Account
) -> None:
    token.approve(bob, 300, sender=alice)
    token.encumber_from(alice, escrow, 250, sender=bob)
    assert token.allowance(alice, bob) == 50
    assert token.encumbrances(alice, escrow) == 850


def test_token_announces_erc7246(token: EntitlementToken) -> None:
    signatures = [
        "encumberedBalanceOf(address)",
        "availableBalanceOf(address)",
        "encumbrances(address,address)",
        "encumber(address,uint256)",
        "encumberFrom(address,address,uint256)",
        "release(address,uint256)",
    ]
    interface_id = 0
    for signature in signatures:
        interface_id ^= int.from_bytes(keccak(text=signature)[:4], "big")
    assert token.supports_interface(interface_id.to_bytes(4, "big"))
