"""Counting stored due dates again: provisional ones when a holiday schedule arrives, missing ones once.

A due date counted at the counter without the year's published schedule is kept with
``due_provisional`` (预计), and one beyond the years that can be counted at all is kept as only its
``time_limit_days``. Both are counted again from the day of acceptance (``created_at`` in Beijing time)
whenever the calendar may have changed. Submissions saved before due dates were stored (both columns
null) get their form's time limit once (``BACKFILLED`` in ``sync_state``): after that a null limit means
the item has none, and a form that later gains one must not reach back to cases accepted without it.

The counting itself is the caller's (``count``: a Beijing date and a day count to a ``DueData``), so that
this module needs no calendar and no forms; one transaction writes every change with its audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.errors import StorageError
from local_db import syncstate
from local_db.database import Database
from local_db.models import Submission, SubmissionState
from local_db.submissions import DueData

#: ``sync_state`` key set once the time limits of submissions from before this column existed were filled
BACKFILLED = "due_dates_backfilled"
#: the office's legal time (as ``forms.receipt.CHINA_TZ``; local_db may not need the receipt module)
_BEIJING = timezone(timedelta(hours=8))

#: (Beijing date of acceptance, working days) → the due date to keep; None when it cannot be counted yet
CountDue = Callable[[date, int], DueData | None]
#: writes the audit entry of a recount in its transaction (called only when something changed)
AuditRecount = Callable[[Session, "Recount"], object]


@dataclass(frozen=True)
class Recount:
    """What one recount changed: dates made final, still provisional but moved, counted for the first time
    (a limit known, no date yet), and time limits filled in for submissions from before due dates."""

    settled: int = 0
    moved: int = 0
    dated: int = 0
    backfilled: int = 0

    @property
    def changed(self) -> int:
        return self.settled + self.moved + self.dated + self.backfilled


def accepted_on(created_at: datetime) -> date:
    """The day of acceptance the time limit counts from: the Beijing date of ``created_at``."""
    return created_at.astimezone(_BEIJING).date()


def recount_due_dates(db: Database, count: CountDue, *, limit_of: Callable[[str], int | None] | None = None,
                      audit: AuditRecount | None = None) -> Recount:
    """Count again every due date that is provisional or missing while its limit is known; with ``limit_of``
    (an item code to its form's working-day limit, None when unknown or none) first fill the limits of
    submissions from before due dates were stored, once. Idempotent: a second run changes nothing.
    """
    try:
        with db.sessions.begin() as s:
            backfilled = _backfill(s, count, limit_of) if limit_of is not None else 0
            settled = moved = dated = 0
            rows = s.scalars(select(Submission).where(
                Submission.state != SubmissionState.DRAFT.value, Submission.time_limit_days.is_not(None),
                # word for word the partial index ix_submission_due_open (migration 0010): no scan at start
                or_(Submission.due_provisional.is_(True), Submission.due_date.is_(None)))).all()
            for row in rows:
                assert row.time_limit_days is not None
                due = count(accepted_on(row.created_at), row.time_limit_days)
                if due is None or (due.due_date, due.provisional) == (row.due_date, bool(row.due_provisional)):
                    continue
                if row.due_date is None:
                    dated += 1
                elif not due.provisional:
                    settled += 1
                else:
                    moved += 1
                row.due_date, row.due_provisional = due.due_date, due.provisional
            result = Recount(settled, moved, dated, backfilled)
            if audit is not None and result.changed:
                audit(s, result)
            return result
    except SQLAlchemyError as exc:
        raise StorageError(f"recounting due dates failed: {type(exc).__name__}",
                           user_message="办结期限重新计算失败，已保存的期限未改动。",
                           hint="下次启动或参考数据更新时会再次计算；如反复出现，请联系系统管理员。") from exc


def _backfill(s: Session, count: CountDue, limit_of: Callable[[str], int | None]) -> int:
    """Fill time limits (and due dates) of the submissions saved before they were stored; once per database."""
    if syncstate.get_value_in(s, BACKFILLED) is not None:
        return 0
    filled = 0
    codes = s.scalars(select(Submission.item_code).distinct().where(
        Submission.state != SubmissionState.DRAFT.value, Submission.time_limit_days.is_(None),
        Submission.due_date.is_(None))).all()
    for code in codes:
        days = limit_of(code)
        if days is None:
            continue
        for row in s.scalars(select(Submission).where(
                Submission.item_code == code, Submission.state != SubmissionState.DRAFT.value,
                Submission.time_limit_days.is_(None), Submission.due_date.is_(None))):
            due = count(accepted_on(row.created_at), days)
            row.time_limit_days = days
            if due is not None:
                row.due_date, row.due_provisional = due.due_date, due.provisional
            filled += 1
    syncstate.set_values_in(s, {BACKFILLED: datetime.now(_BEIJING).isoformat(timespec="seconds")})
    return filled
