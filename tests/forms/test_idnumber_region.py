"""号码归属地 (``forms.idnumber.region_of``): the region a valid number's first six digits name."""

from __future__ import annotations

from forms.idnumber import check_character, region_of


def _number(first17: str) -> str:
    return first17 + check_character(first17)


def test_a_valid_number_names_its_county() -> None:
    assert (place := region_of(_number("36042619840101001"))) is not None
    assert place.name == "江西省九江市德安县"
    assert (place := region_of(_number("11010519491231002"))) is not None and place.name == "北京市朝阳区"


def test_an_invalid_or_incomplete_number_names_nothing() -> None:
    assert region_of("110105194912310021") is None  # wrong check character
    assert region_of("1101051949") is None
    assert region_of(_number("99042619840101001")) is None  # no such province
