"""Receipt numbers: ``SB`` + China date of receipt (``YYYYMMDD``) + six-digit daily sequence.

The date is the calendar date in China (UTC+8) because that is the date printed on
the receipt the applicant takes home, while all stored timestamps stay in UTC.
A fixed offset is used instead of ``zoneinfo("Asia/Shanghai")``: China has had no
daylight saving time since 1991, and Windows counter PCs often lack the tz database.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "UTC+08:00")
PREFIX = "SB"
SEQUENCE_DIGITS = 6
MAX_SEQUENCE = 10**SEQUENCE_DIGITS - 1
RECEIPT_RE = re.compile(r"SB([0-9]{8})([0-9]{6})")


def china_day(moment: datetime) -> str:
    """The ``YYYYMMDD`` China calendar date of an aware ``moment``."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(CHINA_TZ).strftime("%Y%m%d")


def format_receipt(day: str, sequence: int) -> str:
    """Build the receipt number for the ``sequence``-th receipt of ``day``."""
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence out of range: {sequence}")
    return f"{PREFIX}{day}{sequence:0{SEQUENCE_DIGITS}d}"


def parse_receipt(receipt_number: str) -> tuple[str, int]:
    """Split a receipt number into its day and sequence; ``ValueError`` if malformed."""
    match = RECEIPT_RE.fullmatch(receipt_number)
    if match is None:
        raise ValueError(f"not a receipt number: {receipt_number!r}")
    return match.group(1), int(match.group(2))


def utc_now() -> datetime:
    """The default clock of the store; a function so tests can pass another."""
    return datetime.now(UTC)
