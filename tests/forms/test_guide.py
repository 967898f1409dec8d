"""办事指南 and 一次性告知书 content (issue 18 item 5): derived from the form definitions, never separate text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms.catalogue import ServiceItem, load_catalogue
from forms.definitions import FormDef, available_forms, condition_parts, load_form, load_form_file
from forms.guide import AGENT_ARTICLE, Guide, condition_text, guide_for
from forms.notice import FIELD_BASIS, FIELD_PREFIX, missing_for_notice
from forms.refdata import resource_file


def item_of(code: str) -> ServiceItem:
    return next(item for item in load_catalogue() if item.form_code == code)


def guide(code: str) -> Guide:
    return guide_for(load_form(code), item_of(code))


@pytest.mark.parametrize("code", available_forms())
def test_every_material_is_in_the_guide_with_its_basis_and_condition(code: str) -> None:
    form = load_form(code)
    entries = guide(code).section("materials").entries
    for material in form.materials:
        [entry] = [e for e in entries if e.text.startswith(material.name)]
        assert entry.basis == material.legal_basis
        if material.required_when is None:
            assert entry.condition == "必交"
        else:
            assert entry.condition == condition_text(form, material.required_when)


@pytest.mark.parametrize("code", available_forms())
def test_the_time_limit_and_its_article_come_from_the_definition(code: str) -> None:
    form = load_form(code)
    [entry] = guide(code).section("time_limit").entries
    if form.time_limit_working_days is None:
        assert form.time_limit_basis in entry.text and "未规定" in entry.text and entry.basis is None
    else:
        assert f"{form.time_limit_working_days} 个工作日" in entry.text and entry.basis == form.time_limit_basis


@pytest.mark.parametrize("code", available_forms())
def test_agent_rules_name_what_an_agent_brings(code: str) -> None:
    form = load_form(code)
    texts = [e.text for e in guide(code).section("applicants").entries]
    agent_materials = [m for m in form.materials if m.required_when is not None
                       and any(part.field.startswith("agent_") for part in condition_parts(m.required_when))]
    has_agent = any(section.role == "agent" for section in form.sections)
    assert has_agent == any(e.basis == AGENT_ARTICLE for e in guide(code).section("applicants").entries)
    for material in agent_materials:
        assert f"代办人须提交：{material.name}" in texts


def test_a_conditional_material_names_the_field_and_choice_labels() -> None:
    entries = guide("personal_change").section("materials").entries
    [proof] = [e for e in entries if e.text.startswith("公安机关出具的户籍信息变更证明")]
    assert proof.condition == "“变更项目”为“姓名”、“公民身份号码”、“出生日期”时提交"
    [authorisation] = [e for e in entries if e.text.startswith("授权委托书")]
    assert authorisation.condition == "委托他人代办时提交；监护人代办的除外"


def test_an_item_without_a_day_count_says_so_as_the_definition_does() -> None:
    [entry] = guide("death_benefit").section("time_limit").entries
    assert "第十九条" in entry.text and "未规定办理天数" in entry.text


def test_a_transfer_guide_cites_the_article_on_communicating_the_result() -> None:
    assert any("第十六条" in e.text for e in guide("pension_transfer_provincial").section("result").entries)
    assert not any("第十六条" in e.text for e in guide("personal_registration").section("result").entries)


def changed_copy(tmp_path: Path, code: str, change: dict[str, object]) -> FormDef:
    data = json.loads(resource_file("forms", f"{code}.json").read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / f"{code}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return load_form_file(path)


def test_a_new_definition_version_changes_the_guide(tmp_path: Path) -> None:
    base = load_form("personal_registration")
    materials = [m.model_dump(by_alias=True, exclude_none=True) for m in base.materials]
    materials.append({"key": "household_register", "name": "居民户口簿", "legal_basis": "《社会保险经办条例》第九条",
                      "required_when": {"field": "household_type", "in": ["rural"]}})
    materials[0]["legal_basis"] = "《社会保险经办条例》第三十一条"
    new = changed_copy(tmp_path, "personal_registration", {
        "version": base.version + 1, "time_limit_working_days": 5, "time_limit_basis": "省级经办规程",
        "materials": materials})
    before, after = guide("personal_registration"), guide_for(new, item_of("personal_registration"))
    assert after.form_version == before.form_version + 1
    [added] = [e for e in after.section("materials").entries if e.text.startswith("居民户口簿")]
    assert added.basis == "《社会保险经办条例》第九条" and "户口性质" in (added.condition or "")
    assert not any(e.text.startswith("居民户口簿") for e in before.section("materials").entries)
    assert after.section("materials").entries[0].basis == "《社会保险经办条例》第三十一条"
    [limit] = after.section("time_limit").entries
    assert "5 个工作日" in limit.text and limit.basis == "省级经办规程"


def test_a_form_without_an_agent_section_is_done_in_person(tmp_path: Path) -> None:
    base = load_form("overpaid_refund")
    sections = [s.model_dump(by_alias=True, exclude_none=True) for s in base.sections if s.role != "agent"]
    materials = [m.model_dump(by_alias=True, exclude_none=True) for m in base.materials
                 if m.required_when is None]
    new = changed_copy(tmp_path, "overpaid_refund", {"sections": sections, "materials": materials,
                                                     "agent": {"allowed": False}})
    texts = [e.text for e in guide_for(new, item_of("overpaid_refund")).section("applicants").entries]
    assert "本事项不设代办，须申请人本人到场办理。" in texts
    assert not any("代办人须提交" in text for text in texts)


# -- the notice's list ---------------------------------------------------------------------------------

CHANGE = {"id_type": "01", "id_number": "11010519491231002X", "name": "李秀英", "person_status": "employee",
          "old_value": "李秀音", "new_value": "李秀英", "change_reason": "户籍更正", "phone": "13800138000",
          "household_proof_issuer": "铜川市公安局王益分局"}


def test_the_notice_lists_a_conditional_material_when_its_condition_holds() -> None:
    form = load_form("personal_change")
    missing = missing_for_notice(form, {**CHANGE, "change_item": "name"}, {"identity_document"}, {})
    assert [m.key for m in missing] == ["household_change_proof"]
    assert missing[0].basis == form.materials[1].legal_basis


def test_the_notice_leaves_out_a_conditional_material_when_its_condition_fails() -> None:
    form = load_form("personal_change")
    assert missing_for_notice(form, {**CHANGE, "change_item": "contact"}, {"identity_document"}, {}) == []


def test_the_notice_lists_the_agents_materials_only_when_an_agent_is_named() -> None:
    form = load_form("personal_change")
    values = {**CHANGE, "change_item": "contact"}
    assert [m.key for m in missing_for_notice(form, values, set(), {})] == ["identity_document"]
    with_agent = missing_for_notice(form, {**values, "agent_name": "王强", "agent_relation": "relative"}, set(), {},
                                    fields=())
    assert [m.key for m in with_agent] == ["identity_document", "agent_identity_document", "authorisation"]
    # naming an agent makes the agent's ID number and relation required: candidates for the clerk to tick
    candidates = missing_for_notice(form, {**values, "agent_name": "王强"}, set(), {})
    assert [m.key for m in candidates][2:] == ["field:agent_id_number", "field:agent_relation"]


def test_a_waived_or_present_material_is_not_on_the_notice() -> None:
    form = load_form("personal_change")
    values = {**CHANGE, "change_item": "name"}
    assert missing_for_notice(form, values, {"household_change_proof"}, {"identity_document": "已由阅读器读取"}) == []
    assert [m.key for m in missing_for_notice(form, values, {"household_change_proof"},
                                              {"identity_document": "  "})] == ["identity_document"]


def test_an_empty_required_entry_is_on_the_notice_as_information_to_bring() -> None:
    form = load_form("death_benefit")
    values = {"deceased_id_number": "11010519491231002X", "deceased_name": "张三", "death_date": "2026-11-01",
              "death_cause": "illness", "was_pensioner": "no", "contribution_months": "300", "id_type": "01",
              "id_number": "61020219650315123X", "name": "张四", "relation_to_deceased": "child",
              "bank_name": "中国工商银行", "account_holder": "张四", "phone": "13800138000"}
    present = {m.key for m in form.materials}
    missing = missing_for_notice(form, values, present, {})
    assert [(m.key, m.name, m.basis) for m in missing] == [
        (f"{FIELD_PREFIX}bank_account", "领取账户：" + form.field("bank_account").label, FIELD_BASIS)]


def test_only_the_entries_the_clerk_ticked_are_on_the_notice() -> None:
    form = load_form("death_benefit")
    values = {"name": "张四"}
    present = {m.key for m in form.materials}
    assert missing_for_notice(form, values, present, {}, fields=set()) == []
    ticked = missing_for_notice(form, values, present, {}, fields={"bank_account", "name"})
    assert [m.key for m in ticked] == [f"{FIELD_PREFIX}bank_account"]  # a filled entry is never listed
