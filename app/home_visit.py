"""Home-visit mode (上门服务, issue 19 item 6): whether this laptop is out at applicants' homes, and where.

Township and community staff take a laptop to elderly and disabled applicants (regulation Art. 30). While
the mode is on, every case taken is marked as taken at the applicant's home (``submission.home_visit``):
the receipt says so, the records and the statistics count it, and the central system is told. The mode is
the clerk's switch (the header's 上门服务 badge), kept in the local database so that it holds across
restarts of the laptop over the days it is out; ``Settings.home_visit_mode`` is what a terminal that was
never switched starts in (a laptop kept for visits). The place is optional and only the community or
village the clerk names (e.g. "城关镇幸福村"), printed on the receipt; never a person's address.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from core.errors import ValidationError
from local_db import syncstate

if TYPE_CHECKING:
    from app.terminal import Terminal

__all__ = ["HOME_VISIT_KEY", "MAX_PLACE_LENGTH", "PLACE_KEY", "HomeVisit", "check_place", "home_visit",
           "parse_home_visit"]

#: the key of the switch in the terminal's small durable facts (``local_db.syncstate``)
HOME_VISIT_KEY = "home_visit_mode"
#: where a home-visit case's place is kept with the case (payload metadata, as ``_waivers``)
PLACE_KEY = "_visit_place"
MAX_PLACE_LENGTH = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class HomeVisit:
    """The switch: ``on`` while the laptop is out; ``place`` the community or village named; ``since`` when
    it was switched (None: from the settings)."""

    on: bool
    place: str | None = None
    since: datetime | None = None

    def service_text(self) -> str:
        """How the case is served, as printed: "上门服务（城关镇幸福村）" or "上门服务"."""
        return f"上门服务（{self.place}）" if self.place else "上门服务"


def check_place(place: str | None) -> str | None:
    """The place as kept (trimmed; None when empty); ``ValidationError`` for one too long or with control
    characters."""
    text = (place or "").strip()
    if not text:
        return None
    if len(text) > MAX_PLACE_LENGTH or _CONTROL.search(text):
        raise ValidationError("visit_place", f"服务地点过长或含有无效字符（最多 {MAX_PLACE_LENGTH} 个字）。",
                              hint="请只填写乡镇、社区或村的名称，不要填写门牌号。")
    return text


def parse_home_visit(text: str | None, default: bool) -> HomeVisit:
    """The stored switch (JSON), or ``default`` when never switched or unreadable."""
    if not text:
        return HomeVisit(default)
    try:
        data = json.loads(text)
        since = datetime.fromisoformat(data["since"]) if data.get("since") else None
        place = data.get("place")
        return HomeVisit(bool(data["on"]), place if isinstance(place, str) and place else None, since)
    except (ValueError, KeyError, TypeError, AttributeError):
        return HomeVisit(default)


def home_visit(terminal: Terminal) -> HomeVisit:
    """Whether this terminal is in home-visit mode now (no personal data: any signed-in clerk may read it)."""
    return parse_home_visit(syncstate.get_value(terminal.db, HOME_VISIT_KEY), terminal.settings.home_visit_mode)
