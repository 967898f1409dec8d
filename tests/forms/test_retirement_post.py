"""Issue 18, item 7: a woman enterprise employee's retirement age is never guessed from "企业职工".

Expected months are worked out by hand from DOMAIN.md §6, not taken from the code:

* women workers (was 50): +1 month per 2 months of birth from 1975-01, at most +60;
* women cadres (was 55): +1 month per 4 months of birth from 1970-01, at most +36.

Born 1976-03: worker 14 months after 1975-01 -> 14 // 2 + 1 = 8 -> 50y8m -> 2026-11;
              cadre 74 months after 1970-01 -> 74 // 4 + 1 = 19 (1y7m) -> 56y7m -> 2032-10.
Born 1972-07: worker before 1975-01 -> 50 -> 2022-07;
              cadre 30 months after 1970-01 -> 30 // 4 + 1 = 8 -> 55y8m -> 2028-03.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from forms.panels import retirement_summary
from forms.rules.retirement import Category, PostNotGiven, retirement_age

ROOT = Path(__file__).resolve().parents[2]

HAND = [  # birth, post, statutory age in months, retirement month
    (date(1976, 3, 15), Category.WORKER, 50 * 12 + 8, "2026-11"),
    (date(1976, 3, 15), Category.CADRE, 55 * 12 + 19, "2032-10"),
    (date(1972, 7, 1), Category.WORKER, 50 * 12, "2022-07"),
    (date(1972, 7, 1), Category.CADRE, 55 * 12 + 8, "2028-03"),
]


@pytest.mark.parametrize(("birth", "post", "age", "month"), HAND)
def test_women_workers_and_cadres_by_hand(birth: date, post: Category, age: int, month: str) -> None:
    result = retirement_age(birth, "female", post)
    assert (result.statutory_age_months, result.retirement_month) == (age, month)


def test_a_woman_given_only_as_employee_gets_no_age() -> None:
    with pytest.raises(PostNotGiven) as caught:
        retirement_age(date(1976, 3, 15), "female", Category.EMPLOYEE)
    assert "工人岗位" in caught.value.user_message and "干部岗位" in caught.value.user_message
    assert "无法确定" in caught.value.user_message


def test_a_man_given_as_employee_still_gets_his_age() -> None:
    """60 in every category; born 1965-03: +1 month (first step 1965-01..04) -> 60y1m -> 2025-04."""
    assert retirement_age(date(1965, 3, 15), "male", Category.EMPLOYEE).retirement_month == "2025-04"


WOMAN = {"birth_date": "1976-03-15", "sex": "female", "insured_category": "employee", "retirement_type": "normal"}


def test_panel_says_plainly_it_cannot_determine_the_age_without_the_post() -> None:
    rows = {row.label: row for row in retirement_summary(WOMAN, None).rows}
    assert list(rows) == ["法定退休年龄"]
    assert rows["法定退休年龄"].tone == "warn"
    assert "无法确定" in rows["法定退休年龄"].value and "请按档案记载选择原岗位" in rows["法定退休年龄"].value


@pytest.mark.parametrize(("post", "original", "month"), [("worker", "50周岁", "2026-11"),
                                                          ("cadre", "55周岁", "2032-10")])
def test_panel_uses_the_post_chosen(post: str, original: str, month: str) -> None:
    rows = {row.label: row.value for row in retirement_summary(WOMAN | {"female_post": post}, None).rows}
    assert rows["原法定退休年龄"] == original
    assert rows["法定退休年月"] == month
    assert rows["原岗位"] == ("工人岗位" if post == "worker" else "干部岗位")


def test_panel_special_retirement_needs_no_post() -> None:
    """Arduous work: women 45 whatever the post (1976-03 + 45 = 2021-03)."""
    rows = {row.label: row.value for row in
            retirement_summary(WOMAN | {"retirement_type": "special_occupation"}, None).rows}
    assert rows["法定退休年月"] == "2021-03"


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "forms.rules.cli", "retirement", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


def test_cli_refuses_a_woman_given_only_as_employee() -> None:
    proc = _cli("--birth", "1972-07-01", "--sex", "female", "--category", "employee", "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "无法确定" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_takes_the_post_as_category() -> None:
    proc = _cli("--birth", "1972-07-01", "--sex", "female", "--category", "cadre", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["retirement_month"] == "2028-03"
