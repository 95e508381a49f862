"""Driver for DvPEscrow: delivery versus payment, gross, with signed affirmations, and netted."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_account import Account as EthAccount
from eth_account.messages import encode_typed_data
from eth_typing import ChecksumAddress

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, address
from permledger.drivers.settlement_legs import DealEvent, SettlementLegsDriver
from permledger.errors import BatchRejected, InvalidInput, SettlementRejected
from permledger.settlement import (
    TRADE_TYPE,
    LegCheck,
    Movement,
    NetPosition,
    SettlementCode,
    Trade,
    TradeStatus,
)

EIP712_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]

# What `settleWithAffirmations` supplies itself: consents, and the proposal of a new trade.
_SUPPLIED_BY_SIGNATURES = {
    SettlementCode.SUCCESS,
    SettlementCode.UNKNOWN,
    SettlementCode.SELLER_NOT_AFFIRMED,
    SettlementCode.BUYER_NOT_AFFIRMED,
}


@dataclass(frozen=True, slots=True)
class TradeState:
    """What the escrow records about a trade."""

    status: TradeStatus
    seller_affirmed: bool
    buyer_affirmed: bool
    security_locked: bool
    cash_locked: bool
    deadline: int
    proposer: ChecksumAddress


@dataclass(frozen=True, slots=True)
class SettlementCheck:
    """A dry run of `settle`: the trade's own state and each leg's verdict."""

    trade: LegCheck
    security: LegCheck
    cash: LegCheck

    @property
    def ok(self) -> bool:
        """Whether `settle` would succeed now."""
        return self.trade.ok and self.security.ok and self.cash.ok


@dataclass(frozen=True, slots=True)
class BatchCheck:
    """A dry run of `settle_batch`: the first trade that cannot settle, net positions, transfers."""

    trade: LegCheck
    trade_index: int | None
    positions: list[NetPosition]
    movements: list[Movement]

    @property
    def short(self) -> list[NetPosition]:
        """The positions the escrow cannot take: the parties that are short."""
        return [p for p in self.positions if not p.check.ok]

    @property
    def blocked(self) -> list[Movement]:
        """The transfers a token's rules refuse."""
        return [m for m in self.movements if not m.check.ok]

    @property
    def ok(self) -> bool:
        """Whether `settle_batch` would succeed now."""
        return self.trade.ok and not self.short and not self.blocked


def affirmation_typed_data(
    trade: Trade, *, chain_id: int, escrow: AddressLike, name: str, version: str
) -> dict[str, Any]:
    """The EIP-712 message a party signs to affirm `trade` on `escrow` (eth-account's format)."""
    return {
        "types": {"EIP712Domain": EIP712_DOMAIN_TYPE, "Trade": TRADE_TYPE},
        "primaryType": "Trade",
        "domain": {
            "name": name,
            "version": version,
            "chainId": chain_id,
            "verifyingContract": address(escrow, "escrow"),
        },
        "message": dict(trade.typed_data()),
    }


class DvPEscrow(SettlementLegsDriver):
    """The DvP escrow. `settle` dry-runs both legs first and raises `SettlementRejected`."""

    CONTRACT = "DvPEscrow"

    # Terms, ids and state

    def trade(self, trade_id: bytes) -> Trade:
        """A trade's terms, from its `TradeProposed` event.

        Raises:
            SettlementRejected: no trade with this id was proposed (code UNKNOWN).
        """
        proposed = self._first(self._history(trade_id), "TradeProposed")
        if proposed is None:
            raise SettlementRejected(trade_id, state=self._verdict(SettlementCode.UNKNOWN), legs={})
        return Trade.from_event(proposed.args["trade"])

    def trade_id(self, trade: Trade) -> bytes:
        """The id the escrow computes for `trade` (equal to `trade.id`)."""
        return bytes(self._call("tradeId", trade.as_tuple()))

    def trade_state(self, trade: Trade | bytes) -> TradeState:
        """What the escrow records about a trade (status NONE if unknown)."""
        trade_id = trade.id if isinstance(trade, Trade) else trade
        status, seller, buyer, security_locked, cash_locked, deadline, proposer = self._call(
            "tradeState", trade_id
        )
        return TradeState(
            status=TradeStatus(status),
            seller_affirmed=seller,
            buyer_affirmed=buyer,
            security_locked=security_locked,
            cash_locked=cash_locked,
            deadline=deadline,
            proposer=address(proposer),
        )

    # Proposing and affirming

    def propose(
        self,
        trade: Trade,
        *,
        lock: bool = False,
        sender: Account | None = None,
        precheck: bool = True,
    ) -> Receipt:
        """Propose a trade as a party (affirming it, locking the sender's leg if `lock`) or venue.

        Raises:
            SettlementExists, SettlementDeadlinePassed, SettlementNotParty, SettlementTokenInvalid,
            SettlementLockUnsupported, SettlementVenueCannotLock, ERC20InsufficientAllowance.
        """
        return self._transact("propose", trade.as_tuple(), lock, sender=sender, precheck=precheck)

    def affirm(
        self,
        trade: Trade | bytes,
        *,
        lock: bool = False,
        sender: Account | None = None,
        precheck: bool = True,
    ) -> Receipt:
        """Affirm a proposed trade as the sender, locking its leg if `lock`.

        Raises:
            SettlementUnknown, SettlementWrongStatus, SettlementDeadlinePassed, SettlementNotParty,
            SettlementAlreadyAffirmed, SettlementLockUnsupported.
        """
        terms = self._terms(trade)
        return self._transact("affirm", terms.as_tuple(), lock, sender=sender, precheck=precheck)

    def affirmation_digest(self, trade: Trade) -> bytes:
        """The EIP-712 digest a party signs to affirm `trade` on this escrow."""
        return bytes(self._call("affirmationDigest", trade.as_tuple()))

    def affirmation_typed_data(self, trade: Trade) -> dict[str, Any]:
        """The EIP-712 message to sign for `trade`, with this escrow's domain (ERC-5267)."""
        _, name, version, chain_id, verifying_contract, _, _ = self._call("eip712Domain")
        return affirmation_typed_data(
            trade, chain_id=chain_id, escrow=verifying_contract, name=name, version=version
        )

    def sign_affirmation(self, trade: Trade, signer: Account) -> bytes:
        """`signer`'s affirmation of `trade`, signed with eth-account's typed-data signing."""
        typed = self.affirmation_typed_data(trade)
        return bytes(EthAccount.sign_typed_data(signer.private_key, full_message=typed).signature)

    # Settling

    def check_settlement(self, trade: Trade | bytes) -> SettlementCheck:
        """Dry-run `settle` now: the trade's state and each leg's code and message."""
        terms = self._terms(trade)
        state, security, cash = self._call("checkSettlement", terms.as_tuple())
        return SettlementCheck(self._verdict(state), self._verdict(security), self._verdict(cash))

    def settle(
        self, trade: Trade | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """Settle a matched trade after the dry run passes; a rejected trade sends nothing.

        Raises:
            SettlementRejected: the trade's state or a leg fails the dry run (each leg's reason).
            With `precheck=False`, the contract's error: SettlementUnknown, SettlementWrongStatus,
            SettlementDeadlinePassed, SettlementNotAffirmed, SettlementLockShort (a locked leg
            after a reverse split), or the failing token's own error.
        """
        terms = self._terms(trade)
        if precheck:
            check = self.check_settlement(terms)
            if not check.ok:
                legs = {"security": check.security, "cash": check.cash}
                raise SettlementRejected(terms.id, state=check.trade, legs=legs)
        return self._transact("settle", terms.as_tuple(), sender=sender, precheck=precheck)

    def settle_with_affirmations(
        self,
        trade: Trade | bytes,
        *,
        seller_signature: bytes = b"",
        buyer_signature: bytes = b"",
        sender: Account | None = None,
        precheck: bool = True,
    ) -> Receipt:
        """Affirm (by signature, or as the sender) and settle in one transaction.

        Raises:
            InvalidInput: a signature is not its party's affirmation of this trade on this escrow.
            SettlementRejected: the trade cannot settle, or a leg fails the dry run.
            With `precheck=False`, the contract's error (SettlementSignatureInvalid, ...).
        """
        terms = self._terms(trade)
        if precheck:
            self._require_signed(terms, terms.seller, seller_signature, "seller")
            self._require_signed(terms, terms.buyer, buyer_signature, "buyer")
            check = self.check_settlement(terms)
            state = (
                check.trade
                if check.trade.code not in _SUPPLIED_BY_SIGNATURES
                else LegCheck(0, "ok")
            )
            if not (state.ok and check.security.ok and check.cash.ok):
                legs = {"security": check.security, "cash": check.cash}
                raise SettlementRejected(terms.id, state=state, legs=legs)
        return self._transact(
            "settleWithAffirmations",
            terms.as_tuple(),
            seller_signature,
            buyer_signature,
            sender=sender,
            precheck=precheck,
        )

    def check_batch(self, trades: Sequence[Trade]) -> BatchCheck:
        """Dry-run `settle_batch` now: which trade cannot settle, who is short, what is blocked."""
        code, index, positions, movements = self._call("checkBatch", [t.as_tuple() for t in trades])
        return BatchCheck(
            trade=self._verdict(code),
            trade_index=int(index) if code else None,
            positions=[NetPosition(t, p, net, self._verdict(c)) for t, p, net, c in positions],
            movements=[Movement(t, s, r, a, self._verdict(c)) for t, s, r, a, c in movements],
        )

    def settle_batch(
        self, trades: Sequence[Trade], *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """Settle matched trades netted, as a venue, after the dry run passes.

        Raises:
            InvalidInput: no trades.
            BatchRejected: a trade cannot settle, a party is short, or a token refuses a transfer.
            With `precheck=False`, the contract's error.
        """
        if not trades:
            raise InvalidInput("a batch needs at least one trade")
        if precheck:
            check = self.check_batch(trades)
            if not check.ok:
                raise BatchRejected(
                    state=check.trade,
                    trade_index=check.trade_index,
                    short=check.short,
                    blocked=check.blocked,
                )
        return self._transact(
            "settleBatch", [t.as_tuple() for t in trades], sender=sender, precheck=precheck
        )

    # Ending

    def cancel(
        self, trade: Trade | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """Cancel a trade before settlement (a party, or the venue that proposed it).

        Raises:
            SettlementWrongStatus, SettlementNotParty.
        """
        terms = self._terms(trade)
        return self._transact("cancel", terms.as_tuple(), sender=sender, precheck=precheck)

    def expire(
        self, trade: Trade | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """Expire a proposed trade past its deadline, releasing its locked legs (anyone may).

        Raises:
            SettlementUnknown, SettlementWrongStatus, SettlementDeadlineNotPassed.
        """
        terms = self._terms(trade)
        return self._transact("expire", terms.as_tuple(), sender=sender, precheck=precheck)

    # History

    def history(self, trade: Trade | bytes) -> list[DealEvent]:
        """The trade's events, oldest first."""
        return self._history(trade.id if isinstance(trade, Trade) else trade)

    def describe_history(
        self, trade: Trade | bytes, names: Mapping[str, str] | None = None
    ) -> list[str]:
        """The trade's history as sentences; `names` labels addresses (e.g. account names)."""
        label = _Labeller(names or {})
        return [f"block {e.block_number}: {_describe(e, label)}" for e in self.history(trade)]

    # Internals

    def _terms(self, trade: Trade | bytes) -> Trade:
        return trade if isinstance(trade, Trade) else self.trade(trade)

    def _require_signed(self, trade: Trade, party: str, signature: bytes, role: str) -> None:
        if not signature or self.chain.get_code(address(party)):
            return  # nothing given, or a contract wallet (ERC-1271): the escrow judges it
        message = encode_typed_data(full_message=self.affirmation_typed_data(trade))
        try:
            signer = EthAccount.recover_message(message, signature=signature)
        except Exception as error:  # eth-account raises several types for malformed signatures
            raise InvalidInput(f"the {role}'s signature is malformed: {error}") from error
        if signer != party:
            raise InvalidInput(
                f"the {role}'s signature is not {party}'s affirmation of trade 0x{trade.id.hex()} "
                f"on escrow {self.address} (chain {self.chain.chain_id}); it recovers to {signer}"
            )


class _Labeller:
    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = {address(k): v for k, v in names.items()}

    def __call__(self, value: str) -> str:
        return self.names.get(address(value), value)


def _describe(event: DealEvent, label: _Labeller) -> str:
    a = event.args
    if event.name == "TradeProposed":
        t = Trade.from_event(a["trade"])
        deadline = datetime.datetime.fromtimestamp(t.deadline, datetime.UTC).isoformat()
        return (
            f"proposed by {label(a['proposer'])}: {label(t.seller)} sells {t.security_amount:,} "
            f"units of {label(t.security_token)} to {label(t.buyer)} for {t.cash_amount:,} units "
            f"of {label(t.cash_token)}, settling by {deadline}"
        )
    if event.name == "TradeAffirmed":
        how = "by signature" if a["bySignature"] else "on-chain"
        return f"affirmed by {label(a['party'])} ({how})"
    if event.name == "LegLocked":
        return f"{label(a['owner'])} locked {a['amount']:,} units of {label(a['token'])}"
    if event.name == "LegReleased":
        return f"{a['amount']:,} units of {label(a['token'])} released to {label(a['owner'])}"
    if event.name == "TradeSettled":
        batch = a["batchId"]
        return "settled" if not any(batch) else f"settled in netted batch 0x{batch.hex()}"
    if event.name == "TradeCancelled":
        return f"cancelled by {label(a['by'])}"
    if event.name == "TradeExpired":
        return "expired"
    return f"{event.name} {a}"
