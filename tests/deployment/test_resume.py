"""Interrupted deployments resume from the manifest and deploy nothing twice.

The kill tests run the operator script in a real subprocess against an anvil that mines only
when the test says so (`--no-mining`), so the process is killed with SIGKILL at a known point:
its transaction signed, recorded as pending and broadcast, but not yet mined.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.deployment.conftest import ANVIL_ADDRESS, ANVIL_KEY
from tests.deployment.test_deploy import created_address

from permledger import errors
from permledger.anvil import AnvilNode
from permledger.deployment.config import load_config
from permledger.deployment.executor import Deployment, compiler_record
from permledger.deployment.manifest import Manifest
from permledger.deployment.plan import Call, system_plan
from permledger.rpc_chain import RpcChain, RpcSettings
from permledger.types import Role

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "deploy.py"


def read(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        return data
    except (OSError, ValueError):
        return None


def kill_mid_deployment(
    node: AnvilNode, manifest: Path, config: Path, after: int
) -> dict[str, Any]:
    """Run scripts/deploy.py, mine its first `after` steps, then SIGKILL it with one tx in flight."""
    chain = RpcChain(node.url)
    env = {**os.environ, "PERMLEDGER_DEPLOYER_KEY": ANVIL_KEY}
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--rpc-url", node.url, "--manifest", str(manifest),
         "--config", str(config), "--poll-interval", "0.01"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            data = read(manifest)
            pending = data and data["pending"]
            if (
                pending
                and chain.transaction_state(bytes.fromhex(pending["tx_hash"][2:])) == "pending"
            ):
                if len(data["contracts"]) + len(data["steps"]) >= after:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
                    return data
                chain.request("evm_mine")
            time.sleep(0.01)
        raise AssertionError("the deployment never reached the kill point")
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def assert_deployed_once(node: AnvilNode, manifest: Path, config: Path) -> None:
    """Every step done once: one nonce per step, contracts at the addresses of their nonces."""
    total_steps = len(system_plan(load_config(config)))
    data = json.loads(manifest.read_text())
    chain = RpcChain(node.url)
    assert data["pending"] is None
    assert len(data["contracts"]) + len(data["steps"]) == total_steps
    assert chain.get_nonce(ANVIL_ADDRESS) == total_steps
    for nonce, entry in enumerate(data["contracts"].values()):
        assert entry["address"] == created_address(ANVIL_ADDRESS, nonce)
        assert chain.get_code(entry["address"])


@pytest.fixture
def quiet_node() -> Any:
    """An anvil that mines only on `evm_mine`."""
    with AnvilNode(automine=False) as node:
        yield node


def test_killed_while_a_transaction_is_in_flight_resumes_by_looking_it_up(
    quiet_node: AnvilNode, tmp_path: Path, config_file: Path
) -> None:
    manifest = tmp_path / "manifest.json"
    killed = kill_mid_deployment(quiet_node, manifest, config_file, after=4)
    in_flight = killed["pending"]
    chain = RpcChain(quiet_node.url)
    chain.request("evm_mine")  # mined while nobody was watching
    chain.request("evm_setAutomine", [True])
    deploy_in_process(quiet_node, manifest, config_file)
    assert_deployed_once(quiet_node, manifest, config_file)
    recorded = json.loads(manifest.read_text())
    done = {**recorded["contracts"], **recorded["steps"]}[in_flight["step"]]
    assert done["tx_hash"] == in_flight["tx_hash"]


def test_killed_and_the_transaction_dropped_sends_the_same_bytes_again(
    quiet_node: AnvilNode, tmp_path: Path, config_file: Path
) -> None:
    manifest = tmp_path / "manifest.json"
    killed = kill_mid_deployment(quiet_node, manifest, config_file, after=6)
    in_flight = killed["pending"]
    chain = RpcChain(quiet_node.url)
    chain.request("anvil_dropTransaction", [in_flight["tx_hash"]])
    assert chain.transaction_state(bytes.fromhex(in_flight["tx_hash"][2:])) == "unknown"
    chain.request("evm_setAutomine", [True])
    deploy_in_process(quiet_node, manifest, config_file)
    assert_deployed_once(quiet_node, manifest, config_file)
    recorded = json.loads(manifest.read_text())
    assert {**recorded["contracts"], **recorded["steps"]}[in_flight["step"]]["tx_hash"] == (
        in_flight["tx_hash"]
    )


def deploy_in_process(node: AnvilNode, manifest: Path, config: Path) -> None:
    from permledger.deploy import main

    os.environ["PERMLEDGER_DEPLOYER_KEY"] = ANVIL_KEY
    try:
        assert main(["--rpc-url", node.url, "--manifest", str(manifest), "--config", str(config),
                     "--poll-interval", "0.01"]) == 0  # fmt: skip
    finally:
        del os.environ["PERMLEDGER_DEPLOYER_KEY"]


def test_a_failing_step_keeps_what_was_done_and_a_rerun_resumes(
    anvil_node: AnvilNode, tmp_path: Path, config_file: Path
) -> None:
    from permledger.deployment.keys import load_deployer

    deployer = load_deployer({"PERMLEDGER_DEPLOYER_KEY": ANVIL_KEY})
    chain = RpcChain(anvil_node.url, [deployer], RpcSettings(poll_interval=0.01))
    config = load_config(config_file)
    good = system_plan(config)
    # The default admin role cannot be granted directly (AccessControlDefaultAdminRules).
    bad = Call("grant admin", "authority", "PermledgerAuthority", "grantRole",
               (Role.DEFAULT_ADMIN.value, ANVIL_ADDRESS))  # fmt: skip
    path = tmp_path / "manifest.json"
    manifest = Manifest(chain.chain_id, "anvil", deployer.address, compiler_record(), path=path)
    with pytest.raises(
        errors.DeploymentFailed, match=r"AccessControlEnforcedDefaultAdminRules\(\)"
    ) as failed:
        Deployment(chain, deployer, [*good[:3], bad, *good[3:]], manifest).run()
    assert failed.value.step == "grant admin"
    assert failed.value.tx_hash is None
    assert list(Manifest.load(path).contracts) == [s.key for s in good[:3]]
    assert chain.get_nonce(deployer.address) == 3
    Deployment(chain, deployer, good, Manifest.load(path)).run()
    assert_deployed_once(anvil_node, path, config_file)


def test_a_pending_transaction_that_reverted_is_reported_with_its_hash(
    anvil_node: AnvilNode, tmp_path: Path, config_file: Path
) -> None:
    from permledger.deployment.keys import load_deployer

    deployer = load_deployer({"PERMLEDGER_DEPLOYER_KEY": ANVIL_KEY})
    chain = RpcChain(anvil_node.url, [deployer], RpcSettings(poll_interval=0.01))
    good = system_plan(load_config(config_file))
    path = tmp_path / "manifest.json"
    manifest = Manifest(chain.chain_id, "anvil", deployer.address, compiler_record(), path=path)
    Deployment(chain, deployer, good[:1], manifest).run()
    bad = Call("grant admin", "authority", "PermledgerAuthority", "grantRole",
               (Role.DEFAULT_ADMIN.value, ANVIL_ADDRESS))  # fmt: skip
    # A previous run signed and sent it (with a fixed gas limit, so it was mined) and died.
    to, data = bad.transaction(manifest, deployer.address)
    signed = chain.sign_transaction(deployer, to, data, gas=200_000)
    manifest.pending = {"step": bad.key, "tx_hash": "0x" + signed.tx_hash.hex(),
                        "nonce": signed.nonce, "gas": 200_000, "raw": "0x" + signed.raw.hex()}  # fmt: skip
    manifest.save()
    chain.broadcast(signed)
    with pytest.raises(errors.DeploymentFailed) as failed:
        Deployment(chain, deployer, [good[0], bad], Manifest.load(path)).run()
    assert failed.value.tx_hash == signed.tx_hash
    assert "AccessControlEnforcedDefaultAdminRules" in failed.value.reason
    assert Manifest.load(path).pending is None
    assert chain.get_nonce(deployer.address) == 2
