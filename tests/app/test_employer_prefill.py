"""An employer item's unit from the central system (``app.prefill.employer_prefill``): pure, on built answers."""

from __future__ import annotations

from app.prefill import employer_not_found_notice, employer_prefill
from forms.definitions import load_form
from protocol.lookup import EmployerOut

CHANGE = load_form("employer_change")
BASES = load_form("contribution_base")


def unit(**changes: object) -> EmployerOut:
    base: dict[str, object] = {
        "unit_number": "61020200001", "uscc": "91610202MA6X4LBX5C", "name": "铜川市王益区示例机械有限公司",
        "status": "normal", "registered_on": "2015-03-01", "address": "铜川市王益区红旗街2号",
        "legal_representative": "赵国强", "insured_staff": 12, "arrears_amount": "0.00", "arrears_months": 0,
        "as_of": "2026-12-01T00:00:00+08:00"}
    return EmployerOut.model_validate(base | changes)


def test_the_units_codes_name_and_legal_representative_fill_what_is_empty() -> None:
    prefill = employer_prefill(CHANGE, unit(), {"unit_number": "61020200001"})
    filled = {f.key: f.value for f in prefill.fills}
    assert filled == {"credit_code": "91610202MA6X4LBX5C", "employer_name": "铜川市王益区示例机械有限公司",
                      "legal_rep_name": "赵国强"}
    assert prefill.source == "中心系统（截至 2026-12-01）" and prefill.stop is None
    assert [n.tone for n in prefill.notices] == ["info"] and "在职参保 12 人" in prefill.notices[0].text


def test_what_the_clerk_typed_stays_and_a_different_name_is_said() -> None:
    prefill = employer_prefill(BASES, unit(), {"unit_number": "61020200001", "employer_name": "示例机械公司"},
                               owned={"legal_rep_name"})
    assert {f.key for f in prefill.fills} == {"credit_code"}
    assert any(n.kind == "name_differs" and n.tone == "warn" for n in prefill.notices)


def test_a_cancelled_unit_stops_the_form_and_arrears_are_said() -> None:
    cancelled = employer_prefill(BASES, unit(status="cancelled"), {"unit_number": "61020200001"})
    assert cancelled.stop is not None and "已在中心系统注销" in cancelled.stop.text
    assert BASES.name in cancelled.stop.text
    owing = employer_prefill(CHANGE, unit(arrears_amount="3600.50", arrears_months=3), {})
    assert owing.stop is None
    assert any(n.kind == "arrears" and "3600.50" in n.text and "3 个月" in n.text for n in owing.notices)


def test_an_unknown_unit_is_a_warning_naming_the_item() -> None:
    notice = employer_not_found_notice(CHANGE)
    assert notice.tone == "warn" and CHANGE.name in notice.text
