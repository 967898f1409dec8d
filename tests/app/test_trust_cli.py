"""Trust settings and held-back reference updates from a shell (issue 16, item 3): real processes, a real
central process over real HTTP, an administrator's credentials from the environment.

An administrator enrolls the central system's signing key with ``config set central_signing_key`` (audited;
a clerk cannot), syncs, sees the weakening the central system sent with ``reference pending`` and puts it
in force with ``reference confirm``; plain HTTP to another machine is refused at ``config set`` and at
start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.settings import DeviceSettings, Settings, save_settings
from forms.definitions import TIER_LABELS, load_form
from tests.app.conftest import CentralKey, make_central_key

from .test_cli import sicounter

REPO = Path(__file__).resolve().parents[2]


def central_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "central", *args], capture_output=True, text=True,
                          timeout=60, cwd=REPO)


def test_keygen_and_public_key_print_what_terminals_enroll(tmp_path: Path) -> None:
    keyring = tmp_path / "central-keyring"
    missing = central_cli("public-key", "--keyring-dir", str(keyring))
    assert missing.returncode == 1 and "keygen" in missing.stderr
    made = central_cli("keygen", "--keyring-dir", str(keyring))
    assert made.returncode == 0 and made.stdout.startswith("ed25519:") and "已生成" in made.stderr
    again = central_cli("keygen", "--keyring-dir", str(keyring))  # never replaced unasked
    assert again.stdout == made.stdout and "未更换" in again.stderr
    assert central_cli("public-key", "--keyring-dir", str(keyring)).stdout == made.stdout
    assert "PRIVATE" not in (keyring / "keyring.cfg").read_text(encoding="utf-8")  # a raw seed, in the keyring


def test_enroll_sync_and_confirm_a_weakening_from_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            start_central: Any, central_db: Path,
                                                            central_key: CentralKey) -> None:
    from importlib.resources import files

    from app.secrets import SecretStore
    from central.store import add_terminal
    from tests.os_keyring_stand_in import FileBackend

    reference = tmp_path / "reference-src"
    (reference / "forms").mkdir(parents=True)
    shipped = json.loads((files("resources") / "forms" / "retirement_approval.json").read_text(encoding="utf-8"))
    shipped.update(version=shipped["version"] + 1, review={"tier": "none"})
    (reference / "forms" / "retirement_approval.json").write_text(json.dumps(shipped, ensure_ascii=False),
                                                                  encoding="utf-8")
    server = start_central(extra_args=("--reference-dir", str(reference)))
    config, keys = tmp_path / "settings.toml", tmp_path / "keyring.json"
    save_settings(Settings(central_url=server.base_url, terminal_id="T-TRUST", data_dir=tmp_path / "data",
                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")), config)
    monkeypatch.setenv("SICOUNTER_NEW_PASSWORD", "admin-pass-1")
    monkeypatch.delenv("SICOUNTER_ADMIN", raising=False)

    def run(*args: str, password: str | None = "admin-pass-1") -> subprocess.CompletedProcess[str]:
        if password is None:
            monkeypatch.delenv("SICOUNTER_ADMIN_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("SICOUNTER_ADMIN_PASSWORD", password)
        return sicounter(*args, config=config, keyring_file=keys, input_text="")

    assert run("clerk", "init-admin", "9001", "--name", "管理员").returncode == 0
    monkeypatch.setenv("SICOUNTER_TEST_KEYRING", str(keys))
    SecretStore(FileBackend()).set_terminal_token(add_terminal(central_db, "T-TRUST"))

    refused = run("config", "set", "central_signing_key", central_key.public_key, "--admin", "9001",
                  password="wrong-pass")
    assert refused.returncode == 2 and "工号或密码错误" in refused.stderr
    assert run("config", "set", "central_signing_key", central_key.public_key).returncode == 2  # no admin named
    bad = run("config", "set", "central_signing_key", "ed25519:short", "--admin", "9001")
    assert bad.returncode == 2 and "签名公钥格式有误" in bad.stderr
    plain = run("config", "set", "central_url", "http://10.0.0.5:8470", "--admin", "9001")
    assert plain.returncode == 2 and "必须使用 HTTPS" in plain.stderr and "Traceback" not in plain.stderr
    done = run("config", "set", "central_signing_key", central_key.public_key, "--admin", "9001")
    assert done.returncode == 0, done.stderr
    assert run("config", "show").stdout.count(central_key.public_key) == 1

    synced = run("sync", "--once", "--json")
    assert synced.returncode == 0, synced.stderr
    answer = json.loads(synced.stdout)
    assert (answer["reference_updated"], answer["reference_awaiting"], answer["reference_refused"]) == (
        ["forms"], ["retirement_approval"], {})
    assert "待系统管理员确认" in synced.stderr
    pending = run("reference", "pending", "--admin", "9001", "--json")
    assert pending.returncode == 0, pending.stderr
    [held] = json.loads(pending.stdout)
    shipped = load_form("retirement_approval")
    assert (held["name"], held["version"], held["weakenings"]) == (
        "retirement_approval", shipped.version + 1, [f"审核级别由“{TIER_LABELS[shipped.review.tier]}”降为“无需复核”"])
    confirmed = run("reference", "confirm", "retirement_approval", "--admin", "9001")
    assert confirmed.returncode == 0 and "已确认生效" in confirmed.stdout, confirmed.stderr
    assert json.loads(run("reference", "pending", "--admin", "9001", "--json").stdout) == []
    again = run("reference", "confirm", "retirement_approval", "--admin", "9001")
    assert again.returncode == 2 and "没有待确认" in again.stderr

    other = make_central_key(tmp_path / "other-keyring").public_key  # edited into the file by hand
    config.write_text(config.read_text(encoding="utf-8").replace(central_key.public_key, other), encoding="utf-8")
    assert run("sync", "--once").returncode == 0  # nothing new offered: nothing fetched, nothing refused

    trail = _trail(tmp_path)
    assert [(e["action"], e["clerk"], e["subject"]) for e in trail
            if e["action"] in ("settings_change", "reference_update", "reference_confirm")] == [
        ("settings_change", "9001", "central_signing_key"), ("reference_update", None, "forms"),
        ("reference_confirm", "9001", "forms/retirement_approval"), ("settings_change", None, "central_signing_key")]
    changes = [e["detail"] for e in trail if e["action"] == "settings_change"]
    assert changes[0] == {"from": None, "to": central_key.public_key}
    assert changes[1] == {"from": central_key.public_key, "to": other, "how": "配置文件被直接修改（启动时发现）"}

    config.write_text(config.read_text(encoding="utf-8").replace(server.base_url, "http://10.0.0.5:8470"),
                      encoding="utf-8")  # edited by hand: refused at start
    start = run("sync", "--once")
    assert start.returncode == 2 and "必须使用 HTTPS" in start.stderr + start.stdout


def _trail(tmp_path: Path) -> list[dict[str, Any]]:
    """The audit trail as stored, read with the terminal's own keys (SICOUNTER_TEST_KEYRING is set)."""
    from app.secrets import SecretStore
    from app.settings import load_settings
    from app.terminal import build_terminal
    from tests.os_keyring_stand_in import FileBackend

    terminal = build_terminal(load_settings(tmp_path / "settings.toml"), SecretStore(FileBackend()),
                              start_sender=False, start_devices=False)
    try:
        return [{"action": e.action, "clerk": e.clerk_id, "subject": e.subject, "detail": e.detail}
                for e in terminal.audit.find(terminal.db)]
    finally:
        terminal.close()
