"""Form definitions load from resources, and broken definitions are refused with ConfigError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic
import pytest

from core.errors import ConfigError
from forms.definitions import available_forms, load_choices, load_form, load_form_file


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "form.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


TEXT = {"key": "a", "label": "甲", "type": "text"}
ONE = {"value": "1", "label": "一"}


#: every form names its applicant by ID number (the submission is filed under it)
ID = {"key": "id_number", "label": "公民身份号码", "type": "idnumber", "source": "id_number"}
CHOICE = {"key": "c", "label": "类别", "type": "choice", "choices": [ONE, {"value": "2", "label": "二"}]}
MONTH = {"key": "m", "label": "起始年月", "type": "month"}
DAY = {"key": "d", "label": "日期", "type": "date"}


def minimal(*fields: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A valid form around ``fields``; given ``sections`` get the applicant's ID section in front."""
    form: dict[str, Any] = {
        "code": "test_form",
        "name": "测试表单",
        "version": 1,
        "time_limit_working_days": 10,
        "time_limit_basis": "《社会保险经办条例》第六条",
        "sections": [{"title": "基本信息", "fields": [ID, *(list(fields) or [TEXT])]}],
    }
    if top.get("sections"):
        top = {**top, "sections": [{"title": "身份", "fields": [ID]}, *top["sections"]]}
    form.update(top)
    return form


def test_shipped_forms_exist() -> None:
    assert "personal_registration" in available_forms()


@pytest.mark.parametrize("code", available_forms())
def test_every_shipped_form_loads(code: str) -> None:
    form = load_form(code)
    assert form.code == code
    assert form.fields()
    for material in form.materials:
        assert material.legal_basis  # 条例第三十一条: nothing demanded without a legal basis


def test_personal_registration() -> None:
    form = load_form("personal_registration")
    assert form.name == "个人参保登记"
    # v2 added the agent (代办人) section, v3 typed money and dates not in the future, v4 asks an employee for
    # the employer and the date work began, a flexible worker for the base, and a named agent in full; v5 takes
    # the standard agent part (issue 19: the agent's ID copy, no authorisation for a guardian), v6 registers a
    # person without an employer's code as a flexible worker and leaves the base to the payment (seed 004);
    # the applicant signs (issue 19)
    assert form.version == 6
    assert form.time_limit_working_days == 10
    assert form.time_limit_basis == "《社会保险经办条例》第六条"
    titles = [section.title for section in form.sections]
    assert titles == ["身份信息", "联系信息", "参保信息", "代办人（本人无法到场时填写）"]
    assert [section.role for section in form.sections] == ["applicant", "applicant", "applicant", "agent"]
    fields = {f.key: f for f in form.fields()}
    assert list(fields) == [
        "id_type", "id_number", "name", "sex", "birth_date", "ethnicity",
        "phone", "household_address", "address", "household_type",
        "insured_category", "employer_code", "work_start_date", "contribution_base",
        "agent_name", "agent_id_number", "agent_relation", "agent_phone",
    ]
    # which identity attribute a card or ID reader fills each field from
    assert {k: f.source for k, f in fields.items() if f.source} == {
        "id_number": "id_number", "name": "name", "sex": "sex", "birth_date": "birth_date",
        "ethnicity": "ethnicity", "household_address": "address",
        "agent_name": "name", "agent_id_number": "id_number",
    }
    assert not any(fields[k].required for k in ("agent_name", "agent_id_number", "agent_relation", "agent_phone"))
    assert fields["id_type"].default == "01"
    assert fields["id_type"].choices[0].label == "居民身份证"
    assert fields["id_number"].type == "idnumber" and fields["id_number"].required
    assert fields["name"].required and fields["name"].max_length == 30
    assert fields["sex"].derived_from == "id_number"
    assert {c.value for c in fields["sex"].choices} == {"male", "female"}
    assert fields["birth_date"].derived_from == "id_number" and fields["birth_date"].type == "date"
    assert fields["ethnicity"].choices_from == "ethnicities" and fields["ethnicity"].required
    assert fields["phone"].type == "phone" and fields["phone"].required
    assert fields["address"].required and not fields["household_address"].required
    assert [c.label for c in fields["household_type"].choices] == ["城镇", "农村"]
    assert [c.label for c in fields["insured_category"].choices] == ["单位职工", "灵活就业人员"]
    assert fields["insured_category"].required and not fields["employer_code"].required
    assert fields["contribution_base"].type == "money" and fields["contribution_base"].minimum == 0
    # the ID, then the standard agent materials (issue 19): the agent's ID copy, the authorisation, a guardianship
    assert [m.key for m in form.materials] == ["identity_document", "agent_identity_document", "authorisation",
                                               "guardianship_proof"]
    assert "第三十一条" in form.materials[0].legal_basis
    assert "第三十条" in form.materials[2].legal_basis


def test_load_form_file_accepts_a_valid_file(tmp_path: Path) -> None:
    form = load_form_file(write(tmp_path, minimal()))
    assert form.code == "test_form"
    # every definition that does not opt out gets the standard agent section (issue 19)
    assert [f.key for f in form.fields()] == ["id_number", "a", "agent_name", "agent_id_number", "agent_relation",
                                             "agent_phone"]


GOOD = {
    "no statutory limit": minimal(time_limit_working_days=None,
                                  time_limit_basis="《社会保险经办条例》第十九条（未规定办理天数）"),
    "required when filled": minimal(TEXT, {**DAY, "required_when": "a"}),
    "required when a choice": minimal(CHOICE, {**TEXT, "required_when": {"field": "c", "in": ["2"]}}),
    "material when a choice": minimal(CHOICE, materials=[
        {"key": "proof", "name": "证明", "legal_basis": "第六条", "required_when": {"field": "c", "in": ["1"]}}]),
    "order check": minimal(MONTH, {**MONTH, "key": "n"}, checks=[
        {"earlier": "m", "later": "n", "message": "结束年月不能早于起始年月"}]),
    "not in the future": minimal({**DAY, "not_future": True}, {**MONTH, "not_future": True}),
    "money and integer": minimal({**TEXT, "type": "money", "minimum": 0}, {**TEXT, "key": "b", "type": "integer"}),
}


@pytest.mark.parametrize("data", GOOD.values(), ids=GOOD.keys())
def test_good_definitions_load(tmp_path: Path, data: Any) -> None:
    form = load_form_file(write(tmp_path, data))
    assert form.identity_field("id_number") == form.field("id_number")


def test_definitions_are_frozen() -> None:
    form = load_form("personal_registration")
    with pytest.raises(pydantic.ValidationError):
        form.__setattr__("name", "x")


BAD = {
    "duplicate keys": minimal({"key": "a", "label": "甲", "type": "text"},
                              {"key": "a", "label": "乙", "type": "text"}),
    "duplicate keys across sections": minimal(sections=[
        {"title": "一", "fields": [{"key": "a", "label": "甲", "type": "text"}]},
        {"title": "二", "fields": [{"key": "a", "label": "乙", "type": "date"}]},
    ]),
    "unknown derived_from": minimal({**TEXT, "derived_from": "id_number"}),
    "derived from itself": minimal({"key": "a", "label": "甲", "type": "text", "derived_from": "a"}),
    "unknown type": minimal({"key": "a", "label": "甲", "type": "email"}),
    "choice without choices": minimal({"key": "a", "label": "甲", "type": "choice"}),
    "choices on a text field": minimal({"key": "a", "label": "甲", "type": "text",
                                        "choices": [{"value": "1", "label": "一"}]}),
    "duplicate choice values": minimal({"key": "a", "label": "甲", "type": "choice",
                                        "choices": [ONE, {"value": "1", "label": "壹"}]}),
    "default not a choice": minimal({"key": "a", "label": "甲", "type": "choice", "default": "2",
                                     "choices": [{"value": "1", "label": "一"}]}),
    "unknown choices_from": minimal({"key": "a", "label": "甲", "type": "choice", "choices_from": "planets"}),
    "unknown attribute": minimal({"key": "a", "label": "甲", "type": "text", "colour": "red"}),
    "bad regex": minimal({"key": "a", "label": "甲", "type": "text", "pattern": "[a-"}),
    "minimum above maximum": minimal({**TEXT, "type": "number", "minimum": 5, "maximum": 1}),
    "bad key": minimal({"key": "Bad Key", "label": "甲", "type": "text"}),
    "no sections": minimal(sections=[]),
    "missing time limit": {k: v for k, v in minimal().items() if k != "time_limit_working_days"},
    "duplicate materials": minimal(materials=[
        {"key": "id", "name": "居民身份证", "legal_basis": "第六条"},
        {"key": "id", "name": "社会保障卡", "legal_basis": "第六条"},
    ]),
    "material without legal basis": minimal(materials=[{"key": "id", "name": "居民身份证"}]),
    "zero time limit": minimal(time_limit_working_days=0),
    "no limit and no basis": minimal(time_limit_working_days=None, time_limit_basis=""),
    "no applicant ID number": {**minimal(), "sections": [{"title": "基本信息", "fields": [TEXT]}]},
    "applicant ID that is text": minimal(TEXT, sections=None) | {
        "sections": [{"title": "甲", "fields": [{**ID, "type": "text"}]}]},
    "required twice": minimal({**TEXT, "required": True, "required_when": "id_number"}),
    "condition on unknown field": minimal({**TEXT, "required_when": "nowhere"}),
    "condition value not offered": minimal(CHOICE, {**TEXT, "required_when": {"field": "c", "in": ["9"]}}),
    "empty condition values": minimal(CHOICE, {**TEXT, "required_when": {"field": "c", "in": []}}),
    "material condition unknown": minimal(materials=[
        {"key": "p", "name": "证明", "legal_basis": "第六条", "required_when": {"field": "zz"}}]),
    "not_future on text": minimal({**TEXT, "not_future": True}),
    "minimum on text": minimal({**TEXT, "minimum": 1}),
    "order check unknown field": minimal(MONTH, checks=[{"earlier": "m", "later": "zz", "message": "x"}]),
    "order check month against date": minimal(MONTH, DAY, checks=[{"earlier": "m", "later": "d", "message": "x"}]),
    "order check on text": minimal(TEXT, {**TEXT, "key": "b"}, checks=[{"earlier": "a", "later": "b", "message": "x"}]),
    "panel without its fields": minimal(panel="retirement"),
    "unknown panel": minimal(panel="weather"),
    "derived from ID without attribute": minimal({**TEXT, "key": "s", "derived_from": "id_number"}),
    "not an object": [1, 2, 3],
}


@pytest.mark.parametrize("data", BAD.values(), ids=BAD.keys())
def test_bad_definitions_are_rejected(tmp_path: Path, data: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        load_form_file(write(tmp_path, data))
    assert caught.value.user_message.startswith("表单定义文件有误")


def test_not_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "form.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_form_file(path)


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_form_file(tmp_path / "absent.json")


@pytest.mark.parametrize("code", ["no_such_form", "../service_items", "forms/x", ""])
def test_load_form_unknown_or_unsafe_code(code: str) -> None:
    with pytest.raises(ConfigError):
        load_form(code)


def test_load_choices_ethnicities() -> None:
    choices = load_choices("ethnicities")
    assert len(choices) == 58
    assert (choices[0].value, choices[0].label) == ("01", "汉族")
    assert (choices[55].value, choices[55].label) == ("56", "基诺族")
    assert [(c.value, c.label) for c in choices[56:]] == [("97", "其他"), ("98", "外国血统中国籍人士")]
    assert [c.value for c in choices[:56]] == [f"{n:02d}" for n in range(1, 57)]
    assert len({c.label for c in choices}) == 58


def test_load_choices_regions() -> None:
    regions = {c.value: c.label for c in load_choices("regions")}
    assert len(regions) == 34
    assert regions["61"] == "陕西省"
    assert regions["71"] == "台湾省"
    assert regions["81"] == "香港特别行政区"
    assert regions["82"] == "澳门特别行政区"


@pytest.mark.parametrize("name", ["no_such_list", "../pyproject", "service_items"])
def test_load_choices_rejects_unknown_or_unsuitable(name: str) -> None:
    with pytest.raises(ConfigError):
        load_choices(name)


def test_loaded_form_carries_its_choice_lists() -> None:
    """Validation on every keystroke must not read files: lists are resolved at load."""
    from forms.definitions import load_choices, load_form

    field = next(f for f in load_form("personal_registration").fields() if f.key == "ethnicity")
    assert field.choices_from == "ethnicities"
    assert field.choices == load_choices("ethnicities")
    assert any(c.label == "汉族" for c in field.choices)
