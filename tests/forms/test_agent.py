"""Issue 19 item 5: the whole agent (代办人) flow, pure part - one rule per test.

The standard agent part (``forms.agent_section``) is added to every definition by the loader; the rules
are checked by ``validate_form`` (fields) and ``MaterialDef.is_required`` (materials), the same functions
the window and the submit use case call.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from forms.agent import AGENT_IS_APPLICANT, acting_for, agent_problems
from forms.agent_section import RELATIONS, agent_acts, with_standard_agent
from forms.catalogue import load_catalogue
from forms.definitions import FormDef, available_forms, load_form, parse_form, weakenings
from forms.guide import guide_for
from forms.idnumber import check_character
from forms.refdata import resource_file
from forms.validate import validate_form
from tests.forms.test_required_by_situation import EXAMPLES

TODAY = date(2026, 12, 6)
AGENT_ID = "61020319900708242" + check_character("61020319900708242")
AGENT = {"agent_name": "王小梅", "agent_id_number": AGENT_ID, "agent_relation": "relative",
         "agent_phone": "13709190627"}
REGISTRATION = EXAMPLES["personal_registration"]


def registration() -> FormDef:
    return load_form("personal_registration")


def required_materials(form: FormDef, values: dict[str, str]) -> list[str]:
    return [material.key for material in form.materials if material.is_required(values)]


def shipped_data(code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_file("forms", f"{code}.json").read_text(encoding="utf-8"))
    return data


# -- the agent's ID number ------------------------------------------------------------------------------

def test_an_agent_id_number_typed_wrong_names_the_wrong_character() -> None:
    typed = AGENT_ID[:4] + "O" + AGENT_ID[5:]  # the letter O for a zero, at the fifth place
    found = validate_form(registration(), REGISTRATION | AGENT | {"agent_id_number": typed}, today=TODAY)
    assert list(found) == ["agent_id_number"]
    assert "第5位应为数字" in found["agent_id_number"]


def test_an_agent_id_number_with_a_wrong_check_character_is_refused() -> None:
    typed = AGENT_ID[:-1] + ("0" if AGENT_ID[-1] != "0" else "1")
    found = validate_form(registration(), REGISTRATION | AGENT | {"agent_id_number": typed}, today=TODAY)
    assert list(found) == ["agent_id_number"] and "校验" in found["agent_id_number"]


def test_the_applicant_as_their_own_agent_is_refused() -> None:
    values = REGISTRATION | AGENT | {"agent_id_number": REGISTRATION["id_number"].lower()}
    assert validate_form(registration(), values, today=TODAY) == {"agent_id_number": AGENT_IS_APPLICANT}


def test_the_deceased_as_the_agent_is_refused() -> None:
    form = load_form("death_benefit")
    values = EXAMPLES["death_benefit"] | AGENT | {"agent_id_number": EXAMPLES["death_benefit"]["deceased_id_number"]}
    found = agent_problems(form, values)
    assert list(found) == ["agent_id_number"] and "死亡人员公民身份号码" in found["agent_id_number"]
    assert EXAMPLES["death_benefit"]["deceased_id_number"] not in found["agent_id_number"]


def test_an_agent_without_an_id_number_is_refused() -> None:
    found = validate_form(registration(), REGISTRATION | AGENT | {"agent_id_number": ""}, today=TODAY)
    assert list(found) == ["agent_id_number"]


# -- the relation ---------------------------------------------------------------------------------------

def test_an_agent_without_a_relation_is_refused() -> None:
    found = validate_form(registration(), REGISTRATION | AGENT | {"agent_relation": ""}, today=TODAY)
    assert found == {"agent_relation": "请填写与申请人关系"}


def test_a_relation_not_on_the_list_is_refused() -> None:
    found = validate_form(registration(), REGISTRATION | AGENT | {"agent_relation": "friend"}, today=TODAY)
    assert list(found) == ["agent_relation"]


def test_the_relations_are_the_standard_list_as_data() -> None:
    relation = registration().field("agent_relation")
    assert [(c.value, c.label) for c in relation.choices] == list(RELATIONS.items())
    assert {"配偶", "子女", "父母", "兄弟姐妹", "其他亲属", "监护人", "村（社区）工作人员",
            "单位经办人"} <= set(RELATIONS.values())


# -- the materials --------------------------------------------------------------------------------------

def test_the_authorisation_is_required_for_another_relative() -> None:
    assert "authorisation" in required_materials(registration(), REGISTRATION | AGENT)


def test_the_authorisation_is_not_required_for_an_exempt_relation() -> None:
    form = registration()
    assert form.agent.authorisation_exempt == ["guardian"]
    required = required_materials(form, REGISTRATION | AGENT | {"agent_relation": "guardian"})
    assert "authorisation" not in required
    assert "guardianship_proof" in required  # the guardian shows the guardianship instead


def test_the_guardianship_proof_is_not_asked_of_another_relative() -> None:
    assert "guardianship_proof" not in required_materials(registration(), REGISTRATION | AGENT)


@pytest.mark.parametrize("code", available_forms())
def test_the_agent_id_copy_is_required_when_an_agent_acts(code: str) -> None:
    form = load_form(code)
    [copy] = [m for m in form.materials if m.key == "agent_identity_document"]
    assert copy.capture == "id_copy"
    assert copy.is_required(EXAMPLES[code] | {"agent_name": "王小梅"})
    assert copy.is_required(EXAMPLES[code] | {"agent_id_number": AGENT_ID})


@pytest.mark.parametrize("code", available_forms())
def test_the_agent_id_copy_is_not_required_without_an_agent(code: str) -> None:
    form = load_form(code)
    assert not agent_acts(EXAMPLES[code])
    assert not any(m.is_required(EXAMPLES[code]) for m in form.materials
                   if m.key in ("agent_identity_document", "authorisation", "guardianship_proof"))


# -- the definitions: uniform, by the loader ------------------------------------------------------------

@pytest.mark.parametrize("code", available_forms())
def test_no_shipped_definition_writes_the_agent_part_by_hand(code: str) -> None:
    data = shipped_data(code)
    assert not any(section.get("role") == "agent" for section in data["sections"])
    assert not {m["key"] for m in data["materials"]} & {"agent_identity_document", "authorisation"}
    assert [s.role for s in load_form(code).sections][-1] == "agent"


def test_a_definition_may_opt_out_of_agents() -> None:
    data = shipped_data("personal_registration") | {"agent": {"allowed": False}}
    form = parse_form(json.dumps(data, ensure_ascii=False), "test")
    assert not any(section.role == "agent" for section in form.sections)
    assert not any(m.key.startswith("agent_") or m.key == "authorisation" for m in form.materials)


def test_an_exempt_relation_must_be_a_known_one() -> None:
    from core.errors import ConfigError

    data = shipped_data("personal_registration") | {"agent": {"authorisation_exempt": ["neighbour"]}}
    with pytest.raises(ConfigError):
        parse_form(json.dumps(data, ensure_ascii=False), "test")


def test_a_definition_with_its_own_agent_section_still_gets_the_id_copy() -> None:
    """A definition sent by a central system of before issue 19 carries its own section and authorisation."""
    data = shipped_data("personal_registration")
    section = registration().sections[-1].model_dump(by_alias=True, exclude_none=True)
    old_style = data | {"agent": {}, "sections": [*data["sections"], section], "materials": [
        *data["materials"], {"key": "authorisation", "name": "授权委托书（代办时）", "legal_basis": "《条例》第三十条",
                             "required_when": "agent_name"}]}
    form = parse_form(json.dumps(old_style, ensure_ascii=False), "test")
    assert [m.key for m in form.materials] == ["identity_document", "authorisation", "agent_identity_document"]
    assert form.materials[1].is_required({"agent_name": "王小梅"})  # its own rule kept


def test_adding_the_standard_part_twice_adds_nothing_twice() -> None:
    once = with_standard_agent(shipped_data("personal_registration"))
    assert with_standard_agent(once) == once


def test_exempting_another_relation_counts_as_weakening() -> None:
    old = registration()
    data = shipped_data("personal_registration")
    data["version"] += 1
    data["agent"] = {"authorisation_exempt": ["guardian", "spouse"]}
    new = parse_form(json.dumps(data, ensure_ascii=False), "test")
    found = weakenings(old, new)
    assert "代办时免交授权委托书的关系增加：配偶" in found
    assert any("授权委托书" in text and "条件" in text for text in found)


def test_dropping_the_agent_part_counts_as_weakening() -> None:
    data = shipped_data("personal_registration") | {"agent": {"allowed": False}}
    found = weakenings(registration(), parse_form(json.dumps(data, ensure_ascii=False), "test"))
    assert "删除了材料“代办人居民身份证（代办时）”" in found and "删除了必填项“代办人公民身份号码”" in found


# -- who acted for whom ---------------------------------------------------------------------------------

def test_acting_for_names_agent_relation_and_applicant_with_the_id_masked() -> None:
    text = acting_for(REGISTRATION | AGENT | {"agent_relation": "child"}, registration())
    masked = AGENT_ID[:3] + "*" * 13 + AGENT_ID[-2:]
    assert text == f"代办人 王小梅（子女，证件号码 {masked}）代 {REGISTRATION['name']} 办理"
    assert AGENT_ID not in (text or "")


def test_acting_for_is_none_when_the_applicant_came_in_person() -> None:
    assert acting_for(REGISTRATION, registration()) is None
    assert acting_for(REGISTRATION | dict.fromkeys(AGENT, " "), registration()) is None


def test_acting_for_without_the_id_number() -> None:
    text = acting_for(REGISTRATION | AGENT, registration(), with_id=False)
    assert text == f"代办人 王小梅（其他亲属）代 {REGISTRATION['name']} 办理"


def test_a_units_agent_acts_for_the_unit() -> None:
    values = EXAMPLES["employer_registration"] | AGENT | {"agent_relation": "employer_staff"}
    text = acting_for(values, load_form("employer_registration"), with_id=False)
    assert text == f"代办人 王小梅（单位经办人）代 {values['employer_name']} 办理"


# -- the guide ------------------------------------------------------------------------------------------

def test_the_guide_says_what_an_agent_brings_and_who_is_exempt() -> None:
    item = next(item for item in load_catalogue() if item.form_code == "personal_registration")
    entries = guide_for(registration(), item).section("applicants").entries
    texts = [entry.text for entry in entries]
    assert any("代办人本人的居民身份证或社会保障卡" in text and "授权委托书" in text for text in texts)
    [authorisation] = [e for e in entries if e.text == "代办人须提交：授权委托书（代办时）"]
    assert authorisation.condition == "委托他人代办时提交；监护人代办的除外"
    [guardianship] = [e for e in entries if e.text.startswith("代办人须提交：监护关系证明")]
    assert guardianship.condition == "由监护人代办时提交" and "民法典" in (guardianship.basis or "")
    assert "代办人须提交：代办人居民身份证（代办时）" in texts
