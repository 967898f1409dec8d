"""Demo card holders (JSON) for the social security card simulator; data only.

Load one with ``Holder.load(path)`` or ``Holder.from_dict(demo_holder_data("li_xiuying"))``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = ["DEMO_HOLDERS", "demo_holder_data"]

DEMO_HOLDERS = ("li_xiuying", "wang_jianguo")


def demo_holder_data(name: str) -> dict[str, Any]:
    """The JSON of a bundled demo holder, by file stem."""
    if name not in DEMO_HOLDERS:
        raise KeyError(f"unknown demo holder {name!r}; known: {', '.join(DEMO_HOLDERS)}")
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
