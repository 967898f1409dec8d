"""A whole case as the reviewer reads it: every field by section, where each value came from, the review
tier and why, the materials (photographed, or waived and why).

Plain values built from a stored submission and its form definition (no Qt, no database): the query
side (``app/queries.py`` ``case_file``) reads and audits, this module only arranges. ID numbers are
masked here, at the source, so no widget or listing that shows a ``CaseFile`` can show a full number;
the full number is a separate, audited read (``queries.full_id_number``).

Where a value came from is what the form recorded at submission (``_provenance`` in the payload,
``app/ui/form_view.py`` ``FormView.provenance``): ``from_device`` maps a field to the document it was
read from ("社保卡", "居民身份证", ...), each entry of ``overrides`` names the fields a clerk unlocked
to correct, with the reason, and ``changed`` which device-read values differ from what was read (an
unlocked field left as read still says where it came from). A field derived from the ID number (sex,
birth date) says so; every other field was typed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.cards import ID_CARD_NAMES
from app.home_visit import PLACE_KEY
from core.errors import CounterError, mask_id_number
from forms.agent import acting_for
from forms.definitions import TIER_LABELS, FieldDef, FormDef
from forms.rules.deadlines import provisional_note
from local_db.submissions import AttachmentData, SubmissionView
from protocol.body import BATCH_ROWS_KEY, SIGNATURE_KEY

__all__ = [
    "CaseField",
    "CaseFile",
    "CaseMaterial",
    "CaseNotFound",
    "CaseSection",
    "Correction",
    "Origin",
    "OriginKind",
    "build_case_file",
    "id_number_of",
    "mask_id_numbers_in",
]

#: the social security card's name as the card reader reports it (``app/cards.py``)
CARD_SOURCE = "社保卡"
#: the attachment holding the counter's receipt (``app/usecases/submit.py`` ``RECEIPT_KEY``)
_RECEIPT_KEY = "_receipt"


class CaseNotFound(CounterError):
    """No such case, material or ID-number field (purged after its retention, or a stale list)."""

    user_message = "未找到该业务记录。"
    hint = "该记录可能已按保存期限清理；请刷新办件记录后重试。"


class OriginKind(enum.StrEnum):
    TYPED = "typed"
    CARD = "card"
    ID_READER = "id_reader"
    #: another registered reader (its document's name is the label)
    DEVICE = "device"
    CORRECTED = "corrected"
    #: filled from the central system's lookup (issue 20) and left as filled
    CENTRAL = "central"
    DERIVED = "derived"
    EMPTY = "empty"


@dataclass(frozen=True)
class Origin:
    """Where one value came from, said the way the reviewer reads it (``label``)."""

    kind: OriginKind
    label: str
    #: the corrected value's reason, as the clerk wrote it
    reason: str | None = None
    #: the document a device read it from (also kept for a corrected value: what was overridden)
    document: str | None = None


@dataclass(frozen=True)
class CaseField:
    """One field: its label from the form, the value as shown (choices by their label, ID numbers masked)."""

    key: str
    label: str
    value: str
    origin: Origin
    #: an ID number: ``value`` is masked, the full number only through ``queries.full_id_number``
    id_number: bool = False


@dataclass(frozen=True)
class CaseSection:
    title: str
    fields: tuple[CaseField, ...]

    @property
    def empty(self) -> bool:
        return all(not f.value for f in self.fields)


@dataclass(frozen=True)
class CaseMaterial:
    """A material of the form: photographed (``attachment``), waived (``waiver``) or not needed here."""

    key: str
    name: str
    legal_basis: str
    required: bool
    attachment: AttachmentData | None = None
    waiver: str | None = None

    @property
    def pages(self) -> int:
        return self.attachment.pages if self.attachment is not None else 0


@dataclass(frozen=True)
class Correction:
    """A clerk's correction of what a device read: the labels of the fields it changed (empty: unlocked and
    left as read), the reason, who and when."""

    fields: tuple[str, ...]
    reason: str
    clerk_id: str | None
    at: str | None


@dataclass(frozen=True)
class CaseFile:
    """One submission as the reviewer sees it. Holds no full ID number."""

    submission_id: str
    item_code: str
    item_name: str
    form_version: int
    #: the form definition's version used for the labels, when it is not the one the case was made with
    labels_from_version: int | None
    state: str
    case_version: int
    clerk_id: str | None
    approved_by: str | None
    counter_receipt_no: str | None
    receipt_number: str | None
    created_at: datetime
    applicant_name: str
    masked_id_number: str
    review_tier: str
    review_tier_label: str
    review_reasons: tuple[str, ...]
    sections: tuple[CaseSection, ...]
    materials: tuple[CaseMaterial, ...]
    corrections: tuple[Correction, ...]
    status_reason: str | None
    #: the legal due date kept with the case, whether it is provisional (预计), and the limit it counts
    due_date: date | None = None
    due_provisional: bool = False
    time_limit_days: int | None = None
    #: who acted for whom (``forms.agent.acting_for``, ID masked) and where the agent's ID number came from
    #: (read from a card, or typed and checked); None when the applicant came in person
    acting_for: str | None = None
    agent_id_origin: Origin | None = None
    #: how it was served when not at a window: "上门服务（城关镇幸福村）" (issue 19); None at a window
    service: str | None = None

    def due_text(self) -> str | None:
        """The due date as the case view states it; None when the item sets no day count.

        A provisional date names its own year's schedule as the one that decides it (the schedule is
        published a year at a time, and the due date's year is the last one the count ran into).
        """
        if self.due_date is None:
            if self.time_limit_days is None:
                return None
            return f"{self.time_limit_days}个工作日（缺少节假日安排，日期待参考数据更新后计算）"
        if self.due_provisional:
            return f"{self.due_date.isoformat()}（{provisional_note([self.due_date.year])}）"
        return self.due_date.isoformat()

    def field(self, key: str) -> CaseField:
        return next(f for s in self.sections for f in s.fields if f.key == key)

    def material(self, key: str) -> CaseMaterial:
        return next(m for m in self.materials if m.key == key)


def _device_origin(document: str) -> Origin:
    if document == CARD_SOURCE:
        return Origin(OriginKind.CARD, CARD_SOURCE, document=document)
    if document in ID_CARD_NAMES.values():
        label = "身份证阅读器" if document == ID_CARD_NAMES["resident"] else f"身份证阅读器（{document}）"
        return Origin(OriginKind.ID_READER, label, document=document)
    return Origin(OriginKind.DEVICE, document, document=document)


def _corrections(provenance: Mapping[str, Any]) -> list[tuple[list[str], Mapping[str, Any]]]:
    overrides = provenance.get("overrides")
    found: list[tuple[list[str], Mapping[str, Any]]] = []
    for entry in overrides if isinstance(overrides, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("fields"), list):
            found.append(([str(k) for k in entry["fields"] if isinstance(k, str)], entry))
    return found


def _origin(field: FieldDef, value: str, provenance: Mapping[str, Any]) -> Origin:
    if not value:
        return Origin(OriginKind.EMPTY, "")
    devices = provenance.get("from_device")
    document = devices.get(field.key) if isinstance(devices, Mapping) else None
    document = document if isinstance(document, str) and document else None
    changed = provenance.get("changed")  # absent before the form recorded it: every unlocked field counts
    unchanged = isinstance(changed, list) and document is not None and field.key not in changed
    for keys, entry in reversed(_corrections(provenance)):  # the latest correction of this field counts
        if field.key in keys and not unchanged:
            reason = str(entry.get("reason") or "").strip() or "未说明原因"
            return Origin(OriginKind.CORRECTED, f"已更正：{reason}", reason, document)
    if document is not None:
        return _device_origin(document)
    central = provenance.get("from_central")
    filled = central.get(field.key) if isinstance(central, Mapping) else None
    if isinstance(filled, str) and filled:  # recorded only while the value stayed as filled
        return Origin(OriginKind.CENTRAL, filled)
    if field.derived_from is not None:
        return Origin(OriginKind.DERIVED, "由身份号码推算")
    return Origin(OriginKind.TYPED, "手工录入")


def _shown(field: FieldDef, value: str) -> str:
    if not value:
        return ""
    if field.type == "idnumber":
        return mask_id_number(value)
    if field.type == "choice":
        return next((c.label for c in field.choices if c.value == value), value)
    return value


def id_number_of(view: SubmissionView, form: FormDef | None, key: str) -> str | None:
    """The full ID number stored in field ``key`` of the case, or None when that is no ID-number field."""
    if form is None:
        return view.applicant_id_number if key == "id_number" and view.applicant_id_number else None
    try:
        field = form.field(key)
    except StopIteration:
        return None
    if field.type != "idnumber":
        return None
    value = view.payload.get(key)
    return str(value).upper() if isinstance(value, str) and value else None


def build_case_file(view: SubmissionView, form: FormDef | None) -> CaseFile:
    """Arrange a stored submission for reading; ``form`` is the item's definition (None: none is installed).

    Values the definition does not know (a case made with an older version) are listed under "其他字段"
    by their key, never dropped; a number there that looks like an ID number is masked too.
    """
    payload = view.payload
    provenance = _mapping(payload.get("_provenance"))
    values = {k: str(v) for k, v in payload.items() if not k.startswith("_") and v is not None}
    sections: list[CaseSection] = []
    known: set[str] = set()
    if form is not None:
        for section in form.sections:
            fields = []
            for field in section.fields:
                known.add(field.key)
                value = values.get(field.key, "").strip()
                fields.append(CaseField(field.key, field.label, _shown(field, value), _origin(field, value, provenance),
                                        field.type == "idnumber"))
            sections.append(CaseSection(section.title, tuple(fields)))
    others = [CaseField(k, k, _mask_if_id_like(v), Origin(OriginKind.TYPED, "手工录入") if v else Origin(
        OriginKind.EMPTY, "")) for k, v in values.items() if k not in known]
    if others:
        sections.append(CaseSection("其他字段", tuple(others)))
    labels = {f.key: f.label for f in form.fields()} if form is not None else {}
    changed = provenance.get("changed")
    corrections = tuple(Correction(tuple(labels.get(k, k) for k in keys
                                         if not isinstance(changed, list) or k in changed),
                                   str(entry.get("reason") or "").strip(), _text(entry.get("clerk_id")),
                                   _text(entry.get("at")))
                        for keys, entry in _corrections(provenance))
    waivers = _mapping(payload.get("_waivers"))
    acting = acting_for(values, form)
    agent_id_field = form.identity_field("id_number", "agent") if form is not None else None
    agent_id_origin = (_origin(agent_id_field, values.get(agent_id_field.key, "").strip(), provenance)
                       if acting is not None and agent_id_field is not None else None)
    return CaseFile(
        submission_id=view.id, item_code=view.item_code, item_name=form.name if form is not None else view.item_code,
        form_version=view.form_version,
        labels_from_version=form.version if form is not None and form.version != view.form_version else None,
        state=view.state.value, case_version=view.case_version, clerk_id=view.clerk_id, approved_by=view.approved_by,
        counter_receipt_no=view.counter_receipt_no, receipt_number=view.receipt_number, created_at=view.created_at,
        applicant_name=view.applicant_name or "", masked_id_number=mask_id_number(view.applicant_id_number or ""),
        review_tier=form.review_tier(values) if form is not None else "none",
        review_tier_label=TIER_LABELS[form.review_tier(values)] if form is not None else TIER_LABELS["none"],
        review_reasons=tuple(form.review.reasons(values)) if form is not None else (),
        sections=tuple(sections), materials=_materials(form, values, view.attachments, waivers),
        corrections=corrections,
        status_reason=mask_id_numbers_in(view.status_reason) if view.status_reason else None,
        due_date=view.due_date, due_provisional=view.due_provisional, time_limit_days=view.time_limit_days,
        acting_for=acting, agent_id_origin=agent_id_origin, service=_service(view))


def _service(view: SubmissionView) -> str | None:
    """"上门服务" and the place named, for a case taken at the applicant's home."""
    if not view.home_visit:
        return None
    place = view.payload.get(PLACE_KEY)
    return f"上门服务（{place}）" if isinstance(place, str) and place else "上门服务"


def _materials(form: FormDef | None, values: Mapping[str, str], attachments: Sequence[AttachmentData],
               waivers: Mapping[str, Any]) -> tuple[CaseMaterial, ...]:
    # the receipt, the signature and a staff list's rows are shown elsewhere (or not at all), never as a scan
    by_key = {a.material_key: a for a in attachments
              if a.material_key not in (_RECEIPT_KEY, SIGNATURE_KEY, BATCH_ROWS_KEY)}
    materials = [CaseMaterial(m.key, m.name, m.legal_basis, m.is_required(values), by_key.pop(m.key, None),
                              _text(waivers.get(m.key))) for m in (form.materials if form is not None else [])]
    # sealed materials the definition no longer names are still shown (and can be opened)
    materials += [CaseMaterial(key, key, "", True, attachment, None) for key, attachment in by_key.items()]
    return tuple(materials)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value).strip() else None


_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")


def mask_id_numbers_in(text: str) -> str:
    """Free text (a central reviewer's note, a sync error) with every ID number in it masked, for lists."""
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)


def _mask_if_id_like(value: str) -> str:
    digits = sum(c.isdigit() for c in value)
    return mask_id_number(value) if len(value) in (15, 18) and digits >= 15 else value
