"""The stablecoin through its driver: minting, transfers, blacklist and seizure, pause, registry."""

from __future__ import annotations

import dataclasses

import pytest
from eth_utils import keccak
from tests.conftest import YEAR, Onboard
from tests.drivers.conftest import USD, send_raw

from permledger import errors
from permledger.binding import AbiFunction
from permledger.chain import Account
from permledger.deployment.config import development_config
from permledger.deployment.executor import Deployment, compiler_record
from permledger.deployment.manifest import Manifest
from permledger.deployment.plan import system_plan
from permledger.drivers import IdentityRegistry, Stablecoin
from permledger.drivers.base import artifact
from permledger.errors import CashCheck, CashRejected, InvalidInput, TransferRestricted
from permledger.ledger import LOCAL_MINTER_ALLOWANCE, ROLE_HOLDERS, Ledger
from permledger.local_chain import LocalChain
from permledger.types import CASH_MAX_SUPPLY, CashSpec, RestrictionCode, Role, investor_id

ORDER = keccak(text="court order 2025-CV-0042")


def role_error(
    raised: pytest.ExceptionInfo[errors.ContractRevert], account: Account, role: Role
) -> None:
    assert isinstance(raised.value, errors.AccessControlUnauthorizedAccount)
    assert raised.value.arguments == {"account": account.address, "neededRole": role.value}


# ---------------------------------------------------------------- metadata


def test_metadata_is_a_six_decimal_token(cash: Stablecoin) -> None:
    assert (cash.name, cash.symbol, cash.decimals) == ("Permledger USD", "PUSD", 6)
    assert cash.total_supply() == 0
    assert cash.identity_registry() is None
    assert not cash.paused()


def test_supports_interface_announces_the_standards(cash: Stablecoin) -> None:
    def interface_id(name: str) -> bytes:
        result = 0
        for entry in artifact(name).abi:
            if entry["type"] == "function":
                selector = keccak(text=AbiFunction.from_abi(entry).signature)[:4]
                result ^= int.from_bytes(selector, "big")
        return result.to_bytes(4, "big")

    for name in ("IERC3009", "IERC7246", "IERC1404"):
        assert cash.supports_interface(interface_id(name)), name
    assert cash.supports_interface(bytes.fromhex("01ffc9a7"))  # ERC-165
    assert cash.supports_interface(bytes.fromhex("36372b07"))  # ERC-20
    assert not cash.supports_interface(bytes.fromhex("ffffffff"))


# ---------------------------------------------------------------- minting


def test_mint_issues_within_the_allowance(
    cash: Stablecoin, minter: Account, alice: Account
) -> None:
    receipt = cash.mint(alice, 250 * USD, sender=minter)
    assert cash.balance_of(alice) == cash.total_supply() == 250 * USD
    assert cash.minter_allowance(minter) == LOCAL_MINTER_ALLOWANCE - 250 * USD
    assert cash.binding.events("Mint", receipt) == [
        {"minter": minter.address, "to": alice.address, "amount": 250 * USD}
    ]
    assert cash.binding.events("Transfer", receipt) == [
        {"from": "0x" + "00" * 20, "to": alice.address, "value": 250 * USD}
    ]


def test_mint_over_allowance_sends_nothing(
    cash: Stablecoin, chain: LocalChain, master_minter: Account, minter: Account, alice: Account
) -> None:
    cash.configure_minter(minter, 100, sender=master_minter)
    block = chain.block_number
    with pytest.raises(CashRejected) as raised:
        cash.mint(alice, 101, sender=minter)
    assert raised.value.check == CashCheck.MINT_ALLOWANCE_EXCEEDED
    assert chain.block_number == block
    with pytest.raises(errors.CashMintAllowanceExceeded) as reverted:
        cash.mint(alice, 101, sender=minter, check=False)
    assert reverted.value.arguments == {"minter": minter.address, "allowance": 100, "amount": 101}
    assert cash.balance_of(alice) == 0


def test_mint_by_a_non_minter_is_refused(cash: Stablecoin, alice: Account, bob: Account) -> None:
    with pytest.raises(CashRejected) as raised:
        cash.mint(bob, 1, sender=alice)
    assert raised.value.check == CashCheck.NOT_A_MINTER
    with pytest.raises(errors.CashNotMinter) as reverted:
        cash.mint(bob, 1, sender=alice, check=False)
    assert reverted.value.arguments == {"account": alice.address}


def test_mint_of_zero_is_refused(cash: Stablecoin, minter: Account, alice: Account) -> None:
    with pytest.raises(InvalidInput, match="must not be zero"):
        cash.mint(alice, 0, sender=minter)
    with pytest.raises(errors.CashAmountZero):
        send_raw(cash, "mint", alice.address, 0, sender=minter)


def test_mint_to_the_zero_address_is_refused(cash: Stablecoin, minter: Account) -> None:
    with pytest.raises(InvalidInput, match="zero address"):
        cash.mint("0x" + "00" * 20, 1, sender=minter)
    with pytest.raises(errors.ERC20InvalidReceiver):
        send_raw(cash, "mint", "0x" + "00" * 20, 1, sender=minter)


def test_mint_beyond_the_supply_cap_is_refused(
    cash: Stablecoin, master_minter: Account, minter: Account, alice: Account, bob: Account
) -> None:
    cash.configure_minter(minter, CASH_MAX_SUPPLY, sender=master_minter)
    cash.mint(alice, CASH_MAX_SUPPLY - 10, sender=minter)
    cash.configure_minter(minter, CASH_MAX_SUPPLY, sender=master_minter)
    with pytest.raises(CashRejected) as raised:
        cash.mint(bob, 11, sender=minter)
    assert raised.value.check == CashCheck.SUPPLY_CAP_EXCEEDED
    with pytest.raises(errors.CashAmountTooLarge) as reverted:
        cash.mint(bob, 11, sender=minter, check=False)
    assert reverted.value.arguments == {"amount": 11, "maximum": 10}


def test_removed_minter_can_neither_mint_nor_burn(
    cash: Stablecoin, master_minter: Account, minter: Account, alice: Account
) -> None:
    cash.mint(minter, 10, sender=minter)
    receipt = cash.remove_minter(minter, sender=master_minter)
    assert cash.binding.events("MinterRemoved", receipt) == [{"minter": minter.address}]
    assert not cash.is_minter(minter)
    assert cash.minter_allowance(minter) == 0
    with pytest.raises(errors.CashNotMinter):
        cash.burn(10, sender=minter, check=False)
    with pytest.raises(errors.CashNotMinter):
        cash.remove_minter(minter, sender=master_minter)


def test_configure_minter_needs_the_master_minter(
    cash: Stablecoin, minter: Account, alice: Account
) -> None:
    with pytest.raises(errors.AccessControlUnauthorizedAccount) as raised:
        cash.configure_minter(alice, 10, sender=minter)
    role_error(raised, minter, Role.MASTER_MINTER)
    with pytest.raises(errors.AccessControlUnauthorizedAccount) as raised:
        cash.remove_minter(minter, sender=alice)
    role_error(raised, alice, Role.MASTER_MINTER)


def test_configure_minter_refuses_an_allowance_above_the_cap(
    cash: Stablecoin, master_minter: Account, alice: Account
) -> None:
    with pytest.raises(InvalidInput):
        cash.configure_minter(alice, CASH_MAX_SUPPLY + 1, sender=master_minter)
    with pytest.raises(errors.CashAmountTooLarge) as reverted:
        send_raw(cash, "configureMinter", alice.address, CASH_MAX_SUPPLY + 1, sender=master_minter)
    assert reverted.value.arguments == {"amount": CASH_MAX_SUPPLY + 1, "maximum": CASH_MAX_SUPPLY}


def test_burn_destroys_the_minters_own_units(cash: Stablecoin, minter: Account) -> None:
    cash.mint(minter, 100, sender=minter)
    receipt = cash.burn(40, sender=minter)
    assert (cash.balance_of(minter), cash.total_supply()) == (60, 60)
    assert cash.binding.events("Burn", receipt) == [{"burner": minter.address, "amount": 40}]
    with pytest.raises(TransferRestricted) as raised:
        cash.burn(61, sender=minter)
    assert raised.value.code == RestrictionCode.INSUFFICIENT_BALANCE
    with pytest.raises(errors.ERC20InsufficientBalance) as reverted:
        cash.burn(61, sender=minter, check=False)
    assert reverted.value.arguments == {"sender": minter.address, "balance": 60, "needed": 61}


def test_burn_by_a_non_minter_is_refused(cash: Stablecoin, minter: Account, alice: Account) -> None:
    cash.mint(alice, 10, sender=minter)
    with pytest.raises(CashRejected) as raised:
        cash.burn(1, sender=alice)
    assert raised.value.check == CashCheck.NOT_A_MINTER
    with pytest.raises(errors.CashAmountZero):
        send_raw(cash, "burn", 0, sender=minter)


# ---------------------------------------------------------------- transfers


@pytest.mark.usefixtures("funded")
def test_transfer_moves_units(cash: Stablecoin, alice: Account, bob: Account) -> None:
    receipt = cash.using(alice).transfer(bob, 300 * USD)
    assert (cash.balance_of(alice), cash.balance_of(bob)) == (700 * USD, 800 * USD)
    assert cash.binding.events("Transfer", receipt) == [
        {"from": alice.address, "to": bob.address, "value": 300 * USD}
    ]


@pytest.mark.usefixtures("funded")
def test_transfer_to_self_keeps_the_balance(cash: Stablecoin, alice: Account) -> None:
    cash.using(alice).transfer(alice, 300 * USD)
    assert cash.balance_of(alice) == 1_000 * USD


@pytest.mark.usefixtures("funded")
def test_transfer_above_balance_sends_nothing(
    cash: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    block = chain.block_number
    with pytest.raises(TransferRestricted) as raised:
        cash.using(alice).transfer(bob, 1_000 * USD + 1)
    assert raised.value.code == RestrictionCode.INSUFFICIENT_BALANCE
    assert raised.value.message == "Amount exceeds the sender's balance"
    assert chain.block_number == block
    with pytest.raises(errors.ERC20InsufficientBalance):
        cash.using(alice).transfer(bob, 1_000 * USD + 1, check=False)


@pytest.mark.usefixtures("funded")
def test_transfer_from_spends_the_allowance(
    cash: Stablecoin, alice: Account, bob: Account, carol: Account
) -> None:
    cash.using(alice).approve(carol, 100 * USD)
    cash.using(carol).transfer_from(alice, bob, 60 * USD)
    assert cash.allowance(alice, carol) == 40 * USD
    with pytest.raises(CashRejected) as raised:
        cash.using(carol).transfer_from(alice, bob, 41 * USD)
    assert raised.value.check == CashCheck.ALLOWANCE_EXCEEDED
    with pytest.raises(errors.ERC20InsufficientAllowance) as reverted:
        cash.using(carol).transfer_from(alice, bob, 41 * USD, check=False)
    assert reverted.value.arguments == {
        "spender": carol.address,
        "allowance": 40 * USD,
        "needed": 41 * USD,
    }


# ---------------------------------------------------------------- blacklist


@pytest.mark.usefixtures("funded")
def test_blacklisted_sender_cannot_send(
    cash: Stablecoin, blacklister: Account, alice: Account, bob: Account
) -> None:
    receipt = cash.blacklist(alice, sender=blacklister)
    assert cash.binding.events("Blacklisted", receipt) == [{"account": alice.address}]
    with pytest.raises(TransferRestricted) as raised:
        cash.using(alice).transfer(bob, 1)
    assert raised.value.code == RestrictionCode.SENDER_BLACKLISTED
    with pytest.raises(errors.CashAccountBlacklisted) as reverted:
        cash.using(alice).transfer(bob, 1, check=False)
    assert reverted.value.arguments == {"account": alice.address}


@pytest.mark.usefixtures("funded")
def test_blacklisted_receiver_cannot_receive(
    cash: Stablecoin, blacklister: Account, minter: Account, alice: Account, bob: Account
) -> None:
    cash.blacklist(bob, sender=blacklister)
    with pytest.raises(TransferRestricted) as raised:
        cash.using(alice).transfer(bob, 1)
    assert raised.value.code == RestrictionCode.RECEIVER_BLACKLISTED
    with pytest.raises(errors.CashAccountBlacklisted) as reverted:
        cash.using(alice).transfer(bob, 1, check=False)
    assert reverted.value.arguments == {"account": bob.address}
    with pytest.raises(TransferRestricted) as raised:
        cash.mint(bob, 1, sender=minter)
    assert raised.value.code == RestrictionCode.RECEIVER_BLACKLISTED


@pytest.mark.usefixtures("funded")
def test_blacklisted_caller_cannot_spend_an_allowance(
    cash: Stablecoin, blacklister: Account, alice: Account, bob: Account, carol: Account
) -> None:
    cash.using(alice).approve(carol, 100)
    cash.blacklist(carol, sender=blacklister)
    with pytest.raises(CashRejected) as raised:
        cash.using(carol).transfer_from(alice, bob, 1)
    assert (raised.value.check, raised.value.account) == (
        CashCheck.ACCOUNT_BLACKLISTED,
        carol.address,
    )
    with pytest.raises(errors.CashAccountBlacklisted) as reverted:
        cash.using(carol).transfer_from(alice, bob, 1, check=False)
    assert reverted.value.arguments == {"account": carol.address}


@pytest.mark.usefixtures("funded")
def test_blacklisted_accounts_neither_approve_nor_get_approved(
    cash: Stablecoin, blacklister: Account, alice: Account, bob: Account, carol: Account
) -> None:
    cash.blacklist(carol, sender=blacklister)
    for owner, spender in ((alice, carol), (carol, alice)):
        with pytest.raises(CashRejected) as raised:
            cash.using(owner).approve(spender, 1)
        assert raised.value.account == carol.address
        with pytest.raises(errors.CashAccountBlacklisted):
            cash.using(owner).approve(spender, 1, check=False)


@pytest.mark.usefixtures("funded")
def test_blacklisted_minter_cannot_mint(
    cash: Stablecoin, blacklister: Account, minter: Account, alice: Account
) -> None:
    cash.blacklist(minter, sender=blacklister)
    with pytest.raises(CashRejected) as raised:
        cash.mint(alice, 1, sender=minter)
    assert raised.value.check == CashCheck.ACCOUNT_BLACKLISTED
    with pytest.raises(errors.CashAccountBlacklisted):
        cash.mint(alice, 1, sender=minter, check=False)


@pytest.mark.usefixtures("funded")
def test_un_blacklist_restores_the_account(
    cash: Stablecoin, blacklister: Account, alice: Account, bob: Account
) -> None:
    cash.blacklist(alice, sender=blacklister)
    receipt = cash.un_blacklist(alice, sender=blacklister)
    assert cash.binding.events("UnBlacklisted", receipt) == [{"account": alice.address}]
    assert not cash.is_blacklisted(alice)
    cash.using(alice).transfer(bob, 1)


def test_blacklisting_needs_the_blacklister(cash: Stablecoin, alice: Account, bob: Account) -> None:
    for action in (cash.blacklist, cash.un_blacklist):
        with pytest.raises(errors.AccessControlUnauthorizedAccount) as raised:
            action(bob, sender=alice)
        role_error(raised, alice, Role.BLACKLISTER)


@pytest.mark.usefixtures("funded")
def test_seize_moves_a_blacklisted_balance_under_a_court_order(
    cash: Stablecoin, blacklister: Account, pauser: Account, alice: Account, dave: Account
) -> None:
    cash.blacklist(alice, sender=blacklister)
    cash.pause(sender=pauser)  # court orders are executed even while paused
    receipt = cash.seize(alice, dave, 1_000 * USD, order_reference=ORDER, sender=blacklister)
    assert (cash.balance_of(alice), cash.balance_of(dave)) == (0, 1_000 * USD)
    assert cash.binding.events("FundsSeized", receipt) == [
        {
            "account": alice.address,
            "to": dave.address,
            "amount": 1_000 * USD,
            "orderReference": ORDER,
        }
    ]
    assert cash.binding.events("Transfer", receipt) == [
        {"from": alice.address, "to": dave.address, "value": 1_000 * USD}
    ]


@pytest.mark.usefixtures("funded")
def test_seize_needs_a_blacklisted_account(
    cash: Stablecoin, chain: LocalChain, blacklister: Account, alice: Account, dave: Account
) -> None:
    block = chain.block_number
    with pytest.raises(CashRejected) as raised:
        cash.seize(alice, dave, 1, order_reference=ORDER, sender=blacklister)
    assert raised.value.check == CashCheck.ACCOUNT_NOT_BLACKLISTED
    assert chain.block_number == block
    with pytest.raises(errors.CashAccountNotBlacklisted) as reverted:
        cash.seize(alice, dave, 1, order_reference=ORDER, sender=blacklister, check=False)
    assert reverted.value.arguments == {"account": alice.address}


@pytest.mark.usefixtures("funded")
def test_seize_leaves_encumbered_units_to_their_taker(
    cash: Stablecoin, blacklister: Account, alice: Account, carol: Account, dave: Account
) -> None:
    cash.using(alice).encumber(carol, 300 * USD)
    cash.blacklist(alice, sender=blacklister)
    with pytest.raises(CashRejected) as raised:
        cash.seize(alice, dave, 701 * USD, order_reference=ORDER, sender=blacklister)
    assert raised.value.check == CashCheck.AVAILABLE_BALANCE_EXCEEDED
    with pytest.raises(errors.CashInsufficientAvailableBalance) as reverted:
        cash.seize(alice, dave, 701 * USD, order_reference=ORDER, sender=blacklister, check=False)
    assert reverted.value.arguments == {
        "owner": alice.address,
        "available": 700 * USD,
        "amount": 701 * USD,
    }
    cash.seize(alice, dave, 700 * USD, order_reference=ORDER, sender=blacklister)
    cash.using(carol).release(alice, 300 * USD)  # the taker gives up its claim...
    cash.seize(alice, dave, 300 * USD, order_reference=ORDER, sender=blacklister)  # ...then it goes
    assert (cash.balance_of(alice), cash.balance_of(dave)) == (0, 1_000 * USD)


@pytest.mark.usefixtures("funded")
def test_seize_to_a_blacklisted_receiver_is_refused(
    cash: Stablecoin, blacklister: Account, alice: Account, dave: Account
) -> None:
    cash.blacklist(alice, sender=blacklister)
    cash.blacklist(dave, sender=blacklister)
    with pytest.raises(TransferRestricted) as raised:
        cash.seize(alice, dave, 1, order_reference=ORDER, sender=blacklister)
    assert raised.value.code == RestrictionCode.RECEIVER_BLACKLISTED
    with pytest.raises(errors.CashAccountBlacklisted) as reverted:
        cash.seize(alice, dave, 1, order_reference=ORDER, sender=blacklister, check=False)
    assert reverted.value.arguments == {"account": dave.address}


@pytest.mark.usefixtures("funded")
def test_seize_needs_the_blacklister_and_an_amount(
    cash: Stablecoin, blacklister: Account, agent: Account, alice: Account, dave: Account
) -> None:
    cash.blacklist(alice, sender=blacklister)
    with pytest.raises(errors.AccessControlUnauthorizedAccount) as raised:
        cash.seize(alice, dave, 1, order_reference=ORDER, sender=agent)
    role_error(raised, agent, Role.BLACKLISTER)
    with pytest.raises(InvalidInput):
        cash.seize(alice, dave, 0, order_reference=ORDER, sender=blacklister)
    with pytest.raises(InvalidInput):
        cash.seize(alice, dave, 1, order_reference=b"short", sender=blacklister)
    with pytest.raises(errors.CashAmountZero):
        send_raw(cash, "seize", alice.address, dave.address, 0, ORDER, sender=blacklister)


# ---------------------------------------------------------------- pause


@pytest.mark.usefixtures("funded")
def test_pause_stops_movements_but_not_approvals(
    cash: Stablecoin, pauser: Account, minter: Account, alice: Account, bob: Account
) -> None:
    receipt = cash.pause(sender=pauser)
    assert cash.binding.events("Paused", receipt) == [{"account": pauser.address}]
    with pytest.raises(TransferRestricted) as raised:
        cash.using(alice).transfer(bob, 1)
    assert raised.value.code == RestrictionCode.TOKEN_PAUSED
    for send in (
        lambda: cash.using(alice).transfer(bob, 1, check=False),
        lambda: cash.mint(bob, 1, sender=minter, check=False),
        lambda: cash.using(alice).encumber(bob, 1, check=False),
    ):
        with pytest.raises(errors.CashPaused):
            send()
    cash.using(alice).approve(bob, 0)  # a holder can still revoke a spender
    cash.unpause(sender=pauser)
    cash.using(alice).transfer(bob, 1)


def test_pause_needs_the_pauser(cash: Stablecoin, alice: Account) -> None:
    for action in (cash.pause, cash.unpause):
        with pytest.raises(errors.AccessControlUnauthorizedAccount) as raised:
            action(sender=alice)
        role_error(raised, alice, Role.PAUSER)


# ---------------------------------------------------------------- tokenised deposit


@pytest.fixture
def deposit(
    cash: Stablecoin, ledger: Ledger, onboard: Onboard, officer: Account, minter: Account,
    alice: Account, bob: Account,
) -> Stablecoin:  # fmt: skip
    """The stablecoin restricted to the registry, alice and bob onboarded with 100 USD each."""
    onboard(alice)
    onboard(bob)
    receipt = cash.set_identity_registry(ledger.registry.address, sender=officer)
    assert cash.binding.events("IdentityRegistryChanged", receipt) == [
        {"registry": ledger.registry.address}
    ]
    cash.mint(alice, 100 * USD, sender=minter)
    cash.mint(bob, 100 * USD, sender=minter)
    return cash


def test_deposit_moves_between_eligible_wallets(
    deposit: Stablecoin, alice: Account, bob: Account
) -> None:
    deposit.using(alice).transfer(bob, 10 * USD)
    assert deposit.balance_of(bob) == 110 * USD


def test_deposit_refuses_an_unregistered_wallet(
    deposit: Stablecoin, minter: Account, alice: Account, carol: Account
) -> None:
    with pytest.raises(TransferRestricted) as raised:
        deposit.using(alice).transfer(carol, 1)
    assert raised.value.code == RestrictionCode.RECEIVER_NOT_REGISTERED
    with pytest.raises(errors.CashWalletNotEligible) as reverted:
        deposit.using(alice).transfer(carol, 1, check=False)
    assert reverted.value.arguments == {
        "wallet": carol.address,
        "code": RestrictionCode.RECEIVER_NOT_REGISTERED,
    }
    with pytest.raises(TransferRestricted) as raised:
        deposit.mint(carol, 1, sender=minter)
    assert raised.value.code == RestrictionCode.RECEIVER_NOT_REGISTERED


def test_deposit_refuses_a_frozen_investor(
    deposit: Stablecoin, registry: IdentityRegistry, alice: Account, bob: Account
) -> None:
    registry.set_investor_frozen(investor_id(alice.name), True)
    with pytest.raises(TransferRestricted) as raised:
        deposit.using(alice).transfer(bob, 1)
    assert raised.value.code == RestrictionCode.SENDER_FROZEN
    with pytest.raises(errors.CashWalletNotEligible) as reverted:
        deposit.using(alice).transfer(bob, 1, check=False)
    assert reverted.value.arguments == {
        "wallet": alice.address,
        "code": RestrictionCode.SENDER_FROZEN,
    }
    with pytest.raises(TransferRestricted) as raised:
        deposit.using(bob).transfer(alice, 1)
    assert raised.value.code == RestrictionCode.RECEIVER_FROZEN


def test_deposit_refuses_an_expired_kyc(
    deposit: Stablecoin, chain: LocalChain, alice: Account, bob: Account
) -> None:
    chain.advance_time(2 * YEAR)
    with pytest.raises(TransferRestricted) as raised:
        deposit.using(alice).transfer(bob, 1)
    assert raised.value.code == RestrictionCode.SENDER_KYC_EXPIRED
    with pytest.raises(errors.CashWalletNotEligible) as reverted:
        deposit.using(alice).transfer(bob, 1, check=False)
    assert reverted.value.arguments["code"] == RestrictionCode.SENDER_KYC_EXPIRED


def test_deposit_restriction_can_be_lifted(
    deposit: Stablecoin, officer: Account, alice: Account, carol: Account
) -> None:
    deposit.set_identity_registry(None, sender=officer)
    assert deposit.identity_registry() is None
    deposit.using(alice).transfer(carol, 1)
    assert deposit.balance_of(carol) == 1


def test_restricted_deployment_binds_the_registry() -> None:
    chain = LocalChain()
    accounts = chain.accounts
    holders = {name: accounts[name].address for name in ROLE_HOLDERS.values()}
    config = dataclasses.replace(
        development_config(holders), cash=CashSpec("Acme Deposit", "ADEP", restricted=True)
    )
    manifest = Manifest(
        chain.chain_id, "development", accounts["deployer"].address, compiler_record()
    )
    Deployment(chain, accounts["deployer"], system_plan(config), manifest).run()
    ledger = Ledger.from_manifest(chain, manifest)
    assert ledger.cash.identity_registry() == ledger.registry.address
    assert (ledger.cash.name, ledger.cash.symbol) == ("Acme Deposit", "ADEP")
    ledger.cash.configure_minter(accounts["minter"], 10, sender=accounts["master_minter"])
    with pytest.raises(TransferRestricted) as raised:
        ledger.cash.mint(accounts["alice"], 1, sender=accounts["minter"])
    assert raised.value.code == RestrictionCode.RECEIVER_NOT_REGISTERED


def test_set_identity_registry_refuses_a_non_contract_and_a_non_officer(
    cash: Stablecoin, officer: Account, alice: Account
) -> None:
    with pytest.raises(errors.CashRegistryInvalid) as reverted:
        cash.set_identity_registry(alice, sender=officer)
    assert reverted.value.arguments == {"registry": alice.address}
    with pytest.raises(errors.AccessControlUnauthorizedAccount) as raised:
        cash.set_identity_registry(None, sender=alice)
    role_error(raised, alice, Role.COMPLIANCE_OFFICER)


# ---------------------------------------------------------------- rescue


def test_rescue_returns_tokens_sent_to_the_contract(
    cash: Stablecoin, ledger: Ledger, deployer: Account, rescuer: Account, alice: Account
) -> None:
    stray = ledger.chain.deploy(
        deployer, artifact("PlainERC20").bytecode + (10**6).to_bytes(32, "big")
    )
    plain = Stablecoin(ledger.chain, stray)  # the ERC-20 functions are all the test needs
    plain.binding.transact("transfer", cash.address, 500, sender=deployer)
    receipt = cash.rescue_erc20(stray, alice, 500, sender=rescuer)
    assert plain.balance_of(alice) == 500
    assert plain.balance_of(cash.address) == 0
    assert cash.binding.events("TokensRescued", receipt) == [
        {"token": stray, "to": alice.address, "amount": 500}
    ]
    with pytest.raises(CashRejected) as raised:
        cash.rescue_erc20(stray, alice, 1, sender=rescuer)
    assert raised.value.check == CashCheck.AVAILABLE_BALANCE_EXCEEDED


@pytest.mark.usefixtures("funded")
def test_rescue_returns_the_stablecoin_itself(
    cash: Stablecoin, rescuer: Account, alice: Account
) -> None:
    cash.using(alice).transfer(cash.address, 5 * USD)
    cash.rescue_erc20(cash.address, alice, 5 * USD, sender=rescuer)
    assert (cash.balance_of(cash.address), cash.balance_of(alice)) == (0, 1_000 * USD)


def test_rescue_needs_the_rescuer(cash: Stablecoin, alice: Account) -> None:
    with pytest.raises(errors.AccessControlUnauthorizedAccount) as raised:
        cash.rescue_erc20(cash.address, alice, 1, sender=alice, check=False)
    role_error(raised, alice, Role.RESCUER)
