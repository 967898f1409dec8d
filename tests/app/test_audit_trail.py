"""The audit trail through the use cases, the queries and ``sicounter audit``: real database, real keyring
file, real subprocesses; nothing of our own is mocked.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app import queries, usecases
from app.secrets import SecretStore
from app.settings import DeviceSettings, Settings, save_settings
from app.terminal import Terminal, build_terminal
from app.usecases.audit import TrailFilter, read_trail
from core.errors import AuthenticationError, StorageError
from forms.definitions import load_form
from local_db import dbkey
from local_db.audit import AuditRecord, verify_chain
from local_db.clerks import ClerkInfo, Role, add_clerk
from tests.app.samples import SIGNATURE

from .conftest import CLERK, PASSWORD
from .samples import ID_NUMBER, REGISTRATION, RETIREE_ID, RETIREMENT, WAIVER
from .test_cli import sicounter

REVIEWER = ClerkInfo("1002", "复核柜员", frozenset({Role.REVIEW}))
AUDITOR = ClerkInfo("7001", "稽核员", frozenset({Role.AUDITOR}))
AUDITOR_PASSWORD = "audit-pass-1"


@pytest.fixture
def terminal(make_terminal: Any) -> Terminal:
    made: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(made.db, REVIEWER.id, REVIEWER.name, "review-pass", roles=frozenset({Role.REVIEW}))
    return made


def trail(terminal: Terminal) -> list[AuditRecord]:
    return terminal.audit.find(terminal.db)


def raw_rows(terminal: Terminal) -> str:
    with terminal.db.engine.connect() as conn:
        return repr(conn.exec_driver_sql("SELECT * FROM audit_log").fetchall())


def test_a_submission_leaves_its_entries_in_its_own_transaction(terminal: Terminal) -> None:
    form = load_form("personal_registration")
    provenance = {"from_device": {"name": "社保卡"},
                  "overrides": [{"fields": ["name"], "reason": "卡内姓名有误", "clerk_id": CLERK.id}]}
    with pytest.raises(StorageError):  # provenance JSON cannot hold: the save fails, and so does its trail
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION, provenance={"odd": {1, 2}}, waivers={"identity_document": WAIVER},
                signature=SIGNATURE))
    assert [e.action for e in trail(terminal)] == []

    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION, provenance=provenance, waivers={"identity_document": WAIVER}, signature=SIGNATURE))
    entries = trail(terminal)
    assert [e.action for e in entries] == ["submit", "card_override", "waiver"]
    assert [e.action for e in entries].count("submit") == 1
    assert {e.subject for e in entries} == {accepted.view.id}
    assert {e.clerk_id for e in entries} == {CLERK.id}
    assert {e.person_key for e in entries} == {terminal.audit.person_key(ID_NUMBER)}
    assert entries[0].detail["counter_receipt_no"] == accepted.receipt.receipt_no
    assert entries[1].detail == {"fields": ["name"]} and entries[2].detail == {"material": "identity_document"}
    text = raw_rows(terminal)
    for secret in (ID_NUMBER, ID_NUMBER[:17], REGISTRATION["phone"], "卡内姓名有误", WAIVER, REGISTRATION["name"]):
        assert secret not in text
    assert verify_chain(terminal.db).intact


def test_sign_in_draft_approval_view_and_print_are_recorded(qapp: QApplication, terminal: Terminal,
                                                            tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError):
        usecases.sign_in(terminal, CLERK.id, "wrong-password")
    assert usecases.sign_in(terminal, CLERK.id, PASSWORD) == CLERK
    form = load_form("retirement_approval")
    waivers = {m.key: WAIVER for m in usecases.missing_materials(form, RETIREMENT, {}, {})}
    draft = usecases.save_draft(terminal, CLERK, form, RETIREMENT)
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, RETIREMENT, waivers=waivers, draft_id=draft.id, signature=SIGNATURE))
    sid = accepted.view.id
    with pytest.raises(AuthenticationError):
        usecases.approve(terminal, REVIEWER.id, "not-it", sid)
    assert queries.submission(terminal, CLERK, sid, audited=False) is not None  # the result page re-reads its case
    assert queries.submission(terminal, REVIEWER, sid) is not None  # the reviewer opens the case
    usecases.approve(terminal, REVIEWER.id, "review-pass", sid)
    usecases.print_receipt(terminal, REVIEWER, accepted.receipt, tmp_path / "receipt.pdf")

    entries = trail(terminal)
    got = [(e.action, e.clerk_id) for e in entries if e.action != "waiver"]
    assert got == [("sign_in_failed", CLERK.id), ("sign_in", CLERK.id), ("save_draft", CLERK.id),
                   ("submit", CLERK.id), ("sign_in_failed", REVIEWER.id), ("view_case", REVIEWER.id),
                   ("approve", REVIEWER.id), ("print_receipt", REVIEWER.id)]
    retiree = terminal.audit.person_key(RETIREE_ID)
    about_case = [e for e in entries if e.subject == sid and e.action != "sign_in_failed"]
    assert {e.action for e in about_case} >= {"submit", "view_case", "approve", "print_receipt"}
    assert all(e.person_key == retiree for e in about_case)
    assert next(e for e in entries if e.action == "approve").detail["submitted_by"] == CLERK.id
    assert next(e for e in entries if e.action == "print_receipt").detail == {
        "receipt_no": accepted.receipt.receipt_no, "to": "file"}
    assert (tmp_path / "receipt.pdf").exists()
    for secret in (RETIREE_ID, RETIREE_ID[:17], RETIREMENT["bank_account"], "wrong-password", "not-it"):
        assert secret not in raw_rows(terminal)
    found = read_trail(terminal, AUDITOR, TrailFilter(id_number=RETIREE_ID.lower()), oldest_first=True)
    assert found.masked_id_number == RETIREE_ID[:3] + "*" * 13 + RETIREE_ID[-2:]
    assert [e.seq for e in found.entries] == [e.seq for e in entries if e.person_key == retiree]
    assert verify_chain(terminal.db).intact


def _data_dir_with_a_trail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, str]:
    """A terminal's data directory (settings file, keyring file) whose trail holds one submission's entries."""
    from tests.os_keyring_stand_in import FileBackend

    keys = tmp_path / "keyring.json"
    monkeypatch.setenv("SICOUNTER_TEST_KEYRING", str(keys))
    settings = Settings(terminal_id="T-CLI", data_dir=tmp_path / "data",
                        devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))
    config = tmp_path / "settings.toml"
    save_settings(settings, config)
    made = build_terminal(settings, SecretStore(FileBackend()), start_sender=False, start_devices=False)
    try:
        add_clerk(made.db, CLERK.id, CLERK.name, PASSWORD, roles=CLERK.roles)
        add_clerk(made.db, AUDITOR.id, AUDITOR.name, AUDITOR_PASSWORD, roles=AUDITOR.roles)
        usecases.sign_in(made, CLERK.id, PASSWORD)
        accepted = usecases.submit_application(made, usecases.SubmitRequest(
            CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
                signature=SIGNATURE))
        queries.submission(made, CLERK, accepted.view.id)
    finally:
        made.close()
    return config, keys, accepted.view.id


def test_audit_verify_and_list_through_the_sicounter_command(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config, keys, sid = _data_dir_with_a_trail(tmp_path, monkeypatch)
    monkeypatch.setenv("SICOUNTER_AUDITOR", AUDITOR.id)
    monkeypatch.setenv("SICOUNTER_AUDITOR_PASSWORD", AUDITOR_PASSWORD)
    ok = sicounter("audit", "verify", config=config, keyring_file=keys)
    assert ok.returncode == 0, ok.stderr
    assert "审计日志完整" in ok.stdout and "共 5 条" in ok.stdout  # the trail's 4 and the auditor's sign-in

    listed = sicounter("audit", "list", "--person", ID_NUMBER, "--since", date.today().isoformat(),
                       config=config, keyring_file=keys)
    assert listed.returncode == 0, listed.stderr
    assert "110*************2X" in listed.stdout and "共 3 条" in listed.stdout
    assert "受理提交" in listed.stdout and "免交材料" in listed.stdout and "查看业务" in listed.stdout
    assert sid in listed.stdout
    assert ID_NUMBER not in listed.stdout + listed.stderr and REGISTRATION["name"] not in listed.stdout
    later = sicounter("audit", "list", "--person", ID_NUMBER, "--since", "2100-12-31", config=config,
                      keyring_file=keys)
    assert later.returncode == 0 and "共 0 条" in later.stdout
    other = sicounter("audit", "list", "--person", RETIREE_ID, config=config, keyring_file=keys)
    assert "共 0 条" in other.stdout

    conn = dbkey.connect(tmp_path / "data" / "counter.sqlite3", bytes.fromhex(
        SecretStore(_file_backend(keys)).database_key().hex()))
    try:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
        conn.commit()
    finally:
        conn.close()
    broken = sicounter("audit", "verify", config=config, keyring_file=keys)
    assert broken.returncode == 1, broken.stderr
    assert "第 2 条" in broken.stdout and "记录被删除" in broken.stdout and "审计日志不完整" in broken.stdout


def _file_backend(keys: Path) -> Any:
    from tests.os_keyring_stand_in import FileBackend

    assert keys.exists()
    return FileBackend()
