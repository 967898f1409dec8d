"""The command lines under careless and hostile input (issue 17, item 3; not images or devices/scan).

Every file a command reads is a regular file read up to a stated limit; every input that cannot be used
ends with a Chinese message on stderr and exit code 2, never a traceback; arguments out of their domain
are refused; ``rules idnumber`` exits 1 for an invalid number. Most cases call a command's ``main`` in
this process (a subprocess adds nothing to what they show); each command line is also run once as a real
process, so what reaches a terminal is seen as a person sees it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from core.files import FORM_LIMIT, REFERENCE_LIMIT, SETTINGS_LIMIT, SIMULATOR_DATA_LIMIT
from forms.definitions import load_form

ROOT = Path(__file__).resolve().parents[2]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


# -- running the commands -------------------------------------------------------------------------

def _no_traceback(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err, err
    assert code == 2, (code, out, err)
    assert CHINESE.search(err), err


def run_process(*argv: str, env: dict[str, str] | None = None, module: str = "app",
                timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m app …`` as a real process, with its address space capped at 2 GiB: a command that
    reads /dev/zero to the end fails here with a MemoryError instead of taking the machine down."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run([sys.executable, "-m", module, *argv], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env=env, check=False, preexec_fn=cap_memory if os.name == "posix" else None)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The terminal's config, data and log directories under ``tmp_path``; the root logger restored after."""
    env = {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield os.environ.copy()
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:], root.level = handlers, level


def run_main(main: Callable[[list[str]], int], argv: Sequence[str],
             capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """A command's ``main`` in this process: its exit code (argparse's own exit too), stdout, stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sicounter_main(argv: list[str]) -> int:
    from app.cli import main

    return main(argv)


def rules_main(argv: list[str]) -> int:
    from forms.rules.cli import main

    return main(argv)


def central_main(argv: list[str]) -> int:
    from central.cli import main

    return main(argv)


# -- the files the programs read ------------------------------------------------------------------

#: each option that names a file: how to run it with a path, and the limit that applies
FILE_OPTIONS: dict[str, tuple[Callable[[str], list[str]], int]] = {
    "--config": (lambda path: ["--config", path, "config", "show"], SETTINGS_LIMIT),
    "forms validate": (lambda path: ["forms", "validate", path], FORM_LIMIT),
    "--holidays": (lambda path: ["rules", "deadline", "--received", "2025-09-26", "--days", "3",
                                 "--holidays", path], REFERENCE_LIMIT),
    "--figures": (lambda path: ["rules", "figures", "--province", "61", "--year", "2024", "--figures", path],
                  REFERENCE_LIMIT),
    "card simulate --holder": (lambda path: ["card", "simulate", "--holder", path], SIMULATOR_DATA_LIMIT),
    "idcard simulate --identity": (lambda path: ["idcard", "simulate", "--identity", path], SIMULATOR_DATA_LIMIT),
}


def bad_file(kind: str, tmp_path: Path, limit: int) -> tuple[Path, str]:
    """A path of ``kind`` and the words the refusal must contain."""
    path = tmp_path / f"input-{kind}.json"
    if kind == "fifo":
        os.mkfifo(path)
        return path, "FIFO"
    if kind == "directory":
        path.mkdir()
        return path, "目录"
    if kind == "oversized":
        with path.open("wb") as out:  # sparse: the size is real, the disk blocks are not
            out.truncate(limit + 1)
        return path, "文件过大"
    if kind == "not utf-8":
        path.write_bytes('{"code": "个人参保登记", "name": "张三"}'.encode("gbk"))
        return path, "UTF-8"
    assert kind == "missing"
    return path, "不存在"


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "directory", "oversized", "not utf-8", "missing"])
@pytest.mark.parametrize("option", list(FILE_OPTIONS))
def test_file_options_refuse_what_is_not_a_small_regular_utf8_file(
        option: str, kind: str, tmp_path: Path, home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    if (option, kind) == ("--config", "missing"):
        pytest.skip("a missing settings file means the defaults (a terminal's first start)")
    argv, limit = FILE_OPTIONS[option]
    path, words = bad_file(kind, tmp_path, limit)
    code, out, err = run_main(sicounter_main, argv(str(path)), capsys)
    _no_traceback(code, out, err)
    assert words in err and str(path) in err


@posix_only
@pytest.mark.parametrize("option", ["--config", "forms validate", "--holidays", "--figures"])
def test_dev_zero_is_refused_without_reading_it(option: str, home: dict[str, str]) -> None:
    """The issue's case: these options read /dev/zero to the end and ran a machine out of memory."""
    proc = run_process(*FILE_OPTIONS[option][0]("/dev/zero"), env=home)
    _no_traceback(proc.returncode, proc.stdout, proc.stderr)
    assert "/dev/zero" in proc.stderr and "设备" in proc.stderr


def test_config_naming_a_directory_is_refused(tmp_path: Path, home: dict[str, str]) -> None:
    proc = run_process("--config", str(tmp_path), "config", "show", env=home)
    _no_traceback(proc.returncode, proc.stdout, proc.stderr)
    assert f"配置文件无法使用：{tmp_path}（是一个目录）" in proc.stderr


def test_forms_validate_refuses_a_non_utf8_definition(tmp_path: Path, home: dict[str, str]) -> None:
    shipped = (ROOT / "resources" / "forms" / "personal_registration.json").read_text(encoding="utf-8")
    path = tmp_path / "gbk.json"
    path.write_bytes(shipped.encode("gbk"))
    proc = run_process("forms", "validate", str(path), env=home)
    _no_traceback(proc.returncode, proc.stdout, proc.stderr)
    assert "不是 UTF-8 编码" in proc.stderr and "另存为 UTF-8" in proc.stderr


def _form(**changes: object) -> str:
    data = json.loads((ROOT / "resources" / "forms" / "personal_registration.json").read_text(encoding="utf-8"))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(("changes", "key"), [
    ({"version": 10**30}, "version"),
    ({"version": 2**31}, "version"),
    ({"version": 2**63}, "version"),
    ({"time_limit_working_days": 10**9}, "time_limit_working_days"),
])
def test_forms_validate_refuses_numbers_out_of_their_domain(
        changes: dict[str, object], key: str, tmp_path: Path, home: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "form.json"
    path.write_text(_form(**changes), encoding="utf-8")
    code, out, err = run_main(sicounter_main, ["forms", "validate", str(path)], capsys)
    _no_traceback(code, out, err)
    assert "表单定义文件有误" in err and key in err


def test_forms_validate_refuses_field_bounds_and_thresholds_out_of_their_domain(
        tmp_path: Path, home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_form())
    field = data["sections"][0]["fields"][0]
    for key, value in (("max_length", 10**12), ("minimum", -1e300), ("maximum", 1e300)):
        path = tmp_path / f"{key}.json"
        path.write_text(json.dumps({**data, "sections": [{**data["sections"][0],
                                    "fields": [{**field, key: value}]}]}), encoding="utf-8")
        code, out, err = run_main(sicounter_main, ["forms", "validate", str(path)], capsys)
        _no_traceback(code, out, err)
        assert key in err
    ok = tmp_path / "ok.json"
    ok.write_text(_form(version=2**31 - 1), encoding="utf-8")
    code, out, _err = run_main(sicounter_main, ["forms", "validate", str(ok)], capsys)
    assert code == 0 and "有效" in out


def test_a_non_utf8_form_from_the_central_system_is_not_used(tmp_path: Path) -> None:
    """Reference data the central system sent is cached as files; a cache that is not UTF-8 (or too large, or
    no file at all) leaves the shipped definition in force instead of failing every form that opens."""
    from app.reference import ReferenceData
    from app.settings import Settings

    reference = tmp_path / "data" / "reference"
    reference.mkdir(parents=True)
    sent = {"personal_registration": {**json.loads(_form(version=99)), "name": "个人参保登记（新）"}}
    (reference / "forms.json").write_bytes(json.dumps(sent, ensure_ascii=False).encode("gbk"))
    data = ReferenceData(Settings(data_dir=tmp_path / "data"))
    shipped = load_form("personal_registration").version
    assert data.form("personal_registration").version == shipped
    if os.name == "posix":
        (reference / "forms.json").unlink()
        os.mkfifo(reference / "forms.json")
        data.forget()
        assert data.form("personal_registration").version == shipped  # a FIFO is refused, not waited on


def test_a_non_utf8_form_in_the_reference_dir_is_left_out(tmp_path: Path) -> None:
    """``central serve --reference-dir``: one unusable file is left out (logged), the others are served."""
    from central.reference import ReferenceSource

    forms = tmp_path / "reference" / "forms"
    forms.mkdir(parents=True)
    (forms / "personal_registration.json").write_text(_form(), encoding="utf-8")
    (forms / "broken.json").write_bytes(_form(code="broken").encode("gbk"))
    (tmp_path / "reference" / "holidays.json").write_bytes(b"\xff\xfe{}")
    source = ReferenceSource(tmp_path / "reference")
    assert list(source.document("forms") or {}) == ["personal_registration"]
    assert source.document("holidays") is None
    assert "holidays" not in source.index()


def test_central_awaiting_review_with_a_non_utf8_reference_dir(tmp_path: Path, home: dict[str, str]) -> None:
    forms = tmp_path / "reference" / "forms"
    forms.mkdir(parents=True)
    (forms / "personal_registration.json").write_bytes(_form().encode("gbk"))
    db = tmp_path / "central.sqlite3"
    assert run_process("add-terminal", "T1", "--db", str(db), module="central", env=home).returncode == 0
    proc = run_process("awaiting-review", "--db", str(db), "--reference-dir", str(tmp_path / "reference"),
                       module="central", env=home)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert "0 case(s) awaiting review" in proc.stderr


@posix_only
def test_central_serve_refuses_a_tls_key_that_is_not_a_regular_file(
        tmp_path: Path, home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "key.pem"
    os.mkfifo(fifo)
    code, out, err = run_main(central_main, ["serve", "--db", str(tmp_path / "c.sqlite3"), "--port", "0",
                                             "--tls-cert", str(fifo), "--tls-key", str(fifo)], capsys)
    _no_traceback(code, out, err)
    assert "FIFO" in err


@posix_only
def test_central_keygen_refuses_a_keyring_dir_that_is_not_a_directory_or_holds_a_fifo(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    code, out, err = run_main(central_main, ["keygen", "--keyring-dir", str(a_file)], capsys)
    _no_traceback(code, out, err)
    assert "不是目录" in err
    keys = tmp_path / "keys"
    keys.mkdir()
    os.mkfifo(keys / "keyring.cfg")
    code, out, err = run_main(central_main, ["public-key", "--keyring-dir", str(keys)], capsys)
    _no_traceback(code, out, err)
    assert "FIFO" in err


@posix_only
def test_a_ca_file_setting_naming_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    from core.files import FileRefused
    from sync.client import tls_context

    fifo = tmp_path / "ca.pem"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="FIFO"):
        tls_context(fifo)


# -- settings -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "reason"), [
    ("central_timeout", "abc", "应为数字"),
    ("central_timeout", "0", "应大于 0"),
    ("central_timeout", "1e9", "不能大于 600"),
    ("central_timeout", "nan", "central_timeout"),
    ("retention_days", "x", "应为整数"),
    ("retention_days", "0", "不能小于 1"),
    ("retention_days", "99999999999999999999", "不能大于 3650"),
    ("idle_lock_minutes", "-1", "不能小于 0"),
    ("signin_max_failures", "1.5", "应为整数"),
    ("signin_lockout_minutes", "abc", "应为整数"),
    ("province_code", "6x", "格式不符"),
    ("terminal_id", "T" * 65, "不能超过 64 个字符"),
    ("terminal_id", "TC-0001\n", "终端编号只能包含"),
    ("terminal_id", "窗口 1", "终端编号只能包含"),
])
def test_config_set_refuses_a_typed_setting_with_a_wrong_value(
        key: str, value: str, reason: str, tmp_path: Path, home: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "settings.toml"
    code, out, err = run_main(sicounter_main, ["--config", str(config), "config", "set", key, value], capsys)
    _no_traceback(code, out, err)
    assert err.startswith(f"设置未保存：{key}：") and reason in err
    assert not config.exists()


def test_config_set_central_timeout_abc_in_a_real_process(tmp_path: Path, home: dict[str, str]) -> None:
    proc = run_process("--config", str(tmp_path / "settings.toml"), "config", "set", "central_timeout", "abc",
                       env=home)
    _no_traceback(proc.returncode, proc.stdout, proc.stderr)
    assert "设置未保存：central_timeout：应为数字" in proc.stderr


def test_a_settings_file_with_a_wrong_value_names_the_key_in_chinese(
        tmp_path: Path, home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("central_timeout = 'abc'\n", encoding="utf-8")
    code, out, err = run_main(sicounter_main, ["--config", str(config), "config", "show"], capsys)
    _no_traceback(code, out, err)
    assert f"配置文件有误：{config}" in err and "central_timeout：应为数字" in err


# -- rules: domains and the verdict of idnumber ---------------------------------------------------

PENSION = ["pension", "--age-months", "720", "--contribution-months", "360", "--index", "1"]


@pytest.mark.parametrize(("argv", "words"), [
    ([*PENSION, "--avg-wage", "1e300", "--account", "1"], "月平均工资超出范围"),
    ([*PENSION, "--avg-wage", "8000", "--account", "1e300"], "个人账户储存额超出范围"),
    ([*PENSION, "--avg-wage", "Infinity", "--account", "1"], "有限"),
    ([*PENSION, "--avg-wage", "8000", "--account", "-1"], "不能为负数"),
])
def test_pension_money_of_1e300_is_refused(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(rules_main, argv, capsys)
    _no_traceback(code, out, err)
    assert words in err


@pytest.mark.parametrize("income", ["1e300", "1000000.01", "NaN", "-5"])
def test_survivor_money_of_1e300_is_refused(income: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(rules_main, ["survivor", "--contribution-months", "300", "--monthly-income", income],
                              capsys)
    _no_traceback(code, out, err)
    assert "月人均可支配收入" in err


@pytest.mark.parametrize("amount", ["1e30", "1e999999"])
def test_a_figures_file_with_amounts_beyond_any_real_one_is_refused(
        amount: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = tmp_path / "figures.json"
    figures.write_text(json.dumps({"years": {"2024": {"avg_wage_annual": amount, "source": "x"}}}), encoding="utf-8")
    for argv in (["figures", "--province", "61", "--year", "2024"],
                 [*PENSION, "--account", "1", "--province", "61", "--retirement-year", "2025"]):
        code, out, err = run_main(rules_main, [*argv, "--figures", str(figures)], capsys)
        _no_traceback(code, out, err)
        assert "统计数据有误" in err and "超出合理范围" in err


def test_pension_money_of_1e300_in_a_real_process() -> None:
    proc = run_process("rules", *PENSION, "--avg-wage", "1e300", "--account", "1e300")
    _no_traceback(proc.returncode, proc.stdout, proc.stderr)


@pytest.mark.parametrize("argv", [
    ["retirement", "--birth", "9999-12-31", "--sex", "male", "--category", "employee"],
    ["retirement", "--birth", "1899-12-31", "--sex", "female", "--category", "worker"],
    ["deadline", "--received", "2101-01-01", "--days", "3"],
    ["figures", "--province", "61", "--year", "2101"],
    ["survivor", "--contribution-months", "100", "--province", "61", "--death-year", "9999"],
])
def test_retirement_birth_9999_and_other_dates_beyond_2100_are_refused(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(rules_main, argv, capsys)
    _no_traceback(code, out, err)
    assert "超出范围" in err and "2100" in err
    assert "10054" not in out


@pytest.mark.parametrize("argv", [
    [*PENSION, "--avg-wage", "8000", "--account", "1", "--age-months", "99999999999999999999"],
    ["survivor", "--contribution-months", "1801", "--monthly-income", "4000"],
    ["deadline", "--received", "2025-09-26", "--days", "99999999"],
])
def test_counts_beyond_a_life_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(rules_main, argv, capsys)
    _no_traceback(code, out, err)
    assert "超出范围" in err


def test_rules_idnumber_exits_1_for_an_invalid_number() -> None:
    invalid = run_process("rules", "idnumber", "110105194912310021", "--json")
    assert invalid.returncode == 1, invalid.stderr
    assert json.loads(invalid.stdout)["valid"] is False
    valid = run_process("rules", "idnumber", "11010519491231002X")
    assert valid.returncode == 0 and "身份号码有效" in valid.stdout


def test_global_options_before_a_command_with_its_own_command_line_are_passed_over(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``sicounter --config FILE -v rules …`` reaches the rules command (it used to be a usage error)."""
    argv = ["--config", str(tmp_path / "settings.toml"), "-v", "rules", "idnumber", "110105194912310021"]
    code, out, err = run_main(sicounter_main, argv, capsys)
    assert code == 1 and "身份号码无效" in out + err
    code, out, _err = run_main(sicounter_main, [f"--config={tmp_path / 's.toml'}", "rules", "idnumber",
                                                "11010519491231002X"], capsys)
    assert code == 0 and "身份号码有效" in out


def test_rules_idnumber_exits_1_for_a_15_digit_number_that_cannot_be_converted(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_main(rules_main, ["idnumber", "110105491331002"], capsys)
    assert code == 1 and "身份号码无效" in out


# -- every command line as a real process ---------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["sicounter", "queue", "list", "--limit", "-1"],
    ["sicounter", "audit", "list", "--since", "2101-01-01"],
    ["rules", "deadline", "--received", "2025-02-30", "--days", "1"],
    ["card", "read", "--timeout", "1e300"],
    ["card", "simulate", "--holder", "/nonexistent/holder.json"],
    ["idcard", "read", "--baud", "0"],
    ["idcard", "simulate", "--identity", "/nonexistent/identity.json"],
    ["central", "add-terminal", "bad id", "--db", "{tmp}/c.sqlite3"],
], ids=lambda argv: " ".join(argv[:2]))
def test_each_command_line_ends_bad_input_with_a_chinese_message(
        argv: list[str], tmp_path: Path, home: dict[str, str]) -> None:
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    proc = run_process(*(args[1:] if args[0] == "sicounter" else args), env=home)
    _no_traceback(proc.returncode, proc.stdout, proc.stderr)
