"""Reading the audit trail: for the 稽核 role only, and each reading is itself on the trail.

An auditor reads the entries (filtered by person, time, clerk and action, a page at a time) or checks
the whole chain. Both refuse anyone without ``Permission.READ_AUDIT`` (``PermissionDenied``) and
record a ``read_audit`` entry saying what was asked and what came back: which filter (a person is
named by the keyed hash of the number looked up, which puts the reading on that person's own trail),
how many rows, or whether the chain held. The window, ``sicounter audit`` and the tests call these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.audit_labels import ACTION_LABELS, PROBLEM_LABELS
from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import SyncError, mask_id_number
from local_db import syncstate
from local_db.audit import (
    AuditAction,
    AuditEvent,
    AuditQuery,
    AuditRecord,
    ChainReport,
    DetailValue,
    stored_entries,
    verify_chain,
)
from local_db.clerks import ROLE_LABELS, ClerkInfo

__all__ = ["ACTION_LABELS", "DETAIL_VALUE_LABELS", "PROBLEM_LABELS", "TRAIL_PAGE", "ChainReport", "TrailCheck",
           "TrailFilter", "TrailPage", "read_trail", "verify_trail"]

#: entries per page unless asked otherwise
TRAIL_PAGE = 100
_STATES = {"draft": "草稿", "awaiting_approval": "待复核", "queued": "待发送", "sending": "发送中",
           "accepted": "已受理", "returned": "已退回", "closed": "已办结"}
#: how the values of an entry's facts read, by fact (a value not listed is shown as stored)
DETAIL_VALUE_LABELS: dict[str, dict[str, str]] = {
    "change": {"add": "新增柜员", "create": "新增柜员", "disable": "停用", "reset_password": "重置密码",
               "roles": "调整岗位", "init_admin": "初始化管理员"},
    "roles": {role.value: label for role, label in ROLE_LABELS.items()},
    "state": _STATES, "states": _STATES,
    "to": {"file": "PDF 文件", "printer": "打印机"},
    "search": {"id_number": "证件号码", "receipt_no": "回执编号", "text": "姓名等文字"},
    "read": {"list": "查询", "verify": "校验完整性"},
    "problem": PROBLEM_LABELS,
    "actions": ACTION_LABELS,
}


@dataclass(frozen=True)
class TrailFilter:
    """Which entries to read; every criterion given must hold.

    ``id_number``: the person's ID number (searched by its keyed hash, never stored); ``since``/``until``:
    the time range ``[since, until)``; ``clerk_id``: done by that clerk; ``actions``: any of these.
    """

    id_number: str | None = field(default=None, repr=False)
    since: datetime | None = None
    until: datetime | None = None
    clerk_id: str | None = None
    actions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TrailPage:
    """One page of entries (newest first unless asked otherwise) and how many match in all."""

    entries: tuple[AuditRecord, ...]
    page: int
    page_size: int
    total: int
    #: the person looked up, masked ("" when the filter named nobody)
    masked_id_number: str = ""
    #: entries in the whole trail, how many of them the central system has acknowledged, and why it
    #: refused the rest (None: it did not)
    last_seq: int = 0
    acknowledged: int = 0
    upload_error: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def read_trail(terminal: Terminal, auditor: ClerkInfo, where: TrailFilter = TrailFilter(), *, page: int = 0,
               page_size: int = TRAIL_PAGE, oldest_first: bool = False) -> TrailPage:
    """Page ``page`` (from 0) of the entries ``where`` selects; the reading is recorded after it succeeds."""
    require(auditor, Permission.READ_AUDIT)
    if page < 0 or page_size < 1:
        raise ValueError(f"no such page: {page} of size {page_size}")
    person = where.id_number.strip().upper() if where.id_number and where.id_number.strip() else None
    rows, total = terminal.audit.search(
        terminal.db, AuditQuery(id_number=person, since=where.since, until=where.until, clerk_id=where.clerk_id,
                                actions=where.actions),
        offset=page * page_size, limit=page_size, newest_first=not oldest_first)
    facts: dict[str, DetailValue] = {"read": "list", "rows": len(rows), "total": total, "page": page,
                                     "by_person": person is not None}
    if where.since is not None:
        facts["since"] = where.since.isoformat(timespec="seconds")
    if where.until is not None:
        facts["until"] = where.until.isoformat(timespec="seconds")
    if where.clerk_id:
        facts["clerk"] = where.clerk_id.strip()
    if where.actions:
        facts["actions"] = sorted(where.actions)
    written = terminal.audit.record(terminal.db, AuditEvent(AuditAction.READ_AUDIT, auditor.id, None, person, facts))
    sent = syncstate.get_value(terminal.db, syncstate.AUDIT_SENT)
    return TrailPage(tuple(rows), page, page_size, total, mask_id_number(person) if person else "",
                     last_seq=written[-1].seq, acknowledged=int(sent) if sent and sent.isdigit() else 0,
                     upload_error=syncstate.get_value(terminal.db, syncstate.AUDIT_ERROR))


@dataclass(frozen=True)
class TrailCheck:
    """The chain check, and the comparison with the copy the central system holds.

    The chain shows an entry edited, deleted or inserted; a trail rewritten consistently by someone
    holding the database key shows only against the central copy: the central system's last hash
    commits to every entry up to it, so the local entry there must carry the same hash.
    """

    report: ChainReport
    #: entries the central system holds of this terminal (None: not asked, or it could not be reached)
    central_held: int | None = None
    #: whether the local entry at ``central_held`` has the hash the central system holds
    central_matches: bool | None = None
    #: why the central copy could not be compared (no central system configured, unreachable …)
    central_error: str | None = None

    @property
    def intact(self) -> bool:
        return self.report.intact and self.central_matches is not False


def verify_trail(terminal: Terminal, auditor: ClerkInfo, *, against_central: bool = True) -> TrailCheck:
    """Whether the chain is intact (else its first broken sequence number and why) and, when the central
    system can be asked, whether it agrees with the central copy; the check is recorded."""
    require(auditor, Permission.READ_AUDIT)
    report = verify_chain(terminal.db)
    check = TrailCheck(report)
    if against_central:
        check = _against_central(terminal, report)
    facts: dict[str, DetailValue] = {
        "read": "verify", "intact": report.intact, "entries": report.entries, "broken_at": report.broken_at,
        "problem": str(report.problem) if report.problem else None}
    if check.central_held is not None:
        facts["central_held"], facts["central_matches"] = check.central_held, check.central_matches
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.READ_AUDIT, auditor.id, None, None, facts))
    return check


def _against_central(terminal: Terminal, report: ChainReport) -> TrailCheck:
    if terminal.client is None:
        return TrailCheck(report, central_error="本终端未配置中心系统，无法与中心副本核对。")
    try:
        head = terminal.client.audit_head()
    except SyncError as exc:
        return TrailCheck(report, central_error=f"未能与中心系统核对：{exc.user_message}")
    if head is None:
        return TrailCheck(report, central_error="中心系统不保存审计日志副本。")
    if head.last_seq == 0:
        return TrailCheck(report, 0, True)
    local = next(stored_entries(terminal.db, after=head.last_seq - 1, limit=1), None)
    matches = local is not None and local.seq == head.last_seq and local.hash == head.last_hash
    return TrailCheck(report, head.last_seq, matches)
