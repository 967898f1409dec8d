"""What the terminal leaves on disk: no name, no ID number, outside the encrypted stores.

A real terminal (file keyring, real SQLCipher database, real blob store, the Qt receipt renderer) takes an
application at the counter; then every byte of its data directory, and of the home directory it ran in
(where logs and caches would go), is searched.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app import usecases
from app.receipt_render import receipt_pdf
from app.secrets import SecretStore
from app.settings import Settings
from app.signature import SIGNATURE_KEY
from app.terminal import build_terminal
from core.errors import ConfigError
from forms.definitions import load_form
from local_db.submissions import get_submission
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .test_acceptance import ID_NUMBER, REGISTRATION, WAIVER

NEEDLES = {
    "name": REGISTRATION["name"].encode(),
    "name (UTF-16)": REGISTRATION["name"].encode("utf-16-le"),
    "ID number": ID_NUMBER.encode(),
    "ID number (UTF-16)": ID_NUMBER.encode("utf-16-le"),
    "ID number's region and birth year": ID_NUMBER[:6].encode(),  # "110105": no partial or masked leak
    "address": REGISTRATION["address"].encode(),
    "phone": REGISTRATION["phone"].encode(),
}


def _search(*roots: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                hits = [what for what, needle in NEEDLES.items() if needle in data]
                if hits:
                    found[str(path)] = hits
    return found


def test_an_accepted_application_leaves_no_personal_data_in_any_file(
        qapp: QApplication, make_terminal, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    log_file = data_dir / "logs" / "sicounter.log"  # everything logged, at every level, kept in the data dir
    log_file.parent.mkdir()
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        terminal = make_terminal("http://127.0.0.1:9")  # central unreachable: the submission stays queued
        accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
                signature=SIGNATURE),
            render_receipt=receipt_pdf)
        terminal.send_now()
        saved = get_submission(terminal.db, accepted.view.id)
        assert saved is not None and saved.applicant_id_number == ID_NUMBER  # it is there, readable with the key
        assert {a.material_key for a in saved.attachments} == {usecases.RECEIPT_KEY, SIGNATURE_KEY}
        assert _search(data_dir, Path(os.environ["HOME"])) == {}  # while running: -wal and -shm included
        terminal.close()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    files = {p.relative_to(data_dir).parts[0] for p in data_dir.rglob("*") if p.is_file()}
    assert {"counter.sqlite3", "blobs", "logs"} <= files
    assert log_file.stat().st_size > 0
    assert _search(data_dir, Path(os.environ["HOME"])) == {}


def test_without_a_keyring_the_terminal_refuses_to_start_and_writes_nothing(data_dir: Path) -> None:
    settings = Settings(central_url="http://127.0.0.1:9", terminal_id="T-TEST-01", data_dir=data_dir)
    with pytest.raises(ConfigError) as err:
        build_terminal(settings, SecretStore(None), start_sender=False, start_devices=False)
    assert err.value.user_message == "本机没有可用的系统密钥库，无法加密保存业务数据。"
    assert "系统管理员" in err.value.hint
    assert not settings.database_path().exists()
