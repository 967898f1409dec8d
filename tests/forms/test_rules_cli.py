"""``sicounter rules``: JSON output of each subcommand, bad input, and one real subprocess run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forms.rules.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, status: int = 0) -> dict[str, Any]:
    assert main([*argv, "--json"]) == status
    out = capsys.readouterr().out
    data: dict[str, Any] = json.loads(out)
    return data


def test_idnumber_valid(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "idnumber", "11010519491231002X")
    assert data == {"valid": True, "birth_date": "1949-12-31", "sex": "female",
                    "region": {"code": "110105", "name": "北京市朝阳区"}}


def test_idnumber_invalid_check_character(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "idnumber", "110105194912310021", status=1)  # the check says "invalid": exit 1
    assert data["valid"] is False
    assert data["birth_date"] is None and data["sex"] is None and data["region"] is None
    assert "校验码应为 X" in data["problem"]


def test_idnumber_fifteen_digits_converted(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "idnumber", "110105491231002")
    assert data["converted"] == "11010519491231002X"
    assert data["valid"] is True and data["sex"] == "female"


def test_idnumber_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["idnumber", "11010519491231002X"]) == 0
    out = capsys.readouterr().out
    assert "身份号码有效" in out and "性别：女" in out


def test_survivor(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "survivor", "--contribution-months", "345", "--pension-months", "42",
                    "--monthly-income", "4000")
    assert data == {"funeral_grant": 8000.0, "survivor_months": 19.25, "survivor_payment": 77000.0}
    data = run_json(capsys, "survivor", "--contribution-months", "181", "--monthly-income", "3333.33")
    assert data == {"funeral_grant": 6666.66, "survivor_months": 9.08, "survivor_payment": 30277.75}


def test_deadline_days(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "deadline", "--received", "2025-09-26", "--days", "10")["due"] == "2025-10-16"


def test_deadline_item(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "deadline", "--received", "2025-09-26", "--item", "personal_registration")
    assert data["due"] == "2025-10-16"
    assert data["basis"] == "《社会保险经办条例》第六条"


def test_deadline_holiday_override(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = tmp_path / "h.json"
    extra.write_text(json.dumps({"2027": {"holidays": ["2027-01-01"], "workdays": []}}), encoding="utf-8")
    data = run_json(capsys, "deadline", "--received", "2026-12-25", "--days", "10", "--holidays", str(extra))
    assert data["due"] == "2027-01-11"


def test_retirement(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("forms.rules.retirement")
    data = run_json(capsys, "retirement", "--birth", "1970-05-10", "--sex", "female", "--category", "worker")
    assert set(data) == {"original_age_months", "statutory_age_months", "retirement_month", "earliest_month",
                         "latest_month", "min_contribution_months"}
    assert data["original_age_months"] == 600
    assert data["retirement_month"] == "2020-05"


def test_pension(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("forms.rules.pension")
    data = run_json(capsys, "pension", "--age-months", "720", "--contribution-months", "360",
                    "--avg-wage", "8000", "--index", "1.2", "--account", "150000")
    assert {"pooled", "account", "total"} <= set(data)
    assert data["total"] == pytest.approx(data["pooled"] + data["account"], abs=0.011)


@pytest.mark.parametrize(
    ("argv", "chinese"),
    [
        (["deadline", "--received", "2025-13-01", "--days", "3"], "参数有误"),
        (["deadline", "--received", "2025-09-26"], "参数有误"),
        (["deadline", "--received", "2025-09-26", "--days", "3", "--item", "personal_registration"], "参数有误"),
        (["deadline", "--received", "2025-09-26", "--days", "-1"], "参数有误"),
        (["deadline", "--received", "2025-09-26", "--item", "employer_registration"], "没有法定办理时限"),
        (["deadline", "--received", "2025-09-26", "--item", "no_such_item"], "未找到服务事项"),
        # 2029 is beyond the provisional years after the published 2026
        (["deadline", "--received", "2028-12-20", "--days", "20"], "缺少 2029 年节假日安排，请更新参考数据。"),
        (["survivor", "--contribution-months", "100", "--monthly-income", "abc"], "参数有误"),
        (["survivor", "--contribution-months", "100", "--monthly-income", "-5"], "参数有误"),
        (["nosuch"], "参数有误"),
        ([], "参数有误"),
    ],
)
def test_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str], chinese: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert chinese in lines[0]
    assert lines[-1].isascii() or "error" in lines[-1] or "bad input" in lines[-1]
    assert "Traceback" not in captured.err


def test_subprocess_deadline() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "forms.rules.cli", "deadline", "--received", "2025-09-26", "--days", "10", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["due"] == "2025-10-16"


# -- provincial figures ------------------------------------------------------------------------
# Expected amounts come from the override file each test writes, never from the shipped figures.

def figures_file(tmp_path: Path) -> Path:
    """An override for 61: 2024 wage 96000.30 (8000.025/month), 2024 income 48000 (4000/month)."""
    extra = tmp_path / "figures.json"
    extra.write_text(json.dumps({"province": "61", "years": {
        "2024": {"avg_wage_annual": "96000.30", "urban_disposable_income_annual": "48000", "source": "测试来源"},
        "2025": {"avg_wage_annual": "99000", "source": "只有工资"},
    }}), encoding="utf-8")
    return extra


def test_figures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = str(figures_file(tmp_path))
    data = run_json(capsys, "figures", "--province", "61", "--year", "2024", "--figures", extra)
    assert data == {"province": "61", "name": "陕西省", "year": 2024, "avg_wage_annual": 96000.3,
                    "avg_wage_monthly": 8000.03, "urban_disposable_income_annual": 48000.0,
                    "urban_disposable_income_monthly": 4000.0, "source": "测试来源"}
    data = run_json(capsys, "figures", "--province", "61", "--year", "2025", "--figures", extra)
    assert data["urban_disposable_income_annual"] is None and data["urban_disposable_income_monthly"] is None
    assert data["avg_wage_monthly"] == 8250.0


def test_figures_human_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["figures", "--province", "61", "--year", "2025", "--figures", str(figures_file(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "陕西省" in out and "8250.00 元/月" in out and "（无数据）" in out and "来源：只有工资" in out


def test_figures_shipped_files_have_keys(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "figures", "--province", "00", "--year", "2024")
    assert set(data) == {"province", "name", "year", "avg_wage_annual", "avg_wage_monthly",
                         "urban_disposable_income_annual", "urban_disposable_income_monthly", "source"}
    assert data["name"] == "全国" and data["source"]


def test_survivor_from_province(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = str(figures_file(tmp_path))
    # death in 2025 -> the 2024 income 48000 / 12 = 4000 (as in test_survivor with --monthly-income 4000)
    data = run_json(capsys, "survivor", "--contribution-months", "345", "--pension-months", "42",
                    "--province", "61", "--death-year", "2025", "--figures", extra)
    assert data == {"funeral_grant": 8000.0, "survivor_months": 19.25, "survivor_payment": 77000.0}
    # an explicit figure wins over the province's
    data = run_json(capsys, "survivor", "--contribution-months", "345", "--pension-months", "42",
                    "--monthly-income", "5000", "--province", "61", "--death-year", "2025", "--figures", extra)
    assert data["funeral_grant"] == 10000.0


def test_pension_from_province(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("forms.rules.pension")
    extra = str(figures_file(tmp_path))
    common = ["pension", "--age-months", "720", "--contribution-months", "360", "--index", "1.2",
              "--account", "150000"]
    # retirement in 2025 -> the 2024 wage 96000.30 / 12 = 8000.03
    by_province = run_json(capsys, *common, "--province", "61", "--retirement-year", "2025", "--figures", extra)
    by_number = run_json(capsys, *common, "--avg-wage", "8000.03")
    assert by_province == by_number
    assert by_province != run_json(capsys, *common, "--avg-wage", "8250")   # the 2025 figure (off by one)


@pytest.mark.parametrize(
    ("argv", "chinese"),
    [
        (["figures", "--province", "61"], "参数有误"),
        (["figures", "--province", "6", "--year", "2024"], "参数有误"),
        (["figures", "--province", "61", "--year", "24"], "参数有误"),
        (["figures", "--province", "45", "--year", "2024"], "没有45省份的统计数据"),
        (["figures", "--province", "61", "--year", "2099"], "缺少陕西省2099年统计数据，请更新参考数据。"),
        (["survivor", "--contribution-months", "100"],
         "请给出 --monthly-income，或同时给出 --province 和 --death-year"),
        (["survivor", "--contribution-months", "100", "--province", "61"], "请给出 --monthly-income"),
        (["survivor", "--contribution-months", "100", "--province", "61", "--death-year", "2100"],
         "缺少陕西省2099年城镇居民人均可支配收入，请更新参考数据。"),
        (["pension", "--age-months", "720", "--contribution-months", "360", "--index", "1", "--account", "1"],
         "请给出 --avg-wage，或同时给出 --province 和 --retirement-year"),
        (["pension", "--age-months", "720", "--contribution-months", "360", "--index", "1", "--account", "1",
          "--province", "61", "--retirement-year", "2100"], "缺少陕西省2099年全口径城镇单位就业人员平均工资"),
    ],
)
def test_figures_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str], chinese: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert chinese in lines[0]
    assert lines[-1].isascii() or "error" in lines[-1]
    assert "Traceback" not in captured.err


def test_figures_bad_override_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    extra = tmp_path / "bad.json"
    extra.write_text(json.dumps({"years": {"2024": {"avg_wage_annual": "-1", "source": "s"}}}), encoding="utf-8")
    assert main(["figures", "--province", "61", "--year", "2024", "--figures", str(extra)]) == 2
    err = capsys.readouterr().err
    assert "统计数据有误" in err and "不小于零" in err
