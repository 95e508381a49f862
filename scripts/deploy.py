#!/usr/bin/env python3
"""Operator entry point: `permledger deploy` for a checkout where the package is not installed.

Run from the repository (its Python dependencies installed, e.g. `make setup` then
`.venv/bin/python scripts/deploy.py --help`); the arguments are those of `permledger deploy`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pylib"))

from permledger.deploy import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
