"""``sicounter clerk …`` from a shell (issue 16): nothing without an administrator's credentials.

Issue 16 was filed after a clerk created a second identity with ``sicounter clerk add`` and approved
their own case. The commands run as real processes on a real encrypted database; passwords come from
the environment variables meant for scripts, never from the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.settings import DeviceSettings, Settings, save_settings

from .test_cli import sicounter


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    save_settings(Settings(central_url="http://127.0.0.1:9", terminal_id="T-CLERK", data_dir=tmp_path / "data",
                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")), path)
    return path


def test_clerk_commands_need_an_administrator(tmp_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = tmp_path / "keyring.json"

    def run(*args: str, admin_password: str | None = None, new_password: str | None = None) -> tuple[int, str, str]:
        for name, value in (("SICOUNTER_ADMIN_PASSWORD", admin_password), ("SICOUNTER_NEW_PASSWORD", new_password)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        done = sicounter("clerk", *args, config=config, keyring_file=keys, input_text="")
        return done.returncode, done.stdout, done.stderr

    monkeypatch.delenv("SICOUNTER_ADMIN", raising=False)
    code, _out, err = run("add", "2001", "--name", "李柜员", "--roles", "front_desk", new_password="desk-pass-1")
    assert code == 2 and "需要系统管理员的工号" in err

    code, out, err = run("init-admin", "9001", "--name", "管理员", new_password="admin-pass-1")
    assert code == 0 and "9001" in out, err
    code, _out, err = run("init-admin", "9002", "--name", "第二个", new_password="admin-pass-2")
    assert code == 2 and "已有柜员" in err

    code, _out, err = run("add", "2001", "--name", "李柜员", "--roles", "front_desk,review", "--admin", "9001",
                          admin_password="wrong-pass", new_password="desk-pass-1")
    assert code == 2 and "工号或密码错误" in err
    code, out, err = run("add", "2001", "--name", "李柜员", "--roles", "front_desk,review", "--admin", "9001",
                         admin_password="admin-pass-1", new_password="desk-pass-1")
    assert code == 0 and "2001" in out, err
    code, _out, err = run("add", "2001", "--name", "冒名者", "--roles", "review", "--admin", "9001",
                          admin_password="admin-pass-1", new_password="other-pass-2")
    assert code == 2 and "已存在" in err

    # a business clerk is no administrator, whatever they type
    code, _out, err = run("add", "2002", "--name", "第二身份", "--roles", "review", "--admin", "2001",
                          admin_password="desk-pass-1", new_password="other-pass-2")
    assert code == 2 and "无权" in err
    code, _out, err = run("reset", "2001", "--admin", "2001", admin_password="desk-pass-1",
                          new_password="other-pass-2")
    assert code == 2 and "无权" in err

    code, _out, err = run("roles", "2001", "--roles", "review,admin", "--admin", "9001",
                          admin_password="admin-pass-1")
    assert code == 2 and "不能兼任" in err
    code, out, err = run("roles", "2001", "--roles", "review,front_desk", "--admin", "9001",
                         admin_password="admin-pass-1")
    assert code == 0 and "受理" in out, err
    code, _out, err = run("disable", "2001", "--admin", "9001", admin_password="admin-pass-1")
    assert code == 0, err
    code, out, err = run("list", "--json", "--admin", "9001", admin_password="admin-pass-1")
    assert code == 0, err
    listed = {row["id"]: row for row in json.loads(out)}
    assert set(listed) == {"9001", "2001"}
    assert listed["2001"]["roles"] == ["front_desk", "review"] and listed["2001"]["active"] is False
    assert listed["9001"]["roles"] == ["admin"]


def test_no_password_option_on_the_command_line(tmp_path: Path, config: Path) -> None:
    done = sicounter("clerk", "add", "2001", "--name", "李柜员", "--roles", "review", "--admin", "9001",
                     "--password", "admin-pass-1", config=config, keyring_file=tmp_path / "keyring.json")
    assert done.returncode == 2 and "unrecognized arguments" in done.stderr
