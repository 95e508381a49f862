"""Driver for Stablecoin: the regulated cash token (minters, blacklist, permits, authorizations).

Every sending method first asks the chain's own views whether the action would pass and raises
before sending when it would not: `TransferRestricted` (with the token's ERC-1404 code) for a
movement, `CashRejected` (with a `CashCheck`) for anything about one account, `InvalidInput` for
a malformed or zero argument. `check=False` skips that and lets the contract judge (its typed
revert is raised instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_typing import ChecksumAddress

from permledger.binding import ContractBinding
from permledger.cash_signatures import (
    CancelAuthorization,
    Domain,
    Message,
    Permit,
    Signature,
    TransferAuthorization,
    new_nonce,
    recover,
    sign,
)
from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, address, amount, artifact, bytes32
from permledger.drivers.erc20 import EncumberableERC20
from permledger.errors import CashCheck, CashRejected, InvalidInput, TransferRestricted
from permledger.types import CASH_MAX_SUPPLY, Restriction, RestrictionCode

ZERO_ADDRESS = "0x" + "00" * 20
MAX_UINT256 = 2**256 - 1


def _nonzero(value: AddressLike, what: str) -> ChecksumAddress:
    checked = address(value, what)
    if int(checked, 16) == 0:
        raise InvalidInput(f"{what} must not be the zero address")
    return checked


def _positive(value: int, what: str = "amount") -> int:
    units = amount(value, what, maximum=CASH_MAX_SUPPLY)
    if units == 0:
        raise InvalidInput(f"{what} must not be zero")
    return units


class Stablecoin(EncumberableERC20):
    """The cash token: pre-checked transfers, permits, EIP-3009 authorizations, encumbrances."""

    CONTRACT = "Stablecoin"

    # Views

    def is_minter(self, account: AddressLike) -> bool:
        """Whether the account is a configured minter."""
        return bool(self._call("isMinter", address(account, "account")))

    def minter_allowance(self, minter: AddressLike) -> int:
        """What the minter may still mint."""
        return int(self._call("minterAllowance", address(minter, "minter")))

    def is_blacklisted(self, account: AddressLike) -> bool:
        """Whether the account is blacklisted."""
        return bool(self._call("isBlacklisted", address(account, "account")))

    def paused(self) -> bool:
        """Whether the token is paused."""
        return bool(self._call("paused"))

    def identity_registry(self) -> ChecksumAddress | None:
        """The identity registry whose wallets alone may hold, or None when unrestricted."""
        registry = address(self._call("identityRegistry"))
        return None if int(registry, 16) == 0 else registry

    def authorization_state(self, authorizer: AddressLike, nonce: bytes) -> bool:
        """Whether the EIP-3009 nonce of `authorizer` is used or cancelled."""
        return bool(
            self._call(
                "authorizationState", address(authorizer, "authorizer"), bytes32(nonce, "nonce")
            )
        )

    def nonces(self, owner: AddressLike) -> int:
        """The owner's next EIP-2612 permit nonce."""
        return int(self._call("nonces", address(owner, "owner")))

    def domain(self) -> Domain:
        """The token's EIP-712 domain (ERC-5267)."""
        _, name, version, chain_id, verifying_contract, _, _ = self._call("eip712Domain")
        return Domain(str(name), str(version), int(chain_id), address(verifying_contract))

    def detect_transfer_restriction(
        self, sender: AddressLike, to: AddressLike, value: int
    ) -> Restriction:
        """The code and message the token gives a movement now (zero address: mint or burn)."""
        code = RestrictionCode(
            self._call(
                "detectTransferRestriction",
                address(sender, "sender"),
                address(to, "receiver"),
                amount(value),
            )
        )
        message = "No restriction" if code == 0 else self.message_for_transfer_restriction(code)
        return Restriction(code, message)

    def message_for_transfer_restriction(self, code: int) -> str:
        """The token's message for a restriction code."""
        return str(self._call("messageForTransferRestriction", code))

    def supports_interface(self, interface_id: bytes) -> bool:
        """ERC-165."""
        return bool(self._call("supportsInterface", interface_id))

    def require_transferable(self, sender: AddressLike, to: AddressLike, value: int) -> None:
        """Raise unless the token's views allow moving `value` from `sender` to `to`.

        Raises:
            TransferRestricted: with the code and message.
        """
        restriction = self.detect_transfer_restriction(sender, to, value)
        if not restriction.allowed:
            raise TransferRestricted(
                restriction.code,
                restriction.message,
                sender=address(sender),
                receiver=address(to),
                amount=value,
            )

    # Holders

    def transfer(
        self, to: AddressLike, value: int, *, sender: Account | None = None, check: bool = True
    ) -> Receipt:
        """Send `value` to `to`.

        Raises:
            InvalidInput, TransferRestricted (paused, blacklisted, registry, balance).
        """
        account = self._sender(sender, "transfer")
        receiver = _nonzero(to, "receiver")
        units = amount(value)
        if check:
            self.require_transferable(account.address, receiver, units)
        return self._send("transfer", receiver, units, sender=account)

    def transfer_from(
        self,
        owner: AddressLike,
        to: AddressLike,
        value: int,
        *,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Move `value` from `owner` to `to`, spending the sender's encumbrance, then allowance.

        Raises:
            InvalidInput, CashRejected (sender blacklisted, allowance exceeded),
            TransferRestricted.
        """
        account = self._sender(sender, "transfer_from")
        source, receiver = address(owner, "owner"), _nonzero(to, "receiver")
        units = amount(value)
        if check:
            blacklisted, encumbered, allowed = self._calls(
                [
                    self.binding.prepare("isBlacklisted", account.address),
                    self.binding.prepare("encumbrances", source, account.address),
                    self.binding.prepare("allowance", source, account.address),
                ]
            )
            self._require_not_blacklisted(account.address, blacklisted)
            from_allowance = units - min(int(encumbered), units)
            if from_allowance > int(allowed):
                raise CashRejected(
                    CashCheck.ALLOWANCE_EXCEEDED,
                    f"{account.address} may move {int(encumbered)} encumbered and {int(allowed)} "
                    f"allowed units of {source}, not {units}",
                    account=account.address,
                )
            # The taker's own encumbrance is spent first, so only the rest must be available.
            self.require_transferable(source, receiver, from_allowance)
        return self._send("transferFrom", source, receiver, units, sender=account)

    def approve(
        self,
        spender: AddressLike,
        value: int,
        *,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Let `spender` move up to `value` of the sender's units.

        Raises:
            InvalidInput, CashRejected (owner or spender blacklisted).
        """
        account = self._sender(sender, "approve")
        target = _nonzero(spender, "spender")
        if check:
            self._require_approvable(account.address, target)
        return self._send("approve", target, amount(value), sender=account)

    def permit(
        self,
        permit: Permit,
        signature: Signature,
        *,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Submit an EIP-2612 permit signed by its owner; anyone may send it.

        Raises:
            InvalidInput, CashRejected (blacklisted, expired, wrong nonce or signer).
        """
        if check:
            self._require_approvable(permit.owner, permit.spender)
            if permit.deadline < self._now():
                raise CashRejected(
                    CashCheck.AUTHORIZATION_EXPIRED,
                    f"the permit expired at {permit.deadline}",
                    account=permit.owner,
                )
            if permit.nonce != self.nonces(permit.owner):
                raise CashRejected(
                    CashCheck.INVALID_SIGNATURE,
                    f"permit nonce {permit.nonce} is not {permit.owner}'s next nonce",
                    account=permit.owner,
                )
            self._require_signed(permit, signature)
        args = (permit.owner, permit.spender, permit.value, permit.deadline)
        return self._send("permit", *args, signature.v, signature.r, signature.s, sender=sender)

    def sign_permit(
        self, owner: Account, spender: AddressLike, value: int, *, deadline: int
    ) -> tuple[Permit, Signature]:
        """A permit for `spender`, signed by `owner` with its next nonce."""
        permit = Permit(
            owner.address,
            _nonzero(spender, "spender"),
            amount(value),
            self.nonces(owner),
            amount(deadline, "deadline"),
        )
        return permit, sign(permit, self.domain(), owner)

    # EIP-3009

    def authorize_transfer(
        self,
        payer: Account,
        to: AddressLike,
        value: int,
        *,
        valid_before: int,
        valid_after: int = 0,
        nonce: bytes | None = None,
        receive: bool = False,
    ) -> tuple[TransferAuthorization, Signature]:
        """An EIP-3009 authorization signed by `payer` (a random nonce unless given)."""
        authorization = TransferAuthorization(
            payer.address,
            _nonzero(to, "receiver"),
            amount(value),
            amount(valid_after, "valid_after"),
            amount(valid_before, "valid_before"),
            bytes32(nonce, "nonce") if nonce is not None else new_nonce(),
            receive,
        )
        return authorization, sign(authorization, self.domain(), payer)

    def authorize_cancel(
        self, authorizer: Account, nonce: bytes
    ) -> tuple[CancelAuthorization, Signature]:
        """A cancellation of `authorizer`'s authorization `nonce`, signed by it."""
        cancel = CancelAuthorization(authorizer.address, bytes32(nonce, "nonce"))
        return cancel, sign(cancel, self.domain(), authorizer)

    def transfer_with_authorization(
        self,
        authorization: TransferAuthorization,
        signature: Signature | bytes,
        *,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Relay a signed transfer (any sender) or, with `receive`, collect it as the payee.

        A `bytes` signature goes through the ERC-1271-capable overload.

        Raises:
            InvalidInput, CashRejected (window, used nonce, wrong signer, not the payee),
            TransferRestricted.
        """
        account = self._sender(sender, "transfer_with_authorization")
        auth = authorization
        if check:
            if auth.receive and account.address != auth.receiver:
                raise CashRejected(
                    CashCheck.CALLER_NOT_PAYEE,
                    f"only the payee {auth.receiver} may receive with this authorization",
                    account=account.address,
                )
            self._require_authorization_usable(auth.sender, auth.nonce)
            now = self._now()
            if now <= auth.valid_after:
                raise CashRejected(
                    CashCheck.AUTHORIZATION_NOT_YET_VALID,
                    f"the authorization is valid only after {auth.valid_after}",
                    account=auth.sender,
                )
            if now >= auth.valid_before:
                raise CashRejected(
                    CashCheck.AUTHORIZATION_EXPIRED,
                    f"the authorization was valid only before {auth.valid_before}",
                    account=auth.sender,
                )
            if isinstance(signature, Signature):
                self._require_signed(auth, signature)
            self.require_transferable(auth.sender, auth.receiver, auth.value)
        function = "receiveWithAuthorization" if auth.receive else "transferWithAuthorization"
        args = (auth.sender, auth.receiver, auth.value, auth.valid_after, auth.valid_before)
        return self._send(function, *args, auth.nonce, *_signature_args(signature), sender=account)

    def cancel_authorization(
        self,
        cancel: CancelAuthorization,
        signature: Signature | bytes,
        *,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Submit a signed cancellation of an unused authorization (any sender).

        Raises:
            InvalidInput, CashRejected (nonce used or cancelled, wrong signer).
        """
        if check:
            self._require_authorization_usable(cancel.authorizer, cancel.nonce)
            if isinstance(signature, Signature):
                self._require_signed(cancel, signature)
        return self._send(
            "cancelAuthorization",
            cancel.authorizer,
            cancel.nonce,
            *_signature_args(signature),
            sender=sender,
        )

    # ERC-7246

    def encumber(
        self, taker: AddressLike, value: int, *, sender: Account | None = None, check: bool = True
    ) -> Receipt:
        """Lock `value` of the sender's available units for `taker`.

        Raises:
            InvalidInput, CashRejected (paused, blacklisted, available balance exceeded).
        """
        account = self._sender(sender, "encumber")
        target, units = _nonzero(taker, "taker"), _positive(value)
        if check:
            self._require_encumberable(account.address, target, units)
        return self._send("encumber", target, units, sender=account)

    def encumber_from(
        self,
        owner: AddressLike,
        taker: AddressLike,
        value: int,
        *,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Lock `value` of `owner`'s available units for `taker`, spending the sender's allowance.

        Raises:
            InvalidInput, CashRejected (paused, blacklisted, allowance or balance exceeded).
        """
        account = self._sender(sender, "encumber_from")
        source, target, units = address(owner, "owner"), _nonzero(taker, "taker"), _positive(value)
        if check:
            self._require_not_blacklisted(account.address)
            allowed = self.allowance(source, account.address)
            if units > allowed:
                raise CashRejected(
                    CashCheck.ALLOWANCE_EXCEEDED,
                    f"{account.address} may move {allowed} units of {source}, not {units}",
                    account=account.address,
                )
            self._require_encumberable(source, target, units)
        return self._send("encumberFrom", source, target, units, sender=account)

    def release(
        self, owner: AddressLike, value: int, *, sender: Account | None = None, check: bool = True
    ) -> Receipt:
        """Give back `value` units the sender holds encumbered on `owner` (works while paused).

        Raises:
            InvalidInput, CashRejected (more than the sender's encumbrance).
        """
        account = self._sender(sender, "release")
        source, units = address(owner, "owner"), amount(value)
        if check:
            held = self.encumbrances(source, account.address)
            if units > held:
                raise CashRejected(
                    CashCheck.ENCUMBRANCE_EXCEEDED,
                    f"{account.address} holds {held} units of {source} encumbered, not {units}",
                    account=account.address,
                )
        return self._send("release", source, units, sender=account)

    # Minters

    def mint(
        self, to: AddressLike, value: int, *, sender: Account | None = None, check: bool = True
    ) -> Receipt:
        """Issue `value` to `to` within the sender's mint allowance.

        Raises:
            InvalidInput, CashRejected (not a minter, minter blacklisted, allowance or supply cap
            exceeded), TransferRestricted (paused, receiver blacklisted or not admitted).
        """
        account = self._sender(sender, "mint")
        receiver, units = _nonzero(to, "receiver"), _positive(value)
        if check:
            minter, allowance, blacklisted, supply = self._calls(
                [
                    self.binding.prepare("isMinter", account.address),
                    self.binding.prepare("minterAllowance", account.address),
                    self.binding.prepare("isBlacklisted", account.address),
                    self.binding.prepare("totalSupply"),
                ]
            )
            self._require_minter(account.address, minter)
            self._require_not_blacklisted(account.address, blacklisted)
            if units > int(allowance):
                raise CashRejected(
                    CashCheck.MINT_ALLOWANCE_EXCEEDED,
                    f"minter {account.address} may mint {int(allowance)} more, not {units}",
                    account=account.address,
                )
            if units > CASH_MAX_SUPPLY - int(supply):
                raise CashRejected(
                    CashCheck.SUPPLY_CAP_EXCEEDED,
                    f"minting {units} would take the supply past {CASH_MAX_SUPPLY}",
                    account=account.address,
                )
            self.require_transferable(ZERO_ADDRESS, receiver, units)
        return self._send("mint", receiver, units, sender=account)

    def burn(self, value: int, *, sender: Account | None = None, check: bool = True) -> Receipt:
        """Burn `value` of the sending minter's own available balance.

        Raises:
            InvalidInput, CashRejected (not a minter), TransferRestricted (paused, blacklisted,
            balance).
        """
        account = self._sender(sender, "burn")
        units = _positive(value)
        if check:
            self._require_minter(account.address, self.is_minter(account))
            self.require_transferable(account.address, ZERO_ADDRESS, units)
        return self._send("burn", units, sender=account)

    # Master minter

    def configure_minter(
        self, minter: AddressLike, allowance: int, *, sender: Account | None = None
    ) -> Receipt:
        """Make `minter` a minter with `allowance` left to mint (replacing what it had).

        Raises:
            InvalidInput, CashAmountTooLarge, AccessControlUnauthorizedAccount.
        """
        return self._send(
            "configureMinter",
            _nonzero(minter, "minter"),
            amount(allowance, "allowance", maximum=CASH_MAX_SUPPLY),
            sender=sender,
        )

    def remove_minter(self, minter: AddressLike, *, sender: Account | None = None) -> Receipt:
        """Take away a minter's right to mint and burn.

        Raises:
            InvalidInput, CashNotMinter, AccessControlUnauthorizedAccount.
        """
        return self._send("removeMinter", address(minter, "minter"), sender=sender)

    # Blacklister

    def blacklist(self, account: AddressLike, *, sender: Account | None = None) -> Receipt:
        """Stop `account` from sending, receiving, approving and being approved.

        Raises:
            InvalidInput, AccessControlUnauthorizedAccount.
        """
        return self._send("blacklist", _nonzero(account, "account"), sender=sender)

    def un_blacklist(self, account: AddressLike, *, sender: Account | None = None) -> Receipt:
        """Lift `account`'s blacklisting.

        Raises:
            InvalidInput, AccessControlUnauthorizedAccount.
        """
        return self._send("unBlacklist", _nonzero(account, "account"), sender=sender)

    def seize(
        self,
        account: AddressLike,
        to: AddressLike,
        value: int,
        *,
        order_reference: bytes,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Move `value` of a blacklisted account's available units to `to` under a court order.

        `order_reference` (32 bytes, e.g. the keccak-256 of the order document) is logged in
        `FundsSeized`. Encumbered units are not seizable until their taker releases them.

        Raises:
            InvalidInput, CashRejected (not blacklisted, available balance exceeded),
            TransferRestricted (receiver blacklisted or not admitted),
            AccessControlUnauthorizedAccount.
        """
        source, receiver, units = (
            address(account, "account"),
            _nonzero(to, "receiver"),
            _positive(value),
        )
        reference = bytes32(order_reference, "order_reference")
        if check:
            blacklisted, available, receiver_code = self._calls(
                [
                    self.binding.prepare("isBlacklisted", source),
                    self.binding.prepare("availableBalanceOf", source),
                    self.binding.prepare("detectTransferRestriction", ZERO_ADDRESS, receiver, 0),
                ]
            )
            if not blacklisted:
                raise CashRejected(
                    CashCheck.ACCOUNT_NOT_BLACKLISTED,
                    f"{source} is not blacklisted: only blacklisted funds can be seized",
                    account=source,
                )
            if units > int(available):
                raise CashRejected(
                    CashCheck.AVAILABLE_BALANCE_EXCEEDED,
                    f"{source} has {int(available)} units free of encumbrances, not {units}",
                    account=source,
                )
            # A seizure works while paused, so only the receiver's own rules matter here.
            if receiver_code not in (RestrictionCode.SUCCESS, RestrictionCode.TOKEN_PAUSED):
                self.require_transferable(ZERO_ADDRESS, receiver, 0)
        return self._send("seize", source, receiver, units, reference, sender=sender)

    # Operations

    def pause(self, *, sender: Account | None = None) -> Receipt:
        """Stop movements and new encumbrances (approvals, permits and releases go on).

        Raises:
            AccessControlUnauthorizedAccount.
        """
        return self._send("pause", sender=sender)

    def unpause(self, *, sender: Account | None = None) -> Receipt:
        """Let movements resume.

        Raises:
            AccessControlUnauthorizedAccount.
        """
        return self._send("unpause", sender=sender)

    def set_identity_registry(
        self, registry: AddressLike | None, *, sender: Account | None = None
    ) -> Receipt:
        """Admit only `registry`'s eligible wallets as holders (None lifts the restriction).

        Raises:
            InvalidInput, CashRegistryInvalid, AccessControlUnauthorizedAccount.
        """
        target = ZERO_ADDRESS if registry is None else _nonzero(registry, "registry")
        return self._send("setIdentityRegistry", target, sender=sender)

    def rescue_erc20(
        self,
        token: AddressLike,
        to: AddressLike,
        value: int,
        *,
        sender: Account | None = None,
        check: bool = True,
    ) -> Receipt:
        """Send `value` of an ERC-20 that this contract holds by mistake to `to`.

        Raises:
            InvalidInput, CashRejected (the contract holds less), TransferRestricted (this token
            to a receiver that may not receive), SafeERC20FailedOperation,
            AccessControlUnauthorizedAccount.
        """
        asset, receiver = address(token, "token"), _nonzero(to, "receiver")
        units = amount(value)
        if units == 0:
            raise InvalidInput("amount must not be zero")
        if check:
            erc20 = ContractBinding(self.chain, asset, artifact("IStablecoin").abi)
            held = int(erc20.call("balanceOf", self.address))
            if units > held:
                raise CashRejected(
                    CashCheck.AVAILABLE_BALANCE_EXCEEDED,
                    f"this contract holds {held} units of {asset}, not {units}",
                    account=self.address,
                )
        return self._send("rescueERC20", asset, receiver, units, sender=sender)

    # Pre-checks

    def _now(self) -> int:
        """The timestamp the next block will carry (at least the latest block's plus one)."""
        upcoming = getattr(self.chain, "next_timestamp", None)
        return int(upcoming) if upcoming is not None else self.chain.timestamp + 1

    def _require_not_blacklisted(self, account: ChecksumAddress, known: Any = None) -> None:
        blacklisted = self.is_blacklisted(account) if known is None else bool(known)
        if blacklisted:
            raise CashRejected(
                CashCheck.ACCOUNT_BLACKLISTED, f"{account} is blacklisted", account=account
            )

    def _require_minter(self, account: ChecksumAddress, minter: Any) -> None:
        if not minter:
            raise CashRejected(
                CashCheck.NOT_A_MINTER, f"{account} is not a minter", account=account
            )

    def _require_approvable(self, owner: ChecksumAddress, spender: ChecksumAddress) -> None:
        flags = self._calls(
            [self.binding.prepare("isBlacklisted", who) for who in (owner, spender)]
        )
        for who, blacklisted in zip((owner, spender), flags, strict=True):
            self._require_not_blacklisted(who, blacklisted)

    def _require_encumberable(
        self, owner: ChecksumAddress, taker: ChecksumAddress, units: int
    ) -> None:
        paused, owner_blacklisted, taker_blacklisted, available = self._calls(
            [
                self.binding.prepare("paused"),
                self.binding.prepare("isBlacklisted", owner),
                self.binding.prepare("isBlacklisted", taker),
                self.binding.prepare("availableBalanceOf", owner),
            ]
        )
        if paused:
            raise CashRejected(CashCheck.TOKEN_PAUSED, "the token is paused", account=owner)
        self._require_not_blacklisted(owner, owner_blacklisted)
        self._require_not_blacklisted(taker, taker_blacklisted)
        if units > int(available):
            raise CashRejected(
                CashCheck.AVAILABLE_BALANCE_EXCEEDED,
                f"{owner} has {int(available)} units free of encumbrances, not {units}",
                account=owner,
            )

    def _require_authorization_usable(self, authorizer: ChecksumAddress, nonce: bytes) -> None:
        if self.authorization_state(authorizer, nonce):
            raise CashRejected(
                CashCheck.AUTHORIZATION_USED,
                f"authorization 0x{nonce.hex()} of {authorizer} was used or cancelled",
                account=authorizer,
            )

    def _require_signed(self, message: Message, signature: Signature) -> None:
        signer = recover(message, self.domain(), signature)
        if signer != message.signer:
            raise CashRejected(
                CashCheck.INVALID_SIGNATURE,
                f"the signature is not {message.signer}'s over this message, token and chain",
                account=message.signer,
            )


def _signature_args(signature: Signature | bytes) -> Sequence[Any]:
    if isinstance(signature, Signature):
        return (signature.v, signature.r, signature.s)
    if not isinstance(signature, bytes):
        raise InvalidInput(f"signature must be a Signature or bytes, got {signature!r}")
    return (signature,)
