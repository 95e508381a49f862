"""What the DvP escrow and repo drivers share (the SettlementLegs base contract): simulated sends,
reason codes as verdicts, locks and event histories."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from permledger.binding import AbiEvent
from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address
from permledger.settlement import LegCheck


@dataclass(frozen=True, slots=True)
class DealEvent:
    """One event in a trade's or repo's history."""

    name: str
    args: dict[str, Any]
    block_number: int
    tx_hash: bytes
    log_index: int


class SettlementLegsDriver(Driver):
    """Base of the DvPEscrow and Repo drivers.

    Every state-changing method first runs the same call against the latest state (what the next
    block sees), so a step the contract would refuse raises its decoded error and sends nothing;
    `precheck=False` skips that and sends anyway (the transaction is mined and reverts).
    """

    def locked_balance(self, token: AddressLike, owner: AddressLike) -> int:
        """The sum of `owner`'s open locked legs in `token`."""
        return int(self._call("lockedBalance", address(token, "token"), address(owner, "owner")))

    def release_excess(
        self, token: AddressLike, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """Release the sender's units of `token` encumbered to this contract beyond its locked legs.

        Raises:
            SettlementLockUnsupported: the token has no ERC-7246 encumbrances.
        """
        return self._transact(
            "releaseExcess", address(token, "token"), sender=sender, precheck=precheck
        )

    def message_for_settlement_code(self, code: int) -> str:
        """The contract's message for a settlement or ERC-1404 code."""
        return str(self._call("messageForSettlementCode", code))

    def _verdict(self, code: int) -> LegCheck:
        return LegCheck(code, "ok" if code == 0 else self.message_for_settlement_code(code))

    def _transact(self, name: str, *args: Any, sender: Account | None, precheck: bool) -> Receipt:
        account = self._sender(sender, name)
        if precheck:
            with self._decoded():
                self.binding.call(name, *args, sender=account.address)
        return self._send(name, *args, sender=account)

    def _history(self, deal_id: bytes) -> list[DealEvent]:
        """Every event of this contract whose first indexed argument is `deal_id`, in order."""
        events = {
            event.topic: event
            for event in (
                AbiEvent.from_abi(e) for e in self.binding.abi if e.get("type") == "event"
            )
        }
        logs = self.chain.get_logs(address=self.address, topics=[None, deal_id])
        return [
            DealEvent(
                events[log.topics[0]].name,
                events[log.topics[0]].decode(log),
                log.block_number,
                log.tx_hash,
                log.log_index,
            )
            for log in logs
            if log.topics[0] in events
        ]

    @staticmethod
    def _first(history: Iterable[DealEvent], name: str) -> DealEvent | None:
        return next((event for event in history if event.name == name), None)
