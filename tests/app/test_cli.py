"""The sicounter command as an administrator uses it: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.settings import Settings, save_settings
from central.process import BANNER_RE


def sicounter(*args: str, config: Path | None = None, input_text: str | None = None,
              timeout: float = 60, keyring_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command; with ``keyring_file`` it finds an OS keyring (tests/os_keyring_stand_in.py)."""
    cmd = [sys.executable, "-m", "app"]
    if config is not None:
        cmd += ["--config", str(config)]
    env = os.environ.copy()
    if keyring_file is not None:
        env |= {"PYTHON_KEYRING_BACKEND": "tests.os_keyring_stand_in.FileBackend",
                "SICOUNTER_TEST_KEYRING": str(keyring_file)}
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout,
                          input=input_text, env=env, cwd=Path(__file__).resolve().parents[2])


def test_db_command_creates_then_refuses_a_corrupt_file(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    save_settings(Settings(data_dir=tmp_path / "data"), config)
    refused = sicounter("db", config=config)  # no keyring: no database, rather than a plaintext one
    assert refused.returncode == 2 and "系统密钥库" in refused.stderr
    assert not (tmp_path / "data" / "counter.sqlite3").exists()
    keys = tmp_path / "keyring.json"
    ok = sicounter("db", config=config, keyring_file=keys)
    assert ok.returncode == 0, ok.stderr
    db_file = tmp_path / "data" / "counter.sqlite3"
    assert db_file.exists() and "revision" in ok.stdout

    db_file.write_bytes(b"\x00garbage" * 512)
    before = db_file.read_bytes()
    bad = sicounter("db", config=config, keyring_file=keys)
    assert bad.returncode == 2
    assert "无法读取" in bad.stderr and str(db_file) in bad.stderr
    assert "Traceback" not in bad.stderr
    assert db_file.read_bytes() == before


def test_broken_settings_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("province_code = 'sixty-one'\n", encoding="utf-8")
    result = sicounter("config", "show", config=config)
    assert result.returncode == 2
    assert str(config) in result.stderr


def test_config_set_and_show(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    assert sicounter("config", "set", "terminal_id", "TC-0007", config=config).returncode == 0
    shown = sicounter("config", "show", config=config)
    assert '"terminal_id": "TC-0007"' in shown.stdout


def test_central_serve_through_the_sicounter_command(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-u", "-m", "app", "central", "serve", "--port", "0",
                             "--db", str(tmp_path / "c.sqlite3")], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline().strip()
        assert BANNER_RE.match(banner), banner
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_card_simulate_and_read_through_the_sicounter_command(pcscd_vpcd: int) -> None:
    """`sicounter card simulate` puts a virtual card in the reader; `sicounter card read --json` prints it."""
    from importlib import resources

    holder = Path(str(resources.files("devices.sim") / "holders" / "li_xiuying.json"))
    sim = subprocess.Popen([sys.executable, "-u", "-m", "app", "card", "simulate", "--holder", str(holder),
                            "--port", str(pcscd_vpcd)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        assert "inserted" in sim.stdout.readline()
        result = sicounter("card", "read", "--json", "--timeout", "20")
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        assert record["ssn"] == "11010519491231002X" and record["name"] == "李秀英"
        assert record["birth_date"] == "1949-12-31" and record["apdu_count"] == 14
    finally:
        sim.terminate()
        sim.wait(timeout=30)


def test_idcard_simulate_and_read_through_the_sicounter_command() -> None:
    """`sicounter idcard simulate` opens a pty reader; `sicounter idcard read --json` reads it (photo as a hash)."""
    sim = subprocess.Popen([sys.executable, "-u", "-m", "app", "idcard", "simulate", "--identity", "zhang_wei"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        line = sim.stdout.readline().strip()
        assert line.startswith("simulated ID reader on "), line
        port = line.rsplit(" ", 1)[1]
        result = sicounter("idcard", "read", "--port", port, "--json", "--timeout", "20")
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        assert record["card_type"] == "resident" and len(record["id_number"]) == 18
        assert record["photo"]["length"] == 1024 and len(record["photo"]["sha256"]) == 64
    finally:
        sim.terminate()
        sim.wait(timeout=30)


def test_scan_and_idcopy_through_the_sicounter_command(tmp_path: Path) -> None:
    import cv2
    import pikepdf

    from devices.sim.docscene import render_scene

    photos = []
    for seed, kind in ((41, "a4_text"), (42, "certificate"), (43, "id_front"), (44, "id_back")):
        path = tmp_path / f"{kind}.jpg"
        cv2.imwrite(str(path), render_scene(seed, size=(1632, 1224), kind=kind).image)
        photos.append(path)
    out = tmp_path / "pages.pdf"
    done = sicounter("scan", "--source", str(photos[0]), str(photos[1]), "--out", str(out), "--mode", "grey")
    assert done.returncode == 0, done.stderr
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2
    copy = tmp_path / "idcopy.pdf"
    done = sicounter("scan", "idcopy", "--front", str(photos[2]), "--back", str(photos[3]), "--out", str(copy))
    assert done.returncode == 0, done.stderr
    with pikepdf.open(copy) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert abs(box[2] - 595.28) < 2 and abs(box[3] - 841.89) < 2
    missing = sicounter("scan", "--source", str(tmp_path / "nope.jpg"), "--out", str(tmp_path / "x.pdf"))
    assert missing.returncode == 2 and "nope.jpg" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_forms_list_and_validate(tmp_path: Path) -> None:
    listed = sicounter("forms", "list")
    assert listed.returncode == 0, listed.stderr
    assert "personal_registration" in listed.stdout and "10 个工作日" in listed.stdout
    death = next(line for line in listed.stdout.splitlines() if line.startswith("death_benefit"))
    assert "第十九条" in death and "None" not in death  # no day count: the basis says why

    good = Path(__file__).resolve().parents[2] / "resources" / "forms" / "personal_registration.json"
    ok = sicounter("forms", "validate", str(good))
    assert ok.returncode == 0 and "valid" in ok.stdout

    # a material demanded without a legal basis is refused (条例第三十一条), and the fault is named
    data = json.loads(good.read_text(encoding="utf-8"))
    data["materials"][0]["legal_basis"] = ""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused = sicounter("forms", "validate", str(bad))
    assert refused.returncode == 2
    assert str(bad) in refused.stderr and "legal_basis" in refused.stderr
    assert "Traceback" not in refused.stderr


def _cli_terminal(tmp_path: Path, monkeypatch, base_url: str, central_db: Path,  # type: ignore[no-untyped-def]
                  applicants: list[tuple[str, str]]) -> tuple[Path, Path, list[str]]:
    """A terminal registered with the central server at ``base_url``, one queued submission per
    applicant; its settings file, its keyring file and the submissions' ids."""
    from app.secrets import SecretStore
    from app.settings import DeviceSettings
    from app.terminal import build_terminal
    from central.store import add_terminal
    from local_db.clerks import Role, add_clerk
    from local_db.submissions import ApplicantData, create_submission
    from tests.os_keyring_stand_in import FileBackend

    keys = tmp_path / "keyring.json"
    monkeypatch.setenv("SICOUNTER_TEST_KEYRING", str(keys))
    settings = Settings(central_url=base_url, terminal_id="T-CLI", data_dir=tmp_path / "data",
                        devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))
    config = tmp_path / "settings.toml"
    save_settings(settings, config)
    store = SecretStore(FileBackend())
    store.set_terminal_token(add_terminal(central_db, "T-CLI"))
    terminal = build_terminal(settings, store, start_sender=False, start_devices=False)
    try:
        add_clerk(terminal.db, "1001", "测试柜员", "counter-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
        ids = [create_submission(terminal.db, item_code="personal_registration", form_version=3,
                                 terminal_id="T-CLI", clerk_id="1001", applicant=ApplicantData(number, name),
                                 payload={"name": name}).id
               for number, name in applicants]
    finally:
        terminal.close()
    return config, keys, ids


def test_queue_list_and_sync_once(tmp_path: Path, monkeypatch, start_central, central_db) -> None:  # type: ignore[no-untyped-def]
    """An administrator's view of the queue, and one sync cycle from a shell, against a real server."""
    server = start_central()
    config, keys, [made_id] = _cli_terminal(tmp_path, monkeypatch, server.base_url, central_db,
                                            [("11010519491231002X", "李秀英")])

    listed = sicounter("queue", "list", "--json", config=config, keyring_file=keys)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert (row["id"], row["state"], row["applicant_id_number"]) == (made_id, "queued", "110*************2X")
    assert "11010519491231002X" not in listed.stdout

    synced = sicounter("sync", "--once", "--json", config=config, keyring_file=keys)
    assert synced.returncode == 0, synced.stderr
    summary = json.loads(synced.stdout)
    assert (summary["sent"], summary["pending"], summary["error"]) == (1, 0, None)
    accepted = json.loads(sicounter("queue", "list", "--json", "--state", "accepted", config=config,
                                    keyring_file=keys).stdout)
    assert [r["id"] for r in accepted] == [made_id] and accepted[0]["receipt_number"].startswith("SB")

    server.stop()
    offline = sicounter("sync", "--once", config=config, keyring_file=keys)
    assert offline.returncode == 1 and "未连接中心系统" in offline.stdout


def test_sync_once_leaves_waiting_rows_unless_now(tmp_path: Path, monkeypatch, start_central,  # type: ignore[no-untyped-def]
                                                  central_db) -> None:
    """A scheduled ``sync --once`` leaves a row waiting out its retry delay, and says so;
    ``--now`` (an operator at the keyboard) sends it."""
    from datetime import datetime, timedelta

    from app.secrets import SecretStore
    from app.settings import load_settings
    from app.terminal import build_terminal
    from local_db import outbox
    from tests.os_keyring_stand_in import FileBackend

    server = start_central()
    config, keys, [held, fresh] = _cli_terminal(tmp_path, monkeypatch, server.base_url, central_db,
                                                [("11010519491231002X", "李秀英"), ("110105194912310038", "王建国")])
    terminal = build_terminal(load_settings(config), SecretStore(FileBackend()), start_sender=False,
                              start_devices=False)
    try:  # what the sender leaves after a failed attempt: a row with a later next try
        outbox.mark_retry(terminal.db, held, error="未连接中心系统", delay=timedelta(hours=1))
    finally:
        terminal.close()

    scheduled = sicounter("sync", "--once", "--json", config=config, keyring_file=keys)
    assert scheduled.returncode == 0, scheduled.stderr
    summary = json.loads(scheduled.stdout)
    assert (summary["sent"], summary["pending"], summary["waiting"]) == (1, 1, 1)
    wait = datetime.fromisoformat(summary["next_attempt_at"]) - datetime.now().astimezone()
    assert timedelta(minutes=55) < wait <= timedelta(hours=1)
    accepted = json.loads(sicounter("queue", "list", "--json", "--state", "accepted", config=config,
                                    keyring_file=keys).stdout)
    assert [r["id"] for r in accepted] == [fresh]

    told = sicounter("sync", "--once", config=config, keyring_file=keys)
    assert told.returncode == 0, told.stderr
    assert "其中 1 笔在等待重试" in told.stdout and "--now" in told.stdout and told.stdout.count("已发送 0 笔") == 1

    now = sicounter("sync", "--once", "--now", "--json", config=config, keyring_file=keys)
    assert now.returncode == 0, now.stderr
    summary = json.loads(now.stdout)
    assert (summary["sent"], summary["pending"], summary["waiting"], summary["next_attempt_at"]) == (1, 0, 0, None)
    accepted = json.loads(sicounter("queue", "list", "--json", "--state", "accepted", config=config,
                                    keyring_file=keys).stdout)
    assert sorted(r["id"] for r in accepted) == sorted([held, fresh])
