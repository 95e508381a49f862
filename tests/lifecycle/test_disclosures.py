"""Disclosure documents per token, ERC-1643 style."""

from __future__ import annotations

import pytest

from permledger import errors
from permledger.chain import Account
from permledger.drivers import EntitlementToken
from permledger.drivers.disclosures import Disclosures, document_name
from permledger.errors import InvalidInput
from permledger.ledger import Ledger
from permledger.local_chain import LocalChain

PROSPECTUS = document_name("prospectus")
REPORT = document_name("annual-report-2024")


@pytest.fixture
def disclosures(ledger: Ledger) -> Disclosures:
    return ledger.disclosures


def test_set_document_attaches_and_replaces(
    disclosures: Disclosures, token: EntitlementToken, chain: LocalChain
) -> None:
    receipt = disclosures.set_document(
        token, PROSPECTUS, uri="ipfs://p1", content_hash=b"\x01" * 32
    )
    assert disclosures.binding.events("DocumentUpdated", receipt) == [
        {
            "token": token.address,
            "name": PROSPECTUS,
            "uri": "ipfs://p1",
            "documentHash": b"\x01" * 32,
        }
    ]
    chain.advance_time(100)
    disclosures.set_document(token, PROSPECTUS, uri="ipfs://p2", content_hash=b"\x02" * 32)
    doc = disclosures.document(token, PROSPECTUS)
    assert (doc.uri, doc.content_hash, doc.title) == ("ipfs://p2", b"\x02" * 32, "prospectus")
    assert doc.last_modified == chain.timestamp
    assert [d.name for d in disclosures.documents(token)] == [PROSPECTUS]


def test_remove_document_emits_its_last_version_and_forgets_it(
    disclosures: Disclosures, token: EntitlementToken
) -> None:
    disclosures.set_document(token, PROSPECTUS, uri="ipfs://p", content_hash=b"\x01" * 32)
    disclosures.set_document(token, REPORT, uri="ipfs://r", content_hash=b"\x03" * 32)
    receipt = disclosures.remove_document(token, PROSPECTUS)
    assert disclosures.binding.events("DocumentRemoved", receipt)[0]["uri"] == "ipfs://p"
    assert [d.name for d in disclosures.documents(token)] == [REPORT]
    with pytest.raises(errors.DisclosureDocumentUnknown):
        disclosures.document(token, PROSPECTUS)
    with pytest.raises(errors.DisclosureDocumentUnknown):
        disclosures.remove_document(token, PROSPECTUS)


def test_documents_are_kept_per_token(
    disclosures: Disclosures, token: EntitlementToken, ledger: Ledger
) -> None:
    disclosures.set_document(token, PROSPECTUS, uri="ipfs://p", content_hash=bytes(32))
    assert disclosures.documents(ledger.authority.address) == []


def test_bad_documents_are_refused(
    disclosures: Disclosures, token: EntitlementToken, chain: LocalChain, agent: Account
) -> None:
    block = chain.block_number
    with pytest.raises(errors.DisclosureDocumentInvalid):
        disclosures.set_document(token, PROSPECTUS, uri="", content_hash=bytes(32))
    with pytest.raises(errors.DisclosureDocumentInvalid):
        disclosures.set_document(token, bytes(32), uri="ipfs://x", content_hash=bytes(32))
    with pytest.raises(errors.AccessControlUnauthorizedAccount):
        disclosures.using(agent).set_document(
            token, PROSPECTUS, uri="ipfs://x", content_hash=bytes(32)
        )
    with pytest.raises(InvalidInput):
        document_name("x" * 33)
    assert chain.block_number == block
