"""What the central system signs when it sends a reference data set, defined once for both sides.

The signature (Ed25519, sent in the ``Reference-Signature`` header) covers the canonical JSON of the data
set together with its name and version (``Reference-Version``), so a signed answer cannot be replayed as
another data set, nor an older one passed off as current (the terminal keeps the last version accepted
per set and takes a changed document only with a higher one). docs/sync-protocol.md, "Reference data".
"""

from __future__ import annotations

from typing import Any

from protocol.canonical import canonical_json

#: the answer header carrying the data set's version (a positive integer)
VERSION_HEADER = "Reference-Version"
#: the answer header carrying the base64 Ed25519 signature of ``reference_message``
SIGNATURE_HEADER = "Reference-Signature"
#: how a signing public key is written in settings and printed by ``sicounter central public-key``
SIGNING_KEY_PREFIX = "ed25519:"


def reference_message(name: str, version: int, document: Any) -> bytes:
    """The bytes signed: canonical JSON of ``{"name", "version", "document"}``, UTF-8."""
    return canonical_json({"name": name, "version": version, "document": document}).encode("utf-8")
