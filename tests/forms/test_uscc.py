"""Unified social credit codes (GB 32100-2015): stdnum's check character, our character-by-character messages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from forms.definitions import available_forms, load_form
from forms.uscc import ALPHABET, check_character, find_problem, is_valid
from forms.validate import validate_field

VALID = "91110000600037341L"  # stdnum's own example


def make(first17: str) -> str:
    return first17 + check_character(first17)


def test_valid_code() -> None:
    assert find_problem(VALID) is None and stdnum_uscc.is_valid(VALID)


def test_typed_with_spaces_lower_case_and_full_width_is_the_same_code() -> None:
    assert is_valid("9111 0000 6000 3734 1l")
    assert is_valid("９１１１００００６０００３７３４１Ｌ")


def test_wrong_check_character_names_expected_and_found() -> None:
    problem = find_problem("91110000600037341M")
    assert problem is not None
    assert problem.message == "第18位校验码应为 L，实际为 M"
    assert problem.position == 17 and problem.expected == "L"
    assert not stdnum_uscc.is_valid("91110000600037341M")


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letter_is_named_with_its_position(letter: str) -> None:
    code = VALID[:10] + letter + VALID[11:]
    problem = find_problem(code)
    assert problem is not None
    assert problem.message == f"第11位不能是字母{letter}：统一社会信用代码不使用I、O、Z、S、V，请核对是否为数字"
    assert problem.position == 10
    assert not stdnum_uscc.is_valid(code)


def test_letter_in_the_region_code_positions_3_to_8() -> None:
    problem = find_problem("9111A000600037341L")
    assert problem is not None
    assert problem.message == "第5位应为数字（第3-8位是登记管理机关行政区划码）"
    assert problem.position == 4


def test_character_outside_the_alphabet() -> None:
    problem = find_problem("91110000600037341*")
    assert problem is not None and problem.message == "第18位应为数字或大写字母" and problem.position == 17


@pytest.mark.parametrize(("typed", "count"), [("9111000060003734", 16), ("91110000600037341L1", 19), ("", 0)])
def test_wrong_length(typed: str, count: int) -> None:
    problem = find_problem(typed)
    assert problem is not None and problem.message == f"应为18位，当前为{count}位" and problem.position is None


def test_partial_input_is_judged_on_what_was_typed() -> None:
    problem = find_problem("91O")
    assert problem is not None and problem.position == 2


def test_letters_in_positions_1_and_2_are_accepted_unlike_stdnum() -> None:
    code = make("N2610202MA6YB7QX4")  # 农业农村部门 codes start with a letter (GB 32100 allows it)
    assert is_valid(code)
    assert not stdnum_uscc.is_valid(code)  # stdnum wants digits in positions 1-8: the documented difference


def test_every_credit_code_field_is_checked_as_one() -> None:
    fields = [(form, field) for form in available_forms() for field in load_form(form).fields()
              if "credit_code" in field.key]
    assert {(form, field.key) for form, field in fields} >= {
        ("employer_registration", "credit_code"), ("retirement_approval", "employer_credit_code"),
        ("pension_transfer_provincial", "new_employer_credit_code")}
    assert all(field.type == "uscc" for _, field in fields)


@pytest.mark.parametrize(("form", "key"), [("employer_registration", "credit_code"),
                                           ("retirement_approval", "employer_credit_code"),
                                           ("pension_transfer_provincial", "new_employer_credit_code")])
def test_form_field_reports_the_wrong_check_character(form: str, key: str) -> None:
    field = load_form(form).field(key)
    assert validate_field(field, "91110000600037341M") == "第18位校验码应为 L，实际为 M"
    assert validate_field(field, VALID) is None


_codes = st.tuples(st.text(alphabet="0123456789", min_size=8, max_size=8),
                   st.text(alphabet=ALPHABET + "IOZSV*a", min_size=10, max_size=10))


@settings(max_examples=400, deadline=None, database=None)
@given(parts=_codes, fix_check=st.booleans())
def test_our_check_and_stdnum_agree_on_codes_with_digits_in_positions_1_to_8(
        parts: tuple[str, str], fix_check: bool) -> None:
    code = parts[0] + parts[1]
    if fix_check and all(ch in ALPHABET for ch in code[:17]):
        code = make(code[:17])
    assert is_valid(code) == stdnum_uscc.is_valid(code), code
