"""Choose eth-hash's keccak backend before anything in permledger hashes.

eth-hash picks its backend on first use, from ETH_HASH_BACKEND when set.
pysha3 (PyPI: safe-pysha3) hashes ~4x faster than the pycryptodome fallback,
which is worth ~5% of the in-process EVM's throughput. An explicit choice
in the environment is respected; without pysha3 nothing changes.
"""

import os
from importlib.util import find_spec

if "ETH_HASH_BACKEND" not in os.environ and find_spec("sha3") is not None:
    os.environ["ETH_HASH_BACKEND"] = "pysha3"
