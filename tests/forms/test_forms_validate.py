"""Field and form validation, and filling sex/birth date from the ID number."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from forms.definitions import Choice, FieldDef, FormDef, SectionDef, load_form
from forms.idnumber import check_character
from forms.validate import derive_fields, validate_field, validate_form

TODAY = date(2024, 6, 1)
VALID_ID = "11010519491231002X"  # female, born 1949-12-31
MALE_ID = "61020219800101123" + check_character("61020219800101123")


def field(type_: str, **kw: Any) -> FieldDef:
    kw.setdefault("label", "测试项")
    return FieldDef.model_validate({"key": "f", "type": type_, **kw})


@pytest.mark.parametrize("type_", ["text", "textarea", "idnumber", "date", "phone", "number"])
def test_empty_required_and_optional(type_: str) -> None:
    assert validate_field(field(type_, required=True), "") == "请填写测试项"
    assert validate_field(field(type_, required=True), "   ") == "请填写测试项"
    assert validate_field(field(type_), "") is None


def test_empty_required_choice() -> None:
    choice = field("choice", required=True, label="民族", choices_from="ethnicities")
    assert validate_field(choice, "") == "请填写民族"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("张三", None),
        ("  张三  ", None),
        ("一二三四五", None),
        ("一二三四五六", "测试项不能超过5个字符，当前为6个"),
    ],
)
def test_text_max_length(value: str, message: str | None) -> None:
    assert validate_field(field("text", max_length=5), value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (VALID_ID, None),
        ("11010519491231002x", None),
        ("110105194912310025", "第18位校验码应为 X，实际为 5"),
        ("1101051949", "应为18位，当前为10位"),
        ("1101A51949", "第5位应为数字"),
    ],
)
def test_idnumber(value: str, message: str | None) -> None:
    assert validate_field(field("idnumber"), value, today=TODAY) == message


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2024-02-29", True),
        ("2000-02-29", True),
        ("2023-02-29", False),
        ("2024-13-01", False),
        ("2024-1-1", False),
        ("20240101", False),
        ("2024/01/01", False),
        ("明天", False),
    ],
)
def test_date(value: str, ok: bool) -> None:
    message = validate_field(field("date"), value)
    assert (message is None) == ok
    if not ok:
        assert message is not None and message.startswith("测试项")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("13912345678", True),
        ("19912345678", True),
        ("139 1234 5678", True),
        ("0919-1234567", True),
        ("09191234567", True),
        ("029-87654321", True),
        ("010-12345678", True),
        ("12912345678", False),  # mobile numbers start 13-19
        ("1391234567", False),
        ("139123456789", False),
        ("1234567", False),  # landline without area code
        ("0919-123", False),
        ("0919-1234567a", False),
        ("+8613912345678", False),
    ],
)
def test_phone(value: str, ok: bool) -> None:
    assert (validate_field(field("phone"), value) is None) == ok


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", None),
        ("4500", None),
        ("4500.50", None),
        ("10000", None),
        ("-1", "测试项不能小于0"),
        ("10000.01", "测试项不能大于10000"),
        ("abc", "测试项应为数字"),
        ("nan", "测试项应为数字"),
        ("inf", "测试项应为数字"),
    ],
)
def test_number(value: str, message: str | None) -> None:
    assert validate_field(field("number", minimum=0, maximum=10000), value) == message


def test_number_fractional_bounds_are_shown_as_given() -> None:
    assert validate_field(field("number", minimum=0.5), "0.1") == "测试项不能小于0.5"


def test_choice_inline() -> None:
    sex = field("choice", label="性别", choices=[Choice(value="male", label="男"),
                                              Choice(value="female", label="女")])
    assert validate_field(sex, "male") is None
    assert validate_field(sex, "男") == "性别的选项无效：男"


def test_choice_from_resource() -> None:
    ethnicity = field("choice", label="民族", choices_from="ethnicities")
    assert validate_field(ethnicity, "01") is None
    assert validate_field(ethnicity, "98") is None
    assert validate_field(ethnicity, "57") == "民族的选项无效：57"


def test_pattern_with_and_without_message() -> None:
    custom = field("text", pattern=r"\d{6}", pattern_message="邮政编码应为6位数字")
    assert validate_field(custom, "727000") is None
    assert validate_field(custom, "72700") == "邮政编码应为6位数字"
    assert validate_field(field("text", pattern=r"[A-Z]+"), "abc") == "测试项格式不正确"


@pytest.mark.parametrize(
    ("values", "derived"),
    [
        ({"id_number": VALID_ID}, {"sex": "female", "birth_date": "1949-12-31"}),
        ({"id_number": " 11010519491231002x "}, {"sex": "female", "birth_date": "1949-12-31"}),
        ({"id_number": MALE_ID}, {"sex": "male", "birth_date": "1980-01-01"}),
        ({"id_number": "110105194912310025"}, {"sex": "", "birth_date": ""}),
        ({"id_number": "1101"}, {"sex": "", "birth_date": ""}),
        ({"id_number": ""}, {"sex": "", "birth_date": ""}),
        ({}, {"sex": "", "birth_date": ""}),
    ],
)
def test_derive_fields_from_the_id_number(values: dict[str, str], derived: dict[str, str]) -> None:
    assert derive_fields(load_form("personal_registration"), values) == derived


def complete_registration(**overrides: str) -> dict[str, str]:
    values = {
        "id_type": "01",
        "id_number": VALID_ID,
        "name": "李秀英",
        "sex": "female",
        "birth_date": "1949-12-31",
        "ethnicity": "01",
        "phone": "13912345678",
        "address": "陕西省铜川市王益区红旗街1号",
        "insured_category": "employee",
        "employer_code": "61020200001",
        "work_start_date": "1968-07-01",
    }
    values.update(overrides)
    return values


def test_complete_registration_is_valid() -> None:
    assert validate_form(load_form("personal_registration"), complete_registration(), today=TODAY) == {}


def test_derived_fields_may_be_left_empty() -> None:
    values = complete_registration(sex="", birth_date="")
    assert validate_form(load_form("personal_registration"), values, today=TODAY) == {}


def test_derived_fields_must_agree_with_id_number() -> None:
    values = complete_registration(sex="male", birth_date="1950-01-01")
    problems = validate_form(load_form("personal_registration"), values, today=TODAY)
    assert problems == {
        "sex": "性别与公民身份号码不一致，应为女",
        "birth_date": "出生日期与公民身份号码不一致，应为1949-12-31",
    }


def test_missing_and_invalid_fields_are_all_reported() -> None:
    values = complete_registration(name="", phone="123", contribution_base="-5", insured_category="flexible",
                                   id_number="110105194912310025", ethnicity="99")
    problems = validate_form(load_form("personal_registration"), values, today=TODAY)
    assert problems == {
        "id_number": "第18位校验码应为 X，实际为 5",
        "name": "请填写姓名",
        "phone": "联系电话格式不正确：应为11位手机号码或带区号的固定电话（如0919-1234567）",
        "ethnicity": "民族的选项无效：99",
        "contribution_base": "缴费基数不能小于0",
    }


def test_values_outside_the_form_are_ignored() -> None:
    form = FormDef(code="t", name="测试", version=1, time_limit_working_days=10, time_limit_basis="测试",
                   sections=[SectionDef(title="甲", fields=[field("idnumber", key="id", source="id_number"),
                                                           field("text")])])
    assert validate_form(form, {"other": "x"}) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-07", None), ("1990-01", None), ("2025-12", None),
        ("2025-13", "起始年月格式应为YYYY-MM，例如 2025-07"), ("2025-00", "起始年月格式应为YYYY-MM，例如 2025-07"),
        ("2025-7", "起始年月格式应为YYYY-MM，例如 2025-07"), ("202507", "起始年月格式应为YYYY-MM，例如 2025-07"),
        ("2025-07-01", "起始年月格式应为YYYY-MM，例如 2025-07"), ("1899-12", "起始年月格式应为YYYY-MM，例如 2025-07"),
    ],
)
def test_month(value: str, message: str | None) -> None:
    assert validate_field(field("month", label="起始年月"), value) == message


@pytest.mark.parametrize(
    ("type_", "value", "message"),
    [
        ("integer", "180", None), ("integer", "0", None), ("integer", "12.5", "测试项应为整数"),
        ("integer", "1e3", "测试项应为整数"), ("integer", "901", "测试项不能大于900"),
        ("money", "234.5", None), ("money", "234.56", None), ("money", "0", None),
        ("money", "1234.567", "测试项应为金额（元），最多两位小数，例如 1234.50"),
        ("money", "1,234", "测试项应为金额（元），最多两位小数，例如 1234.50"),
        ("money", "-1", "测试项不能小于0"), ("money", "NaN", "测试项应为金额（元），最多两位小数，例如 1234.50"),
    ],
)
def test_integer_and_money(type_: str, value: str, message: str | None) -> None:
    assert validate_field(field(type_, minimum=0, maximum=900), value) == message


@pytest.mark.parametrize(
    ("type_", "value", "ok"),
    [
        ("date", "2024-06-01", True), ("date", "2024-06-02", False), ("date", "1990-01-01", True),
        ("month", "2024-06", True), ("month", "2024-07", False), ("month", "2023-12", True),
    ],
)
def test_not_future_counts_today_and_this_month_as_past(type_: str, value: str, ok: bool) -> None:
    message = validate_field(field(type_, not_future=True), value, today=TODAY)
    assert message == (None if ok else "测试项不能晚于今天")


def conditional_form() -> FormDef:
    kind = field("choice", key="kind", label="类别", choices=[Choice(value="a", label="甲"),
                                                             Choice(value="b", label="乙")])
    return FormDef.model_validate({
        "code": "t", "name": "测试", "version": 1, "time_limit_working_days": None, "time_limit_basis": "测试",
        "sections": [{"title": "甲", "fields": [
            field("idnumber", key="id", source="id_number"), kind,
            field("text", key="detail", label="说明", required_when={"field": "kind", "in": ["b"]}),
            field("text", key="helper", label="代办人"),
            field("phone", key="helper_phone", label="代办人电话", required_when="helper"),
            field("month", key="start", label="起始年月"), field("month", key="end", label="结束年月"),
        ]}],
        "checks": [{"earlier": "start", "later": "end", "message": "结束年月不能早于起始年月"}],
    })


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"kind": "a"}, {}),
        ({"kind": "b"}, {"detail": "请填写说明"}),
        ({"kind": "b", "detail": "x"}, {}),
        ({"helper": "王五"}, {"helper_phone": "请填写代办人电话"}),
        ({"helper": "  "}, {}),
        ({"start": "2024-03", "end": "2024-03"}, {}),
        ({"start": "2024-03", "end": "2024-02"}, {"end": "结束年月不能早于起始年月"}),
        ({"start": "2024-03", "end": "2023-12"}, {"end": "结束年月不能早于起始年月"}),
        ({"start": "2024-13", "end": "2024-01"}, {"start": "起始年月格式应为YYYY-MM，例如 2025-07"}),
        ({"end": "2024-01"}, {}),
    ],
)
def test_conditional_requirements_and_order_checks(values: dict[str, str], problems: dict[str, str]) -> None:
    assert validate_form(conditional_form(), {"id": VALID_ID, **values}, today=TODAY) == problems


def test_equal_ends_refused_when_the_check_says_so() -> None:
    form = conditional_form().model_copy(update={"checks": [
        conditional_form().checks[0].model_copy(update={"allow_equal": False})]})
    assert validate_form(form, {"id": VALID_ID, "start": "2024-03", "end": "2024-03"}) == {
        "end": "结束年月不能早于起始年月"}


def test_derivation_follows_any_id_field_by_its_attribute() -> None:
    form = FormDef.model_validate({
        "code": "t", "name": "测试", "version": 1, "time_limit_working_days": 10, "time_limit_basis": "测试",
        "sections": [{"title": "甲", "fields": [
            field("idnumber", key="rep_id", label="公民身份号码", source="id_number"),
            field("date", key="rep_birth", source="birth_date", derived_from="rep_id"),
            field("choice", key="rep_sex", label="性别", source="sex", derived_from="rep_id",
                  choices=[Choice(value="male", label="男"), Choice(value="female", label="女")]),
        ]}],
    })
    assert derive_fields(form, {"rep_id": MALE_ID}) == {"rep_birth": "1980-01-01", "rep_sex": "male"}
    assert validate_form(form, {"rep_id": MALE_ID, "rep_sex": "female"}) == {
        "rep_sex": "性别与公民身份号码不一致，应为男"}
