"""EIP-2612 permits and EIP-3009 authorizations: standard signatures accepted, bad ones refused."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from eth_abi import encode
from eth_account import Account as EthAccount
from eth_account.messages import encode_typed_data
from tests.drivers.conftest import USD, send_raw

from permledger import errors
from permledger.cash_signatures import (
    CancelAuthorization,
    Domain,
    Permit,
    Signature,
    TransferAuthorization,
    new_nonce,
    sign,
)
from permledger.chain import Account
from permledger.drivers import Stablecoin
from permledger.drivers.base import artifact
from permledger.errors import CashCheck, CashRejected, TransferRestricted
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain
from permledger.types import RestrictionCode

HOUR = 3600

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
AUTHORIZATION_TYPE = [
    {"name": "from", "type": "address"},
    {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "validAfter", "type": "uint256"},
    {"name": "validBefore", "type": "uint256"},
    {"name": "nonce", "type": "bytes32"},
]

pytestmark = pytest.mark.usefixtures("funded")


def client_sign(
    cash: Stablecoin, chain: LocalChain, signer: Account, primary: str, fields: list[dict[str, str]],
    message: dict[str, Any],
) -> Signature:  # fmt: skip
    """Sign as any wallet does: eth-account's typed-data API, the domain written out by hand."""
    typed = {
        "types": {"EIP712Domain": DOMAIN_TYPE, primary: fields},
        "primaryType": primary,
        "domain": {
            "name": "Permledger USD",
            "version": "1",
            "chainId": chain.chain_id,
            "verifyingContract": cash.address,
        },
        "message": message,
    }
    signed = EthAccount.sign_message(encode_typed_data(full_message=typed), signer.private_key)
    return Signature(signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))


def elsewhere(cash: Stablecoin, **changes: Any) -> Domain:
    return dataclasses.replace(cash.domain(), **changes)


# ---------------------------------------------------------------- standard clients


def test_domain_is_the_one_a_client_writes_out(cash: Stablecoin, chain: LocalChain) -> None:
    assert cash.domain() == Domain("Permledger USD", "1", chain.chain_id, cash.address)


def test_permit_signed_by_a_standard_client_is_accepted(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, dave: Account
) -> None:
    deadline = chain.timestamp + HOUR
    message = {
        "owner": alice.address,
        "spender": bob.address,
        "value": 7 * USD,
        "nonce": 0,
        "deadline": deadline,
    }
    fields = [
        {"name": "owner", "type": "address"},
        {"name": "spender", "type": "address"},
        {"name": "value", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
    sig = client_sign(cash, chain, alice, "Permit", fields, message)
    receipt = send_raw(
        cash,
        "permit",
        alice.address,
        bob.address,
        7 * USD,
        deadline,
        sig.v,
        sig.r,
        sig.s,
        sender=dave,
    )
    assert cash.allowance(alice, bob) == 7 * USD
    assert cash.nonces(alice) == 1
    assert cash.binding.events("Approval", receipt) == [
        {"owner": alice.address, "spender": bob.address, "value": 7 * USD}
    ]


@pytest.mark.parametrize("primary", ["TransferWithAuthorization", "ReceiveWithAuthorization"])
def test_authorization_signed_by_a_standard_client_is_accepted(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, primary: str
) -> None:
    nonce = new_nonce()
    valid_before = chain.timestamp + HOUR
    message = {
        "from": alice.address,
        "to": bob.address,
        "value": 5 * USD,
        "validAfter": 0,
        "validBefore": valid_before,
        "nonce": nonce,
    }
    sig = client_sign(cash, chain, alice, primary, AUTHORIZATION_TYPE, message)
    function = (
        "transferWithAuthorization"
        if primary.startswith("Transfer")
        else "receiveWithAuthorization"
    )
    args = (alice.address, bob.address, 5 * USD, 0, valid_before, nonce, sig.v, sig.r, sig.s)
    receipt = send_raw(cash, function, *args, sender=bob)
    assert (cash.balance_of(alice), cash.balance_of(bob)) == (995 * USD, 505 * USD)
    assert cash.authorization_state(alice, nonce)
    assert cash.binding.events("AuthorizationUsed", receipt) == [
        {"authorizer": alice.address, "nonce": nonce}
    ]


def test_cancel_signed_by_a_standard_client_is_accepted(
    cash: Stablecoin, chain: LocalChain, alice: Account, dave: Account
) -> None:
    nonce = new_nonce()
    fields = [{"name": "authorizer", "type": "address"}, {"name": "nonce", "type": "bytes32"}]
    sig = client_sign(
        cash,
        chain,
        alice,
        "CancelAuthorization",
        fields,
        {"authorizer": alice.address, "nonce": nonce},
    )
    receipt = send_raw(
        cash, "cancelAuthorization", alice.address, nonce, sig.v, sig.r, sig.s, sender=dave
    )
    assert cash.authorization_state(alice, nonce)
    assert cash.binding.events("AuthorizationCanceled", receipt) == [
        {"authorizer": alice.address, "nonce": nonce}
    ]


def test_sdk_signatures_equal_a_standard_clients(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    nonce = new_nonce()
    auth = TransferAuthorization(alice.address, bob.address, 1, 0, 10**10, nonce)
    message = {
        "from": alice.address,
        "to": bob.address,
        "value": 1,
        "validAfter": 0,
        "validBefore": 10**10,
        "nonce": nonce,
    }
    expected = client_sign(
        cash, chain, alice, "TransferWithAuthorization", AUTHORIZATION_TYPE, message
    )
    assert sign(auth, cash.domain(), alice) == expected


# ---------------------------------------------------------------- permits


def test_permit_then_spend(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, carol: Account
) -> None:
    permit, signature = cash.sign_permit(alice, bob, 10 * USD, deadline=chain.timestamp + HOUR)
    cash.permit(permit, signature, sender=carol)
    cash.using(bob).transfer_from(alice, carol, 10 * USD)
    assert cash.balance_of(carol) == 10 * USD


def test_permit_replayed_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, carol: Account
) -> None:
    permit, signature = cash.sign_permit(alice, bob, 10 * USD, deadline=chain.timestamp + HOUR)
    cash.permit(permit, signature, sender=carol)
    block = chain.block_number
    with pytest.raises(CashRejected) as raised:
        cash.permit(permit, signature, sender=carol)
    assert raised.value.check == CashCheck.INVALID_SIGNATURE
    assert chain.block_number == block
    with pytest.raises(errors.ERC2612InvalidSigner) as reverted:
        cash.permit(permit, signature, sender=carol, check=False)
    assert reverted.value.arguments["owner"] == alice.address
    assert reverted.value.arguments["signer"] != alice.address


def test_permit_expired_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    deadline = chain.timestamp + 10
    permit, signature = cash.sign_permit(alice, bob, 1, deadline=deadline)
    chain.advance_time(60)
    with pytest.raises(CashRejected) as raised:
        cash.permit(permit, signature, sender=bob)
    assert raised.value.check == CashCheck.AUTHORIZATION_EXPIRED
    with pytest.raises(errors.ERC2612ExpiredSignature) as reverted:
        cash.permit(permit, signature, sender=bob, check=False)
    assert reverted.value.arguments == {"deadline": deadline}


@pytest.mark.parametrize("where", ["another chain", "another contract"])
def test_permit_signed_for_another_domain_is_refused(
    cash: Stablecoin, ledger: Ledger, chain: LocalChain, alice: Account, bob: Account, where: str
) -> None:
    domain = (
        elsewhere(cash, chain_id=1)
        if where == "another chain"
        else elsewhere(cash, verifying_contract=ledger.token.address)
    )
    permit = Permit(alice.address, bob.address, 1, 0, chain.timestamp + HOUR)
    signature = sign(permit, domain, alice)
    with pytest.raises(CashRejected) as raised:
        cash.permit(permit, signature, sender=bob)
    assert raised.value.check == CashCheck.INVALID_SIGNATURE
    with pytest.raises(errors.ERC2612InvalidSigner):
        cash.permit(permit, signature, sender=bob, check=False)
    assert cash.allowance(alice, bob) == 0


def test_permit_to_a_blacklisted_spender_is_refused(
    cash: Stablecoin, chain: LocalChain, blacklister: Account, alice: Account, bob: Account
) -> None:
    permit, signature = cash.sign_permit(alice, bob, 1, deadline=chain.timestamp + HOUR)
    cash.blacklist(bob, sender=blacklister)
    with pytest.raises(CashRejected) as raised:
        cash.permit(permit, signature, sender=alice)
    assert (raised.value.check, raised.value.account) == (
        CashCheck.ACCOUNT_BLACKLISTED,
        bob.address,
    )
    with pytest.raises(errors.CashAccountBlacklisted):
        cash.permit(permit, signature, sender=alice, check=False)


# ---------------------------------------------------------------- EIP-3009


def authorize(
    cash: Stablecoin, chain: LocalChain, payer: Account, to: Account, value: int = 5 * USD, **options: Any
) -> tuple[TransferAuthorization, Signature]:  # fmt: skip
    options.setdefault("valid_before", chain.timestamp + HOUR)
    return cash.authorize_transfer(payer, to, value, **options)


def test_transfer_with_authorization_moves_once(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, dave: Account
) -> None:
    auth, signature = authorize(cash, chain, alice, bob)
    receipt = cash.transfer_with_authorization(auth, signature, sender=dave)
    assert cash.balance_of(bob) == 505 * USD
    assert cash.binding.events("Transfer", receipt) == [
        {"from": alice.address, "to": bob.address, "value": 5 * USD}
    ]
    block = chain.block_number
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(auth, signature, sender=dave)
    assert raised.value.check == CashCheck.AUTHORIZATION_USED
    assert chain.block_number == block
    with pytest.raises(errors.CashAuthorizationUsed) as reverted:
        cash.transfer_with_authorization(auth, signature, sender=dave, check=False)
    assert reverted.value.arguments == {"authorizer": alice.address, "nonce": auth.nonce}
    assert cash.balance_of(bob) == 505 * USD


def test_authorization_expired_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    auth, signature = authorize(cash, chain, alice, bob, valid_before=chain.timestamp + 10)
    chain.advance_time(60)
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.check == CashCheck.AUTHORIZATION_EXPIRED
    now = chain.next_timestamp
    with pytest.raises(errors.CashAuthorizationExpired) as reverted:
        cash.transfer_with_authorization(auth, signature, sender=bob, check=False)
    assert reverted.value.arguments == {"validBefore": auth.valid_before, "nowTime": now}


def test_authorization_not_yet_valid_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    valid_after = chain.timestamp + 600
    auth, signature = authorize(cash, chain, alice, bob, valid_after=valid_after)
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.check == CashCheck.AUTHORIZATION_NOT_YET_VALID
    now = chain.next_timestamp
    with pytest.raises(errors.CashAuthorizationNotYetValid) as reverted:
        cash.transfer_with_authorization(auth, signature, sender=bob, check=False)
    assert reverted.value.arguments == {"validAfter": valid_after, "nowTime": now}
    chain.set_time(valid_after + 1)
    cash.transfer_with_authorization(auth, signature, sender=bob)
    assert cash.balance_of(bob) == 505 * USD


@pytest.mark.parametrize("where", ["another chain", "another contract"])
def test_authorization_signed_for_another_domain_is_refused(
    cash: Stablecoin, ledger: Ledger, chain: LocalChain, alice: Account, bob: Account, where: str
) -> None:
    domain = (
        elsewhere(cash, chain_id=chain.chain_id + 1)
        if where == "another chain"
        else elsewhere(cash, verifying_contract=ledger.token.address)
    )
    auth = TransferAuthorization(
        alice.address, bob.address, 1, 0, chain.timestamp + HOUR, new_nonce()
    )
    signature = sign(auth, domain, alice)
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.check == CashCheck.INVALID_SIGNATURE
    with pytest.raises(errors.CashInvalidSignature) as reverted:
        cash.transfer_with_authorization(auth, signature, sender=bob, check=False)
    assert reverted.value.arguments == {"signer": alice.address}
    assert not cash.authorization_state(alice, auth.nonce)


@pytest.mark.parametrize(
    "tamper",
    [
        {"value": 6 * USD},
        {"receiver": "0x000000000000000000000000000000000000dEaD"},
        {"receive": True},
        {"valid_before": 2**40},
    ],
    ids=["value", "receiver", "kind", "window"],
)
def test_tampered_authorization_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, tamper: dict[str, Any]
) -> None:
    auth, signature = authorize(cash, chain, alice, bob)
    forged = dataclasses.replace(auth, **tamper)
    with pytest.raises(errors.CashInvalidSignature):
        cash.transfer_with_authorization(forged, signature, sender=bob, check=False)
    assert cash.balance_of(bob) == 500 * USD


def test_authorization_signed_by_someone_else_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    auth = TransferAuthorization(
        alice.address, bob.address, 1, 0, chain.timestamp + HOUR, new_nonce()
    )
    signature = sign(auth, cash.domain(), bob)  # bob signs alice's payment to himself
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.check == CashCheck.INVALID_SIGNATURE
    with pytest.raises(errors.CashInvalidSignature):
        cash.transfer_with_authorization(auth, signature.to_bytes(), sender=bob, check=False)
    with pytest.raises(errors.CashInvalidSignature):
        cash.transfer_with_authorization(auth, b"\x01" * 64, sender=bob, check=False)


def test_cancelled_authorization_cannot_be_used(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, dave: Account
) -> None:
    auth, signature = authorize(cash, chain, alice, bob)
    cancel, cancel_signature = cash.authorize_cancel(alice, auth.nonce)
    cash.cancel_authorization(cancel, cancel_signature, sender=dave)
    assert cash.authorization_state(alice, auth.nonce)
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.check == CashCheck.AUTHORIZATION_USED
    with pytest.raises(errors.CashAuthorizationUsed):
        cash.transfer_with_authorization(auth, signature, sender=bob, check=False)
    with pytest.raises(CashRejected):
        cash.cancel_authorization(cancel, cancel_signature, sender=dave)
    with pytest.raises(errors.CashAuthorizationUsed):
        cash.cancel_authorization(cancel, cancel_signature, sender=dave, check=False)
    assert cash.balance_of(bob) == 500 * USD


def test_cancel_signed_by_someone_else_is_refused(
    cash: Stablecoin, alice: Account, bob: Account
) -> None:
    cancel = CancelAuthorization(alice.address, new_nonce())
    signature = sign(cancel, cash.domain(), bob)
    with pytest.raises(CashRejected) as raised:
        cash.cancel_authorization(cancel, signature, sender=bob)
    assert raised.value.check == CashCheck.INVALID_SIGNATURE
    with pytest.raises(errors.CashInvalidSignature) as reverted:
        cash.cancel_authorization(cancel, signature, sender=bob, check=False)
    assert reverted.value.arguments == {"signer": alice.address}


def test_cancel_works_while_paused(
    cash: Stablecoin, pauser: Account, alice: Account, bob: Account
) -> None:
    cash.pause(sender=pauser)
    cancel, signature = cash.authorize_cancel(alice, new_nonce())
    cash.cancel_authorization(cancel, signature, sender=bob)
    assert cash.authorization_state(alice, cancel.nonce)


def test_receive_with_authorization_only_by_the_payee(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, dave: Account
) -> None:
    auth, signature = authorize(cash, chain, alice, bob, receive=True)
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(auth, signature, sender=dave)
    assert raised.value.check == CashCheck.CALLER_NOT_PAYEE
    with pytest.raises(errors.CashCallerNotPayee) as reverted:
        cash.transfer_with_authorization(auth, signature, sender=dave, check=False)
    assert reverted.value.arguments == {"caller": dave.address, "payee": bob.address}
    cash.transfer_with_authorization(auth, signature, sender=bob)
    assert cash.balance_of(bob) == 505 * USD


def test_receive_authorization_cannot_be_relayed_as_a_transfer(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account, dave: Account
) -> None:
    auth, signature = authorize(cash, chain, alice, bob, receive=True)
    as_transfer = dataclasses.replace(auth, receive=False)
    with pytest.raises(CashRejected) as raised:
        cash.transfer_with_authorization(as_transfer, signature, sender=dave)
    assert raised.value.check == CashCheck.INVALID_SIGNATURE
    with pytest.raises(errors.CashInvalidSignature):
        cash.transfer_with_authorization(as_transfer, signature, sender=dave, check=False)


def test_authorization_respects_pause_and_blacklist(
    cash: Stablecoin, chain: LocalChain, pauser: Account, blacklister: Account, alice: Account,
    bob: Account,
) -> None:  # fmt: skip
    auth, signature = authorize(cash, chain, alice, bob)
    cash.pause(sender=pauser)
    with pytest.raises(TransferRestricted) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.code == RestrictionCode.TOKEN_PAUSED
    with pytest.raises(errors.CashPaused):
        cash.transfer_with_authorization(auth, signature, sender=bob, check=False)
    cash.unpause(sender=pauser)
    cash.blacklist(alice, sender=blacklister)
    with pytest.raises(TransferRestricted) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.code == RestrictionCode.SENDER_BLACKLISTED
    with pytest.raises(errors.CashAccountBlacklisted):
        cash.transfer_with_authorization(auth, signature, sender=bob, check=False)
    assert not cash.authorization_state(alice, auth.nonce)  # a failed use leaves it usable


def test_authorization_above_balance_is_refused(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    auth, signature = authorize(cash, chain, alice, bob, value=1_001 * USD)
    with pytest.raises(TransferRestricted) as raised:
        cash.transfer_with_authorization(auth, signature, sender=bob)
    assert raised.value.code == RestrictionCode.INSUFFICIENT_BALANCE


def test_smart_contract_wallet_authorizes_through_erc1271(
    cash: Stablecoin, chain: LocalChain, deployer: Account, minter: Account, alice: Account,
    bob: Account, dave: Account,
) -> None:  # fmt: skip
    wallet = chain.deploy(
        deployer, artifact("SignerWallet").bytecode + encode(["address"], [alice.address])
    )
    cash.mint(wallet, 10 * USD, sender=minter)
    auth = TransferAuthorization(
        wallet, bob.address, 4 * USD, 0, chain.timestamp + HOUR, new_nonce()
    )
    signature = sign(auth, cash.domain(), alice)  # the wallet's owner key signs for it
    cash.transfer_with_authorization(auth, signature.to_bytes(), sender=dave)
    assert (cash.balance_of(wallet), cash.balance_of(bob)) == (6 * USD, 504 * USD)
    stranger = sign(dataclasses.replace(auth, nonce=new_nonce()), cash.domain(), bob)
    with pytest.raises(errors.CashInvalidSignature):
        cash.transfer_with_authorization(
            dataclasses.replace(auth, nonce=new_nonce()), stranger.to_bytes(), sender=dave
        )


def test_malformed_signature_is_refused_before_sending(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    auth, _ = authorize(cash, chain, alice, bob)
    for malformed in (
        Signature(5, b"\x01" * 32, b"\x02" * 32),
        Signature(27, bytes(32), bytes(32)),
    ):
        with pytest.raises(CashRejected) as raised:
            cash.transfer_with_authorization(auth, malformed, sender=bob)
        assert raised.value.check == CashCheck.INVALID_SIGNATURE
        with pytest.raises(errors.CashInvalidSignature):
            cash.transfer_with_authorization(auth, malformed, sender=bob, check=False)
