"""人员新增 by batch import (issue 20 item 5): hand out the template, check a filled one, mark it up, accept it.

The rules are ``forms.staff_import`` and the workbook handling ``forms.staff_workbook``; this module adds
what needs the terminal: the year's base limits from the reference figures, the central system's "already
registered" check, permissions, the audit trail, and the batch's case.

How a batch travels. The valid rows go into the payload of ONE submission of the item
``staff_batch_import`` (its form holds the unit, the count and the unit's 经办人), under ``_batch`` as
columns + rows (a list per row, not an object: the keys once, not 10,000 times). A submission's body may
be at most ``protocol.limits.SUBMISSION_BODY`` (256 KiB), and a row is 80-150 bytes, so one case holds
about 1,700 rows at worst; that covers the staff lists a counter sees (tens to hundreds). A longer list is
split into parts of at most ``PART_BYTES`` of rows, each part its own case with its own receipt, all
carrying one ``batch_id`` and ``part``/``parts``, so the central system can put them together. Carrying
the rows as an attachment would keep one case for any size, but blobs are PDF/JPEG/PNG only (a protocol
change the lead may choose; docs/design-notes.md "Employer items").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.lookups import LookupOutcome, LookupReason
from app.permissions import Permission, require
from app.terminal import Terminal
from app.usecases.lookup import check_registered
from app.usecases.submit import Accepted, SubmitRequest, submit_application
from core.errors import CounterError
from core.files import read_bytes_bounded
from forms.receipt import CHINA_TZ, Receipt
from forms.rules.figures import MissingFigures
from forms.staff_import import BaseLimits, CentralAnswer, ImportCheck, ImportKind, central_problems, check_rows
from forms.staff_workbook import MAX_FILE_BYTES, StaffSheet, marked_up, read_sheet, template
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from protocol.canonical import canonical_json
from protocol.limits import KIB
from protocol.lookup import MAX_REGISTERED_CHECK, RegisteredOut

if TYPE_CHECKING:
    from devices.scan.pipeline import ScannedPage

#: the item whose case carries a batch
BATCH_ITEM = "staff_batch_import"
#: bytes of rows one case carries: the body limit (256 KiB) less room for the form, receipt and review
PART_BYTES = 192 * KIB
#: asks the central system which of these ID numbers it knows: (unit number, ID numbers) -> ID number -> what it
#: knows, or None when it could not be asked (offline, failed); ``central_check`` wires ``lookup.check_registered``
RegisteredCheck = Callable[[str, Sequence[str]], Mapping[str, CentralAnswer] | None]
#: the reason the batch check gives the central system (recorded on both sides with the lookup)
CHECK_REASON = "单位经办人提交人员新增名单，核查是否已参保"


class BatchEmpty(CounterError):
    """Nothing to accept: every row has a problem (or the file has none)."""

    def __init__(self) -> None:
        super().__init__("batch without valid rows", user_message="名单中没有可受理的人员。",
                         hint="请导出标注错误的名单交单位修改后重新导入。")


@dataclass(frozen=True)
class ImportResult:
    """A checked list as the window shows it."""

    sheet: StaffSheet
    check: ImportCheck
    limits: BaseLimits
    #: whether the central system was asked: "checked", "offline" (not reachable: rows not checked there)
    central: str
    #: the employer's file as read (for the marked-up copy)
    data: bytes


@dataclass(frozen=True)
class BatchRequest:
    """What the clerk accepts: the checked list, the unit and its 经办人 (the form's values), the 经办人's ID
    (its scanned pages, or the reason it is waived), as ``SubmitRequest`` takes them."""

    clerk: ClerkInfo
    result: ImportResult
    values: Mapping[str, str]
    materials: Mapping[str, Sequence[ScannedPage]] = field(default_factory=dict)
    waivers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchAccepted:
    """The batch's case(s); ``receipts`` one per part (one for any list that fits one case)."""

    batch_id: str
    parts: Sequence[Accepted]
    rows: int

    @property
    def receipts(self) -> list[Receipt]:
        return [part.receipt for part in self.parts]


def base_limits(terminal: Terminal, year: int) -> BaseLimits:
    """The monthly base floor and ceiling of ``year`` from the office's figures; ``MissingFigures`` without them."""
    figures = terminal.reference.figures()
    if figures is None:
        raise MissingFigures(terminal.settings.province_code, "本省", year - 1, "avg_wage_annual")
    floor, ceiling = figures.contribution_base_range(year)
    return BaseLimits(year, floor, ceiling)


def staff_template(terminal: Terminal, clerk: ClerkInfo, kind: ImportKind, *, today: date | None = None) -> bytes:
    """The empty template to hand to the employer, with this year's limits in its notes when known."""
    require(clerk, Permission.SUBMIT)
    year = (today or datetime.now(CHINA_TZ).date()).year
    try:
        limits: BaseLimits | None = base_limits(terminal, year)
    except MissingFigures:
        limits = None
    return template(kind, limits)


def check_workbook(terminal: Terminal, clerk: ClerkInfo, data: bytes, *, unit_number: str,
                   registered: RegisteredCheck | None = None, today: date | None = None) -> ImportResult:
    """Read and check every row; then ask the central system about the rows that passed.

    ``registered`` None means no central system to ask (offline or not configured): the result says so and
    the rows are checked again by the central system when the case arrives. Recorded in the audit trail
    as counts, never as people.
    """
    require(clerk, Permission.SUBMIT)
    day = today or datetime.now(CHINA_TZ).date()
    limits = base_limits(terminal, day.year)
    sheet = read_sheet(data)
    check = check_rows(sheet.kind, sheet.rows, limits, today=day)
    central = "offline"
    numbers = [row.values["id_number"] for row in check.valid_rows]
    answers = registered(unit_number, numbers) if registered is not None and numbers else None
    if answers is not None:
        check = check.with_problems(central_problems(check, answers))
        central = "checked"
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.BATCH_IMPORT, clerk.id, None, None, {
        "step": "check", "kind": sheet.kind.code, "rows": len(check.rows), "valid": len(check.valid_rows),
        "refused": len(check.bad_rows), "central": central}))
    return ImportResult(sheet, check, limits, central, data)


def marked_up_workbook(terminal: Terminal, clerk: ClerkInfo, result: ImportResult) -> bytes:
    """The employer's file with the bad cells marked, to hand back (recorded as an export)."""
    require(clerk, Permission.SUBMIT)
    out = marked_up(result.data, result.sheet, result.check)
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.EXPORT, clerk.id, None, None, {
        "what": "batch_import_errors", "rows": len(result.check.bad_rows)}))
    return out


def split_rows(rows: Sequence[Sequence[str]], budget: int = PART_BYTES) -> list[list[Sequence[str]]]:
    """Consecutive parts whose rows' canonical JSON stays within ``budget`` bytes (at least one row each)."""
    parts: list[list[Sequence[str]]] = [[]]
    size = 2
    for row in rows:
        cost = len(canonical_json(list(row)).encode("utf-8")) + 1
        if parts[-1] and size + cost > budget:
            parts.append([])
            size = 2
        parts[-1].append(row)
        size += cost
    return parts


def submit_batch(terminal: Terminal, request: BatchRequest, *,
                 render_receipt: Callable[[Receipt], bytes] | None = None,
                 today: date | None = None, now: datetime | None = None) -> BatchAccepted:
    """Accept the valid rows as one batch: one case (or one per part of a very long list), one receipt each."""
    require(request.clerk, Permission.SUBMIT)
    check = request.result.check
    valid = check.valid_rows
    if not valid:
        raise BatchEmpty()
    keys = [column.key for column in check.kind.columns]
    rows = [[row.values.get(key, "") for key in keys] for row in valid]
    source_rows = [row.row for row in valid]
    parts = split_rows(rows)
    batch_id = str(uuid.uuid4())
    form = terminal.reference.form(BATCH_ITEM)
    received = now or datetime.now(UTC)
    accepted: list[Accepted] = []
    start = 0
    for index, part in enumerate(parts, start=1):
        values = {**request.values, "row_count": str(len(part))}
        batch: dict[str, Any] = {
            "batch_id": batch_id, "part": index, "parts": len(parts), "kind": check.kind.code,
            "year": request.result.limits.year, "columns": keys, "rows": part,
            "source_rows": source_rows[start:start + len(part)], "refused_rows": len(check.bad_rows),
            "central_checked": request.result.central == "checked"}
        start += len(part)
        part_request = SubmitRequest(clerk=request.clerk, form=form, values=values, materials=request.materials,
                                     waivers=request.waivers, batch=batch)
        accepted.append(submit_application(terminal, part_request, render_receipt=render_receipt, today=today,
                                           now=received))
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.BATCH_IMPORT, request.clerk.id, accepted[0].view.id,
                                                  None, {"step": "submit", "kind": check.kind.code,
                                                         "rows": len(rows), "refused": len(check.bad_rows),
                                                         "parts": len(parts)}))
    return BatchAccepted(batch_id, accepted, len(rows))



# -- the same, with the files the clerk chose --------------------------------------------------------------

def save_template(terminal: Terminal, clerk: ClerkInfo, kind: ImportKind, path: Path, *,
                  today: date | None = None) -> Path:
    """Write the empty template where the clerk chose (a USB stick for the employer, a shared folder)."""
    path.write_bytes(staff_template(terminal, clerk, kind, today=today))
    return path


def check_file(terminal: Terminal, clerk: ClerkInfo, path: Path, *, unit_number: str,
               registered: RegisteredCheck | None = None, today: date | None = None) -> ImportResult:
    """``check_workbook`` on a file (read whole, at most ``MAX_FILE_BYTES``; a workbook is a zip read in memory)."""
    data = read_bytes_bounded(path, MAX_FILE_BYTES, "人员名单文件")
    return check_workbook(terminal, clerk, data, unit_number=unit_number, registered=registered, today=today)


def save_marked_up(terminal: Terminal, clerk: ClerkInfo, result: ImportResult, path: Path) -> Path:
    """Write the marked-up copy where the clerk chose, to hand back to the employer."""
    path.write_bytes(marked_up_workbook(terminal, clerk, result))
    return path


def central_check(terminal: Terminal, clerk: ClerkInfo) -> RegisteredCheck | None:
    """The central system's "already registered" check for this clerk (``app.usecases.lookup.check_registered``,
    in slices of ``MAX_REGISTERED_CHECK``), or None without a central system. ``check_registered`` requires the
    clerk's 查询 (LOOKUP), which every post that may accept a list (受理) holds."""
    if terminal.client is None:
        return None
    reason = LookupReason("typed", CHECK_REASON, BATCH_ITEM)

    def ask(unit_number: str, numbers: Sequence[str]) -> Mapping[str, CentralAnswer] | None:
        known: dict[str, CentralAnswer] = {}
        for start in range(0, len(numbers), MAX_REGISTERED_CHECK):
            result = check_registered(terminal, clerk, unit_number or None,
                                      numbers[start:start + MAX_REGISTERED_CHECK], reason)
            if result.outcome in (LookupOutcome.OFFLINE, LookupOutcome.FAILED):
                return None
            known.update({number: CentralAnswer(entry.name, _why_not(entry))
                          for number, entry in result.registered.items()})
        return known

    return ask


def _why_not(entry: RegisteredOut) -> str | None:
    """Why a person the registry knows cannot be added by this unit, in Chinese; None: they can."""
    if entry.benefit_status == "deceased":
        return "中心系统记录此人已死亡，请核对公民身份号码。"
    if entry.benefit_status == "pension":
        return "此人已领取基本养老金，不能作为在职职工新增参保，请核对。"
    if not entry.insured:
        return None  # registered before, insured nowhere now: the unit may add them
    if entry.same_unit:
        return "此人已在本单位参保，无需重复新增。"
    if entry.insured_category == "flexible" and not entry.unit_number:
        return "此人正以灵活就业人员身份参保，请本人先办理停保，再由单位新增。"
    where = entry.unit_name or "其他单位"
    unit = f"（单位编号 {entry.unit_number}）" if entry.unit_number else ""
    return f"此人已在{where}{unit}参保，请原单位先办理减员，再由本单位新增。"
