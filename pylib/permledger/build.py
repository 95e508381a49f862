"""Compile contracts/ into the JSON artifacts shipped in ``permledger/artifacts``.

The compiler input holds every source inline (imports are resolved here, through the same
remappings Foundry uses), so its hash names the build exactly: an unchanged hash means the
artifacts are current and no compiler runs. Compiler settings are pinned in this module
only; foundry.toml repeats them and a test keeps the two equal.

Artifacts, one ``<ContractName>.json`` per contract under contracts/ (mocks flagged
``testOnly``) plus the external contracts we deploy (:data:`EXTERNAL_CONTRACTS`).
Interfaces and abstract contracts get one too, with bytecode ``0x``: the error decoder needs
their ABIs. ``_manifest.json`` records the input hash, the compiler and every source's hash.

Usage: ``python -m permledger.build [--check]``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import posixpath
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError, SolcNotInstalled
from solcx.wrapper import get_solc_version

SOLC_VERSION = "0.8.30"
EVM_VERSION = "prague"
OPTIMIZER = True
OPTIMIZER_RUNS = 200
VIA_IR = False
REMAPPINGS = ("@openzeppelin/=node_modules/@openzeppelin/",)

#: Contracts outside contracts/ that get an artifact, by name: the ones we deploy.
EXTERNAL_CONTRACTS = {
    "ERC1967Proxy": "node_modules/@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol",
}
CONTRACTS_DIR = "contracts"
TEST_ONLY_DIR = "contracts/mocks"
#: Bump when the artifact layout changes, so unchanged sources still rebuild.
ARTIFACT_FORMAT = 1

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
MANIFEST = "_manifest.json"
WRAPPER = ROOT / "scripts" / "solc"

_OUTPUT_SELECTION = [
    "abi",
    "evm.bytecode.object",
    "evm.bytecode.linkReferences",
    "evm.deployedBytecode.object",
    "evm.methodIdentifiers",
]
# Comments and string literals, so that commented-out imports are ignored.
_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S
)
# Import statements stand at the top level: after the start, a `;` or a `}`.
_IMPORT = re.compile(r"(?:^|[;}])\s*import\s[^;]*?([\"'])(.+?)\1")

Json = dict[str, Any]


class BuildError(Exception):
    """The sources cannot be turned into artifacts (missing import, clash, compiler)."""


@dataclass(frozen=True)
class Compiler:
    """A solc-compatible executable and the version it reports (``0.8.30+commit.73712a01``)."""

    path: Path
    version: str


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` did: the artifact names written and whether it compiled."""

    source_hash: str
    contracts: tuple[str, ...]
    compiled: bool


def compiler_settings() -> Json:
    """The pinned compiler settings, as recorded in every artifact."""
    return {
        "evmVersion": EVM_VERSION,
        "optimizer": {"enabled": OPTIMIZER, "runs": OPTIMIZER_RUNS},
        "remappings": list(REMAPPINGS),
        "viaIR": VIA_IR,
    }


def _imports(content: str) -> list[str]:
    def blank_comments(match: re.Match[str]) -> str:
        text = match.group()
        return text if text[0] in "\"'" else " "

    code = _COMMENT_OR_STRING.sub(blank_comments, content)
    return [match.group(2) for match in _IMPORT.finditer(code)]


def _resolve(importer: str, import_path: str) -> str:
    """Map an import to its source unit name, as solc does with our remappings."""
    if import_path.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), import_path))
    remappings = sorted((r.split("=", 1) for r in REMAPPINGS), key=lambda r: -len(r[0]))
    for prefix, target in remappings:  # the longest matching prefix wins
        if import_path.startswith(prefix):
            return target + import_path[len(prefix) :]
    return import_path


def collect_sources(root: Path) -> dict[str, str]:
    """Every .sol under contracts/ and the external contracts, with all they import.

    Raises:
        BuildError: an imported file does not exist (for node_modules: run `make setup`).
    """
    pending = sorted(p.relative_to(root).as_posix() for p in (root / CONTRACTS_DIR).rglob("*.sol"))
    pending += EXTERNAL_CONTRACTS.values()
    sources: dict[str, str] = {}
    importers: dict[str, str] = {}
    while pending:
        unit = pending.pop()
        if unit in sources:
            continue
        try:
            content = (root / unit).read_text(encoding="utf-8")
        except FileNotFoundError:
            where = f", imported by {importers[unit]}" if unit in importers else ""
            hint = " (run `make setup`)" if unit.startswith("node_modules/") else ""
            raise BuildError(f"{unit} not found{where}{hint}") from None
        sources[unit] = content
        for imported in _imports(content):
            resolved = _resolve(unit, imported)
            importers.setdefault(resolved, unit)
            pending.append(resolved)
    return dict(sorted(sources.items()))


def compiler_input(sources: Mapping[str, str]) -> Json:
    """The standard-json input for ``sources``, with the pinned settings."""
    settings = compiler_settings() | {"outputSelection": {"*": {"*": _OUTPUT_SELECTION}}}
    return {
        "language": "Solidity",
        "settings": settings,
        "sources": {unit: {"content": content} for unit, content in sources.items()},
    }


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def input_hash(standard_json: Json) -> str:
    """The build's identity: the compiler input, the pinned version and the artifact layout."""
    key = {"format": ARTIFACT_FORMAT, "input": standard_json, "solc": SOLC_VERSION}
    return _sha256(json.dumps(key, sort_keys=True, separators=(",", ":")))


def _version_of(path: Path) -> str | None:
    """What ``path --version`` reports (``0.8.30+commit.73712a01``); None if it does not run."""
    try:
        return str(get_solc_version(path, with_commit_hash=True))
    except (OSError, subprocess.SubprocessError, SolcError):
        return None


def find_compiler() -> Compiler:
    """The solc to use: ``$SOLC_BINARY``, a py-solc-x install, else scripts/solc (solcjs).

    Each must report :data:`SOLC_VERSION`; py-solc-x never downloads anything here.

    Raises:
        BuildError: none of them runs and reports the pinned version.
    """
    candidates: list[Path] = []
    if env := os.environ.get("SOLC_BINARY"):
        candidates.append(Path(env))
    with contextlib.suppress(SolcNotInstalled):
        candidates.append(solcx.install.get_executable(SOLC_VERSION))
    for path in [*candidates, WRAPPER]:
        version = _version_of(path)
        if version is not None and version.split("+")[0] == SOLC_VERSION:
            return Compiler(path, version)
        print(f"permledger.build: skipping {path}: {version or 'does not run'}", file=sys.stderr)
    raise BuildError(f"no solc {SOLC_VERSION} found; scripts/solc needs `make setup` (npm ci)")


def compile_sources(standard_json: Json, compiler: Compiler) -> Json:
    """Run the compiler; print warnings about our own sources to stderr.

    Raises:
        BuildError: compilation failed, or solc read a source we did not pass in.
    """
    try:
        output: Json = solcx.compile_standard(standard_json, solc_binary=compiler.path)
    except SolcError as exc:
        raise BuildError(f"compilation failed:\n{exc.message}") from None
    for error in output.get("errors", []):
        file = error.get("sourceLocation", {}).get("file", "")
        if not file.startswith("node_modules/"):
            print(error["formattedMessage"], file=sys.stderr)
    unexpected = set(output.get("sources", {})) - set(standard_json["sources"])
    if unexpected:
        raise BuildError(f"solc loaded sources the build did not resolve: {sorted(unexpected)}")
    return output


def _hex(code: str) -> str:
    return "0x" + code


def make_artifacts(output: Json, sources: Mapping[str, str], compiler: Compiler) -> dict[str, Json]:
    """One artifact per contract under contracts/ and per external contract, by name.

    Raises:
        BuildError: two contracts share a name.
    """
    wanted = {(path, name) for name, path in EXTERNAL_CONTRACTS.items()}
    artifacts: dict[str, Json] = {}
    for path, contracts in sorted(output["contracts"].items()):
        for name, compiled in sorted(contracts.items()):
            if not path.startswith(CONTRACTS_DIR + "/") and (path, name) not in wanted:
                continue
            if name in artifacts:
                other = artifacts[name]["sourcePath"]
                raise BuildError(f"contract name {name} is used in {other} and {path}")
            evm = compiled["evm"]
            artifacts[name] = {
                "abi": compiled["abi"],
                "bytecode": _hex(evm["bytecode"]["object"]),
                "compiler": {
                    "settings": compiler_settings(),
                    "version": compiler.version,
                },
                "contractName": name,
                "deployedBytecode": _hex(evm["deployedBytecode"]["object"]),
                "linkReferences": evm["bytecode"]["linkReferences"],
                "methodIdentifiers": evm["methodIdentifiers"],
                "sourceHash": _sha256(sources[path]),
                "sourcePath": path,
                "testOnly": path.startswith(TEST_ONLY_DIR + "/"),
            }
    return artifacts


def _dump(data: Json) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _write(out_dir: Path, artifacts: Mapping[str, Json], manifest: Json) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, artifact in artifacts.items():
        (out_dir / f"{name}.json").write_text(_dump(artifact), encoding="utf-8")
    for stale in set(out_dir.glob("*.json")) - {out_dir / f"{n}.json" for n in artifacts}:
        stale.unlink()
    # Written last: an interrupted build leaves no manifest claiming it finished.
    (out_dir / MANIFEST).write_text(_dump(manifest), encoding="utf-8")


def _up_to_date(out_dir: Path, source_hash: str) -> tuple[str, ...] | None:
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    names = tuple(manifest.get("contracts", ()))
    if manifest.get("sourceHash") != source_hash:
        return None
    if not all((out_dir / f"{name}.json").is_file() for name in names):
        return None
    return names


def build(
    root: Path = ROOT,
    out_dir: Path = ARTIFACTS_DIR,
    *,
    force: bool = False,
) -> BuildResult:
    """Compile ``root``'s contracts into ``out_dir`` unless its artifacts are current.

    Raises:
        BuildError: see :func:`collect_sources`, :func:`compile_sources`, :func:`make_artifacts`.
    """
    sources = collect_sources(root)
    standard_json = compiler_input(sources)
    source_hash = input_hash(standard_json)
    if not force and (names := _up_to_date(out_dir, source_hash)) is not None:
        return BuildResult(source_hash, names, compiled=False)
    compiler = find_compiler()
    artifacts = make_artifacts(compile_sources(standard_json, compiler), sources, compiler)
    manifest = {
        "compiler": {"settings": compiler_settings(), "version": compiler.version},
        "contracts": sorted(artifacts),
        "sourceHash": source_hash,
        "sources": {unit: _sha256(content) for unit, content in sources.items()},
    }
    _write(out_dir, artifacts, manifest)
    return BuildResult(source_hash, tuple(sorted(artifacts)), compiled=True)


def _json_files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.json"))}


def check(root: Path = ROOT, out_dir: Path = ARTIFACTS_DIR) -> list[str]:
    """Compile afresh into a temporary directory; the artifact files that differ from ``out_dir``.

    Raises:
        BuildError: as :func:`build`.
    """
    with tempfile.TemporaryDirectory(prefix="permledger-build-") as tmp:
        build(root, Path(tmp), force=True)
        fresh = _json_files(Path(tmp))
    committed = _json_files(out_dir) if out_dir.is_dir() else {}
    return sorted(n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m permledger.build [--check]``; exit status 1 on failure or stale artifacts."""
    parser = argparse.ArgumentParser(prog="permledger build", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="compile afresh and list artifacts that differ",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.check:
            stale = check()
            for name in stale:
                print(
                    f"differs from a fresh compile: {ARTIFACTS_DIR / name}",
                    file=sys.stderr,
                )
            return 1 if stale else 0
        result = build()
    except BuildError as exc:
        print(f"permledger.build: {exc}", file=sys.stderr)
        return 1
    verb = "compiled" if result.compiled else "up to date:"
    elapsed = time.perf_counter() - started
    print(f"{verb} {len(result.contracts)} artifacts in {ARTIFACTS_DIR} ({elapsed:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
