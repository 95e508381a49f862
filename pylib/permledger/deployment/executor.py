"""Runs a plan's steps that the manifest does not record yet, one transaction per step.

Against a JSON-RPC node every step is made durable in this order: sign; record the signed
transaction as `pending` in the manifest (saved); broadcast; wait for the confirmed receipt;
record the result and clear `pending` (saved). A run that stops anywhere in between resumes from
the manifest: the pending transaction is looked up by hash and waited for if the node knows it,
sent again as the same signed bytes if the node never had it and its nonce is still free, and
dropped only when another transaction took its nonce (it can then never be mined). So nothing
is deployed twice.

Before anything is sent: the recorded contracts' code is checked on chain (a mismatch is
reported, never replaced), the compiler settings must match the manifest's, the deployer may
have no transactions in flight that the manifest does not know, and the whole plan is run
once on an in-process chain to measure its gas, so an unfunded deployer or a step that would
revert is refused up front.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from eth_utils.crypto import keccak

from permledger.chain import Account, Chain, Receipt, TransactionRejected, TransactionReverted
from permledger.deployment.manifest import Manifest
from permledger.deployment.plan import Call, DeployProxy, Step, by_key, contract_of
from permledger.drivers import PermledgerAuthority
from permledger.drivers.base import error_decoder
from permledger.errors import (
    ConfigurationError,
    DeployerUnfunded,
    DeploymentFailed,
    ManifestCodeMismatch,
    ManifestError,
)
from permledger.local_chain import LocalChain
from permledger.rpc_chain import Fees, RpcChain, SignedTransaction


def compiler_record() -> dict[str, Any]:
    """The compiler version and settings the shipped artifacts were built with."""
    text = resources.files("permledger.artifacts").joinpath("_manifest.json").read_text()
    built = json.loads(text)
    return {**built["compiler"], "source_hash": built["sourceHash"]}


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """What the steps left will cost, from their gas measured on an in-process chain."""

    steps: tuple[tuple[Step, int], ...]
    fees: Fees
    gas_margin: float

    @property
    def total_gas(self) -> int:
        """Gas the steps left use."""
        return sum(gas for _, gas in self.steps)

    @property
    def expected_wei(self) -> int:
        """Their cost at the current base fee and tip."""
        return self.total_gas * self.fees.expected_per_gas

    @property
    def required_wei(self) -> int:
        """The balance that surely suffices: the expected cost plus the largest step's reservation.

        A node accepts a transaction only when the sender can pay its gas limit at the max fee.
        """
        largest = max((gas for _, gas in self.steps), default=0)
        return self.expected_wei + int(largest * self.gas_margin) * self.fees.max_fee_per_gas


class Deployment:
    """One deployment: a plan, the chain it goes to, the deployer and its manifest."""

    def __init__(
        self,
        chain: Chain,
        deployer: Account,
        steps: Sequence[Step],
        manifest: Manifest,
        *,
        confirmations: int | None = None,
        log: Callable[[str], None] = _quiet,
    ) -> None:
        """Prepare to run `steps` on `chain`; nothing is read or sent yet."""
        self.chain = chain
        self.deployer = deployer
        self.steps = list(steps)
        self.manifest = manifest
        self.confirmations = confirmations
        self.log = log

    def remaining(self) -> list[Step]:
        """The steps the manifest does not record as done, in order."""
        return [step for step in self.steps if not self.manifest.done(step.key)]

    # Checks before anything is sent

    def verify(self) -> None:
        """Check the manifest against the chain and the shipped artifacts.

        Raises:
            ManifestCodeMismatch: a recorded contract's code on chain is not the recorded code.
            ManifestError: the artifacts were built otherwise than the manifest's, with steps left.
        """
        mismatches: dict[str, str] = {}
        for name, entry in self.manifest.contracts.items():
            code = self.chain.get_code(self.manifest.address(name))
            if not code:
                mismatches[name] = f"no code at {entry['address']}"
            elif "0x" + keccak(code).hex() != entry["code_hash"]:
                mismatches[name] = f"code at {entry['address']} has another hash"
        if mismatches:
            raise ManifestCodeMismatch(mismatches)
        if self.remaining() and self.manifest.compiler != compiler_record():
            raise ManifestError(
                "the contracts were rebuilt with other sources or settings since this deployment "
                "began: finish it with the artifacts it started with, or start a new manifest"
            )

    def check_in_flight(self) -> None:
        """Refuse to send while the deployer has transactions the manifest does not know.

        Raises:
            ConfigurationError: the node holds unmined transactions from the deployer.
        """
        if not isinstance(self.chain, RpcChain):
            return
        address = self.deployer.address
        waiting = self.chain.get_nonce(address, pending=True) - self.chain.get_nonce(address)
        if waiting > 0:
            raise ConfigurationError(
                f"the deployer {address} has {waiting} unmined transaction(s) the manifest does "
                "not record: wait until they are mined (or replace them) before deploying"
            )

    def estimate(self) -> CostEstimate:
        """Gas of the steps left, measured by running the whole plan on an in-process chain.

        Raises:
            DeploymentFailed: a step reverts in the simulation.
        """
        measured = simulate(self.steps)
        fees = self.chain.fees() if isinstance(self.chain, RpcChain) else Fees(0, 0, 0)
        margin = self.chain.settings.gas_margin if isinstance(self.chain, RpcChain) else 1.0
        steps = tuple((step, measured[step.key]) for step in self.remaining())
        return CostEstimate(steps, fees, margin)

    def check_funds(self, estimate: CostEstimate) -> None:
        """Refuse to start unless the deployer can pay for every step left.

        Raises:
            DeployerUnfunded: its balance is below `estimate.required_wei`.
        """
        balance = self.chain.get_balance(self.deployer.address)
        if estimate.steps and balance < estimate.required_wei:
            raise DeployerUnfunded(self.deployer.address, balance, estimate.required_wei)

    # Running

    def run(self) -> Manifest:
        """Deploy every step left, recording each; returns the completed manifest.

        Raises:
            ManifestCodeMismatch, ManifestError, ConfigurationError: see `verify`, `check_in_flight`.
            DeploymentFailed: a step reverted; the steps before it stay recorded.
        """
        self.verify()
        self.settle_pending()
        self.check_in_flight()
        total = len(self.steps)
        for step in self.remaining():
            number = self.steps.index(step) + 1
            receipt = self._execute(step)
            self.log(f"[{number}/{total}] {step.describe()}: block {receipt.block_number}")
        return self.manifest

    def settle_pending(self) -> None:
        """Resolve the transaction a previous run signed but did not record.

        Raises:
            ManifestError: the pending step is not in the plan.
            DeploymentFailed: it was mined and reverted.
        """
        pending = self.manifest.pending
        if pending is None or not isinstance(self.chain, RpcChain):
            return
        step = by_key(self.steps).get(pending["step"])
        if step is None:
            raise ManifestError(f"the pending step {pending['step']!r} is not in the plan")
        signed = self._signed_from(step, pending)
        state = self.chain.transaction_state(signed.tx_hash)
        if state == "unknown" and self.chain.get_nonce(self.deployer.address) > signed.nonce:
            # Another transaction took the nonce: this one can never be mined.
            self.log(f"pending {step.key}: its nonce was used by another transaction; redoing it")
            self.manifest.pending = None
            self.manifest.save()
            return
        if state == "unknown":
            self.log(f"pending {step.key}: the node never had it; sending the same bytes again")
            self.chain.broadcast(signed)
        else:
            self.log(f"pending {step.key}: found 0x{signed.tx_hash.hex()} ({state}); waiting")
        receipt = self.chain.wait_for_receipt(signed.tx_hash, confirmations=self.confirmations)
        self._record(step, receipt, signed)

    def _signed_from(self, step: Step, pending: Mapping[str, Any]) -> SignedTransaction:
        to, data = step.transaction(self.manifest, self.deployer.address)
        return SignedTransaction(
            tx_hash=bytes.fromhex(pending["tx_hash"].removeprefix("0x")),
            raw=bytes.fromhex(pending["raw"].removeprefix("0x")),
            sender=self.deployer.address,
            nonce=int(pending["nonce"]),
            to=to,
            data=data,
            value=0,
            gas=int(pending.get("gas", 0)),
        )

    def _execute(self, step: Step) -> Receipt:
        to, data = step.transaction(self.manifest, self.deployer.address)
        chain = self.chain
        if not isinstance(chain, RpcChain):
            try:
                receipt = chain.transact(self.deployer, to, data)
            except TransactionReverted as error:
                raise DeploymentFailed(step.key, _reason(error.data), error.tx_hash) from error
            self._record(step, receipt, None)
            return receipt
        try:
            gas = chain.gas_limit(chain.estimate_gas(self.deployer.address, to, data))
        except TransactionReverted as error:
            raise DeploymentFailed(step.key, _reason(error.data)) from error
        signed = chain.sign_transaction(self.deployer, to, data, gas=gas)
        self.manifest.pending = {
            "step": step.key,
            "tx_hash": "0x" + signed.tx_hash.hex(),
            "nonce": signed.nonce,
            "gas": gas,
            "raw": "0x" + signed.raw.hex(),
        }
        self.manifest.save()
        try:
            chain.broadcast(signed)
        except TransactionRejected:
            self.manifest.pending = None
            self.manifest.save()
            raise
        receipt = chain.wait_for_receipt(signed.tx_hash, confirmations=self.confirmations)
        self._record(step, receipt, signed)
        return receipt

    def _record(self, step: Step, receipt: Receipt, signed: SignedTransaction | None) -> None:
        manifest = self.manifest
        manifest.pending = None
        if not receipt.status:
            manifest.save()
            data = b""
            if signed is not None and isinstance(self.chain, RpcChain):
                data = self.chain.revert_data(signed, receipt)
            raise DeploymentFailed(step.key, _reason(data), receipt.tx_hash)
        entry: dict[str, Any] = {
            "tx_hash": "0x" + receipt.tx_hash.hex(),
            "block_number": receipt.block_number,
            "gas_used": receipt.gas_used,
        }
        contract = contract_of(step)
        if contract is None:
            manifest.steps[step.key] = entry
            if isinstance(step, Call) and step.function == "beginDefaultAdminTransfer":
                self._record_admin_transfer()
        else:
            assert receipt.contract_address is not None  # a successful creation has one
            code = self.chain.get_code(receipt.contract_address)
            manifest.contracts[step.key] = {
                "contract": contract,
                "address": receipt.contract_address,
                "code_hash": "0x" + keccak(code).hex(),
                **entry,
                **(
                    {"implementation": step.implementation} if isinstance(step, DeployProxy) else {}
                ),
            }
        manifest.save()

    def _record_admin_transfer(self) -> None:
        authority = PermledgerAuthority(self.chain, self.manifest.address("authority"))
        new_admin, accept_after = authority.pending_default_admin()
        self.manifest.admin_transfer = {"new_admin": new_admin, "accept_after": accept_after}


def simulate(steps: Sequence[Step]) -> dict[str, int]:
    """Gas each step uses, by running the whole plan on a fresh in-process chain.

    Raises:
        DeploymentFailed: a step reverts.
    """
    chain = LocalChain(names=("deployer",))
    deployer = chain.accounts["deployer"]
    manifest = Manifest(chain.chain_id, "simulation", deployer.address, compiler_record())
    Deployment(chain, deployer, steps, manifest).run()
    return {
        key: int(entry["gas_used"])
        for key, entry in {**manifest.contracts, **manifest.steps}.items()
    }


def _reason(data: bytes) -> str:
    decoded = error_decoder().decode(data)
    if decoded is not None:
        shown = ", ".join(f"{k}={v!r}" for k, v in decoded.args.items())
        return f"{decoded.name}({shown})"
    if not data:
        return "reverted without data (out of gas, or an invalid opcode)"
    return f"reverted with unknown data 0x{data.hex()}"
