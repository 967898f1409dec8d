"""The shipped forms of the pension service items: they load, ask for what such a form asks for,
demand only materials with a legal basis, and accept a filled example while rejecting broken ones.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from forms.catalogue import ServiceItem, load_catalogue
from forms.definitions import Condition, FormDef, available_forms, condition_parts, load_form, parse_form, weakenings
from forms.idnumber import check_character
from forms.refdata import resource_file
from forms.validate import validate_form

TODAY = date(2025, 6, 16)
APPLICANT_ID = "61020219650315123" + check_character("61020219650315123")  # male, born 1965-03-15
OTHER_ID = "11010519491231002X"  # female, born 1949-12-31
CREDIT_CODE = "91610200MA6YB12347"

NEW_FORMS = ["retirement_approval", "death_benefit", "personal_change", "benefit_suspension",
             "overpaid_refund", "pension_transfer_provincial", "employer_registration"]

#: form -> fields a real form of that kind cannot do without
KEY_FIELDS: dict[str, set[str]] = {
    "retirement_approval": {"id_number", "name", "sex", "birth_date", "insured_category", "retirement_type",
                            "retirement_month", "work_start_date", "contribution_months",
                            "deemed_contribution_months", "employer_name", "employer_credit_code", "bank_name",
                            "bank_account", "account_holder", "phone", "agent_name", "agent_id_number"},
    "death_benefit": {"deceased_id_number", "deceased_name", "death_date", "death_cause", "was_pensioner",
                      "pension_months", "contribution_months", "id_number", "name", "relation_to_deceased",
                      "bank_name", "bank_account", "account_holder", "phone", "agent_name"},
    "personal_change": {"id_number", "name", "change_item", "old_value", "new_value", "change_reason", "phone",
                        "agent_name"},
    "benefit_suspension": {"beneficiary_id_number", "beneficiary_name", "suspension_reason", "event_date",
                           "effective_month", "id_number", "name", "agent_name"},
    "overpaid_refund": {"id_number", "name", "refund_from", "refund_to", "refund_amount", "refund_reason",
                        "bank_name", "bank_account", "account_holder", "agent_name"},
    "pension_transfer_provincial": {"id_number", "name", "from_region", "to_region", "from_agency", "to_agency",
                                    "period_from", "period_to", "agent_name"},
    "employer_registration": {"credit_code", "employer_name", "employer_type", "registered_address",
                              "legal_rep_name", "legal_rep_id_number", "contact_name", "contact_phone",
                              "bank_name", "bank_account", "account_holder"},
}

PERSON = {"id_type": "01", "id_number": APPLICANT_ID, "name": "王建国", "sex": "male", "birth_date": "1965-03-15",
          "phone": "13912345678"}
BANK = {"bank_name": "中国工商银行铜川分行", "bank_account": "6222021234567890123", "account_holder": "王建国"}

#: a filled example of each form that must pass validation
VALID: dict[str, dict[str, str]] = {
    "retirement_approval": PERSON | BANK | {
        "insured_category": "employee", "retirement_type": "normal", "retirement_month": "2025-07",
        "work_start_date": "1985-07-01", "contribution_months": "420", "deemed_contribution_months": "36",
        "employer_name": "铜川市某机械有限公司", "employer_credit_code": CREDIT_CODE,
        "address": "铜川市王益区红旗街1号"},
    "death_benefit": PERSON | BANK | {
        "deceased_id_number": OTHER_ID, "deceased_name": "李秀兰", "death_date": "2025-05-20",
        "death_cause": "illness", "was_pensioner": "yes", "pension_months": "240", "contribution_months": "345",
        "relation_to_deceased": "child", "pension_paid_until": "2025-05", "monthly_pension": "3120.50"},
    "personal_change": PERSON | {
        "person_status": "retiree", "change_item": "contact", "old_value": "0919-1234567",
        "new_value": "13912345678", "change_reason": "更换联系电话"},
    "benefit_suspension": PERSON | {
        "beneficiary_id_number": OTHER_ID, "beneficiary_name": "李秀兰", "suspension_reason": "emigration",
        "event_date": "2025-05-20", "effective_month": "2025-06", "reporter_relation": "relative"},
    "overpaid_refund": PERSON | BANK | {
        "refund_from": "2024-01", "refund_to": "2024-06", "refund_amount": "1234.50", "refund_reason": "duplicate"},
    "pension_transfer_provincial": PERSON | {
        "from_region": "西安市", "from_agency": "西安市社会保险经办中心", "to_region": "铜川市",
        "to_agency": "铜川市社会保险经办中心", "period_from": "2010-01", "period_to": "2025-05"},
    "employer_registration": {
        "credit_code": CREDIT_CODE, "employer_name": "铜川市某机械有限公司", "employer_type": "enterprise",
        "registered_address": "铜川市新区正阳路2号", "legal_rep_name": "王建国", "legal_rep_id_number": APPLICANT_ID,
        "contact_name": "张敏", "contact_phone": "0919-3123456", "bank_name": "中国建设银行铜川分行",
        "bank_account": "61050163000000001234", "account_holder": "铜川市某机械有限公司"},
    # issue 20: the employer items
    "employer_change": {
        "unit_number": "61020012345", "credit_code": CREDIT_CODE, "employer_name": "铜川市某机械有限公司",
        "change_type": "bank", "change_date": "2025-06-10", "new_bank_name": "中国建设银行铜川分行",
        "new_bank_account": "61050163000000005678", "new_account_holder": "铜川市某机械有限公司",
        "legal_rep_name": "王建国", "legal_rep_id_number": APPLICANT_ID},
    "contribution_base": {
        "unit_number": "61020012345", "credit_code": CREDIT_CODE, "employer_name": "铜川市某机械有限公司",
        "declare_year": "2025", "staff_count": "40", "wage_total": "3264000", "base_total": "272000",
        "legal_rep_name": "王建国", "legal_rep_id_number": APPLICANT_ID},
    "staff_batch_import": {
        "unit_number": "61020012345", "employer_name": "铜川市某机械有限公司", "row_count": "40",
        "legal_rep_name": "王建国", "legal_rep_id_number": APPLICANT_ID},
}

#: (form, field, bad value): the example with that one value broken fails on exactly that field
BROKEN = [
    ("retirement_approval", "bank_account", "62220212345"),
    ("retirement_approval", "bank_account", "6222-0212-3456-7890"),
    ("retirement_approval", "retirement_month", "2025-13"),
    ("retirement_approval", "retirement_month", "202507"),
    ("retirement_approval", "contribution_months", "-1"),
    ("retirement_approval", "contribution_months", "12.5"),
    ("retirement_approval", "employer_credit_code", "91610200MA6YB1234"),
    ("retirement_approval", "insured_category", "retired"),
    ("death_benefit", "sex", "female"),  # (a retiring woman would also be asked her post: one field each)
    ("death_benefit", "bank_account", "abc123456789"),
    ("death_benefit", "death_cause", "unknown"),
    ("death_benefit", "deceased_id_number", "110105194912310021"),
    ("death_benefit", "relation_to_deceased", ""),
    ("personal_change", "change_item", ""),
    ("benefit_suspension", "effective_month", "2025-6"),
    ("benefit_suspension", "suspension_reason", "holiday"),
    ("overpaid_refund", "refund_amount", "12.345"),
    ("overpaid_refund", "refund_amount", "-5"),
    ("overpaid_refund", "refund_from", "2024-00"),
    ("overpaid_refund", "bank_account", "1234567890123456789012"),
    ("pension_transfer_provincial", "period_to", "May 2025"),
    ("pension_transfer_provincial", "to_agency", ""),
    ("employer_registration", "credit_code", "91610200MA6YB1234O"),
    ("employer_registration", "legal_rep_id_number", "610202196503151230"),
    ("employer_registration", "contact_phone", "12345"),
    ("employer_registration", "establishment_date", "2025-06-17"),
    ("death_benefit", "death_date", "2025-06-17"),
    ("death_benefit", "pension_months", "12.5"),
    ("death_benefit", "monthly_pension", "12.345"),
    ("benefit_suspension", "event_date", "2025-06-17"),
    ("benefit_suspension", "effective_month", "2025-13"),
    ("overpaid_refund", "refund_to", "2025-07"),
    ("retirement_approval", "avg_contribution_index", "3.5"),
    ("retirement_approval", "avg_contribution_index", "0.5"),
    ("retirement_approval", "account_balance", "12.345"),
    ("retirement_approval", "work_start_date", "2025-06-17"),
    ("employer_change", "new_bank_account", "6105-0163"),
    ("employer_change", "change_date", "2025-06-17"),
    ("employer_change", "unit_number", "6102-001"),
    ("contribution_base", "staff_count", "0"),
    ("contribution_base", "declare_year", "1999"),
    ("contribution_base", "wage_total", "12.345"),
    ("staff_batch_import", "row_count", "0"),
]


@pytest.fixture(scope="module")
def catalogue() -> list[ServiceItem]:
    return load_catalogue()


def test_every_linked_item_loads(catalogue: list[ServiceItem]) -> None:
    for item in catalogue:
        if item.form_code is not None:
            form = load_form(item.form_code)
            assert form.code == item.form_code


@pytest.mark.parametrize("code", NEW_FORMS)
def test_form_is_shipped_for_its_catalogue_item(catalogue: list[ServiceItem], code: str) -> None:
    assert code in available_forms()
    item = next(item for item in catalogue if item.code == code)
    form = load_form(code)
    assert form.name == item.name
    # linked, and the receipt's due date and the catalogue agree
    assert item.form_code == code
    assert form.time_limit_working_days == item.time_limit_working_days
    assert form.time_limit_basis == item.time_limit_basis


@pytest.mark.parametrize("code", NEW_FORMS)
def test_key_fields_present(code: str) -> None:
    keys = {field.key for field in load_form(code).fields()}
    assert KEY_FIELDS[code] <= keys


@pytest.mark.parametrize("code", available_forms())
def test_materials_have_legal_bases_and_known_conditions(code: str) -> None:
    form = load_form(code)
    keys = {field.key for field in form.fields()}
    assert form.materials, "the ID at least is always captured"
    for material in form.materials:
        assert "《" in material.legal_basis and "》" in material.legal_basis
        assert material.required_when is None or all(
            part.field in keys for part in condition_parts(material.required_when))
    id_copies = [material for material in form.materials if material.capture == "id_copy"]
    assert any(material.required_when is None for material in id_copies)


@pytest.mark.parametrize("code", NEW_FORMS)
def test_agent_section_and_card_sources(code: str) -> None:
    form = load_form(code)
    agent = [section for section in form.sections if section.role == "agent"]
    assert len(agent) == 1
    assert {field.source for field in agent[0].fields} >= {"name", "id_number"}
    # issue 19: the standard agent part - the ID copy whenever an agent acts, the authorisation by relation
    authorisation = next(material for material in form.materials if material.key == "authorisation")
    assert isinstance(authorisation.required_when, Condition)
    assert authorisation.required_when.field == "agent_relation"
    assert any(m.key == "agent_identity_document" and m.capture == "id_copy" for m in form.materials)
    for field in form.fields():
        if field.derived_from is not None:
            assert next(f for f in form.fields() if f.key == field.derived_from).type == "idnumber"


def test_employer_has_no_card_of_its_own() -> None:
    form = load_form("employer_registration")
    sourced = {field.key for section in form.sections if section.role == "applicant"
               for field in section.fields if field.source is not None}
    assert sourced == {"legal_rep_name", "legal_rep_id_number"}


@pytest.mark.parametrize(("code", "tier"), [
    ("retirement_approval", "review_approval"), ("death_benefit", "review_approval"),
    ("benefit_suspension", "review"),
    ("personal_change", "none"), ("overpaid_refund", "none"), ("pension_transfer_provincial", "none"),
    ("employer_registration", "none"), ("personal_registration", "none")])
def test_key_business_declares_its_review_tier(code: str, tier: str) -> None:
    assert load_form(code).review.tier == tier


@pytest.mark.parametrize(("code", "values", "tier"), [
    ("overpaid_refund", {"refund_amount": "5000"}, "none"),
    ("overpaid_refund", {"refund_amount": "5000.01"}, "review"),
    ("overpaid_refund", {"refund_amount": "50000.01"}, "review_approval"),
    ("overpaid_refund", {"refund_amount": "abc"}, "none"),
    ("personal_change", {"change_item": "id_number"}, "review"),
    ("personal_change", {"change_item": "birth_date"}, "review"),
    ("personal_change", {"change_item": "bank_account"}, "review"),
    ("personal_change", {"change_item": "contact"}, "none"),
    ("retirement_approval", {}, "review_approval")])
def test_conditions_raise_the_tier(code: str, values: dict[str, str], tier: str) -> None:
    assert load_form(code).review_tier(values) == tier


def test_an_older_definition_saying_second_approval_is_the_review_tier() -> None:
    data = json.loads(resource_file("forms", "benefit_suspension.json").read_text(encoding="utf-8"))
    del data["review"]
    data["second_approval"] = True
    assert parse_form(json.dumps(data), "sent").review.tier == "review"
    data["second_approval"] = False
    assert parse_form(json.dumps(data), "sent").review.tier == "none"


def test_weakenings_name_a_lowered_tier_a_dropped_raise_and_a_dropped_material() -> None:
    old = load_form("overpaid_refund")
    assert weakenings(old, old) == []
    data = json.loads(resource_file("forms", "overpaid_refund.json").read_text(encoding="utf-8"))
    data["review"]["raised_when"] = data["review"]["raised_when"][:1]
    data["materials"] = data["materials"][1:]
    found = weakenings(old, parse_form(json.dumps(data), "sent"))
    assert any("50000" in line for line in found)
    assert any(old.materials[0].name in line for line in found)
    retirement = load_form("retirement_approval")
    data = json.loads(resource_file("forms", "retirement_approval.json").read_text(encoding="utf-8"))
    data["review"] = {"tier": "none"}
    assert weakenings(retirement, parse_form(json.dumps(data), "sent")) == ["审核级别由“复核＋审批”降为“无需复核”"]
    assert weakenings(parse_form(json.dumps(data), "sent"), retirement) == []


@pytest.mark.parametrize(("code", "days", "article"), [
    ("retirement_approval", 20, "《社会保险经办条例》第十八条"),
    ("personal_change", 10, "《社会保险经办条例》第十条"),
    ("death_benefit", None, "《社会保险经办条例》第十九条"),
    ("benefit_suspension", None, "《社会保险经办条例》第二十五条"),
    ("pension_transfer_provincial", None, "《社会保险经办条例》第十六条"),
    ("employer_registration", None, "《社会保险经办条例》第六条第一款"),
    ("overpaid_refund", None, "《社会保险经办条例》未规定"),
])
def test_time_limits(code: str, days: int | None, article: str) -> None:
    """Only the regulation's own day counts; no stand-in limit "参照" another article."""
    form = load_form(code)
    assert form.time_limit_working_days == days
    assert form.time_limit_basis.startswith(article)
    assert "参照" not in form.time_limit_basis
    if days is None:
        assert "未规定" in form.time_limit_basis
    else:
        assert form.time_limit_basis == article


def test_retirement_categories_match_the_rules() -> None:
    from forms.rules.retirement import Category

    field = next(f for f in load_form("retirement_approval").fields() if f.key == "insured_category")
    assert [choice.value for choice in field.choices] == [category.value for category in Category]


@pytest.mark.parametrize(("code", "condition", "material"), [
    ("retirement_approval", {"retirement_type": "disability"}, "disability_appraisal"),
    ("retirement_approval", {"retirement_type": "special_occupation"}, "special_occupation_proof"),
    ("retirement_approval", {"personnel_file_keeper": "x"}, "personnel_file"),
    ("personal_change", {"change_item": "name"}, "household_change_proof"),
    ("personal_change", {"change_item": "id_number"}, "household_change_proof"),
    ("personal_change", {"change_item": "birth_date"}, "household_change_proof"),
    ("death_benefit", {"agent_name": "王五", "agent_relation": "relative"}, "authorisation"),
    ("death_benefit", {"agent_name": "王五"}, "agent_identity_document"),
])
def test_conditional_materials(code: str, condition: dict[str, str], material: str) -> None:
    form = load_form(code)
    found = next(m for m in form.materials if m.key == material)
    assert not found.is_required(VALID[code])
    assert found.is_required(VALID[code] | condition)


@pytest.mark.parametrize(("code", "condition", "field"), [
    ("retirement_approval", {"retirement_type": "disability"}, "disability_appraisal_no"),
    ("retirement_approval", {"retirement_type": "special_occupation"}, "special_occupation"),
    ("personal_change", {"change_item": "name"}, "household_proof_issuer"),
    ("death_benefit", {"pension_paid_until": "2025-06", "monthly_pension": ""}, "monthly_pension"),
])
def test_conditional_fields(code: str, condition: dict[str, str], field: str) -> None:
    """Asked for exactly when the case needs it: the form fails on that field alone, then passes."""
    form = load_form(code)
    assert list(validate_form(form, VALID[code] | condition, today=TODAY)) == [field]
    assert validate_form(form, VALID[code] | condition | {field: FILLERS[field]}, today=TODAY) == {}


FILLERS = {"disability_appraisal_no": "铜劳鉴〔2025〕12号", "special_occupation": "井下采掘 10年",
           "household_proof_issuer": "铜川市公安局王益分局", "monthly_pension": "3120.50"}


def test_pension_months_needed_only_for_a_pensioner() -> None:
    form = load_form("death_benefit")
    assert list(validate_form(form, VALID["death_benefit"] | {"pension_months": ""}, today=TODAY)) == [
        "pension_months"]
    worker = VALID["death_benefit"] | {"was_pensioner": "no", "pension_months": ""}
    assert validate_form(form, worker, today=TODAY) == {}


@pytest.mark.parametrize(("code", "earlier", "later"), [
    ("overpaid_refund", "refund_from", "refund_to"),
    ("pension_transfer_provincial", "period_from", "period_to"),
])
def test_periods_run_forwards(code: str, earlier: str, later: str) -> None:
    form = load_form(code)
    same = VALID[code] | {later: VALID[code][earlier]}
    assert validate_form(form, same, today=TODAY) == {}
    start = VALID[code][earlier]
    before = f"{int(start[:4]) - 1}{start[4:]}"
    assert list(validate_form(form, VALID[code] | {later: before}, today=TODAY)) == [later]


@pytest.mark.parametrize("code", NEW_FORMS)
def test_valid_example_passes(code: str) -> None:
    assert validate_form(load_form(code), VALID[code], today=TODAY) == {}


@pytest.mark.parametrize(("code", "key", "value"), BROKEN)
def test_broken_example_fails_on_the_field(code: str, key: str, value: str) -> None:
    form: FormDef = load_form(code)
    problems = validate_form(form, VALID[code] | {key: value}, today=TODAY)
    assert list(problems) == [key]
