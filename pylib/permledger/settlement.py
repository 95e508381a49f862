"""Values shared by the settlement SDK and contracts: trade and repo terms, statuses, reason codes.

A trade's (or repo's) id is the EIP-712 struct hash of its terms, computed here exactly as the
contracts compute it, so an id is known before anything is sent.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils.crypto import keccak

from permledger.binding import encode
from permledger.drivers.base import address, amount
from permledger.errors import InvalidInput
from permledger.types import RestrictionCode

UINT40_MAX = 2**40 - 1
FULL_BPS = 10_000


class SettlementCode(enum.IntEnum):
    """Settlement reason codes (contracts/settlement/SettlementCode.sol) past the ERC-1404 ones."""

    SUCCESS = 0
    INSUFFICIENT_BALANCE = 11
    ALLOWANCE_INSUFFICIENT = 32
    ENCUMBRANCE_INSUFFICIENT = 33
    AVAILABLE_BALANCE_INSUFFICIENT = 34
    TOKEN_CHECK_FAILED = 35
    UNKNOWN = 48
    SETTLED = 49
    CANCELLED = 50
    EXPIRED = 51
    SELLER_NOT_AFFIRMED = 52
    BUYER_NOT_AFFIRMED = 53
    WRONG_STATUS = 54
    NOT_DUE = 55
    SPLIT_SINCE_STRIKE = 56


def code_name(code: int) -> str:
    """The symbolic name of a leg or state code: an ERC-1404 or a settlement code."""
    if code in SettlementCode.__members__.values():
        return SettlementCode(code).name
    if code in RestrictionCode.__members__.values():
        return RestrictionCode(code).name
    return f"CODE_{code}"


@dataclass(frozen=True, slots=True)
class LegCheck:
    """One verdict of a dry run: a code (ERC-1404 or settlement) and its message."""

    code: int
    message: str

    @property
    def ok(self) -> bool:
        """Whether nothing stands in the way."""
        return self.code == 0

    def __str__(self) -> str:
        return "ok" if self.ok else f"{self.message} ({code_name(self.code)}, code {self.code})"


class TradeStatus(enum.IntEnum):
    """Where a trade is (IDvPEscrow.TradeStatus)."""

    NONE = 0
    PROPOSED = 1
    SETTLED = 2
    CANCELLED = 3
    EXPIRED = 4


class RepoStatus(enum.IntEnum):
    """Where a repo is (IRepo.RepoStatus)."""

    NONE = 0
    PROPOSED = 1
    OPEN = 2
    CLOSED = 3
    BORROWER_DEFAULTED = 4
    LENDER_DEFAULTED = 5
    CANCELLED = 6
    EXPIRED = 7


def new_ref() -> bytes:
    """A fresh random 32-byte reference, which makes a deal's id unique."""
    return secrets.token_bytes(32)


def _positive(value: int, what: str, maximum: int = 2**256 - 1) -> int:
    if amount(value, what, maximum=maximum) == 0:
        raise InvalidInput(f"{what} must be above zero")
    return value


def _ref(value: bytes) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise InvalidInput(f"ref must be 32 bytes, got {value!r}")
    return value


def _distinct(party: str, counterparty: str, security: str, cash: str, roles: str) -> None:
    if party == counterparty:
        raise InvalidInput(f"the {roles} are the same account {party}")
    if security == cash:
        raise InvalidInput(f"the security and the cash token are the same token {cash}")


TRADE_TYPE = [
    {"name": "seller", "type": "address"},
    {"name": "buyer", "type": "address"},
    {"name": "securityToken", "type": "address"},
    {"name": "securityAmount", "type": "uint256"},
    {"name": "cashToken", "type": "address"},
    {"name": "cashAmount", "type": "uint256"},
    {"name": "deadline", "type": "uint40"},
    {"name": "ref", "type": "bytes32"},
]
"""The EIP-712 type of `Trade`, as IDvPEscrow declares it."""

REPO_TYPE = [
    {"name": "borrower", "type": "address"},
    {"name": "lender", "type": "address"},
    {"name": "securityToken", "type": "address"},
    {"name": "securityAmount", "type": "uint256"},
    {"name": "cashToken", "type": "address"},
    {"name": "securityValue", "type": "uint256"},
    {"name": "haircutBps", "type": "uint16"},
    {"name": "repurchasePrice", "type": "uint256"},
    {"name": "openBy", "type": "uint40"},
    {"name": "maturity", "type": "uint40"},
    {"name": "grace", "type": "uint40"},
    {"name": "ref", "type": "bytes32"},
]
"""The EIP-712 type of `RepoTerms`, as IRepo declares it."""


def struct_hash(name: str, fields: list[dict[str, str]], values: tuple[Any, ...]) -> bytes:
    """The EIP-712 hashStruct of a struct whose fields are all atomic (no strings or arrays)."""
    signature = f"{name}({','.join(f['type'] + ' ' + f['name'] for f in fields)})"
    types = ["bytes32", *(f["type"] for f in fields)]
    return keccak(encode(types, [keccak(text=signature), *values]))


@dataclass(frozen=True, slots=True)
class Trade:
    """The terms of a DvP trade; `deadline` is the last second it may settle (unix time)."""

    seller: ChecksumAddress
    buyer: ChecksumAddress
    security_token: ChecksumAddress
    security_amount: int
    cash_token: ChecksumAddress
    cash_amount: int
    deadline: int
    ref: bytes = field(default_factory=new_ref)

    @classmethod
    def new(
        cls,
        *,
        seller: Any,
        buyer: Any,
        security_token: Any,
        security_amount: int,
        cash_token: Any,
        cash_amount: int,
        deadline: int,
        ref: bytes | None = None,
    ) -> Trade:
        """Terms from accounts or addresses, checked as the escrow checks them.

        Raises:
            InvalidInput: a malformed address, a zero amount, the same party or token twice.
        """
        trade = cls(
            seller=address(seller, "seller"),
            buyer=address(buyer, "buyer"),
            security_token=address(security_token, "security token"),
            security_amount=_positive(security_amount, "security amount"),
            cash_token=address(cash_token, "cash token"),
            cash_amount=_positive(cash_amount, "cash amount"),
            deadline=_positive(deadline, "deadline", UINT40_MAX),
            ref=new_ref() if ref is None else _ref(ref),
        )
        _distinct(
            trade.seller, trade.buyer, trade.security_token, trade.cash_token, "seller and buyer"
        )
        return trade

    @classmethod
    def from_event(cls, values: tuple[Any, ...]) -> Trade:
        """Terms from the `trade` tuple of a `TradeProposed` event."""
        return cls(*values)

    def as_tuple(self) -> tuple[Any, ...]:
        """The ABI tuple of `IDvPEscrow.Trade`."""
        return (
            self.seller,
            self.buyer,
            self.security_token,
            self.security_amount,
            self.cash_token,
            self.cash_amount,
            self.deadline,
            self.ref,
        )

    @property
    def id(self) -> bytes:
        """The trade id: the EIP-712 struct hash of the terms."""
        return struct_hash("Trade", TRADE_TYPE, self.as_tuple())

    def typed_data(self) -> Mapping[str, Any]:
        """The terms as an EIP-712 message (field names as the contract's)."""
        return dict(zip((f["name"] for f in TRADE_TYPE), self.as_tuple(), strict=True))


@dataclass(frozen=True, slots=True)
class RepoTerms:
    """The terms of a repo (see IRepo.RepoTerms); money amounts in cash-token units."""

    borrower: ChecksumAddress
    lender: ChecksumAddress
    security_token: ChecksumAddress
    security_amount: int
    cash_token: ChecksumAddress
    security_value: int
    haircut_bps: int
    repurchase_price: int
    open_by: int
    maturity: int
    grace: int
    ref: bytes = field(default_factory=new_ref)

    @classmethod
    def new(
        cls,
        *,
        borrower: Any,
        lender: Any,
        security_token: Any,
        security_amount: int,
        cash_token: Any,
        security_value: int,
        haircut_bps: int,
        repurchase_price: int,
        open_by: int,
        maturity: int,
        grace: int,
        ref: bytes | None = None,
    ) -> RepoTerms:
        """Terms from accounts or addresses, checked as the repo contract checks them.

        Raises:
            InvalidInput: a malformed address, a zero amount or price, a haircut of 100% or more,
                maturity not after `open_by`, the same party or token twice.
        """
        terms = cls(
            borrower=address(borrower, "borrower"),
            lender=address(lender, "lender"),
            security_token=address(security_token, "security token"),
            security_amount=_positive(security_amount, "security amount"),
            cash_token=address(cash_token, "cash token"),
            security_value=_positive(security_value, "security value"),
            haircut_bps=amount(haircut_bps, "haircut_bps", maximum=FULL_BPS - 1),
            repurchase_price=_positive(repurchase_price, "repurchase price"),
            open_by=_positive(open_by, "open_by", UINT40_MAX),
            maturity=_positive(maturity, "maturity", UINT40_MAX),
            grace=amount(grace, "grace", maximum=UINT40_MAX),
            ref=new_ref() if ref is None else _ref(ref),
        )
        _distinct(
            terms.borrower,
            terms.lender,
            terms.security_token,
            terms.cash_token,
            "borrower and lender",
        )
        if terms.maturity <= terms.open_by:
            raise InvalidInput(f"maturity {terms.maturity} must come after open_by {terms.open_by}")
        if terms.purchase_price == 0:
            raise InvalidInput("the purchase price (value less haircut) rounds to zero")
        return terms

    @classmethod
    def from_event(cls, values: tuple[Any, ...]) -> RepoTerms:
        """Terms from the `terms` tuple of a `RepoProposed` event."""
        return cls(*values)

    def as_tuple(self) -> tuple[Any, ...]:
        """The ABI tuple of `IRepo.RepoTerms`."""
        return (
            self.borrower,
            self.lender,
            self.security_token,
            self.security_amount,
            self.cash_token,
            self.security_value,
            self.haircut_bps,
            self.repurchase_price,
            self.open_by,
            self.maturity,
            self.grace,
            self.ref,
        )

    @property
    def id(self) -> bytes:
        """The repo id: the EIP-712 struct hash of the terms."""
        return struct_hash("RepoTerms", REPO_TYPE, self.as_tuple())

    @property
    def purchase_price(self) -> int:
        """The cash paid at opening: the value less the haircut, rounded down (as on-chain)."""
        return self.security_value * (FULL_BPS - self.haircut_bps) // FULL_BPS


def repurchase_price(purchase_price: int, *, rate_bps: int, days: int, basis: int = 360) -> int:
    """The repurchase price at a simple money-market repo rate (ACT/`basis`), rounded up.

    Raises:
        InvalidInput: a negative price or days, or a basis that is not 360 or 365.
    """
    if purchase_price < 0 or days < 0:
        raise InvalidInput("purchase price and days must not be negative")
    if basis not in (360, 365):
        raise InvalidInput(f"day-count basis must be 360 or 365, got {basis}")
    interest_numerator = purchase_price * rate_bps * days
    denominator = FULL_BPS * basis
    return purchase_price + -(-interest_numerator // denominator)


@dataclass(frozen=True, slots=True)
class NetPosition:
    """A party's net position in one token across a batch; `check` says whether the escrow can
    take what it owes."""

    token: ChecksumAddress
    party: ChecksumAddress
    net: int
    check: LegCheck


@dataclass(frozen=True, slots=True)
class Movement:
    """One transfer of a netted batch and the token's verdict on it."""

    token: ChecksumAddress
    source: ChecksumAddress
    to: ChecksumAddress
    amount: int
    check: LegCheck
