"""What a lookup adds to a form (app/prefill.py): fills, sources, warnings, the stop; PersonOut values as data."""

from __future__ import annotations

from typing import Any

from app.prefill import (
    TYPED_LABEL,
    card_notice,
    deceased_prefill,
    not_found_notice,
    panel_sources,
    person_prefill,
    provisional_keys,
)
from forms.definitions import load_form
from protocol.lookup import (
    BenefitOut,
    CardOut,
    EmployerRef,
    InsuranceOut,
    PensionAccountOut,
    PersonOut,
)

ID = "11010519491231002X"
EMPLOYER = EmployerRef(unit_number="1100012345", uscc="91110105MA01ABCD2X", name="北京某某科技有限公司")


def person(**changes: Any) -> PersonOut:
    base: dict[str, Any] = dict(
        id_number=ID, name="李秀英", sex="female", birth_date="1949-12-31", phone="13812345678",
        address="北京市朝阳区幸福路 8 号", household_address="北京市东城区和平里 1 号", insured_category="employee",
        employer=EMPLOYER, work_start_date="1990-07-01",
        insurances=[InsuranceOut(insurance="pension", status="insured", since="1996-01", months=300)],
        pension=PensionAccountOut(paid_months=300, deemed_months=66, account_balance="85321.40",
                                  avg_contribution_index="1.12"),
        benefit=BenefitOut(status="none"), card=CardOut(status="normal", card_number="A12345678"),
        as_of="2026-12-06T08:00:00+08:00")
    base.update(changes)
    return PersonOut(**base)


def fills(prefill: Any) -> dict[str, str]:
    return {f.key: f.value for f in prefill.fills}


def test_registration_fills_contact_household_and_employer_fields_that_are_empty() -> None:
    form = load_form("personal_registration")
    got = person_prefill(form, person(insurances=[]), {"id_number": ID, "name": "李秀英"}, reason_kind="card_read")
    assert fills(got) == {"phone": "13812345678", "address": "北京市朝阳区幸福路 8 号",
                          "household_address": "北京市东城区和平里 1 号", "employer_code": "1100012345",
                          "insured_category": "employee", "work_start_date": "1990-07-01"}
    assert got.source == "中心系统（截至 2026-12-06）"
    assert got.stop is None and got.confirm is None


def test_a_value_the_clerk_typed_or_the_card_read_is_never_replaced() -> None:
    form = load_form("personal_registration")
    values = {"phone": "13900000000", "household_address": "读自身份证的地址"}
    got = fills(person_prefill(form, person(insurances=[]), values, reason_kind="id_card_read"))
    assert "phone" not in got and "household_address" not in got and got["address"] == "北京市朝阳区幸福路 8 号"


def test_a_value_the_clerk_changed_after_a_fill_stays_theirs_even_when_emptied() -> None:
    form = load_form("personal_registration")
    got = fills(person_prefill(form, person(insurances=[]), {"phone": ""}, reason_kind="card_read", owned={"phone"}))
    assert "phone" not in got


def test_a_suggested_address_and_an_implied_category_give_way_to_the_registry() -> None:
    form = load_form("personal_registration")
    values = {"household_address": "户籍地", "address": "户籍地", "insured_category": "flexible"}
    assert provisional_keys(form, values) == {"address", "insured_category"}
    got = fills(person_prefill(form, person(insurances=[]), values, reason_kind="id_card_read"))
    assert got["address"] == "北京市朝阳区幸福路 8 号" and got["insured_category"] == "employee"


def test_a_choice_the_form_does_not_offer_is_not_filled() -> None:
    form = load_form("personal_registration")
    got = fills(person_prefill(form, person(insured_category="cadre", insurances=[]), {}, reason_kind="card_read"))
    assert "insured_category" not in got


def test_retirement_gets_the_pension_record_and_the_employer() -> None:
    form = load_form("retirement_approval")
    got = fills(person_prefill(form, person(), {}, reason_kind="card_read"))
    assert got["contribution_months"] == "300" and got["deemed_contribution_months"] == "66"
    assert got["avg_contribution_index"] == "1.12" and got["account_balance"] == "85321.40"
    assert got["employer_name"] == EMPLOYER.name and got["employer_credit_code"] == EMPLOYER.uscc
    assert "employer_code" not in got  # the retirement form has no such field


def test_second_registration_of_an_insured_person_warns_and_asks_at_submit() -> None:
    got = person_prefill(load_form("personal_registration"), person(), {}, reason_kind="card_read")
    duplicate = next(n for n in got.notices if n.kind == "duplicate")
    assert duplicate.tone == "warn" and "已在中心系统参保登记" in duplicate.text and EMPLOYER.name in duplicate.text
    assert got.confirm is not None and "原因" in got.confirm and got.stop is None


def test_a_person_whose_insurance_stopped_registers_again_without_a_question() -> None:
    stopped = [InsuranceOut(insurance="pension", status="stopped", since="2010-01", months=60)]
    got = person_prefill(load_form("personal_registration"), person(insurances=stopped, employer=None), {},
                         reason_kind="card_read")
    assert got.confirm is None and [n.kind for n in got.notices] == ["registered_before"]


def test_other_items_do_not_warn_about_registration() -> None:
    got = person_prefill(load_form("personal_change"), person(), {}, reason_kind="card_read")
    assert got.confirm is None and not any(n.kind == "duplicate" for n in got.notices)


def test_the_lost_card_read_at_the_window_stops_the_form() -> None:
    lost = person(card=CardOut(status="lost", card_number="A12345678", changed_on="2026-11-02"))
    got = person_prefill(load_form("personal_change"), lost, {}, reason_kind="card_read", card_number="A12345678")
    assert got.stop is not None and got.stop.kind == "card_lost"
    assert "2026-11-02" in got.stop.text and "请持本人身份证办理补卡" in got.stop.text


def test_a_replaced_card_stops_and_says_to_use_the_new_one() -> None:
    replaced = person(card=CardOut(status="replaced", changed_on="2026-10-01"))
    stop = card_notice(replaced, "card_read", "A12345678")
    assert stop is not None and stop.tone == "stop" and "新卡" in stop.text


def test_a_lost_card_is_only_told_when_the_id_card_was_read_or_another_card_was() -> None:
    lost = person(card=CardOut(status="lost", card_number="A12345678"))
    by_id = card_notice(lost, "id_card_read", None)
    other = card_notice(lost, "card_read", "B99999999")
    assert by_id is not None and by_id.tone == "info" and other is not None and other.tone == "info"


def test_a_retiree_applying_to_retire_again_is_warned() -> None:
    retired = person(benefit=BenefitOut(status="pension", since="2010-01-01", monthly_amount="4200.00"))
    got = person_prefill(load_form("retirement_approval"), retired, {}, reason_kind="card_read")
    assert any(n.kind == "already_retired" for n in got.notices)


def test_the_deceased_gets_pension_months_monthly_pension_paid_until_and_total_months() -> None:
    form = load_form("death_benefit")
    dead = person(benefit=BenefitOut(status="pension", since="2010-01-01", monthly_amount="4200.00",
                                     paid_until="2026-11", pension_months=203))
    got = deceased_prefill(form, dead, {"deceased_id_number": ID})
    assert fills(got) == {"deceased_name": "李秀英", "was_pensioner": "yes", "pension_months": "203",
                          "pension_paid_until": "2026-11", "monthly_pension": "4200.00",
                          "contribution_months": "366"}
    assert any(n.kind == "pension_running" for n in got.notices)


def test_the_applicant_lookup_on_the_survivor_form_leaves_the_deceased_fields_alone() -> None:
    got = fills(person_prefill(load_form("death_benefit"), person(), {}, reason_kind="card_read"))
    assert set(got) == {"phone", "address"}


def test_a_death_already_recorded_gives_its_date() -> None:
    dead = person(benefit=BenefitOut(status="deceased", since="2026-10-20", pension_months=100))
    got = deceased_prefill(load_form("death_benefit"), dead, {})
    assert fills(got)["death_date"] == "2026-10-20" and fills(got)["was_pensioner"] == "yes"


def test_panel_numbers_say_central_until_the_clerk_changes_them() -> None:
    form = load_form("retirement_approval")
    central = {"contribution_months": ("300", "中心系统（截至 2026-12-06）"),
               "account_balance": ("85321.40", "中心系统（截至 2026-12-06）")}
    values = {"contribution_months": "300", "account_balance": "90000.00", "avg_contribution_index": "1.1"}
    assert panel_sources(form, values, central) == [("实际缴费月数", "中心系统（截至 2026-12-06）"),
                                                    ("平均缴费指数", TYPED_LABEL), ("个人账户储存额", TYPED_LABEL)]


def test_nobody_registered_is_a_first_registration_or_a_number_to_check() -> None:
    assert not_found_notice(load_form("personal_registration")).tone == "info"
    assert not_found_notice(load_form("death_benefit"), deceased=True).tone == "warn"
