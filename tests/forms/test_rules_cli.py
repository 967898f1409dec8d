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


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    data: dict[str, Any] = json.loads(out)
    return data


def test_idnumber_valid(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "idnumber", "11010519491231002X")
    assert data == {"valid": True, "birth_date": "1949-12-31", "sex": "female",
                    "region": {"code": "110105", "name": "北京市"}}


def test_idnumber_invalid_check_character(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "idnumber", "110105194912310021")
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
        (["deadline", "--received", "2026-12-25", "--days", "10"], "缺少 2027 年节假日安排，请更新参考数据。"),
        (["survivor", "--contribution-months", "100", "--monthly-income", "abc"], "参数有误"),
        (["survivor", "--contribution-months", "100", "--monthly-income", "-5"], "输入有误"),
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
