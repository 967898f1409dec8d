"""The read side: what the window lists, counts and shows, as plain functions over the ``Terminal``.

Widgets never read the database themselves; they call these (through a background operation) and get
app-level values back. The record types are re-exported here (``SubmissionView``, ``AttachmentData``,
``SubmissionState``): plain frozen values, never ORM rows, so a widget needs nothing from ``local_db``.
Every read of personal data passes through one of these functions, which is where permissions and an
audit trail of views will hang. A new read (a statistics view, a lookup) is a new function here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.casefile import CaseFile, CaseNotFound, build_case_file, id_number_of, mask_id_numbers_in
from app.permissions import Permission, require
from app.terminal import Terminal
from app.workbench import Workbench, WorkList, WorkRow, workbench
from core.errors import ConfigError, ValidationError, mask_id_number
from forms.definitions import FormDef
from local_db import outbox, syncstate
from local_db.audit import AuditAction, AuditEvent, DetailValue
from local_db.clerks import ClerkInfo
from local_db.models import SubmissionState
from local_db.notices import find_notices
from local_db.submissions import (
    AttachmentData,
    SubmissionQuery,
    SubmissionView,
    find_submissions,
    get_submission,
    pending_count,
)

__all__ = [
    "MIN_ID_PART",
    "AttachmentData",
    "CaseFile",
    "CaseScan",
    "CaseSource",
    "InformedNoticeRow",
    "LocalCases",
    "RecordFilter",
    "RecordPage",
    "ScanPage",
    "SearchTooBroad",
    "SubmissionState",
    "SubmissionView",
    "SyncStatus",
    "WorkList",
    "WorkRow",
    "Workbench",
    "case_file",
    "case_scan",
    "counts_by_state",
    "full_id_number",
    "informed_notices",
    "mask_id_numbers_in",
    "records",
    "submission",
    "sync_status",
    "workbench",
]

#: what the records list shows per page unless asked otherwise
PAGE_SIZE = 200


@dataclass(frozen=True)
class RecordFilter:
    """Which records to list; every criterion given must hold.

    ``states``: any of these (the list's "待发送" means queued or on its way); ``text``: part of the
    applicant's name or of a receipt number, or a full ID number; ``since``/``until``: received in
    that range; ``clerk_id``: received by that clerk.
    """

    states: frozenset[SubmissionState] | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    clerk_id: str | None = None
    #: part of the applicant's name
    name: str | None = None
    #: the applicant's full ID number, or at least ``MIN_ID_PART`` of its first or last characters
    id_number: str | None = None
    #: part of a receipt number (the counter's or the central system's)
    receipt_no: str | None = None
    #: an item of the catalogue (its code)
    item_code: str | None = None


#: the fewest characters of an ID number a search takes: four is the shortest part a clerk reads off
#: a card or a receipt (the last four, a birth year); fewer matches so many people that the search
#: becomes a browse of the population by digit, which the list's masking is there to prevent
MIN_ID_PART = 4


class SearchTooBroad(ValidationError):
    """A part of an ID number too short to search by."""


@dataclass(frozen=True)
class RecordPage:
    """One page of records (newest first) and where it sits among all that match."""

    records: tuple[SubmissionView, ...]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages all matching records fill (at least one, which may be empty)."""
        return max(1, -(-self.total // self.page_size))


def records(terminal: Terminal, clerk: ClerkInfo, where: RecordFilter = RecordFilter(), *, page: int = 0,
            page_size: int = PAGE_SIZE, audited: bool = True) -> RecordPage:
    """Page ``page`` (from 0) of the records matching ``where``; a page past the end is empty.

    The list shows applicants' names and masked ID numbers, so only a business post may read it
    (``Permission.VIEW_CASE``: not the auditor, who reads the trail, never the administrator, Art. 26).
    ``audited``: the clerk asked for this list (opened it, chose another filter or page); the view is
    then on the audit trail with its filter and how many rows it showed (``view_records``). A search by
    ID number is recorded by the number's keyed hash, a name or other text only as "text". False only for
    a list refreshing itself with the query the clerk already asked for.
    """
    require(clerk, Permission.VIEW_CASE)
    if page < 0 or page_size < 1:
        raise ValueError(f"no such page: {page} of size {page_size}")
    number = (where.id_number or "").strip()
    if number and len(number) < MIN_ID_PART:
        raise SearchTooBroad("id_number", f"证件号码至少输入 {MIN_ID_PART} 位（可输入前几位或后几位）。",
                             hint="请多输入几位号码，或改用姓名、受理编号查询。")
    rows, total = find_submissions(
        terminal.db, SubmissionQuery(states=where.states, text=where.text, since=where.since, until=where.until,
                                     clerk_id=where.clerk_id, name=where.name, id_number=where.id_number,
                                     receipt_no=where.receipt_no, item_code=where.item_code),
        offset=page * page_size, limit=page_size)
    if audited:
        terminal.audit.record(terminal.db, _records_viewed(clerk.id, where, page, len(rows), total))
    return RecordPage(tuple(rows), page, page_size, total)


#: fifteen digits in a row: an ID number searched for (or part of one), recorded only by its keyed hash
_ID_LIKE = re.compile(r"\d{15}")
#: a whole ID number (18 characters, or the old 15 digits)
_FULL_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")
#: a receipt number as the counter or the central system gives it (not personal data)
_RECEIPT = re.compile(r"^(SB\d{14}|[A-Za-z0-9._:-]{1,64}-\d{8}-\d{4})$")


def _records_viewed(clerk_id: str, where: RecordFilter, page: int, rows: int, total: int) -> AuditEvent:
    """The trail entry of one view of the records list: the filter and the count, never a name or a number."""
    text = (where.text or "").strip()
    person = text.upper() if _ID_LIKE.search(text) else None
    facts: dict[str, DetailValue] = {"rows": rows, "total": total, "page": page}
    if where.states:
        facts["states"] = sorted(state.value for state in where.states)
    if person is not None:
        facts["search"] = "id_number"
    elif text and _RECEIPT.match(text):
        facts["search"], facts["receipt_no"] = "receipt_no", text
    elif text:
        facts["search"] = "text"
    if where.since is not None:
        facts["since"] = where.since.isoformat(timespec="seconds")
    if where.until is not None:
        facts["until"] = where.until.isoformat(timespec="seconds")
    if where.clerk_id:
        facts["clerk"] = where.clerk_id
    if (where.name or "").strip():
        facts["name"] = True  # that a name was searched for, never the name
    number = (where.id_number or "").strip().upper()
    if _FULL_ID.match(number):  # a whole number: the person's keyed hash, as for a search by text
        person, facts["id_number"] = number, "full"
    elif number:  # a part of one: only that a part was used; no digit of it is kept
        facts["id_number"] = "part"
    receipt = (where.receipt_no or "").strip()
    if receipt:
        facts["receipt_no"] = receipt if _RECEIPT.match(receipt) else "part"
    if where.item_code:
        facts["item_code"] = where.item_code
    return AuditEvent(AuditAction.VIEW_RECORDS, clerk_id, None, person, facts)


def counts_by_state(terminal: Terminal) -> dict[SubmissionState, int]:
    """How many submissions are in each local state (states without any are absent).

    Counts only, no names or numbers: every signed-in clerk's status bar shows them, so no permission."""
    return {SubmissionState(state): n for state, n in outbox.counts(terminal.db).items()}


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar says about sending: not yet acknowledged, waiting for review, sent back,
    when the last full sync ended and the last error the sync engine met (None after a good cycle)."""

    pending: int
    awaiting_review: int
    returned: int
    last_sync: datetime | None
    last_error: str | None


def sync_status(terminal: Terminal) -> SyncStatus:
    counts = counts_by_state(terminal)
    last_sync = syncstate.get_value(terminal.db, syncstate.LAST_SYNC)
    return SyncStatus(
        pending=pending_count(terminal.db),
        awaiting_review=counts.get(SubmissionState.AWAITING_APPROVAL, 0),
        returned=counts.get(SubmissionState.RETURNED, 0),
        last_sync=datetime.fromisoformat(last_sync) if last_sync else None,
        last_error=syncstate.get_value(terminal.db, syncstate.LAST_ERROR),
    )


def submission(terminal: Terminal, clerk: ClerkInfo, submission_id: str, *,
               audited: bool = True) -> SubmissionView | None:
    """One submission with its materials (``attachments``: sealed scans and the receipt), if it exists.

    A business post's read (``Permission.VIEW_CASE``). ``audited``: the clerk opens the case; the view is
    then on the audit trail (Art. 38), written before the case is handed back. False only for re-reading
    the state of a case the clerk has just handled (the result page after submitting).
    """
    require(clerk, Permission.VIEW_CASE)
    view = get_submission(terminal.db, submission_id)
    if view is not None and audited:
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_CASE, clerk.id, view.id,
                                                      view.applicant_id_number,
                                                      {"item_code": view.item_code, "state": view.state.value}))
    return view


# -- the whole case, as the reviewer reads it (issue 16) ------------------------------------------------

#: the most pages of one material the case view shows (a material is a few pages; more is not a scan of ours)
MAX_SCAN_PAGES = 200
#: the largest sealed scan the case view decrypts into memory (200 pages at the scanner's 500 KB limit is 100 MB)
MAX_SCAN_BYTES = 128 * 1024 * 1024


def _form_of(terminal: Terminal, item_code: str) -> FormDef | None:
    try:
        return terminal.reference.form(item_code)
    except ConfigError:
        return None


def _case(terminal: Terminal, submission_id: str) -> SubmissionView:
    view = get_submission(terminal.db, submission_id)
    if view is None:
        raise CaseNotFound(f"no submission {submission_id!r}", user_message="未找到该业务记录。",
                       hint="该记录可能已按保存期限清理；请刷新办件记录后重试。")
    if view.purged:
        when = view.purged_at.astimezone().strftime("%Y-%m-%d") if view.purged_at else ""
        raise CaseNotFound(f"submission {submission_id!r} was purged", user_message=(
            f"该业务的个人信息和扫描件已于 {when} 按保存期限规定从本机清理，无法再查看。"),
            hint="如需查阅请向中心系统调阅。")
    return view


def case_file(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> CaseFile:
    """The whole case for reading: every field by section with where its value came from, the review tier
    and its reasons, the materials and waivers; ID numbers masked (``full_id_number`` shows one, audited).

    Only a business post may read a case (``Permission.VIEW_CASE``: not the auditor, never the
    administrator, Art. 26); each opening is on the audit trail before the case is handed back (Art. 38).
    """
    require(clerk, Permission.VIEW_CASE)
    view = _case(terminal, submission_id)
    case = build_case_file(view, _form_of(terminal, view.item_code))
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_CASE, clerk.id, view.id, view.applicant_id_number,
                                                  {"item_code": view.item_code, "state": view.state.value,
                                                   "whole_case": True}))
    return case


@dataclass(frozen=True)
class ScanPage:
    """One page of a sealed scan: its JPEG as stored, pixel size and physical size (decoded by the viewer)."""

    jpeg: bytes
    width_px: int
    height_px: int
    size_mm: tuple[float, float]


@dataclass(frozen=True)
class CaseScan:
    """A material's scan, opened from the sealed store."""

    submission_id: str
    material_key: str
    pages: tuple[ScanPage, ...]


def case_scan(terminal: Terminal, clerk: ClerkInfo, submission_id: str, material_key: str) -> CaseScan:
    """A material's sealed scan, decrypted and split into its pages (``Permission.VIEW_CASE``).

    Each opening is on the trail (``VIEW_SCAN``: the case, the material, the person's key; never the
    number). A blob that fails authentication is ``BlobCorrupt``; a PDF the terminal did not make is
    ``ScanUnreadable``; both are said to the clerk in Chinese.
    """
    from devices.scan.pdfread import ScanUnreadable, read_pages

    require(clerk, Permission.VIEW_CASE)
    view = _case(terminal, submission_id)
    attachment = next((a for a in view.attachments if a.material_key == material_key), None)
    if attachment is None:
        raise CaseNotFound(f"submission {submission_id!r} has no material {material_key!r}",
                       user_message="该业务没有此材料的扫描件。", hint="该材料可能已免于提交或尚未拍摄。")
    if terminal.blobs is None:
        raise ConfigError("no blob store (no keyring key)", user_message="本机没有可用的系统密钥库，无法打开扫描件。",
                          hint="请联系系统管理员检查系统密钥库。")
    if attachment.size > MAX_SCAN_BYTES:
        raise ScanUnreadable(f"scan of {attachment.size} bytes is above {MAX_SCAN_BYTES}",
                             user_message="该扫描件过大，无法在本窗口显示。")
    pages = read_pages(terminal.blobs.get(attachment.sha256), max_pages=MAX_SCAN_PAGES)
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_SCAN, clerk.id, view.id, view.applicant_id_number,
                                                  {"material": material_key, "pages": len(pages)}))
    return CaseScan(view.id, material_key, tuple(ScanPage(p.jpeg, p.width_px, p.height_px, p.size_mm)
                                                 for p in pages))


def full_id_number(terminal: Terminal, clerk: ClerkInfo, submission_id: str, field_key: str) -> str:
    """The full ID number in field ``field_key`` of a case: a deliberate, audited act
    (``Permission.SHOW_ID_NUMBER``; ``SHOW_ID_NUMBER`` on the trail, keyed by that person's number).

    Lists and the case view show masked numbers only; the caller shows this one where it was asked for
    and forgets it when that view closes.
    """
    require(clerk, Permission.SHOW_ID_NUMBER)
    view = _case(terminal, submission_id)
    number = id_number_of(view, _form_of(terminal, view.item_code), field_key)
    if number is None:
        raise CaseNotFound(f"submission {submission_id!r} has no ID number in {field_key!r}",
                       user_message="该业务此项没有证件号码。")
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.SHOW_ID_NUMBER, clerk.id, view.id, number,
                                                  {"field": field_key, "item_code": view.item_code}))
    return number


class CaseSource(Protocol):
    """Where a case view reads a case from: this terminal's store (``LocalCases``), or, for review on
    another terminal, whatever fetches the case from the central system. Each read checks the clerk's
    post and writes the trail, as the local ones do; ``app.casefile.build_case_file`` and
    ``devices.scan.pdfread.read_pages`` arrange a fetched submission and its scan PDFs the same way."""

    def case_file(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> CaseFile: ...

    def case_scan(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str, material_key: str) -> CaseScan: ...

    def full_id_number(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str, field_key: str) -> str: ...


@dataclass(frozen=True)
class LocalCases:
    """Cases saved on this terminal (the default source of the case view)."""

    def case_file(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> CaseFile:
        return case_file(terminal, clerk, submission_id)

    def case_scan(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str, material_key: str) -> CaseScan:
        return case_scan(terminal, clerk, submission_id, material_key)

    def full_id_number(self, terminal: Terminal, clerk: ClerkInfo, submission_id: str, field_key: str) -> str:
        return full_id_number(terminal, clerk, submission_id, field_key)


@dataclass(frozen=True)
class InformedNoticeRow:
    """One 一次性告知书 as a list shows it: the ID number masked (None once purged)."""

    id: str
    notice_no: str
    item_code: str
    form_version: int
    terminal_id: str
    clerk_id: str
    applicant_name: str | None
    applicant_id_masked: str | None
    agent_name: str | None
    missing: tuple[dict[str, str], ...]
    note: str | None
    created_at: datetime
    purged: bool


def informed_notices(terminal: Terminal, clerk: ClerkInfo, since: datetime | None = None,
                     until: datetime | None = None, *, clerk_id: str | None = None) -> list[InformedNoticeRow]:
    """The notices issued in ``[since, until)`` ("informed, not accepted"), newest first; optionally one clerk's.

    They carry applicants' names, so a business post reads them (``Permission.VIEW_CASE``); the ID number
    is masked here. The statistics count the table in SQL and need none of this.
    """
    require(clerk, Permission.VIEW_CASE)
    return [InformedNoticeRow(id=n.id, notice_no=n.notice_no, item_code=n.item_code, form_version=n.form_version,
                              terminal_id=n.terminal_id, clerk_id=n.clerk_id, applicant_name=n.applicant_name,
                              applicant_id_masked=mask_id_number(n.applicant_id_number)
                              if n.applicant_id_number else None, agent_name=n.agent_name, missing=n.missing,
                              note=n.note, created_at=n.created_at, purged=n.purged_at is not None)
            for n in find_notices(terminal.db, since=since, until=until, clerk_id=clerk_id)]
