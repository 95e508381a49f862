"""The entitlement token through its driver: rules, pre-checks, agent controls, record dates."""

from __future__ import annotations

import pytest
from tests.conftest import GB, YEAR, Onboard

from permledger import errors
from permledger.chain import Account
from permledger.drivers import EntitlementToken, TransferCompliance
from permledger.errors import InvalidInput, TransferRestricted
from permledger.local_chain import LocalChain
from permledger.types import InvestorClass, RestrictionCode, Rule


@pytest.fixture
def funded(
    onboard: Onboard, token: EntitlementToken, issuer: Account, alice: Account, bob: Account
) -> None:
    """alice holds 1,000 and bob 500, both registered US accredited investors."""
    onboard(alice)
    onboard(bob)
    token.mint(alice, 1_000, sender=issuer)
    token.mint(bob, 500, sender=issuer)


@pytest.mark.usefixtures("funded")
def test_transfer_moves_units(token: EntitlementToken, alice: Account, bob: Account) -> None:
    receipt = token.using(alice).transfer(bob, 300)
    assert (token.balance_of(alice), token.balance_of(bob)) == (700, 800)
    assert token.binding.events("Transfer", receipt) == [
        {"from": alice.address, "to": bob.address, "value": 300}
    ]


@pytest.mark.usefixtures("funded")
def test_transfer_to_unregistered_wallet_sends_nothing(
    token: EntitlementToken, chain: LocalChain, alice: Account, carol: Account
) -> None:
    block = chain.block_number
    with pytest.raises(TransferRestricted) as raised:
        token.using(alice).transfer(carol, 1)
    assert raised.value.code == RestrictionCode.RECEIVER_NOT_REGISTERED
    assert raised.value.message == "Receiver is not a registered wallet"
    assert chain.block_number == block
    assert token.balance_of(alice) == 1_000


@pytest.mark.usefixtures("funded")
@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("pause", RestrictionCode.TOKEN_PAUSED),
        ("freeze_sender", RestrictionCode.SENDER_FROZEN),
        ("freeze_receiver", RestrictionCode.RECEIVER_FROZEN),
        ("expire_kyc", RestrictionCode.SENDER_KYC_EXPIRED),
        ("retail_only", RestrictionCode.RECEIVER_CLASS_NOT_ALLOWED),
        ("block_us", RestrictionCode.SENDER_JURISDICTION_NOT_ALLOWED),
        ("freeze_units", RestrictionCode.BALANCE_FROZEN),
        ("cap_balance", RestrictionCode.MAX_BALANCE_EXCEEDED),
        ("daily_limit", RestrictionCode.DAILY_LIMIT_EXCEEDED),
    ],
)
def test_transfer_reports_the_broken_rule_and_the_contract_agrees(
    ledger, chain: LocalChain, token: EntitlementToken, compliance: TransferCompliance,
    alice: Account, bob: Account, agent: Account, pauser: Account, setup: str, code: RestrictionCode,
) -> None:  # fmt: skip
    from permledger.types import investor_id

    actions = {
        "pause": lambda: token.pause(sender=pauser),
        "freeze_sender": lambda: ledger.registry.set_investor_frozen(investor_id("alice"), True),
        "freeze_receiver": lambda: ledger.registry.set_investor_frozen(investor_id("bob"), True),
        "expire_kyc": lambda: (
            compliance.set_rules(token.address, Rule.KYC),
            chain.advance_time(2 * YEAR),
        ),
        "retail_only": lambda: (
            compliance.set_allowed_classes(token.address, InvestorClass.mask(InvestorClass.RETAIL)),
            compliance.set_rules(token.address, Rule.INVESTOR_CLASS),
        ),
        "block_us": lambda: (
            compliance.set_jurisdictions(token.address, [840], listed=True),
            compliance.set_rules(token.address, Rule.JURISDICTION_BLOCKLIST),
        ),
        "freeze_units": lambda: token.set_frozen_tokens(alice, 950, sender=agent),
        "cap_balance": lambda: (
            compliance.set_investor_limits(
                token.address,
                max_investors=10,
                max_balance_per_investor=550,
                daily_limit_per_investor=10**9,
            ),
            compliance.set_rules(token.address, Rule.MAX_BALANCE),
        ),
        "daily_limit": lambda: (
            compliance.set_investor_limits(
                token.address,
                max_investors=10,
                max_balance_per_investor=10**9,
                daily_limit_per_investor=60,
            ),
            compliance.set_rules(token.address, Rule.DAILY_LIMIT),
        ),
    }
    actions[setup]()
    assert token.detect_transfer_restriction(alice, bob, 100).code == code
    assert not token.can_transfer(alice, bob, 100)
    with pytest.raises(TransferRestricted) as raised:
        token.using(alice).transfer(bob, 100)
    assert raised.value.code == code
    # Sent anyway, the contract refuses with the same code.
    with pytest.raises(errors.ComplianceTransferRejected) as reverted:
        token.using(alice).transfer_unchecked(bob, 100)
    assert reverted.value.arguments == {
        "from": alice.address,
        "to": bob.address,
        "amount": 100,
        "code": code,
    }
    assert (token.balance_of(alice), token.balance_of(bob)) == (1_000, 500)


@pytest.mark.usefixtures("funded")
def test_lockup_blocks_new_units_until_it_ends(
    token: EntitlementToken, compliance: TransferCompliance, chain: LocalChain,
    issuer: Account, alice: Account, bob: Account,
) -> None:  # fmt: skip
    compliance.set_lockup_period(token.address, 3600)
    compliance.set_rules(token.address, Rule.LOCKUP)
    token.mint(alice, 500, sender=issuer)
    assert token.locked_tokens(alice)[0] == 500
    assert token.transferable_balance(alice) == 1_000
    assert (
        token.detect_transfer_restriction(alice, bob, 1_001).code == RestrictionCode.TOKENS_LOCKED
    )
    chain.advance_time(3601)
    assert token.transferable_balance(alice) == 1_500
    token.using(alice).transfer(bob, 1_500)


@pytest.mark.usefixtures("funded")
def test_max_investors_counts_investors_not_wallets(
    token: EntitlementToken, compliance: TransferCompliance, onboard: Onboard, ledger,
    alice: Account, bob: Account, carol: Account, dave: Account,
) -> None:  # fmt: skip
    from permledger.types import investor_id

    compliance.set_investor_limits(
        token.address, max_investors=2, max_balance_per_investor=10**9, daily_limit_per_investor=0
    )
    compliance.set_rules(token.address, Rule.MAX_INVESTORS)
    ledger.registry.add_wallet(investor_id("alice"), dave)
    token.using(alice).transfer(dave, 100)  # same investor: no new holder
    onboard(carol)
    assert token.investor_count() == 2
    assert (
        token.detect_transfer_restriction(alice, carol, 1).code
        == RestrictionCode.MAX_INVESTORS_REACHED
    )
    # bob leaving entirely makes room for carol.
    token.using(bob).transfer(carol, 500)
    assert token.investor_count() == 2


@pytest.mark.usefixtures("funded")
def test_circuit_breaker_pauses_after_the_transfer_that_crosses_it(
    token: EntitlementToken,
    compliance: TransferCompliance,
    alice: Account,
    bob: Account,
    pauser: Account,
) -> None:
    compliance.set_circuit_breaker(
        token.address, share_bps=1_000, window=3600
    )  # 10% of 1,500 = 150
    compliance.set_rules(token.address, Rule.CIRCUIT_BREAKER)
    token.using(alice).transfer(bob, 150)
    assert not token.paused()
    receipt = token.using(alice).transfer(bob, 1)
    assert token.binding.events("CircuitBreakerTripped", receipt)[0]["moved"] == 151
    assert token.paused()
    token.unpause(sender=pauser)
    token.using(alice).transfer(bob, 100)


@pytest.mark.usefixtures("funded")
def test_forced_transfer_skips_investor_rules_but_not_registration(
    token: EntitlementToken, ledger, alice: Account, bob: Account, carol: Account, agent: Account
) -> None:
    from permledger.types import investor_id

    ledger.registry.set_investor_frozen(investor_id("bob"), True)
    token.set_frozen_tokens(alice, 1_000, sender=agent)
    token.forced_transfer(alice, bob, 400, sender=agent)
    assert (token.balance_of(alice), token.frozen_tokens(alice)) == (600, 600)
    with pytest.raises(errors.ComplianceTransferRejected) as raised:
        token.forced_transfer(alice, carol, 1, sender=agent)
    assert raised.value.arguments["code"] == RestrictionCode.RECEIVER_NOT_REGISTERED
    with pytest.raises(errors.TokenForcedTransferToSelf):
        token.forced_transfer(alice, alice, 1, sender=agent)


@pytest.mark.usefixtures("funded")
def test_recover_wallet_moves_balance_and_frozen_to_same_investor(
    token: EntitlementToken, ledger, alice: Account, bob: Account, dave: Account, agent: Account
) -> None:
    from permledger.types import investor_id

    token.set_frozen_tokens(alice, 200, sender=agent)
    ledger.registry.add_wallet(investor_id("alice"), dave)
    token.recover_wallet(alice, dave, sender=agent)
    assert (token.balance_of(alice), token.balance_of(dave), token.frozen_tokens(dave)) == (
        0,
        1_000,
        200,
    )
    assert token.investor_balance(investor_id("alice")) == 1_000
    with pytest.raises(errors.TokenRecoveryInvalid):
        token.recover_wallet(dave, bob, sender=agent)


@pytest.mark.usefixtures("funded")
def test_record_date_balances_survive_later_transfers(
    token: EntitlementToken, chain: LocalChain, onboard: Onboard,
    issuer: Account, alice: Account, bob: Account, carol: Account,
) -> None:  # fmt: skip
    from permledger.types import investor_id

    record = token.schedule_record_date(chain.next_timestamp, sender=issuer)
    chain.advance_time(10)
    onboard(carol)
    token.using(alice).transfer(carol, 400)
    token.using(bob).transfer(alice, 500)
    token.mint(carol, 100, sender=issuer)
    assert [token.balance_of_at(w, record) for w in (alice, bob, carol)] == [1_000, 500, 0]
    assert token.total_supply_at(record) == 1_500
    assert token.investor_balance_at(investor_id("alice"), record) == 1_000
    later = token.schedule_record_date(chain.next_timestamp, sender=issuer)
    chain.advance_time(10)
    assert [token.balance_of_at(w, later) for w in (alice, bob, carol)] == [1_100, 0, 500]
    assert token.total_supply_at(later) == 1_600


def test_record_date_in_future_is_not_readable(
    token: EntitlementToken, chain: LocalChain, issuer: Account, alice: Account
) -> None:
    record = token.schedule_record_date(chain.next_timestamp + 3600, sender=issuer)
    with pytest.raises(errors.TokenRecordDateNotPassed):
        token.balance_of_at(alice, record)
    with pytest.raises(errors.TokenRecordDateInvalid):
        token.schedule_record_date(chain.timestamp - 1, sender=issuer)


def test_mint_rejects_unregistered_wallet_and_non_issuer(
    token: EntitlementToken, issuer: Account, alice: Account, bob: Account
) -> None:
    with pytest.raises(errors.ComplianceTransferRejected) as raised:
        token.mint(alice, 1, sender=issuer)
    assert raised.value.arguments["code"] == RestrictionCode.RECEIVER_NOT_REGISTERED
    with pytest.raises(errors.AccessControlUnauthorizedAccount) as denied:
        token.mint(alice, 1, sender=bob)
    assert denied.value.arguments["account"] == bob.address
    assert token.total_supply() == 0


@pytest.mark.parametrize(
    ("to", "value", "problem"),
    [
        ("0x1234", 1, "20-byte hex address"),
        ("0x8EB807C3E6A257BC90184EB42538AACB272EBA9z", 1, "20-byte hex address"),
        ("0x8eB807c3e6a257BC90184EB42538AacB272eBA97", 1, "checksum"),
        ("0x8eb807c3e6a257bc90184eb42538aacb272eba97", -1, "negative"),
        ("0x8eb807c3e6a257bc90184eb42538aacb272eba97", 2**96, "exceeds"),
        ("0x8eb807c3e6a257bc90184eb42538aacb272eba97", 1.5, "integer"),
    ],
)
def test_transfer_rejects_malformed_input_before_sending(
    token: EntitlementToken, chain: LocalChain, alice: Account, to: str, value: int, problem: str
) -> None:
    block = chain.block_number
    with pytest.raises(InvalidInput, match=problem):
        token.using(alice).transfer(to, value)
    assert chain.block_number == block


def test_token_announces_erc1404_and_erc7943(token: EntitlementToken) -> None:
    from eth_utils import function_signature_to_4byte_selector as selector

    def interface_id(*signatures: str) -> bytes:
        value = 0
        for s in signatures:
            value ^= int.from_bytes(selector(s), "big")
        return value.to_bytes(4, "big")

    erc1404 = interface_id(
        "detectTransferRestriction(address,address,uint256)", "messageForTransferRestriction(uint8)"
    )
    erc7943 = interface_id(
        "forcedTransfer(address,address,uint256)", "setFrozenTokens(address,uint256)", "canSend(address)",
        "canReceive(address)", "getFrozenTokens(address)", "canTransfer(address,address,uint256)",
    )  # fmt: skip
    assert token.supports_interface(erc1404)
    assert token.supports_interface(erc7943)
    assert not token.supports_interface(b"\xff\xff\xff\xff")


def test_restriction_messages_match_the_python_codes(token: EntitlementToken) -> None:
    messages = {code: token.message_for_transfer_restriction(code) for code in RestrictionCode}
    assert len(set(messages.values())) == len(RestrictionCode)
    assert (
        token.message_for_transfer_restriction(len(RestrictionCode)) == "Unknown restriction code"
    )


def test_second_jurisdiction_word_is_checked(
    token: EntitlementToken,
    compliance: TransferCompliance,
    onboard: Onboard,
    issuer: Account,
    alice: Account,
) -> None:
    onboard(alice, country=GB)
    compliance.set_rules(token.address, Rule.JURISDICTION_ALLOWLIST)
    with pytest.raises(errors.ComplianceTransferRejected):
        token.mint(alice, 1, sender=issuer)
    compliance.set_jurisdictions(token.address, [GB], listed=True)
    token.mint(alice, 1, sender=issuer)
    assert compliance.is_jurisdiction_listed(token.address, GB)
