"""The 一次性告知书 kept on the terminal: the outcome "informed, not accepted", numbered and purged in time.

A notice is numbered like the counter's receipt, per terminal and Beijing day, with its own prefix:
``GZ-<terminal>-<YYYYMMDD>-<NNNN>``. A receipt number has three parts and never starts with ``GZ-``,
so the two can never be confused on paper or in a search. The sequence is the day's count of this
terminal's notices plus one, taken under SQLite's write lock in the transaction that stores the row
(the column is unique as well), so two notices never share a number.

The applicant's name, ID number, the agent's name and the clerk's note are personal data: a notice
older than the retention period keeps its item, clerk, date and missing materials (the statistics count
it) and loses those columns (``purge_notices``, run with the daily retention purge).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.errors import StorageError
from local_db.database import Database
from local_db.models import InformedNotice
from local_db.receipts import MAX_PER_DAY, terminal_code

#: a notice number's prefix (告知): a receipt number never starts with it
NOTICE_PREFIX = "GZ"
_LOCK = text("UPDATE informed_notice SET id = id WHERE 0")


@dataclass(frozen=True)
class NoticeView:
    """One stored notice (personal columns None once purged)."""

    id: str
    notice_no: str
    item_code: str
    form_version: int
    terminal_id: str
    clerk_id: str
    applicant_name: str | None
    applicant_id_number: str | None
    agent_name: str | None
    missing: tuple[dict[str, str], ...]
    note: str | None
    created_at: datetime
    purged_at: datetime | None


NoticeHook = Callable[[Session, NoticeView], Any]


def _view(row: InformedNotice) -> NoticeView:
    return NoticeView(id=row.id, notice_no=row.notice_no, item_code=row.item_code, form_version=row.form_version,
                      terminal_id=row.terminal_id, clerk_id=row.clerk_id, applicant_name=row.applicant_name,
                      applicant_id_number=row.applicant_id_number, agent_name=row.agent_name,
                      missing=tuple({str(k): str(v) for k, v in entry.items()} for entry in row.missing),
                      note=row.note, created_at=row.created_at, purged_at=row.purged_at)


def notice_prefix(terminal_id: str, day: date) -> str:
    return f"{NOTICE_PREFIX}-{terminal_code(terminal_id)}-{day:%Y%m%d}-"


def save_notice(db: Database, *, item_code: str, form_version: int, terminal_id: str, clerk_id: str,
                applicant_name: str, applicant_id_number: str | None, agent_name: str | None,
                missing: Sequence[dict[str, str]], note: str | None, created_at: datetime, day: date,
                audit: NoticeHook | None = None) -> NoticeView:
    """Store a notice numbered for ``day`` (the Beijing date), with its audit entry in the same transaction."""
    prefix = notice_prefix(terminal_id, day)
    try:
        with db.sessions.begin() as s:
            s.execute(_LOCK)
            taken = s.scalar(select(func.count()).select_from(InformedNotice)
                             .where(InformedNotice.notice_no.startswith(prefix, autoescape=True))) or 0
            if taken >= MAX_PER_DAY:
                raise StorageError(f"notice numbers of {day} exhausted",
                                   user_message="本终端今日告知书编号已用完。", hint="请联系系统管理员。")
            row = InformedNotice(id=str(uuid.uuid4()), notice_no=f"{prefix}{taken + 1:04d}", item_code=item_code,
                                 form_version=form_version, terminal_id=terminal_id, clerk_id=clerk_id,
                                 applicant_name=applicant_name or None, applicant_id_number=applicant_id_number or None,
                                 agent_name=agent_name or None, missing=[dict(m) for m in missing],
                                 note=note or None, created_at=created_at)
            s.add(row)
            s.flush()
            view = _view(row)
            if audit is not None:
                audit(s, view)
            return view
    except SQLAlchemyError as exc:
        raise StorageError(f"saving a notice failed: {type(exc).__name__}",
                           user_message="本地保存失败，告知书未保存。",
                           hint="请重试；如仍失败，请联系系统管理员。") from exc


def find_notices(db: Database, *, since: datetime | None = None, until: datetime | None = None,
                 clerk_id: str | None = None, terminal_id: str | None = None) -> list[NoticeView]:
    """Notices created in ``[since, until)``, newest first, optionally of one clerk or terminal."""
    query = select(InformedNotice).order_by(InformedNotice.created_at.desc(), InformedNotice.notice_no.desc())
    if since is not None:
        query = query.where(InformedNotice.created_at >= since)
    if until is not None:
        query = query.where(InformedNotice.created_at < until)
    if clerk_id:
        query = query.where(InformedNotice.clerk_id == clerk_id)
    if terminal_id:
        query = query.where(InformedNotice.terminal_id == terminal_id)
    with db.sessions() as s:
        return [_view(row) for row in s.scalars(query)]


def purge_notices(db: Database, cutoff: datetime, now: datetime,
                  audit: Callable[[Session, list[str]], Any] | None = None) -> list[str]:
    """Blank the personal columns of notices created before ``cutoff``; the ids purged.

    The row stays with its number, item, clerk, date and missing materials for the statistics.
    ``audit`` writes the entry in the same transaction (with the ids, no personal data).
    """
    with db.sessions.begin() as s:
        s.execute(_LOCK)
        ids = list(s.scalars(select(InformedNotice.id).where(InformedNotice.purged_at.is_(None),
                                                             InformedNotice.created_at <= cutoff)))
        if not ids:
            return []
        s.execute(update(InformedNotice).where(InformedNotice.id.in_(ids)).values(
            applicant_name=None, applicant_id_number=None, agent_name=None, note=None, purged_at=now))
        if audit is not None:
            audit(s, ids)
        return ids
