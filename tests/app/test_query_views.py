"""The query screens' view models (issue 20): ``PersonOut`` / ``EmployerOut`` values in, rows of text out."""

from __future__ import annotations

from datetime import date

import pytest

from app.employer_query import EmployerKey, employer_key, employer_view
from app.person_query import (
    Focus,
    Tone,
    age_focus,
    death_focus,
    focus_answer,
    person_view,
    qualification_focus,
    typed_id_problem,
)
from app.verification import Match, verify
from core.errors import ValidationError
from forms.rules.retirement import Category, retirement_age
from protocol.lookup import BenefitOut, CardOut, PensionAccountOut, StaffOut
from tests.app.query_samples import MAN, WOMAN, employer, person, reading


def _month_before(month: str) -> date:
    year, m = (int(x) for x in month.split("-"))
    return date(year - 1, 12, 1) if m == 1 else date(year, m - 1, 1)


def _month_of(month: str) -> date:
    year, m = (int(x) for x in month.split("-"))
    return date(year, m, 15)


def _row(rows: tuple[object, ...], label: str) -> str:
    return next(r.value for r in rows if getattr(r, "label", None) == label)  # type: ignore[attr-defined]


# -- 个人一站式查询 ----------------------------------------------------------------------------------------

def test_person_view_masks_the_id_number_unless_shown_in_full() -> None:
    masked = person_view(person())
    assert MAN not in _row(masked.identity, "公民身份号码")
    assert MAN not in masked.heading
    assert _row(person_view(person(), show_full_id=True).identity, "公民身份号码") == MAN


def test_person_view_lists_the_five_insurances_in_the_handbooks_order_with_labels() -> None:
    rows = person_view(person()).insurance_rows
    assert [r[0] for r in rows] == ["企业职工基本养老保险", "职工基本医疗保险"]
    assert rows[0][1:] == ("参保缴费", "1996-01", "348", "2025-12")


def test_periods_are_by_insurance_then_month_and_a_flexible_stretch_says_so() -> None:
    rows = person_view(person()).period_rows
    assert [r[1] for r in rows] == ["1996-01", "2010-01"]
    assert rows[0][5] == "灵活就业（个人缴费）"
    assert "铜川市示例机械有限公司" in rows[1][5]
    assert rows[1][4] == "5200.00"


def test_pension_account_adds_paid_and_deemed_months() -> None:
    view = person_view(person())
    assert _row(view.pension, "合计").startswith("474 个月")
    assert _row(view.pension, "个人账户储存额") == "86543.21 元"


def test_a_lost_card_is_said_in_red_with_what_to_do() -> None:
    line, tone = person_view(person(card=CardOut(status="lost", card_number="A1", changed_on="2025-11-02"))) \
        .card_line, person_view(person(card=CardOut(status="lost"))).card_tone
    assert "已挂失" in line and "2025-11-02" in line and "补卡" in line
    assert tone is Tone.ERROR


def test_a_replaced_card_says_the_old_card_is_void() -> None:
    view = person_view(person(card=CardOut(status="replaced", changed_on="2024-02-01")))
    assert view.card_tone is Tone.ERROR
    assert "旧卡已作废" in view.card_line


def test_a_normal_card_is_green() -> None:
    assert person_view(person()).card_tone is Tone.OK


def test_typed_id_number_problem_is_the_character_by_character_message() -> None:
    assert typed_id_problem(MAN) is None
    wrong = MAN[:-1] + ("5" if MAN[-1] != "5" else "6")
    assert typed_id_problem(wrong) is not None
    assert typed_id_problem("") == "请输入18位公民身份号码。"


# -- 资格认证查询 / 死亡上报查询 -----------------------------------------------------------------------

def test_qualification_of_a_pensioner_in_payment_is_valid() -> None:
    answer = qualification_focus(person(benefit=BenefitOut(status="pension", monthly_amount="3120.50",
                                                            paid_until="2025-12")))
    assert answer.tone is Tone.OK
    assert any("3120.50" in line for line in answer.lines)


def test_qualification_of_a_suspended_pension_says_how_to_resume() -> None:
    answer = qualification_focus(person(benefit=BenefitOut(status="suspended", since="2025-07-01")))
    assert answer.tone is Tone.WARN
    assert "2025-07-01" in answer.headline
    assert any("恢复发放" in line for line in answer.lines)


def test_qualification_of_someone_not_drawing_a_pension_is_not_needed() -> None:
    assert qualification_focus(person()).tone is Tone.INFO


def test_death_report_found_for_a_deceased_pensioner() -> None:
    answer = death_focus(person(benefit=BenefitOut(status="deceased", since="2025-10-03", paid_until="2025-10",
                                                   pension_months=96)))
    assert answer.headline == "中心系统已有死亡上报记录"
    assert answer.tone is Tone.ERROR
    assert any("2025-10-03" in line for line in answer.lines)
    assert any("96" in line for line in answer.lines)


def test_no_death_report_for_a_living_person() -> None:
    assert death_focus(person()).headline == "中心系统无死亡上报记录"
    assert qualification_focus(person(benefit=BenefitOut(status="deceased"))).tone is Tone.ERROR


# -- 到龄确认查询 ------------------------------------------------------------------------------------------

def test_age_confirmation_before_and_in_the_retirement_month() -> None:
    age = retirement_age(date(1965, 3, 7), "male", Category.EMPLOYEE)
    before = age_focus(person(), _month_before(age.retirement_month))
    assert before.headline == "尚未达到法定退休年龄"
    assert any(age.retirement_month in line for line in before.lines)
    reached = age_focus(person(), _month_of(age.retirement_month))
    assert reached.headline.startswith("已达到法定退休年龄")


def test_age_confirmation_of_a_woman_employee_shows_both_posts() -> None:
    woman = person(id_number=WOMAN, sex="female", birth_date="1972-05-14")
    answer = age_focus(woman, date(2026, 1, 5))
    worker = retirement_age(date(1972, 5, 14), "female", Category.WORKER).retirement_month
    cadre = retirement_age(date(1972, 5, 14), "female", Category.CADRE).retirement_month
    text = "\n".join(answer.lines)
    assert "按工人岗位" in text and worker in text
    assert "按干部岗位" in text and cadre in text
    assert "档案" in text


def test_age_confirmation_says_how_many_months_are_missing() -> None:
    short = person(pension=PensionAccountOut(paid_months=100, deemed_months=20, account_balance="1.00",
                                             avg_contribution_index="1.00"))
    age = retirement_age(date(1965, 3, 7), "male", Category.EMPLOYEE)
    answer = age_focus(short, date(2026, 1, 5))
    assert any(f"尚差 {age.min_contribution_months - 120} 个月" in line for line in answer.lines)


def test_age_confirmation_is_not_asked_of_a_pensioner() -> None:
    answer = age_focus(person(benefit=BenefitOut(status="pension")), date(2026, 1, 5))
    assert answer.headline.startswith("已办理退休")


def test_the_plain_one_stop_query_has_no_focused_answer() -> None:
    assert focus_answer(person(), Focus.ALL, date(2026, 1, 5)) is None
    assert focus_answer(person(), Focus.DEATH, date(2026, 1, 5)) == death_focus(person())


# -- 单位一站式查询 ----------------------------------------------------------------------------------------

def test_employer_view_without_arrears() -> None:
    view = employer_view(employer())
    assert view.arrears_tone is Tone.OK
    assert _row(view.basics, "参保险种") == "企业职工基本养老保险、职工基本医疗保险、工伤保险"
    assert view.staff_rows[0][1] == "110*************14"
    assert view.contacts[0].label == "社保经办人"


def test_employer_arrears_are_red_with_amount_and_months() -> None:
    view = employer_view(employer(arrears_amount="12345.60", arrears_months=3))
    assert view.arrears_tone is Tone.ERROR
    assert "12345.60" in view.arrears_line and "3 个月" in view.arrears_line


def test_a_cancelled_employer_is_said_in_red() -> None:
    view = employer_view(employer(status="cancelled"))
    assert view.status_tone is Tone.ERROR and "已注销" in view.status_line


def test_a_cut_staff_list_says_how_many_there_are() -> None:
    staff = [StaffOut(id_number_masked="110*************14", name=f"职工{i}", insurances=["pension"])
             for i in range(2)]
    assert employer_view(employer(staff=staff, insured_staff=2)).staff_note == ""
    assert "共 250 人" in employer_view(employer(staff=staff, insured_staff=250)).staff_note


def test_employer_key_tells_a_credit_code_from_a_unit_number() -> None:
    assert employer_key("91610200ma6x0000x7") == EmployerKey(uscc="91610200MA6X0000X7")
    assert employer_key("61020000123") == EmployerKey(unit_number="61020000123")
    with pytest.raises(ValidationError, match="统一社会信用代码校验不通过"):
        employer_key("91610200MA6X0000X8")
    with pytest.raises(ValidationError):
        employer_key("单位")


# -- 人员信息核验 ----------------------------------------------------------------------------------------

def test_verification_consistent_when_every_item_matches_and_the_card_is_normal() -> None:
    result = verify(reading(), person())
    assert result.consistent
    assert all(i.match is Match.SAME for i in result.items)
    assert result.verdict.startswith("一致")


def test_verification_names_the_item_that_differs() -> None:
    result = verify(reading(name="张建华"), person())
    assert not result.consistent
    assert [i.label for i in result.items if i.match is Match.DIFFERENT] == ["姓名"]
    assert "姓名与中心系统登记不符" in result.verdict


def test_verification_of_a_lost_card_is_inconsistent() -> None:
    result = verify(reading(source="社保卡"), person(card=CardOut(status="lost")))
    assert not result.consistent
    assert next(i for i in result.items if i.label == "社保卡状态").match is Match.DIFFERENT
    assert "挂失" in result.verdict


def test_verification_of_someone_not_registered() -> None:
    result = verify(reading(), None)
    assert not result.consistent and not result.items
    assert "没有" in result.verdict and MAN not in result.verdict


def test_verification_of_an_unreadable_name_is_not_called_consistent() -> None:
    read = reading(source="社保卡")
    values = {k: v for k, v in read.values.items() if k != "name"}
    result = verify(type(read)(source="社保卡", name="张\ufffd国", id_number=MAN, values=values), person())
    assert not result.consistent
    assert next(i for i in result.items if i.label == "姓名").match is Match.UNKNOWN


def test_verification_masks_the_id_number_on_both_sides() -> None:
    row = next(i for i in verify(reading(), person()).items if i.label == "公民身份号码")
    assert MAN not in row.document and MAN not in row.registry


def test_someone_with_no_employer_now_is_not_called_a_flexible_worker() -> None:
    assert _row(person_view(person(employer=None)).identity, "当前参保单位") == "—（无在职参保单位）"
    flexible = person(employer=None, insured_category="flexible")
    assert _row(person_view(flexible).identity, "当前参保单位") == "灵活就业（个人缴费）"


def test_the_registry_time_is_shown_as_a_clerk_reads_it() -> None:
    assert person_view(person()).as_of == "2026-01-05 09:00"
