"""Issue 18, item 7: what the situation makes necessary is required, in every form (validate_form).

Each form states its rule here: the field is asked for exactly when the case needs it, and the same
filled-in example passes once it is given. The agent (代办人) rule is checked on every form that has an
agent section, so a form added later without it fails here.
"""

from __future__ import annotations

from datetime import date

import pytest

from forms.definitions import FormDef, available_forms, load_form, parse_form
from forms.idnumber import check_character
from forms.validate import AGENT_IS_APPLICANT, shown_values, validate_form
from tests.forms.test_form_items import VALID

TODAY = date(2026, 12, 6)
AGENT_ID = "61020319900708242" + check_character("61020319900708242")
REGISTRATION = {"id_type": "01", "id_number": "11010519491231002X", "name": "李秀英", "sex": "female",
                "birth_date": "1949-12-31", "ethnicity": "01", "phone": "13912345678",
                "address": "陕西省铜川市王益区红旗街1号"}
EXAMPLES = {**VALID, "personal_registration": REGISTRATION | {
    "insured_category": "employee", "employer_code": "61020200001", "work_start_date": "1968-07-01"}}
AGENT = {"agent_name": "王小梅", "agent_id_number": AGENT_ID, "agent_relation": "child",
         "agent_phone": "13709190627"}


def agent(code: str) -> dict[str, str]:
    """A full agent; a unit's agent is its own staff (the employer's definition offers no family relations)."""
    relations = load_form(code).agent.relations
    return AGENT | ({"agent_relation": "employer_staff"} if relations and "child" not in relations else {})


def problems(code: str, values: dict[str, str]) -> dict[str, str]:
    return validate_form(load_form(code), values, today=TODAY)


def test_every_example_passes_as_it_stands() -> None:
    """The examples below are complete; each rule then breaks exactly one thing."""
    for code in available_forms():
        assert problems(code, EXAMPLES[code]) == {}, code


# -- personal registration -------------------------------------------------------------------------

def test_registration_of_an_employee_needs_the_employer_code() -> None:
    assert problems("personal_registration", EXAMPLES["personal_registration"] | {"employer_code": ""}) == {
        "employer_code": "请填写单位编号"}


def test_registration_of_an_employee_needs_the_date_work_began() -> None:
    assert problems("personal_registration", EXAMPLES["personal_registration"] | {"work_start_date": ""}) == {
        "work_start_date": "请填写参加工作日期"}


def test_registration_of_a_flexible_worker_needs_neither_the_base_nor_an_employer() -> None:
    # the base is chosen when paying (seed 004: 灵活就业人员提供合法有效身份证件就能办理); typed, it is checked
    flexible = REGISTRATION | {"insured_category": "flexible"}
    assert problems("personal_registration", flexible) == {}
    assert problems("personal_registration", flexible | {"contribution_base": "4200"}) == {}
    assert problems("personal_registration", flexible | {"contribution_base": "-5"}) == {
        "contribution_base": "缴费基数不能小于0"}


def test_an_employee_is_not_asked_for_a_base_the_employer_declares() -> None:
    employee = REGISTRATION | {"insured_category": "employee", "contribution_base": "-5"}
    assert "contribution_base" not in problems("personal_registration", employee)


# -- retirement --------------------------------------------------------------------------------------

@pytest.mark.parametrize("category", ["employee", "cadre", "worker"])
def test_retirement_of_an_employee_needs_the_employer(category: str) -> None:
    values = EXAMPLES["retirement_approval"] | {"insured_category": category, "personnel_file_keeper": "铜川市人才中心",
                                                "employer_name": "", "employer_credit_code": ""}
    assert set(problems("retirement_approval", values)) == {"employer_name", "employer_credit_code"}


def test_retirement_of_a_flexible_worker_needs_no_employer() -> None:
    values = EXAMPLES["retirement_approval"] | {"insured_category": "flexible", "employer_name": "",
                                                "employer_credit_code": ""}
    assert problems("retirement_approval", values) == {}


def test_retirement_as_a_cadre_needs_the_keeper_of_the_personnel_file() -> None:
    values = EXAMPLES["retirement_approval"] | {"insured_category": "cadre"}
    assert problems("retirement_approval", values) == {"personnel_file_keeper": "请填写人事档案保管单位"}


WOMAN_ID = "61020219760315124" + check_character("61020219760315124")


def woman_employee(**extra: str) -> dict[str, str]:
    return EXAMPLES["retirement_approval"] | {"id_number": WOMAN_ID, "sex": "female", "birth_date": "1976-03-15",
                                              "name": "王秀兰", "account_holder": "王秀兰", **extra}


def test_a_woman_employee_must_give_her_post() -> None:
    assert problems("retirement_approval", woman_employee()) == {"female_post": "请填写原岗位"}
    assert problems("retirement_approval", woman_employee(female_post="worker")) == {}


def test_a_woman_cadre_post_needs_the_keeper_of_the_personnel_file() -> None:
    assert list(problems("retirement_approval", woman_employee(female_post="cadre"))) == ["personnel_file_keeper"]


def test_the_post_is_not_asked_of_a_man_and_a_stale_one_is_dropped() -> None:
    """A man's age does not depend on the post: the field is hidden, and a value left in it counts as empty."""
    form = load_form("retirement_approval")
    man = EXAMPLES["retirement_approval"] | {"female_post": "cadre"}
    assert not form.field("female_post").is_shown(man) and not form.field("female_post").is_required(man)
    assert shown_values(form, man)["female_post"] == ""
    assert problems("retirement_approval", man) == {}  # the stale cadre post asks for no personnel file


def test_the_post_is_not_asked_of_a_woman_entered_as_worker_or_cadre() -> None:
    form = load_form("retirement_approval")
    assert not form.field("female_post").is_shown(woman_employee(insured_category="worker"))
    assert problems("retirement_approval", woman_employee(insured_category="worker")) == {}


# -- death benefit, suspension, refund, transfer -----------------------------------------------------

def test_death_benefit_of_a_pensioner_needs_the_month_the_pension_was_paid_to() -> None:
    values = EXAMPLES["death_benefit"] | {"pension_paid_until": "", "monthly_pension": ""}
    assert problems("death_benefit", values) == {"pension_paid_until": "请填写养老金已发放至年月"}
    worker = values | {"was_pensioner": "no", "pension_months": ""}
    assert problems("death_benefit", worker) == {}


def test_suspension_for_an_other_reason_needs_the_explanation() -> None:
    values = EXAMPLES["benefit_suspension"] | {"suspension_reason": "other"}
    assert problems("benefit_suspension", values) == {"suspension_note": "请填写情况说明"}
    assert problems("benefit_suspension", values | {"suspension_note": "经法院判决停发"}) == {}


def test_refund_for_an_other_reason_needs_the_explanation() -> None:
    values = EXAMPLES["overpaid_refund"] | {"refund_reason": "other"}
    assert problems("overpaid_refund", values) == {"reason_detail": "请填写情况说明"}


def test_transfer_to_a_named_employer_needs_its_credit_code() -> None:
    values = EXAMPLES["pension_transfer_provincial"] | {"new_employer_name": "铜川市某机械有限公司"}
    assert problems("pension_transfer_provincial", values) == {
        "new_employer_credit_code": "请填写转入地单位统一社会信用代码"}
    assert problems("pension_transfer_provincial", values | {"new_employer_credit_code": "91610200MA6YB12347"}) == {}


# -- the agent, in every form -----------------------------------------------------------------------

AGENT_FORMS = [code for code in available_forms()
               if any(section.role == "agent" for section in load_form(code).sections)]


def test_every_form_has_an_agent_section_with_a_relation() -> None:
    assert available_forms() == AGENT_FORMS
    for code in AGENT_FORMS:
        form = load_form(code)
        relation = form.field("agent_relation")
        offered = {c.value for c in relation.choices}
        assert relation.type == "choice" and agent(code)["agent_relation"] in offered, code
        # a unit's agent is its own staff (the unit acts through someone: no family relations)
        assert form.agent.acts_for is not None or {"spouse", "child", "parent", "relative", "guardian"} <= offered


@pytest.mark.parametrize("code", AGENT_FORMS)
@pytest.mark.parametrize("given", ["agent_name", "agent_id_number", "agent_relation", "agent_phone"])
def test_naming_an_agent_requires_name_id_number_and_relation(code: str, given: str) -> None:
    found = problems(code, EXAMPLES[code] | {given: agent(code)[given]})
    assert set(found) == {"agent_name", "agent_id_number", "agent_relation"} - {given}, code
    assert found.get("agent_relation", "请填写与申请人关系") == "请填写与申请人关系"


@pytest.mark.parametrize("code", AGENT_FORMS)
def test_a_full_agent_passes_and_no_agent_passes(code: str) -> None:
    assert problems(code, EXAMPLES[code] | agent(code)) == {}
    assert problems(code, EXAMPLES[code] | dict.fromkeys(AGENT, "")) == {}


@pytest.mark.parametrize("code", AGENT_FORMS)
def test_the_agent_id_number_is_checked_like_an_id_number(code: str) -> None:
    wrong = AGENT_ID[:-1] + ("0" if AGENT_ID[-1] != "0" else "1")
    found = problems(code, EXAMPLES[code] | agent(code) | {"agent_id_number": wrong})
    assert list(found) == ["agent_id_number"] and "校验" in found["agent_id_number"]


@pytest.mark.parametrize("code", AGENT_FORMS)
def test_the_agent_cannot_be_the_applicant(code: str) -> None:
    form = load_form(code)
    applicant = form.identity_field("id_number")
    assert applicant is not None
    same = EXAMPLES[code][applicant.key]
    found = problems(code, EXAMPLES[code] | agent(code) | {"agent_id_number": same.lower()})
    assert found == {"agent_id_number": AGENT_IS_APPLICANT}
    assert same not in AGENT_IS_APPLICANT and "代办人不能是申请人本人" in AGENT_IS_APPLICANT


# -- the definition mechanism ------------------------------------------------------------------------

def _form(fields: str) -> str:
    return ('{"code": "x", "name": "x", "version": 1, "time_limit_working_days": 5, "time_limit_basis": "b",'
            '"sections": [{"title": "t", "fields": [{"key": "id_number", "label": "号码", "type": "idnumber",'
            '"source": "id_number"}, {"key": "a", "label": "甲", "type": "choice", "choices": [{"value": "y",'
            '"label": "是"}]}, {"key": "b", "label": "乙", "type": "text"}, ' + fields + ']}]}')


def test_all_and_any_conditions_with_the_bare_key_shorthand() -> None:
    form: FormDef = parse_form(_form('{"key": "c", "label": "丙", "type": "text", "required_when": '
                                     '{"all": [{"field": "a", "in": ["y"]}, "b"]}}, {"key": "d", "label": "丁", '
                                     '"type": "text", "required_when": {"any": ["a", "b"]}}'), "test")
    c, d = form.field("c"), form.field("d")
    assert not c.is_required({"a": "y"}) and c.is_required({"a": "y", "b": "1"})
    assert not d.is_required({}) and d.is_required({"b": "1"}) and d.is_required({"a": "y"})


@pytest.mark.parametrize(("fields", "says"), [
    ('{"key": "c", "label": "丙", "type": "text", "required_when": {"any": ["nope"]}}', "unknown field"),
    ('{"key": "c", "label": "丙", "type": "text", "shown_when": {"all": [{"field": "a", "in": ["n"]}]}}',
     "does not offer"),
    ('{"key": "c", "label": "丙", "type": "text", "shown_when": "a"}, '
     '{"key": "d", "label": "丁", "type": "text", "shown_when": "c"}', "hidden field"),
    ('{"key": "c", "label": "丙", "type": "text", "required_when": {"any": []}}', "at least 1"),
])
def test_a_broken_condition_is_refused_at_load(fields: str, says: str) -> None:
    from core.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        parse_form(_form(fields), "test")
    assert says in caught.value.detail


# -- a definition sent later cannot drop these rules silently ----------------------------------------

def _edited(code: str, key: str, **changes: object) -> FormDef:
    form = load_form(code)
    sections = [section.model_copy(update={"fields": [
        field.model_copy(update=changes) if field.key == key else field for field in section.fields]})
        for section in form.sections]
    return form.model_copy(update={"sections": sections, "version": form.version + 1})


def test_dropping_a_situational_requirement_is_a_weakening() -> None:
    from forms.definitions import weakenings

    old = load_form("personal_registration")
    assert weakenings(old, _edited("personal_registration", "employer_code", required_when=None)) == [
        "“单位编号”由按条件必填改为选填"]
    assert weakenings(old, _edited("personal_registration", "agent_id_number",
                                   required_when=old.field("agent_name").required_when.model_copy(  # type: ignore[union-attr]
                                       update={"conditions": []}))) == ["“代办人公民身份号码”的必填条件改变"]
    assert weakenings(old, _edited("personal_registration", "name", required=False)) == ["“姓名”由必填改为选填"]
    assert weakenings(old, old) == []
