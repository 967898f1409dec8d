"""The service-item catalogue: its data, and searching it the way clerks type."""

from __future__ import annotations

import re

import pytest

from forms.catalogue import ServiceItem, load_catalogue, search
from forms.definitions import load_form

HANDBOOK_ITEMS = [  # seed 004, section 三 4.2
    "单位参保登记",
    "单位参保信息变更",
    "个人参保登记",
    "职工/退休参保信息变更登记",
    "缴费基数申报及核定",
    "省内养老关系转移接续",
    "多缴退费",
    "城镇职工基本养老保险退休核准",
    "参保人员死亡后待遇核准",
    "待遇停发",
]


@pytest.fixture(scope="module")
def catalogue() -> list[ServiceItem]:
    return load_catalogue()


def names(items: list[ServiceItem]) -> list[str]:
    return [item.name for item in items]


def by_name(catalogue: list[ServiceItem], name: str) -> ServiceItem:
    return next(item for item in catalogue if item.name == name)


def test_handbook_items_present(catalogue: list[ServiceItem]) -> None:
    assert set(HANDBOOK_ITEMS) <= set(names(catalogue))
    assert names(catalogue)[: len(HANDBOOK_ITEMS)] == HANDBOOK_ITEMS


def test_codes_unique(catalogue: list[ServiceItem]) -> None:
    codes = [item.code for item in catalogue]
    assert len(codes) == len(set(codes))


def test_initials_have_one_letter_per_chinese_character(catalogue: list[ServiceItem]) -> None:
    for item in catalogue:
        han = re.findall(r"[\u4e00-\u9fff]", item.name)
        assert len(item.initials) == len(han), item.name
        assert item.initials == item.initials.lower()


def test_some_initials_spelled_out(catalogue: list[ServiceItem]) -> None:
    assert by_name(catalogue, "个人参保登记").initials == "grcbdj"
    assert by_name(catalogue, "参保人员死亡后待遇核准").initials == "cbryswhdyhz"
    assert by_name(catalogue, "城镇职工基本养老保险退休核准").initials == "czzgjbylbxtxhz"


def test_form_codes_refer_to_shipped_forms(catalogue: list[ServiceItem]) -> None:
    with_forms = [item for item in catalogue if item.form_code is not None]
    # every item issue 6 defines is linked; queries and certificate prints have no form
    assert [item.code for item in with_forms] == [
        "employer_registration", "employer_change", "personal_registration", "personal_change", "contribution_base",
        "pension_transfer_provincial", "overpaid_refund", "retirement_approval", "death_benefit", "benefit_suspension",
        "staff_batch_import"]
    for item in with_forms:
        assert item.form_code is not None
        form = load_form(item.form_code)
        assert form.time_limit_working_days == item.time_limit_working_days
        assert form.time_limit_basis == item.time_limit_basis


@pytest.mark.parametrize(
    ("name", "days", "article"),
    [
        ("个人参保登记", 10, "第六条"),
        ("单位参保信息变更", 10, "第十条"),
        ("职工/退休参保信息变更登记", 10, "第十条"),
        ("城镇职工基本养老保险退休核准", 20, "第十八条"),
        ("参保人员死亡后待遇核准", None, "第十九条"),  # "及时", no number of days
        ("省内养老关系转移接续", None, "第十六条"),  # "规定时限", none in the regulation itself
        ("待遇停发", None, "第二十五条"),  # its 20 days bind the reporter, not the office
        ("单位参保登记", None, "第六条第一款"),  # done together with the business registration
        ("参保证明打印", None, None),
    ],
)
def test_time_limits(catalogue: list[ServiceItem], name: str, days: int | None, article: str | None) -> None:
    item = by_name(catalogue, name)
    assert item.time_limit_working_days == days
    if article is None:
        assert item.time_limit_basis is None
    elif days is None:  # the basis says which article and that it sets no day count
        assert item.time_limit_basis is not None
        assert item.time_limit_basis.startswith(f"《社会保险经办条例》{article}（")
        assert "未规定" in item.time_limit_basis
    else:
        assert item.time_limit_basis == f"《社会保险经办条例》{article}"


def test_hot_items(catalogue: list[ServiceItem]) -> None:
    hot = names([item for item in catalogue if item.hot])
    assert 3 <= len(hot) <= 5
    assert {"个人参保登记", "城镇职工基本养老保险退休核准", "参保人员死亡后待遇核准"} <= set(hot)


def test_categories_are_chinese(catalogue: list[ServiceItem]) -> None:
    for item in catalogue:
        assert re.fullmatch(r"[\u4e00-\u9fff]+", item.category), item.category


def test_empty_query_returns_everything(catalogue: list[ServiceItem]) -> None:
    assert search(catalogue, "") == catalogue
    assert search(catalogue, "   ") == catalogue


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("个人参保", "个人参保登记"),
        ("退休核准", "城镇职工基本养老保险退休核准"),
        ("死亡", "死亡上报查询"),  # name starts with the query: ranked before "name contains"
        ("丧葬", "参保人员死亡后待遇核准"),
        ("抚恤", "参保人员死亡后待遇核准"),
        ("grcbdj", "个人参保登记"),
        ("GRCB", "个人参保登记"),
        ("txhz", "城镇职工基本养老保险退休核准"),
        ("退费", "多缴退费"),
        ("转移", "省内养老关系转移接续"),
        ("缴费证明", "缴费证明打印"),
        ("五险", "个人一站式查询"),
    ],
)
def test_search_finds(catalogue: list[ServiceItem], query: str, expected_first: str) -> None:
    assert names(search(catalogue, query))[0] == expected_first


def test_search_by_name_substring(catalogue: list[ServiceItem]) -> None:
    # both names contain 退休; the hot item (what clerks mean) leads within the rank
    assert names(search(catalogue, "退休")) == ["城镇职工基本养老保险退休核准", "职工/退休参保信息变更登记"]
    assert names(search(catalogue, "死亡"))[:2] == ["死亡上报查询", "参保人员死亡后待遇核准"]


def test_search_without_match(catalogue: list[ServiceItem]) -> None:
    assert search(catalogue, "火星") == []


def item(name: str, initials: str, *keywords: str) -> ServiceItem:
    return ServiceItem(code=initials, name=name, category="测试", keywords=keywords, initials=initials,
                       form_code=None, time_limit_working_days=None, time_limit_basis=None, hot=False)


def test_search_ranking_and_stability() -> None:
    keyword_hit = item("甲事项", "jsx", "登记")
    initials_hit = item("丁事项", "djsx")
    contains_1 = item("单位参保登记", "dwcbdj")
    starts = item("登记变更", "djbg")
    contains_2 = item("个人参保登记", "grcbdj")
    items = [keyword_hit, initials_hit, contains_1, starts, contains_2]
    assert search(items, "登记") == [starts, contains_1, contains_2, keyword_hit]
    assert search(items, "dj") == [initials_hit, contains_1, starts, contains_2]

