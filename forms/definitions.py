"""Form definitions as data.

Which fields a service item asks for, and which materials it may demand, change with policy; the
central system can send new definitions. So forms are JSON files in ``resources/forms/`` described
by these models, and the UI renders whatever they say. Definitions are checked when loaded (unique
keys, choices present, derivations pointing at real fields) so that a broken file is rejected at
the door with a ``ConfigError`` rather than failing while a clerk is serving someone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal, Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from core.errors import ConfigError
from core.files import FORM_LIMIT, FileRefused, read_text_bounded
from forms import agent_section
from forms.refdata import read_json, resource_file

FieldType = Literal["text", "idnumber", "uscc", "date", "month", "choice", "phone", "number", "integer", "money",
                    "textarea"]
#: the rule panel a form shows beside its fields, and the field keys each panel reads
PanelKind = Literal["retirement", "survivor"]
PANEL_FIELDS: dict[str, tuple[str, ...]] = {
    "retirement": ("birth_date", "sex", "insured_category", "female_post", "retirement_type", "retirement_month",
                   "contribution_months", "deemed_contribution_months", "avg_contribution_index",
                   "account_balance"),
    "survivor": ("death_date", "death_cause", "was_pensioner", "pension_months", "contribution_months",
                 "pension_paid_until", "monthly_pension"),
}
#: the field types an order check may compare (ISO text of both sorts in time order)
_ORDERED_TYPES = ("date", "month")
IdentityAttribute = Literal["id_number", "name", "sex", "birth_date", "ethnicity", "address"]

_KEY = r"^[a-z][a-z0-9_]*$"

# Numbers in a definition have domains (issue 17): a definition comes from a file or from the central
# system, and whatever it says is stored, compared and sent. The version is stored by the central
# system in a 32-bit column; the rest are far beyond any real form and far from float trouble.
#: the largest version a definition may carry (PostgreSQL ``integer``)
VERSION_MAX = 2**31 - 1
#: a statutory time limit: a year of working days is beyond any the regulations set (at most 60)
TIME_LIMIT_MAX = 365
#: a field's longest text (an address, a free-text reason)
MAX_LENGTH_MAX = 10_000
#: bounds and thresholds of number and money fields: a trillion is beyond any amount a counter sees
NUMBER_BOUND = 10**12


class _Frozen(BaseModel):
    """Definitions are shared between windows and threads, so they must not be mutated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Frozen):
    """One option: ``value`` is what is stored and sent, ``label`` what the clerk sees."""

    value: str
    label: str


class Condition(_Frozen):
    """When something applies: ``field`` is filled in, has one of these values (``in``), or, for a
    number or money field, is greater than ``above``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    field: str = Field(pattern=_KEY)
    values: list[str] | None = Field(default=None, alias="in", min_length=1)
    above: Decimal | None = Field(default=None, ge=-NUMBER_BOUND, le=NUMBER_BOUND, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        if self.values is not None and self.above is not None:
            raise ValueError(f"condition on {self.field!r}: give 'in' or 'above', not both")
        return self

    def holds(self, values: Mapping[str, str]) -> bool:
        value = values.get(self.field, "").strip()
        if self.above is not None:
            try:
                number = Decimal(value)
            except InvalidOperation:
                return False  # an unreadable amount is refused by validation, not decided here
            return number.is_finite() and number > self.above
        return bool(value) if self.values is None else value in self.values

    def describe(self) -> str:
        """For error messages about the definition itself."""
        if self.above is not None:
            return f"{self.field} > {self.above}"
        return self.field if self.values is None else f"{self.field} in {self.values}"


class AllOf(_Frozen):
    """Every one of these holds: a woman *and* an enterprise employee must say which post she held."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    conditions: list[Condition] = Field(alias="all", min_length=1)

    def holds(self, values: Mapping[str, str]) -> bool:
        return all(condition.holds(values) for condition in self.conditions)

    def describe(self) -> str:
        return " and ".join(condition.describe() for condition in self.conditions)


class AnyOf(_Frozen):
    """At least one of these holds: any agent field filled in means an agent is named."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    conditions: list[Condition] = Field(alias="any", min_length=1)

    def holds(self, values: Mapping[str, str]) -> bool:
        return any(condition.holds(values) for condition in self.conditions)

    def describe(self) -> str:
        return " or ".join(condition.describe() for condition in self.conditions)


#: when a field is required or shown, or a material required: one condition, or all or any of several
#: (kept flat, one level, so that a definition stays readable and the check at load stays simple)
When = Condition | AllOf | AnyOf


def condition_parts(when: When) -> list[Condition]:
    """The simple conditions a rule is made of (for readers such as a guide page that list them)."""
    return [when] if isinstance(when, Condition) else when.conditions


def _condition(value: object) -> object:
    """A bare field key is shorthand for "when that field is filled in", in a list of conditions too."""
    if isinstance(value, str):
        return {"field": value}
    if isinstance(value, dict):
        for word in ("all", "any"):
            if isinstance(value.get(word), list):
                return {**value, word: [{"field": item} if isinstance(item, str) else item
                                        for item in value[word]]}
    return value


class FieldDef(_Frozen):
    """One input of a form; the validation rules travel with it so the UI needs no special cases."""

    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1)
    type: FieldType
    required: bool = False
    choices: list[Choice] = []
    choices_from: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")
    max_length: int | None = Field(default=None, ge=1, le=MAX_LENGTH_MAX)
    pattern: str | None = None
    pattern_message: str | None = None
    placeholder: str | None = None
    help: str | None = None
    derived_from: str | None = None
    default: str | None = None
    minimum: float | None = Field(default=None, ge=-NUMBER_BOUND, le=NUMBER_BOUND, allow_inf_nan=False)
    maximum: float | None = Field(default=None, ge=-NUMBER_BOUND, le=NUMBER_BOUND, allow_inf_nan=False)
    #: the identity attribute a card or ID reader fills this field from (id_number, name, sex,
    #: birth_date, ethnicity, address); None: typed by the clerk. A field derived from an ID
    #: number takes this attribute of that number (sex or birth_date).
    source: IdentityAttribute | None = None
    #: required only while this holds (e.g. the months of pension drawn, when the deceased drew one)
    required_when: When | None = None
    #: shown (and read) only while this holds; a hidden field counts as empty everywhere, so a value
    #: typed before the situation changed is neither validated, nor sent, nor used by a rule panel
    shown_when: When | None = None
    #: a date or month that cannot lie in the future (a death, an event already reported)
    not_future: bool = False
    #: starts as a copy of this other field once a card filled it (常住地址 from the ID card's 户籍地址):
    #: a suggestion the clerk sees and may change, never locked. Only for values no benefit depends on.
    suggest_from: str | None = Field(default=None, pattern=_KEY)
    #: a choice's answer when nothing typed implies another (``forms/suggest.implied_choices``): a person
    #: registering at the counter without naming an employer registers as 灵活就业人员; typing 单位编号
    #: implies 单位职工 instead. Shown on the form, the customer screen and the receipt; the clerk may change it.
    implied_default: str | None = None

    @field_validator("required_when", "shown_when", mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        return _condition(value)

    def is_required(self, values: Mapping[str, str]) -> bool:
        if not self.is_shown(values):
            return False
        return self.required or (self.required_when is not None and self.required_when.holds(values))

    def is_shown(self, values: Mapping[str, str]) -> bool:
        return self.shown_when is None or self.shown_when.holds(values)

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.type == "choice":
            if not self.choices and self.choices_from is None:
                raise ValueError(f"choice field {self.key!r} needs choices or choices_from")
            if self.choices and self.choices_from is not None:
                raise ValueError(f"field {self.key!r}: give choices or choices_from, not both")
            values = [choice.value for choice in self.choices]
            if len(values) != len(set(values)):
                raise ValueError(f"field {self.key!r} has duplicate choice values")
            if self.choices and self.default is not None and self.default not in values:
                raise ValueError(f"field {self.key!r}: default {self.default!r} is not a choice")
            if self.implied_default is not None and self.choices and self.implied_default not in values:
                raise ValueError(f"field {self.key!r}: implied_default {self.implied_default!r} is not a choice")
        elif self.implied_default is not None:
            raise ValueError(f"field {self.key!r}: only choice fields may have implied_default")
        elif self.choices or self.choices_from is not None:
            raise ValueError(f"field {self.key!r}: only choice fields may have choices")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"field {self.key!r}: minimum is greater than maximum")
        if self.derived_from == self.key:
            raise ValueError(f"field {self.key!r} cannot be derived from itself")
        if self.required and self.required_when is not None:
            raise ValueError(f"field {self.key!r}: required and required_when exclude each other")
        if self.not_future and self.type not in _ORDERED_TYPES:
            raise ValueError(f"field {self.key!r}: not_future applies to dates and months only")
        if self.type in ("number", "integer", "money") or (self.minimum is None and self.maximum is None):
            return self
        raise ValueError(f"field {self.key!r}: minimum and maximum apply to numbers only")


class SectionDef(_Frozen):
    """A titled group of fields, shown as one block on screen and on the receipt."""

    title: str = Field(min_length=1)
    fields: list[FieldDef]
    #: whose identity a device read fills into this section: the applicant's, or an agent's (代办人)
    role: Literal["applicant", "agent"] = "applicant"


class MaterialDef(_Frozen):
    """A document the applicant must show; ``legal_basis`` is mandatory (条例第三十一条)."""

    key: str = Field(pattern=_KEY)
    name: str = Field(min_length=1)
    legal_basis: str = Field(min_length=1)
    #: when this material is required: a field key (required when filled) or a condition; None: always
    required_when: When | None = None
    #: how the counter captures it: pages, or an ID copy (both sides of a card on one A4 page, true size)
    capture: Literal["pages", "id_copy"] = "pages"

    @field_validator("required_when", mode="before")
    @classmethod
    def _shorthand(cls, value: object) -> object:
        return _condition(value)

    def is_required(self, values: Mapping[str, str]) -> bool:
        return self.required_when is None or self.required_when.holds(values)


class OrderCheck(_Frozen):
    """Two dates or months that must come in order (a refund period that ends after it starts)."""

    earlier: str = Field(pattern=_KEY)
    later: str = Field(pattern=_KEY)
    #: shown at the later field, in Chinese
    message: str = Field(min_length=1)
    #: whether both may be the same day or month
    allow_equal: bool = True


#: how many signatures a case needs before it is sent (分级审核, 条例第三十七条; 个人权益记录管理办法第七条):
#: none; 复核 by a second clerk; 复核 and then 审批 by a third
ReviewTier = Literal["none", "review", "review_approval"]
#: whether an item's case is signed by the applicant or agent at the counter (issue 19)
SignatureNeed = Literal["required", "none"]
TIER_RANK: Mapping[str, int] = {"none": 0, "review": 1, "review_approval": 2}
TIER_LABELS: Mapping[str, str] = {"none": "无需复核", "review": "复核", "review_approval": "复核＋审批"}


class TierRaise(_Frozen):
    """A condition that raises a case's review tier (a refund above an amount, a change of ID number)."""

    tier: Literal["review", "review_approval"]
    when: Condition
    #: why, in Chinese, shown to the clerk and the reviewer
    reason: str = Field(min_length=1)


class ReviewDef(_Frozen):
    """The review a form's cases need: a base tier and the conditions that raise it."""

    tier: ReviewTier = "none"
    raised_when: list[TierRaise] = []

    def tier_for(self, values: Mapping[str, str]) -> ReviewTier:
        """The tier this case needs: the highest of the base tier and every raise that holds."""
        tier: ReviewTier = self.tier
        for rule in self.raised_when:
            if rule.when.holds(values) and TIER_RANK[rule.tier] > TIER_RANK[tier]:
                tier = rule.tier
        return tier

    def reasons(self, values: Mapping[str, str]) -> list[str]:
        """The reasons of every raise that holds, for the clerk and the reviewer."""
        return [rule.reason for rule in self.raised_when if rule.when.holds(values)]


class AgentDef(_Frozen):
    """How a form's agent (代办人) part differs from the standard one (``forms.agent_section``).

    ``authorisation_exempt``: relations whose agent needs no 授权委托书 (a 监护人 acts by law and shows the
    guardianship instead). ``relations``: the relations offered, when not all (a unit's agent is no
    spouse). ``acts_for``: the field naming whom the agent acts for, when not the applicant's name (the
    unit's name). ``allowed: false``: the item must be done in person.
    """

    allowed: bool = True
    relations: list[str] | None = Field(default=None, min_length=1)
    authorisation_exempt: list[str] = []
    acts_for: str | None = Field(default=None, pattern=_KEY)

    @field_validator("relations", "authorisation_exempt")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        unknown = [item for item in value or [] if item not in agent_section.RELATIONS]
        if unknown:
            raise ValueError(f"unknown agent relations: {unknown}")
        return value


class FormDef(_Frozen):
    """A whole form with its statutory time limit, which the receipt's due date is computed from.

    ``time_limit_working_days`` is None where the regulation sets no day count (e.g. Art. 19: survivor
    benefits are checked "及时"); the basis then says so, and the receipt prints no due date rather
    than an invented one.
    """

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    version: int = Field(ge=1, le=VERSION_MAX)
    time_limit_working_days: int | None = Field(ge=1, le=TIME_LIMIT_MAX)
    time_limit_basis: str = Field(min_length=1)
    review: ReviewDef = ReviewDef()
    sections: list[SectionDef] = Field(min_length=1)
    materials: list[MaterialDef] = []
    checks: list[OrderCheck] = []
    panel: PanelKind | None = None
    agent: AgentDef = AgentDef()

    @model_validator(mode="before")
    @classmethod
    def _standard_agent(cls, data: object) -> object:
        """Every definition that does not opt out gets the standard agent section and materials."""
        if isinstance(data, dict):
            return agent_section.with_standard_agent(data)
        return data
    #: whether the applicant (or the agent acting for them) signs the case at the counter before it is
    #: submitted (issue 19): "required" for items where the person declares facts or applies for a benefit
    signature: SignatureNeed = "none"

    @property
    def needs_signature(self) -> bool:
        """The case cannot be submitted without the signer's signature (``app.signature``)."""
        return self.signature == "required"

    @model_validator(mode="before")
    @classmethod
    def _legacy_second_approval(cls, data: object) -> object:
        """Definitions from before tiers said ``second_approval: true``: that is the 复核 tier."""
        if isinstance(data, dict) and "second_approval" in data:
            data = dict(data)
            second = data.pop("second_approval")
            if "review" in data:
                raise ValueError("give review or the older second_approval, not both")
            if second is True:
                data["review"] = {"tier": "review"}
            elif second is not False:
                raise ValueError("second_approval must be true or false")
        return data

    def review_tier(self, values: Mapping[str, str]) -> ReviewTier:
        """The review tier a case of this form with these values needs."""
        return self.review.tier_for(values)

    def fields(self) -> list[FieldDef]:
        """All fields in display order, for validation and storage that ignore sections."""
        return [field for section in self.sections for field in section.fields]

    def field(self, key: str) -> FieldDef:
        return next(field for field in self.fields() if field.key == key)

    def identity_field(self, attribute: IdentityAttribute, role: str = "applicant") -> FieldDef | None:
        """The field holding a person's identity attribute (the applicant's ID number, an agent's name)."""
        return next((field for section in self.sections if section.role == role for field in section.fields
                     if field.source == attribute and field.derived_from is None), None)

    @model_validator(mode="after")
    def _keys_and_references(self) -> Self:
        keys = [field.key for field in self.fields()]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"duplicate field keys: {', '.join(duplicates)}")
        by_key = {field.key: field for field in self.fields()}
        for field in self.fields():
            if field.suggest_from is not None and field.suggest_from not in by_key:
                raise ValueError(f"field {field.key!r} suggests from unknown field {field.suggest_from!r}")
            if field.derived_from is not None:
                source = by_key.get(field.derived_from)
                if source is None:
                    raise ValueError(f"field {field.key!r} is derived from unknown field {field.derived_from!r}")
                if source.type == "idnumber" and field.source not in ("sex", "birth_date"):
                    raise ValueError(f"field {field.key!r}: a field derived from an ID number needs "
                                     "source sex or birth_date")
            if field.required_when is not None:
                self._check_condition(f"field {field.key!r}", field.required_when, by_key)
            if field.shown_when is not None:
                self._check_condition(f"field {field.key!r}", field.shown_when, by_key)
                hidden = [c.field for c in condition_parts(field.shown_when) if by_key[c.field].shown_when is not None]
                if hidden:  # one pass decides what is shown: no chains of hidden fields
                    raise ValueError(f"field {field.key!r} is shown depending on hidden field {hidden[0]!r}")
        material_keys = [material.key for material in self.materials]
        if len(material_keys) != len(set(material_keys)):
            raise ValueError("duplicate material keys")
        for material in self.materials:
            if material.required_when is not None:
                self._check_condition(f"material {material.key!r}", material.required_when, by_key)
        for rule in self.review.raised_when:
            self._check_condition("review raise", rule.when, by_key)
        for check in self.checks:
            kinds = {by_key[k].type if k in by_key else None for k in (check.earlier, check.later)}
            if None in kinds:
                raise ValueError(f"order check names an unknown field: {check.earlier!r}, {check.later!r}")
            if len(kinds) != 1 or not kinds <= set(_ORDERED_TYPES):
                raise ValueError(f"order check {check.earlier!r} < {check.later!r}: both must be dates or both months")
        if self.agent.acts_for is not None and self.agent.acts_for not in by_key:
            raise ValueError(f"agent acts_for names unknown field {self.agent.acts_for!r}")
        if not self.agent.allowed and any(section.role == "agent" for section in self.sections):
            raise ValueError("a form without agents (agent.allowed false) cannot have an agent section")
        applicant_id = self.identity_field("id_number")
        if applicant_id is None or applicant_id.type != "idnumber":
            raise ValueError("the applicant's section needs an idnumber field with source id_number")
        if self.panel is not None:
            missing = [key for key in PANEL_FIELDS[self.panel] if key not in by_key]
            if missing:
                raise ValueError(f"panel {self.panel!r} needs fields: {', '.join(missing)}")
        return self

    @staticmethod
    def _check_condition(owner: str, when: When, by_key: Mapping[str, FieldDef]) -> None:
        for condition in condition_parts(when):
            FormDef._check_one(owner, condition, by_key)

    @staticmethod
    def _check_one(owner: str, condition: Condition, by_key: Mapping[str, FieldDef]) -> None:
        target = by_key.get(condition.field)
        if target is None:
            raise ValueError(f"{owner} depends on unknown field {condition.field!r}")
        if condition.values is not None and target.type == "choice" and target.choices:
            known = {choice.value for choice in target.choices}
            unknown = [value for value in condition.values if value not in known]
            if unknown:
                raise ValueError(f"{owner}: {condition.describe()} names values {target.key!r} does not offer")
        if condition.above is not None and target.type not in ("number", "integer", "money"):
            raise ValueError(f"{owner}: {condition.describe()} compares a field that is not a number")


_CHOICES = TypeAdapter(list[Choice] | dict[str, str])


def load_choices(name: str) -> list[Choice]:
    """Options kept in ``resources/<name>.json`` (e.g. ``ethnicities``, ``regions``).

    The file is either a list of ``{"value", "label"}`` objects or a ``{value: label}`` mapping.
    """
    data = read_json(f"{name}.json")
    try:
        parsed = _CHOICES.validate_python(data)
    except pydantic.ValidationError as exc:
        raise ConfigError(f"resources/{name}.json is not a choice list: {exc}",
                          user_message=f"选项数据文件格式错误：resources/{name}.json") from exc
    if isinstance(parsed, dict):
        return [Choice(value=value, label=label) for value, label in parsed.items()]
    return parsed


def parse_form(text: str, origin: str) -> FormDef:
    try:
        form = FormDef.model_validate_json(text)
    except pydantic.ValidationError as exc:
        raise ConfigError(f"invalid form definition {origin}: {exc}",
                          user_message=f"表单定义文件有误：{origin}") from exc
    return _resolve_choices(form, origin)


def _resolve_choices(form: FormDef, origin: str) -> FormDef:
    """Fill each ``choices_from`` list into the field once, at load.

    A broken list fails now, not when the clerk opens it, and validation on
    every keystroke never reads a file. ``choices_from`` stays for provenance.
    """
    sections = []
    for section in form.sections:
        fields = []
        for field in section.fields:
            if field.choices_from is not None:
                try:
                    field = field.model_copy(update={"choices": load_choices(field.choices_from)})
                except ConfigError as exc:
                    raise ConfigError(
                        f"invalid form definition {origin}: field {field.key!r}: {exc.detail}",
                        user_message=f"表单定义文件有误：{origin}（{field.label}的选项数据不可用）",
                    ) from exc
            fields.append(field)
        sections.append(section.model_copy(update={"fields": fields}))
    return form.model_copy(update={"sections": sections})


def load_form_file(path: Path) -> FormDef:
    """A form definition from any file, e.g. one just received from the central system."""
    return parse_form(read_text_bounded(path, FORM_LIMIT, "表单定义文件"), str(path))


def load_form(code: str) -> FormDef:
    """The shipped definition ``resources/forms/<code>.json``."""
    node = resource_file("forms", f"{code}.json")
    try:
        text = read_text_bounded(node, FORM_LIMIT, "表单定义文件")
    except FileRefused as exc:
        missing = exc.problem == "文件不存在"
        raise ConfigError(f"no usable form definition for {code!r}: {exc.detail}",
                          user_message=(f"未找到表单定义：{code}" if missing
                                        else f"表单定义文件无法使用：resources/forms/{code}.json（{exc.problem}）"),
                          hint=exc.hint) from exc
    form = parse_form(text, f"resources/forms/{code}.json")
    if form.code != code:
        raise ConfigError(f"resources/forms/{code}.json declares code {form.code!r}",
                          user_message=f"表单定义文件有误：resources/forms/{code}.json")
    return form


def available_forms() -> list[str]:
    """Codes of all shipped form definitions, sorted, so tools and tests can check every one."""
    folder = resource_file("forms")
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir()
                  if entry.is_file() and entry.name.endswith(".json"))


def weakenings(old: FormDef, new: FormDef) -> list[str]:
    """What a new definition of a form gives up against the old one, in Chinese; empty if nothing.

    A reference update that lowers a review tier, drops a raise, drops or loosens a required
    material, or no longer asks for the applicant's signature takes effect only after an administrator
    confirms it (issue 16): whoever answers as the
    central system must not be able to switch a safeguard off silently.
    """
    found: list[str] = []
    if TIER_RANK[new.review.tier] < TIER_RANK[old.review.tier]:
        found.append(f"审核级别由“{TIER_LABELS[old.review.tier]}”降为“{TIER_LABELS[new.review.tier]}”")
    kept_raises = {(r.tier, r.when) for r in new.review.raised_when}
    for rule in old.review.raised_when:
        if (rule.tier, rule.when) not in kept_raises:
            found.append(f"取消了提高审核级别的条件：{rule.reason}")
    new_materials = {m.key: m for m in new.materials}
    for material in old.materials:
        replacement = new_materials.get(material.key)
        if replacement is None:
            found.append(f"删除了材料“{material.name}”")
        elif material.required_when is None and replacement.required_when is not None:
            found.append(f"材料“{material.name}”由必交改为按条件提交")
        elif material.required_when is not None and replacement.required_when not in (None, material.required_when):
            found.append(f"材料“{material.name}”的提交条件改变")
    exempted = [value for value in new.agent.authorisation_exempt if value not in old.agent.authorisation_exempt]
    if exempted:
        labels = "、".join(agent_section.RELATIONS[value] for value in exempted)
        found.append(f"代办时免交授权委托书的关系增加：{labels}")
    if old.needs_signature and not new.needs_signature:
        found.append("取消了申请人（代办人）签字")
    found.extend(_field_weakenings(old, new))
    return found


def _field_weakenings(old: FormDef, new: FormDef) -> list[str]:
    """Fields that were asked for and no longer are, or under another condition (issue 18: 单位编号 for an
    employee, the agent's ID number are safeguards too)."""
    found: list[str] = []
    new_fields = {field.key: field for field in new.fields()}
    for field in old.fields():
        if not field.required and field.required_when is None:
            continue
        replacement = new_fields.get(field.key)
        if replacement is None:
            found.append(f"删除了必填项“{field.label}”")
        elif field.required and not replacement.required:
            found.append(f"“{field.label}”由必填改为" + ("按条件填写" if replacement.required_when else "选填"))
        elif field.required_when is not None and not replacement.required and (
                replacement.required_when != field.required_when):
            found.append(f"“{field.label}”的必填条件改变" if replacement.required_when else
                         f"“{field.label}”由按条件必填改为选填")
        elif replacement.shown_when is not None and replacement.shown_when != field.shown_when:
            found.append(f"“{field.label}”的显示条件改变")
    return found
