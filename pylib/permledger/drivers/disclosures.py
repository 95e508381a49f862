"""Driver for Disclosures: ERC-1643-style documents attached to tokens."""

from __future__ import annotations

from dataclasses import dataclass

from permledger.chain import Account, Receipt
from permledger.drivers.base import AddressLike, Driver, address, bytes32
from permledger.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Document:
    """A disclosure document of a token."""

    name: bytes
    uri: str
    content_hash: bytes
    last_modified: int

    @property
    def title(self) -> str:
        """The name as text (names are 32-byte strings padded with zeros)."""
        return self.name.rstrip(b"\0").decode(errors="replace")


def document_name(title: str) -> bytes:
    """A 32-byte document name from a short title (UTF-8, zero-padded).

    Raises:
        InvalidInput: empty or longer than 32 bytes.
    """
    raw = title.encode()
    if not 0 < len(raw) <= 32:
        raise InvalidInput(f"document title {title!r} must be 1-32 bytes of UTF-8")
    return raw.ljust(32, b"\0")


class Disclosures(Driver):
    """Sets, removes and lists the documents of tokens."""

    CONTRACT = "Disclosures"

    def set_document(
        self,
        token: AddressLike,
        name: bytes,
        *,
        uri: str,
        content_hash: bytes,
        sender: Account | None = None,
    ) -> Receipt:
        """Attach or replace a document.

        Raises:
            InvalidInput, DisclosureDocumentInvalid, AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "setDocument",
            address(token, "token"),
            bytes32(name, "name"),
            uri,
            bytes32(content_hash, "content_hash"),
            sender=sender,
        )

    def remove_document(
        self, token: AddressLike, name: bytes, *, sender: Account | None = None
    ) -> Receipt:
        """Remove a document.

        Raises:
            DisclosureDocumentUnknown, AccessControlUnauthorizedAccount.
        """
        return self._send_checked(
            "removeDocument", address(token, "token"), bytes32(name, "name"), sender=sender
        )

    def document(self, token: AddressLike, name: bytes) -> Document:
        """One document.

        Raises:
            DisclosureDocumentUnknown.
        """
        uri, content_hash, modified = self._call(
            "getDocument", address(token, "token"), bytes32(name, "name")
        )
        return Document(name, uri, bytes(content_hash), modified)

    def documents(self, token: AddressLike) -> list[Document]:
        """Every document of a token."""
        names = self._call("getAllDocuments", address(token, "token"))
        return [self.document(token, bytes(n)) for n in names]
