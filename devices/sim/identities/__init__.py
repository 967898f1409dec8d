"""Sample identities (JSON) for the ID reader simulator; data only. All people are fictional.

Load one with ``Identity.load(path)`` or ``Identity.from_dict(sample_identity_data("zhang_wei"))``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["SAMPLE_IDENTITIES", "sample_identity_data"]

#: one of each card type: resident (valid 长期), HK/Macau/Taiwan permit (J), old (I) and 2023 (Y) foreign cards
SAMPLE_IDENTITIES = ("zhang_wei", "chan_ka_yan", "john_smith", "anna_mueller")


def sample_identity_data(name: str) -> dict[str, Any]:
    if name not in SAMPLE_IDENTITIES:
        raise KeyError(f"unknown sample identity {name!r}; known: {', '.join(SAMPLE_IDENTITIES)}")
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
