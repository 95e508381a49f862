"""permledger: a permissioned tokenisation ledger and its Python SDK."""
