"""Driver for Repo: repurchase agreements as an opening and a closing DvP leg, and their remedies."""

from __future__ import annotations

from dataclasses import dataclass

from eth_typing import ChecksumAddress

from permledger.chain import Account, Receipt
from permledger.drivers.base import address
from permledger.drivers.settlement_legs import DealEvent, SettlementLegsDriver
from permledger.errors import SettlementRejected
from permledger.settlement import LegCheck, RepoStatus, RepoTerms, SettlementCode


@dataclass(frozen=True, slots=True)
class RepoState:
    """What the repo contract records about a repo."""

    status: RepoStatus
    borrower_affirmed: bool
    lender_affirmed: bool
    security_locked: bool
    cash_locked: bool
    return_locked: bool
    proposer: ChecksumAddress


@dataclass(frozen=True, slots=True)
class RepoCheck:
    """A dry run of a repo leg: the repo's state for the step and each leg's verdict."""

    repo: LegCheck
    security: LegCheck
    cash: LegCheck

    @property
    def ok(self) -> bool:
        """Whether the leg would settle now."""
        return self.repo.ok and self.security.ok and self.cash.ok


class Repo(SettlementLegsDriver):
    """The repo contract. Opening and closing dry-run both legs and raise `SettlementRejected`."""

    CONTRACT = "Repo"

    def terms(self, repo_id: bytes) -> RepoTerms:
        """A repo's terms, from its `RepoProposed` event.

        Raises:
            SettlementRejected: no repo with this id was proposed (code UNKNOWN).
        """
        proposed = self._first(self._history(repo_id), "RepoProposed")
        if proposed is None:
            raise SettlementRejected(repo_id, state=self._verdict(SettlementCode.UNKNOWN), legs={})
        return RepoTerms.from_event(proposed.args["terms"])

    def repo_id(self, terms: RepoTerms) -> bytes:
        """The id the contract computes for `terms` (equal to `terms.id`)."""
        return bytes(self._call("repoId", terms.as_tuple()))

    def purchase_price(self, terms: RepoTerms) -> int:
        """The cash paid at opening, as the contract computes it."""
        return int(self._call("purchasePrice", terms.as_tuple()))

    def repo_state(self, repo: RepoTerms | bytes) -> RepoState:
        """What the contract records about a repo (status NONE if unknown)."""
        repo_id = repo.id if isinstance(repo, RepoTerms) else repo
        status, borrower, lender, security_locked, cash_locked, return_locked, proposer = (
            self._call("repoState", repo_id)
        )
        return RepoState(
            status=RepoStatus(status),
            borrower_affirmed=borrower,
            lender_affirmed=lender,
            security_locked=security_locked,
            cash_locked=cash_locked,
            return_locked=return_locked,
            proposer=address(proposer),
        )

    def propose(
        self,
        terms: RepoTerms,
        *,
        lock_leg: bool = False,
        lock_return: bool = False,
        sender: Account | None = None,
        precheck: bool = True,
    ) -> Receipt:
        """Propose a repo as a party (affirming it; `lock_leg` locks the sender's opening leg,
        `lock_return`, for the lender, the securities it will receive) or as a venue.

        Raises:
            SettlementExists, SettlementDeadlinePassed, RepoScheduleInvalid, RepoHaircutInvalid,
            SettlementNotParty, SettlementVenueCannotLock, RepoReturnLockNotLender, ...
        """
        return self._transact(
            "propose", terms.as_tuple(), lock_leg, lock_return, sender=sender, precheck=precheck
        )

    def affirm(
        self,
        repo: RepoTerms | bytes,
        *,
        lock_leg: bool = False,
        lock_return: bool = False,
        sender: Account | None = None,
        precheck: bool = True,
    ) -> Receipt:
        """Affirm a repo; the affirmation that completes the pair opens it, after a dry run of
        the opening leg.

        Raises:
            SettlementRejected: this affirmation opens the repo and a leg fails the dry run.
            SettlementUnknown, SettlementWrongStatus, SettlementDeadlinePassed, SettlementNotParty,
            SettlementAlreadyAffirmed, ...
        """
        terms = self._terms(repo)
        if precheck:
            state = self.repo_state(terms)
            account = self._sender(sender, "affirm")
            others = {terms.borrower: state.lender_affirmed, terms.lender: state.borrower_affirmed}
            if others.get(account.address):
                self._require(terms.id, self.check_opening(terms))
        return self._transact(
            "affirm", terms.as_tuple(), lock_leg, lock_return, sender=sender, precheck=precheck
        )

    def check_opening(self, repo: RepoTerms | bytes) -> RepoCheck:
        """Dry-run the opening leg now."""
        return self._check("checkOpening", self._terms(repo))

    def check_closing(self, repo: RepoTerms | bytes) -> RepoCheck:
        """Dry-run the closing leg now."""
        return self._check("checkClosing", self._terms(repo))

    def close(
        self, repo: RepoTerms | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """Settle the closing leg (from maturity, either party) after its dry run passes.

        Raises:
            SettlementRejected: the repo is not open or not due, or a leg fails the dry run.
            With `precheck=False`, the contract's error or the failing token's.
        """
        terms = self._terms(repo)
        if precheck:
            self._require(terms.id, self.check_closing(terms))
        return self._transact("close", terms.as_tuple(), sender=sender, precheck=precheck)

    def claim_securities(
        self, repo: RepoTerms | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """As the lender, keep the securities of a repo not repaid by maturity plus grace.

        Raises:
            SettlementWrongStatus, SettlementNotParty, RepoNotDue.
        """
        terms = self._terms(repo)
        return self._transact("claimSecurities", terms.as_tuple(), sender=sender, precheck=precheck)

    def declare_lender_default(
        self, repo: RepoTerms | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """As the borrower, keep the cash when the lender cannot return the securities.

        Raises:
            SettlementWrongStatus, SettlementNotParty, RepoNotDue, RepoRepaymentNotReady,
            RepoReturnNotLenderFault.
        """
        terms = self._terms(repo)
        return self._transact(
            "declareLenderDefault", terms.as_tuple(), sender=sender, precheck=precheck
        )

    def cancel(
        self, repo: RepoTerms | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """Cancel a repo before it opens (a party, or the venue that proposed it).

        Raises:
            SettlementWrongStatus, SettlementNotParty.
        """
        terms = self._terms(repo)
        return self._transact("cancel", terms.as_tuple(), sender=sender, precheck=precheck)

    def expire(
        self, repo: RepoTerms | bytes, *, sender: Account | None = None, precheck: bool = True
    ) -> Receipt:
        """End a proposed repo past its opening deadline, releasing its locked legs.

        Raises:
            SettlementUnknown, SettlementWrongStatus, SettlementDeadlineNotPassed.
        """
        terms = self._terms(repo)
        return self._transact("expire", terms.as_tuple(), sender=sender, precheck=precheck)

    def history(self, repo: RepoTerms | bytes) -> list[DealEvent]:
        """The repo's events, oldest first."""
        return self._history(repo.id if isinstance(repo, RepoTerms) else repo)

    def _terms(self, repo: RepoTerms | bytes) -> RepoTerms:
        return repo if isinstance(repo, RepoTerms) else self.terms(repo)

    def _check(self, view: str, terms: RepoTerms) -> RepoCheck:
        state, security, cash = self._call(view, terms.as_tuple())
        return RepoCheck(self._verdict(state), self._verdict(security), self._verdict(cash))

    @staticmethod
    def _require(repo_id: bytes, check: RepoCheck) -> None:
        if not check.ok:
            legs = {"security": check.security, "cash": check.cash}
            raise SettlementRejected(repo_id, state=check.repo, legs=legs)
