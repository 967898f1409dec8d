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
from pathlib import Path
from typing import Literal, Self

import pydantic
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from core.errors import ConfigError
from forms.refdata import read_json, resource_file

FieldType = Literal["text", "idnumber", "date", "choice", "phone", "number", "textarea"]
IdentityAttribute = Literal["id_number", "name", "sex", "birth_date", "ethnicity", "address"]

_KEY = r"^[a-z][a-z0-9_]*$"


class _Frozen(BaseModel):
    """Definitions are shared between windows and threads, so they must not be mutated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Frozen):
    """One option: ``value`` is what is stored and sent, ``label`` what the clerk sees."""

    value: str
    label: str


class FieldDef(_Frozen):
    """One input of a form; the validation rules travel with it so the UI needs no special cases."""

    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1)
    type: FieldType
    required: bool = False
    choices: list[Choice] = []
    choices_from: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = None
    pattern_message: str | None = None
    placeholder: str | None = None
    help: str | None = None
    derived_from: str | None = None
    default: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: the identity attribute a card or ID reader fills this field from (id_number, name, sex,
    #: birth_date, ethnicity, address); None: typed by the clerk
    source: IdentityAttribute | None = None

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
        elif self.choices or self.choices_from is not None:
            raise ValueError(f"field {self.key!r}: only choice fields may have choices")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"field {self.key!r}: minimum is greater than maximum")
        if self.derived_from == self.key:
            raise ValueError(f"field {self.key!r} cannot be derived from itself")
        return self


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
    #: the key of a field whose being filled in makes this material required (None: always required)
    required_when: str | None = None
    #: how the counter captures it: pages, or an ID copy (both sides of a card on one A4 page, true size)
    capture: Literal["pages", "id_copy"] = "pages"

    def is_required(self, values: Mapping[str, str]) -> bool:
        return self.required_when is None or bool(values.get(self.required_when, "").strip())


class FormDef(_Frozen):
    """A whole form with its statutory time limit, which the receipt's due date is computed from."""

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    time_limit_working_days: int = Field(ge=1)
    time_limit_basis: str = Field(min_length=1)
    second_approval: bool = False
    sections: list[SectionDef] = Field(min_length=1)
    materials: list[MaterialDef] = []

    def fields(self) -> list[FieldDef]:
        """All fields in display order, for validation and storage that ignore sections."""
        return [field for section in self.sections for field in section.fields]

    @model_validator(mode="after")
    def _keys_and_references(self) -> Self:
        keys = [field.key for field in self.fields()]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"duplicate field keys: {', '.join(duplicates)}")
        for field in self.fields():
            if field.derived_from is not None and field.derived_from not in keys:
                raise ValueError(f"field {field.key!r} is derived from unknown field {field.derived_from!r}")
        material_keys = [material.key for material in self.materials]
        if len(material_keys) != len(set(material_keys)):
            raise ValueError("duplicate material keys")
        for material in self.materials:
            if material.required_when is not None and material.required_when not in keys:
                raise ValueError(f"material {material.key!r} depends on unknown field {material.required_when!r}")
        return self


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


def _parse_form(text: str, origin: str) -> FormDef:
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
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read form definition {path}: {exc}",
                          user_message=f"无法读取表单定义文件：{path}") from exc
    return _parse_form(text, str(path))


def load_form(code: str) -> FormDef:
    """The shipped definition ``resources/forms/<code>.json``."""
    node = resource_file("forms", f"{code}.json")
    try:
        text = node.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"no form definition for {code!r}: {exc}",
                          user_message=f"未找到表单定义：{code}") from exc
    form = _parse_form(text, f"resources/forms/{code}.json")
    if form.code != code:
        raise ConfigError(f"resources/forms/{code}.json declares code {form.code!r}",
                          user_message=f"表单定义文件有误：resources/forms/{code}.json")
    return form


def available_forms() -> list[str]:
    """Codes of all shipped form definitions, sorted, so tools and tests can check every one."""
    folder = resource_file("forms")
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir()
                  if entry.is_file() and entry.name.endswith(".json"))
