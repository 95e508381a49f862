"""Helpers for the deployment tests: an anvil per test, a funded deployer, a config file."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from permledger.anvil import AnvilNode, dev_account
from permledger.deploy import DeployOptions, deploy
from permledger.deployment.manifest import Manifest

ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
"""anvil's first default account (funded with 10,000 ether): the deployer in these tests."""
ANVIL_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

HOLDERS = {
    "issuer": "issuer",
    "transfer_agent": "agent",
    "compliance_officer": "compliance",
    "pauser": "pauser",
    "upgrader": "upgrader",
    "master_minter": "master_minter",
    "blacklister": "blacklister",
    "rescuer": "rescuer",
}

Deploy = Callable[..., Manifest]


def write_config(path: Path, *, admin: str | None = None, delay: int = 3600) -> Path:
    """A config giving each role to a development account and the admin role to `admin`."""
    roles = "\n".join(f'{key} = "{dev_account(name).address}"' for key, name in HOLDERS.items())
    admin_line = f'admin = "{admin}"' if admin else 'admin = "deployer"'
    path.write_text(
        f'network = "anvil"\n\n[authority]\n{admin_line}\nadmin_transfer_delay = {delay}\n\n'
        f'[roles]\n{roles}\n\n[[tokens]]\nsymbol = "ACME"\n\n[[tokens]]\nsymbol = "BOND"\n'
        'name = "Acme 5% 2030"\ndecimals = 2\n'
    )
    return path


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A config handing the admin role to the development account "admin" after one hour."""
    return write_config(tmp_path / "deploy.toml", admin=dev_account("admin").address)


@pytest.fixture
def run_deploy(anvil_node: AnvilNode, tmp_path: Path, config_file: Path) -> Deploy:
    """Run `permledger deploy` in process against the test's anvil; returns the manifest."""

    def run(
        *,
        manifest: Path | None = None,
        env: dict[str, str] | None = None,
        url: str | None = None,
        out: io.StringIO | None = None,
        **options: object,
    ) -> Manifest:
        chosen = DeployOptions(
            rpc_url=url or anvil_node.url,
            manifest=manifest or tmp_path / "manifest.json",
            config=config_file,
            poll_interval=0.01,
            **options,  # type: ignore[arg-type]
        )
        environ = {"PERMLEDGER_DEPLOYER_KEY": ANVIL_KEY} if env is None else env
        return deploy(chosen, environ, out=out or io.StringIO())

    return run
