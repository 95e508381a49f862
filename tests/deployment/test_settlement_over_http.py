"""A DvP settlement through the SDK over HTTP, against a system `permledger deploy` put on anvil."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.deployment.conftest import Deploy

from permledger.anvil import AnvilNode, dev_account
from permledger.errors import SettlementRejected
from permledger.ledger import Ledger
from permledger.rpc_chain import RpcChain
from permledger.settlement import Trade, TradeStatus
from permledger.types import InvestorClass, investor_id

USD = 10**6


def test_a_signed_affirmation_settles_both_legs_in_one_transaction_over_http(
    run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path
) -> None:
    run_deploy()
    manifest = tmp_path / "manifest.json"
    names = ("compliance", "issuer", "master_minter", "minter", "alice", "bob")
    officer, issuer, master_minter, minter, alice, bob = (dev_account(n) for n in names)
    node = RpcChain(anvil_node.url)
    for account in (officer, issuer, master_minter, minter, alice, bob):
        node.request("anvil_setBalance", [account.address, hex(10**18)])

    def as_(account: object) -> Ledger:
        return Ledger.connect(anvil_node.url, manifest, account)  # type: ignore[arg-type]

    for party in (alice, bob):
        as_(officer).registry.register_investor(
            investor_id(party.name),
            country=840,
            investor_class=InvestorClass.ACCREDITED,
            kyc_expiry=node.timestamp + 365 * 24 * 3600,
            wallet=party,
        )
    as_(issuer).tokens["ACME"].mint(alice, 1_000)
    as_(master_minter).cash.configure_minter(minter, 1_000_000 * USD)
    as_(minter).cash.mint(bob, 10_000 * USD)

    seller, buyer = as_(alice), as_(bob)
    shares, cash, dvp = seller.tokens["ACME"], seller.cash, seller.dvp
    shares.approve(dvp.address, 100)
    buyer.cash.approve(dvp.address, 5_000 * USD)
    terms = {
        "seller": alice,
        "buyer": bob,
        "security_token": shares.address,
        "security_amount": 100,
        "cash_token": cash.address,
        "deadline": node.timestamp + 3600,
    }

    # Refused by the dry run over HTTP: bob cannot pay 50,000, and nothing is sent.
    too_dear = Trade.new(**terms, cash_amount=50_000 * USD)
    dvp.propose(too_dear)
    block = node.block_number
    with pytest.raises(SettlementRejected) as rejected:
        dvp.settle_with_affirmations(
            too_dear, buyer_signature=buyer.dvp.sign_affirmation(too_dear, bob)
        )
    assert not rejected.value.legs["cash"].ok
    assert node.block_number == block

    trade = Trade.new(**terms, cash_amount=5_000 * USD)
    dvp.propose(trade)
    signature = buyer.dvp.sign_affirmation(trade, bob)
    receipt = dvp.settle_with_affirmations(trade, buyer_signature=signature)
    assert dvp.binding.events("TradeSettled", receipt)[0]["tradeId"] == trade.id
    assert dvp.trade_state(trade).status == TradeStatus.SETTLED
    assert (shares.balance_of(alice), shares.balance_of(bob)) == (900, 100)
    assert (cash.balance_of(alice), cash.balance_of(bob)) == (5_000 * USD, 5_000 * USD)
    assert [event.name for event in dvp.history(trade)][-1] == "TradeSettled"
