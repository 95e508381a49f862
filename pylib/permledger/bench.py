"""`make bench`: gas per operation and transactions per second, written to bench/results.json.

Gas figures are receipts' gasUsed on the in-process EVM, the contracts behind their proxies.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from permledger.bench_cash import measure_cash_gas
from permledger.bench_harness import permledger_tps, web3_default_tps
from permledger.chain import Receipt
from permledger.drivers.base import artifact
from permledger.ledger import Ledger, TokenSpec
from permledger.lifecycle_bench import measure_lifecycle_gas
from permledger.local_chain import LocalChain
from permledger.types import ELIGIBILITY_RULES, EVERY_RULE, InvestorClass, investor_id

DAY = 24 * 3600
US = 840
PLAIN_SUPPLY = 10**24


def measure_gas() -> dict[str, int]:
    """Gas of the token and registry operations the issue sets targets for."""
    chain = LocalChain()
    ledger = Ledger.local(chain=chain)
    token, registry, compliance = ledger.token, ledger.registry, ledger.compliance
    accounts = chain.accounts
    issuer, agent = accounts["issuer"], accounts["agent"]
    expiry = chain.timestamp + 365 * DAY
    gas: dict[str, int] = {}

    def onboard(name: str) -> Receipt:
        return registry.register_investor(
            investor_id(name),
            country=US,
            investor_class=InvestorClass.ACCREDITED,
            kyc_expiry=expiry,
            wallet=accounts[name] if name in accounts else chain.create_account(name),
        )

    gas["registry.register_investor"] = onboard("alice").gas_used
    for name in ("bob", "carol", "dave", "erin", "frank"):
        onboard(name)
    compliance.set_jurisdictions(token.address, [US], listed=True)
    compliance.set_allowed_classes(token.address, InvestorClass.mask(*InvestorClass))
    compliance.set_investor_limits(
        token.address,
        max_investors=1000,
        max_balance_per_investor=10**12,
        daily_limit_per_investor=10**12,
    )
    compliance.set_lockup_period(token.address, 30 * DAY)
    compliance.set_circuit_breaker(token.address, share_bps=5000, window=DAY)

    compliance.set_rules(token.address, EVERY_RULE)
    gas["token.mint"] = token.mint(accounts["alice"], 1_000_000, sender=issuer).gas_used
    token.mint(accounts["bob"], 1_000_000, sender=issuer)
    chain.advance_time(31 * DAY)  # past the lock-up of the new units

    plain = ledger.deploy_token(TokenSpec(symbol="PLAIN", investor_tracking=False))
    compliance.set_jurisdictions(plain.address, [US], listed=True)
    compliance.set_rules(plain.address, ELIGIBILITY_RULES)
    plain.mint(accounts["alice"], 1_000, sender=issuer)
    plain.mint(accounts["bob"], 1_000, sender=issuer)
    gas["token.transfer_warm_eligibility"] = (
        plain.using(accounts["alice"]).transfer(accounts["bob"], 10).gas_used
    )

    alice = token.using(accounts["alice"])

    compliance.set_rules(token.address, EVERY_RULE)
    gas["token.transfer_warm"] = alice.transfer(accounts["bob"], 10).gas_used
    token.schedule_record_date(chain.timestamp + 1, sender=issuer)
    chain.advance_time(10)
    alice.transfer(accounts["bob"], 10)  # alice's first move after the record date writes history
    gas["token.transfer_cold"] = alice.transfer(accounts["carol"], 10).gas_used
    gas["token.forced_transfer"] = token.forced_transfer(
        accounts["bob"], accounts["alice"], 10, sender=agent
    ).gas_used
    return gas


def measure_throughput() -> dict[str, float]:
    """The same OpenZeppelin ERC-20 transfer through web3's defaults and through permledger."""
    plain = artifact("PlainERC20")
    return {
        "web3_default_tps": round(web3_default_tps(plain, constructor_args=[PLAIN_SUPPLY]), 1),
        "permledger_tps": round(permledger_tps(plain, constructor_args=[PLAIN_SUPPLY]), 1),
        "permledger_entitlement_tps": round(_entitlement_tps(), 1),
    }


def _entitlement_tps(transfers: int = 200) -> float:
    """Entitlement-token transfers per second through the driver, pre-checks included."""
    chain = LocalChain()
    ledger = Ledger.local(chain=chain)
    accounts = chain.accounts
    for name in ("alice", "bob"):
        ledger.registry.register_investor(
            investor_id(name),
            country=US,
            investor_class=InvestorClass.RETAIL,
            kyc_expiry=chain.timestamp + 365 * DAY,
            wallet=accounts[name],
        )
    ledger.token.mint(accounts["alice"], 10**6, sender=accounts["issuer"])
    alice = ledger.token.using(accounts["alice"])
    start = time.perf_counter()
    for _ in range(transfers):
        alice.transfer(accounts["bob"], 1)
    return transfers / (time.perf_counter() - start)


def run(
    output: Path = Path("bench/results.json"), *, report: Callable[[str], None] = print
) -> dict[str, dict[str, float]]:
    """Measure everything, merge into `output` (other sections kept) and print it."""
    results: dict[str, dict[str, float]] = json.loads(output.read_text()) if output.exists() else {}
    results.setdefault("gas", {}).update(measure_gas())
    results["gas"].update(measure_cash_gas())
    results["gas"].update(measure_lifecycle_gas())
    results.setdefault("harness", {}).update(measure_throughput())
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    report(json.dumps(results, indent=2, sort_keys=True))
    return results


def main(argv: Sequence[str]) -> int:
    """`permledger bench [--output PATH]`."""
    parser = argparse.ArgumentParser(prog="permledger bench", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
    run(parser.parse_args(argv).output)
    return 0
