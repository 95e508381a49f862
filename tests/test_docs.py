"""The SDK guide's examples run: every ```python block, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "sdk-guide.md"


def test_sdk_guide_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
    assert len(blocks) >= 6
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{GUIDE.name}, python block {number}", "exec")
        exec(code, namespace)  # noqa: S102  (our own documentation's examples)
