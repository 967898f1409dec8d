"""The card read meets the rules: SSN check, agreement with the card's own fields, warnings, form values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.cards import check_card, check_id_card
from devices.card.sscard import SocialSecurityCardRecord
from devices.idcard.record import IdCardRecord

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


ID_CARD = IdCardRecord(
    card_type="resident", name="张伟", name_en=None, sex="male", sex_code="1", ethnicity_code="01", ethnicity="汉",
    birth_date=date(1965, 3, 15), address="陕西省铜川市王益区红旗街1号", id_number="610202196503150137",
    issuer="铜川市公安局王益分局", valid_from=date(2016, 3, 1), valid_to=None, valid_long_term=True,
    nationality=None, pass_number=None, issue_count=None, photo=b"\x00" * 1024,
)


def test_resident_id_card_fills_identity_and_address() -> None:
    reading = check_id_card(ID_CARD, today=TODAY)
    assert reading.source == "居民身份证" and reading.warnings == ()
    assert reading.values == {"id_number": "610202196503150137", "name": "张伟", "sex": "male",
                              "birth_date": "1965-03-15", "ethnicity": "01", "address": "陕西省铜川市王益区红旗街1号"}


def test_expired_id_card_is_flagged_long_term_is_not() -> None:
    expired = replace(ID_CARD, valid_long_term=False, valid_to=date(2026, 11, 22))
    assert any("已过期" in w and "2026-11-22" in w for w in check_id_card(expired, today=TODAY).warnings)
    still_valid = replace(ID_CARD, valid_long_term=False, valid_to=date(2026, 11, 23))
    assert check_id_card(still_valid, today=TODAY).warnings == ()


def test_id_number_rules_apply_to_resident_and_hkmt_cards_only() -> None:
    bad = check_id_card(replace(ID_CARD, id_number="610202196503150138"), today=TODAY)
    assert not bad.ssn_valid and any("第18位" in w for w in bad.warnings)
    permit = check_id_card(replace(ID_CARD, card_type="hkmt_permit", id_number="810000199001010018"),
                           today=TODAY)
    assert permit.source == "港澳台居民居住证"
    foreign = check_id_card(replace(ID_CARD, card_type="foreign_old", id_number="USA110065030101",
                                    ethnicity_code=None), today=TODAY)
    assert foreign.source == "外国人永久居留身份证" and foreign.ssn_valid and foreign.warnings == ()
