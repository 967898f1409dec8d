"""Retention through the terminal (issue 16 items 6 and 7): a case the real central system closed is purged by
the terminal's own daily run and shown as 已清理; ``sicounter purge`` needs an administrator and says what
goes without naming anyone. Real central process, real encrypted database, real sealed blob store, the
real window under Qt, real subprocesses.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pytestqt.qtbot import QtBot

from app import queries, usecases
from app.receipt_render import receipt_pdf
from app.retention import RetentionKeeper
from app.secrets import SecretStore
from app.settings import DeviceSettings, Settings, save_settings
from app.terminal import Terminal, build_terminal
from app.usecases.retention import purge_daily
from forms.definitions import load_form
from local_db import outbox
from local_db.audit import verify_chain
from local_db.blobstore import BlobStore
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.models import SubmissionState, utcnow
from local_db.submissions import ApplicantData, AttachmentData, create_submission, get_submission
from tests.app.samples import SIGNATURE
from tests.local_db.sqlcipher_pages import decrypted_pages
from tests.os_keyring_stand_in import FileBackend

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, WAIVER
from .test_cli import sicounter
from .test_data_at_rest import _search
from .test_records_window import row_of, sync_now, window_for

SHOTS = Path("/work/wt/shots")
ADMIN = ClerkInfo("9001", "系统管理员", frozenset({Role.ADMIN}))
ADMIN_PASSWORD = "admin-pass-1"


def age_files(blobs: BlobStore, days: float) -> None:
    """The case's sealed files are as old as the case (weeks by the time it is purged)."""
    then = time.time() - days * 86400
    for path in blobs.root.rglob("*.blob"):
        os.utime(path, (then, then))


def test_a_case_the_central_system_closed_is_purged_by_the_daily_run_and_shown_as_purged(
        qtbot: QtBot, start_central: Any, make_terminal: Any, secrets_store: SecretStore, data_dir: Path) -> None:
    server = start_central(extra_args=("--review", "accept", "--review-delay", "0.1"))
    terminal: Terminal = make_terminal(server.base_url)
    assert terminal.retention is not None  # the window's terminal runs the daily purge
    window = window_for(qtbot, terminal)
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE),
        render_receipt=receipt_pdf)
    sid = accepted.view.id
    receipt_file = terminal.blobs.path_for(accepted.view.attachments[0].sha256)  # type: ignore[union-attr]
    assert receipt_file.exists()

    def closed_shown() -> bool:
        sync_now(qtbot, window)
        qtbot.wait(200)
        row = row_of(window, sid)
        return row is not None and window.records.item(row, 4).text() == "已办结"

    qtbot.waitUntil(closed_shown, timeout=20000)
    closed = get_submission(terminal.db, sid)
    assert closed is not None and closed.closed_at is not None and closed.receipt_number
    closed_at = closed.closed_at

    # a day later nothing is due; 31 days after the central system closed it, the daily run takes it
    assert purge_daily(terminal, now=closed_at + timedelta(days=1)).purged == ()
    age_files(terminal.blobs, 40)  # type: ignore[arg-type]
    keeper = RetentionKeeper(lambda: purge_daily(terminal, now=closed_at + timedelta(days=31)),
                             terminal.publish, first_delay=0.01, interval=3600)
    keeper.start()
    try:
        def purged_shown() -> bool:  # no refresh by hand: the keeper's event reloads the list
            row = row_of(window, sid)
            return row is not None and window.records.item(row, 4).text() == "已办结（已清理）"

        qtbot.waitUntil(purged_shown, timeout=10000)
    finally:
        keeper.stop()
    row = row_of(window, sid)
    assert row is not None
    cells = [window.records.item(row, c).text() for c in range(7)]
    assert cells[2] == "已清理" and cells[3] == "—" and cells[5] == closed.receipt_number
    assert "个人信息和扫描件已按保存期限清理" in cells[6]
    assert not receipt_file.exists()

    window.records.selectRow(row)
    assert not window.resume_button.isEnabled() and not window.correct_button.isEnabled()
    window.records.cellDoubleClicked.emit(row, 0)  # the clerk opens the case
    notice = window.notice.label.text()
    assert "该业务已办结满 30 天" in notice and "已于" in notice and "按保存期限规定从本机清理" in notice
    assert accepted.receipt.receipt_no in notice
    window.resize(1280, 760)
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "retention-records.png"))

    view = queries.submission(terminal, CLERK, sid)  # the case opened through the query side
    assert view is not None and view.purged and view.applicant_id_number is None and view.attachments == ()
    page = queries.records(terminal, CLERK, queries.RecordFilter(states=frozenset({SubmissionState.CLOSED})),
                           audited=False)
    assert [r.id for r in page.records] == [sid] and page.records[0].purged
    assert verify_chain(terminal.db).intact
    purges = [e for e in terminal.audit.find(terminal.db) if e.action == "purge"]
    assert [e.detail["scope"] for e in purges] == ["case", "run"]
    assert purges[1].clerk_id is None and purges[1].detail["trigger"] == "daily"

    key = secrets_store.database_key()
    window.close()
    terminal.close()
    plain = decrypted_pages(data_dir / "counter.sqlite3", key)
    for needle in (ID_NUMBER, REGISTRATION["name"], REGISTRATION["phone"], REGISTRATION["address"]):
        assert needle.encode() not in plain, needle
    assert _search(data_dir) == {}


@pytest.fixture
def terminal_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A settings file and a keyring file the ``sicounter`` subprocess and this process share."""
    keys = tmp_path / "keyring.json"
    monkeypatch.setenv("SICOUNTER_TEST_KEYRING", str(keys))
    config = tmp_path / "settings.toml"
    save_settings(Settings(central_url="http://127.0.0.1:9", terminal_id="T-PURGE", data_dir=tmp_path / "data",
                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")), config)
    return config, keys


def _open(config: Path) -> Terminal:
    from app.settings import load_settings

    return build_terminal(load_settings(config), SecretStore(FileBackend()), start_sender=False,
                          start_devices=False)


def _closed_case(terminal: Terminal, days_ago: float, number: int) -> str:
    assert terminal.blobs is not None
    ref = terminal.blobs.put(f"%PDF scan {number}".encode() + os.urandom(16))
    view = create_submission(
        terminal.db, item_code="personal_registration", form_version=3, terminal_id="T-PURGE", clerk_id=CLERK.id,
        applicant=ApplicantData(ID_NUMBER, REGISTRATION["name"], phone=REGISTRATION["phone"]),
        payload=dict(REGISTRATION), attachments=[AttachmentData("identity_document", ref.sha256, ref.size)],
        counter_receipt_no=f"TPURGE-20261001-{number:04d}")
    claimed = outbox.claim_batch(terminal.db, limit=10)
    outbox.settle(terminal.db, outbox.Settlement(accepted=[(c.submission_id, f"SI-{number}", utcnow())
                                                          for c in claimed]))
    outbox.apply_statuses(terminal.db, [outbox.StatusChange(view.id, "approved", "核准", None,
                                                            utcnow() - timedelta(days=days_ago))])
    return view.id


def test_sicounter_purge_needs_an_administrator_and_names_nobody(
        terminal_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    config, keys = terminal_files
    terminal = _open(config)
    try:
        add_clerk(terminal.db, ADMIN.id, ADMIN.name, ADMIN_PASSWORD, roles=ADMIN.roles)
        add_clerk(terminal.db, CLERK.id, CLERK.name, "counter-pass", roles=CLERK.roles)
        old = _closed_case(terminal, 40, 1)
        young = _closed_case(terminal, 3, 2)
        age_files(terminal.blobs, 50)  # type: ignore[arg-type]
    finally:
        terminal.close()

    def run(*args: str, password: str | None = None) -> tuple[int, str, str]:
        if password is None:
            monkeypatch.delenv("SICOUNTER_ADMIN_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("SICOUNTER_ADMIN_PASSWORD", password)
        done = sicounter("purge", *args, config=config, keyring_file=keys, input_text="")
        return done.returncode, done.stdout, done.stderr

    monkeypatch.delenv("SICOUNTER_ADMIN", raising=False)
    code, _out, err = run("--dry-run")
    assert code == 2 and "需要系统管理员的工号" in err
    code, _out, err = run("--admin", CLERK.id, password="counter-pass")  # a business clerk is refused
    assert code == 2 and "无权管理终端设置" in err
    code, _out, err = run("--admin", ADMIN.id, password="wrong-pass")
    assert code == 2 and "工号或密码错误" in err

    code, out, err = run("--dry-run", "--admin", ADMIN.id, password=ADMIN_PASSWORD)
    assert code == 0, err
    assert "将清理：已办结业务 1 件" in out and "TPURGE-20261001-0001" in out and "SI-1" in out
    assert "TPURGE-20261001-0002" not in out and "个人参保登记" in out
    for personal in (ID_NUMBER, ID_NUMBER[-4:], REGISTRATION["name"], REGISTRATION["phone"]):
        assert personal not in out + err
    code, out, err = run("--dry-run", "--json", "--admin", ADMIN.id, password=ADMIN_PASSWORD)
    listed = json.loads(out)
    assert listed["dry_run"] is True and [c["case_id"] for c in listed["purged"]] == [old]
    terminal = _open(config)
    try:
        assert not get_submission(terminal.db, old).purged  # type: ignore[union-attr]
        assert "purge" not in {e.action for e in terminal.audit.find(terminal.db)}  # a dry run purges nothing
    finally:
        terminal.close()

    code, out, err = run("--admin", ADMIN.id, password=ADMIN_PASSWORD)
    assert code == 0, err
    assert "已清理：已办结业务 1 件" in out and "已删除加密文件 1 个" in out
    assert REGISTRATION["name"] not in out and ID_NUMBER not in out
    terminal = _open(config)
    try:
        gone, kept = get_submission(terminal.db, old), get_submission(terminal.db, young)
        assert gone is not None and gone.purged and gone.counter_receipt_no == "TPURGE-20261001-0001"
        assert kept is not None and not kept.purged and kept.applicant_id_number == ID_NUMBER
        run_entry = [e for e in terminal.audit.find(terminal.db) if e.action == "purge"][-1]
        assert run_entry.clerk_id == ADMIN.id and run_entry.detail["cases"] == 1
        assert run_entry.detail["trigger"] == "admin" and run_entry.person_key is None
        assert verify_chain(terminal.db).intact
    finally:
        terminal.close()
    listed = sicounter("queue", "list", "--json", config=config, keyring_file=keys)
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows[old]["purged_at"] and rows[old]["applicant"] is None and rows[old]["applicant_id_number"] == ""
    assert rows[young]["purged_at"] is None and rows[young]["applicant"] == REGISTRATION["name"]
    text_rows = sicounter("queue", "list", config=config, keyring_file=keys).stdout
    assert "已清理" in text_rows and "TPURGE-20261001-0001" not in text_rows  # the central number is shown


@pytest.mark.parametrize("days", [0, -1, 3651, "thirty", 1.5])
def test_retention_days_is_validated(days: Any) -> None:
    with pytest.raises(ValidationError):
        Settings(retention_days=days)


def test_retention_days_defaults_to_30_and_is_set_by_config(tmp_path: Path) -> None:
    assert Settings().retention_days == 30
    config = tmp_path / "settings.toml"
    assert sicounter("config", "set", "retention_days", "90", config=config).returncode == 0
    from app.settings import load_settings

    assert load_settings(config).retention_days == 90


def test_the_daily_keeper_outlives_a_failed_run_and_stops_when_asked() -> None:
    from datetime import UTC, datetime

    from app.retention import Purged
    from core.errors import StorageError
    from local_db.retention import ExpiredCase, PurgeResult

    case = ExpiredCase("c1", ("c1", "c2"), "personal_registration", SubmissionState.CLOSED, ("T-1",), ("SI-1",),
                       datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC), 1)
    answers: list[BaseException | PurgeResult] = [
        StorageError("disk full", user_message="本地保存失败。"), RuntimeError("bug"),
        PurgeResult(30, datetime(2026, 2, 1, tzinfo=UTC), False, (case,)), PurgeResult(30, utcnow(), False, ())]
    published: list[object] = []

    def run() -> PurgeResult:
        answer = answers.pop(0) if answers else PurgeResult(30, utcnow(), False, ())
        if isinstance(answer, BaseException):
            raise answer
        return answer

    keeper = RetentionKeeper(run, published.append, first_delay=0.01, interval=0.01)
    keeper.start()
    deadline = time.monotonic() + 10
    while keeper.runs < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    keeper.stop()
    runs = keeper.runs
    assert runs >= 5 and published == [Purged(frozenset({"c1", "c2"}))]  # only a run that purged is told
    time.sleep(0.05)
    assert keeper.runs == runs  # stopped
