"""The card read meets the rules: SSN check, agreement with the card's own fields, warnings, form values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.cards import check_card
from devices.card.sscard import SocialSecurityCardRecord

TODAY = date(2026, 11, 23)

CARD = SocialSecurityCardRecord(
    card_number="A12345678", card_id_code="610200D15600000500A1B2C3D4E5F60", region_code="610200",
    spec_version="3.00", issue_date=date(2020, 5, 1), expiry_date=date(2030, 5, 1), expired=False,
    ssn="11010519491231002X", name="李秀英", name_raw="李秀英".encode("gbk"), name_undecodable=False,
    sex="female", ethnicity_code="01", birthplace_code="110105", birth_date=date(1949, 12, 31), apdu_count=14,
)


def test_good_card_fills_the_form_without_warnings() -> None:
    reading = check_card(CARD, today=TODAY)
    assert reading.warnings == () and reading.ssn_valid
    assert reading.values == {"id_number": "11010519491231002X", "name": "李秀英", "sex": "female",
                              "birth_date": "1949-12-31", "ethnicity": "01"}
    assert reading.summary == "李秀英（110*************2X）"


def test_invalid_ssn_is_a_warning_that_names_the_character() -> None:
    reading = check_card(replace(CARD, ssn="110105194912310025"), today=TODAY)
    assert not reading.ssn_valid
    assert any("第18位" in w for w in reading.warnings)


def test_card_fields_that_disagree_with_the_ssn_are_flagged() -> None:
    reading = check_card(replace(CARD, sex="male", birth_date=date(1949, 12, 30)), today=TODAY)
    assert any("出生日期" in w for w in reading.warnings)
    assert any("性别" in w for w in reading.warnings)


def test_expired_card_is_flagged_but_still_usable() -> None:
    reading = check_card(replace(CARD, expired=True, expiry_date=date(2025, 1, 1)), today=TODAY)
    assert any("已过期" in w and "2025-01-01" in w for w in reading.warnings)
    assert reading.values["id_number"] == CARD.ssn


def test_undecodable_name_is_not_put_into_the_form() -> None:
    reading = check_card(replace(CARD, name="李\ufffd英", name_undecodable=True), today=TODAY)
    assert "name" not in reading.values
    assert any("人工更正" in w for w in reading.warnings)
