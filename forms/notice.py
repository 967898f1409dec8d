"""The 一次性告知书: what an applicant still has to bring when the case cannot be accepted today.

"One-time" is the promise: everything missing is named at once, each with its legal basis, so the
applicant comes back once. ``missing_for_notice`` computes the list from the form definition and what
the counter has (the same rule as submitting: a required material neither attached nor waived), plus
the required form entries that are still empty (the applicant must bring the information, e.g. a bank
card for the account). ``build_notice`` is the one way to a printable notice: it masks the ID number,
since the notice is handed out and may be lost.

Pure data, no Qt and no database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.errors import mask_id_number
from forms.definitions import FormDef
from forms.receipt import CHINA_TZ, DEFAULT_OFFICE_NAME

#: the basis printed for a required form entry: the form itself asks for it (no separate article)
FIELD_BASIS = "申请表必填信息"
#: the prefix of a missing form entry's key (a material's key is the material's own)
FIELD_PREFIX = "field:"
TITLE = "社会保险业务一次性告知书"
COME_BACK = "请备齐上述材料（信息）后，携带本告知书到任一受理窗口办理。"
SIGNATURE = "申请人（代办人）签收：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿＿＿"
FOOTER = "本告知书一次性告知需补齐的全部材料。咨询电话：12333"


@dataclass(frozen=True)
class MissingItem:
    """One thing the applicant still has to bring; stored as ``{key, name, basis}``."""

    key: str
    name: str
    basis: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "name": self.name, "basis": self.basis}

    def line(self) -> str:
        return f"{self.name}（依据：{self.basis}）"


def missing_for_notice(form: FormDef, values: Mapping[str, str], present: Collection[str],
                       waivers: Mapping[str, str], fields: Collection[str] | None = None) -> list[MissingItem]:
    """Required materials neither present (attached or carried) nor waived with a reason, in the
    definition's order, then the required form entries still empty that need a document.

    A material is required by its condition on the values (e.g. an authorisation only when an agent
    is named), exactly as at submission. Which empty entries need a document (a bank account: the bank
    card) and which the applicant simply says at the window (an ethnicity) the definition does not
    tell, so the clerk chooses: ``fields`` are the keys of the entries to list; None lists every
    candidate. A field with a wrong value is never listed: that is the clerk's typing to correct.
    """
    clean = {key: value.strip() for key, value in values.items()}
    items = [MissingItem(m.key, m.name, m.legal_basis) for m in form.materials
             if m.is_required(clean) and m.key not in present and not waivers.get(m.key, "").strip()]
    for section in form.sections:
        for field in section.fields:
            if field.derived_from is None and field.is_required(clean) and not clean.get(field.key) \
                    and (fields is None or field.key in fields):
                items.append(MissingItem(f"{FIELD_PREFIX}{field.key}", f"{section.title}：{field.label}",
                                         FIELD_BASIS))
    return items


@dataclass(frozen=True)
class Notice:
    """Everything printed on one notice, already masked."""

    notice_no: str
    office_name: str
    item_name: str
    applicant_name: str
    applicant_id_masked: str
    agent_name: str | None
    created_at: datetime  # aware
    missing: tuple[MissingItem, ...]
    note: str | None
    clerk_name: str
    clerk_id: str
    #: who acted for whom (``forms.agent.acting_for``: relation, the agent's masked ID number), when an agent acts
    acting: str | None = None

    def date_text(self) -> str:
        """The Beijing date and time of the notice."""
        return self.created_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")

    def applicant_text(self) -> str:
        if not self.applicant_id_masked:
            return self.applicant_name
        return f"{self.applicant_name}（证件号码 {self.applicant_id_masked}）"

    def clerk_text(self) -> str:
        return f"{self.clerk_name}（工号 {self.clerk_id}）"


def build_notice(*, notice_no: str, office_name: str, item_name: str, applicant_name: str,
                 applicant_id_number: str, agent_name: str | None, created_at: datetime,
                 missing: Sequence[MissingItem], note: str | None, clerk_name: str, clerk_id: str,
                 acting: str | None = None) -> Notice:
    """A notice with the ID number masked; a naive time is refused (the printed date is Beijing's)."""
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")
    if not missing:
        raise ValueError("a notice names at least one missing material")
    return Notice(notice_no=notice_no, office_name=office_name.strip() or DEFAULT_OFFICE_NAME, item_name=item_name,
                  applicant_name=applicant_name, applicant_id_masked=mask_id_number(applicant_id_number)
                  if applicant_id_number else "", agent_name=agent_name or None, created_at=created_at,
                  missing=tuple(missing), note=(note or "").strip() or None, clerk_name=clerk_name,
                  clerk_id=clerk_id, acting=acting or None)
