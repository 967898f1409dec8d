"""Citizen ID numbers (公民身份号码, GB 11643-1999).

The ID number is also the social security number (《社会保险经办条例》第六条), so every personal
form is keyed by it and a typo creates a second person in the central system. The checks here are
written for a clerk typing at a window: the problem found first is the one reported, it names the
exact position (1-based in the Chinese message, 0-based in ``position`` for the UI cursor), and
partial input is judged on what has been typed so far.

Structure: 6-digit region, 8-digit birth date YYYYMMDD, 3-digit sequence (odd = male), check
character computed from the first 17 digits.

The region must be a real GB/T 2260 code, judged with python-stdnum's county table
(``forms.birthplace``: which codes exist and the years each was in use); the messages stay ours,
because stdnum only says valid or invalid and the clerk needs to know which digit to look at.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Literal

from core.errors import ValidationError
from forms.birthplace import BirthPlace, birth_place, code_known, province_known
from forms.refdata import load_regions

LENGTH = 18
_DIGITS = frozenset("0123456789")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP = "10X98765432"
_EARLIEST_BIRTH_YEAR = 1900

Sex = Literal["male", "female"]


@dataclass(frozen=True)
class IdNumberInfo:
    """What a valid number tells about its holder, so forms can fill sex and birth date."""

    number: str
    birth_date: date
    sex: Sex
    region_code: str
    #: the place of birth (registration) as a clerk says it: 江西省九江市德安县
    region: str
    place: BirthPlace


@dataclass(frozen=True)
class IdNumberProblem:
    """The first thing wrong with a number, precise enough to put the cursor on it."""

    message: str
    position: int | None
    expected: str | None = None


def normalise(number: str) -> str:
    """Drop whitespace, fold full-width characters and upper-case the check ``x``.

    Clerks paste numbers with spaces and type with a Chinese input method that may produce
    full-width digits; both denote the same number.
    """
    folded = unicodedata.normalize("NFKC", number)
    return "".join(folded.split()).upper()


def check_character(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    if len(first17) != LENGTH - 1 or not set(first17) <= _DIGITS:
        raise ValueError("check_character needs exactly 17 ASCII digits")
    total = sum(int(ch) * weight for ch, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_MAP[total % 11]


def _character_problem(number: str) -> IdNumberProblem | None:
    for index, ch in enumerate(number[: LENGTH - 1]):
        if ch not in _DIGITS:
            return IdNumberProblem(f"第{index + 1}位应为数字", index)
    if len(number) >= LENGTH and number[LENGTH - 1] not in _DIGITS and number[LENGTH - 1] != "X":
        return IdNumberProblem(f"第{LENGTH}位应为数字或X", LENGTH - 1)
    return None


def _place_code_problem(number: str) -> IdNumberProblem | None:
    """A province or county code that never existed, judged on the digits typed so far."""
    if len(number) >= 2 and not province_known(number[:2]):
        return IdNumberProblem(f"第1-2位省级代码 {number[:2]} 不存在，请核对号码", 0)
    if len(number) >= 6 and not code_known(number[:6]):
        return IdNumberProblem(f"第3-6位有误：地址码 {number[:6]} 不是有效的行政区划代码，请核对号码", 2)
    return None


def _place_year_problem(number: str) -> IdNumberProblem | None:
    """A code retired before the birth year: it cannot have been assigned to this person."""
    place = birth_place(number[:6], int(number[6:10]))
    if place.verdict != "retired":
        return None
    return IdNumberProblem(f"第1-6位地址码 {place.code}（{place.county}）{place.retired_in}年后已停用，"
                           f"不可能编给{number[6:10]}年出生的人，请核对号码", 0)


def _birth_date_problem(number: str, today: date) -> IdNumberProblem | None:
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    shown = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    if year < _EARLIEST_BIRTH_YEAR:
        return IdNumberProblem(f"第7-10位出生年份无效：{number[6:10]}（不应早于{_EARLIEST_BIRTH_YEAR}年）", 6)
    try:
        born = date(year, month, day)
    except ValueError:
        return IdNumberProblem(f"第11-14位出生日期无效：{shown}", 10)
    if born > today:
        return IdNumberProblem(f"第7-14位出生日期晚于今天：{shown}", 6)
    return None


def find_problem(number: str, *, today: date | None = None) -> IdNumberProblem | None:
    """The first problem with ``number``, or ``None`` when it is a valid 18-character number.

    Order: illegal characters typed so far, then a place code that never existed (as soon as its
    digits are typed), then length, then the birth date, then a place code retired before the
    birth year, then the check character. A wrong place or birth-date digit usually also breaks
    the check character; naming the place or the date is the more useful message.
    """
    normalised = normalise(number)
    problem = _character_problem(normalised) or _place_code_problem(normalised)
    if problem is not None:
        return problem
    if len(normalised) != LENGTH:
        return IdNumberProblem(f"应为{LENGTH}位，当前为{len(normalised)}位", None)
    problem = _birth_date_problem(normalised, today or date.today()) or _place_year_problem(normalised)
    if problem is not None:
        return problem
    expected = check_character(normalised[: LENGTH - 1])
    actual = normalised[LENGTH - 1]
    if actual != expected:
        return IdNumberProblem(f"第{LENGTH}位校验码应为 {expected}，实际为 {actual}", LENGTH - 1, expected)
    return None


def parse(number: str, *, today: date | None = None,
          regions: Mapping[str, str] | None = None) -> IdNumberInfo:
    """Decode a valid number; ``ValidationError`` (field ``id_number``) when it is not.

    ``regions`` (2-digit prefix -> province name, simplified Chinese) may be passed by callers that
    parse often and keep the table; otherwise it is read from ``resources/regions.json``. A province
    missing from it keeps stdnum's name (which writes 香港/澳门 in traditional characters).
    """
    problem = find_problem(number, today=today)
    if problem is not None:
        raise ValidationError("id_number", problem.message, position=problem.position,
                              expected=problem.expected)
    normalised = normalise(number)
    table = load_regions() if regions is None else regions
    sex: Sex = "male" if int(normalised[16]) % 2 == 1 else "female"
    place = birth_place(normalised[:6], int(normalised[6:10]))
    province = table.get(normalised[:2])
    if province:
        place = replace(place, province=province)
    return IdNumberInfo(
        number=normalised,
        birth_date=date(int(normalised[6:10]), int(normalised[10:12]), int(normalised[12:14])),
        sex=sex,
        region_code=normalised[:6],
        region=place.name,
        place=place,
    )


def region_of(number: str, *, today: date | None = None) -> BirthPlace | None:
    """The region a valid number's first six digits name (as of the birth year), or None for a number that
    is not valid or whose region cannot be (the shown name is the one the window and receipts use)."""
    try:
        place = parse(number, today=today, regions=_province_names()).place
    except ValidationError:
        return None
    return place if place.possible and place.name else None


@functools.cache
def _province_names() -> Mapping[str, str]:
    """The shipped province names, read once: ``region_of`` runs on the window's thread as numbers are typed."""
    return MappingProxyType(load_regions())


def convert_15_to_18(number15: str) -> str:
    """Upgrade a first-generation 15-digit number: insert century "19", append the check character.

    15-digit numbers were issued before 1999 with a 2-digit birth year, all of them 19xx. Older
    records in the central system and paper files still carry them.
    """
    normalised = normalise(number15)
    if len(normalised) != 15:
        raise ValidationError("id_number", f"15位旧号码应为15位，当前为{len(normalised)}位")
    if not set(normalised) <= _DIGITS:
        raise ValidationError("id_number", "15位旧号码应全部为数字")
    first17 = normalised[:6] + "19" + normalised[6:]
    return first17 + check_character(first17)
