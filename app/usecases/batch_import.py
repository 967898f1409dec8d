"""人员新增 by batch import (issue 20 item 5): hand out the template, check a filled one, mark it up, accept it.

The rules are ``forms.staff_import`` and the workbook handling ``forms.staff_workbook``; this module adds
what needs the terminal: the year's base limits from the reference figures, the central system's "already
registered" check, permissions, the audit trail, and the batch's case.

How a batch travels. The valid rows go with ONE submission of the item ``staff_batch_import`` (its form
holds the unit, the count and the unit's 经办人), one case and one receipt for any list. The payload keeps
only a summary under ``_batch`` (kind, year, row count, columns, refused rows, the rows blob's SHA-256);
the rows themselves are an attachment under the reserved key ``protocol.body.BATCH_ROWS_KEY``: canonical
JSON (columns once, a list per row, the sheet's row numbers), sealed in the terminal's encrypted blob
store like a scan or a signature. So they are uploaded by the resumable blob uploader, wait in the queue
offline and survive a restart, while the submission body stays far below ``protocol.limits.SUBMISSION_BODY``
(256 KiB; 10,000 rows are about 1.5 MB).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.lookups import LookupOutcome, LookupReason
from app.permissions import Permission, require
from app.terminal import Terminal
from app.usecases.lookup import check_registered
from app.usecases.submit import Accepted, SubmitRequest, submit_application
from app.whole_file import write_bytes_whole
from core.errors import ConfigError, CounterError
from core.files import read_bytes_bounded
from forms.receipt import CHINA_TZ, Receipt
from forms.rules.figures import MissingFigures
from forms.staff_import import (
    BaseLimits,
    CentralAnswer,
    ImportCheck,
    ImportKind,
    batch_item_name,
    central_problems,
    check_rows,
)
from forms.staff_workbook import MAX_FILE_BYTES, StaffSheet, marked_up, read_sheet, template
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.submissions import AttachmentData, SubmissionView
from protocol.body import BATCH_ROWS_KEY, BATCH_ROWS_MEDIA_TYPE
from protocol.canonical import canonical_json
from protocol.lookup import MAX_REGISTERED_CHECK, RegisteredOut

if TYPE_CHECKING:
    from devices.scan.pipeline import ScannedPage

#: the item whose case carries a batch
BATCH_ITEM = "staff_batch_import"
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
    """The batch's one case and its receipt."""

    batch_id: str
    case: Accepted
    rows: int

    @property
    def receipt(self) -> Receipt:
        return self.case.receipt


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


def batch_rows_blob(kind: str, columns: Sequence[str], rows: Sequence[Sequence[str]],
                    source_rows: Sequence[int]) -> bytes:
    """The rows blob's bytes: canonical JSON, so the same list always gives the same blob (and SHA-256)."""
    return canonical_json({"kind": kind, "columns": list(columns), "rows": [list(row) for row in rows],
                           "source_rows": list(source_rows)}).encode("utf-8")


def seal_batch_rows(terminal: Terminal, data: bytes) -> AttachmentData:
    """Store the rows encrypted under their hash, as a scan is; the submission records the reference."""
    if terminal.blobs is None:
        raise ConfigError("no blob store (no keyring key)",
                          user_message="本机没有可用的系统密钥库，人员名单无法加密保存。",
                          hint="请联系系统管理员启用系统密钥库后再受理批量导入。")
    ref = terminal.blobs.put(data)
    return AttachmentData(material_key=BATCH_ROWS_KEY, sha256=ref.sha256, size=ref.size, pages=1,
                          media_type=BATCH_ROWS_MEDIA_TYPE)


def batch_rows(terminal: Terminal, view: SubmissionView) -> dict[str, Any] | None:
    """A batch case's rows blob, decrypted and read; None when it has none (or the store is not available)."""
    attachment = next((a for a in view.attachments if a.material_key == BATCH_ROWS_KEY), None)
    if attachment is None or terminal.blobs is None:
        return None
    found = json.loads(terminal.blobs.get(attachment.sha256))
    return found if isinstance(found, dict) else None


def submit_batch(terminal: Terminal, request: BatchRequest, *,
                 render_receipt: Callable[[Receipt], bytes] | None = None,
                 today: date | None = None, now: datetime | None = None) -> BatchAccepted:
    """Accept the valid rows as one batch: one case, one receipt, the rows sealed as its ``BATCH_ROWS_KEY``."""
    require(request.clerk, Permission.SUBMIT)
    check = request.result.check
    valid = check.valid_rows
    if not valid:
        raise BatchEmpty()
    keys = [column.key for column in check.kind.columns]
    rows = [[row.values.get(key, "") for key in keys] for row in valid]
    sealed = seal_batch_rows(terminal, batch_rows_blob(check.kind.code, keys, rows, [row.row for row in valid]))
    batch_id = str(uuid.uuid4())
    batch: dict[str, Any] = {
        "batch_id": batch_id, "kind": check.kind.code, "year": request.result.limits.year, "row_count": len(rows),
        "columns": keys, "rows_sha256": sealed.sha256, "refused_rows": len(check.bad_rows),
        "central_checked": request.result.central == "checked"}
    values = {**request.values, "row_count": str(len(rows))}
    case = submit_application(terminal, SubmitRequest(
        clerk=request.clerk, form=terminal.reference.form(BATCH_ITEM), values=values, materials=request.materials,
        waivers=request.waivers, batch=batch, sealed=(sealed,), item_name=batch_item_name(check.kind.code)),
        render_receipt=render_receipt, today=today, now=now)
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.BATCH_IMPORT, request.clerk.id, case.view.id, None, {
        "step": "submit", "kind": check.kind.code, "rows": len(rows), "refused": len(check.bad_rows)}))
    return BatchAccepted(batch_id, case, len(rows))


# -- the same, with the files the clerk chose --------------------------------------------------------------

def save_template(terminal: Terminal, clerk: ClerkInfo, kind: ImportKind, path: Path, *,
                  today: date | None = None) -> Path:
    """Write the empty template where the clerk chose (a USB stick for the employer, a shared folder)."""
    write_bytes_whole(path, staff_template(terminal, clerk, kind, today=today))
    return path


def check_file(terminal: Terminal, clerk: ClerkInfo, path: Path, *, unit_number: str,
               registered: RegisteredCheck | None = None, today: date | None = None) -> ImportResult:
    """``check_workbook`` on a file (read whole, at most ``MAX_FILE_BYTES``; a workbook is a zip read in memory)."""
    data = read_bytes_bounded(path, MAX_FILE_BYTES, "人员名单文件")
    return check_workbook(terminal, clerk, data, unit_number=unit_number, registered=registered, today=today)


def save_marked_up(terminal: Terminal, clerk: ClerkInfo, result: ImportResult, path: Path) -> Path:
    """Write the marked-up copy where the clerk chose, to hand back to the employer."""
    write_bytes_whole(path, marked_up_workbook(terminal, clerk, result))
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
