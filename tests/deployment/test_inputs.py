"""Keys, config files and manifests, without a node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account as EthAccount

from permledger import errors
from permledger.deployment.config import DEPLOYER, load_config
from permledger.deployment.executor import compiler_record
from permledger.deployment.keys import load_deployer
from permledger.deployment.manifest import Manifest
from permledger.deployment.plan import CASH, DeployProxy, Ref, by_key, system_plan
from permledger.types import CashSpec, Role

KEY = "0x" + "11" * 32
ADDRESS = EthAccount.from_key(KEY).address


def test_key_from_the_environment() -> None:
    account = load_deployer({"PERMLEDGER_DEPLOYER_KEY": KEY})
    assert account.address == ADDRESS
    assert KEY[2:] not in repr(account)


def test_key_from_a_keystore_with_the_password_in_the_environment(tmp_path: Path) -> None:
    store = tmp_path / "deployer.json"
    store.write_text(json.dumps(EthAccount.encrypt(KEY, "secret", iterations=2)))
    environ = {"PERMLEDGER_DEPLOYER_PASSWORD": "secret"}
    assert load_deployer(environ, keystore=store).address == ADDRESS
    asked: list[str] = []
    prompted = load_deployer({}, keystore=store, prompt=lambda text: asked.append(text) or "secret")
    assert prompted.address == ADDRESS
    assert asked
    with pytest.raises(errors.KeyUnavailable, match="wrong password") as wrong:
        load_deployer({"PERMLEDGER_DEPLOYER_PASSWORD": "guess"}, keystore=store)
    assert "guess" not in str(wrong.value)


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({}, "no deployer key"),
        ({"PERMLEDGER_DEPLOYER_KEY": "0x1234"}, "not a 32-byte hex private key"),
        ({"PERMLEDGER_DEPLOYER_KEY": "zz" * 32}, "not a 32-byte hex private key"),
        ({"PERMLEDGER_DEPLOYER_KEY": "0x" + "00" * 32}, "not hold a valid"),
        ({"PERMLEDGER_DEPLOYER_KEY": KEY, "PERMLEDGER_DEPLOYER_KEYSTORE": "x.json"}, "use one"),
        ({"PERMLEDGER_DEPLOYER_KEYSTORE": "/nonexistent/k.json"}, "cannot read keystore"),
    ],
)
def test_unusable_keys_are_refused_without_showing_them(
    environ: dict[str, str], problem: str
) -> None:
    with pytest.raises(errors.KeyUnavailable, match=problem) as raised:
        load_deployer(environ)
    secret = environ.get("PERMLEDGER_DEPLOYER_KEY", "")
    assert not secret or secret.removeprefix("0x") not in str(raised.value)


def test_config_file_gives_roles_admin_tokens_and_networks(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'network = "besu"\n[networks]\nbesu = 1337\n[authority]\nadmin = "{ADDRESS}"\n'
        f'[roles]\nissuer = ["{ADDRESS}", "deployer"]\n[[tokens]]\nsymbol = "T"\nterms_hash = "0x{"ab" * 32}"\n'
    )
    config = load_config(path)
    assert config.chain_id_of("besu") == 1337
    assert config.chain_id_of("hoodi") == 560048
    assert config.roles[Role.ISSUER] == (ADDRESS, DEPLOYER)
    assert config.tokens[0].terms_hash == bytes.fromhex("ab" * 32)
    keys = [step.key for step in system_plan(config)]
    assert keys[-3:] == [f"grant ISSUER to {ADDRESS}", "grant ISSUER to deployer",
                         f"begin default admin transfer to {ADDRESS}"]  # fmt: skip


def test_config_file_gives_the_stablecoin(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[roles]\nmaster_minter = "deployer"\n[cash]\nname = "Acme Deposit"\nsymbol = "ADEP"\nrestricted = true\n'
    )
    config = load_config(path)
    assert config.cash == CashSpec("Acme Deposit", "ADEP", restricted=True)
    assert config.roles[Role.MASTER_MINTER] == (DEPLOYER,)
    proxy = by_key(system_plan(config))[CASH]
    assert isinstance(proxy, DeployProxy)
    assert proxy.args == ("Acme Deposit", "ADEP", Ref("authority"), Ref("identity_registry"))
    path.write_text("")
    assert load_config(path).cash == CashSpec()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("roles = [", "not valid TOML"),
        ('[roles]\nminter = "deployer"', "roles.minter is not a role"),
        ('[roles]\nissuer = "0x1234"', "is not an address"),
        ('[roles]\nissuer = "0x8eB807c3e6a257BC90184EB42538AacB272eBA97"', "checksum"),
        ('[networks]\nx = "one"', "positive chain id"),
        ('network = "nowhere"', "not known"),
        ('[[tokens]]\nsymbol = "A"\n[[tokens]]\nsymbol = "A"', "unique"),
        ('[[tokens]]\nticker = "A"', "unknown fields"),
        ('[cash]\ncurrency = "USD"', "cash has unknown fields"),
        ("[cash]\nrestricted = 1", "cash.restricted must be true or false"),
        ('[cash]\nsymbol = ""', "cash.name and cash.symbol"),
    ],
)
def test_bad_config_files_are_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(errors.ConfigurationError, match=problem):
        load_config(path)


def test_manifest_saves_atomically_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    manifest = Manifest(1, "x", ADDRESS, compiler_record(), path=path)
    manifest.contracts["a"] = {"contract": "C", "address": ADDRESS, "tx_hash": "0x00",
                               "block_number": 1, "code_hash": "0x00"}  # fmt: skip
    manifest.save()
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temporary file left
    again = Manifest.load(path)
    assert again.to_json() == manifest.to_json()
    assert again.address("a") == ADDRESS
    with pytest.raises(errors.ManifestError, match="no contract 'b'"):
        again.address("b")
