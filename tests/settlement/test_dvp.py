"""DvP escrow through its driver: the life of a trade, signed affirmations, bad input, history."""

from __future__ import annotations

import pytest
from eth_account import Account as EthAccount
from tests.settlement.conftest import DAY, USD, Market

from permledger import errors
from permledger.chain import Account
from permledger.drivers.dvp import affirmation_typed_data
from permledger.errors import InvalidInput, SettlementRejected
from permledger.settlement import SettlementCode, Trade, TradeStatus


def test_propose_affirm_settle_moves_both_legs(market: Market) -> None:
    trade = market.trade()
    before = market.holdings()
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, sender=market.buyer)
    receipt = market.dvp.settle(trade, sender=market.buyer)

    after = market.holdings()
    shares, cash = market.shares.address, market.cash.address
    assert after[(shares, "alice")] == before[(shares, "alice")] - 100
    assert after[(shares, "bob")] == before[(shares, "bob")] + 100
    assert after[(cash, "bob")] == before[(cash, "bob")] - 5_000 * USD
    assert after[(cash, "alice")] == before[(cash, "alice")] + 5_000 * USD
    assert market.dvp.binding.events("TradeSettled", receipt) == [
        {"tradeId": trade.id, "batchId": bytes(32)}
    ]
    assert market.dvp.trade_state(trade).status == TradeStatus.SETTLED
    assert market.shares.balance_of(market.dvp.address) == 0
    assert market.cash.balance_of(market.dvp.address) == 0


def test_trade_id_is_the_eip712_struct_hash_computed_alike_on_both_sides(market: Market) -> None:
    trade = market.trade()
    assert market.dvp.trade_id(trade) == trade.id


def test_buyer_may_propose_and_seller_affirm(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.buyer)
    state = market.dvp.trade_state(trade)
    assert (state.status, state.buyer_affirmed, state.seller_affirmed) == (
        TradeStatus.PROPOSED,
        True,
        False,
    )
    market.dvp.affirm(trade, sender=market.seller)
    market.dvp.settle(trade.id, sender=market.third)  # anyone settles a matched trade, by id
    assert market.shares.balance_of(market.buyer) == 100


def test_venue_proposes_and_both_parties_affirm(market: Market, venue: Account) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=venue)
    state = market.dvp.trade_state(trade)
    assert (state.proposer, state.seller_affirmed, state.buyer_affirmed) == (
        venue.address,
        False,
        False,
    )
    market.dvp.affirm(trade, sender=market.seller)
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle(trade, sender=venue)
    assert rejected.value.state.code == SettlementCode.BUYER_NOT_AFFIRMED
    market.dvp.affirm(trade, sender=market.buyer)
    market.dvp.settle(trade, sender=venue)
    assert market.dvp.trade_state(trade).status == TradeStatus.SETTLED


def test_a_stranger_may_not_propose_and_a_venue_may_not_lock(
    market: Market, venue: Account
) -> None:
    trade = market.trade()
    with pytest.raises(errors.SettlementNotParty) as raised:
        market.dvp.propose(trade, sender=market.third)
    assert raised.value.arguments == {"id": trade.id, "caller": market.third.address}
    with pytest.raises(errors.SettlementVenueCannotLock):
        market.dvp.propose(trade, lock=True, sender=venue)


# Signed affirmations


def test_settle_in_one_transaction_with_the_counterpartys_signature(market: Market) -> None:
    trade = market.trade()
    signature = market.dvp.sign_affirmation(trade, market.seller)
    receipt = market.dvp.settle_with_affirmations(
        trade, seller_signature=signature, sender=market.buyer
    )
    assert market.shares.balance_of(market.buyer) == 100
    assert (
        market.dvp.binding.events("TradeProposed", receipt)[0]["proposer"] == market.buyer.address
    )
    assert market.dvp.binding.events("TradeAffirmed", receipt) == [
        {"tradeId": trade.id, "party": market.seller.address, "bySignature": True}
    ]


def test_anyone_relays_both_signatures(market: Market, venue: Account) -> None:
    trade = market.trade()
    market.dvp.settle_with_affirmations(
        trade,
        seller_signature=market.dvp.sign_affirmation(trade, market.seller),
        buyer_signature=market.dvp.sign_affirmation(trade, market.buyer),
        sender=venue,
    )
    assert market.dvp.trade_state(trade).status == TradeStatus.SETTLED


def test_signature_completes_a_proposed_trade(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.buyer)
    signature = market.dvp.sign_affirmation(trade, market.seller)
    market.dvp.settle_with_affirmations(trade, seller_signature=signature, sender=market.third)
    assert market.cash.balance_of(market.seller) == 5_000 * USD


def test_digest_matches_eth_accounts_typed_data_hash(market: Market) -> None:
    from eth_account.messages import _hash_eip191_message, encode_typed_data

    trade = market.trade()
    message = encode_typed_data(full_message=market.dvp.affirmation_typed_data(trade))
    assert _hash_eip191_message(message) == market.dvp.affirmation_digest(trade)


def _foreign_signature(market: Market, trade: Trade, *, chain_id: int, escrow: str) -> bytes:
    typed = affirmation_typed_data(
        trade, chain_id=chain_id, escrow=escrow, name="permledger DvPEscrow", version="1"
    )
    return bytes(
        EthAccount.sign_typed_data(market.seller.private_key, full_message=typed).signature
    )


@pytest.mark.parametrize("wrong", ["chain", "contract", "trade", "signer"])
def test_signature_for_another_chain_contract_trade_or_signer_is_refused(
    market: Market, wrong: str
) -> None:
    trade = market.trade()
    chain_id, escrow = market.chain.chain_id, market.dvp.address
    if wrong == "chain":
        signature = _foreign_signature(market, trade, chain_id=chain_id + 1, escrow=escrow)
    elif wrong == "contract":
        signature = _foreign_signature(market, trade, chain_id=chain_id, escrow=market.repo.address)
    elif wrong == "trade":
        signature = market.dvp.sign_affirmation(market.trade(), market.seller)
    else:
        signature = market.dvp.sign_affirmation(trade, market.third)
    before = market.holdings()
    block = market.chain.block_number

    with pytest.raises(InvalidInput, match=r"not .* affirmation"):
        market.dvp.settle_with_affirmations(trade, seller_signature=signature, sender=market.buyer)
    assert market.chain.block_number == block

    with pytest.raises(errors.SettlementSignatureInvalid) as raised:
        market.dvp.settle_with_affirmations(
            trade, seller_signature=signature, sender=market.buyer, precheck=False
        )
    assert raised.value.arguments == {"tradeId": trade.id, "signer": market.seller.address}
    assert market.holdings() == before
    assert market.dvp.trade_state(trade).status == TradeStatus.NONE


def test_replayed_affirmation_is_refused(market: Market) -> None:
    trade = market.trade()
    signature = market.dvp.sign_affirmation(trade, market.seller)
    market.dvp.settle_with_affirmations(trade, seller_signature=signature, sender=market.buyer)
    before = market.holdings()
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle_with_affirmations(trade, seller_signature=signature, sender=market.buyer)
    assert rejected.value.state.code == SettlementCode.SETTLED
    with pytest.raises(errors.SettlementWrongStatus) as raised:
        market.dvp.settle_with_affirmations(
            trade, seller_signature=signature, sender=market.buyer, precheck=False
        )
    assert raised.value.arguments["status"] == TradeStatus.SETTLED
    assert market.holdings() == before


def test_cancelling_an_unproposed_trade_withdraws_a_signature(market: Market) -> None:
    trade = market.trade()
    signature = market.dvp.sign_affirmation(trade, market.seller)
    market.dvp.cancel(trade, sender=market.seller)
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle_with_affirmations(trade, seller_signature=signature, sender=market.buyer)
    assert rejected.value.state.code == SettlementCode.CANCELLED
    with pytest.raises(errors.SettlementWrongStatus):
        market.dvp.settle_with_affirmations(
            trade, seller_signature=signature, sender=market.buyer, precheck=False
        )
    assert market.shares.balance_of(market.buyer) == 0


def test_without_signature_or_affirmation_the_counterparty_has_not_consented(
    market: Market,
) -> None:
    trade = market.trade()
    with pytest.raises(errors.SettlementNotAffirmed) as raised:
        market.dvp.settle_with_affirmations(trade, sender=market.buyer)
    assert raised.value.arguments == {"tradeId": trade.id, "party": market.seller.address}


# Bad input: each refused with a clear error, nothing moves


def test_unknown_trade_id_is_refused(market: Market) -> None:
    block = market.chain.block_number
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle(bytes(range(32)), sender=market.buyer)
    assert rejected.value.state.code == SettlementCode.UNKNOWN
    assert rejected.value.state.message == "No such trade or repo"
    assert market.chain.block_number == block
    unknown = market.trade()
    with pytest.raises(errors.SettlementUnknown) as raised:
        market.dvp.settle(unknown, sender=market.buyer, precheck=False)
    assert raised.value.arguments == {"id": unknown.id}


def test_terms_that_differ_from_the_proposal_are_another_unknown_trade(market: Market) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, sender=market.buyer)
    cheaper = Trade(**{**_fields(trade), "cash_amount": trade.cash_amount - 1})
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle(cheaper, sender=market.buyer)
    assert rejected.value.state.code == SettlementCode.UNKNOWN


def test_double_settlement_is_refused(market: Market) -> None:
    trade = _matched(market)
    market.dvp.settle(trade, sender=market.buyer)
    before = market.holdings()
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle(trade, sender=market.buyer)
    assert rejected.value.state.code == SettlementCode.SETTLED
    with pytest.raises(errors.SettlementWrongStatus) as raised:
        market.dvp.settle(trade, sender=market.buyer, precheck=False)
    assert raised.value.arguments == {"id": trade.id, "status": TradeStatus.SETTLED}
    assert market.holdings() == before


def test_settlement_after_the_deadline_is_refused(market: Market) -> None:
    trade = _matched(market)
    market.chain.advance_time(DAY + 1)
    before = market.holdings()
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle(trade, sender=market.buyer)
    assert rejected.value.state.code == SettlementCode.EXPIRED
    with pytest.raises(errors.SettlementDeadlinePassed) as raised:
        market.dvp.settle(trade, sender=market.buyer, precheck=False)
    assert raised.value.arguments == {"id": trade.id, "deadline": trade.deadline}
    assert market.holdings() == before


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"security_amount": 0}, errors.SettlementAmountZero, "above zero"),
        ({"cash_amount": 0}, errors.SettlementAmountZero, "above zero"),
        ({"cash_token": "shares"}, errors.SettlementSameToken, "same token"),
        ({"buyer": "seller"}, errors.SettlementSelfDeal, "same account"),
    ],
)
def test_invalid_terms_are_refused_before_and_on_chain(
    market: Market, change: dict[str, object], error: type[Exception], message: str
) -> None:
    values = {k: v for k, v in change.items() if isinstance(v, int)}
    if change.get("cash_token") == "shares":
        values["cash_token"] = market.shares.address
    if change.get("buyer") == "seller":
        values["buyer"] = market.seller.address
    with pytest.raises(InvalidInput, match=message):
        market.trade(**values)
    trade = Trade(**{**_fields(market.trade()), **values})
    with pytest.raises(error):
        market.dvp.propose(trade, sender=market.seller)
    with pytest.raises(error):
        market.dvp.propose(trade, sender=market.seller, precheck=False)
    assert market.dvp.trade_state(trade).status == TradeStatus.NONE


def test_token_that_is_not_a_contract_is_refused(market: Market) -> None:
    trade = Trade(**{**_fields(market.trade()), "cash_token": market.third.address})
    with pytest.raises(errors.SettlementTokenInvalid) as raised:
        market.dvp.propose(trade, sender=market.seller)
    assert raised.value.arguments == {"id": trade.id, "token": market.third.address}


def test_deadline_in_the_past_is_refused(market: Market) -> None:
    trade = market.trade(deadline=market.chain.timestamp - 1)
    with pytest.raises(errors.SettlementDeadlinePassed):
        market.dvp.propose(trade, sender=market.seller)


def test_malformed_inputs_raise_invalid_input(market: Market) -> None:
    with pytest.raises(InvalidInput, match="20-byte hex address"):
        market.trade(seller="0x1234")
    with pytest.raises(InvalidInput, match="ref must be 32 bytes"):
        market.trade(ref=b"short")
    with pytest.raises(InvalidInput, match="at least one trade"):
        market.dvp.settle_batch([], sender=market.seller)


# Ending a trade


def test_either_party_cancels_before_settlement(market: Market) -> None:
    trade = _matched(market)
    receipt = market.dvp.cancel(trade, sender=market.buyer)
    assert market.dvp.binding.events("TradeCancelled", receipt) == [
        {"tradeId": trade.id, "by": market.buyer.address}
    ]
    with pytest.raises(SettlementRejected) as rejected:
        market.dvp.settle(trade, sender=market.seller)
    assert rejected.value.state.code == SettlementCode.CANCELLED


def test_the_proposing_venue_cancels_but_no_stranger(market: Market, venue: Account) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=venue)
    with pytest.raises(errors.SettlementNotParty):
        market.dvp.cancel(trade, sender=market.third)
    market.dvp.cancel(trade, sender=venue)
    assert market.dvp.trade_state(trade).status == TradeStatus.CANCELLED


def test_expire_only_after_the_deadline(market: Market) -> None:
    trade = _matched(market)
    with pytest.raises(errors.SettlementDeadlineNotPassed):
        market.dvp.expire(trade, sender=market.third)
    market.chain.advance_time(DAY + 1)
    market.dvp.expire(trade, sender=market.third)
    assert market.dvp.trade_state(trade).status == TradeStatus.EXPIRED


# History


def test_history_rebuilds_the_trade_from_events(market: Market, venue: Account) -> None:
    trade = market.trade()
    market.dvp.propose(trade, sender=venue)
    market.dvp.affirm(trade, sender=market.seller)
    market.dvp.settle_with_affirmations(
        trade,
        buyer_signature=market.dvp.sign_affirmation(trade, market.buyer),
        sender=market.seller,
    )
    assert [e.name for e in market.dvp.history(trade)] == [
        "TradeProposed",
        "TradeAffirmed",
        "TradeAffirmed",
        "TradeSettled",
    ]
    assert market.dvp.trade(trade.id) == trade
    names = {
        market.seller.address: "alice",
        market.buyer.address: "bob",
        venue.address: "venue",
        market.shares.address: "ACME",
        market.cash.address: "USD",
    }
    lines = [line.split(": ", 1)[1] for line in market.dvp.describe_history(trade, names)]
    assert lines[0].startswith(
        "proposed by venue: alice sells 100 units of ACME to bob for 5,000,000,000 units of USD"
    )
    assert lines[1:] == [
        "affirmed by alice (on-chain)",
        "affirmed by bob (by signature)",
        "settled",
    ]


# Helpers


def _fields(trade: Trade) -> dict[str, object]:
    return {name: getattr(trade, name) for name in Trade.__slots__}


def _matched(market: Market, **overrides: object) -> Trade:
    trade = market.trade(**overrides)
    market.dvp.propose(trade, sender=market.seller)
    market.dvp.affirm(trade, sender=market.buyer)
    return trade
