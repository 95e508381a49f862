"""EIP-712 messages a stablecoin holder signs off-chain: EIP-2612 permits, EIP-3009 authorizations.

Each message becomes standard eth-account typed data (`encode_typed_data(full_message=...)`)
signed with `Account.sign_message`, so the signatures are those any EIP-712 wallet makes for the
same domain and message; nothing here is permledger-specific.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from eth_account import Account as EthAccount
from eth_account.messages import encode_typed_data
from eth_keys.exceptions import BadSignature
from eth_typing import ChecksumAddress

from permledger.chain import Account

Field = tuple[str, str, Any]
"""One field of a message: its EIP-712 name, type and value."""


@dataclass(frozen=True, slots=True)
class Domain:
    """An EIP-712 domain, as the token reports it (ERC-5267 `eip712Domain`)."""

    name: str
    version: str
    chain_id: int
    verifying_contract: ChecksumAddress

    def typed(self) -> dict[str, Any]:
        """The domain as typed-data values."""
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": self.verifying_contract,
        }


_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


@dataclass(frozen=True, slots=True)
class Signature:
    """A secp256k1 signature."""

    v: int
    r: bytes
    s: bytes

    def to_bytes(self) -> bytes:
        """The 65-byte `r || s || v` form that the `bytes signature` overloads take."""
        return self.r + self.s + bytes([self.v])


@dataclass(frozen=True, slots=True)
class Permit:
    """EIP-2612: `owner` lets `spender` move `value`, using `owner`'s next permit `nonce`."""

    owner: ChecksumAddress
    spender: ChecksumAddress
    value: int
    nonce: int
    deadline: int

    @property
    def primary_type(self) -> str:
        """The EIP-712 type name."""
        return "Permit"

    @property
    def signer(self) -> ChecksumAddress:
        """Who must sign it."""
        return self.owner

    def fields(self) -> list[Field]:
        """The message's fields in type order."""
        return [
            ("owner", "address", self.owner),
            ("spender", "address", self.spender),
            ("value", "uint256", self.value),
            ("nonce", "uint256", self.nonce),
            ("deadline", "uint256", self.deadline),
        ]


@dataclass(frozen=True, slots=True)
class TransferAuthorization:
    """EIP-3009: `sender` authorizes moving `value` to `receiver` strictly between the two times.

    With `receive`, it is a `ReceiveWithAuthorization`, which only `receiver` may submit.
    """

    sender: ChecksumAddress
    receiver: ChecksumAddress
    value: int
    valid_after: int
    valid_before: int
    nonce: bytes
    receive: bool = False

    @property
    def primary_type(self) -> str:
        """The EIP-712 type name."""
        return "ReceiveWithAuthorization" if self.receive else "TransferWithAuthorization"

    @property
    def signer(self) -> ChecksumAddress:
        """Who must sign it."""
        return self.sender

    def fields(self) -> list[Field]:
        """The message's fields in type order."""
        return [
            ("from", "address", self.sender),
            ("to", "address", self.receiver),
            ("value", "uint256", self.value),
            ("validAfter", "uint256", self.valid_after),
            ("validBefore", "uint256", self.valid_before),
            ("nonce", "bytes32", self.nonce),
        ]


@dataclass(frozen=True, slots=True)
class CancelAuthorization:
    """EIP-3009: `authorizer` cancels its unused authorization `nonce`."""

    authorizer: ChecksumAddress
    nonce: bytes

    @property
    def primary_type(self) -> str:
        """The EIP-712 type name."""
        return "CancelAuthorization"

    @property
    def signer(self) -> ChecksumAddress:
        """Who must sign it."""
        return self.authorizer

    def fields(self) -> list[Field]:
        """The message's fields in type order."""
        return [("authorizer", "address", self.authorizer), ("nonce", "bytes32", self.nonce)]


Message = Permit | TransferAuthorization | CancelAuthorization
"""Any message the stablecoin accepts a signature over."""


def typed_data(message: Message, domain: Domain) -> dict[str, Any]:
    """The full EIP-712 typed data of `message` in `domain`, as eth-account takes it."""
    fields = message.fields()
    return {
        "types": {
            "EIP712Domain": _DOMAIN_TYPE,
            message.primary_type: [{"name": name, "type": kind} for name, kind, _ in fields],
        },
        "primaryType": message.primary_type,
        "domain": domain.typed(),
        "message": {name: value for name, _, value in fields},
    }


def sign(message: Message, domain: Domain, signer: Account) -> Signature:
    """`signer`'s EIP-712 signature of `message` in `domain`."""
    signed = EthAccount.sign_message(
        encode_typed_data(full_message=typed_data(message, domain)), signer.private_key
    )
    return Signature(signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))


def recover(message: Message, domain: Domain, signature: Signature) -> ChecksumAddress | None:
    """The address whose key made `signature` over `message` in `domain`; None if no key did."""
    signable = encode_typed_data(full_message=typed_data(message, domain))
    try:
        signer: ChecksumAddress = EthAccount.recover_message(
            signable, signature=signature.to_bytes()
        )
    except (ValueError, BadSignature):
        return None
    return signer


def new_nonce() -> bytes:
    """A random 32-byte EIP-3009 nonce."""
    return secrets.token_bytes(32)
