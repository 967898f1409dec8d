"""A clerk's own service items: 我的收藏 (favourites) and what they opened lately.

Kept per clerk, not per terminal: two clerks sharing a window each find their own items. One row per
(clerk, item); a use counts up and moves ``last_used_at``, a favourite is a flag on the same row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.errors import StorageError
from local_db.database import Database
from local_db.models import ClerkItem


@dataclass(frozen=True)
class ClerkItemView:
    item_code: str
    favourite: bool
    use_count: int
    last_used_at: datetime | None


def _failed(exc: SQLAlchemyError) -> StorageError:
    return StorageError(f"clerk item write failed: {type(exc).__name__}",
                        user_message="本机保存“我的收藏/最近使用”失败。",
                        hint="不影响业务办理；如反复出现，请联系系统管理员。")


def _row(s: Session, clerk_id: str, item_code: str) -> ClerkItem:
    row = s.get(ClerkItem, (clerk_id, item_code))
    if row is None:
        row = ClerkItem(clerk_id=clerk_id, item_code=item_code, favourite=False, use_count=0)
        s.add(row)
    return row


def set_favourite(db: Database, clerk_id: str, item_code: str, favourite: bool) -> None:
    """Mark or unmark one item as the clerk's favourite (its use count stays)."""
    try:
        with db.sessions.begin() as s:
            _row(s, clerk_id, item_code).favourite = favourite
    except SQLAlchemyError as exc:
        raise _failed(exc) from exc


def record_use(db: Database, clerk_id: str, item_code: str, at: datetime) -> None:
    """The clerk opened this item's form at ``at`` (UTC)."""
    try:
        with db.sessions.begin() as s:
            row = _row(s, clerk_id, item_code)
            row.use_count = (row.use_count or 0) + 1
            row.last_used_at = at
    except SQLAlchemyError as exc:
        raise _failed(exc) from exc


def clerk_items(db: Database, clerk_id: str) -> list[ClerkItemView]:
    """The clerk's rows, most recently used first (never used last, then by code for a stable order)."""
    try:
        with db.sessions() as s:
            rows = s.scalars(select(ClerkItem).where(ClerkItem.clerk_id == clerk_id)).all()
            views = [ClerkItemView(r.item_code, bool(r.favourite), r.use_count or 0, r.last_used_at) for r in rows]
    except SQLAlchemyError as exc:
        raise StorageError(f"clerk item read failed: {type(exc).__name__}",
                           user_message="读取“我的收藏/最近使用”失败。",
                           hint="不影响业务办理；如反复出现，请联系系统管理员。") from exc
    views.sort(key=lambda v: (v.last_used_at is None, -(v.last_used_at.timestamp() if v.last_used_at else 0),
                              -v.use_count, v.item_code))
    return views
