#!/usr/bin/env python3
"""Operator entry point: `permledger status` for a checkout where the package is not installed.

Run from the repository (its Python dependencies installed, e.g. `make setup` then
`.venv/bin/python scripts/status.py --help`); the arguments are those of `permledger status`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pylib"))

from permledger.status import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
