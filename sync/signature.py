"""Checking the central system's Ed25519 signature on what it sends (reference data sets).

The key is the one the terminal was enrolled with (32 raw bytes, from the administrator's settings);
``protocol.signing.reference_message`` says what bytes are signed.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def verify_signature(public_key: bytes, signature_b64: str, message: bytes) -> None:
    """Return if ``signature_b64`` signs ``message`` under ``public_key``; ``InvalidSignature`` otherwise
    (a malformed signature or key too: whatever does not verify is refused the same way)."""
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
        key = Ed25519PublicKey.from_public_bytes(public_key)
    except (binascii.Error, ValueError):
        raise InvalidSignature("malformed signature or key") from None
    key.verify(signature, message)
