"""The reference central system's TLS policy: TLS 1.2 or newer, forward-secret AEAD ciphers only.

uvicorn builds the server's ``SSLContext`` from ``--tls-cert``/``--tls-key``; ``hardened_context`` is
its ``ssl_context_factory`` and tightens that context rather than relying on the interpreter's and the
system OpenSSL's defaults, which differ between machines (an old distribution's OpenSSL still speaks
TLS 1.0, and CBC suites pass Python's default list). TLS 1.3 suites are all AEAD and forward secret;
for TLS 1.2 only ECDHE/DHE key exchange with AES-GCM or ChaCha20-Poly1305 remains.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

MINIMUM_TLS = ssl.TLSVersion.TLSv1_2
#: OpenSSL cipher string for TLS 1.2 (TLS 1.3 suites are configured apart and are all acceptable)
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL:!PSK:!SRP:!DSS"


def harden(context: ssl.SSLContext) -> ssl.SSLContext:
    """Apply the policy to a server context (in place; returned for chaining)."""
    context.minimum_version = MINIMUM_TLS
    context.set_ciphers(TLS12_CIPHERS)
    context.options |= ssl.OP_NO_COMPRESSION | ssl.OP_CIPHER_SERVER_PREFERENCE
    # Session tickets would let a stolen ticket key decrypt recorded sessions; resumption is not needed.
    context.options |= ssl.OP_NO_TICKET
    return context


def hardened_context(_config: Any, default: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """uvicorn's ``ssl_context_factory``: its own context (certificate and key loaded), hardened."""
    return harden(default())
