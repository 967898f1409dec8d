"""``sicounter card read`` (devices.card.cli.main) against the real stack."""

from __future__ import annotations

import json

import pytest

from devices.card.cli import main
from devices.sim.pcscd import PcscdProcess

from .conftest import CardFactory


def test_read_json(make_card: CardFactory, reader: str, capsys: pytest.CaptureFixture[str]) -> None:
    make_card()
    assert main(["read", "--reader", reader, "--json", "--timeout", "15"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ssn"] == "11010519491231002X"
    assert data["name"] == "李秀英"
    assert data["birth_date"] == "1949-12-31"
    assert data["apdu_count"] == 14


def test_read_text(make_card: CardFactory, capsys: pytest.CaptureFixture[str]) -> None:
    make_card()
    assert main(["--timeout", "15"]) == 0
    out = capsys.readouterr().out
    assert "姓名：李秀英" in out and "性别：女" in out and "有效期至：2031-06-01" in out


def test_unreadable_card_exits_2_with_the_message(make_card: CardFactory, capsys: pytest.CaptureFixture[str]) -> None:
    make_card(missing_app=True)
    assert main(["--timeout", "15"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "此卡不是社会保障卡或社保应用缺失" in captured.err


def test_no_card_times_out(running_pcscd_process: PcscdProcess, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--timeout", "0.5"]) == 2
    assert "等待插卡超时" in capsys.readouterr().err


def test_unknown_reader(running_pcscd_process: PcscdProcess, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--reader", "Nope 00 00", "--timeout", "0.5"]) == 2
    assert "未找到社保卡读卡器" in capsys.readouterr().err


def test_service_not_running(running_pcscd_process: PcscdProcess, capsys: pytest.CaptureFixture[str]) -> None:
    running_pcscd_process.stop()
    try:
        assert main(["--timeout", "15"]) == 2
        assert "读卡服务未运行" in capsys.readouterr().err
    finally:
        running_pcscd_process.restart()
