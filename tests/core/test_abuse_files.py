"""core/files.py: every kind of path a careless or hostile person may give, refused without blocking or
reading to the end; core/cli.py: the last-resort handler and the argument domains (issue 17, item 3)."""

from __future__ import annotations

import argparse
import os
import socket
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import platformdirs
import pytest

from core.cli import amount_arg, count_arg, date_arg, default_log_file, run_guarded, year_arg
from core.errors import ConfigError, ValidationError
from core.files import FileRefused, check_regular_file, read_bytes_bounded, read_text_bounded

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and sockets are POSIX")


def test_a_regular_file_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_bytes("\ufeff{\"名称\": 1}".encode())
    assert read_text_bounded(path, 100, "测试文件") == '{"名称": 1}'  # a leading BOM is dropped
    assert read_bytes_bounded(path, len(path.read_bytes()), "测试文件") == path.read_bytes()


def test_a_file_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 101)
    with pytest.raises(FileRefused) as refused:
        read_text_bounded(path, 100, "测试文件")
    assert "文件过大" in refused.value.user_message and str(path) in refused.value.user_message
    with pytest.raises(FileRefused):
        check_regular_file(path, 100, "测试文件")
    check_regular_file(path, 101, "测试文件")


def test_a_refusal_is_a_config_error_with_a_chinese_message_and_hint(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        read_text_bounded(tmp_path / "missing.toml", 100, "配置文件")
    assert refused.value.user_message == f"配置文件无法使用：{tmp_path / 'missing.toml'}（文件不存在）"
    assert refused.value.hint


def test_non_utf8_text_is_refused_with_the_byte_that_failed(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes('{"名称": 1}'.encode("gbk"))
    with pytest.raises(FileRefused) as refused:
        read_text_bounded(path, 100, "表单定义文件")
    assert "不是 UTF-8" in refused.value.user_message and "UTF-8" in refused.value.hint


def test_a_directory_is_refused(tmp_path: Path) -> None:
    for check in (read_bytes_bounded, check_regular_file):
        with pytest.raises(FileRefused) as refused:
            check(tmp_path, 100, "测试文件")
        assert "目录" in refused.value.user_message


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read_text_bounded(fifo, 100, "测试文件")
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(10)  # a blocking open would wait for a writer for ever
    if reader.is_alive():
        with open(fifo, "wb"):  # release the stuck reader before failing
            pass
        pytest.fail("opening a FIFO blocked")
    assert isinstance(outcome[0], FileRefused) and "FIFO" in outcome[0].user_message


@posix_only
def test_devices_are_refused_before_a_byte_is_read() -> None:
    for device in ("/dev/zero", "/dev/urandom", "/dev/null"):
        with pytest.raises(FileRefused) as refused:
            read_bytes_bounded(device, 1024, "测试文件")
        assert "设备" in refused.value.user_message


@posix_only
def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s"
    if len(str(path)) > 100:  # AF_UNIX path limit
        pytest.skip("temporary path too long for a socket")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(FileRefused) as refused:
            read_bytes_bounded(path, 100, "测试文件")
        assert "普通文件" in refused.value.user_message or "套接字" in refused.value.user_message
    finally:
        server.close()


def test_a_traversable_is_read_with_the_same_limit() -> None:
    from importlib.resources import files

    node = files("resources") / "regions.json"
    assert "北京" in read_text_bounded(node, 1 << 20, "参考数据文件")
    with pytest.raises(FileRefused):
        read_text_bounded(node, 10, "参考数据文件")


# -- core/cli.py ---------------------------------------------------------------------------------

def test_the_default_log_file_is_where_the_terminal_logs() -> None:
    assert default_log_file() == Path(platformdirs.user_log_dir("sicounter", appauthor=False)) / "sicounter.log"


def test_an_unexpected_error_is_a_message_and_the_traceback_goes_only_to_the_log(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log_file = tmp_path / "logs" / "x.log"

    def body() -> int:
        raise KeyError("no such key for 11010519491231002X")

    assert run_guarded(body, program="sicounter test", log_file=log_file) == 2
    captured = capsys.readouterr()
    assert "程序内部错误" in captured.err and str(log_file) in captured.err
    assert "Traceback" not in captured.err + captured.out and "11010519491231002X" not in captured.err
    written = log_file.read_text(encoding="utf-8")
    assert "Traceback" in written and "KeyError" in written
    assert "11010519491231002X" not in written and "110*************2X" in written  # ID numbers masked
    if os.name == "posix":
        assert log_file.stat().st_mode & 0o077 == 0


def test_a_counter_error_shows_its_message_and_hint(capsys: pytest.CaptureFixture[str]) -> None:
    def body() -> int:
        raise ValidationError("x", "填写有误。", hint="请改正。")

    assert run_guarded(body, program="t", log_file=Path(os.devnull)) == 2
    assert capsys.readouterr().err.splitlines() == ["填写有误。", "请改正。"]


def test_argparse_exits_pass_through() -> None:
    def body() -> int:
        raise SystemExit(0)

    with pytest.raises(SystemExit):
        run_guarded(body, program="t", log_file=Path(os.devnull))


@pytest.mark.parametrize(("text", "ok"), [
    ("1900-01-01", True), ("2100-12-31", True), ("1899-12-31", False), ("2101-01-01", False),
    ("9999-12-31", False), ("0001-01-01", False), ("2025-13-01", False), ("yesterday", False),
])
def test_dates_have_a_domain(text: str, ok: bool) -> None:
    if ok:
        assert date_arg(text) == date.fromisoformat(text)
    else:
        with pytest.raises(argparse.ArgumentTypeError, match="日期"):
            date_arg(text)


@pytest.mark.parametrize("text", ["1899", "2101", "99999", "20x5", "٢٠٢٥"])
def test_years_have_a_domain(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="年份"):
        year_arg(text)


@pytest.mark.parametrize("text", ["1e300", "-1", "NaN", "Infinity", "sNaN", "abc", "1000000.01"])
def test_amounts_have_a_domain(text: str) -> None:
    parse = amount_arg(Decimal(1_000_000), "月平均工资")
    with pytest.raises(argparse.ArgumentTypeError, match="月平均工资"):
        parse(text)
    assert parse("1000000") == Decimal(1_000_000) and parse("0") == 0


@pytest.mark.parametrize("text", ["1801", "-1", "1e3", "9" * 40, "9" * 5000, "١٢", "3.5", "+12", " "])
def test_counts_have_a_domain(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="月数"):
        count_arg(1800, "月数")(text)
    assert count_arg(1800, "月数")("1800") == 1800


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux /proc")
def test_a_file_longer_than_its_stated_size_is_still_cut_at_the_limit() -> None:
    """/proc files say size 0 and are regular: the read itself stops at limit + 1 bytes."""
    assert os.stat("/proc/self/maps").st_size == 0
    with pytest.raises(FileRefused, match="larger than 16 bytes"):
        read_bytes_bounded("/proc/self/maps", 16, "测试文件")


def test_the_last_resort_handler_in_a_real_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    log_file = tmp_path / "crash.log"
    code = ("import sys; from pathlib import Path; from core.cli import run_guarded; "
            f"sys.exit(run_guarded(lambda: 1 // 0, program='sicounter', log_file=Path({str(log_file)!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr + proc.stdout
    assert "程序内部错误（ZeroDivisionError）" in proc.stderr and str(log_file) in proc.stderr
    assert "ZeroDivisionError" in log_file.read_text(encoding="utf-8")


def test_a_closed_input_and_a_refusing_system_are_messages_not_tracebacks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def prompt() -> int:
        raise EOFError

    assert run_guarded(prompt, program="t", log_file=tmp_path / "t.log") == 2
    assert "标准输入已关闭" in capsys.readouterr().err

    def write() -> int:
        (tmp_path / "no" / "such" / "dir" / "file").write_text("x", encoding="utf-8")
        return 0

    assert run_guarded(write, program="t", log_file=tmp_path / "t.log") == 2
    err = capsys.readouterr().err
    assert "文件或系统操作失败" in err and "no/such/dir/file" in err and "Traceback" not in err
