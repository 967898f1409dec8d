"""一次性告知: a case that cannot be accepted today, recorded as "informed, not accepted", and its notice printed.

The list of what is missing is computed here from the definition and what the counter holds
(``forms.notice.missing_for_notice``), never taken from the window: the notice must name exactly what
submitting would refuse for. Recording and its audit entry are one transaction; the entry holds the item,
the notice number and the missing materials' keys, and the applicant only as the audit trail's keyed hash.
The form stays open in the window: the clerk may keep it as a draft as well.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import ValidationError
from forms.agent import acting_for
from forms.definitions import FormDef
from forms.notice import MissingItem, Notice, build_notice, missing_for_notice
from forms.receipt import CHINA_TZ
from forms.validate import derive_fields
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.notices import NoticeView, save_notice

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


@dataclass(frozen=True)
class InformRequest:
    """The open form as it stands: values typed, materials present (attached or carried), waivers, a note."""

    clerk: ClerkInfo
    form: FormDef
    item_name: str
    values: Mapping[str, str]
    present: Collection[str] = frozenset()
    waivers: Mapping[str, str] = field(default_factory=dict)
    note: str | None = None
    #: the empty required entries the clerk puts on the notice (those that need a document, e.g. a bank account)
    fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Informed:
    """The stored outcome and the notice to hand over."""

    view: NoticeView
    notice: Notice


def notice_missing(request: InformRequest, *, candidates: bool = False) -> list[MissingItem]:
    """What the notice lists for this request; ``candidates``: with every empty required entry, for the
    dialog, where the clerk ticks those that need a document."""
    clean = {k: v.strip() for k, v in request.values.items()}
    clean.update(derive_fields(request.form, clean))
    return missing_for_notice(request.form, clean, request.present, request.waivers,
                              None if candidates else request.fields)


def inform_applicant(terminal: Terminal, request: InformRequest, *, now: datetime | None = None) -> Informed:
    """Record "informed, not accepted" with exactly what is missing; the notice to print.

    Refused (``ValidationError``) when nothing is missing (the case can be accepted: submit it) or when the
    applicant's name is not filled in (a notice is addressed to someone). The clerk must hold the 受理 role.
    """
    require(request.clerk, Permission.SUBMIT)
    form, clerk = request.form, request.clerk
    clean = {k: v.strip() for k, v in request.values.items()}
    missing = notice_missing(request)
    if not missing:
        raise ValidationError("materials", "材料和信息已齐全，无需一次性告知。", hint="请直接提交受理。")
    id_field, name_field = form.identity_field("id_number"), form.identity_field("name")
    agent_field = form.identity_field("name", "agent")
    applicant_name = clean.get(name_field.key, "") if name_field is not None else ""
    if not applicant_name:
        raise ValidationError(name_field.key if name_field is not None else "name",
                              "告知书须写明申请人姓名。", hint="请先填写申请人姓名，再出具一次性告知书。")
    applicant_id = clean.get(id_field.key, "").upper() if id_field is not None else ""
    agent_name = clean.get(agent_field.key) or None if agent_field is not None else None
    created = now or datetime.now(UTC)
    note = (request.note or "").strip() or None

    def audited(s: Session, saved: NoticeView) -> None:
        terminal.audit.record_in(s, AuditEvent(
            AuditAction.INFORM, clerk.id, saved.id, applicant_id or None,
            {"item_code": saved.item_code, "form_version": saved.form_version, "notice_no": saved.notice_no,
             "missing": [m.key for m in missing]}))

    view = save_notice(terminal.db, item_code=form.code, form_version=form.version,
                       terminal_id=terminal.settings.terminal_id, clerk_id=clerk.id, applicant_name=applicant_name,
                       applicant_id_number=applicant_id or None, agent_name=agent_name,
                       missing=[m.as_json() for m in missing], note=note, created_at=created,
                       day=created.astimezone(CHINA_TZ).date(), audit=audited)
    notice = build_notice(notice_no=view.notice_no, office_name=terminal.settings.office_name,
                          item_name=request.item_name, applicant_name=applicant_name,
                          applicant_id_number=applicant_id, agent_name=agent_name, created_at=created,
                          missing=missing, note=note, clerk_name=clerk.name, clerk_id=clerk.id,
                          acting=acting_for(clean, form))
    return Informed(view, notice)


def print_notice(terminal: Terminal, clerk: ClerkInfo, notice: Notice, target: QPrinter | Path) -> None:
    """Print the notice on a configured printer, or write it whole as a PDF to a path; on the audit trail first."""
    from app import document_render  # Qt loads only when something is printed
    from app.usecases.receipts import deliver

    require(clerk, Permission.SUBMIT)
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.PRINT_NOTICE, clerk.id, None, None, {
        "notice_no": notice.notice_no, "to": "file" if isinstance(target, Path) else "printer"}))
    doc = document_render.notice_document(notice)
    deliver(target, lambda: document_render.document_pdf(doc),
            lambda printer: document_render.print_document(doc, printer))
