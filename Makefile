# Every task from a fresh clone needs only python3, node/npm and make.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# forge, anvil and solcjs come from npm.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

PY_STAMP := $(VENV)/.installed-pyproject
NPM_STAMP := node_modules/.installed-package-lock
SLITHER := .venv-slither
SLITHER_STAMP := $(SLITHER)/.installed-requirements

.PHONY: setup build test demo bench lint slither

setup: $(PY_STAMP) $(NPM_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when pyproject.toml is newer than the stamp.
$(PY_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# npm ci empties node_modules, so the stamp lives there and goes with it.
$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Slither pins web3 < 8, so it lives in a virtual environment of its own.
$(SLITHER_STAMP): scripts/slither-requirements.txt
	$(PYTHON) -m venv $(SLITHER)
	$(SLITHER)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	touch $@

build: setup
	$(BIN)/python -m permledger.build

# The second pytest run: the driver and lifecycle tests again, on anvil over JSON-RPC (a second
# backend; `--backend anvil` runs any of the suites there, tests/settlement in about 4 minutes).
test: setup
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest -q tests/drivers tests/lifecycle --backend anvil
	forge test

demo: setup
	$(BIN)/permledger demo

bench: setup
	$(BIN)/permledger bench

lint: setup
	$(BIN)/ruff format --check
	$(BIN)/ruff check
	$(BIN)/mypy
	forge fmt --check
	$(MAKE) --no-print-directory slither

# Every finding fails the run unless the line is annotated (docs/security.md explains each).
slither: $(SLITHER_STAMP) $(NPM_STAMP)
	$(SLITHER)/bin/slither . --config-file scripts/slither.config.json
