"""Changes of whom the terminal trusts, always on the audit trail (issue 16; GB/T 22239 security audit).

``central_url``, ``central_ca_file`` and ``central_signing_key`` decide which central system the
terminal talks to and whose reference data it takes. An administrator changes them with
``sicounter config set … --admin`` (``app.usecases.reference.change_trust_setting``), which records who
did it; the settings file can still be edited by hand, so at every start the values in force are
compared with the ones last recorded, and a difference is recorded as found (no clerk: nobody signed
for it). The last recorded values are kept in the encrypted database (``sync_state``), beside the trail.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.settings import TRUST_SETTINGS, Settings
from local_db import syncstate
from local_db.audit import AuditAction, AuditEvent, AuditTrail
from local_db.database import Database

#: sync_state key prefix of the last recorded value of each trust setting
RECORDED = "trust:"
#: stored for a setting whose value is None
NONE = "-"


def shown(value: object) -> str | None:
    """How a setting's value is written in the trail (None when unset)."""
    return None if value is None else str(value)


def record_trust_in(session: Session, audit: AuditTrail, settings: Settings, clerk_id: str | None,
                    previous: Settings | None = None, how: str | None = None) -> list[str]:
    """Record each trust setting of ``settings`` that differs from before; the keys recorded.

    Before is ``previous`` when given (an administrator's change), else the value last recorded. The
    first start of a terminal only notes the values as found: there is nothing yet to compare them with.
    """
    changed = []
    for key in TRUST_SETTINGS:
        now = shown(getattr(settings, key))
        row = syncstate.get_value_in(session, RECORDED + key)
        if previous is None and row is None:
            syncstate.set_values_in(session, {RECORDED + key: now or NONE})
            continue
        before = shown(getattr(previous, key)) if previous is not None else (None if row == NONE else row)
        if before == now:
            continue
        syncstate.set_values_in(session, {RECORDED + key: now or NONE})
        audit.record_in(session, AuditEvent(AuditAction.SETTINGS_CHANGE, clerk_id, subject=key, detail={
            "from": before, "to": now, **({"how": how} if how else {})}))
        changed.append(key)
    return changed


def record_trust_at_start(db: Database, audit: AuditTrail, settings: Settings) -> list[str]:
    """At start: trust settings changed since last recorded (by hand in the settings file) go on the trail."""
    with db.sessions.begin() as s:
        return record_trust_in(s, audit, settings, None, how="配置文件被直接修改（启动时发现）")
