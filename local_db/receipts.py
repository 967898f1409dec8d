"""Numbers for the counter's receipts (受理回执).

The receipt is printed while the applicant waits, often offline, so its number cannot come from
the central system. Each terminal numbers its own receipts per day: ``<terminal>-<YYYYMMDD>-<NNNN>``.
The number is reserved in its own short transaction before the receipt is drawn, so the write lock
is never held while a PDF renders; a crash between reserving and saving leaves a gap in the
sequence, never a duplicate.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from core.errors import StorageError
from local_db.database import Database
from local_db.models import ReceiptCounter

#: what a terminal id may contribute to a number printed and scanned as a QR code
_UNSAFE = re.compile(r"[^A-Za-z0-9]")
#: receipts per terminal and day; more means something is wrong, not a busy day
MAX_PER_DAY = 9999


def terminal_code(terminal_id: str) -> str:
    """The terminal's part of a receipt number: its id in plain letters and digits, or LOCAL."""
    return _UNSAFE.sub("", terminal_id).upper()[:16] or "LOCAL"


def reserve_receipt_number(db: Database, terminal_id: str, day: date) -> str:
    """The next receipt number of this terminal on ``day`` (the Beijing date of acceptance)."""
    try:
        with db.sessions.begin() as s:
            counter = s.scalar(select(ReceiptCounter).where(ReceiptCounter.terminal_id == terminal_id,
                                                            ReceiptCounter.day == day))
            if counter is None:
                counter = ReceiptCounter(terminal_id=terminal_id, day=day, last=0)
                s.add(counter)
            if counter.last >= MAX_PER_DAY:
                raise StorageError(f"receipt numbers of {day} exhausted",
                                   user_message="本终端今日回执编号已用完。", hint="请联系系统管理员。")
            counter.last += 1
            sequence = counter.last
    except SQLAlchemyError as exc:
        raise StorageError(f"reserving a receipt number failed: {type(exc).__name__}",
                           user_message="本地保存失败，本笔业务未保存。",
                           hint="请重试；如仍失败，请联系系统管理员。") from exc
    return f"{terminal_code(terminal_id)}-{day:%Y%m%d}-{sequence:04d}"
