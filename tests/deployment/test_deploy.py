"""`permledger deploy` against anvil: a full deployment, the role handover, re-runs, dry runs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from eth_utils import keccak
from eth_utils.address import to_checksum_address
from rlp import encode as rlp_encode
from tests.deployment.conftest import ANVIL_ADDRESS, HOLDERS, Deploy

from permledger import errors
from permledger.anvil import AnvilNode, dev_account
from permledger.deployment.config import load_config
from permledger.deployment.plan import LIFECYCLE, system_plan
from permledger.drivers import EntitlementToken, PermledgerAuthority
from permledger.ledger import Ledger
from permledger.rpc_chain import RpcChain
from permledger.types import Role


def created_address(sender: str, nonce: int) -> str:
    """The address CREATE gives the `nonce`-th transaction of `sender`."""
    return to_checksum_address(keccak(rlp_encode([bytes.fromhex(sender[2:]), nonce]))[12:])


def test_deploy_records_each_contract_and_hands_every_role_over(
    run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path
) -> None:
    manifest = run_deploy()
    chain = RpcChain(anvil_node.url)
    saved = json.loads((tmp_path / "manifest.json").read_text())
    assert saved["chain_id"] == 31337
    assert saved["compiler"]["version"].startswith("0.8.30")
    assert saved["pending"] is None
    names = list(saved["contracts"])
    assert names == [
        "authority",
        "identity_registry_implementation",
        "identity_registry",
        "transfer_compliance_implementation",
        "transfer_compliance",
        "entitlement_token_implementation",
        "token.ACME",
        "token.BOND",
        "stablecoin_implementation",
        "stablecoin",
        *(f"{name}{suffix}" for name in LIFECYCLE for suffix in ("_implementation", "")),
    ]
    # One transaction per step, contracts at the addresses their nonces give: nothing twice.
    # Besides deployments: redemptions' issuer grant, the role handover, the admin transfer.
    steps = len(names) + 1 + len(HOLDERS) + 1
    assert chain.get_nonce(manifest.deployer) == steps
    for nonce, name in enumerate(names):
        entry = saved["contracts"][name]
        assert entry["address"] == created_address(ANVIL_ADDRESS, nonce)
        assert entry["code_hash"] == "0x" + keccak(chain.get_code(entry["address"])).hex()
        assert (
            chain.find_receipt(bytes.fromhex(entry["tx_hash"][2:])).block_number
            == entry["block_number"]
        )
    authority = PermledgerAuthority(chain, manifest.address("authority"))
    holders = authority.role_holders()
    assert holders[Role.ISSUER] == [manifest.address("redemptions"), dev_account("issuer").address]
    assert holders[Role.UPGRADER] == [dev_account("upgrader").address]
    # The deployer keeps no role but the default admin, whose two-step handover is under way.
    assert [role for role, members in holders.items() if ANVIL_ADDRESS in members] == [
        Role.DEFAULT_ADMIN
    ]
    new_admin, accept_after = authority.pending_default_admin()
    assert new_admin == dev_account("admin").address
    assert saved["admin_transfer"] == {"new_admin": new_admin, "accept_after": accept_after}
    bond = EntitlementToken(chain, manifest.address("token.BOND"))
    assert (bond.symbol, bond.decimals, bond.name) == ("BOND", 2, "Acme 5% 2030")


def test_new_admin_accepts_after_the_delay_and_the_deployer_holds_nothing(
    run_deploy: Deploy, anvil_node: AnvilNode
) -> None:
    manifest = run_deploy()
    admin = dev_account("admin")
    chain = RpcChain(anvil_node.url, [admin])
    chain.request("anvil_setBalance", [admin.address, hex(10**18)])
    authority = PermledgerAuthority(chain, manifest.address("authority"), sender=admin)
    with pytest.raises(errors.AccessControlEnforcedDefaultAdminDelay):
        authority.accept_default_admin_transfer()
    chain.request("evm_increaseTime", [3601])
    chain.request("evm_mine")
    authority.accept_default_admin_transfer()
    assert authority.default_admin() == admin.address
    assert not authority.has_role(Role.DEFAULT_ADMIN, ANVIL_ADDRESS)
    assert all(ANVIL_ADDRESS not in members for members in authority.role_holders().values())


def test_running_again_after_completion_sends_nothing(
    run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path
) -> None:
    first = run_deploy()
    before = (tmp_path / "manifest.json").read_text()
    nonce = RpcChain(anvil_node.url).get_nonce(first.deployer)
    out = io.StringIO()
    run_deploy(out=out)
    assert RpcChain(anvil_node.url).get_nonce(first.deployer) == nonce
    assert (tmp_path / "manifest.json").read_text() == before
    assert f"deploying 0 of {nonce} steps" in out.getvalue()  # one transaction per step


def test_dry_run_prints_the_plan_and_cost_and_sends_nothing(
    run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path, config_file: Path
) -> None:
    out = io.StringIO()
    run_deploy(dry_run=True, out=out)
    text = out.getvalue()
    assert "deploy PermledgerAuthority as authority" in text
    assert "begin default admin transfer to" in text
    assert f"steps left: {len(system_plan(load_config(config_file)))}" in text
    assert "estimated cost:" in text
    assert "ether" in text
    assert "(enough)" in text
    assert RpcChain(anvil_node.url).get_nonce(ANVIL_ADDRESS) == 0
    assert not (tmp_path / "manifest.json").exists()


def test_connect_gives_the_typed_sdk_over_http(
    run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path
) -> None:
    from permledger.errors import TransferRestricted
    from permledger.types import InvestorClass, RestrictionCode, investor_id

    run_deploy()
    officer, issuer = dev_account("compliance"), dev_account("issuer")
    alice, bob, carol = (dev_account(n) for n in ("alice", "bob", "carol"))
    admin_chain = RpcChain(anvil_node.url)
    for account in (officer, issuer, alice):
        admin_chain.request("anvil_setBalance", [account.address, hex(10**18)])
    manifest = tmp_path / "manifest.json"
    registry = Ledger.connect(anvil_node.url, manifest, officer).registry
    expiry = admin_chain.timestamp + 365 * 24 * 3600
    for account in (alice, bob):
        registry.register_investor(
            investor_id(account.name), country=840, investor_class=InvestorClass.ACCREDITED,
            kyc_expiry=expiry, wallet=account,
        )  # fmt: skip
    Ledger.connect(anvil_node.url, manifest, issuer).tokens["ACME"].mint(alice, 1_000)
    ledger = Ledger.connect(anvil_node.url, manifest, alice)
    token = ledger.tokens["ACME"]
    receipt = token.transfer(bob, 300)
    assert token.binding.events("Transfer", receipt)[0]["value"] == 300
    block = ledger.chain.block_number
    with pytest.raises(TransferRestricted) as rejected:
        token.transfer(carol, 1)  # carol is not registered: refused before sending
    assert rejected.value.code == RestrictionCode.RECEIVER_NOT_REGISTERED
    assert ledger.chain.block_number == block
    assert (token.balance_of(alice), token.balance_of(bob)) == (700, 300)
    codes = [
        r.code
        for r in token.check_transfers([(alice, bob, 1), (alice, carol, 1), (bob, alice, 301)])
    ]
    assert codes == [
        RestrictionCode.SUCCESS,
        RestrictionCode.RECEIVER_NOT_REGISTERED,
        RestrictionCode.INSUFFICIENT_BALANCE,
    ]


def test_status_prints_contracts_roles_supply_and_investors(
    run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path
) -> None:
    from permledger.status import show

    manifest = run_deploy()
    out = io.StringIO()
    show(tmp_path / "manifest.json", anvil_node.url, out=out)
    text = out.getvalue()
    assert text.count("code ok") == len(manifest.contracts)
    assert f"ISSUER: {manifest.address('redemptions')}, {dev_account('issuer').address}" in text
    assert f"DEFAULT_ADMIN (delay 3600 s): {ANVIL_ADDRESS}" in text
    assert f"pending admin {dev_account('admin').address}" in text
    assert "ACME (Acme Corp Class A Shares)" in text
    assert "active, supply 0, 0 investors" in text
    assert "investors registered: 0" in text
    offline = io.StringIO()
    show(tmp_path / "manifest.json", None, out=offline)
    assert "the manifest only" in offline.getvalue()
