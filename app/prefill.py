"""What a lookup at the central system adds to a form at the counter (issue 20, item 3).

Pure functions of a person as the central system knows them (``protocol.lookup.PersonOut``), the form's
definition and the values it holds now: which empty fields to fill and from what, what the clerk must be
told (already registered, card reported lost, already drawing a pension), whether the form must stop, and
where each number the rule panels read came from. No Qt, no I/O: the window (``app/ui/lookup_banner.py``)
applies the answer, the tests build ``PersonOut`` values and check it.

Which field takes which registry value is a table here rather than a key in the form definitions: the
definitions are reference data the central system publishes, and the registry's shape is the lookup
protocol's (``protocol/lookup.py``); the table joins the two by field key, and a form without such a field
simply gets nothing. The same key can mean a different person's value (``contribution_months`` is the
applicant's on the retirement form and the deceased's on the survivor form), so the tables are per person.

What the clerk typed is never replaced: a field is filled only while it is empty or holds a value the form
proposed itself (常住地址 copied from the 户籍地址, 参保身份 implied by what was typed).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from forms.definitions import FieldDef, FormDef
from protocol.lookup import (
    BENEFIT_STATUS_LABELS,
    CARD_STATUS_LABELS,
    EMPLOYER_STATUS_LABELS,
    INSURANCE_LABELS,
    INSURED_STATUS_LABELS,
    EmployerOut,
    PersonOut,
)

#: a value the clerk typed (or changed after it was filled), as the panels and the reviewer read it
TYPED_LABEL = "手工填写"

Tone = Literal["info", "warn", "stop"]
Extract = Callable[[PersonOut], str | None]


def central_label(person: PersonOut) -> str:
    """Where a filled value came from, with the day the registry's record is of."""
    return f"中心系统（截至 {person.as_of[:10]}）"


def _employer(attr: str) -> Extract:
    return lambda p: getattr(p.employer, attr) if p.employer is not None else None


def _pension(attr: str) -> Extract:
    return lambda p: str(getattr(p.pension, attr)) if p.pension is not None else None


def _person_status(person: PersonOut) -> str | None:
    """个人信息变更's 人员状态: a pensioner is a retiree whatever their last category was."""
    if person.benefit.status in ("pension", "suspended"):
        return "retiree"
    return person.insured_category


#: the applicant's own fields, on every form that has them
APPLICANT_FIELDS: dict[str, Extract] = {
    "phone": lambda p: p.phone,
    "address": lambda p: p.address,
    "household_address": lambda p: p.household_address,
    "employer_code": _employer("unit_number"),
    "employer_name": _employer("name"),
    "employer_credit_code": _employer("uscc"),
    "work_start_date": lambda p: p.work_start_date,
    "insured_category": lambda p: p.insured_category,
    "person_status": _person_status,
}
#: the retirement panel's inputs (养老保险权益记录)
RETIREMENT_FIELDS: dict[str, Extract] = {
    "contribution_months": _pension("paid_months"),
    "deemed_contribution_months": _pension("deemed_months"),
    "avg_contribution_index": _pension("avg_contribution_index"),
    "account_balance": _pension("account_balance"),
}


def _total_months(person: PersonOut) -> str | None:
    """累计缴费月数（含视同）: paid and deemed months of the pension record."""
    if person.pension is None:
        return None
    return str(person.pension.paid_months + person.pension.deemed_months)


def _was_pensioner(person: PersonOut) -> str:
    benefit = person.benefit
    drew = benefit.status in ("pension", "suspended") or bool(benefit.pension_months) or bool(benefit.monthly_amount)
    return "yes" if drew else "no"


def _death_date(person: PersonOut) -> str | None:
    return person.benefit.since if person.benefit.status == "deceased" else None


#: the deceased's fields on the survivor form, from the lookup of ``deceased_id_number``
DECEASED_FIELDS: dict[str, Extract] = {
    "deceased_name": lambda p: p.name,
    "death_date": _death_date,
    "was_pensioner": _was_pensioner,
    "pension_months": lambda p: str(p.benefit.pension_months) if p.benefit.pension_months is not None else None,
    "pension_paid_until": lambda p: p.benefit.paid_until,
    "monthly_pension": lambda p: p.benefit.monthly_amount,
    "contribution_months": _total_months,
}
#: the fields each rule panel reads whose numbers come from the registry (their source is shown)
PANEL_NUMBERS: dict[str, tuple[str, ...]] = {
    "retirement": ("contribution_months", "deemed_contribution_months", "avg_contribution_index", "account_balance"),
    "survivor": ("contribution_months", "pension_months", "monthly_pension", "pension_paid_until"),
}
#: the survivor form's field naming the deceased
DECEASED_KEY = "deceased_id_number"
#: the item whose second filing for one person is a duplicate the clerk must confirm
REGISTRATION_FORM = "personal_registration"


@dataclass(frozen=True)
class Fill:
    """One field to fill: its key, the value and its label (for the banner)."""

    key: str
    value: str
    label: str


@dataclass(frozen=True)
class Notice:
    """One thing the clerk is told: what happened and what to do. ``stop``: the form cannot be submitted."""

    kind: str
    tone: Tone
    text: str


@dataclass(frozen=True)
class Prefill:
    """What one lookup adds to a form."""

    fills: tuple[Fill, ...]
    notices: tuple[Notice, ...]
    #: "中心系统（截至 YYYY-MM-DD）"
    source: str
    #: the question asked before submitting (a second 个人参保登记), None: nothing to confirm
    confirm: str | None = None

    @property
    def stop(self) -> Notice | None:
        return next((n for n in self.notices if n.tone == "stop"), None)


def provisional_keys(form: FormDef, values: Mapping[str, str]) -> set[str]:
    """Fields holding what the form proposed rather than what the clerk typed: a suggestion copied from
    another field (``suggest_from``) or a choice implied by other values (``implied_default``)."""
    keys = set()
    for field in form.fields():
        value = values.get(field.key, "")
        if not value:
            continue
        suggested = field.suggest_from is not None and value == values.get(field.suggest_from, "")
        if suggested or (field.implied_default is not None and value == field.implied_default):
            keys.add(field.key)
    return keys


def _fits(field: FieldDef, value: str) -> bool:
    """A value the field can hold: a choice among its choices, a number where a number goes."""
    if field.type == "choice" and field.choices:
        return value in {c.value for c in field.choices}
    if field.type in ("integer", "money", "number"):
        try:
            return Decimal(value).is_finite()
        except InvalidOperation:
            return False
    if field.max_length is not None:
        return len(value) <= field.max_length
    return True


def _fills(form: FormDef, fields: Collection[FieldDef], table: Mapping[str, Callable[[Any], str | None]],
           person: PersonOut | EmployerOut, values: Mapping[str, str], owned: Collection[str]) -> tuple[Fill, ...]:
    provisional = provisional_keys(form, values)
    out = []
    for field in fields:
        extract = table.get(field.key)
        if extract is None or field.derived_from is not None or field.key in owned:
            continue
        if values.get(field.key, "") and field.key not in provisional:
            continue  # the clerk's, or read from the card
        value = (extract(person) or "").strip()
        if value and value != values.get(field.key, "") and _fits(field, value):
            out.append(Fill(field.key, value, field.label))
    return tuple(out)


def _applicant_fields(form: FormDef) -> list[FieldDef]:
    """The applicant's fields: every section but the agent's; on the survivor form not the deceased's."""
    return [f for s in form.sections if s.role != "agent" and all(f.key != DECEASED_KEY for f in s.fields)
            for f in s.fields]


#: the insurances as a sentence names several at once (养老、医疗保险)
_SHORT = {"pension": "养老", "medical": "医疗", "unemployment": "失业", "injury": "工伤", "maternity": "生育"}


def _insured_line(person: PersonOut) -> str:
    """The insurances grouped by state and first month: "养老、医疗、失业保险参保缴费（自 1998-09）"."""
    groups: dict[tuple[str, str | None], list[str]] = {}
    for i in person.insurances:
        groups.setdefault((i.status, i.since), []).append(_SHORT.get(i.insurance, INSURANCE_LABELS.get(i.insurance,
                                                                                                        i.insurance)))
    return "；".join(f"{'、'.join(names)}保险{INSURED_STATUS_LABELS.get(status, status)}"
                    + (f"（自 {since}）" if since else "") for (status, since), names in groups.items())


def _duplicate(form: FormDef, person: PersonOut) -> tuple[Notice | None, str | None]:
    """A second 个人参保登记: warned while any insurance is live, said plainly when all have stopped.

    Someone insured or suspended now is registered: a new registration is normally a mistake (the change
    goes through 个人信息变更 or the employer's 人员增减), yet legitimate ones exist (a flexible worker
    resuming after a stop, a move to another employer's scheme), so the clerk confirms with a reason.
    Someone whose every insurance stopped registers anew (续保): told, nothing to confirm.
    """
    if form.code != REGISTRATION_FORM or not person.insurances:
        return None, None
    live = [i for i in person.insurances if i.status in ("insured", "suspended")]
    where = f"，参保单位：{person.employer.name}" if person.employer is not None else ""
    if not live:
        return Notice("registered_before", "info",
                      f"该人员曾参保，现已终止参保（{_insured_line(person)}）。本次按重新参保登记办理。"), None
    text = (f"该人员已在中心系统参保登记：{_insured_line(person)}{where}。"
            "信息有变请改办“个人信息变更”；确需再次登记的，提交时须说明原因。")
    question = (f"中心系统显示该人员已参保（{_insured_line(person)}）。确需再次办理个人参保登记的，"
                "请填写原因（将随业务一并记录，供复核）。")
    return Notice("duplicate", "warn", text), question


def card_notice(person: PersonOut, reason_kind: str, card_number: str | None) -> Notice | None:
    """A card reported lost or replaced: a stop when that card is the one read at the window.

    A card whose number differs from the registry's is not the card reported (the registry describes its
    card of record), so it is not stopped; read by ID card, the person is only told.
    """
    card = person.card
    if card.status not in ("lost", "replaced"):
        return None
    when = f"于 {card.changed_on} " if card.changed_on else ""
    status = CARD_STATUS_LABELS.get(card.status, card.status)
    same_card = card.card_number is None or card_number is None or card.card_number == card_number
    if reason_kind == "card_read" and same_card:
        if card.status == "lost":
            return Notice("card_lost", "stop", f"此社会保障卡已{when}挂失，不能用于办理业务。"
                                               "请持本人身份证办理补卡，或使用新卡重新读卡。")
        return Notice("card_replaced", "stop", f"此社会保障卡已{when}补换，旧卡已作废，不能用于办理业务。"
                                               "请使用新卡重新读卡；新卡未领取的，请持本人身份证办理。")
    return Notice("card_status", "info",
                  f"中心系统记录该人员的社会保障卡{when}{status}。如需补卡，请提醒持本人身份证办理。")


def _person_notices(form: FormDef, person: PersonOut, read_name: str | None) -> list[Notice]:
    notices = []
    if read_name and person.name != read_name:
        notices.append(Notice("name_differs", "warn", f"中心系统登记的姓名为“{person.name}”，与证件不一致。"
                                                      "请核对证件；如需更正请办理个人信息变更。"))
    if person.benefit.status == "deceased":
        notices.append(Notice("deceased", "warn", "中心系统记录该人员已死亡。请核对证件与本人是否一致。"))
    elif form.panel == "retirement" and person.benefit.status in ("pension", "suspended"):
        since = f"（自 {person.benefit.since}）" if person.benefit.since else ""
        notices.append(Notice("already_retired", "warn",
                              f"该人员已{BENEFIT_STATUS_LABELS.get(person.benefit.status, '')}{since}，"
                              "不能再次办理退休。请核对所办事项。"))
    return notices


def person_prefill(form: FormDef, person: PersonOut, values: Mapping[str, str], *, reason_kind: str,
                   card_number: str | None = None, read_name: str | None = None,
                   owned: Collection[str] = ()) -> Prefill:
    """The applicant looked up after their card or ID card was read.

    ``values`` are the form's now; ``owned`` the keys the clerk changed after an earlier fill (theirs);
    ``card_number`` the social security card's number when that card was read.
    """
    table = dict(APPLICANT_FIELDS)
    if form.panel == "retirement":
        table |= RETIREMENT_FIELDS
    fills = _fills(form, _applicant_fields(form), table, person, values, owned)
    notices: list[Notice] = []
    stop = card_notice(person, reason_kind, card_number)
    if stop is not None:
        notices.append(stop)
    duplicate, question = _duplicate(form, person)
    if duplicate is not None:
        notices.append(duplicate)
    notices.extend(_person_notices(form, person, read_name))
    return Prefill(fills, tuple(notices), central_label(person), question)


def deceased_prefill(form: FormDef, person: PersonOut, values: Mapping[str, str], *,
                     owned: Collection[str] = ()) -> Prefill:
    """The deceased on the survivor form, looked up by ``deceased_id_number``."""
    section = next((s for s in form.sections if any(f.key == DECEASED_KEY for f in s.fields)), None)
    fields = list(section.fields) if section is not None else []
    fills = _fills(form, fields, DECEASED_FIELDS, person, values, owned)
    notices = []
    benefit = person.benefit
    if benefit.status in ("pension", "suspended"):
        until = f"，已发放至 {benefit.paid_until}" if benefit.paid_until else ""
        notices.append(Notice("pension_running", "warn", f"中心系统尚未登记该人员死亡，养老金仍在发放{until}。"
                                                         "受理后将停发并核算死亡后多发的金额，请告知申领人。"))
    elif benefit.status == "deceased" and benefit.since:
        notices.append(Notice("death_recorded", "info", f"中心系统已登记死亡人员的死亡日期：{benefit.since}。"))
    if person.pension is None and not person.insurances:
        notices.append(Notice("no_record", "warn", "中心系统中没有该人员的养老保险缴费记录，请核对死亡人员身份号码。"))
    return Prefill(fills, tuple(notices), central_label(person))


def not_found_notice(form: FormDef, *, deceased: bool = False) -> Notice:
    """The central system answered that nobody with this number was ever registered."""
    if deceased:
        return Notice("not_registered", "warn", "中心系统中没有该死亡人员的参保记录。请核对身份号码；"
                                                "确无参保记录的，不能申领遗属待遇。")
    if form.code == REGISTRATION_FORM:
        return Notice("not_registered", "info", "中心系统中无该人员参保记录，按首次参保登记办理。")
    return Notice("not_registered", "warn", "中心系统中没有该人员的参保记录，请核对所办事项。")


#: an employer item's unit fields, from the lookup of the unit number (or credit code) the clerk typed
EMPLOYER_FIELDS: dict[str, Callable[[EmployerOut], str | None]] = {
    "unit_number": lambda e: e.unit_number,
    "credit_code": lambda e: e.uscc,
    "employer_name": lambda e: e.name,
    "legal_rep_name": lambda e: e.legal_representative,
}
#: the field an employer item names its unit by (the lookup starts when a whole one is typed)
UNIT_KEY = "unit_number"


def employer_label(employer: EmployerOut) -> str:
    return f"中心系统（截至 {employer.as_of[:10]}）"


def employer_prefill(form: FormDef, employer: EmployerOut, values: Mapping[str, str], *,
                     owned: Collection[str] = ()) -> Prefill:
    """An employer item's unit, looked up by the unit number or credit code the clerk typed: its name, codes
    and legal representative where the form lacks them; what it stands at; a cancelled unit stops the form
    (nothing can be changed or declared for it), unpaid contributions are said."""
    fills = _fills(form, list(form.fields()), EMPLOYER_FIELDS, employer, values, owned)
    status = EMPLOYER_STATUS_LABELS.get(employer.status, employer.status)
    notices = [Notice("employer", "info", f"{employer.name}：{status}，在职参保 {employer.insured_staff} 人。")]
    typed = values.get("employer_name", "").strip()
    if typed and "employer_name" not in {f.key for f in fills} and typed != employer.name:
        notices.append(Notice("name_differs", "warn", f"中心系统登记的单位名称为“{employer.name}”，与填写的"
                                                      "不一致。请核对营业执照；名称变更请选择相应变更事项。"))
    if employer.status == "cancelled":
        notices.append(Notice("cancelled", "stop", f"该单位已在中心系统注销，不能办理{form.name}。"
                                                   "请核对单位编号；需恢复参保的，按单位参保登记办理。"))
    elif employer.status == "suspended":
        notices.append(Notice("suspended", "warn", "该单位在中心系统处于暂停缴费状态，请核实后办理。"))
    if Decimal(employer.arrears_amount or "0") > 0:
        notices.append(Notice("arrears", "warn", f"中心系统记录该单位欠缴社会保险费 {employer.arrears_amount} 元"
                                                 f"（{employer.arrears_months} 个月），请告知单位经办人。"))
    return Prefill(fills, tuple(notices), employer_label(employer))


def employer_not_found_notice(form: FormDef) -> Notice:
    """The central system answered that no unit has this number (or code)."""
    return Notice("not_registered", "warn", f"中心系统中没有该单位的参保登记记录，不能办理{form.name}。"
                                            "请核对单位编号或统一社会信用代码；新参保单位请办理单位参保登记。")


def panel_sources(form: FormDef, values: Mapping[str, str], central: Mapping[str, tuple[str, str]]) -> list[
        tuple[str, str]]:
    """Where each number the form's rule panel reads came from: (field label, source).

    ``central`` maps a filled key to (the value filled, its source label); a value the clerk changed since,
    or typed, is theirs (手工填写); an empty one is not listed.
    """
    out = []
    for key in PANEL_NUMBERS.get(form.panel or "", ()):
        try:
            field = form.field(key)
        except StopIteration:
            continue
        value = values.get(key, "")
        if not value:
            continue
        filled = central.get(key)
        out.append((field.label, filled[1] if filled is not None and filled[0] == value else TYPED_LABEL))
    return out
