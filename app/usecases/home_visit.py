"""Switching home-visit mode (上门服务) on when the clerk leaves for a visit, and off on the way back.

Only a clerk who takes cases (受理) switches it; the switch is kept in the local database (it holds across
restarts for the days the laptop is out) and put on the audit trail in the same transaction, without the
place (a village's name is no one's personal data, but the trail needs only that it changed).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.home_visit import HOME_VISIT_KEY, HomeVisit, check_place
from app.permissions import Permission, require
from app.terminal import Terminal
from local_db import syncstate
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo


def switch_home_visit(terminal: Terminal, clerk: ClerkInfo, on: bool, place: str | None = None, *,
                      now: datetime | None = None) -> HomeVisit:
    """Turn home-visit mode on (with the optional place) or off; the new state. ``now`` fixes the clock."""
    require(clerk, Permission.SUBMIT)
    kept = check_place(place) if on else None
    state = HomeVisit(on, kept, now or datetime.now(UTC))
    assert state.since is not None
    text = json.dumps({"on": on, "place": kept, "since": state.since.isoformat()}, ensure_ascii=False)
    with terminal.db.sessions.begin() as s:
        syncstate.set_values_in(s, {HOME_VISIT_KEY: text})
        terminal.audit.record_in(s, AuditEvent(AuditAction.SETTINGS_CHANGE, clerk.id, "home_visit_mode", None,
                                               {"setting": "home_visit_mode", "on": on,
                                                "place_given": kept is not None}))
    return state
