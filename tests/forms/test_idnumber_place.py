"""The place code of ID numbers, judged with python-stdnum's county table, in our own words.

Each message case is its own test; the property test holds our check and ``stdnum.cn.ric`` to the
same verdict on generated numbers, except for the differences ``forms.birthplace`` documents.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from forms.birthplace import birth_place
from forms.idnumber import check_character, find_problem, parse

TODAY = date(2024, 6, 1)


def make(first17: str) -> str:
    """A valid number (check character and all) from its first 17 digits."""
    return first17 + check_character(first17)


def _real_codes() -> list[str]:
    """Every 6-digit code in stdnum's table, read from the file itself (not through our module)."""
    text = files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    codes, province = [], ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
        else:
            codes.append(province + line.split()[0])
    return codes


REAL_CODES = _real_codes()


# -- the examples ---------------------------------------------------------------------

def test_unknown_province_990426_is_refused_like_stdnum() -> None:
    number = "990426199112010074"
    assert ric.is_valid(number) is False
    problem = find_problem(number, today=TODAY)
    assert problem is not None
    assert problem.message == "第1-2位省级代码 99 不存在，请核对号码"
    assert problem.position == 0


def test_360426_is_jiangxi_dean_county() -> None:
    info = parse("360426199101010071", today=TODAY)
    assert info.place.province == "江西省"
    assert info.place.county == "德安县"
    assert info.region == "江西省九江市德安县"
    assert ric.get_birth_place("360426199101010071")["county"] == "德安县"


# -- each message -----------------------------------------------------------------------------

def test_unknown_county_code_in_a_known_province_names_digits_3_to_6() -> None:
    problem = find_problem(make("36049919910101007"), today=TODAY)
    assert problem is not None
    assert problem.message == "第3-6位有误：地址码 360499 不是有效的行政区划代码，请核对号码"
    assert problem.position == 2


def test_unknown_province_is_reported_as_soon_as_two_digits_are_typed() -> None:
    problem = find_problem("99", today=TODAY)
    assert problem is not None and problem.position == 0
    assert problem.message == "第1-2位省级代码 99 不存在，请核对号码"


def test_unknown_county_is_reported_as_soon_as_six_digits_are_typed() -> None:
    problem = find_problem("3604991991", today=TODAY)
    assert problem is not None and problem.position == 2


def test_a_real_partial_code_only_asks_for_the_rest() -> None:
    problem = find_problem("36042", today=TODAY)
    assert problem is not None and problem.message == "应为18位，当前为5位"


def test_code_retired_before_the_birth_year_is_refused() -> None:
    number = make("11010320150101001")  # 崇文区 merged into 东城区 in 2010
    problem = find_problem(number, today=TODAY)
    assert problem is not None
    assert problem.message == "第1-6位地址码 110103（崇文区）2010年后已停用，不可能编给2015年出生的人，请核对号码"
    assert problem.position == 0
    assert ric.is_valid(number) is False


def test_code_retired_after_the_birth_year_is_kept() -> None:
    info = parse(make("11010319800101001"), today=TODAY)  # people keep their number when the county goes
    assert info.region == "北京市崇文区"
    assert info.place.verdict == "in_use"


def test_code_that_came_into_use_after_the_birth_year_is_accepted() -> None:
    number = make("36042619600101001")  # 德安县 has had 360426 since 1983; born 1960, numbered 1985
    assert find_problem(number, today=TODAY) is None
    info = parse(number, today=TODAY)
    assert info.place.verdict == "later" and info.place.in_use_from == 1983
    assert info.region == "江西省九江市德安县"
    assert ric.is_valid(number) is False  # the documented difference from stdnum


@pytest.mark.parametrize(("year", "county"), [("1985", "东郊区"), ("1995", "东丽区")])
def test_renamed_county_is_named_as_in_the_birth_year(year: str, county: str) -> None:
    assert parse(make(f"120110{year}0101001"), today=TODAY).place.county == county


def test_taiwan_residence_permit_code_830000_is_accepted() -> None:
    info = parse(make("83000019900101001"), today=TODAY)
    assert info.region == "台湾地区"


def test_municipality_district_shows_no_placeholder_level() -> None:
    assert parse(make("11010519800101001"), today=TODAY).region == "北京市朝阳区"  # not 北京市市辖区朝阳区


def test_hong_kong_is_named_in_simplified_characters() -> None:
    assert parse(make("81000019900101001"), today=TODAY).region == "香港特别行政区"


def test_a_wrong_place_digit_is_named_before_the_check_character() -> None:
    number = "990426199112010075"  # both the province and the check character are wrong
    problem = find_problem(number, today=TODAY)
    assert problem is not None and problem.position == 0


# -- agreement with stdnum ----------------------------------------------------------------------

def _stdnum_valid(number: str) -> bool:
    """``ric.is_valid``, except that stdnum 2.2 raises KeyError (not a ValidationError) for a county code
    missing from a province it knows (110001...): that is its "invalid" too."""
    try:
        return ric.is_valid(number)
    except KeyError:
        return False


def test_stdnum_itself_stumbles_on_an_unknown_county_we_name_it() -> None:
    number = make("11000120000101000")
    assert _stdnum_valid(number) is False
    problem = find_problem(number, today=TODAY)
    assert problem is not None and problem.position == 2


_places = st.one_of(st.sampled_from(REAL_CODES), st.from_regex(r"\A[0-9]{6}\Z"))
_births = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY).map(lambda d: d.strftime("%Y%m%d")),
    st.from_regex(r"\A(18|19|20)[0-9]{6}\Z"),
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=_places, birth=_births, sequence=st.from_regex(r"\A[0-9]{3}\Z"),
       last=st.one_of(st.none(), st.sampled_from("0123456789X")))
def test_our_check_and_stdnum_agree_on_validity(place: str, birth: str, sequence: str, last: str | None) -> None:
    first17 = place + birth + sequence
    number = first17 + (check_character(first17) if last is None else last)
    ours = find_problem(number, today=TODAY) is None
    theirs = _stdnum_valid(number)
    if ours == theirs:
        return
    # the documented differences, and nothing else
    if theirs:  # stdnum has no earliest year and does not know today
        born = ric.get_birth_date(number)
        assert born.year < 1900 or born > TODAY, number
        return
    # we accept what stdnum refuses only for a code that came into use after the birth year
    # (or the residence-permit code 830000 that stdnum's table lacks)
    place_info = birth_place(place, int(birth[:4]))
    assert place_info.verdict == "later" or place == "830000", number
    assert ric.get_birth_date(number)  # the date is fine for stdnum too: only the place differs
