"""Submitting an application: check the form and its materials, seal them, number and draw the receipt, save.

The request is one frozen value (``SubmitRequest``) that the window, the CLI and tests build the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from app.home_visit import PLACE_KEY, home_visit
from app.permissions import Permission, require
from app.signature import SIGNATURE_KEY, SIGNER_LABELS, seal_signature, signer_of
from app.terminal import Terminal
from core.errors import ValidationError
from forms.agent import principal_name, relation_of
from forms.definitions import FormDef, MaterialDef
from forms.receipt import CHINA_TZ, Receipt, ReceivedMaterial, build_receipt
from forms.rules.deadlines import HolidayCalendar, MissingHolidaySchedule, count_due_date
from forms.signature import WITNESS_KEY, Witness, has_agent, witness_note, witness_problem
from forms.validate import derive_fields, shown_values, validate_form
from local_db.audit import AuditAction, AuditEvent, DetailValue
from local_db.clerks import ClerkInfo
from local_db.models import SubmissionState
from local_db.receipts import reserve_receipt_number
from local_db.submissions import (
    ApplicantData,
    AttachmentData,
    DueData,
    SubmissionView,
    create_submission,
    get_submission,
)
from protocol.body import BATCH_ROWS_KEY

if TYPE_CHECKING:
    from devices.scan.pipeline import ScannedPage

log = logging.getLogger(__name__)
#: the attachment that holds the counter's receipt (not a material the applicant brought)
RECEIPT_KEY = "_receipt"


class FormInvalid(ValidationError):
    """Raised with every problem at once, so the window can mark them all."""

    def __init__(self, problems: dict[str, str]) -> None:
        first_key = next(iter(problems))
        super().__init__(first_key, problems[first_key], hint="请按红色提示修改后再提交。")
        self.problems = problems


@dataclass(frozen=True)
class SubmitRequest:
    """Everything the clerk hands in for one application.

    ``values`` are the form's fields as typed (or read from a card); ``provenance`` says where
    values came from and every override's reason; ``materials`` are each material's scanned pages,
    ``waivers`` the reasons a required material is not brought; ``signature`` the PNG the applicant (or
    the agent acting for them) drew on the pad, required when the definition asks for one. ``corrects`` names a returned
    submission this one corrects, ``carried`` that version's sealed materials the clerk keeps, and
    ``draft_id`` the draft this submission replaces. ``home_visit``: taken at the applicant's home (上门服务);
    None (the window's way) takes the terminal's home-visit mode (``app.home_visit``) at submit.
    """

    clerk: ClerkInfo
    form: FormDef
    values: Mapping[str, str]
    provenance: Mapping[str, Any] | None = None
    materials: Mapping[str, Sequence[ScannedPage]] = field(default_factory=dict)
    waivers: Mapping[str, str] = field(default_factory=dict)
    corrects: str | None = None
    carried: Sequence[AttachmentData] = ()
    draft_id: str | None = None
    home_visit: bool | None = None
    signature: bytes | None = None
    #: who signed ``signature`` for an applicant who could not, and why (``forms.signature.Witness``); only
    #: without an agent, whose own signature is the one a case with an agent takes
    witness: Witness | None = None
    #: structured data beyond the form's text fields, kept in the payload under ``_batch`` (issue 20: the
    #: summary of an employer's staff list, ``app.usecases.batch_import``)
    batch: Mapping[str, Any] | None = None
    #: blobs already sealed under a reserved key that go with the case but are no material (issue 20: the
    #: staff list's rows, ``protocol.body.BATCH_ROWS_KEY``); not listed on the receipt
    sealed: Sequence[AttachmentData] = ()
    #: what the receipt calls the item when it is not the form's name (issue 20: a list of 缴费基数申报 goes
    #: under the batch import's form, whose name says 人员新增)
    item_name: str | None = None


@dataclass(frozen=True)
class Accepted:
    """A saved submission and the receipt the clerk hands over."""

    view: SubmissionView
    receipt: Receipt


def missing_materials(form: FormDef, values: Mapping[str, str], attached: Mapping[str, object],
                      waivers: Mapping[str, str]) -> list[MaterialDef]:
    """Required materials that are neither attached nor waived with a reason."""
    return [m for m in form.materials if m.is_required(values) and not attached.get(m.key)
            and not waivers.get(m.key, "").strip()]


def _witnessed(form: FormDef, clean: dict[str, str], request: SubmitRequest) -> dict[str, Any]:
    """The values with the witness who signs for the applicant (``forms.signature.WITNESS_KEY``), checked."""
    witness = request.witness
    if witness is None:
        return dict(clean)
    if has_agent(form, clean):
        raise ValidationError("signature", "已填写代办人，应由代办人签字，无需见证人。",
                              hint="请让代办人签字；见证人只用于没有代办人而申请人本人无法签字的情况。")
    if not request.signature:
        raise ValidationError("signature", "缺少见证人签字。", hint="请见证人核对信息后在签字板上签字。")
    name_field = form.identity_field("name")
    problem = witness_problem(witness, clean.get(name_field.key, "") if name_field is not None else "")
    if problem is not None:
        raise ValidationError("signature", problem, hint="请重新填写见证信息后再签字。")
    return {**clean, WITNESS_KEY: Witness(witness.name.strip(), witness.reason.strip()).as_value()}


def _due_inputs(form: FormDef, received: datetime, calendar: HolidayCalendar) -> tuple[int | None, str, DueData]:
    """The time limit for the receipt, and the due date kept with the submission.

    A year after the last published holiday schedule is counted from the statutory holidays and the
    date kept as provisional (``forms.rules.deadlines.count_due_date``). A year beyond those gets no
    date: the receipt names the limit and the missing year (the due date's, not the receipt's) and
    asks for the date to follow; the limit is still kept, so the date is counted once the schedule
    arrives (``app.due_dates``). An application is never refused because the calendar is stale.
    """
    day = received.astimezone(CHINA_TZ).date()
    days, basis = form.time_limit_working_days, form.time_limit_basis
    if days is None:
        return None, basis, DueData(None, False, None)
    try:
        counted = count_due_date(day, days, calendar)
    except MissingHolidaySchedule as exc:
        log.warning("receipt without due date: %s", exc.detail)
        basis = f"{days}个工作日，{basis}；缺少{exc.year}年节假日安排，办结日期待参考数据更新后告知"
        return None, basis, DueData(None, False, days)
    return days, basis, DueData(counted.day, counted.provisional, days)


def _audit_events(clerk: ClerkInfo, saved: SubmissionView, id_number: str, provenance: Mapping[str, Any] | None,
                  waived: Mapping[str, str]) -> list[AuditEvent]:
    """The trail of one submission: the submission, each correction of what a device read, each waiver.

    Only keys (form, field, material) and numbers go in; the clerk's reasons stay with the submission.
    """
    facts: dict[str, DetailValue] = {
        "item_code": saved.item_code, "form_version": saved.form_version, "state": saved.state.value,
        "counter_receipt_no": saved.counter_receipt_no, "case_version": saved.case_version,
        "review_tier": saved.review_tier}
    events = [AuditEvent(AuditAction.SUBMIT, clerk.id, saved.id, id_number, facts)]
    overrides = (provenance or {}).get("overrides") or []
    for override in overrides if isinstance(overrides, list) else []:
        fields = override.get("fields", []) if isinstance(override, Mapping) else []
        events.append(AuditEvent(AuditAction.CARD_OVERRIDE, clerk.id, saved.id, id_number,
                                 {"fields": [str(f) for f in fields if isinstance(f, str)]}))
    events += [AuditEvent(AuditAction.WAIVER, clerk.id, saved.id, id_number, {"material": key}) for key in waived]
    return events


def _service(terminal: Terminal, request: SubmitRequest) -> tuple[bool, str | None]:
    """Whether the case is taken at the applicant's home, and the place named (上门服务, issue 19).

    The request's word, else the terminal's mode now; a case begun at home (its draft) or a correction of
    one taken at home stays a home visit, with the place it was taken in.
    """
    mode = home_visit(terminal)
    home = mode.on if request.home_visit is None else request.home_visit
    place = mode.place if mode.on else None
    for earlier_id in (request.draft_id, request.corrects):
        earlier = get_submission(terminal.db, earlier_id) if earlier_id else None
        if earlier is not None and earlier.home_visit:
            home = True
            kept = earlier.payload.get(PLACE_KEY)
            place = kept if isinstance(kept, str) and kept else place
    return home, place if home else None


def submit_application(terminal: Terminal, request: SubmitRequest, *,
                       render_receipt: Callable[[Receipt], bytes] | None = None,
                       today: date | None = None, now: datetime | None = None) -> Accepted:
    """Check the form and its materials, seal them, number and draw the receipt, save it all, nudge the sender.

    Fields derived from the ID number are recomputed here rather than trusted
    from the widget, so what is stored always agrees with the number. Every
    required material must be attached or waived with a reason (the reason is
    kept in the payload). Each material's pages become one encrypted PDF, and
    so does the receipt (``render_receipt``, e.g. ``app.receipt_render.receipt_pdf``), before
    the database transaction, which then records them with the submission or
    not at all. Key business (a review tier above none, Art. 37, computed here from the values and kept
    with the case, with the reasons of the raises that held) waits for its signatures before it is
    queued. A correction is the next version of the returned submission's case; a retaken material
    replaces a carried one. A definition that asks for a signature refuses the request without one; the
    signature is sealed like a scan and kept as the attachment ``SIGNATURE_KEY``.
    ``today`` and ``now`` fix the clock (tests). The clerk must hold the 受理 role (``PermissionDenied``).
    """
    require(request.clerk, Permission.SUBMIT)
    form, clerk, materials, waivers = request.form, request.clerk, request.materials, request.waivers
    corrects, carried, draft_id, provenance = request.corrects, request.carried, request.draft_id, request.provenance
    values = request.values
    clean = {k: v.strip() for k, v in values.items()}
    clean.update(derive_fields(form, clean, today=today))
    clean = shown_values(form, clean)  # a value left in a field hidden now is not kept
    problems = validate_form(form, clean, today=today)
    if problems:
        raise FormInvalid(problems)
    known = {m.key for m in form.materials}
    unknown = (set(materials) | set(waivers)) - known
    if unknown:
        raise ValidationError("materials", f"本事项不要求该材料：{'、'.join(sorted(unknown))}")
    attached = {key: pages for key, pages in materials.items() if pages}
    kept = [a for a in carried if a.material_key in known and a.material_key not in attached]
    present: dict[str, object] = {**attached, **{a.material_key: a for a in kept}}
    reasons = {key: reason.strip() for key, reason in waivers.items()
               if reason.strip() and key not in present}
    missing = missing_materials(form, clean, present, reasons)
    if missing:
        raise ValidationError("materials", f"缺少必需材料：{'、'.join(m.name for m in missing)}",
                              hint="请拍摄上述材料，或说明免于提交的原因。")
    witnessed = _witnessed(form, clean, request)
    signer = signer_of(form, witnessed)
    if form.needs_signature and not request.signature:
        raise ValidationError("signature", f"缺少{SIGNER_LABELS[signer]}签字。",
                              hint=f"请点击“{SIGNER_LABELS[signer]}签字…”，请{SIGNER_LABELS[signer]}核对信息后签字。")
    attachments: list[AttachmentData] = []
    if attached:
        from app.scans import seal_material

        attachments = [seal_material(terminal, key, pages) for key, pages in attached.items()]
    attachments += kept
    if request.signature:
        attachments.append(seal_signature(terminal, request.signature))  # sealed before the transaction
    attachments += request.sealed
    received = now or datetime.now(UTC)
    home, place = _service(terminal, request)
    id_field, name_field = form.identity_field("id_number"), form.identity_field("name")
    agent_id, agent_name = form.identity_field("id_number", "agent"), form.identity_field("name", "agent")
    applicant_id = clean[id_field.key].upper() if id_field is not None else ""
    applicant_name = clean.get(name_field.key, "") if name_field is not None else ""
    calendar = terminal.reference.calendar()
    days, basis, due = _due_inputs(form, received, calendar)
    receipt_no = reserve_receipt_number(terminal.db, terminal.settings.terminal_id,
                                        received.astimezone(CHINA_TZ).date())
    names = {m.key: m.name for m in form.materials}
    receipt = build_receipt(
        receipt_no=receipt_no, office_name=terminal.settings.office_name, item_name=request.item_name or form.name,
        applicant_name=applicant_name, applicant_id_number=applicant_id,
        agent_name=clean.get(agent_name.key) or None if agent_name is not None else None,
        agent_id_number=clean.get(agent_id.key) or None if agent_id is not None else None,
        agent_relation=relation_of(clean), received_at=received,
        agent_acts_for=principal_name(clean, form) if form.agent.acts_for else None,
        materials=[ReceivedMaterial(names[a.material_key], a.pages) for a in attachments
                   if a.material_key not in (SIGNATURE_KEY, BATCH_ROWS_KEY)]
        + [ReceivedMaterial(names[key], 0, reason) for key, reason in reasons.items()],
        time_limit_days=days, time_limit_basis=basis, calendar=calendar,
        clerk_name=clerk.name, clerk_id=clerk.id, home_visit=home, visit_place=place,
        # not configured, or out of reach at the last attempt (a laptop on a home visit): not yet at the centre
        offline=terminal.sender is None or terminal.sender.online is False,
        signature_png=request.signature or None, signer_label=SIGNER_LABELS[signer],
        signer_note=witness_note(request.witness, applicant_name) if request.witness is not None else None)
    if render_receipt is not None and terminal.blobs is not None:
        ref = terminal.blobs.put(render_receipt(receipt))
        attachments.append(AttachmentData(material_key=RECEIPT_KEY, sha256=ref.sha256, size=ref.size, pages=1))
    birth = clean.get("birth_date")
    tier = form.review_tier(clean)
    waived_required = sum(1 for m in form.materials if m.key in reasons and m.is_required(clean))
    payload: dict[str, Any] = dict(witnessed)
    if provenance:
        payload["_provenance"] = dict(provenance)  # where values came from (card, ID reader), every override's reason
    if reasons:
        payload["_waivers"] = reasons
    if home and place:
        payload[PLACE_KEY] = place
    if request.batch is not None:
        payload["_batch"] = dict(request.batch)
    view = create_submission(
        terminal.db,
        item_code=form.code,
        form_version=form.version,
        terminal_id=terminal.settings.terminal_id,
        clerk_id=clerk.id,
        applicant=ApplicantData(
            id_number=applicant_id,
            name=applicant_name,
            sex=clean.get("sex") or None,
            birth_date=date.fromisoformat(birth) if birth else None,
            phone=clean.get("phone") or None,
        ),
        payload=payload,
        attachments=attachments,
        counter_receipt_no=receipt_no,
        state=SubmissionState.AWAITING_APPROVAL if tier != "none" else SubmissionState.QUEUED,
        corrects=corrects,
        replaces_draft=draft_id,
        review_tier=tier,
        review_reasons=form.review.reasons(clean),
        due=due,
        waiver_count=waived_required,
        created_at=received,
        home_visit=home,
        audit=lambda s, saved: terminal.audit.record_in(s, *_audit_events(clerk, saved, applicant_id, provenance,
                                                                           reasons)),
    )
    if view.state is SubmissionState.QUEUED:
        terminal.send_now()
    return Accepted(view, receipt)
