"""Access-control matrix: who may call every state-changing function of every system contract.

The functions are read from the shipped ABIs, so a contract or function without an entry here
fails the suite. For each entry, every named actor who may not call the function calls it and
must get the exact custom error, with the caller (and the role it lacks) as arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pytest

from permledger.binding import AbiFunction
from permledger.chain import Account, TransactionReverted
from permledger.drivers import EntitlementToken
from permledger.drivers.base import error_decoder
from permledger.ledger import ROLE_HOLDERS, Ledger
from permledger.types import Role

ACTORS = ("deployer", "issuer", "agent", "compliance", "pauser", "upgrader", "alice")
"""The deployer holds the default admin role; alice holds nothing."""

Expected = Callable[[Ledger, Account], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Gate:
    """Which actors pass a function's gate, and the error (name, arguments) everyone else gets."""

    allowed: frozenset[str]
    refusal: Expected | None = None


def role(reported: Role, *also: Role) -> Gate:
    """Callable by holders of `reported` (or of `also`); others are told they lack `reported`."""
    holders = {ROLE_HOLDERS.get(r, "deployer") for r in (reported, *also)}
    return Gate(
        frozenset(holders),
        lambda _, caller: (
            "AccessControlUnauthorizedAccount",
            {"account": caller.address, "neededRole": reported.value},
        ),
    )


ANYONE = Gate(frozenset(ACTORS))
"""A holder acting on its own assets or allowances (the token's rules still apply)."""
ONCE = Gate(frozenset(), lambda _, __: ("InvalidInitialization", {}))
"""An initializer, spent when the proxy was deployed."""
SELF = Gate(frozenset(), lambda _, __: ("AccessControlBadConfirmation", {}))
"""Only the account itself (here the argument is nobody's own address)."""
PENDING_ADMIN = Gate(
    frozenset(),
    lambda _, caller: ("AccessControlInvalidDefaultAdmin", {"defaultAdmin": caller.address}),
)
"""Only the pending default admin (none is pending)."""
COMPLIANCE_CONTRACT = Gate(
    frozenset(),
    lambda _, caller: ("TokenCallerNotCompliance", {"caller": caller.address}),
)
"""Only the token's compliance contract, which checks the officer's role itself."""
MINTER = Gate(frozenset(), lambda _, caller: ("CashNotMinter", {"account": caller.address}))
"""Only a minter the master minter configured in the stablecoin (none of the actors)."""

UPGRADE = {"upgradeToAndCall(address,bytes)": role(Role.UPGRADER)}

TRADE = "(address,address,address,uint256,address,uint256,uint40,bytes32)"
REPO_TERMS = (
    "(address,address,address,uint256,address,uint256,uint16,uint256,uint40,uint40,uint40,bytes32)"
)


def not_party(contract: str, id_view: str, terms: str) -> Gate:
    """Only a party of the deal (or a venue, or the venue that proposed it): everyone else is told
    it is not one, for the placeholder deal's id."""

    def refusal(ledger: Ledger, caller: Account) -> tuple[str, dict[str, Any]]:
        abi = json.loads(
            resources.files("permledger.artifacts").joinpath(f"{contract}.json").read_text()
        )["abi"]
        view = AbiFunction.from_abi(next(e for e in abi if e.get("name") == id_view))
        target = MATRIX[contract][0](ledger)
        output = ledger.chain.call(target, view.encode([placeholder(terms, ledger)]))
        return "SettlementNotParty", {"id": view.decode(output), "caller": caller.address}

    return Gate(frozenset(), refusal)


DVP_PARTY = not_party("DvPEscrow", "tradeId", TRADE)
REPO_PARTY = not_party("Repo", "repoId", REPO_TERMS)

HOSTED = {"EntitlementToken": EntitlementToken.EXTENSIONS}
"""Contracts whose functions another serves at its own address, through its fallback."""

MATRIX: Mapping[str, tuple[Callable[[Ledger], str], Mapping[str, Gate]]] = {
    "PermledgerAuthority": (
        lambda ledger: ledger.authority.address,
        {
            "grantRole(bytes32,address)": role(Role.DEFAULT_ADMIN),
            "revokeRole(bytes32,address)": role(Role.DEFAULT_ADMIN),
            "renounceRole(bytes32,address)": SELF,
            "beginDefaultAdminTransfer(address)": role(Role.DEFAULT_ADMIN),
            "cancelDefaultAdminTransfer()": role(Role.DEFAULT_ADMIN),
            "acceptDefaultAdminTransfer()": PENDING_ADMIN,
            "changeDefaultAdminDelay(uint48)": role(Role.DEFAULT_ADMIN),
            "rollbackDefaultAdminDelay()": role(Role.DEFAULT_ADMIN),
        },
    ),
    "IdentityRegistry": (
        lambda ledger: ledger.registry.address,
        {
            "initialize(address)": ONCE,
            "registerInvestor(bytes32,uint16,uint8,uint40,address)": role(Role.COMPLIANCE_OFFICER),
            "updateInvestor(bytes32,uint16,uint8,uint40)": role(Role.COMPLIANCE_OFFICER),
            "setInvestorFrozen(bytes32,bool)": role(Role.COMPLIANCE_OFFICER),
            "addWallet(bytes32,address)": role(Role.COMPLIANCE_OFFICER),
            "removeWallet(address)": role(Role.COMPLIANCE_OFFICER),
            "replaceWallet(address,address)": role(Role.COMPLIANCE_OFFICER),
            **UPGRADE,
        },
    ),
    "TransferCompliance": (
        lambda ledger: ledger.compliance.address,
        {
            "initialize(address)": ONCE,
            "setRules(address,uint16)": role(Role.COMPLIANCE_OFFICER),
            "setAllowedClasses(address,uint8)": role(Role.COMPLIANCE_OFFICER),
            "setJurisdictions(address,uint16[],bool)": role(Role.COMPLIANCE_OFFICER),
            "setInvestorLimits(address,uint32,uint96,uint96)": role(Role.COMPLIANCE_OFFICER),
            "setLockupPeriod(address,uint32)": role(Role.COMPLIANCE_OFFICER),
            "setCircuitBreaker(address,uint16,uint32)": role(Role.COMPLIANCE_OFFICER),
            **UPGRADE,
        },
    ),
    "EntitlementToken": (
        lambda ledger: ledger.token.address,
        {
            "initialize(": ONCE,
            "transfer(address,uint256)": ANYONE,
            "transferFrom(address,address,uint256)": ANYONE,
            "approve(address,uint256)": ANYONE,
            "encumber(address,uint256)": ANYONE,
            "encumberFrom(address,address,uint256)": ANYONE,
            "release(address,uint256)": ANYONE,
            "mint(address,uint256)": role(Role.ISSUER),
            "mintBatch(address[],uint256[])": role(Role.ISSUER),
            "burn(address,uint256)": role(Role.ISSUER),
            "burnBatch(address[],uint256[])": role(Role.ISSUER),
            "setSecurityInfo(string,string,string,bytes32)": role(Role.ISSUER),
            "scheduleRecordDate(uint40)": role(Role.TRANSFER_AGENT, Role.ISSUER),
            "split(uint32,uint32)": role(Role.ISSUER),
            "settleSplits(address[])": ANYONE,
            "claimSplitRemainder(address)": role(Role.ISSUER),
            "forcedTransfer(address,address,uint256)": role(Role.TRANSFER_AGENT),
            "setFrozenTokens(address,uint256)": role(Role.TRANSFER_AGENT),
            "recoverWallet(address,address)": role(Role.TRANSFER_AGENT),
            "pause()": role(Role.PAUSER),
            "unpause()": role(Role.PAUSER),
            "applyRuleSettings(": COMPLIANCE_CONTRACT,
            "applyJurisdictionWord(uint256,uint256)": COMPLIANCE_CONTRACT,
            **UPGRADE,
        },
    ),
    "Distributions": (
        lambda ledger: ledger.distributions.address,
        {
            "initialize(address,address)": ONCE,
            "announce(address,uint24,address,uint256,uint40)": role(Role.ISSUER),
            "claim(uint256)": ANYONE,
            "push(uint256,address[])": role(Role.TRANSFER_AGENT),
            "reclaim(uint256,address)": role(Role.ISSUER),
            **UPGRADE,
        },
    ),
    "Ballots": (
        lambda ledger: ledger.ballots.address,
        {
            "initialize(address,address)": ONCE,
            "propose(address,uint24,uint40,uint40,uint16,string,bytes32)": role(Role.ISSUER),
            "castVote(uint256,uint8)": ANYONE,
            **UPGRADE,
        },
    ),
    "Disclosures": (
        lambda ledger: ledger.disclosures.address,
        {
            "initialize(address)": ONCE,
            "setDocument(address,bytes32,string,bytes32)": role(Role.ISSUER),
            "removeDocument(address,bytes32)": role(Role.ISSUER),
            **UPGRADE,
        },
    ),
    "Redemptions": (
        lambda ledger: ledger.redemptions.address,
        {
            "initialize(address)": ONCE,
            "configureFund(address,address,address,uint40)": role(Role.ISSUER),
            "scheduleDealing(address,uint40)": role(Role.NAV_ADMINISTRATOR),
            "publishNav(address,uint128,uint40)": role(Role.NAV_ADMINISTRATOR),
            "requestRedemption(address,uint256)": ANYONE,
            "cancelRedemption(uint256)": ANYONE,
            "releaseExcess(address)": ANYONE,
            "settle(uint256[])": role(Role.NAV_ADMINISTRATOR),
            "redeemAtMaturity(address,address[])": role(Role.NAV_ADMINISTRATOR),
            **UPGRADE,
        },
    ),
    "PriceFeed": (
        lambda ledger: ledger.price_feed.address,
        {
            "initialize(address)": ONCE,
            "setPrice(address,uint128)": role(Role.PRICE_FEEDER),
            **UPGRADE,
        },
    ),
    "CollateralVault": (
        lambda ledger: ledger.vault.address,
        {
            "initialize(address,address,uint32)": ONCE,
            "listAsset(address,uint16,uint32)": role(Role.CLEARING_AGENT),
            "setRequirement(address,uint96)": role(Role.CLEARING_AGENT),
            "deposit(address,uint256)": ANYONE,
            "withdraw(address,uint256)": ANYONE,
            "cure(address)": ANYONE,
            "marginCall(address)": role(Role.CLEARING_AGENT),
            "liquidate(address,address,uint256,address)": role(Role.CLEARING_AGENT),
            **UPGRADE,
        },
    ),
    "DvPEscrow": (
        lambda ledger: ledger.dvp.address,
        {
            "initialize(address)": ONCE,
            f"propose({TRADE},bool)": DVP_PARTY,
            f"affirm({TRADE},bool)": DVP_PARTY,
            f"cancel({TRADE})": DVP_PARTY,
            # Both parties consented (on-chain or signed): anyone may carry out the settlement.
            f"settle({TRADE})": ANYONE,
            f"settleWithAffirmations({TRADE},bytes,bytes)": ANYONE,
            f"expire({TRADE})": ANYONE,
            "releaseExcess(address)": ANYONE,
            f"settleBatch({TRADE}[])": role(Role.VENUE),
            **UPGRADE,
        },
    ),
    "Repo": (
        lambda ledger: ledger.repo.address,
        {
            "initialize(address)": ONCE,
            f"propose({REPO_TERMS},bool,bool)": REPO_PARTY,
            f"affirm({REPO_TERMS},bool,bool)": REPO_PARTY,
            f"close({REPO_TERMS})": REPO_PARTY,
            f"claimSecurities({REPO_TERMS})": REPO_PARTY,
            f"declareLenderDefault({REPO_TERMS})": REPO_PARTY,
            f"cancel({REPO_TERMS})": REPO_PARTY,
            f"expire({REPO_TERMS})": ANYONE,
            "releaseExcess(address)": ANYONE,
            **UPGRADE,
        },
    ),
    "Stablecoin": (
        lambda ledger: ledger.cash.address,
        {
            "initialize(string,string,address,address)": ONCE,
            "transfer(address,uint256)": ANYONE,
            "transferFrom(address,address,uint256)": ANYONE,
            "approve(address,uint256)": ANYONE,
            "permit(": ANYONE,
            "transferWithAuthorization(": ANYONE,
            "receiveWithAuthorization(": ANYONE,
            "cancelAuthorization(": ANYONE,
            "encumber(address,uint256)": ANYONE,
            "encumberFrom(address,address,uint256)": ANYONE,
            "release(address,uint256)": ANYONE,
            "mint(address,uint256)": MINTER,
            "burn(uint256)": MINTER,
            "configureMinter(address,uint256)": role(Role.MASTER_MINTER),
            "removeMinter(address)": role(Role.MASTER_MINTER),
            "blacklist(address)": role(Role.BLACKLISTER),
            "unBlacklist(address)": role(Role.BLACKLISTER),
            "seize(address,address,uint256,bytes32)": role(Role.BLACKLISTER),
            "pause()": role(Role.PAUSER),
            "unpause()": role(Role.PAUSER),
            "setIdentityRegistry(address)": role(Role.COMPLIANCE_OFFICER),
            "rescueERC20(address,address,uint256)": role(Role.RESCUER),
            **UPGRADE,
        },
    ),
}
"""Contract -> (its address on a ledger, state-changing function -> gate). A key ending in "("
stands for the one function of that name whose tuple argument would be long to spell."""


def system_contracts() -> dict[str, list[AbiFunction]]:
    """Every deployable system contract (the authority and each UUPS contract) and its
    state-changing functions."""
    found: dict[str, list[AbiFunction]] = {}
    for entry in _artifacts().iterdir():
        if not entry.name.endswith(".json") or entry.name.startswith("_"):
            continue
        built = json.loads(entry.read_text())
        if built["testOnly"] or len(built["bytecode"]) <= 2:  # mocks; abstract contracts
            continue
        abi = [*built["abi"]]
        for extension in HOSTED.get(entry.name.removesuffix(".json"), ()):
            abi += json.loads(_artifacts().joinpath(f"{extension}.json").read_text())["abi"]
        functions = [e for e in abi if e.get("type") == "function" and not _reads_only(e)]
        names = {e["name"] for e in functions}
        if "upgradeToAndCall" in names or entry.name == "PermledgerAuthority.json":
            found[entry.name.removesuffix(".json")] = [AbiFunction.from_abi(e) for e in functions]
    return found


def _artifacts() -> Any:
    return resources.files("permledger.artifacts")


def _reads_only(entry: Mapping[str, Any]) -> bool:
    return entry["stateMutability"] in ("view", "pure")


def gate_of(contract: str, function: AbiFunction) -> Gate | None:
    gates = MATRIX[contract][1]
    if function.signature in gates:
        return gates[function.signature]
    return gates.get(f"{function.name}(")


def test_every_state_changing_function_has_an_entry() -> None:
    contracts = system_contracts()
    assert set(contracts) == set(MATRIX), "system contracts and MATRIX differ"
    missing = [
        f"{contract}.{function.signature}"
        for contract, functions in contracts.items()
        for function in functions
        if gate_of(contract, function) is None
    ]
    assert missing == [], f"functions without an access-control entry: {missing}"


def test_no_entry_names_a_function_the_contract_lacks() -> None:
    contracts = system_contracts()
    for contract, (_, gates) in MATRIX.items():
        signatures = {f.signature for f in contracts.get(contract, [])}
        names = {f"{f.name}(" for f in contracts.get(contract, [])}
        assert {key for key in gates if key not in signatures | names} == set(), contract


CASES = [
    (contract, function)
    for contract, functions in sorted(system_contracts().items())
    for function in functions
    if contract in MATRIX and gate_of(contract, function) not in (None, ANYONE)
]


@pytest.mark.parametrize(("contract", "function"), CASES, ids=[f"{c}.{f.name}" for c, f in CASES])
def test_every_actor_without_access_gets_the_exact_error(
    ledger: Ledger, contract: str, function: AbiFunction
) -> None:
    gate = gate_of(contract, function)
    assert gate is not None
    assert gate.refusal is not None
    target = MATRIX[contract][0](ledger)
    calldata = function.encode([placeholder(kind, ledger) for kind in function.inputs])
    refused = [name for name in ACTORS if name not in gate.allowed]
    assert refused, "a gate that lets everyone through belongs to ANYONE"
    for name in refused:
        caller = ledger.accounts[name]
        with pytest.raises(TransactionReverted) as reverted:
            ledger.chain.call(target, calldata, sender=caller.address)
        decoded = error_decoder().decode(reverted.value.data)
        assert decoded is not None, f"{name}: undecodable revert {reverted.value.data.hex()}"
        assert (decoded.name, decoded.args) == gate.refusal(ledger, caller), name


def placeholder(kind: str, ledger: Ledger) -> Any:
    """A well-formed argument of ABI type `kind`: gates are checked before arguments are."""
    if kind.endswith("]"):
        return []
    if kind.startswith("("):
        return tuple(placeholder(k, ledger) for k in split_tuple(kind[1:-1]))
    if kind == "address":
        return ledger.accounts["frank"].address
    if kind == "bool":
        return True
    if kind == "string":
        return "x"
    if kind == "bytes":
        return b"\x01"
    if kind.startswith("bytes"):
        return b"\x01" * int(kind[5:])
    if re.fullmatch(r"u?int\d*", kind):
        return 1
    raise AssertionError(f"no placeholder for ABI type {kind}")


def split_tuple(body: str) -> list[str]:
    """The component types of a tuple type's body, nested tuples kept whole."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    return [*parts, body[start:]] if body else parts
