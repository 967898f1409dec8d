"""Constants the command line needs without importing the server (kept cheap to import)."""

from __future__ import annotations

#: modes of the automatic reviewer (see central.review)
REVIEW_MODES = ("none", "accept", "return", "alternate")
#: what the automatic reviewer tells the clerk when it returns a submission
DEFAULT_RETURN_REASON = "材料不清晰，请重新拍摄后补正。"
#: the keyring service holding the reference-data signing key (central.signing)
SIGNING_SERVICE = "sicounter-central"
#: the ASGI scope key under which ``central.boundary`` leaves the authenticated terminal's id
TERMINAL_SCOPE_KEY = "sicounter.terminal_id"

# -- request bounds (central.boundary, central.connections; docs/sync-protocol.md, "Limits") --------
#: seconds a sender may pause mid-body before it is cut off
BODY_TIMEOUT = 30.0
#: wrong or missing tokens from one address within ``THROTTLE_WINDOW`` seconds before it is locked out
THROTTLE_ATTEMPTS = 10
THROTTLE_WINDOW = 60.0
#: seconds an address stays locked out (every request from it answered 429)
THROTTLE_LOCKOUT = 300.0
#: seconds a client has to send a request's headers
HEADER_TIMEOUT = 10.0
#: bytes a request's headers (request line included) may take; a real one is well under 1 KiB
MAX_HEADER_BYTES = 64 * 1024
#: connections served at once; a request beyond is answered 503
MAX_CONNECTIONS = 256
#: connections the OS queues before they are accepted
BACKLOG = 128
#: seconds the rest of a body refused before it was read (kept-alive 413, 401) may take to arrive
DRAIN_TIMEOUT = 120.0
