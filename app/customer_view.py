"""What the applicant may see on the customer screen, built from the open form's state (no Qt).

The customer screen faces the person at the window, and other people in the hall can see it too. So it
shows what the applicant needs to check and nothing more: the item, their name, their ID number masked
(``core.errors.mask_id_number``, as on the receipt), the fields as the clerk fills them (choice labels,
not codes; ID numbers masked; empty and internal fields left out), the materials (taken, waived, still
missing), the due date once the case is accepted, and who acts for whom when an agent is named.

Every view is built from scratch from one ``FormState`` (a snapshot of the form as it stands); nothing
is carried from the view before. That is what keeps another person's data off the screen: after a
submit, a sign-out, a lock, a clerk switch, a closed form or a saved draft the screen goes back to a
``WelcomeView``, which holds no personal data at all, and a new card read into a form shows what the
form holds now. One case needs more than a snapshot: a second person's card read into a form already
filled for someone else leaves the first person's typed values (phone, address) in the clerk's form;
``FormState.stale`` names those values so the view leaves them out until the clerk changes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from core.errors import mask_id_number
from forms.agent import acting_for
from forms.catalogue import ServiceItem
from forms.definitions import FieldDef, FormDef, load_choices
from forms.guide import MATERIALS_ARTICLE, guide_for
from forms.receipt import Receipt
from forms.rules.deadlines import provisional_note
from protocol.ratings import LEVEL_LABELS, LOW_LEVELS, LOW_REASONS, check_rating

#: the greeting between applicants
WELCOME_TITLE = "欢迎办理社会保险业务"
#: what every applicant should have ready, whatever the item
ALWAYS_BRING: tuple[str, ...] = ("居民身份证", "社会保障卡")
#: field types never shown in full: an ID number is masked wherever it appears
MASKED_TYPES = frozenset({"idnumber"})

MaterialState = Literal["captured", "waived", "missing"]
MATERIAL_WORDS: dict[str, str] = {"captured": "已收取", "waived": "免于提交", "missing": "还需提供"}


@dataclass(frozen=True)
class FormState:
    """A snapshot of the open form, as the form page publishes it on every change.

    ``values`` are the form's shown values (a hidden field counts as empty); ``pages`` the pages taken
    or kept per material; ``waived`` the materials waived now; ``stale`` the values left from another
    person whose card was read into this form afterwards (key -> that value), never shown.
    """

    form: FormDef
    item_name: str
    values: Mapping[str, str]
    pages: Mapping[str, int] = field(default_factory=dict)
    waived: frozenset[str] = frozenset()
    stale: Mapping[str, str] = field(default_factory=dict)

    def applicant_id(self) -> str:
        """The applicant's ID number as the form holds it (empty when none), to tell one person from another."""
        id_field = self.form.identity_field("id_number")
        return self.values.get(id_field.key, "").strip() if id_field is not None else ""

    def started(self) -> bool:
        """Whether anything of a person is in the form yet (a value other than the field's default, or the
        answer a choice takes while nothing typed implies another: 参保身份 of a form nobody is in yet)."""
        return any(value.strip() and value not in (f.default or "", f.implied_default or "")
                   for f in self.form.fields() for value in (self.values.get(f.key, ""),))


@dataclass(frozen=True)
class ShownField:
    label: str
    value: str
    #: the field's key, so the screen can follow the field that changed last
    key: str = ""


@dataclass(frozen=True)
class ShownMaterial:
    name: str
    state: MaterialState
    pages: int = 0

    def text(self) -> str:
        if self.state == "captured":
            return f"{MATERIAL_WORDS['captured']} {self.pages} 页"
        return MATERIAL_WORDS[self.state]


@dataclass(frozen=True)
class CaseView:
    """One applicant's case as the customer screen shows it; ``text()`` is everything it says."""

    item_name: str
    applicant_name: str
    applicant_id_masked: str
    fields: tuple[ShownField, ...]
    materials: tuple[ShownMaterial, ...]
    #: "代办人 张三（子女）代 李四 办理", or None when no agent is named
    acting_for: str | None = None
    #: set once the case is accepted (受理): the receipt's number and the due date in the applicant's words
    receipt_no: str | None = None
    due: str | None = None

    @property
    def accepted(self) -> bool:
        return self.receipt_no is not None

    def text(self) -> str:
        lines = [self.item_name, self.applicant_name, self.applicant_id_masked]
        if self.acting_for:
            lines.append(self.acting_for)
        lines += [f"{f.label}：{f.value}" for f in self.fields]
        lines += [f"{m.name}：{m.text()}" for m in self.materials]
        if self.receipt_no:
            lines.append(f"回执编号：{self.receipt_no}")
        if self.due:
            lines.append(self.due)
        return "\n".join(lines)


@dataclass(frozen=True)
class WelcomeView:
    """Between applicants: nothing personal, only the office, a greeting and what to have ready."""

    office_name: str
    title: str = WELCOME_TITLE
    bring: tuple[str, ...] = ALWAYS_BRING
    #: the item the clerk has just chosen, and the materials its guide lists (with when each applies)
    item_name: str | None = None
    item_materials: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.office_name, self.title, "请准备：" + "、".join(self.bring)]
        if self.item_name:
            lines.append(self.item_name)
            lines += list(self.item_materials)
        return "\n".join(lines)


CustomerView = CaseView | WelcomeView


def _choice_label(f: FieldDef, value: str) -> str:
    choices = list(f.choices) or (load_choices(f.choices_from) if f.choices_from else [])
    return next((c.label for c in choices if c.value == value), value)


def display_value(f: FieldDef, value: str) -> str:
    """A value as the applicant reads it: a choice's label, an ID number masked, money in 元."""
    if f.type in MASKED_TYPES:
        return mask_id_number(value)
    if f.type == "choice":
        return _choice_label(f, value)
    if f.type == "money":
        return f"{value} 元"
    return value


def shown_fields(form: FormDef) -> tuple[FieldDef, ...]:
    """The fields the customer screen may show, in the definition's order.

    Every field of the definition the applicant or the agent gives (both section roles), except the
    applicant's name and ID number, which head the screen. A key starting with ``_`` is the terminal's own
    (waivers, provenance) and is never a field; it is left out should a definition ever name one.
    """
    id_field = form.identity_field("id_number")
    name_field = form.identity_field("name")
    heads = {f.key for f in (id_field, name_field) if f is not None}
    return tuple(f for f in form.fields() if f.key not in heads and not f.key.startswith("_"))


def due_line(receipt: Receipt) -> str:
    """The due date in the applicant's words: the date, 预计 when the year's holidays are not yet published."""
    if receipt.due is None:
        return f"办理时限：{receipt.time_limit_basis}"
    if receipt.due_provisional:
        return f"办结期限：{receipt.due.isoformat()}（{provisional_note(receipt.due_provisional_years)}）"
    return f"办结期限：{receipt.due.isoformat()}（{receipt.time_limit_days} 个工作日）"


def case_view(state: FormState, receipt: Receipt | None = None) -> CaseView:
    """The applicant's view of ``state``, built from nothing else (and ``receipt`` once accepted)."""
    form, values = state.form, state.values

    def current(key: str) -> str:
        value = values.get(key, "").strip()
        return "" if key in state.stale and state.stale[key] == value else value

    name_field = form.identity_field("name")
    id_field = form.identity_field("id_number")
    name = current(name_field.key) if name_field is not None else ""
    id_number = current(id_field.key) if id_field is not None else ""
    fields = tuple(ShownField(f.label, display_value(f, value), f.key) for f in shown_fields(form)
                   for value in (current(f.key),) if value)
    materials: list[ShownMaterial] = []
    for material in form.materials:
        pages = state.pages.get(material.key, 0)
        if pages:
            materials.append(ShownMaterial(material.name, "captured", pages))
        elif not material.is_required(values):
            continue  # not asked for in this situation (an authorisation without an agent)
        elif material.key in state.waived:
            materials.append(ShownMaterial(material.name, "waived"))
        else:
            materials.append(ShownMaterial(material.name, "missing"))
    return CaseView(
        item_name=state.item_name, applicant_name=name,
        applicant_id_masked=mask_id_number(id_number) if id_number else "",
        fields=fields, materials=tuple(materials),
        acting_for=acting_for({k: current(k) for k in values}, form),
        receipt_no=receipt.receipt_no if receipt is not None else None,
        due=due_line(receipt) if receipt is not None else None)


def item_materials(form: FormDef, item: ServiceItem) -> tuple[str, ...]:
    """The materials the item's guide lists, each with when it applies, as lines for the applicant."""
    lines = []
    for entry in guide_for(form, item).section("materials").entries:
        if entry.basis == MATERIALS_ARTICLE or entry.text.startswith("本事项定义未列"):
            continue  # the guide's closing note on legal bases, not a material
        lines.append(entry.text + (f"（{entry.condition}）" if entry.condition else ""))
    return tuple(lines)


def welcome_view(office_name: str, form: FormDef | None = None, item: ServiceItem | None = None) -> WelcomeView:
    """The welcome between applicants; with the item the clerk has chosen, its materials from its guide."""
    office = office_name.strip() or "社会保险经办机构"
    if form is None or item is None:
        return WelcomeView(office)
    return WelcomeView(office, item_name=item.name, item_materials=item_materials(form, item))


def customer_view(state: FormState | None, office_name: str, item: ServiceItem | None = None,
                  receipt: Receipt | None = None) -> CustomerView:
    """What the screen shows for the open form: the welcome until a person's data is in it, then the case."""
    if state is None or not state.started():
        return welcome_view(office_name, state.form if state is not None else None, item)
    return case_view(state, receipt)


# -- the 好差评 rating the applicant gives on this screen (``app/ui/rating_panel.py`` shows it) ----------
def rating_levels() -> tuple[tuple[int, str], ...]:
    """The five levels with their words, best first (``protocol.ratings``, shared with the central system)."""
    return tuple((int(level), label) for level, label in LEVEL_LABELS.items())


def needs_reason(level: int) -> bool:
    """Whether the level is one of the two lowest, which ask for at least one reason."""
    return any(int(low) == level for low in LOW_LEVELS)


def rating_reasons() -> tuple[tuple[str, str], ...]:
    """The reasons of a poor rating (code, words), in the vocabulary's order."""
    return tuple(LOW_REASONS.items())


def rating_problem(level: int, reasons: list[str]) -> str | None:
    """What is wrong with a rating, in Chinese, or None when it may be stored."""
    return check_rating(level, reasons)
