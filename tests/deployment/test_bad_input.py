"""Bad input to `permledger deploy`: a typed error before anything is sent, nothing lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.deployment.conftest import ANVIL_ADDRESS, ANVIL_KEY, Deploy

from permledger import errors
from permledger.anvil import AnvilNode, dev_account, free_port
from permledger.rpc_chain import RpcChain


def nonce(node: AnvilNode, address: str = ANVIL_ADDRESS) -> int:
    return RpcChain(node.url).get_nonce(address)


@pytest.fixture
def deployed(run_deploy: Deploy, tmp_path: Path) -> str:
    """A finished deployment's manifest text."""
    run_deploy()
    return (tmp_path / "manifest.json").read_text()


def test_unreachable_node(run_deploy: Deploy, deployed: str, tmp_path: Path) -> None:
    with pytest.raises(errors.NodeUnreachable, match="no JSON-RPC node answers"):
        run_deploy(url=f"http://127.0.0.1:{free_port()}")
    assert (tmp_path / "manifest.json").read_text() == deployed


def test_wrong_chain_id(run_deploy: Deploy, anvil_node: AnvilNode) -> None:
    with pytest.raises(errors.ChainIdMismatch) as raised:
        run_deploy(network="sepolia")
    assert (raised.value.expected, raised.value.actual) == (11155111, 31337)
    assert nonce(anvil_node) == 0


def test_unknown_network(run_deploy: Deploy, anvil_node: AnvilNode) -> None:
    with pytest.raises(errors.ConfigurationError, match="unknown network 'mainnet'"):
        run_deploy(network="mainnet")
    assert nonce(anvil_node) == 0


def test_unfunded_deployer(run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path) -> None:
    pauper = dev_account("pauper")
    with pytest.raises(errors.DeployerUnfunded) as raised:
        run_deploy(env={"PERMLEDGER_DEPLOYER_KEY": "0x" + pauper.private_key.hex()})
    assert raised.value.balance == 0
    assert raised.value.needed > 0
    assert nonce(anvil_node, pauper.address) == 0
    assert not (tmp_path / "manifest.json").exists()


def test_manifest_from_another_chain(run_deploy: Deploy, deployed: str, tmp_path: Path) -> None:
    other = json.loads(deployed) | {"chain_id": 11155111}
    (tmp_path / "manifest.json").write_text(json.dumps(other))
    with pytest.raises(errors.ManifestChainMismatch, match="chain 11155111"):
        run_deploy()
    assert json.loads((tmp_path / "manifest.json").read_text()) == other


def test_manifest_of_another_deployer(run_deploy: Deploy, deployed: str, tmp_path: Path) -> None:
    stranger = dev_account("stranger")
    with pytest.raises(errors.ManifestChainMismatch, match="was deployed by"):
        run_deploy(env={"PERMLEDGER_DEPLOYER_KEY": "0x" + stranger.private_key.hex()})
    assert (tmp_path / "manifest.json").read_text() == deployed


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": 1, "chain_id": 31337, "contr', "not JSON"),
        ("[]", "malformed"),
        ('{"format": 1, "chain_id": 31337, "network": "anvil"}', "malformed"),
    ],
)
def test_corrupted_manifest(
    run_deploy: Deploy, anvil_node: AnvilNode, tmp_path: Path, text: str, problem: str
) -> None:
    (tmp_path / "manifest.json").write_text(text)
    with pytest.raises(errors.ManifestCorrupt, match=problem):
        run_deploy()
    assert (tmp_path / "manifest.json").read_text() == text
    assert nonce(anvil_node) == 0


def test_missing_key(run_deploy: Deploy, anvil_node: AnvilNode) -> None:
    with pytest.raises(errors.KeyUnavailable, match="PERMLEDGER_DEPLOYER_KEY"):
        run_deploy(env={})
    assert nonce(anvil_node) == 0


def test_contracts_missing_on_chain_are_reported_not_replaced(
    run_deploy: Deploy, deployed: str, tmp_path: Path
) -> None:
    with AnvilNode() as fresh:  # the same chain id, but none of the manifest's contracts
        with pytest.raises(errors.ManifestCodeMismatch) as raised:
            run_deploy(url=fresh.url)
        assert nonce(fresh) == 0
    assert set(raised.value.mismatches) == set(json.loads(deployed)["contracts"])
    assert (tmp_path / "manifest.json").read_text() == deployed


def test_cli_reports_errors_without_showing_the_key(
    anvil_node: AnvilNode, tmp_path: Path, config_file: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from permledger.cli import main

    manifest = tmp_path / "manifest.json"
    manifest.write_text("garbage")
    monkeypatch.setenv("PERMLEDGER_DEPLOYER_KEY", ANVIL_KEY)
    argv = ["deploy", "--rpc-url", anvil_node.url, "--manifest", str(manifest),
            "--config", str(config_file), "--poll-interval", "0.01"]  # fmt: skip
    assert main(argv) == 2
    failed = capsys.readouterr()
    assert "is not JSON" in failed.err
    assert "nothing was sent" in failed.err
    manifest.unlink()
    assert main(argv) == 0
    done = capsys.readouterr()
    monkeypatch.setenv("PERMLEDGER_DEPLOYER_KEY", "0x1234" + ANVIL_KEY[6:-1] + "z")
    assert main(argv) == 2
    malformed = capsys.readouterr()
    assert "not a 32-byte hex private key" in malformed.err
    for text in (failed.out, failed.err, done.out, done.err, malformed.err, manifest.read_text()):
        assert ANVIL_KEY[2:] not in text.lower()
        assert ANVIL_KEY[6:-1] not in text.lower()
