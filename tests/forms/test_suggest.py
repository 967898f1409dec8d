"""Values that follow from what is already there: a card's address suggested, a choice implied by a typed value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms.definitions import FormDef
from forms.suggest import implied_choices, suggest_from_read

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def registration() -> FormDef:
    return FormDef.model_validate(json.loads((ROOT / "resources/forms/personal_registration.json").read_text()))


def run_suggest(form: FormDef, values: dict[str, str], filled: list[str]) -> list[str]:
    return suggest_from_read(form, filled, lambda key: values.get(key, ""),
                             lambda key, value: values.__setitem__(key, value))


def test_residence_address_is_suggested_from_the_household_address_read(registration: FormDef) -> None:
    values = {"household_address": "北京市东城区南池子大街12号"}
    assert run_suggest(registration, values, ["household_address"]) == ["常住地址"]
    assert values["address"] == "北京市东城区南池子大街12号"


def test_an_address_already_typed_is_not_overwritten(registration: FormDef) -> None:
    values = {"household_address": "北京市东城区南池子大街12号", "address": "陕西省铜川市红旗街1号"}
    assert run_suggest(registration, values, ["household_address"]) == []
    assert values["address"] == "陕西省铜川市红旗街1号"


def test_nothing_is_suggested_when_the_card_held_no_address(registration: FormDef) -> None:
    values: dict[str, str] = {"name": "张伟"}
    assert run_suggest(registration, values, ["name"]) == []
    assert "address" not in values


def test_a_contribution_base_implies_a_flexible_worker(registration: FormDef) -> None:
    assert implied_choices(registration, {"contribution_base": "4200"}) == {"insured_category": "flexible"}


def test_an_employer_code_implies_an_employee(registration: FormDef) -> None:
    assert implied_choices(registration, {"employer_code": "61020200001"}) == {"insured_category": "employee"}


def test_an_empty_form_gets_the_default_answer_and_fields_of_different_answers_none(registration: FormDef) -> None:
    assert implied_choices(registration, {}) == {"insured_category": "flexible"}  # no employer named
    assert implied_choices(registration, {"employer_code": "61020200001"}) == {"insured_category": "employee"}
    assert implied_choices(registration, {"employer_code": "61020200001", "work_start_date": "2001-07-01",
                                          "other": "x"}) == {"insured_category": "employee"}


def test_an_implied_default_must_be_one_of_the_choices(registration: FormDef) -> None:
    data = registration.model_dump(by_alias=True, exclude_none=True)
    category = next(f for s in data["sections"] for f in s["fields"] if f["key"] == "insured_category")
    category["implied_default"] = "retired"
    with pytest.raises(ValueError, match="implied_default"):
        FormDef.model_validate(data)


def test_a_choice_already_made_is_left_alone(registration: FormDef) -> None:
    values = {"insured_category": "employee", "contribution_base": "4200"}
    assert implied_choices(registration, values) == {}


def test_a_suggestion_naming_an_unknown_field_is_refused(registration: FormDef) -> None:
    data = registration.model_dump(by_alias=True, exclude_none=True)
    data["sections"][1]["fields"][2]["suggest_from"] = "no_such_field"
    with pytest.raises(ValueError, match="suggests from unknown field"):
        FormDef.model_validate(data)
