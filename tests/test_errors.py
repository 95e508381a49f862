"""The Python error tree keeps step with the custom errors of the shipped contracts."""

from __future__ import annotations

import json
from importlib import resources

from permledger import errors


def shipped_error_names() -> set[str]:
    folder = resources.files("permledger.artifacts")
    names: set[str] = set()
    for entry in folder.iterdir():
        if entry.name.endswith(".json") and not entry.name.startswith("_"):
            abi = json.loads(entry.read_text())["abi"]
            names |= {item["name"] for item in abi if item.get("type") == "error"}
    return names


def test_every_custom_error_has_its_own_class() -> None:
    missing = sorted(name for name in shipped_error_names() if name not in errors.ERROR_CLASSES)
    assert missing == [], f"add these to permledger/errors.py: {missing}"


def test_no_class_names_an_error_no_contract_raises() -> None:
    stale = sorted(set(errors.ERROR_CLASSES) - shipped_error_names())
    assert stale == [], f"no shipped contract declares: {stale}"


def test_revert_class_finds_the_class_by_name_or_falls_back_to_unknown() -> None:
    cls = errors.revert_class("TokenPaused")
    assert cls is errors.TokenPaused
    assert issubclass(cls, errors.TokenError)
    assert errors.revert_class("NoSuchError") is errors.UnknownRevert
