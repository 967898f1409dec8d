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
