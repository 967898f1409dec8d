"""GB 11643 ID numbers: valid examples, every kind of problem, 15-to-18 conversion."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import ValidationError
from forms.idnumber import check_character, convert_15_to_18, find_problem, parse

TODAY = date(2024, 6, 1)


def make(first17: str) -> str:
    """A valid number from its first 17 digits."""
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),  # the example of GB 11643 itself
        ("44052418800101001", "4"),  # the standard's second example
        ("13050319670401001", "6"),
    ],
)
def test_check_character_known_values(first17: str, check: str) -> None:
    assert check_character(first17) == check


@pytest.mark.parametrize("bad", ["", "1234", "1101051949123100", "110105194912310021", "1101051949123100A"])
def test_check_character_needs_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_character(bad)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "11010519491231002x",  # lower-case check character
        " 110105 19491231 002X ",  # spaces typed or pasted
        "１１０１０５１９４９１２３１００２ｘ",  # full-width input method
        make("61020219800101123"),
        make("61020220000229002"),  # leap day in a leap century year
        make("61020219000101001"),  # earliest accepted year
        make("61020220240601001"),  # born today
    ],
)
def test_valid_numbers(number: str) -> None:
    assert find_problem(number, today=TODAY) is None


def test_parse_decodes_fields() -> None:
    info = parse("11010519491231002x", today=TODAY)
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"
    assert info.region_code == "110105"
    assert info.region == "北京市朝阳区"


@pytest.mark.parametrize(("prefix", "region"), [("610202", "陕西省铜川市城区"), ("810000", "香港特别行政区"),
                                                ("820000", "澳门特别行政区"), ("710000", "台湾省"),
                                                ("830000", "台湾地区")])
def test_region(prefix: str, region: str) -> None:
    number = make(prefix + "19800101001")
    assert find_problem(number, today=TODAY) is None
    assert parse(number, today=TODAY).region == region


@pytest.mark.parametrize(("digit", "sex"), [(str(d), "male" if d % 2 else "female") for d in range(10)])
def test_sex_from_sequence_parity(digit: str, sex: str) -> None:
    assert parse(make("6102021980010100" + digit), today=TODAY).sex == sex


def test_wrong_check_character_names_position_and_expected() -> None:
    problem = find_problem("110105194912310025", today=TODAY)
    assert problem is not None
    assert problem.position == 17
    assert problem.expected == "X"
    assert problem.message == "第18位校验码应为 X，实际为 5"


@pytest.mark.parametrize("position", range(17))
def test_non_digit_in_first_17(position: int) -> None:
    chars = list("11010519491231002X")
    chars[position] = "A"
    problem = find_problem("".join(chars), today=TODAY)
    assert problem is not None
    assert problem.position == position
    assert problem.message == f"第{position + 1}位应为数字"


def test_x_only_allowed_last() -> None:
    problem = find_problem("1101051949123100XX", today=TODAY)
    assert problem is not None and problem.position == 16


def test_bad_last_character() -> None:
    problem = find_problem("11010519491231002Y", today=TODAY)
    assert problem is not None
    assert problem.position == 17
    assert problem.message == "第18位应为数字或X"


@pytest.mark.parametrize(
    ("typed", "message", "position"),
    [
        ("", "应为18位，当前为0位", None),
        ("6", "应为18位，当前为1位", None),
        ("61020219800101", "应为18位，当前为14位", None),
        ("11010519491231002", "应为18位，当前为17位", None),
        ("11010519491231002X1", "应为18位，当前为19位", None),
        ("6102a", "第5位应为数字", 4),  # partial input: characters so far are checked too
        ("61020219800x", "第12位应为数字", 11),
        ("130503670401001", "应为18位，当前为15位", None),
    ],
)
def test_partial_and_wrong_length(typed: str, message: str, position: int | None) -> None:
    problem = find_problem(typed, today=TODAY)
    assert problem is not None
    assert problem.message == message
    assert problem.position == position


@pytest.mark.parametrize(
    ("birth", "message", "position"),
    [
        ("19000229", "第11-14位出生日期无效：1900-02-29", 10),
        ("20230229", "第11-14位出生日期无效：2023-02-29", 10),
        ("20230230", "第11-14位出生日期无效：2023-02-30", 10),
        ("19801301", "第11-14位出生日期无效：1980-13-01", 10),
        ("19800100", "第11-14位出生日期无效：1980-01-00", 10),
        ("19800431", "第11-14位出生日期无效：1980-04-31", 10),
        ("18991231", "第7-10位出生年份无效：1899（不应早于1900年）", 6),
        ("20240602", "第7-14位出生日期晚于今天：2024-06-02", 6),
        ("20991231", "第7-14位出生日期晚于今天：2099-12-31", 6),
    ],
)
def test_invalid_birth_dates(birth: str, message: str, position: int) -> None:
    problem = find_problem(make("610202" + birth + "001"), today=TODAY)
    assert problem is not None
    assert problem.message == message
    assert problem.position == position


def test_today_defaults_to_the_real_date() -> None:
    assert find_problem("11010519491231002X") is None
    assert find_problem(make("610202" + "20991231" + "001")) is not None


def test_parse_raises_validation_error_on_id_number() -> None:
    with pytest.raises(ValidationError) as caught:
        parse("110105194912310025", today=TODAY)
    assert caught.value.field == "id_number"
    assert caught.value.user_message == "第18位校验码应为 X，实际为 5"
    assert "110105194912310025" not in str(caught.value)  # never a full number in messages


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("130503670401001", "130503196704010016"),
        ("110105491231002", "11010519491231002X"),
        (" 610202800101123 ", make("61020219800101123")),
    ],
)
def test_convert_15_to_18(old: str, new: str) -> None:
    converted = convert_15_to_18(old)
    assert converted == new
    assert find_problem(converted, today=TODAY) is None


@pytest.mark.parametrize("bad", ["", "13050367040100", "1305036704010011", "13050367040100A"])
def test_convert_15_to_18_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValidationError):
        convert_15_to_18(bad)
