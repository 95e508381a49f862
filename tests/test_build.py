"""permledger.build: committed artifacts, rebuild skipping, and settings shared with Foundry."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import solcx
from packaging.version import Version
from solcx.exceptions import SolcNotInstalled
from solcx.wrapper import get_solc_version

from permledger import build

Json = dict[str, Any]


@pytest.fixture(scope="session")
def fresh_artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's contracts compiled once per session (solcjs takes seconds)."""
    out_dir = tmp_path_factory.mktemp("artifacts")
    build.build(out_dir=out_dir, force=True)
    return out_dir


def _files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(directory.glob("*.json"))}


def test_committed_artifacts_equal_a_fresh_compile(fresh_artifacts: Path) -> None:
    committed, fresh = _files(build.ARTIFACTS_DIR), _files(fresh_artifacts)
    stale = sorted(n for n in committed.keys() | fresh.keys() if committed.get(n) != fresh.get(n))
    assert stale == [], "artifacts are stale: run `make build` and commit them"


def test_build_calls_no_compiler_when_sources_are_unchanged(
    fresh_artifacts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_compiler(*args: object, **kwargs: object) -> Any:
        raise AssertionError("the compiler was called")

    monkeypatch.setattr(build, "find_compiler", no_compiler)
    monkeypatch.setattr(build, "compile_sources", no_compiler)
    result = build.build(out_dir=fresh_artifacts)
    assert not result.compiled
    assert "ERC1967Proxy" in result.contracts


def test_artifacts_carry_abi_bytecode_and_provenance(fresh_artifacts: Path) -> None:
    proxy = json.loads((fresh_artifacts / "ERC1967Proxy.json").read_text())
    assert proxy["sourcePath"] == build.EXTERNAL_CONTRACTS["ERC1967Proxy"]
    assert proxy["bytecode"].startswith("0x60")
    assert proxy["deployedBytecode"].startswith("0x60")
    assert proxy["compiler"]["version"].startswith(build.SOLC_VERSION + "+commit.")
    assert proxy["compiler"]["settings"] == build.compiler_settings()
    assert not proxy["testOnly"]


def test_foundry_toml_matches_the_build_settings() -> None:
    profile = tomllib.loads((build.ROOT / "foundry.toml").read_text())["profile"]["default"]
    assert profile["src"] == build.CONTRACTS_DIR
    assert build.ROOT / profile["solc"] == build.WRAPPER
    assert profile["evm_version"] == build.EVM_VERSION
    assert profile["optimizer"] is build.OPTIMIZER
    assert profile["optimizer_runs"] == build.OPTIMIZER_RUNS
    assert profile["via_ir"] is build.VIA_IR
    assert profile["remappings"] == list(build.REMAPPINGS)
    assert profile["offline"] is True


def test_npm_solc_is_the_pinned_version() -> None:
    package = json.loads((build.ROOT / "package.json").read_text())
    assert package["devDependencies"]["solc"] == build.SOLC_VERSION


def test_solc_wrapper_version_satisfies_py_solc_x() -> None:
    assert get_solc_version(build.WRAPPER) == Version(build.SOLC_VERSION)


def _fake_solc(tmp_path: Path, name: str, version: str) -> Path:
    script = tmp_path / name
    script.write_text(f"#!/bin/sh\necho 'Version: {version}+commit.73712a01.Linux.g++'\n")
    script.chmod(0o755)
    return script


def test_find_compiler_prefers_solc_binary_of_the_pinned_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    native = _fake_solc(tmp_path, "solc", build.SOLC_VERSION)
    monkeypatch.setenv("SOLC_BINARY", str(native))
    assert build.find_compiler() == build.Compiler(native, "0.8.30+commit.73712a01")


def test_find_compiler_skips_another_version_for_the_wrapper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_installed(version: str) -> Path:
        raise SolcNotInstalled(version)

    monkeypatch.setattr(solcx.install, "get_executable", not_installed)
    monkeypatch.setenv("SOLC_BINARY", str(_fake_solc(tmp_path, "solc-old", "0.8.29")))
    monkeypatch.setattr(build, "WRAPPER", _fake_solc(tmp_path, "wrapper", build.SOLC_VERSION))
    assert build.find_compiler().path == build.WRAPPER


# Fake projects: a tiny contracts/ tree and a stand-in compiler, so no solc runs.

FAKE_SOLC = build.Compiler(Path("solc"), "0.8.30+commit.00000000")


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "node_modules").symlink_to(build.ROOT / "node_modules")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _fake_compile(standard_json: Json, compiler: build.Compiler) -> Json:
    """Output one trivial contract per `contract|interface|library <Name>` in each source."""
    contracts: Json = {}
    for unit, source in standard_json["sources"].items():
        for name in re.findall(
            r"^(?:abstract\s+)?(?:contract|interface|library)\s+(\w+)", source["content"], re.M
        ):
            evm = {
                "bytecode": {"object": "6000", "linkReferences": {}},
                "deployedBytecode": {"object": "00"},
                "methodIdentifiers": {},
            }
            contracts.setdefault(unit, {})[name] = {"abi": [], "evm": evm}
    return {"contracts": contracts, "sources": {unit: {} for unit in standard_json["sources"]}}


@pytest.fixture
def fake_compiler(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace the compiler; returns the list its calls are recorded in."""
    calls: list[str] = []

    def compile_sources(standard_json: Json, compiler: build.Compiler) -> Json:
        calls.append(build.input_hash(standard_json))
        return _fake_compile(standard_json, compiler)

    monkeypatch.setattr(build, "compile_sources", compile_sources)
    monkeypatch.setattr(build, "find_compiler", lambda: FAKE_SOLC)
    return calls


def _build(root: Path) -> build.BuildResult:
    return build.build(root, root / "artifacts")


def test_collect_sources_follows_relative_and_remapped_imports(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "contracts/a/A.sol": (
                'import {B} from "../b/B.sol";\n// import "./Gone.sol";\ncontract A {}'
            ),
            "contracts/b/B.sol": (
                'import {Initializable}\n  from "@openzeppelin/contracts-upgradeable/proxy/'
                'utils/Initializable.sol";\n/* import "x.sol"; */ contract B {}'
            ),
        },
    )
    sources = build.collect_sources(root)
    assert (
        "node_modules/@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol" in sources
    )
    assert build.EXTERNAL_CONTRACTS["ERC1967Proxy"] in sources
    assert {"contracts/a/A.sol", "contracts/b/B.sol"} <= sources.keys()
    assert not any("Gone" in unit or unit == "x.sol" for unit in sources)


def test_collect_sources_reports_a_missing_import(tmp_path: Path) -> None:
    root = _project(tmp_path, {"contracts/A.sol": 'import "./Missing.sol";\ncontract A {}'})
    with pytest.raises(build.BuildError, match=r"contracts/Missing\.sol not found, imported by"):
        build.collect_sources(root)


def test_build_recompiles_a_changed_source_and_removes_stale_artifacts(
    tmp_path: Path, fake_compiler: list[str]
) -> None:
    root = _project(
        tmp_path, {"contracts/A.sol": "contract A {}", "contracts/mocks/M.sol": "contract M {}"}
    )
    first = _build(root)
    assert first.compiled
    assert first.contracts == ("A", "ERC1967Proxy", "M")
    assert json.loads((root / "artifacts" / "M.json").read_text())["testOnly"] is True
    assert not _build(root).compiled

    (root / "contracts" / "A.sol").write_text("contract A2 {}")
    second = _build(root)
    assert second.compiled
    assert second.source_hash != first.source_hash
    assert sorted(p.name for p in (root / "artifacts").glob("*.json")) == [
        "A2.json",
        "ERC1967Proxy.json",
        "M.json",
        build.MANIFEST,
    ]
    assert len(fake_compiler) == 2


def test_build_rejects_duplicate_contract_names(tmp_path: Path, fake_compiler: list[str]) -> None:
    root = _project(
        tmp_path, {"contracts/a/X.sol": "contract X {}", "contracts/b/X.sol": "contract X {}"}
    )
    with pytest.raises(
        build.BuildError,
        match=r"contract name X is used in contracts/a/X\.sol and contracts/b/X\.sol",
    ):
        _build(root)


def test_check_lists_the_artifacts_that_differ(tmp_path: Path, fake_compiler: list[str]) -> None:
    root = _project(
        tmp_path, {"contracts/A.sol": "contract A {}", "contracts/B.sol": "contract B {}"}
    )
    _build(root)
    assert build.check(root, root / "artifacts") == []

    (root / "contracts" / "B.sol").write_text("contract B { }")
    assert build.check(root, root / "artifacts") == ["B.json", build.MANIFEST]
