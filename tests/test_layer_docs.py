"""The per-layer rule pages stay true to the contracts.

Every reason code of `RestrictionCode.message` and `SettlementCode` has a table row with its
number, name and exact message; every custom error the contracts declare in their interfaces and
ship in an ABI is named; each page's ```python example runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs" / "layers").glob("*.md"))
CONTRACTS = ROOT / "contracts"
ARTIFACTS = ROOT / "pylib" / "permledger" / "artifacts"
DOCUMENTED = (
    "EntitlementToken",
    "IdentityRegistry",
    "TransferCompliance",
    "Stablecoin",
    "DvPEscrow",
    "Repo",
    "Distributions",
    "Ballots",
    "Disclosures",
    "Redemptions",
    "CollateralVault",
    "PriceFeed",
)


def _text() -> str:
    return "\n".join(page.read_text() for page in PAGES)


def _constants(source: str) -> dict[str, str]:
    """`uint8 internal constant NAME = VALUE;` declarations, VALUE as written."""
    return dict(re.findall(r"uint8 internal constant (\w+) = ([\w.]+);", source))


def _messages(source: str) -> dict[str, str]:
    """The `if (code == NAME) return "message"` pairs of a `message` function."""
    pairs = re.findall(r'code == (\w+)\)\s*\{?\s*return "([^"]+)"', source)
    return dict(pairs)


def _codes() -> list[tuple[int, str, str]]:
    """(number, name, message) of every restriction and settlement code."""
    restriction = (CONTRACTS / "compliance" / "RestrictionCode.sol").read_text()
    settlement = (CONTRACTS / "settlement" / "SettlementCode.sol").read_text()
    numbers = {n: int(v) for n, v in _constants(restriction).items() if v.isdigit()}
    messages = _messages(restriction)
    codes = [(numbers[name], name, message) for name, message in messages.items()]
    success = messages["SUCCESS"]
    settlement_messages = {"SUCCESS": success, **_messages(settlement)}
    for name, value in _constants(settlement).items():
        if value.isdigit():
            number = int(value)
        else:  # an alias of a restriction code, which keeps that code's message
            number = numbers[value.removeprefix("RestrictionCode.")]
            settlement_messages[name] = messages[value.removeprefix("RestrictionCode.")]
        codes.append((number, name, settlement_messages[name]))
    return codes


def test_pages_exist() -> None:
    assert [p.name for p in PAGES] == [
        "1-issuance.md",
        "2-entitlements.md",
        "3-settlement.md",
        "4-lifecycle.md",
    ]


def test_sources_parse() -> None:
    # The parser must see every code: 20 restriction codes, 14 settlement codes.
    codes = _codes()
    assert len([c for c in codes if c[0] <= 19]) >= 20
    assert {c[0] for c in codes} >= {0, 11, *range(32, 36), *range(48, 56)}


@pytest.mark.parametrize(("number", "name", "message"), _codes(), ids=lambda v: str(v))
def test_every_code_has_a_row(number: int, name: str, message: str) -> None:
    row = re.compile(rf"^\|\s*{number}\s*\|\s*`{name}`\s*\|\s*{re.escape(message)}\s*\|", re.M)
    assert row.search(_text()), f"no row `| {number} | `{name}` | {message} |` in docs/layers"


def _declared_errors() -> set[str]:
    interfaces = (CONTRACTS / "interfaces").glob("*.sol")
    return {name for f in interfaces for name in re.findall(r"\berror (\w+)\(", f.read_text())}


def _shipped_errors() -> set[str]:
    names: set[str] = set()
    for contract in DOCUMENTED:
        abi = json.loads((ARTIFACTS / f"{contract}.json").read_text())["abi"]
        names |= {item["name"] for item in abi if item["type"] == "error"}
    return names


def test_every_domain_error_is_named() -> None:
    errors = _declared_errors() & _shipped_errors()
    assert len(errors) > 80
    text = _text()
    missing = sorted(e for e in errors if f"`{e}" not in text)
    assert not missing, f"errors not documented in docs/layers: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_example_runs(page: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.DOTALL)
    assert blocks
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{page.name}, python block {number}", "exec")
        exec(code, namespace)  # noqa: S102  (our own documentation's examples)
