"""``sicounter idcard read`` and ``sicounter idcard simulate``."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from devices.idcard.cli import main
from devices.sim import idcard_cli

from .idcard_fakes import SimFactory, identity, make_sim

__all__ = ["make_sim"]


def test_read_json(make_sim: SimFactory, capsys: pytest.CaptureFixture[str]) -> None:
    sim = make_sim(identity("zhang_wei"))
    assert main(["read", "--port", sim.port, "--baud", "115200", "--json", "--timeout", "10"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id_number"] == "110101196503120018" and data["valid_long_term"] is True
    assert data["photo"]["length"] == 1024 and "sha256" in data["photo"]


def test_read_text(make_sim: SimFactory, capsys: pytest.CaptureFixture[str]) -> None:
    sim = make_sim(identity("chan_ka_yan"))
    assert main(["--port", sim.port, "--timeout", "10"]) == 0
    out = capsys.readouterr().out
    assert "港澳台居民居住证" in out and "H60123456" in out


def test_no_card_and_no_reader(make_sim: SimFactory, capsys: pytest.CaptureFixture[str]) -> None:
    sim = make_sim()
    assert main(["--port", sim.port, "--timeout", "0.5"]) == 2
    assert "等待放置身份证超时" in capsys.readouterr().err
    assert main(["--port", "/dev/does-not-exist", "--timeout", "0.5"]) == 2
    assert "未找到身份证阅读器" in capsys.readouterr().err


def test_simulate_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(
        idcard_cli.main(["simulate", "--identity", "anna_mueller", "--fault", "noise=5", "--baud", "57600"],
                        stop=stop)))
    thread.start()
    try:
        import time

        deadline = time.monotonic() + 5
        seen = ""
        while "simulated ID reader on /dev/" not in seen and time.monotonic() < deadline:
            seen += capsys.readouterr().out
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(5)
    assert "simulated ID reader on /dev/" in seen
    assert result == [0]


def test_simulate_then_read_across_processes(tmp_path: object) -> None:
    sim = subprocess.Popen([sys.executable, "-m", "devices.sim.idcard_cli", "--identity", "john_smith"],
                           stdout=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        line = sim.stdout.readline()
        assert line.startswith("simulated ID reader on ")
        port = line.rsplit(" ", 1)[1].strip()
        out = subprocess.run([sys.executable, "-m", "devices.idcard.cli", "read", "--port", port, "--json",
                              "--timeout", "10"], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["card_type"] == "foreign_old"
    finally:
        sim.terminate()
        assert sim.wait(10) == 0


def test_bad_fault_is_a_usage_error() -> None:
    with pytest.raises(SystemExit):
        idcard_cli.main(["--fault", "explode"])
